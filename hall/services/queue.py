"""Queue use cases (排队叫号): issue, call next, recall, no-show, start, finish, transfer, reinstate."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall.domain import queue as rules
from hall.domain.numbering import format_number, hall_day
from hall.domain.queue import TicketStatus, WindowState
from hall.domain.refusal import Term
from hall.services import stats
from hall.services.actors import DESK_ROLES, WINDOW_OVERSEERS, Actor
from hall.services.context import HallContext, UnitOfWork
from hall.services.errors import Conflict, Forbidden, Invalid, NotFound
from hall.store.models import (
    IS_UNSERVED,
    IS_WAITING,
    PrintJob,
    ServiceItem,
    Ticket,
    TicketCounter,
    Window,
    WindowService,
)

#: Ids are PostgreSQL integers: a larger id names nothing and must not reach the database.
MAX_ID = 2**31 - 1


def ticket_view(ticket: Ticket, *, people_ahead: int | None = None, estimated_wait_s: int | None = None,
                base_url: str = "") -> dict:
    """A ticket as the API shows it (no personal data: tickets carry none)."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "priority": ticket.priority,
        "status": TicketStatus(ticket.status).value,
        "people_ahead": people_ahead,
        "estimated_wait_s": estimated_wait_s,
        "status_url": f"{base_url}/t/{ticket.token}",
        "issued_at": ticket.issued_at.isoformat(),
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
        "window_id": ticket.window_id,
        "recalls": ticket.recalls,
    }


def with_position(session: Session, ticket: Ticket, base_url: str = "") -> dict:
    """A ticket view with its live place in the queue and estimated wait."""
    if ticket.status == TicketStatus.WAITING:
        ahead = stats.people_ahead_of(session, ticket)
        return ticket_view(ticket, people_ahead=ahead, estimated_wait_s=stats.estimate_for(session, ticket.service_id, ahead),
                           base_url=base_url)
    return ticket_view(ticket, people_ahead=0 if ticket.status in ("called", "serving") else None, base_url=base_url)


@dataclass(frozen=True)
class Issued:
    """The outcome of issuing: the ticket's view, and whether it was new (not an idempotent repeat)."""

    ticket: dict
    created: bool


# Issuing is the hall's hot path: its statements are built once, with bound parameters.
# Table-level (Core) statements skip the ORM's bookkeeping, which would cost more than the SQL here.
_COUNTERS, _TICKETS, _JOBS = TicketCounter.__table__, Ticket.__table__, PrintJob.__table__
_BUMP_COUNTER = (
    update(_COUNTERS)
    .where(_COUNTERS.c.prefix == bindparam("p"), _COUNTERS.c.day == bindparam("d"))
    .values(last=_COUNTERS.c.last + 1)
    .returning(_COUNTERS.c.last)
)
_INSERT_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)
_COUNT_WAITING = select(func.count(), func.coalesce(func.sum(case((_TICKETS.c.priority.is_(True), 1), else_=0)), 0)
                        ).where(IS_WAITING, _TICKETS.c.service_id == bindparam("sid"))
_INSERT_JOB = insert(_JOBS).returning(_JOBS.c.id)


def _next_seq(session: Session, prefix: str, day, postgres: bool) -> int:
    """Take the next number of a prefix for the day (atomic under concurrency)."""
    session = session.connection()
    value = session.execute(_BUMP_COUNTER, {"p": prefix, "d": day}).scalar_one_or_none()
    if value is not None:
        return value
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(TicketCounter).values(prefix=prefix, day=day, last=0).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(TicketCounter).values(prefix=prefix, day=day, last=0).on_conflict_do_nothing())
    return session.execute(_BUMP_COUNTER, {"p": prefix, "d": day}).scalar_one()


