"""Publishing committed events to Socket.IO rooms (through the message queue when there is one)."""

from __future__ import annotations

import logging

from hall.store.eventlog import StoredEvent

log = logging.getLogger(__name__)

#: Events every screen and console applies; any other event travels as `hall.seq` only.
SCREEN_EVENTS = frozenset({
    "ticket.issued", "ticket.called", "ticket.no_show", "ticket.started", "ticket.finished",
    "ticket.transferred", "ticket.reinstated", "tickets.abandoned", "window.opened", "window.closed",
    "window.paused", "window.resumed", "print.failed", "alarm.raised", "hall.configured",
    "case.opened", "case.step", "case.supplement", "case.handover", "case.paused", "case.resumed", "case.closed",
    "case.opinion", "case.no_show", "case.warning",
})
LIVE_NAMESPACES = ("/display", "/console")


def screen_message(event: StoredEvent) -> tuple[str, dict]:
    """The (name, payload) a screen receives for a stored event."""
    if event.type in SCREEN_EVENTS:
        return event.type, {**event.payload, "seq": event.seq, "at": event.at.isoformat()}
    return "hall.seq", {"seq": event.seq}


def ticket_rooms(event: StoredEvent) -> set[str]:
    """Rooms of the mobile ticket pages an event may concern: its service queues and its ticket."""
    payload = event.payload
    rooms = {f"service:{sid}" for sid in payload.get("waiting", {})}
    for key in ("service_id", "from_service_id"):
        if payload.get(key) is not None:
            rooms.add(f"service:{payload[key]}")
    if payload.get("ticket_id") is not None:
        rooms.add(f"ticket:{payload['ticket_id']}")
    for ticket_id in payload.get("ticket_ids", []):
        rooms.add(f"ticket:{ticket_id}")
    return rooms


class SocketIOPublisher:
    """Emits through a Flask-SocketIO server object (or a write-only one bound to the message queue)."""

    def __init__(self, socketio) -> None:
        self.socketio = socketio

    def publish(self, events: list[StoredEvent]) -> None:
        """Send each committed event to screens, consoles and the ticket pages it concerns."""
        for event in events:
            try:
                name, payload = screen_message(event)
                for namespace in LIVE_NAMESPACES:
                    self.socketio.emit(name, payload, namespace=namespace)
                if event.type.startswith("ticket"):
                    for room in ticket_rooms(event):
                        self.socketio.emit("queue.changed", {"seq": event.seq}, namespace="/ticket", to=room)
            except Exception:  # the event is stored; screens recover from the next snapshot
                log.exception("could not publish event %s", event.seq)

    def send(self, namespace: str, event: str, data: dict, room: str | None = None) -> None:
        """Send one message; a failure is logged, the stored state stays the truth."""
        try:
            self.socketio.emit(event, data, namespace=namespace, to=room)
        except Exception:
            log.exception("could not send %s to %s", event, room or namespace)
