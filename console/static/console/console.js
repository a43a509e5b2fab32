// The clerk's caller console: one live state (snapshot + events on /console) shared by its panels.
import { api, bindStatusBanner, connectLive } from "/static/hall/live.js";
import { applyToWindows, applyWaiting, localName, pageData } from "/static/display/display/windows.js";
import { createCaseDetail } from "./case_detail.js";
import { createCases } from "./cases.js";
import { createDesk } from "./desk.js";
import { createDialogs } from "./dialogs.js";
import { createPanel } from "./panel.js";
import { createPicker } from "./picker.js";
import { createQueue } from "./queue.js";

const data = pageData();
const t = data.strings;
const $ = (id) => document.getElementById(id);
let messageTimer = null;

/** Show a message bar: errors stay until closed or replaced, notices fade after a few seconds. */
function showMessage(text, kind) {
  const bar = $("c-message");
  $("c-message-text").textContent = text;
  bar.className = `c-message ${kind}`;
  bar.hidden = false;
  clearTimeout(messageTimer);
  if (kind !== "error") messageTimer = setTimeout(() => { bar.hidden = true; }, 4000);
}
$("c-message-close").addEventListener("click", () => { $("c-message").hidden = true; });

const ctx = {
  data, t, api, snap: null,
  /** Fill "{name}" placeholders of a translated string. */
  fill(template, values) { return template.replace(/\{(\w+)\}/g, (_, k) => (values[k] ?? "")); },
  /** The window this member of staff holds, or null. */
  myWindow() {
    if (!this.snap) return null;
    return this.snap.windows.find((w) => w.clerk && w.clerk.id === data.me.staff_id && w.state !== "closed") || null;
  },
  service(id) { return this.snap ? this.snap.services.find((s) => s.id === id) : undefined; },
  serviceName(id) { const s = this.service(id); return s ? localName(s, data.lang) : ""; },
  departmentName(w) { return localName(w, data.lang, "department"); },
  /** "09:41" in the hall's own time zone, whatever the console's computer is set to. */
  clockTime(iso) {
    return new Date(iso).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false,
                                                        timeZone: this.snap?.hall.timezone || undefined });
  },
  recallLimit() { return this.snap ? this.snap.hall.recall_limit : 3; },
  notice(text) { showMessage(text, "info"); },
  /** Run one action; its error (409 conflict and the rest) is shown with the server's own message. */
  async run(label, fn) {
    try {
      const result = await fn();
      if (!$("c-message").classList.contains("info")) $("c-message").hidden = true;
      await this.refreshWindows();
      return result;
    } catch (err) {
      const message = err instanceof TypeError ? t.network : err.message;
      showMessage(this.fill(t.failed, { action: label, message }), "error");
      await this.refreshWindows().catch(() => {});
      return undefined;
    }
  },
  /** Re-read the windows from the API (after an action, so the panel never waits for the socket). */
  async refreshWindows() {
    if (!this.snap) return;
    this.snap.windows = await api("GET", "/api/v1/windows");
    renderAll();
  },
};

const panels = [];
if (data.can_window) {
  const dialogs = createDialogs(ctx);
  const detail = createCaseDetail(ctx, () => cases.reload()); // an action in the dialog refreshes the list
  const cases = createCases(ctx, detail);
  panels.push(createPicker(ctx), createPanel(ctx, dialogs), createQueue(ctx), cases, detail);
}
if (data.can_desk) panels.push(createDesk(ctx));

function renderAll() {
  const mine = ctx.myWindow();
  const head = $("c-window");
  head.hidden = !mine;
  if (mine) head.textContent = `${ctx.fill(t.window_n, { n: mine.number })} · ${ctx.departmentName(mine)}`;
  for (const p of panels) p.render();
}

connectLive({
  namespace: "/console",
  onStatus: bindStatusBanner($("live-status")),
  onSnapshot(snap) { ctx.snap = snap; renderAll(); for (const p of panels) p.reload?.(); },
  onEvent(name, d) {
    if (!ctx.snap) return;
    applyToWindows(ctx.snap.windows, name, d);
    applyWaiting(ctx.snap.services, d);
    renderAll();
    for (const p of panels) p.onEvent?.(name, d);
  },
});
