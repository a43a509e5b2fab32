"""The warning sweep on SQLite and PostgreSQL: yellow and red on time, late steps, 超时默认, calendar alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from hall.domain.cases import CaseType, StepAction, record_step
from hall.jobs import case_warnings
from hall.jobs.runner import run_once
from hall.services.calendar import current_calendar
from hall.store.models import CaseRecord
from tests.case_rows import case_row, insert_rows, promised_case, received


def at(day: date, hour: int = 17) -> datetime:
    """A moment on `day` in the hall (Beijing time)."""
    return received(day, hour).astimezone(UTC)


def insert(ctx, *cases, today: date | None = None, **kw) -> list[int]:
    """Store cases with their columns as the hall computes them on the day each was received."""
    with ctx.read() as s:
        calendar = current_calendar(s)
    return insert_rows(ctx, [case_row(c, calendar, today or c.received_at.date(), **kw) for c in cases])


def warnings(ctx) -> list[dict]:
    """The case.warning payloads published so far, and forget them."""
    found = [e.payload for e in ctx.publisher.events if e.type == "case.warning"]
    ctx.publisher.events.clear()
    return found


def sweep_each_day(ctx, clock, first: date, last: date) -> list[tuple[date, str, str]]:
    """Run the sweep once at 09:00 and once at 17:00 each day; (day, number, signal) of every warning."""
    seen = []
    day = first
    while day <= last:
        for hour in (9, 17):
            clock.moment = at(day, hour)
            case_warnings.sweep_warnings(ctx)
            seen += [(day, w["number"], w["signal"]) for w in warnings(ctx)]
        day += timedelta(days=1)
    return seen


def test_yellow_one_working_day_before_and_red_the_day_after_across_a_weekend_and_national_day(ctx, clock):
    """B is due Monday 22 Sep 2025 (yellow Friday, through the weekend); A crosses the 1–8 Oct holiday."""
    b = promised_case("B", date(2025, 9, 18), 2)  # Fri 19 (1), Mon 22 (2)
    a = promised_case("A", date(2025, 9, 26), 4)  # Sun 28 make-up day (1), 29, 30, then Thu 9 Oct (4)
    insert(ctx, b, a)
    seen = sweep_each_day(ctx, clock, date(2025, 9, 18), date(2025, 10, 14))
    assert seen == [
        (date(2025, 9, 19), "B", "yellow"),
        (date(2025, 9, 23), "B", "red"),
        (date(2025, 9, 30), "A", "yellow"),
        (date(2025, 10, 10), "A", "red"),
    ]
    with ctx.read() as s:
        rows = {r.number: r for r in s.execute(select(CaseRecord)).scalars()}
    assert rows["A"].deadline == date(2025, 10, 9) and rows["A"].signal == "red"
    assert rows["A"].signal_reasons == ["promise_passed"] and rows["A"].deemed_approved


def test_the_warning_event_carries_no_personal_data(ctx, clock):
    """The payload names the case, its window and department, the signal and why — nothing about the applicant."""
    [case_id] = insert(ctx, promised_case("C-1", date(2025, 3, 3), 10))
    clock.moment = at(date(2025, 3, 18))
    assert case_warnings.run(ctx) == 1
    [event] = [e for e in ctx.publisher.events if e.type == "case.warning"]
    assert event.payload == {
        "case_id": case_id, "number": "C-1", "window_id": 1, "department_id": 1, "signal": "red",
        "reasons": ["promise_passed"], "step_overdue": None, "deemed_approved": True,
        "deadline": "2025-03-17", "provisional": False, "step_deadline": None}
    assert event.seq >= 1


def test_a_step_overdue_while_the_case_is_not(ctx, clock):
    """The undertake step has 2 working days; late on Thursday though the case is due on the 17th."""
    case = promised_case("S", date(2025, 3, 3), 10)
    case = record_step(case, received(date(2025, 3, 3), 10), "张晓明", StepAction.PASS, next_limit_days=2)
    insert(ctx, case)
    clock.moment = at(date(2025, 3, 5))
    case_warnings.sweep_warnings(ctx)
    assert warnings(ctx) == []
    clock.moment = at(date(2025, 3, 6))
    case_warnings.sweep_warnings(ctx)
    [late] = warnings(ctx)
    assert late["signal"] == "none" and late["step_overdue"] == "undertake" and late["reasons"] == []
    clock.moment = at(date(2025, 3, 7))
    assert case_warnings.sweep_warnings(ctx).evaluated == 0  # already flagged: not decoded again
    assert warnings(ctx) == []
    clock.moment = at(date(2025, 3, 14))
    case_warnings.sweep_warnings(ctx)
    [yellow] = warnings(ctx)
    assert yellow["signal"] == "yellow" and yellow["step_overdue"] == "undertake"
    clock.moment = at(date(2025, 3, 18))
    case_warnings.sweep_warnings(ctx)
    [red] = warnings(ctx)
    assert red["signal"] == "red" and red["step_overdue"] is None


def test_deemed_approved_only_for_cases_that_are_not_security_related(ctx, clock):
    """超时默认: past the promise an ordinary case is deemed approved; a public-security one is not."""
    insert(ctx, promised_case("P", date(2025, 3, 3), 10),
           promised_case("Q", date(2025, 3, 3), 10, security_sensitive=True),
           promised_case("R", date(2025, 3, 3), 10, CaseType.REPORT_UP))
    clock.moment = at(date(2025, 3, 18))
    case_warnings.sweep_warnings(ctx)
    deemed = {w["number"]: (w["signal"], w["deemed_approved"]) for w in warnings(ctx)}
    assert deemed == {"P": ("red", True), "Q": ("red", False), "R": ("red", False)}


def test_a_round_with_nothing_due_changes_nothing(ctx, clock):
    """Cases far from their deadline are not even decoded; no event, no write."""
    insert(ctx, promised_case("F", date(2025, 3, 3), 15))
    clock.moment = at(date(2025, 3, 4))
    done = case_warnings.sweep_warnings(ctx)
    assert (done.evaluated, done.updated, done.warnings) == (0, 0, 0)
    assert ctx.publisher.events == []


def test_the_server_jobs_run_the_sweep(ctx, clock):
    """run_once, which the server calls every job_interval_s, includes the warning sweep."""
    insert(ctx, promised_case("J", date(2025, 3, 3), 10))
    clock.moment = at(date(2025, 3, 18))
    assert run_once(ctx)["case_warnings"] == 1


def test_a_provisional_case_raises_the_calendar_alarm_once_a_day(ctx, clock):
    """A case due in a year with no arrangement is swept on weekends alone and asks for that year, once a day."""
    insert(ctx, promised_case("Y", date(2026, 12, 20), 10), today=date(2026, 12, 20))
    clock.moment = at(date(2026, 12, 31), 9)
    case_warnings.sweep_warnings(ctx)
    alarms = [e.payload for e in ctx.publisher.events if e.type == "alarm.raised"]
    assert alarms == [{"kind": "calendar", "subject": "2027", "message": "请加载 2027 年节假日安排"}]
    [yellow] = warnings(ctx)
    assert yellow["provisional"] and yellow["deadline"] == "2027-01-01" and yellow["signal"] == "yellow"
    clock.moment = at(date(2026, 12, 31), 17)
    case_warnings.sweep_warnings(ctx)
    assert not [e for e in ctx.publisher.events if e.type == "alarm.raised"]