def issue_ticket(ctx: HallContext, actor: Actor, service_id, *, priority=False, idempotency_key=None,
                 print_ticket: bool | None = None) -> Issued:
    """取号: give the next number of a service; the printed ticket is queued in the same transaction."""
    if isinstance(service_id, bool) or not isinstance(service_id, int):
        raise Invalid("service_id must be an integer")
    if not 0 < service_id <= MAX_ID:
        raise NotFound("no service item with id %(service_id)s", service_id=service_id)
    if not isinstance(priority, bool):
        raise Invalid("priority must be true or false")
    if idempotency_key is not None and (not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 128):
        raise Invalid("idempotency_key must be a string of 1 to 128 characters")
    if idempotency_key is not None:
        existing = _by_idempotency_key(ctx, idempotency_key)
        if existing is not None:
            return existing
    try:
        return _issue(ctx, actor, service_id, priority, idempotency_key, print_ticket)
    except IntegrityError:
        if idempotency_key is not None:
            existing = _by_idempotency_key(ctx, idempotency_key)
            if existing is not None:
                return existing
        raise


def _by_idempotency_key(ctx: HallContext, key: str) -> Issued | None:
    with ctx.read() as session:
        ticket = session.execute(select(Ticket).where(Ticket.idempotency_key == key)).scalar_one_or_none()
        if ticket is None:
            return None
        return Issued(with_position(session, ticket, ctx.settings.public_url), created=False)


def _issue(ctx: HallContext, actor: Actor, service_id: int, priority: bool, key: str | None,
           print_ticket: bool | None) -> Issued:
    # The hot path of the hall: kept to a handful of statements, reference data from the cache.
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        service = ctx.refs.service(s, service_id)
        if service is None or not service.active:
            raise NotFound("no service item with id %(service_id)s", service_id=service_id)
        hall = ctx.refs.hall(s)
        day = hall_day(uow.now, ZoneInfo(hall.timezone))
        seq = _next_seq(s, service.prefix, day, ctx.postgres)
        token, number = f"{day:%y%m%d}{secrets.token_urlsafe(16)}", format_number(service.prefix, seq)
        conn = s.connection()
        ticket_id = conn.execute(_INSERT_TICKET, {
            "token": token, "service_id": service.id, "prefix": service.prefix, "day": day, "seq": seq,
            "number": number, "priority": priority, "status": TicketStatus.WAITING.value, "issued_at": uow.now,
            "queued_at": uow.now, "recalls": 0, "idempotency_key": key,
            "issuer_device_id": actor.id if actor.kind == "device" else None,
            "issuer_staff_id": actor.staff_id}).scalar_one()
        waiting, waiting_priority = conn.execute(_COUNT_WAITING, {"sid": service.id}).one()
        ahead = (waiting_priority if priority else waiting) - 1  # a new ticket stands behind its whole class
        view = {"id": ticket_id, "number": number, "service_id": service.id, "priority": priority,
                "status": TicketStatus.WAITING.value, "people_ahead": ahead,
                "estimated_wait_s": stats.estimate_for(s, service.id, ahead),
                "status_url": f"{ctx.settings.public_url}/t/{token}", "issued_at": uow.now.isoformat(),
                "called_at": None, "window_id": None, "recalls": 0}
        uow.record("ticket.issued", {"ticket_id": ticket_id, "number": number, "service_id": service.id,
                                     "priority": priority, "waiting": {str(service.id): waiting}})
        job = None
        if print_ticket is not False and actor.kind == "device":
            printer = ctx.refs.printer_of(s, actor.id)
            if printer:
                job = _queue_print(uow, printer, ticket_id, service, hall, view)
        uow.commit()
    if job is not None:
        ctx.publisher.send("/agent", "print.job", job, room=f"printer:{job['printer']}")
    return Issued(view, created=True)


def _queue_print(uow: UnitOfWork, printer: str, ticket_id: int, service, hall, view: dict) -> dict:
    """A kiosk with a printer gets a print job, stored with the ticket; returns the `print.job` message."""
    payload = {"hall_name": hall.name, "hall_name_en": hall.name_en, "number": view["number"],
               "service_name": service.name, "service_name_en": service.name_en,
               "people_ahead": view["people_ahead"], "estimated_wait_s": view["estimated_wait_s"],
               "issued_at": uow.now.astimezone(ZoneInfo(hall.timezone)).isoformat(),
               "status_url": view["status_url"], "priority": view["priority"]}
    job_id = uow.session.connection().execute(_INSERT_JOB, {
        "ticket_id": ticket_id, "printer": printer, "status": "pending", "attempts": 1, "created_at": uow.now,
        "last_sent_at": uow.now, "payload": payload}).scalar_one()
    return {"job_id": job_id, "printer": printer, "attempt": 1, "ticket": payload}


