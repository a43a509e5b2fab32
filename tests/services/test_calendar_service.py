"""The calendar service on SQLite and PostgreSQL: working days, deadlines, provisional years and loading a year."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hall.jobs.case_warnings import sweep_warnings
from hall.services import calendar
from hall.services.actors import Actor
from hall.services.case_signals import hall_today
from hall.services.errors import Invalid
from hall.store.models import CalendarYear, CaseRecord
from tests.case_rows import case_row, insert_rows, promised_case, received

ADMIN = Actor("staff", "admin", role="admin", staff_id=1)
#: An arrangement for 2027 of the kind the State Council publishes each November (test data).
HOLIDAYS_2027 = ["2027-01-01", "2027-01-02", "2027-01-03", *(f"2027-02-{d:02d}" for d in range(5, 13))]
MAKEUP_2027 = ["2027-02-20"]


def alarms(ctx) -> list[dict]:
    """The alarm.raised payloads published so far, and forget every event."""
    found = [e.payload for e in ctx.publisher.events if e.type == "alarm.raised"]
    ctx.publisher.events.clear()
    return found


def test_working_days_around_national_day_2025(ctx):
    """1–8 October 2025 off; Sunday 28 September and Saturday 11 October are make-up working days."""
    got = calendar.working_days(ctx, date(2025, 9, 27), date(2025, 10, 12))
    assert got["days"] == ["2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11"]
    assert got["count"] == 6 and got["provisional"] is False and got["missing_years"] == []


def test_deadline_does_not_count_the_day_of_receipt(ctx):
    """Received Monday 3 March 2025: one working day later is Tuesday."""
    assert calendar.deadline(ctx, date(2025, 3, 3), 1)["deadline"] == "2025-03-04"
    assert calendar.deadline(ctx, date(2025, 3, 3), 0)["deadline"] == "2025-03-03"
    assert calendar.deadline(ctx, date(2025, 9, 29), 3) == {
        "received": "2025-09-29", "days": 3, "deadline": "2025-10-10", "provisional": False, "missing_years": []}


def test_a_deadline_in_an_unloaded_year_is_provisional_and_alarms_once_a_day(ctx, clock):
    """Received 20 Dec 2026 with 10 days reaches 2027: weekends alone, provisional, one alarm per day."""
    got = calendar.deadline(ctx, date(2026, 12, 20), 10)
    assert got == {"received": "2026-12-20", "days": 10, "deadline": "2027-01-01", "provisional": True,
                   "missing_years": [2027]}
    assert alarms(ctx) == [{"kind": "calendar", "subject": "2027", "message": "请加载 2027 年节假日安排"}]
    calendar.deadline(ctx, date(2026, 12, 21), 10)
    calendar.working_days(ctx, date(2026, 12, 1), date(2027, 1, 31))
    assert alarms(ctx) == []
    clock.advance(days=1)
    calendar.deadline(ctx, date(2026, 12, 20), 10)
    assert [a["subject"] for a in alarms(ctx)] == ["2027"]


def test_loading_a_year_makes_provisional_deadlines_firm_and_recomputes_open_cases(ctx, clock):
    """The admin loads 2027: the case received 20 Dec 2026 is now due Monday 4 January, no longer provisional."""
    with ctx.read() as s:
        cal = calendar.current_calendar(s)
    today = date(2026, 12, 31)
    clock.moment = datetime(2026, 12, 31, 1, 30, tzinfo=UTC)
    [crossing, early] = insert_rows(ctx, [case_row(promised_case("X", date(2026, 12, 20), 10), cal, today),
                                          case_row(promised_case("E", date(2026, 11, 2), 5), cal, today)])
    with ctx.read() as s:
        before = s.get(CaseRecord, crossing)
        assert (before.deadline, before.provisional, before.signal) == (date(2027, 1, 1), True, "yellow")
    loaded = calendar.load_year(ctx, ADMIN, 2027, HOLIDAYS_2027, MAKEUP_2027)
    # still yellow (due the next working day): the deadline moved, the signal did not
    assert loaded["recomputed"] == 1 and loaded["changed"] == 1 and loaded["warnings"] == 0
    with ctx.read() as s:
        after = s.get(CaseRecord, crossing)
        assert (after.deadline, after.provisional, after.yellow_from, after.signal) == (
            date(2027, 1, 4), False, date(2026, 12, 31), "yellow")
        assert s.get(CalendarYear, 2027).source == "admin"
        assert s.get(CaseRecord, early).deadline == date(2026, 11, 9)
    assert [(e.type, e.payload) for e in ctx.publisher.events] == [
        ("calendar.year_loaded", {"year": 2027, "holidays": 11, "makeup_workdays": 1, "source": "admin"})]
    assert calendar.deadline(ctx, date(2026, 12, 20), 10)["deadline"] == "2027-01-04"
    assert calendar.deadline(ctx, date(2027, 2, 4), 1)["deadline"] == "2027-02-15"


def test_a_signal_that_changes_with_the_year_is_announced(ctx, clock):
    """Due 1 Jan 2027 on weekends alone, the case is red on Saturday 2 Jan; with 1 Jan off it is due Monday."""
    with ctx.read() as s:
        cal = calendar.current_calendar(s)
    clock.moment = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)  # Wednesday 30 December in Beijing
    [case_id] = insert_rows(ctx, [case_row(promised_case("Z", date(2026, 12, 18), 10), cal, date(2026, 12, 30))])
    with ctx.read() as s:
        assert s.get(CaseRecord, case_id).signal == "none"
    clock.moment = datetime(2027, 1, 2, 1, 0, tzinfo=UTC)  # the admin is late: Saturday 2 January
    sweep_warnings(ctx)
    assert [e.payload["signal"] for e in ctx.publisher.events if e.type == "case.warning"] == ["red"]
    ctx.publisher.events.clear()
    calendar.load_year(ctx, ADMIN, 2027, HOLIDAYS_2027, MAKEUP_2027)
    [back] = [e.payload for e in ctx.publisher.events if e.type == "case.warning"]
    assert back["signal"] == "yellow" and back["deadline"] == "2027-01-04" and not back["deemed_approved"]


@pytest.mark.parametrize("holidays, makeup, message", [
    (["2028-01-01"], [], "does not belong to the 2027"),
    (["2027-02-20"], ["2027-02-20"], "both a holiday and a make-up working day"),
    ([], ["2027-02-22"], "must fall on a weekend"),
    (["2027-13-01"], [], "YYYY-MM-DD"),
    ("2027-01-01", [], "list of dates"),
])
def test_a_wrong_arrangement_is_refused_and_changes_nothing(ctx, holidays, makeup, message):
    """The domain's YearArrangement rules, as a clear 422, and nothing stored or announced."""
    with pytest.raises(Invalid, match=message):
        calendar.load_year(ctx, ADMIN, 2027, holidays, makeup)
    with ctx.read() as s:
        assert s.execute(select(CalendarYear)).first() is None
    assert ctx.publisher.events == []


@pytest.mark.parametrize("first, last, message", [
    (date(2025, 1, 2), date(2025, 1, 1), "before from"),
    (date(2020, 1, 1), date(2025, 1, 1), "at most"),
    (date(2003, 12, 1), date(2004, 1, 5), "first year"),
    (date(2040, 1, 1), date(2040, 1, 5), "years ahead"),
])
def test_ranges_are_capped(ctx, first, last, message):
    """Reversed, over three years, before 2004 or far in the future: refused with the reason."""
    with pytest.raises(Invalid, match=message):
        calendar.working_days(ctx, first, last)


def test_deadline_days_are_capped(ctx):
    """Negative or absurd numbers of days are refused."""
    for days in (-1, 10_000):
        with pytest.raises(Invalid, match="days must be"):
            calendar.deadline(ctx, date(2025, 3, 3), days)


def test_hall_date_is_beijing(ctx, clock):
    """At 23:30 UTC on the 2nd it is already the 3rd in the hall."""
    clock.moment = datetime(2025, 3, 2, 23, 30, tzinfo=UTC)
    assert received(date(2025, 3, 3)).date() == date(2025, 3, 3)
    with ctx.read() as s:
        assert hall_today(ctx, s) == date(2025, 3, 3)
