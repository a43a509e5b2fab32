"""The hall's working-day calendar (工作日历): loaded years from the database, seeded from chinese_calendar."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    WorkingCalendar,
    YearArrangement,
    arrangements_from_chinese_calendar,
)
from hall.store.models import CalendarYear

__all__ = ["current_calendar", "invalidate"]

_lock = threading.Lock()
_cached: tuple[tuple, WorkingCalendar] | None = None
_seed: dict[int, YearArrangement] | None = None


def _seeded() -> dict[int, YearArrangement]:
    """The official arrangements chinese_calendar carries (2004–2026), read once per process."""
    global _seed
    if _seed is None:
        _seed = {a.year: a for a in arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS)}
    return _seed


def current_calendar(session: Session) -> WorkingCalendar:
    """The hall's calendar: every year loaded in `calendar_years`, and 2004–2026 from chinese_calendar where
    the table has no row. Cached per process and rebuilt when the table changes (even from another process)."""
    global _cached
    version = tuple(session.execute(select(func.count(), func.max(CalendarYear.loaded_at))).one())
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        years = dict(_seeded())
        for row in session.execute(select(CalendarYear)).scalars():
            years[row.year] = YearArrangement(
                row.year,
                frozenset(date.fromisoformat(d) for d in row.holidays),
                frozenset(date.fromisoformat(d) for d in row.makeup_workdays),
            )
        calendar = WorkingCalendar(years.values(), first_year=min(years))
        _cached = (version, calendar)
        return calendar


def invalidate() -> None:
    """Forget the cached calendar (after loading or changing a year)."""
    global _cached
    with _lock:
        _cached = None