def job_message(job: PrintJob) -> dict:
    """The `print.job` message for an agent: a queue ticket, or a case receipt with its `kind`."""
    if job.kind == "case_receipt":
        return {"job_id": job.id, "printer": job.printer, "attempt": job.attempts, "kind": "case_receipt",
                "case": job.payload}
    return {"job_id": job.id, "printer": job.printer, "attempt": job.attempts, "ticket": job.payload}


def get_ticket(ctx: HallContext, ticket_id: int, *, issued_by: str | None = None) -> dict:
    """A ticket with its live position; with `issued_by`, only a ticket that device issued."""
    with ctx.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("no ticket with id %(ticket_id)s", ticket_id=ticket_id)
        if issued_by is not None and ticket.issuer_device_id != issued_by:
            raise Forbidden("ticket %(ticket_id)s was not issued by this device", ticket_id=ticket_id)
        return with_position(session, ticket, ctx.settings.public_url)


def public_ticket(ctx: HallContext, token: str) -> dict:
    """What the mobile ticket page shows: number, status, position, window; nothing personal."""
    with ctx.read() as session:
        ticket = session.execute(select(Ticket).where(Ticket.token == token)).scalar_one_or_none()
        if ticket is None:
            raise NotFound("no such ticket")
        view = with_position(session, ticket, ctx.settings.public_url)
        window = session.get(Window, ticket.window_id) if ticket.window_id else None
        return {"number": ticket.number, "status": ticket.status, "service_id": ticket.service_id,
                "service_name": ticket.service.name, "service_name_en": ticket.service.name_en,
                "people_ahead": view["people_ahead"], "estimated_wait_s": view["estimated_wait_s"],
                "window": window.number if window else None, "issued_at": view["issued_at"]}


# -- at the window -------------------------------------------------------------------------

def _window_for(uow: UnitOfWork, actor: Actor, window_id: int, *, lock: bool = True) -> Window:
    stmt = select(Window).where(Window.id == window_id)
    if lock and uow.ctx.postgres:
        stmt = stmt.with_for_update(of=Window)
    window = uow.session.execute(stmt).unique().scalar_one_or_none()
    if window is None:
        raise NotFound("no window with id %(window_id)s", window_id=window_id)
    if actor.is_staff and actor.role not in WINDOW_OVERSEERS and window.clerk_id != actor.staff_id:
        raise Forbidden("window %(window)s is not held by you", window=window.number)
    return window


def _current(uow: UnitOfWork, window: Window) -> Ticket:
    ticket = uow.session.get(Ticket, window.current_ticket_id) if window.current_ticket_id else None
    if ticket is None:
        raise Conflict("window %(window)s has no ticket called", window=window.number)
    return ticket


def _guard(current, target: TicketStatus, action: str) -> None:
    try:
        rules.check_transition(current, target, action)
    except rules.QueueError as exc:
        raise Conflict.of(exc) from exc


def _services_of(session: Session, window_id: int) -> list[int]:
    return list(session.execute(select(WindowService.service_id).where(WindowService.window_id == window_id)).scalars())


def _called_payload(ticket: Ticket, window: Window, waiting: dict) -> dict:
    return {"ticket_id": ticket.id, "number": ticket.number, "window": window.number, "window_id": window.id,
            "service_id": ticket.service_id, "recall": ticket.recalls,
            "text": rules.call_text(ticket.number, window.number),
            "text_en": rules.call_text_en(ticket.number, window.number), "waiting": waiting}


