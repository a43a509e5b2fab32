// The window screen: one window's number, department, called/served ticket and clerk, kept live.
import { bindStatusBanner, connectLive, pageToken } from "/static/hall/live.js";
import { applyToWindows, localName, pageData } from "./windows.js";

const BLINK_MS = 6000;
const data = pageData();
const t = data.strings;
const $ = (id) => document.getElementById(id);
const root = document.querySelector(".ws");
let windows = [];
let blinkTimer = null;

function mine() { return windows.find((w) => w.number === data.number); }

function render() {
  const w = mine();
  if (!w) { root.dataset.state = "missing"; $("ws-label").textContent = t.not_found; $("ws-ticket").textContent = ""; return; }
  root.dataset.state = w.state;
  $("ws-dept").textContent = localName(w, data.lang, "department");
  const clerk = w.state === "closed" ? null : w.clerk;
  $("ws-clerk").hidden = !clerk;
  if (clerk) {
    if ($("ws-photo").getAttribute("src") !== clerk.photo_url) $("ws-photo").src = clerk.photo_url;
    $("ws-name").textContent = clerk.name;
    $("ws-title").textContent = clerk.title || "";
    $("ws-badge").textContent = clerk.badge ? `${t.badge} ${clerk.badge}` : "";
  }
  let label = "", pre = "", number = "", post = "", note = "";
  if (w.state === "closed") label = t.closed;
  else if (w.state === "paused") { label = t.paused; note = w.pause_reason ? t.reason.replace("{reason}", w.pause_reason) : ""; }
  else if (w.current && w.current.status === "serving") { label = t.serving; number = w.current.number; }
  else if (w.current) { [pre, post] = t.calling.split("{number}"); number = w.current.number; }
  else label = t.welcome;
  root.dataset.ticket = w.current && w.state !== "closed" ? w.current.status : "none";
  if (root.dataset.ticket !== "called" || w.state !== "open") root.classList.remove("blink"); // only a call blinks
  $("ws-label").textContent = label;
  $("ws-pre").textContent = pre;
  $("ws-num").textContent = number;
  $("ws-post").textContent = post;
  $("ws-note").textContent = note;
}

function blink() {
  root.classList.remove("blink");
  void root.offsetWidth; // restart the animation on a recall
  root.classList.add("blink");
  clearTimeout(blinkTimer);
  blinkTimer = setTimeout(() => root.classList.remove("blink"), BLINK_MS);
}

connectLive({
  namespace: "/display",
  auth: { token: pageToken() },
  onStatus: bindStatusBanner($("live-status")),
  onSnapshot(snap) { windows = snap.windows; render(); },
  onEvent(name, d) {
    applyToWindows(windows, name, d);
    const w = mine();
    if (name === "ticket.called" && w && d.window_id === w.id) blink();
    render();
  },
});
