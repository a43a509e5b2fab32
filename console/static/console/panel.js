// The window panel: the current ticket and the caller keys (call, recall, start, finish,
// no-show, transfer, pause/resume, leave), with F-key shortcuts.
const KEYS = { F1: "call", F2: "recall", F3: "start", F4: "finish", F6: "no_show", F7: "transfer" };

export function createPanel(ctx, dialogs) {
  const { t } = ctx;
  const $ = (id) => document.getElementById(id);
  const section = $("panel");
  const buttons = Object.fromEntries([...section.querySelectorAll("[data-act]")].map((b) => [b.dataset.act, b]));

  const post = (w, action, body = {}) => ctx.api("POST", `/api/v1/windows/${w.id}/${action}`, body);
  const actions = {
    async call(w) {
      const res = await ctx.run(t.act_call, () => post(w, "call-next"));
      if (res === null) ctx.notice(t.nobody_waiting);
      else if (res) ctx.notice(ctx.fill(t.called_ok, { number: res.ticket.number }));
    },
    recall: (w) => ctx.run(t.act_recall, () => post(w, "recall")),
    start: (w) => ctx.run(t.act_start, () => post(w, "start")),
    finish: (w) => ctx.run(t.act_finish, () => post(w, "finish")),
    no_show: (w) => ctx.run(t.act_no_show, () => post(w, "no-show")),
    async transfer(w) {
      const target = await dialogs.transfer(w);
      if (target) await ctx.run(t.act_transfer, () => post(w, "transfer", target));
    },
    async pause(w) {
      const reason = await dialogs.pause();
      if (reason) await ctx.run(t.act_pause, () => post(w, "pause", { reason }));
    },
    resume: (w) => ctx.run(t.act_resume, () => post(w, "resume")),
    async close(w) {
      if (window.confirm(ctx.fill(t.closed_confirm, { n: w.number }))) await ctx.run(t.act_close, () => post(w, "close"));
    },
  };

  for (const [name, btn] of Object.entries(buttons)) {
    btn.addEventListener("click", async () => {
      const w = ctx.myWindow();
      if (!w || btn.disabled) return;
      btn.classList.add("busy");
      try { await actions[name](w); } finally { btn.classList.remove("busy"); }
    });
  }

  document.addEventListener("keydown", (ev) => {
    if (section.hidden || document.querySelector("dialog[open]")) return;
    let name = KEYS[ev.key];
    if (ev.key === "F8") name = buttons.resume.hidden ? "pause" : "resume";
    if (!name) return;
    ev.preventDefault();
    if (!buttons[name].disabled) buttons[name].click();
  });

  function render() {
    const w = ctx.myWindow();
    section.hidden = !w;
    if (!w) return;
    const cur = w.current;
    const limit = ctx.recallLimit();
    const called = cur && cur.status === "called";
    const serving = cur && cur.status === "serving";
    const open = w.state === "open";
    $("cur-number").textContent = cur ? cur.number : "—";
    $("cur-status").textContent = cur ? (serving ? t.status_serving : t.status_called) : t.no_ticket;
    $("cur-status").dataset.status = cur ? cur.status : "none";
    $("cur-service").textContent = cur ? ctx.serviceName(cur.service_id) : "";
    $("cur-recalls").textContent = called ? ctx.fill(t.recalls, { n: cur.recalls, limit }) : "";
    $("win-state").textContent = w.state === "paused" ? ctx.fill(t.paused_reason, { reason: w.pause_reason || "" })
      : t["state_" + w.state];
    $("win-state").dataset.state = w.state;
    $("recall-label").textContent = ctx.fill(t.recall_btn, { n: called ? cur.recalls : 0, limit });
    buttons.call.disabled = !open || Boolean(called);
    buttons.recall.disabled = !called || cur.recalls >= limit;
    buttons.start.disabled = !called;
    buttons.finish.disabled = !serving;
    buttons.no_show.disabled = !called || cur.recalls < limit;
    buttons.transfer.disabled = !cur;
    buttons.pause.hidden = w.state === "paused";
    buttons.pause.disabled = !open;
    buttons.resume.hidden = w.state !== "paused";
    buttons.close.disabled = Boolean(cur);
    $("no-show-hint").textContent = called && cur.recalls < limit ? ctx.fill(t.no_show_hint, { limit }) : "";
  }

  return { render };
}
