// The case detail dialog: one case's facts, promise and signal, step history (GB/T 39046), special
// procedures, co-departments' opinions and notices, with the actions its state allows. The server
// decides: a refused action shows its own message, and the dialog re-reads the case after each action
// and on every live event about it.
import { localName } from "/static/display/display/windows.js";
import { applicableNotices, el, hallDay, longDate, noticeLink, statusText } from "./cases.js";

const LIVE_DELAY_MS = 200;
/** The action forms and the /api/v1/cases/<id>/… endpoint each posts to. */
const PATHS = { step: "steps", supplement: "supplement", handover: "handover", pause: "pause", resume: "resume",
                finish: "finish", return: "return", no_show: "no-show", opinion: "opinions" };

/** Which actions a case's state allows, by the server's rules (it still has the last word). */
export function allowedActions(c) {
  const started = c.status === "in_progress" || c.status === "paused"; // accepted and not closed
  const step = c.current_step;
  return {
    step: started && Boolean(step),
    supplement: c.status === "awaiting_materials",
    handover: started && Boolean(step),
    pause: c.status === "in_progress" && c.case_type !== "immediate",
    resume: c.status === "paused",
    finish: started && (c.case_type === "report_up" || c.case_type === "immediate" || step === "finish"),
    return: started,
    no_show: started,
    opinion: started && c.case_type === "joint" && c.co_departments.some((d) => d.notified_on && !d.opinion_on),
  };
}

