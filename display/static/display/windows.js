// Apply queue and window events to the snapshot's windows and services, the same way on every
// screen (window screen, hall screen, clerk console), so they all show one state.

/** Update `windows` (the snapshot's list) for one event. */
export function applyToWindows(windows, name, d) {
  const byId = (id) => windows.find((w) => w.id === id);
  const w = byId(d.window_id);
  const clearIf = (win, ticketId) => { if (win && win.current && win.current.ticket_id === ticketId) win.current = null; };
  switch (name) {
    case "ticket.called":
      if (w) w.current = { ticket_id: d.ticket_id, number: d.number, service_id: d.service_id, status: "called",
                           called_at: d.at, recalls: d.recall };
      break;
    case "ticket.started":
      if (w && w.current && w.current.ticket_id === d.ticket_id) w.current.status = "serving";
      break;
    case "ticket.finished":
    case "ticket.no_show":
      clearIf(w, d.ticket_id);
      break;
    case "ticket.transferred":
      clearIf(byId(d.from_window_id), d.ticket_id);
      break;
    case "tickets.abandoned":
      for (const x of windows) if (x.current && (d.ticket_ids || []).includes(x.current.ticket_id)) x.current = null;
      break;
    case "window.opened":
      if (w) Object.assign(w, { state: "open", clerk: d.clerk, pause_reason: null });
      break;
    case "window.closed":
      if (w) Object.assign(w, { state: "closed", clerk: null, current: null, pause_reason: null });
      break;
    case "window.paused":
      if (w) Object.assign(w, { state: "paused", pause_reason: d.reason });
      break;
    case "window.resumed":
      if (w) Object.assign(w, { state: "open", pause_reason: null });
      break;
    default:
      break;
  }
}

/** Update the services' waiting counts from an event's `waiting` map. */
export function applyWaiting(services, d) {
  if (!d || !d.waiting) return;
  for (const [id, n] of Object.entries(d.waiting)) {
    const s = services.find((x) => x.id === Number(id));
    if (s) s.waiting = n;
  }
}

/** The name in the page's language (falls back to Chinese). */
export function localName(obj, lang, field = "name") {
  return (lang === "en" && obj[field + "_en"]) || obj[field] || "";
}

/** Read the JSON the template rendered into <script type="application/json" id="page-data">. */
export function pageData() {
  return JSON.parse(document.getElementById("page-data").textContent);
}
