"""The case clock: when counting starts, pauses, catalogue limits and the deadline laws."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    WorkingCalendar,
    arrangements_from_chinese_calendar,
)
from hall.domain.deadlines import (
    JOINT_STATUTORY_DEFAULT,
    STATUTORY_DEFAULT,
    CaseRuleError,
    ItemClass,
    Pause,
    PauseKind,
    clock_base,
    compute_deadline,
    joint_opinion_due,
    paused_working_days,
    validate_catalogue_limits,
)

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2029, 12, 31))


def hearing(start, end):
    """A hearing pause between two dates."""
    return Pause(PauseKind.HEARING, start, end, "听证")


# ----------------------------------------------------------------- catalogue
def test_statutory_defaults():
    """行政许可法: 20 working days +10; joint handling 45 +15."""
    assert (STATUTORY_DEFAULT.days, STATUTORY_DEFAULT.extension_days) == (20, 10)
    assert (JOINT_STATUTORY_DEFAULT.days, JOINT_STATUTORY_DEFAULT.extension_days) == (45, 15)


def test_promise_shorter_than_statute_is_accepted():
    """A 15-day promise under a 20-day statute is fine."""
    limits = validate_catalogue_limits(15, 20)
    assert (limits.promised_days, limits.statutory_days, limits.extension_days) == (15, 20, 10)


@pytest.mark.parametrize("promised", [20, 25])
def test_promise_not_shorter_than_statute_is_refused(promised):
    """限时办结制度 Art.5: a promise equal to or above the statute is refused."""
    with pytest.raises(CaseRuleError, match="must be shorter"):
        validate_catalogue_limits(promised, 20)


def test_licence_without_own_limit_falls_under_the_default():
    """A licence whose law names no limit is bounded by 20 working days (joint 45)."""
    assert validate_catalogue_limits(19, None).statutory_days == 20
    with pytest.raises(CaseRuleError):
        validate_catalogue_limits(20, None)
    joint = validate_catalogue_limits(44, None, joint=True)
    assert (joint.statutory_days, joint.extension_days) == (45, 15)


def test_item_without_statutory_limit_takes_a_reasonable_promise():
    """A non-licence item with no statutory limit takes the promise as given."""
    limits = validate_catalogue_limits(30, None, item_class=ItemClass.NON_LICENCE)
    assert limits.statutory_days is None


@pytest.mark.parametrize("promised, statutory", [(-1, 20), (5, 0)])
def test_nonsense_limits_are_refused(promised, statutory):
    """Negative promises and non-positive statutes are refused."""
    with pytest.raises(CaseRuleError):
        validate_catalogue_limits(promised, statutory)


# ---------------------------------------------------------------- the clock
def test_day_of_receipt_does_not_count():
    """Received Monday 3 March 2025 with 1 day: due Tuesday; with 5 days: due Monday 10th."""
    assert compute_deadline(CALENDAR, date(2025, 3, 3), 1).date == date(2025, 3, 4)
    assert compute_deadline(CALENDAR, date(2025, 3, 3), 5).date == date(2025, 3, 10)


def test_receipt_on_a_weekend_counts_from_next_working_day():
    """Received Saturday 8 March 2025 (weekend service): 1 day → Monday 10th."""
    assert compute_deadline(CALENDAR, date(2025, 3, 8), 1).date == date(2025, 3, 10)


def test_immediate_limit_is_the_same_day():
    """A zero-day limit is the day itself (即办件)."""
    assert compute_deadline(CALENDAR, date(2025, 3, 8), 0).date == date(2025, 3, 8)


def test_incomplete_materials_start_the_clock_after_completion():
    """Received 3 March, completed 6 March: the clock counts from 7 March."""
    base = clock_base(date(2025, 3, 3), materials_completed_on=date(2025, 3, 6))
    assert base == date(2025, 3, 6)
    assert compute_deadline(CALENDAR, base, 1).date == date(2025, 3, 7)
    with pytest.raises(CaseRuleError):
        clock_base(date(2025, 3, 3), materials_completed_on=date(2025, 3, 2))


def test_promised_case_across_spring_festival_2025():
    """Received Thu 23 Jan 2025, 10 days: 24, 26 (make-up), 27, then 5–7, 8 (make-up), 10, 11, 12 Feb."""
    deadline = compute_deadline(CALENDAR, date(2025, 1, 23), 10)
    assert deadline.date == date(2025, 2, 12)
    assert not deadline.provisional


def test_promised_case_across_spring_festival_2024():
    """Received Fri 2 Feb 2024, 5 days: 4 (make-up Sun), 5, 6, 7, 8 Feb → due 8 Feb."""
    assert compute_deadline(CALENDAR, date(2024, 2, 2), 5).date == date(2024, 2, 8)
    # 9 Feb (除夕) was a working day in 2024; the seventh day skips 10–17 Feb to Sunday 18th.
    assert compute_deadline(CALENDAR, date(2024, 2, 2), 6).date == date(2024, 2, 9)
    assert compute_deadline(CALENDAR, date(2024, 2, 2), 7).date == date(2024, 2, 18)


def test_promised_case_across_national_day_2025():
    """Received Thu 25 Sep 2025, 20 days: through the holiday and both make-up days."""
    deadline = compute_deadline(CALENDAR, date(2025, 9, 25), 20)
    # 26, 28, 29, 30 Sep; 9, 10, 11, 13–17, 20–24, 27, 28, 29 Oct
    assert deadline.date == date(2025, 10, 29)


def test_promised_case_across_spring_festival_2026():
    """Received Fri 13 Feb 2026, 3 days: 14 (make-up Sat), 24, 25 Feb."""
    assert compute_deadline(CALENDAR, date(2026, 2, 13), 3).date == date(2026, 2, 25)


def test_deadline_into_2027_is_provisional():
    """A December 2026 case with 20 days runs into 2027: provisional, 2027 named."""
    deadline = compute_deadline(CALENDAR, date(2026, 12, 15), 20)
    assert deadline.date.year == 2027
    assert deadline.provisional and deadline.missing_years == frozenset({2027})


def test_pause_extends_by_its_working_days():
    """A hearing Mon 10 – Fri 14 March 2025 (5 working days) moves the deadline 5 working days."""
    base = date(2025, 3, 3)
    plain = compute_deadline(CALENDAR, base, 10).date
    paused = compute_deadline(CALENDAR, base, 10, [hearing(date(2025, 3, 10), date(2025, 3, 14))])
    assert plain == date(2025, 3, 17)
    assert paused.date == date(2025, 3, 24)
    assert paused_working_days(CALENDAR, base, [hearing(date(2025, 3, 10), date(2025, 3, 14))]) == 5


def test_pause_over_a_holiday_only_counts_working_days():
    """A site check 27 Jan – 5 Feb 2025 pauses two working days (27 Jan, 5 Feb)."""
    pause = Pause(PauseKind.SITE_CHECK, date(2025, 1, 27), date(2025, 2, 5), "现场勘验")
    assert paused_working_days(CALENDAR, date(2025, 1, 20), [pause]) == 2


def test_pause_after_the_deadline_changes_nothing():
    """A pause that starts after the deadline does not move it."""
    base = date(2025, 3, 3)
    plain = compute_deadline(CALENDAR, base, 3).date
    late = compute_deadline(
        CALENDAR, base, 3, [hearing(plain + timedelta(days=1), plain + timedelta(days=9))]
    )
    assert late.date == plain


def test_running_pause_counts_through_as_of():
    """A testing pause still running on 12 March counts through that day."""
    pause = Pause(PauseKind.TESTING, date(2025, 3, 10), None, "检测")
    deadline = compute_deadline(CALENDAR, date(2025, 3, 3), 10, [pause], as_of=date(2025, 3, 12))
    assert deadline.date == date(2025, 3, 20)
    with pytest.raises(CaseRuleError, match="as-of"):
        compute_deadline(CALENDAR, date(2025, 3, 3), 10, [pause])


def test_pause_ending_before_it_starts_is_refused():
    """A pause that ends before it starts is refused with a clear message."""
    with pytest.raises(CaseRuleError, match="cannot end"):
        Pause(PauseKind.HEARING, date(2025, 3, 10), date(2025, 3, 9), "听证")


def test_pause_needs_a_reason_and_extension_an_approver():
    """Every pause has a written reason; an extension names its approver."""
    with pytest.raises(CaseRuleError, match="reason"):
        Pause(PauseKind.EXPERT_REVIEW, date(2025, 3, 10), None, " ")
    with pytest.raises(CaseRuleError, match="approval"):
        Pause(PauseKind.EXTENSION, date(2025, 3, 10), date(2025, 3, 20), "复杂")


def test_joint_opinion_due_in_five_working_days():
    """Notice on Fri 26 Sep 2025: opinions due 28, 29, 30 Sep, 9, 10 Oct → 10 Oct."""
    assert joint_opinion_due(CALENDAR, date(2025, 9, 26)).date == date(2025, 10, 10)


# -------------------------------------------------------------------- laws
pauses = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=3,
)


def to_pauses(base, spans):
    """Pauses at day offsets from base."""
    return [hearing(base + timedelta(days=a), base + timedelta(days=b)) for a, b in spans]


@given(dates, st.integers(1, 60), pauses)
def test_deadline_always_falls_on_a_working_day(base, days, spans):
    """Law: a time-limited deadline is always a working day, outside every pause."""
    deadline = compute_deadline(CALENDAR, base, days, to_pauses(base, spans)).date
    assert CALENDAR.is_working_day(deadline).working
    for a, b in spans:
        assert not base + timedelta(days=a) <= deadline <= base + timedelta(days=b)


@given(dates, st.integers(1, 60), pauses, st.integers(0, 80), st.integers(0, 30))
def test_adding_a_pause_never_makes_a_deadline_earlier(base, days, spans, start, length):
    """Law: adding a pause never makes a deadline earlier."""
    before = compute_deadline(CALENDAR, base, days, to_pauses(base, spans)).date
    after = compute_deadline(
        CALENDAR, base, days, to_pauses(base, [*spans, (start, start + length)])
    ).date
    assert after >= before


@given(dates, st.integers(1, 60), pauses)
def test_unpaused_working_days_equal_the_limit(base, days, spans):
    """Law: between the base and the deadline exactly ``days`` working days run unpaused."""
    p = to_pauses(base, spans)
    deadline = compute_deadline(CALENDAR, base, days, p).date
    total = CALENDAR.working_days_between(base, deadline).days
    inside = [x for x in p if x.start <= deadline]
    clipped = [Pause(x.kind, x.start, min(x.end, deadline), x.reason) for x in inside]
    assert total - paused_working_days(CALENDAR, base, clipped) == days


@given(dates, st.integers(1, 40), st.integers(1, 40))
def test_longer_limit_never_gives_earlier_deadline(base, a, b):
    """Law: a longer limit never gives an earlier deadline."""
    if a > b:
        a, b = b, a
    assert compute_deadline(CALENDAR, base, a).date <= compute_deadline(CALENDAR, base, b).date