export function createCaseDetail(ctx, onChanged) {
  const { t, data } = ctx;
  const $ = (id) => document.getElementById(id);
  const dialog = $("detail-dialog");
  const form = $("detail-form");
  const buttons = Object.fromEntries([...$("detail-actions").querySelectorAll("[data-form]")]
    .map((b) => [b.dataset.form, b]));
  let c = null; // the case as last read
  let caseId = null;
  let active = null; // the action form shown, if any
  let formStep = null; // the step the clerk saw when opening the step form
  let asked = 0; // the newest read: an older answer arriving late is dropped
  let timer = null;

  // -- words and dates ------------------------------------------------------------------------
  const tz = () => ctx.snap?.hall.timezone || undefined;
  const today = () => hallDay(ctx);
  const dayOf = (iso) => hallDay(ctx, iso);
  const moment = (iso) => (iso ? new Date(iso).toLocaleString("sv-SE", { timeZone: tz(), year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }) : "—");
  const department = (pick) => ctx.snap?.departments.find(pick);
  const deptName = (code) => { const d = department((x) => x.code === code); return d ? localName(d, data.lang) : code; };
  const caseDept = () => department((x) => x.id === c.department_id)?.code;
  const stepName = (name) => (name ? t.steps[name] || name : "—");
  const reasonText = (r) => (r.startsWith("step_overdue:") ? ctx.fill(t.why_step, { step: stepName(r.slice(13)) })
    : t.why[r] || r);

  // -- the case -------------------------------------------------------------------------------
  function facts() {
    $("detail-number").textContent = c.number;
    $("detail-service").textContent = ctx.serviceName(c.service_id) || c.service_name;
    $("detail-type").textContent = t.case_types[c.case_type] || c.case_type;
    $("detail-status").textContent = statusText(c, t);
    $("detail-applicant").textContent = [c.applicant.name_masked, c.applicant.id_masked].filter(Boolean).join(" · ");
    $("detail-received").textContent = `${longDate(dayOf(c.received_at), data.lang)} ${moment(c.received_at).slice(11)}`;
    const due = $("detail-deadline");
    due.replaceChildren(c.deadline ? longDate(c.deadline, data.lang) : t.deadline_none);
    if (c.deadline && c.provisional) due.append(el("span", { className: "case-provisional", textContent: t.provisional }));
    if (c.signal === "yellow" || c.signal === "red") {
      due.append(el("span", { className: `badge badge-${c.signal}`, textContent: t["signal_" + c.signal] }));
    }
    const step = c.steps.at(-1);
    $("detail-step").textContent = c.current_step
      ? stepName(c.current_step) + (step.department !== caseDept() ? ` · ${deptName(step.department)}` : "")
        + (c.step_deadline ? ` · ${ctx.fill(t.step_due, { date: longDate(c.step_deadline, data.lang) })}` : "")
      : "—";
    const why = c.signal_reasons.map(reasonText);
    if (c.signal === "yellow" && !why.length) why.push(t.why_yellow);
    if (c.deemed_approved) why.push(t.deemed_approved);
    $("detail-why").hidden = !why.length;
    $("detail-why").textContent = why.join("；");
    $("detail-why").dataset.signal = c.signal;
    const notes = [];
    if (c.closing_reason) {
      const label = t["closing_" + c.closing_code] || t.closing_reason; // 办结意见 / 上报 / 退回、作废的原因
      notes.push(ctx.fill(label, { reason: c.closing_reason }));
    }
    if (c.materials_missing.length) {
      notes.push(ctx.fill(t.missing_n, { n: c.materials_missing.length, list: c.materials_missing.join("；") }));
    }
    if (c.no_show_on) notes.push(ctx.fill(t.no_show_note, { date: longDate(c.no_show_on, data.lang) }));
    $("detail-notes").hidden = !notes.length;
    $("detail-notes").replaceChildren(...notes.map((n) => el("p", { textContent: n })));
    $("detail-notices").replaceChildren(...applicableNotices(c).map((k) => noticeLink(c, k, t)));
    dialog.dataset.status = c.status;
    dialog.dataset.signal = c.signal;
  }

  function rows(id, items, cells, empty) {
    $(id).replaceChildren(...(items.length ? items.map(cells)
      : [el("tr", {}, el("td", { colSpan: 9, className: "empty", textContent: empty }))]));
  }

  function tables() {
    const home = caseDept();
    rows("detail-steps", c.steps, (s) => {
      const tr = el("tr", {},
        el("td", { className: "step-name", textContent: stepName(s.name) }),
        el("td", { textContent: (s.handler || "—") + (s.department !== home ? ` · ${deptName(s.department)}` : "") }),
        el("td", { className: "opinion", textContent: s.opinion || "" }),
        el("td", { className: "when", textContent: moment(s.started_at) }),
        el("td", { className: "when", textContent: moment(s.ended_at) }),
        el("td", { textContent: s.action ? t.actions[s.action] : t.step_running }));
      tr.dataset.step = s.name;
      tr.dataset.state = s.ended_at ? "done" : "current";
      return tr;
    }, "—");
    $("detail-pauses-box").hidden = !c.pauses.length;
    rows("detail-pauses", c.pauses, (p) => {
      const tr = el("tr", {},
        el("td", { textContent: t.pause_kinds[p.kind] || p.kind }),
        el("td", { textContent: p.reason + (p.approved_by ? ` (${ctx.fill(t.approved_by_n, { name: p.approved_by })})` : "") }),
        el("td", { className: "when", textContent: p.start }),
        el("td", { className: "when", textContent: p.end || t.pause_running }));
      tr.dataset.kind = p.kind;
      tr.dataset.state = p.end ? "ended" : "running";
      return tr;
    }, "");
    $("detail-co-box").hidden = !c.co_departments.length;
    rows("detail-co", c.co_departments, (d) => {
      const verdict = d.opinion_on ? (d.consent ? t.consent_yes : t.consent_no) : t.opinion_waiting;
      const flags = el("td", {});
      if (d.late) flags.append(el("span", { className: "badge badge-red", textContent: d.opinion_on ? t.opinion_late : t.opinion_overdue }));
      if (d.deemed) flags.append(el("span", { className: "badge badge-deemed", textContent: t.opinion_deemed }));
      const tr = el("tr", {},
        el("td", { textContent: deptName(d.department) }),
        el("td", { className: "when", textContent: d.notified_on || "—" }),
        el("td", { className: "when", textContent: d.opinion_on || "—" }),
        el("td", { textContent: verdict }),
        el("td", { className: "opinion", textContent: d.opinion || "" }),
        flags);
      tr.dataset.department = d.department;
      tr.dataset.late = String(d.late);
      return tr;
    }, "");
  }

  function render() {
    facts();
    tables();
    const allowed = allowedActions(c);
    for (const [name, btn] of Object.entries(buttons)) {
      btn.disabled = !allowed[name];
      btn.hidden = name === "supplement" ? c.status !== "awaiting_materials"
        : name === "opinion" ? c.case_type !== "joint" : name === "resume" ? c.status !== "paused"
          : name === "pause" ? c.status === "paused" : false;
    }
    if (active && !allowed[active]) closeForm();
    if ((active === "step" || active === "handover") && formStep !== c.current_step) { // someone else moved it on
      closeForm();
      $("detail-done").textContent = ctx.fill(t.step_moved, { step: stepName(c.current_step) });
    }
  }

  async function load() {
    const mine = ++asked;
    const id = caseId;
    const fresh = await ctx.api("GET", `/api/v1/cases/${id}`);
    if (mine !== asked || id !== caseId) return;
    c = fresh;
    render();
  }

  // -- the action forms -----------------------------------------------------------------------
  const value = (id) => $(id).value.trim();
  const radio = (name) => form.querySelector(`input[name=${name}]:checked`)?.value;
  const option = (v, text, disabled = false) => el("option", { value: v, textContent: text, disabled });
  const limit = (id, body, key) => { if (value(id)) body[key] = Number(value(id)); };
  const checked = (id) => [...$(id).querySelectorAll("input:checked")].map((i) => Number(i.value));

  function coDepartmentBoxes(id) {
    $(id).replaceChildren(...(ctx.snap?.departments || []).filter((d) => d.id !== c.department_id).map((d) =>
      el("label", {}, el("input", { type: "checkbox", value: d.id }), " ", localName(d, data.lang))));
  }

  /** Each form's fields set for the case as shown, and its body (or the problem to fix first). */
  const forms = {
    step: {
      prepare() {
        formStep = c.current_step;
        const first = c.workflow[0] === formStep;
        const last = formStep === "finish";
        form.querySelector("input[name=step_action][value=pass]").disabled = last;
        form.querySelector("input[name=step_action][value=return]").disabled = first;
        form.querySelector(`input[name=step_action][value=${last ? "other" : "pass"}]`).checked = true;
        $("df-step-now").textContent = stepName(formStep);
        $("df-step-hint").textContent = last ? t.hint_finish_step : first ? t.hint_first_step : "";
        $("df-step-limit").value = "";
      },
      collect() {
        const body = { action: radio("step_action"), opinion: value("df-step-opinion"), step: formStep };
        if (body.action === "return" && !body.opinion) return { problem: t.need_return_opinion };
        limit("df-step-limit", body, "limit_days");
        return { body };
      },
    },
    supplement: {
      prepare() {
        $("df-sup-proceed").value = "";
        coDepartmentBoxes("df-sup-co");
        this.toggle();
      },
      toggle() {
        $("df-sup-co-box").hidden = $("df-sup-proceed").value !== "joint";
        $("df-sup-reason-box").hidden = $("df-sup-proceed").value !== "returned";
      },
      collect() {
        const body = { completed: true };
        const proceed = $("df-sup-proceed").value;
        if (proceed) body.proceed_as = proceed;
        if (proceed === "joint") {
          body.co_departments = checked("df-sup-co");
          if (!body.co_departments.length) return { problem: t.need_co };
        }
        if (proceed === "returned") {
          body.reason = value("df-sup-reason");
          if (!body.reason) return { problem: t.need_reason };
        }
        return { body };
      },
    },
    handover: {
      prepare() {
        formStep = c.current_step;
        const holding = c.steps.at(-1)?.department;
        $("df-hand-dept").replaceChildren(option("", t.choose_department),
          ...(ctx.snap?.departments || []).map((d) => option(d.id, localName(d, data.lang), d.code === holding)));
        $("df-hand-limit").value = "";
      },
      collect() {
        if (!value("df-hand-dept")) return { problem: t.need_department };
        const body = { department_id: Number(value("df-hand-dept")), opinion: value("df-hand-opinion") };
        limit("df-hand-limit", body, "limit_days");
        return { body };
      },
    },
    pause: {
      prepare() {
        const promised = c.case_type === "promised";
        const kinds = $("df-pause-kind");
        for (const o of kinds.options) o.disabled = promised && (o.value === "site_check" || o.value === "extension");
        if (kinds.selectedOptions[0]?.disabled || !kinds.value) kinds.value = [...kinds.options].find((o) => !o.disabled).value;
        $("df-pause-hint").hidden = !promised;
        $("df-pause-start").value = today();
        $("df-pause-end").value = "";
        this.toggle();
      },
      toggle() { $("df-pause-approved-box").hidden = $("df-pause-kind").value !== "extension"; },
      collect() {
        const body = { kind: $("df-pause-kind").value, reason: value("df-pause-reason"), start: value("df-pause-start") || undefined };
        if (!body.reason) return { problem: t.need_pause_reason };
        if (value("df-pause-end")) body.end = value("df-pause-end");
        if (body.kind === "extension") {
          if (!body.end) return { problem: t.need_end };
          if (value("df-pause-approved")) body.approved_by = value("df-pause-approved");
        }
        return { body };
      },
    },
    resume: {
      prepare() { $("df-resume-end").value = today(); },
      collect() { return { body: value("df-resume-end") ? { end: value("df-resume-end") } : {} }; },
    },
    finish: {
      prepare() { $("df-finish-forward-box").hidden = c.case_type !== "report_up"; },
      collect() {
        const body = { opinion: value("df-finish-opinion") };
        if (c.case_type === "report_up") {
          body.forwarded_to = value("df-finish-forward");
          if (!body.forwarded_to) return { problem: t.need_forward };
        }
        return { body };
      },
    },
    return: {
      prepare() {},
      collect() { return value("df-return-reason") ? { body: { reason: value("df-return-reason") } } : { problem: t.need_reason }; },
    },
    no_show: {
      prepare() { $("df-noshow-on").value = today(); $("df-noshow-on").max = today(); },
      collect() { return value("df-noshow-on") ? { body: { told_on: value("df-noshow-on") } } : { problem: t.need_date }; },
    },
    opinion: {
      prepare() {
        $("df-op-dept").replaceChildren(...c.co_departments.filter((d) => d.notified_on && !d.opinion_on).map((d) => {
          const dept = department((x) => x.code === d.department);
          return option(dept ? dept.id : "", deptName(d.department) + (d.late ? ` (${t.opinion_overdue})` : ""), !dept);
        }));
        form.querySelector("input[name=op_consent][value=yes]").checked = true;
        $("df-op-on").value = today();
        $("df-op-on").max = today();
      },
      collect() {
        if (!value("df-op-dept")) return { problem: t.need_department };
        const body = { department_id: Number(value("df-op-dept")), consent: radio("op_consent") === "yes",
                       opinion: value("df-op-opinion"), on: value("df-op-on") || undefined };
        if (!body.opinion) return { problem: t.need_opinion };
        return { body };
      },
    },
  };

  function openForm(name) {
    if (!c || buttons[name].disabled) return;
    active = name;
    form.reset();
    form.hidden = false;
    for (const box of form.querySelectorAll("fieldset[data-for]")) box.hidden = box.dataset.for !== name;
    for (const [other, btn] of Object.entries(buttons)) btn.setAttribute("aria-pressed", String(other === name));
    $("detail-form-title").textContent = buttons[name].textContent;
    $("detail-error").textContent = "";
    $("detail-done").textContent = "";
    forms[name].prepare();
    form.querySelector(`fieldset[data-for=${name}]`).querySelector("input:not([type=radio]):not(:disabled), select, textarea")
      ?.focus();
  }

  function closeForm() {
    active = null;
    form.hidden = true;
    for (const btn of Object.values(buttons)) btn.setAttribute("aria-pressed", "false");
  }

  async function submit(ev) {
    ev.preventDefault();
    if (!active || !c) return;
    const name = active;
    const label = buttons[name].textContent;
    const { body, problem } = forms[name].collect();
    $("detail-error").textContent = problem || "";
    if (problem) return;
    const send = $("detail-submit");
    send.disabled = true;
    try {
      await ctx.api("POST", `/api/v1/cases/${c.id}/${PATHS[name]}`, body);
      closeForm();
      $("detail-done").textContent = ctx.fill(t.action_done, { action: label });
    } catch (err) {
      const message = err instanceof TypeError ? t.network : err.message;
      $("detail-error").textContent = ctx.fill(t.failed, { action: label, message });
    } finally {
      send.disabled = false;
    }
    await load().catch(() => {});
    if (!active) focusFirst();
    onChanged();
  }

  // -- opening and closing --------------------------------------------------------------------
  function focusFirst() {
    (Object.values(buttons).find((b) => !b.disabled && !b.hidden) || $("detail-close")).focus();
  }

  /** Show the case with this id; throws the API's error when it cannot be read. */
  async function open(id) {
    const before = caseId;
    caseId = id;
    try {
      await load();
    } catch (err) {
      caseId = before;
      throw err;
    }
    closeForm();
    $("detail-error").textContent = "";
    $("detail-done").textContent = "";
    if (!dialog.open) dialog.showModal();
    focusFirst();
  }

  for (const [name, btn] of Object.entries(buttons)) btn.addEventListener("click", () => openForm(name));
  form.addEventListener("submit", submit);
  form.querySelector("[data-cancel]").addEventListener("click", closeForm);
  $("df-sup-proceed").addEventListener("change", () => forms.supplement.toggle());
  $("df-pause-kind").addEventListener("change", () => forms.pause.toggle());
  $("detail-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("cancel", (ev) => { if (active) { ev.preventDefault(); closeForm(); } }); // Esc: the form first
  dialog.addEventListener("close", () => { caseId = null; c = null; clearTimeout(timer); });

  return {
    open,
    render() {},
    onEvent(name, d) {
      if (!dialog.open || !name.startsWith("case") || d?.case_id !== caseId) return;
      clearTimeout(timer);
      timer = setTimeout(() => load().catch(() => {}), LIVE_DELAY_MS);
    },
  };
}
