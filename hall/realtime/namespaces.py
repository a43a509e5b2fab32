"""Socket.IO namespaces, one per audience: screens, consoles, mobile ticket pages, device agents."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, emit, join_room
from sqlalchemy import select

from hall.services import access, hall_state, printing
from hall.services.errors import ServiceError
from hall.store.models import Ticket

log = logging.getLogger(__name__)


def _hall():
    return current_app.extensions["hall"]


class HallNamespace(Namespace):
    """Maps dotted event names to handlers: `print.result` → on_print_result."""

    def trigger_event(self, event, *args):
        """Dispatch to on_<event> with dots read as underscores."""
        return super().trigger_event(event.replace(".", "_"), *args)


def _token_actor(auth):
    token = auth.get("token") if isinstance(auth, dict) else None
    return access.resolve_token(_hall(), token) if isinstance(token, str) else None


class LiveNamespace(HallNamespace):
    """A namespace that sends the snapshot on connect and on request, then every event."""

    device_kinds: tuple[str, ...] = ()
    staff_allowed = True

    def authorised(self, auth) -> bool:
        """Devices of the allowed kinds by token; staff by token or session."""
        actor = _token_actor(auth)
        if actor is None and self.staff_allowed and current_user.is_authenticated:
            actor = current_user.actor
        if actor is None:
            return False
        return actor.is_staff if actor.kind == "staff" else actor.role in self.device_kinds

    def on_connect(self, auth=None):
        """Refuse strangers; send the snapshot to everyone else."""
        if not self.authorised(auth):
            return False
        emit("snapshot", hall_state.snapshot(_hall()))
        return True

    def on_snapshot(self, _data=None):
        """A client that missed events asks for the whole state again."""
        emit("snapshot", hall_state.snapshot(_hall()))


class DisplayNamespace(LiveNamespace):
    """/display: window screens, the hall screen, kiosks."""

    device_kinds = ("screen", "kiosk")


class ConsoleNamespace(LiveNamespace):
    """/console: clerk consoles (staff only)."""

    device_kinds = ()


class TicketNamespace(HallNamespace):
    """/ticket: a mobile ticket page follows its own ticket, found by its secret token."""

    def on_connect(self, auth=None):
        """Join the rooms of the ticket and its service queue."""
        token = auth.get("ticket") if isinstance(auth, dict) else None
        if not isinstance(token, str) or len(token) > 64:
            return False
        with _hall().read() as session:
            row = session.execute(select(Ticket.id, Ticket.service_id).where(Ticket.token == token)).first()
        if row is None:
            return False
        join_room(f"ticket:{row.id}")
        join_room(f"service:{row.service_id}")
        return True


class AgentNamespace(HallNamespace):
    """/agent: device agents receive print jobs and report results and health."""

    def on_connect(self, auth=None):
        """Agents only, by their device token."""
        actor = _token_actor(auth)
        if actor is None or actor.kind != "device" or actor.role != "agent":
            return False
        self._actors()[request.sid] = actor
        return True

    def on_disconnect(self, *args):
        """Forget the agent."""
        self._actors().pop(request.sid, None)

    def _actors(self) -> dict:
        return current_app.extensions.setdefault("hall_agents", {})

    def on_hello(self, data):
        """The agent names its printers: join their rooms and send every pending job."""
        printers = [p for p in (data or {}).get("printers", []) if isinstance(p, str) and len(p) <= 64]
        for printer in printers:
            join_room(f"printer:{printer}")
        for job in printing.pending_jobs(_hall(), printers):
            emit("print.job", job)
        return {"ok": True, "printers": printers}

    def on_print_result(self, data):
        """Record a print outcome."""
        actor = self._actors().get(request.sid)
        if actor is None or not isinstance(data, dict):
            return {"ok": False}
        try:
            status = printing.record_result(_hall(), actor, data.get("job_id"), data.get("result"),
                                            final=bool(data.get("final")), detail=str(data.get("detail", ""))[:200])
        except ServiceError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True, "status": status}

    def on_health(self, data):
        """A printer's state changed (paper out, offline…): stored, and an alarm when it needs a person."""
        actor = self._actors().get(request.sid)
        if actor is None or not isinstance(data, dict):
            return {"ok": False}
        try:
            printing.record_health(_hall(), actor, data.get("printer"), data.get("status"),
                                   str(data.get("detail", ""))[:200])
        except ServiceError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True}


def register(socketio) -> None:
    """Attach every namespace to the Socket.IO server."""
    socketio.on_namespace(DisplayNamespace("/display"))
    socketio.on_namespace(ConsoleNamespace("/console"))
    socketio.on_namespace(TicketNamespace("/ticket"))
    socketio.on_namespace(AgentNamespace("/agent"))
