// The mobile ticket page: the ticket's status, kept live through /ticket; re-fetched on every queue change.
import { api, bindStatusBanner } from "/static/hall/live.js";
import { formatTime, t, waitText } from "./text.js";

const conf = window.KIOSK_CONF || {};
const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 300;
const POLL_MS = 60_000;

let lastStatus = null;

const STATUS_TEXT = {
  waiting: () => t("waiting"),
  serving: () => t("serving"),
  finished: () => t("finished"),
  no_show: () => t("no_show"),
  abandoned: () => t("abandoned"),
};
const HINTS = { no_show: "no_show_hint", abandoned: "abandoned_hint", finished: "finished_hint" };

/** Show one status of the ticket. */
function render(view) {
  const card = $("card");
  card.dataset.status = view.status;
  $("number").textContent = view.number;
  const status = $("status");
  if (view.status === "called") {
    status.replaceChildren();
    const now = document.createElement("span");
    now.className = "m-called-now";
    now.textContent = t("called_now");
    const where = document.createElement("strong");
    where.textContent = t("called", { window: view.window ?? "—" });
    status.append(now, where);
  } else {
    status.textContent = (STATUS_TEXT[view.status] || (() => view.status))();
  }
  const hint = HINTS[view.status];
  $("hint").hidden = !hint;
  $("hint").textContent = hint ? t(hint) : "";
  $("facts").hidden = view.status !== "waiting";
  $("ahead").textContent = view.people_ahead ?? "—";
  $("wait").textContent = waitText(view.estimated_wait_s);
  $("updated").textContent = formatTime(new Date());
  if (view.status === "called" && lastStatus !== null && lastStatus !== "called" && navigator.vibrate) {
    try { navigator.vibrate([400, 200, 400, 200, 400]); } catch (e) { /* not allowed: the screen shows it */ }
  }
  lastStatus = view.status;
}

async function refresh() {
  try {
    render(await api("GET", "/api/v1/ticket-status/" + encodeURIComponent(conf.token)));
    $("error").hidden = true;
  } catch (err) {
    $("error").textContent = err.status === 404 ? t("gone") : t("error");
    $("error").hidden = false;
  }
}

let debounce = null;
function refreshSoon() {
  clearTimeout(debounce);
  debounce = setTimeout(refresh, DEBOUNCE_MS);
}

if (conf.ticket) render(conf.ticket);
const status = bindStatusBanner($("live-status"));
const socket = io("/ticket", { auth: { ticket: conf.token }, transports: ["websocket", "polling"] });
socket.on("connect", () => { status(true); refresh(); }); // also after a reconnect: we may have missed changes
socket.on("disconnect", () => status(false));
socket.on("connect_error", () => status(false));
socket.on("queue.changed", refreshSoon);
setInterval(refresh, POLL_MS); // a safety net if the phone sleeps through an event
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
