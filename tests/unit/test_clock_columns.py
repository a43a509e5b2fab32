"""The stored clock columns: the first yellow day agrees with the live rules, so sweeps may trust it."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hall.domain.calendar import CHINESE_CALENDAR_YEARS, WorkingCalendar, arrangements_from_chinese_calendar
from hall.domain.cases import CaseType, StepAction, add_pause, open_case, record_step
from hall.domain.deadlines import Pause, PauseKind, validate_catalogue_limits
from hall.domain.warnings import WarningPolicy
from hall.services.cases import clock_columns

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))


def _case(received: date, days: int, case_type=CaseType.PROMISED):
    return open_case("C1", case_type, "民政局", datetime.combine(received, datetime.min.time()).replace(hour=9),
                     validate_catalogue_limits(days, days + 10), "张三")


@settings(max_examples=200, deadline=None)
@given(received=st.dates(date(2024, 1, 1), date(2026, 6, 30)), days=st.integers(1, 30),
       offset=st.integers(0, 80), margin=st.integers(0, 3))
def test_yellow_from_is_exactly_where_the_live_signal_turns(received, days, offset, margin):
    """Before yellow_from the case is normal; from it through the deadline yellow; after it red."""
    policy = WarningPolicy(margin)
    case = _case(received, days)
    today = received + timedelta(days=offset)
    columns = clock_columns(case, CALENDAR, today, policy)
    if today < columns["yellow_from"]:
        assert columns["signal"] == "none"
    elif today <= columns["deadline"]:
        assert columns["signal"] == "yellow"
    else:
        assert columns["signal"] == "red" and columns["deemed_approved"]


def test_example_national_day_2025():
    """Received Monday 29 Sep 2025 with 3 days: due 10 Oct (after the 1–8 Oct holiday), yellow from 9 Oct."""
    columns = clock_columns(_case(date(2025, 9, 29), 3), CALENDAR, date(2025, 9, 29))
    assert columns["deadline"] == date(2025, 10, 10) and columns["yellow_from"] == date(2025, 10, 9)
    assert columns["signal"] == "none" and not columns["provisional"]


def test_a_running_pause_moves_the_deadline_later_and_takes_the_case_off_the_sweep():
    """While a special procedure runs the deadline moves every day; the case is shown as paused."""
    case = add_pause(_case(date(2025, 3, 3), 10), CALENDAR, Pause(PauseKind.TESTING, date(2025, 3, 5), None, "检测"))
    first = clock_columns(case, CALENDAR, date(2025, 3, 6))
    later = clock_columns(case, CALENDAR, date(2025, 3, 20))
    assert later["deadline"] > first["deadline"] and later["status"] == "paused" and later["yellow_from"] is None


def test_step_deadline_and_closed_cases():
    """A step with its own limit has a step deadline; a closed case has no yellow day."""
    case = record_step(_case(date(2025, 3, 3), 10), datetime(2025, 3, 3, 10), "李四", StepAction.PASS,
                       next_limit_days=2)
    assert clock_columns(case, CALENDAR, date(2025, 3, 4))["step_deadline"] == date(2025, 3, 5)
    late = clock_columns(case, CALENDAR, date(2025, 3, 7))
    assert late["signal_reasons"] == ["step_overdue:undertake"] and late["signal"] == "none"
    while case.is_open:
        case = record_step(case, datetime(2025, 3, 7, 10), "李四", StepAction.PASS, opinion="同意")
    closed = clock_columns(case, CALENDAR, date(2025, 3, 20))
    assert closed["yellow_from"] is None and closed["signal"] == "none" and closed["deadline"] == date(2025, 3, 17)
