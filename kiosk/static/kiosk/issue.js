// Issuing a ticket: one idempotency key per press, reused when the same press is retried after a network error.
import { api } from "/static/hall/live.js";
import { t } from "./text.js";

/** A random UUID; crypto.randomUUID needs a secure context, which a kiosk on the hall's intranet may lack. */
export function newKey() {
  if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Plain words for a failed issue; `retry` says whether the same press may be sent again. */
export function describeError(err) {
  if (!err.status) return { text: t("error_network"), retry: true };
  if (err.status >= 500) return { text: t("error_other"), retry: true };
  if (err.status === 404 || err.status === 409) return { text: t("error_service"), retry: false };
  return { text: t("error_other"), retry: false };
}

/** The issuer: press(service, priority) sends one request at a time and reports the ticket or the error. */
export function createIssuer({ busyEl, busyTextEl, errorEl, errorTextEl, retryEl, closeEl, onIssued }) {
  let inFlight = false;
  let pending = null; // {service, priority, key}: the press being sent or waiting for a retry

  function setBusy(on, button) {
    inFlight = on;
    busyTextEl.textContent = t("issuing");
    busyEl.hidden = !on;
    document.body.classList.toggle("issuing", on);
    if (button) button.disabled = on;
  }

  async function send(button) {
    if (inFlight || !pending) return;
    const press = pending;
    setBusy(true, button);
    try {
      const ticket = await api("POST", "/api/v1/tickets",
        { service_id: press.service.id, priority: press.priority, idempotency_key: press.key });
      pending = null;
      errorEl.hidden = true;
      onIssued(ticket, press.service);
    } catch (err) {
      const { text, retry } = describeError(err);
      if (!retry) pending = null;
      errorTextEl.textContent = text;
      retryEl.hidden = !retry;
      errorEl.hidden = false;
    } finally {
      setBusy(false, button);
    }
  }

  retryEl.addEventListener("click", () => { errorEl.hidden = true; send(); });
  closeEl.addEventListener("click", () => { errorEl.hidden = true; pending = null; });

  return {
    /** A citizen pressed a service: a fresh key for this press. */
    press(service, priority, button) {
      if (inFlight) return;
      pending = { service, priority, key: newKey() };
      send(button);
    },
    busy: () => inFlight,
  };
}
