// Cases at the window: the 受理办件 form, the promised date shown at once with the notices to
// download and the receipt to print, and the window's case list with its yellow/red signals; a row
// (or a case found by its number) opens the case detail dialog (case_detail.js).
import { localName } from "/static/display/display/windows.js";
import { checkId, normaliseId } from "./ids.js";

const PROMISE_TYPES = ["promised", "joint", "report_up", "special"];
const REFRESH_DELAY_MS = 300;

/** The notices that apply to a case, in the order a clerk hands them out (the server agrees: 404 otherwise). */
export function applicableNotices(c) {
  const out = [];
  const returned = c.closing_code === "returned" || (c.case_type === "returned" && c.status === "closed");
  if (!returned && c.deadline && PROMISE_TYPES.includes(c.case_type)) out.push("acceptance");
  if ((c.materials_missing || []).length || c.case_type === "supplement") out.push("one_time");
  if (c.case_type === "joint") out.push("joint");
  if (returned) out.push("return");
  return out;
}

/** "2026-11-30" as the console's language writes it. */
export function longDate(iso, lang) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === "en" ? "en-GB" : "zh-CN",
    { year: "numeric", month: "long", day: "numeric", weekday: "short", timeZone: "UTC" });
}

/** A day as YYYY-MM-DD in the hall's time zone: today, or the day of an ISO moment. */
export function hallDay(ctx, when = Date.now()) {
  return new Date(when).toLocaleDateString("sv-SE", { timeZone: ctx.snap?.hall?.timezone || undefined });
}

/** A new element with its properties and children. */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The link that downloads one of a case's notices (PDF). */
export function noticeLink(c, kindName, t) {
  return el("a", { className: "act act-doc", href: `/api/v1/cases/${c.id}/notices/${kindName}.pdf`,
                   download: `${c.number}-${kindName}.pdf`, textContent: t["notice_" + kindName] });
}

/** A case's status in words: a closed case says how it closed (finished, returned, void …). */
export function statusText(c, t) {
  if (c.status === "closed" && c.closing_code) return t.closing[c.closing_code] || c.closing_code;
  return t["case_status_" + c.status] || c.status;
}

