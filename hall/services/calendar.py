"""The hall's working-day calendar (工作日历): loaded years from the database, seeded from chinese_calendar."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    CalendarError,
    WorkingCalendar,
    YearArrangement,
    arrangements_from_chinese_calendar,
)
from hall.domain.deadlines import compute_deadline
from hall.services.actors import SYSTEM, Actor
from hall.services.case_signals import ROW_COLUMNS, day_start, hall_today, hall_zone, policy_of, refresh
from hall.services.context import HallContext
from hall.services.errors import Invalid
from hall.store.models import CalendarYear, CaseRecord, ChainHead, Event

__all__ = ["current_calendar", "invalidate", "working_days", "deadline", "load_year", "alarm_missing_years",
           "raise_calendar_alarms", "parse_day"]

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


# -- what the API and the jobs ask of the calendar ---------------------------------------------

#: The longest range of dates one working-days request may list (about three years).
MAX_RANGE_DAYS = 3 * 366
#: The most working days one deadline request may count (about three years).
MAX_DEADLINE_DAYS = 750
#: How many years past the current one a date may lie (the index is built that far on demand).
YEARS_AHEAD = 5


def _within_reach(calendar: WorkingCalendar, day: date, today: date, what: str) -> None:
    """Refuse dates the calendar cannot answer for, or so far ahead that no arrangement can exist."""
    if day.year < calendar.first_year:
        raise Invalid("%(what)s %(day)s is before %(first_year)s, the calendar's first year",
                      what=what, day=day.isoformat(), first_year=calendar.first_year)
    if day.year > today.year + YEARS_AHEAD:
        raise Invalid("%(what)s %(day)s is more than %(years)s years ahead",
                      what=what, day=day.isoformat(), years=YEARS_AHEAD)


def parse_day(value: object, what: str) -> date:
    """A YYYY-MM-DD date from a request, or a clear 422."""
    if not isinstance(value, str):
        raise Invalid("%(what)s must be a date written YYYY-MM-DD", what=what)
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("%(what)s must be a date written YYYY-MM-DD, not %(value)s",
                      what=what, value=repr(value)) from None


def working_days(ctx: HallContext, first: date, last: date) -> dict:
    """工作日: the working days from `first` to `last` (both included), their count, and whether provisional."""
    if last < first:
        raise Invalid("to (%(last)s) is before from (%(first)s)", last=last.isoformat(), first=first.isoformat())
    if (last - first).days >= MAX_RANGE_DAYS:
        raise Invalid("a range may span at most %(days)s days; ask for shorter ranges", days=MAX_RANGE_DAYS)
    with ctx.read() as s:
        calendar = current_calendar(s)
        today = hall_today(ctx, s)
    for day, what in ((first, "from"), (last, "to")):
        _within_reach(calendar, day, today, what)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    listed = [d.isoformat() for d in days if calendar.is_working(d)]
    missing = calendar.missing_years(first, last)
    return {"from": first.isoformat(), "to": last.isoformat(), "count": len(listed), "days": listed,
            "provisional": bool(missing), "missing_years": sorted(missing)}


def deadline(ctx: HallContext, received: date, days: int) -> dict:
    """办结期限: the `days`-th working day after `received` (the day of receipt does not count).

    A deadline that relies on a year with no arrangement loaded is computed on weekends alone,
    marked provisional, and raises an alarm asking the admin to load that year (once a day).
    """
    if not 0 <= days <= MAX_DEADLINE_DAYS:
        raise Invalid("days must be a whole number from 0 to %(max)s", max=MAX_DEADLINE_DAYS)
    with ctx.read() as s:
        calendar = current_calendar(s)
        today = hall_today(ctx, s)
    _within_reach(calendar, received, today, "received")
    due = compute_deadline(calendar, received, days)
    if due.missing_years:
        alarm_missing_years(ctx, due.missing_years)
    return {"received": received.isoformat(), "days": days, "deadline": due.date.isoformat(),
            "provisional": due.provisional, "missing_years": sorted(due.missing_years)}


def _alarmed_today(ctx: HallContext, session: Session, today: date) -> set[str]:
    """Subjects of the calendar alarms already recorded today (the event log is the memory)."""
    since = day_start(today, hall_zone(ctx, session))
    subjects = set()
    for payload in session.execute(
            select(Event.payload).where(Event.type == "alarm.raised", Event.at >= since)).scalars():
        data = json.loads(payload)
        if data.get("kind") == "calendar":
            subjects.add(str(data.get("subject")))
    return subjects


def alarm_missing_years(ctx: HallContext, years: Iterable[int]) -> list[int]:
    """Raise the load-this-year alarm for each year not yet alarmed today (its own transaction, if any)."""
    with ctx.read() as s:
        today = hall_today(ctx, s)
        already = _alarmed_today(ctx, s, today)
    if not {str(y) for y in years} - already:
        return []
    with ctx.unit_of_work(SYSTEM.label) as uow:
        raised = raise_calendar_alarms(uow, years, today)
        uow.commit()
    return raised


def raise_calendar_alarms(uow, years: Iterable[int], today: date) -> list[int]:
    """Within a unit of work: record `alarm.raised` for each year with no such alarm yet on `today`.

    Once per year per day, whichever process or request notices first: the check reads the
    event log inside the writing transaction (SQLite: under its write lock; PostgreSQL: under
    the chain head's row lock, which every event writer takes).
    """
    years = sorted(set(years))
    if not years:
        return []
    ctx, s = uow.ctx, uow.session
    if ctx.postgres:
        s.execute(select(ChainHead.seq).where(ChainHead.id == 1).with_for_update())
    already = _alarmed_today(ctx, s, today)
    raised = [y for y in years if str(y) not in already]
    for year in raised:
        uow.record("alarm.raised", {"kind": "calendar", "subject": str(year),
                                    "message": f"请加载 {year} 年节假日安排"})
    return raised


def _dates(value: object, what: str) -> list[date]:
    """A list of YYYY-MM-DD dates from a request body."""
    if not isinstance(value, list):
        raise Invalid("%(what)s must be a list of dates written YYYY-MM-DD", what=what)
    return [parse_day(v, f"each of {what}") for v in value]


def load_year(ctx: HallContext, actor: Actor, year: int, holidays: object, makeup_workdays: object) -> dict:
    """放假调休安排: load (or replace) a year's official holidays and make-up working days.

    The arrangement is checked by the domain's rules; every open case whose dates touch the
    year has its deadline, provisional flag, yellow day, step deadline and signal recomputed
    in the same transaction (with `case.warning` for each signal that changes), and
    `calendar.year_loaded` is recorded.
    """
    try:
        arrangement = YearArrangement(year, frozenset(_dates(holidays, "holidays")),
                                      frozenset(_dates(makeup_workdays, "makeup_workdays")))
    except CalendarError as exc:
        raise Invalid.of(exc) from None
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        today = hall_today(ctx, s, uow.now)
        calendar = current_calendar(s)
        _within_reach(calendar, date(year, 1, 1), today, "the year starting")
        calendar = calendar.with_year(arrangement)
        row = s.get(CalendarYear, year)
        if row is None:
            row = CalendarYear(year=year)
            s.add(row)
        row.holidays = sorted(d.isoformat() for d in arrangement.holidays)
        row.makeup_workdays = sorted(d.isoformat() for d in arrangement.makeup_workdays)
        row.source, row.loaded_at = "admin", uow.now
        s.flush()
        uow.record("calendar.year_loaded", {"year": year, "holidays": len(row.holidays),
                                            "makeup_workdays": len(row.makeup_workdays), "source": row.source})
        zone = hall_zone(ctx, s)
        cases = CaseRecord.__table__.c
        first = date(year, 1, 1)
        touching = select(*ROW_COLUMNS).where(
            cases.status.in_(("in_progress", "paused")),
            cases.received_at < day_start(date(year + 1, 1, 1), zone),
            or_(cases.deadline >= first, cases.step_deadline >= first),
        ).order_by(cases.id)
        done = refresh(uow, s.execute(touching), calendar, today, policy_of(ctx))
        raise_calendar_alarms(uow, done.missing_years, today)
        uow.after_commit(invalidate)
        uow.commit()
    return {"year": year, "holidays": row.holidays, "makeup_workdays": row.makeup_workdays, "source": row.source,
            "loaded_at": row.loaded_at.isoformat(), "recomputed": done.evaluated, "changed": done.updated,
            "warnings": done.warnings}
