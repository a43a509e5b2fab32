// The issued ticket: the number very big, the service, people ahead, the wait, the time and a QR code.
import { formatTime, localName, t, waitText } from "./text.js";

const SHOW_SECONDS = 20;
const IGNORE_TAPS_MS = 1500; // the second tap of a double tap must not close the ticket at once

/** The ticket panel; show(ticket, service) displays it and returns home after ~20 s or on a tap. */
export function createTicketCard(root, onDone) {
  const $ = (id) => root.querySelector("#" + id);
  let timer = null;
  let left = 0;
  let shownAt = 0;

  function close() {
    if (root.hidden) return;
    clearInterval(timer);
    timer = null;
    root.hidden = true;
    onDone();
  }

  function tick() {
    $("ticket-return").textContent = t("tap_to_return", { n: left });
    if (left-- <= 0) close();
  }

  root.addEventListener("click", () => { if (Date.now() - shownAt >= IGNORE_TAPS_MS) close(); });

  return {
    show(ticket, service) {
      $("ticket-number").textContent = ticket.number;
      $("ticket-service").textContent = localName(service);
      $("ticket-priority").hidden = !ticket.priority;
      $("ticket-ahead").textContent = ticket.people_ahead ?? "—";
      $("ticket-wait").textContent = waitText(ticket.estimated_wait_s);
      $("ticket-time").textContent = formatTime(ticket.issued_at);
      $("ticket-qr").src = "/kiosk/qr.svg?data=" + encodeURIComponent(ticket.status_url);
      root.hidden = false;
      shownAt = Date.now();
      left = SHOW_SECONDS;
      clearInterval(timer);
      tick();
      timer = setInterval(tick, 1000);
    },
    close,
  };
}