/** The case panel; `detail` is the case detail dialog a row or a found number opens. */
export function createCases(ctx, detail) {
  const { t, data } = ctx;
  const $ = (id) => document.getElementById(id);
  const dialog = $("case-dialog");
  const form = $("case-form");
  const openBtn = $("case-open");
  let catalogue = null; // GET /api/v1/services, read once
  let autoSupplement = null; // the type chosen before missing materials switched it to 补办件
  let lastCase = null;
  let timer = null;

  const printerOf = (w) => `window-${w.number}`;
  const typeName = (v) => t.case_types[v] || v;
  const kind = () => form.querySelector("input[name=kind]:checked").value;
  const current = () => catalogue?.find((s) => s.id === Number($("case-service").value));
  const received = () => [...$("case-materials").querySelectorAll("input:checked")].map((i) => i.value);
  const missing = () => (current()?.materials || []).filter((m) => !received().includes(m));

  async function loadCatalogue() {
    if (!catalogue) catalogue = await ctx.api("GET", "/api/v1/services");
    return catalogue;
  }

  // -- the form ------------------------------------------------------------------------------
  function renderMaterials() {
    const item = current();
    const box = $("case-materials");
    const names = item?.materials || [];
    box.replaceChildren(...names.map((name) => el("label", {},
      el("input", { type: "checkbox", value: name }), " ", name)));
    if (!names.length) box.append(el("p", { className: "c-hint", textContent: t.no_materials }));
    $("case-type").value = item?.case_type || "promised";
    autoSupplement = null;
    renderMissing();
  }

  function renderMissing() {
    const item = current();
    const all = item?.materials || [];
    const lack = missing();
    $("case-materials-count").textContent = lack.length ? ctx.fill(t.materials_some, { got: all.length - lack.length, n: all.length })
      : all.length ? ctx.fill(t.materials_all, { n: all.length }) : "";
    $("case-missing").hidden = !lack.length;
    $("case-missing").textContent = ctx.fill(t.missing_n, { n: lack.length, list: lack.join("；") });
    const type = $("case-type");
    if (lack.length && !["supplement", "returned"].includes(type.value)) {
      autoSupplement = type.value;
      type.value = "supplement";
    } else if (!lack.length && type.value === "supplement" && autoSupplement) {
      type.value = autoSupplement;
      autoSupplement = null;
    }
    renderType();
  }

  function renderType() {
    const type = $("case-type").value;
    $("case-co").hidden = type !== "joint";
    $("case-reason-box").hidden = type !== "returned";
  }

  function renderKind() {
    const person = kind() === "person";
    $("case-name-label").textContent = person ? t.person_name : t.org_name;
    $("case-id-label").textContent = person ? t.person_id : t.org_id;
    renderIdCheck();
  }

  function renderIdCheck() {
    const value = $("case-id").value;
    const hint = $("case-id-check");
    if (!value.trim()) { hint.textContent = ""; hint.dataset.state = ""; return; }
    const result = checkId(value, kind());
    hint.dataset.state = result === "ok" ? "ok" : "bad";
    hint.textContent = result === "ok" ? t.id_ok : result === "length"
      ? ctx.fill(t.id_bad_length, { n: normaliseId(value).length }) : result === "chars" ? t.id_bad_chars : t.id_bad_check;
  }

  function fillServices(w) {
    const items = catalogue.filter((s) => w.service_ids.includes(s.id));
    $("case-service").replaceChildren(...items.map((s) =>
      el("option", { value: s.id, textContent: `${localName(s, data.lang)} · ${typeName(s.case_type)}` })));
    const ticketService = w.current?.service_id;
    if (items.some((s) => s.id === ticketService)) $("case-service").value = ticketService;
  }

  function fillCoDepartments(w) {
    $("case-co-list").replaceChildren(...ctx.snap.departments.filter((d) => d.id !== w.department_id).map((d) =>
      el("label", {}, el("input", { type: "checkbox", value: d.id }), " ", localName(d, data.lang))));
  }

  function collect(w) {
    const name = $("case-name").value.trim();
    const id = normaliseId($("case-id").value);
    const type = $("case-type").value;
    if (!name) return { problem: t.need_name };
    if (checkId(id, kind()) !== "ok") return { problem: t.need_id };
    const body = {
      service_id: Number($("case-service").value), case_type: type, window_id: w.id,
      applicant: { name, kind: kind(), [kind() === "person" ? "id_number" : "credit_code"]: id },
      materials: received(),
    };
    if (w.current) body.ticket_id = w.current.ticket_id;
    if (type === "joint") {
      body.co_departments = [...$("case-co-list").querySelectorAll("input:checked")].map((i) => Number(i.value));
      if (!body.co_departments.length) return { problem: t.need_co };
    }
    if (type === "returned") {
      body.reason = $("case-reason").value.trim();
      if (!body.reason) return { problem: t.need_reason };
    }
    if ($("case-print").checked) body.print_receipt = printerOf(w);
    return { body };
  }

  async function open() {
    const w = ctx.myWindow();
    if (!w || openBtn.disabled) return;
    try { await loadCatalogue(); } catch (err) { ctx.notice(err.message); return; }
    form.reset();
    form.hidden = false;
    $("case-result").hidden = true;
    $("case-error").textContent = "";
    $("case-ticket").textContent = w.current ? ctx.fill(t.case_for_ticket, { number: w.current.number }) : "";
    fillServices(w);
    fillCoDepartments(w);
    renderMaterials();
    renderKind();
    dialog.showModal();
    $("case-name").focus();
  }

  async function submit(ev) {
    ev.preventDefault();
    const w = ctx.myWindow();
    if (!w) return;
    const { body, problem } = collect(w);
    $("case-error").textContent = problem || "";
    if (problem) return;
    $("case-submit").disabled = true;
    try {
      const created = await ctx.api("POST", "/api/v1/cases", body);
      showResult(created);
      if (body.print_receipt) ctx.notice(ctx.fill(t.print_queued, { printer: body.print_receipt }));
      loadList();
    } catch (err) {
      $("case-error").textContent = err.message;
    } finally {
      $("case-submit").disabled = false;
    }
  }

  // -- the result: the promise at once, big ---------------------------------------------------
  function showResult(c) {
    lastCase = c;
    form.hidden = true;
    $("case-result").hidden = false;
    $("result-number").textContent = c.number;
    $("result-type").textContent = typeName(c.case_type);
    const item = catalogue?.find((s) => s.id === c.service_id);
    $("result-deadline").textContent = c.deadline ? longDate(c.deadline, data.lang) : t.deadline_none;
    $("result-deadline-box").dataset.none = c.deadline ? "false" : "true";
    $("result-provisional").hidden = !(c.deadline && c.provisional);
    $("result-provisional-hint").hidden = !(c.deadline && c.provisional);
    $("result-days").textContent = c.deadline && item?.promised_days ? ctx.fill(t.promised_days, { n: item.promised_days }) : "";
    const lack = c.materials_missing || [];
    $("result-missing").hidden = !lack.length;
    $("result-missing").textContent = lack.length ? `${ctx.fill(t.missing_n, { n: lack.length, list: lack.join("；") })} ${t.result_missing}` : "";
    $("result-notices").replaceChildren(...applicableNotices(c).map((k) => noticeLink(c, k, t)));
    if (!dialog.open) dialog.showModal();
    $("result-close").focus();
  }

  async function printReceipt() {
    const w = ctx.myWindow();
    if (!lastCase || !w) return;
    const printer = printerOf(w);
    const res = await ctx.run(t.act_print, () => ctx.api("POST", `/api/v1/cases/${lastCase.id}/receipt`, { printer }));
    if (res) ctx.notice(ctx.fill(t.print_queued, { printer }));
  }

  // -- the window's cases ---------------------------------------------------------------------
  async function loadList() {
    const w = ctx.myWindow();
    if (!w) return;
    const status = $("cases-filter").value; // open, closed, or "" for every case of the window
    let page;
    try {
      page = await ctx.api("GET", `/api/v1/cases?window=${w.id}${status ? `&status=${status}` : ""}&limit=50`);
    } catch { return; }
    const items = page.items || page;
    $("cases-count").textContent = page.total !== undefined ? `(${page.total})` : "";
    if (!items.length) {
      $("cases-rows").replaceChildren(el("tr", {}, el("td", { colSpan: 7, className: "empty",
                                                          textContent: status === "open" ? t.no_cases : t.no_cases_shown })));
      return;
    }
    $("cases-rows").replaceChildren(...items.map((c) => {
      const signal = el("span", { className: `badge badge-${c.signal}` });
      if (c.signal === "yellow" || c.signal === "red") signal.textContent = t["signal_" + c.signal];
      const due = el("td", { className: "due" }, c.deadline ? c.deadline : "—");
      if (c.deadline && c.provisional) due.append(el("span", { className: "case-provisional", textContent: t.provisional }));
      due.append(signal);
      const tr = el("tr", {},
        el("td", { className: "num" }, el("button", { type: "button", className: "case-link", textContent: c.number })),
        el("td", { textContent: c.service_name || ctx.serviceName(c.service_id) }),
        el("td", { textContent: c.applicant?.name || c.applicant?.name_masked || "" }),
        el("td", { textContent: typeName(c.case_type) }),
        el("td", { textContent: statusText(c, t) }),
        due,
        el("td", { className: "docs" }, ...applicableNotices(c).map((k) => noticeLink(c, k, t))));
      tr.dataset.signal = c.signal;
      tr.dataset.case = c.number;
      tr.dataset.status = c.status;
      tr.addEventListener("click", (ev) => { if (!ev.target.closest("a")) showDetail(c.id); });
      return tr;
    }));
  }

  // -- the detail dialog: from a row, or from the number on a receipt -------------------------
  function findProblem(text) {
    $("case-find-error").textContent = text;
  }

  function showDetail(id) {
    findProblem("");
    detail.open(id).catch((err) => findProblem(err instanceof TypeError ? t.network : err.message));
  }

  async function find(ev) {
    ev.preventDefault();
    const number = $("case-find-number").value.trim();
    if (!number) { findProblem(t.find_need_number); return; }
    let page;
    try {
      page = await ctx.api("GET", `/api/v1/cases?number=${encodeURIComponent(number)}&limit=1`);
    } catch (err) {
      findProblem(err instanceof TypeError ? t.network : err.message);
      return;
    }
    if (!page.items.length) { findProblem(ctx.fill(t.find_none, { number })); return; }
    showDetail(page.items[0].id);
  }

  function soon() { clearTimeout(timer); timer = setTimeout(loadList, REFRESH_DELAY_MS); }

  /** An example case number for the find field: this window's department, today in the hall's time zone. */
  function exampleNumber(w) {
    const dept = ctx.snap?.departments.find((d) => d.id === w.department_id);
    if (!dept?.code) return "";
    return `${dept.code}-${hallDay(ctx).replaceAll("-", "")}-0001`;
  }

  openBtn.addEventListener("click", open);
  form.addEventListener("submit", submit);
  form.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
  $("case-service").addEventListener("change", renderMaterials);
  $("case-materials").addEventListener("change", renderMissing);
  $("case-type").addEventListener("change", () => { autoSupplement = null; renderType(); });
  form.querySelectorAll("input[name=kind]").forEach((r) => r.addEventListener("change", renderKind));
  $("case-id").addEventListener("input", renderIdCheck);
  $("result-close").addEventListener("click", () => dialog.close());
  $("result-print").addEventListener("click", printReceipt);
  $("cases-filter").addEventListener("change", loadList);
  $("case-find").addEventListener("submit", find);
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "F9" || document.querySelector("dialog[open]")) return;
    ev.preventDefault();
    open();
  });

  let shownFor = null;
  return {
    render() {
      const w = ctx.myWindow();
      openBtn.disabled = !w || !w.current;
      if (w && w.id !== shownFor) { shownFor = w.id; $("case-find-number").placeholder = exampleNumber(w); soon(); }
      if (!w) shownFor = null;
    },
    reload: soon,
    onEvent(name) { if (name.startsWith("case")) soon(); },
  };
}
