"""The stored clock state: the first yellow day agrees with the live rules, and only moves later."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hall.domain.calendar import CHINESE_CALENDAR_YEARS, WorkingCalendar, arrangements_from_chinese_calendar
from hall.domain.cases import CaseType, StepAction, add_pause, open_case, record_no_show, record_step
from hall.domain.deadlines import Pause, PauseKind, validate_catalogue_limits
from hall.domain.signals import clock_state
from hall.domain.warnings import Signal, WarningPolicy

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
    state = clock_state(case, CALENDAR, today, policy)
    if today < state.yellow_from:
        assert state.signal is Signal.NORMAL
    elif today <= state.deadline:
        assert state.signal is Signal.YELLOW
    else:
        assert state.signal is Signal.RED and state.deemed_approved


def test_example_national_day_2025():
    """Received Monday 29 Sep 2025 with 3 days: due 10 Oct (after the 1–8 Oct holiday), yellow from 9 Oct."""
    state = clock_state(_case(date(2025, 9, 29), 3), CALENDAR, date(2025, 9, 29))
    assert state.deadline == date(2025, 10, 10)
    assert state.yellow_from == date(2025, 10, 9)
    assert state.signal is Signal.NORMAL and not state.provisional


def test_a_running_pause_only_moves_the_dates_later():
    """With a special procedure running, later evaluations give later (never earlier) dates."""
    case = _case(date(2025, 3, 3), 10)
    case = add_pause(case, CALENDAR, Pause(PauseKind.TESTING, date(2025, 3, 5), None, "检测"))
    first = clock_state(case, CALENDAR, date(2025, 3, 6))
    later = clock_state(case, CALENDAR, date(2025, 3, 20))
    assert later.deadline > first.deadline and later.yellow_from > first.yellow_from


def test_no_show_within_the_deadline_never_turns_yellow():
    """An applicant who failed to come on the day told: on time, nothing to watch."""
    case = record_no_show(_case(date(2025, 3, 3), 10), date(2025, 3, 10))
    state = clock_state(case, CALENDAR, date(2025, 4, 30))
    assert state.signal is Signal.NORMAL and state.yellow_from is None and state.step_deadline is None


def test_step_deadline_and_closed_cases():
    """A step with its own limit has a step deadline; a closed case has no yellow day."""
    case = record_step(_case(date(2025, 3, 3), 10), datetime(2025, 3, 3, 10), "李四", StepAction.PASS,
                       next_limit_days=2)
    assert clock_state(case, CALENDAR, date(2025, 3, 4)).step_deadline == date(2025, 3, 5)
    state = clock_state(case, CALENDAR, date(2025, 3, 7))
    assert state.overdue_step == "undertake" and state.signal is Signal.NORMAL
    while case.is_open:
        case = record_step(case, datetime(2025, 3, 7, 10), "李四", StepAction.PASS, opinion="同意")
    closed = clock_state(case, CALENDAR, date(2025, 3, 20))
    assert closed.yellow_from is None and closed.signal is Signal.NORMAL and closed.deadline == date(2025, 3, 17)