def call_next(ctx: HallContext, actor: Actor, window_id: int) -> dict | None:
    """叫号: call the window's next ticket (priority first, then the oldest); None when nobody waits."""
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _window_for(uow, actor, window_id)
        if window.state != WindowState.OPEN:
            raise Conflict("window %(window)s is %(state)s; open or resume it first",
                           window=window.number, state=Term(window.state, "window state"))
        if window.current_ticket_id:
            current = s.get(Ticket, window.current_ticket_id)
            if current is not None and current.status == TicketStatus.CALLED:
                raise Conflict("%(ticket)s is still called: start serving it or mark it no-show first",
                               ticket=current.number)
            if current is not None and current.status == TicketStatus.SERVING:
                _finish(uow, window, current)
        service_ids = _services_of(s, window.id)
        ticket = _claim_next(uow, window, service_ids)
        if ticket is None:
            uow.commit()
            return None
        window.current_ticket_id = ticket.id
        uow.record("ticket.called", _called_payload(ticket, window, stats.waiting_map(s, [ticket.service_id])))
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def _claim_next(uow: UnitOfWork, window: Window, service_ids: list[int]) -> Ticket | None:
    """Take the first waiting ticket for this window; a ticket is claimed by one window only, ever."""
    s = uow.session
    mine = or_(
        and_(Ticket.service_id.in_(service_ids), Ticket.target_window_id.is_(None)),
        Ticket.target_window_id == window.id,
    )
    stmt = (select(Ticket.id).where(IS_WAITING, mine)
            .order_by(Ticket.priority.desc(), Ticket.queued_at, Ticket.id).limit(8))
    if uow.ctx.postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    for ticket_id in s.execute(stmt).scalars().all():
        claimed = s.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.WAITING)
            .values(status=TicketStatus.CALLED, window_id=window.id, called_at=uow.now, recalls=0, target_window_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            return s.get(Ticket, ticket_id)  # not loaded before in this session: read as just updated
    return None


def recall(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """重呼: call the current ticket again, up to the hall's recall limit."""
    with ctx.unit_of_work(actor.label) as uow:
        window = _window_for(uow, actor, window_id)
        ticket = _current(uow, window)
        if ticket.status != TicketStatus.CALLED:
            raise Conflict("only a called ticket can be recalled; %(ticket)s is %(status)s",
                           ticket=ticket.number, status=Term(ticket.status, "ticket status"))
        limit = uow.ctx.refs.hall(uow.session).recall_limit
        if not rules.may_recall(ticket.recalls, limit):
            raise Conflict("%(ticket)s was recalled %(recalls)s times (the limit); mark it no-show",
                           ticket=ticket.number, recalls=ticket.recalls)
        ticket.recalls += 1
        uow.record("ticket.called", _called_payload(ticket, window, {}))
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def no_show(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """过号: the citizen did not come after the recalls; the ticket may be reinstated at the desk."""
    with ctx.unit_of_work(actor.label) as uow:
        window = _window_for(uow, actor, window_id)
        ticket = _current(uow, window)
        _guard(ticket.status, TicketStatus.NO_SHOW, "mark no-show")
        limit = uow.ctx.refs.hall(uow.session).recall_limit
        if not rules.may_mark_no_show(ticket.recalls, limit):
            raise Conflict("recall %(ticket)s %(times)s more time(s) before marking no-show",
                           ticket=ticket.number, times=limit - ticket.recalls)
        ticket.status, ticket.no_show_at = TicketStatus.NO_SHOW, uow.now
        window.current_ticket_id = None
        uow.record("ticket.no_show", {"ticket_id": ticket.id, "number": ticket.number, "window_id": window.id,
                                      "service_id": ticket.service_id,
                                      "waiting": stats.waiting_map(uow.session, [ticket.service_id])})
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def start(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """开始办理: the citizen arrived at the window."""
    with ctx.unit_of_work(actor.label) as uow:
        window = _window_for(uow, actor, window_id)
        ticket = _current(uow, window)
        _guard(ticket.status, TicketStatus.SERVING, "start serving")
        ticket.status, ticket.started_at = TicketStatus.SERVING, uow.now
        uow.record("ticket.started", {"ticket_id": ticket.id, "number": ticket.number, "window_id": window.id,
                                      "service_id": ticket.service_id})
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def _finish(uow: UnitOfWork, window: Window, ticket: Ticket) -> None:
    _guard(ticket.status, TicketStatus.FINISHED, "finish")
    ticket.status, ticket.finished_at = TicketStatus.FINISHED, uow.now
    ticket.started_at = ticket.started_at or ticket.called_at
    window.current_ticket_id = None
    uow.record("ticket.finished", {"ticket_id": ticket.id, "number": ticket.number, "window_id": window.id,
                                   "service_id": ticket.service_id})
    uow.after_commit(stats.forget_handling_cache)


def finish(ctx: HallContext, actor: Actor, window_id: int) -> dict:
    """办结: the window finished serving the current ticket."""
    with ctx.unit_of_work(actor.label) as uow:
        window = _window_for(uow, actor, window_id)
        ticket = _current(uow, window)
        _finish(uow, window, ticket)
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def transfer(ctx: HallContext, actor: Actor, window_id: int, *, service_id=None, to_window_id=None) -> dict:
    """转移: send the current ticket to another service or window, keeping its original queue time."""
    if service_id is None and to_window_id is None:
        raise Invalid("give service_id or window_id to transfer to")
    for name, value in (("service_id", service_id), ("window_id", to_window_id)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise Invalid("%(name)s must be an integer", name=name)
        if value is not None and not 0 < value <= MAX_ID:
            if name == "service_id":
                raise NotFound("no service item with id %(service_id)s", service_id=value)
            raise NotFound("no window with id %(window_id)s", window_id=value)
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        window = _window_for(uow, actor, window_id)
        ticket = _current(uow, window)
        _guard(ticket.status, TicketStatus.WAITING, "transfer")
        target_window = None
        if to_window_id is not None:
            target_window = s.get(Window, to_window_id)
            if target_window is None:
                raise NotFound("no window with id %(window_id)s", window_id=to_window_id)
            if target_window.id == window.id:
                raise Invalid("a ticket cannot be transferred to the window it is at")
        new_service_id = ticket.service_id
        if service_id is not None:
            service = s.get(ServiceItem, service_id)
            if service is None or not service.active:
                raise NotFound("no service item with id %(service_id)s", service_id=service_id)
            new_service_id = service.id
        if target_window is not None and service_id is not None and new_service_id not in _services_of(s, target_window.id):
            raise Invalid("window %(window)s does not serve that service", window=target_window.number)
        old_service = ticket.service_id
        ticket.status, ticket.service_id = TicketStatus.WAITING, new_service_id
        ticket.target_window_id = target_window.id if target_window else None
        ticket.window_id, ticket.called_at, ticket.started_at, ticket.recalls = None, None, None, 0
        window.current_ticket_id = None
        s.flush()
        uow.record("ticket.transferred", {
            "ticket_id": ticket.id, "number": ticket.number, "from_service_id": old_service,
            "service_id": new_service_id, "from_window_id": window.id,
            "window_id": target_window.id if target_window else None,
            "waiting": stats.waiting_map(s, {old_service, new_service_id})})
        uow.commit()
        return ticket_view(ticket, base_url=ctx.settings.public_url)


def reinstate(ctx: HallContext, actor: Actor, ticket_id) -> dict:
    """过号恢复: at the service desk, put a no-show ticket back a few places behind, within the time allowed."""
    if not actor.has_role(*DESK_ROLES):
        raise Forbidden("only the service desk (duty officer, window lead, supervisor) may reinstate a ticket")
    if isinstance(ticket_id, bool) or not isinstance(ticket_id, int):
        raise Invalid("ticket_id must be an integer")
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("no ticket with id %(ticket_id)s", ticket_id=ticket_id)
        if ticket.status != TicketStatus.NO_SHOW:
            raise Conflict("only a no-show ticket can be reinstated; %(ticket)s is %(status)s",
                           ticket=ticket.number, status=Term(ticket.status, "ticket status"))
        hall = ctx.refs.hall(s)
        if not rules.may_reinstate(ticket.no_show_at, uow.now, timedelta(minutes=hall.reinstate_minutes)):
            raise Conflict("%(ticket)s was marked no-show more than %(minutes)s minutes ago",
                           ticket=ticket.number, minutes=hall.reinstate_minutes)
        queue_times = list(s.execute(
            select(Ticket.queued_at).where(IS_WAITING, Ticket.service_id == ticket.service_id,
                                           Ticket.priority == ticket.priority)
            .order_by(Ticket.queued_at, Ticket.id).limit(max(hall.reinstate_places_back, 1))).scalars())
        ticket.queued_at = rules.reinstated_queue_time(queue_times, hall.reinstate_places_back, uow.now)
        ticket.status, ticket.window_id, ticket.called_at, ticket.recalls = TicketStatus.WAITING, None, None, 0
        s.flush()
        uow.record("ticket.reinstated", {"ticket_id": ticket.id, "number": ticket.number,
                                         "service_id": ticket.service_id,
                                         "waiting": stats.waiting_map(s, [ticket.service_id])})
        uow.commit()
        return with_position(s, ticket, ctx.settings.public_url)


def abandon_unserved(ctx: HallContext, actor: Actor) -> int:
    """Close as abandoned every ticket still unserved after the hall's closing time (and from past days)."""
    from hall.domain.numbering import closing_moment
    from hall.services.windows import parse_hhmm

    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        hall = ctx.refs.hall(s)
        tz = ZoneInfo(hall.timezone)
        today = hall_day(uow.now, tz)
        cutoff_day = today if uow.now >= closing_moment(today, parse_hhmm(hall.closing_time), tz) else today - timedelta(days=1)
        tickets = s.execute(select(Ticket).where(IS_UNSERVED, Ticket.day <= cutoff_day)).scalars().all()
        if not tickets:
            return 0
        ids = [t.id for t in tickets]
        for t in tickets:
            t.status = TicketStatus.ABANDONED
        s.execute(update(Window).where(Window.current_ticket_id.in_(ids)).values(current_ticket_id=None)
                  .execution_options(synchronize_session=False))
        s.flush()
        uow.record("tickets.abandoned", {"count": len(ids), "ticket_ids": ids,
                                         "waiting": stats.waiting_map(s, {t.service_id for t in tickets})})
        uow.commit()
        return len(ids)


def window_queue(ctx: HallContext, window_id: int, limit: int = 20) -> dict:
    """The tickets waiting for a window, in the order call-next takes them, with waiting counts per service."""
    with ctx.read() as s:
        window = s.get(Window, window_id)
        if window is None:
            raise NotFound("no window with id %(window_id)s", window_id=window_id)
        service_ids = _services_of(s, window.id)
        mine = or_(and_(Ticket.service_id.in_(service_ids), Ticket.target_window_id.is_(None)),
                   Ticket.target_window_id == window.id)
        tickets = s.execute(select(Ticket).where(IS_WAITING, mine)
                            .order_by(Ticket.priority.desc(), Ticket.queued_at, Ticket.id).limit(limit)).unique().scalars()
        return {"window_id": window.id, "waiting": stats.waiting_map(s, service_ids),
                "next": [{"ticket_id": t.id, "number": t.number, "service_id": t.service_id, "priority": t.priority,
                          "issued_at": t.issued_at.isoformat(), "transferred_here": t.target_window_id == window.id}
                         for t in tickets]}


def recent_no_shows(ctx: HallContext) -> list[dict]:
    """No-show tickets still within the reinstatement time (for the service desk)."""
    with ctx.read() as s:
        hall = ctx.refs.hall(s)
        since = ctx.clock.now() - timedelta(minutes=hall.reinstate_minutes)
        tickets = s.execute(select(Ticket).where(Ticket.status == TicketStatus.NO_SHOW, Ticket.no_show_at >= since)
                            .order_by(Ticket.no_show_at.desc())).unique().scalars()
        return [{"ticket_id": t.id, "number": t.number, "service_id": t.service_id, "service_name": t.service.name,
                 "no_show_at": t.no_show_at.isoformat()} for t in tickets]
