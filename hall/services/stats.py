"""Live queue figures read from the store: waiting counts, handling times, open windows."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hall.domain.estimate import RECENT_SAMPLES, estimated_wait_seconds, mean_handling_seconds
from hall.store.models import IS_WAITING, Ticket, Window, WindowService

_CACHE_TTL_S = 10.0
_handling_cache: dict[tuple[str, int], tuple[float, float | None]] = {}
_cache_lock = threading.Lock()


def waiting_counts(session: Session, service_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Waiting tickets per service (all services, or those named)."""
    stmt = select(Ticket.service_id, func.count()).where(IS_WAITING).group_by(Ticket.service_id)
    if service_ids is not None:
        ids = list(set(service_ids))
        if not ids:
            return {}
        stmt = stmt.where(Ticket.service_id.in_(ids))
    counts = {sid: 0 for sid in (service_ids or [])}
    counts.update({sid: n for sid, n in session.execute(stmt)})
    return counts


def waiting_map(session: Session, service_ids: Iterable[int]) -> dict[str, int]:
    """The `waiting` field of queue events: {"<service_id>": count}."""
    return {str(k): v for k, v in waiting_counts(session, service_ids).items()}


def mean_handling(session: Session, service_id: int) -> float | None:
    """Recent mean handling time (call to finish) of a service, cached for a few seconds."""
    key = (str(session.bind.url), service_id)
    now = time.monotonic()
    with _cache_lock:
        hit = _handling_cache.get(key)
    if hit and now - hit[0] < _CACHE_TTL_S:
        return hit[1]
    rows = session.execute(
        select(Ticket.called_at, Ticket.finished_at)
        .where(Ticket.service_id == service_id, Ticket.finished_at.is_not(None), Ticket.called_at.is_not(None))
        .order_by(Ticket.finished_at.desc())
        .limit(RECENT_SAMPLES)
    ).all()
    value = mean_handling_seconds([(f - c).total_seconds() for c, f in rows])
    with _cache_lock:
        _handling_cache[key] = (now, value)
    return value


def forget_handling_cache() -> None:
    """Drop cached handling times (after a finish they may change)."""
    with _cache_lock:
        _handling_cache.clear()


_OPEN_WINDOWS = (
    select(WindowService.service_id, func.count())
    .join(Window, Window.id == WindowService.window_id)
    .where(Window.state == "open")
    .group_by(WindowService.service_id)
)


def open_windows_per_service(session: Session) -> dict[int, int]:
    """How many open windows serve each service now."""
    return {sid: n for sid, n in session.connection().execute(_OPEN_WINDOWS)}


def people_ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that stand before this one."""
    same_class_earlier = and_(
        Ticket.priority == ticket.priority,
        or_(Ticket.queued_at < ticket.queued_at, and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id)),
    )
    ahead = same_class_earlier if ticket.priority else or_(Ticket.priority.is_(True), same_class_earlier)
    stmt = select(func.count()).where(IS_WAITING, Ticket.service_id == ticket.service_id, ahead)
    return session.execute(stmt).scalar_one()


def estimate_for(session: Session, service_id: int, people_ahead: int,
                 open_windows: dict[int, int] | None = None) -> int | None:
    """Estimated wait in seconds for someone with `people_ahead` before them, or None."""
    windows = (open_windows if open_windows is not None else open_windows_per_service(session)).get(service_id, 0)
    if windows == 0:
        return None
    return estimated_wait_seconds(people_ahead, mean_handling(session, service_id), windows)
