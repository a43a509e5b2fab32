"""Window use cases: a clerk takes a window, pauses it with a reason, resumes, leaves."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hall.domain.queue import TicketStatus, WindowState
from hall.domain.refusal import Term
from hall.services.actors import WINDOW_OVERSEERS, Actor
from hall.services.context import HallContext
from hall.services.errors import Conflict, Forbidden, Invalid, NotFound
from hall.store.models import Staff, Ticket, Window, WindowService

MAX_REASON = 200


def parse_hhmm(value: str) -> time:
    """"17:30" → time(17, 30)."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def clerk_view(staff: Staff | None) -> dict | None:
    """The clerk as window screens show them: name, badge, title, photo (staff badges are public)."""
    if staff is None:
        return None
    return {"id": staff.id, "name": staff.name, "badge": staff.badge, "title": staff.title,
            "photo_url": f"/staff/{staff.id}/photo"}


def window_view(window: Window, service_ids: list[int], current: Ticket | None = None) -> dict:
    """A window as the API and screens show it."""
    return {
        "id": window.id, "number": window.number, "department": window.department.name,
        "department_en": window.department.name_en, "department_id": window.department_id, "kind": window.kind,
        "service_ids": service_ids, "state": window.state, "pause_reason": window.pause_reason,
        "clerk": clerk_view(window.clerk),
        "current": None if current is None else {
            "ticket_id": current.id, "number": current.number, "service_id": current.service_id,
            "status": current.status, "called_at": current.called_at.isoformat() if current.called_at else None,
            "recalls": current.recalls},
    }


def services_by_window(session) -> dict[int, list[int]]:
    """Each window's service ids."""
    result: dict[int, list[int]] = {}
    for window_id, service_id in session.execute(select(WindowService.window_id, WindowService.service_id)
                                                 .order_by(WindowService.window_id, WindowService.service_id)):
        result.setdefault(window_id, []).append(service_id)
    return result


def list_windows(ctx: HallContext) -> list[dict]:
    """Every window with its services, state, clerk and current ticket."""
    with ctx.read() as session:
        return windows_with_current(session)


def windows_with_current(session) -> list[dict]:
    """Every window's view, ordered by number, read in one session."""
    windows = session.execute(select(Window).options(joinedload(Window.department), joinedload(Window.clerk))
                              ).unique().scalars().all()
    current_ids = [w.current_ticket_id for w in windows if w.current_ticket_id]
    current = {t.id: t for t in session.execute(select(Ticket).where(Ticket.id.in_(current_ids))).unique().scalars()} \
        if current_ids else {}
    services = services_by_window(session)
    ordered = sorted(windows, key=lambda w: (len(w.number), w.number))
    return [window_view(w, services.get(w.id, []), current.get(w.current_ticket_id)) for w in ordered]


def _load(session, window_id: int) -> Window:
    if isinstance(window_id, bool) or not isinstance(window_id, int):
        raise Invalid("window id must be an integer")
    window = session.get(Window, window_id)
    if window is None:
        raise NotFound("no window with id %(window_id)s", window_id=window_id)
    return window


def _held(session, actor: Actor, window_id: int) -> Window:
    """The window, if the actor holds it (or oversees every window)."""
    window = _load(session, window_id)
    if actor.role not in WINDOW_OVERSEERS and window.clerk_id != actor.staff_id:
        raise Forbidden("window %(window)s is not held by you", window=window.number)
    return window


def _view(session, window: Window) -> dict:
    current = session.get(Ticket, window.current_ticket_id) if window.current_ticket_id else None
    return window_view(window, services_by_window(session).get(window.id, []), current)


def open_window(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """A clerk takes the window: it opens and screens show who serves."""
    if not actor.is_staff:
        raise Forbidden("only staff can open a window")
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _load(s, window_id)
        if window.clerk_id not in (None, actor.staff_id) and window.state != WindowState.CLOSED:
            raise Conflict("window %(window)s is held by %(clerk)s; they must close it first",
                           window=window.number, clerk=window.clerk.name)
        held = s.execute(select(Window).where(Window.clerk_id == actor.staff_id, Window.id != window.id,
                                              Window.state != WindowState.CLOSED)).unique().scalars().first()
        if held is not None:
            raise Conflict("you hold window %(window)s; close it first", window=held.number)
        window.clerk_id, window.state, window.pause_reason = actor.staff_id, WindowState.OPEN, None
        s.flush()
        s.refresh(window)
        uow.record("window.opened", {"window_id": window.id, "clerk": clerk_view(window.clerk)})
        uow.commit()
        return _view(s, window)


def close_window(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """The clerk leaves: the window closes; a ticket still at the window must be finished first."""
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _held(s, actor, window_id)
        if window.current_ticket_id:
            ticket = s.get(Ticket, window.current_ticket_id)
            if ticket is not None and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                raise Conflict("finish, transfer or mark no-show %(ticket)s before closing the window",
                               ticket=ticket.number)
        window.state, window.clerk_id, window.pause_reason, window.current_ticket_id = \
            WindowState.CLOSED, None, None, None
        uow.record("window.closed", {"window_id": window.id})
        uow.commit()
        s.refresh(window)
        return _view(s, window)


def pause_window(ctx: HallContext, actor: Actor, window_id: int, reason) -> dict:
    """暂停: the window stops calling, with a reason screens show (e.g. 临时离开, 业务咨询)."""
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("a pause needs a reason")
    if len(reason) > MAX_REASON:
        raise Invalid("the reason is longer than %(limit)s characters", limit=MAX_REASON)
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _held(s, actor, window_id)
        if window.state != WindowState.OPEN:
            raise Conflict("window %(window)s is %(state)s; only an open window can pause",
                           window=window.number, state=Term(window.state, "window state"))
        window.state, window.pause_reason = WindowState.PAUSED, reason.strip()
        uow.record("window.paused", {"window_id": window.id, "reason": window.pause_reason})
        uow.commit()
        return _view(s, window)


def resume_window(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """恢复: a paused window calls again."""
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _held(s, actor, window_id)
        if window.state != WindowState.PAUSED:
            raise Conflict("window %(window)s is %(state)s, not paused",
                           window=window.number, state=Term(window.state, "window state"))
        window.state, window.pause_reason = WindowState.OPEN, None
        uow.record("window.resumed", {"window_id": window.id})
        uow.commit()
        return _view(s, window)
