// The hall screen: clock, latest calls (newest large, blinking), waiting per department, open windows.
import { bindStatusBanner, connectLive, pageToken } from "/static/hall/live.js";
import { createAnnouncer } from "./announcer.js";
import { applyToWindows, applyWaiting, localName, pageData } from "./windows.js";

const SHOWN_CALLS = 9;
const BUSIEST = 3;
const BLINK_MS = 8000;
const data = pageData();
const t = data.strings;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let state = null;
let calls = [];
let clockOffset = 0;
let hallTimeZone = "Asia/Shanghai";
let blinkTimer = null;

const announcer = createAnnouncer({ token: pageToken(), forceServer: params.get("voice") === "server",
                                    overlay: $("voice-overlay") });

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// The hall's own time zone, whatever the screen PC's clock is set to; the server's clock corrects its drift.
function tick() {
  const now = new Date(Date.now() + clockOffset);
  const locale = data.lang === "en" ? "en-GB" : "zh-CN";
  $("clock-time").textContent = new Intl.DateTimeFormat("en-GB", { timeZone: hallTimeZone, hour: "2-digit",
    minute: "2-digit", second: "2-digit", hour12: false }).format(now);
  $("clock-date").textContent = new Intl.DateTimeFormat(locale, { timeZone: hallTimeZone, year: "numeric",
    month: "long", day: "numeric", weekday: "long" }).format(now);
}

function renderCalls() {
  const newest = calls[0];
  $("call-newest-number").textContent = newest ? newest.number : "";
  $("call-newest-window").textContent = newest ? t.to_window.replace("{n}", newest.window) : t.no_calls;
  const list = $("call-list");
  list.replaceChildren(...calls.slice(1, SHOWN_CALLS).map((c) => {
    const li = el("li");
    li.append(el("span", "call-number", c.number), el("span", "call-window", t.window_n.replace("{n}", c.window)));
    return li;
  }));
}

function renderWindows() {
  const open = state.windows.filter((w) => w.state === "open").length;
  $("open-count").textContent = `${open} / ${state.windows.length}`;
}

function renderWaiting() {
  const cards = state.departments.map((d) => {
    const services = state.services.filter((s) => s.department_id === d.id);
    const total = services.reduce((n, s) => n + (s.waiting || 0), 0);
    const busiest = services.filter((s) => s.waiting > 0).sort((a, b) => b.waiting - a.waiting).slice(0, BUSIEST);
    const card = el("li", total ? "dept busy" : "dept");
    const head = el("div", "dept-head");
    head.append(el("span", "dept-name", localName(d, data.lang)), el("span", "dept-total", String(total)));
    const lines = el("div", "dept-services");
    for (const s of busiest) {
      const line = el("span", "svc");
      line.append(el("span", "svc-name", localName(s, data.lang)), el("b", "svc-count", String(s.waiting)));
      lines.append(line);
    }
    card.append(head, lines);
    return card;
  });
  $("dept-list").replaceChildren(...cards);
}

function renderAll() { renderCalls(); renderWindows(); renderWaiting(); }

function addCall(d) {
  calls = [d, ...calls.filter((c) => c.ticket_id !== d.ticket_id)].slice(0, SHOWN_CALLS);
  const box = $("call-newest");
  box.classList.remove("blink");
  void box.offsetWidth; // restart the animation
  box.classList.add("blink");
  clearTimeout(blinkTimer);
  blinkTimer = setTimeout(() => box.classList.remove("blink"), BLINK_MS);
}

connectLive({
  namespace: "/display",
  auth: { token: pageToken() },
  onStatus: bindStatusBanner($("live-status")),
  onSnapshot(snap) {
    state = snap;
    clockOffset = new Date(snap.now).getTime() - Date.now();
    if (snap.hall && snap.hall.timezone) hallTimeZone = snap.hall.timezone;
    $("hall-name").textContent = localName(snap.hall, data.lang);
    calls = [];
    for (const c of snap.latest_calls) if (!calls.some((x) => x.ticket_id === c.ticket_id)) calls.push(c);
    renderAll();
  },
  onEvent(name, d) {
    if (!state) return;
    applyToWindows(state.windows, name, d);
    applyWaiting(state.services, d);
    if (name === "ticket.called") {
      addCall({ ticket_id: d.ticket_id, number: d.number, window: d.window, text: d.text });
      announcer.announce({ number: d.number, window: d.window, text: d.text });
    }
    renderAll();
  },
});

tick();
setInterval(tick, 1000);
