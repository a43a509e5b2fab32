// The kiosk (取号机): loads the catalogue with the device token, keeps waiting counts live, issues tickets.
import { api, bindStatusBanner, connectLive, pageToken } from "/static/hall/live.js";
import { createCatalogue } from "./catalogue.js";
import { startClock } from "./clock.js";
import { createFacts } from "./facts.js";
import { createIssuer } from "./issue.js";
import { createPriorityToggle } from "./priority.js";
import { setTimeZone, t } from "./text.js";
import { createTicketCard } from "./ticket-card.js";

const $ = (id) => document.getElementById(id);
const IDLE_HOME_MS = 60_000;
const REFRESH_DELAY_MS = 1500;

const state = { services: [], windows: [], tz: (window.KIOSK_CONF || {}).tz || "Asia/Shanghai" };

startClock($("clock-time"), $("clock-date"), () => state.tz);

const priority = createPriorityToggle($("priority"), $("priority-label"));
const facts = createFacts($("facts"), () => {});
const card = createTicketCard($("ticket"), () => { catalogue.showHome(); priority.reset(); });
const issuer = createIssuer({
  busyEl: $("busy"), busyTextEl: $("busy-text"), errorEl: $("error"), errorTextEl: $("error-text"),
  retryEl: $("error-retry"), closeEl: $("error-close"),
  onIssued: (ticket, service) => card.show(ticket, service),
});
const catalogue = createCatalogue({
  rootEl: $("home"), oneStopEl: $("one-stop-groups"), deptEl: $("dept-groups"), groupsEl: $("groups"), servicesEl: $("services"), listEl: $("service-list"), titleEl: $("group-title"),
  backEl: $("back"),
  onPick: (service, button) => issuer.press(service, priority.get(), button),
  onInfo: (service) => facts.show(service),
});

function showCatalogue() {
  catalogue.setCatalogue(state.services, state.windows);
  $("home").hidden = false;
}

function showUnauthorised() {
  $("home").hidden = true;
  $("unauthorised").hidden = false;
  document.body.classList.add("unauthorised");
}

// Estimated waits are not in the events: fetch the catalogue again shortly after the queues move.
let refreshTimer = null;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      state.services = await api("GET", "/api/v1/services");
      catalogue.setCatalogue(state.services, state.windows);
    } catch (e) { /* the next event or snapshot brings it */ }
  }, REFRESH_DELAY_MS);
}

function goLive(token) {
  const socket = connectLive({
    namespace: "/display",
    auth: { token },
    onStatus: bindStatusBanner($("live-status")),
    onSnapshot: (snap) => {
      state.services = snap.services;
      state.windows = snap.windows;
      if (snap.hall && snap.hall.timezone) { state.tz = snap.hall.timezone; setTimeZone(state.tz); }
      showCatalogue();
    },
    onEvent: (name, data) => {
      if (name === "hall.configured") { socket.emit("snapshot"); return; }
      if (data && data.waiting) catalogue.applyWaiting(data.waiting);
      if (name.startsWith("ticket") || name.startsWith("window")) scheduleRefresh();
    },
  });
}

// Back to the start after a minute without a touch, so the next citizen finds the home screen.
let idleTimer = null;
function resetIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (issuer.busy() || !$("ticket").hidden) return;
    facts.close();
    catalogue.showHome();
    priority.reset();
  }, IDLE_HOME_MS);
}
document.addEventListener("pointerdown", resetIdle, { passive: true });

async function start() {
  const token = pageToken();
  if (!token) { showUnauthorised(); return; }
  try {
    const [services, windows] = await Promise.all([api("GET", "/api/v1/services"), api("GET", "/api/v1/windows")]);
    state.services = services;
    state.windows = windows;
  } catch (err) {
    if (err.status === 401 || err.status === 403) { showUnauthorised(); return; }
    $("load-error-text").textContent = t("error_load");
    $("load-error").hidden = false;
    setTimeout(start, 10_000);
    return;
  }
  $("load-error").hidden = true;
  setTimeZone(state.tz);
  showCatalogue();
  goLive(token);
  resetIdle();
}

start();
