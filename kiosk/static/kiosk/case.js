// The citizen's case page: number, service, status, promised date and steps; re-read every minute.
import { api, bindStatusBanner } from "/static/hall/live.js";
import { formatTime, lang, t } from "./text.js";

const conf = window.KIOSK_CONF || {};
const $ = (id) => document.getElementById(id);
const POLL_MS = 60_000;
const STEPS = ["accept", "undertake", "review", "approve", "finish"];

/** "2026-11-30" as the page's language writes a date, without time-zone shifts. */
function longDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === "en" ? "en-GB" : "zh-CN",
    { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

/** The status as a citizen reads it: a closed case says how it closed. */
function statusText(view) {
  if (view.status === "closed" && view.closing_code) return t(view.closing_code);
  return t(view.status);
}

/** Steps done (ticked, with their dates when the server gives them), the current one, the rest. */
function renderSteps(view) {
  const done = new Map();
  for (const s of view.steps_done || []) {
    if (typeof s === "string") done.set(s, null); else done.set(s.name, s.ended_at || s.on || null);
  }
  const names = [...new Set([...STEPS.filter((n) => done.has(n) || n === view.current_step || view.status !== "closed"),
    ...done.keys()])];
  $("steps").replaceChildren(...names.map((name) => {
    const li = document.createElement("li");
    li.dataset.state = done.has(name) ? "done" : name === view.current_step ? "current" : "todo";
    const label = document.createElement("span");
    label.textContent = t("step_" + name);
    li.append(label);
    if (done.get(name)) {
      const when = document.createElement("time");
      when.textContent = longDate(done.get(name));
      li.append(when);
    }
    return li;
  }));
}

/** Show one status of the case. */
function render(view) {
  $("card").dataset.status = view.status;
  $("number").textContent = view.number;
  $("status").textContent = statusText(view);
  $("deadline").textContent = view.deadline ? longDate(view.deadline) : t("no_deadline");
  $("deadline-box").dataset.none = view.deadline ? "false" : "true";
  $("provisional").hidden = !(view.deadline && view.provisional);
  $("provisional").textContent = t("provisional");
  $("provisional-hint").hidden = !(view.deadline && view.provisional);
  $("provisional-hint").textContent = t("provisional_hint");
  $("received").textContent = longDate(view.received_on || view.received_at);
  renderSteps(view);
  $("updated").textContent = formatTime(new Date());
}

async function refresh() {
  try {
    render(await api("GET", "/api/v1/case-status/" + encodeURIComponent(conf.token)));
    $("error").hidden = true;
    status(true);
  } catch (err) {
    $("error").textContent = err.status === 404 ? t("gone") : t("error");
    $("error").hidden = false;
    if (!err.status) status(false);
  }
}

const status = bindStatusBanner($("live-status"));
if (conf.case) render(conf.case);
setInterval(refresh, POLL_MS);
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
