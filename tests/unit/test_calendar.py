"""The working-day calendar: holidays, make-up days, unloaded years and arithmetic laws."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    CalendarError,
    WorkingCalendar,
    YearArrangement,
    arrangements_from_chinese_calendar,
)

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
# Far enough from 2004 that going back 300 working days stays inside the calendar.
later_dates = st.dates(min_value=date(2006, 1, 1), max_value=date(2030, 12, 31))


def test_chinese_calendar_2025_spring_festival_and_national_day():
    """The seeded 2025 arrangement matches the State Council notice."""
    a = CALENDAR.arrangement(2025)
    assert a is not None
    spring = {date(2025, 1, 28) + timedelta(days=i) for i in range(8)}
    national = {date(2025, 10, 1) + timedelta(days=i) for i in range(8)}
    assert spring <= a.holidays and national <= a.holidays
    assert {date(2025, 1, 26), date(2025, 2, 8), date(2025, 9, 28), date(2025, 10, 11)} <= (
        a.makeup_workdays
    )


def test_weekends_off_weekdays_on_in_ordinary_week():
    """An ordinary week: Monday to Friday on, Saturday and Sunday off."""
    monday = date(2025, 3, 10)
    working = [CALENDAR.is_working_day(monday + timedelta(days=i)).working for i in range(7)]
    assert working == [True] * 5 + [False] * 2


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 1, 26), True),  # Sunday, make-up working day before Spring Festival
        (date(2025, 1, 28), False),  # 除夕, holiday
        (date(2025, 2, 4), False),  # last holiday
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday, make-up working day
        (date(2025, 9, 28), True),  # Sunday, make-up before National Day
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),  # Saturday, make-up after National Day
        (date(2024, 2, 4), True),  # 2024 Spring Festival make-up Sunday
        (date(2024, 2, 17), False),
        (date(2024, 2, 18), True),
        (date(2026, 2, 14), True),  # 2026 Spring Festival make-up Saturday
        (date(2026, 2, 23), False),
        (date(2026, 2, 28), True),
        (date(2026, 10, 10), True),
    ],
)
def test_holidays_and_makeup_days(day, working):
    """Holidays are off and make-up days on, whatever the weekday."""
    check = CALENDAR.is_working_day(day)
    assert check.working is working
    assert not check.provisional and check.missing_years == frozenset()


def test_check_refuses_truth_testing():
    """A working-day answer cannot be used as a bare bool: the provisional flag must be read."""
    with pytest.raises(TypeError):
        bool(CALENDAR.is_working_day(date(2025, 1, 2)))


def test_add_working_days_across_spring_festival_2025():
    """Friday 24 Jan 2025 + 3 working days: Sun 26 (make-up), Mon 27, then Wed 5 Feb."""
    assert CALENDAR.add_working_days(date(2025, 1, 24), 1).date == date(2025, 1, 26)
    assert CALENDAR.add_working_days(date(2025, 1, 24), 2).date == date(2025, 1, 27)
    assert CALENDAR.add_working_days(date(2025, 1, 24), 3).date == date(2025, 2, 5)


def test_add_working_days_across_national_day_2025():
    """Received Fri 26 Sep 2025 with 5 days: 28 (make-up), 29, 30, 9 Oct, 10 Oct."""
    result = CALENDAR.add_working_days(date(2025, 9, 26), 5)
    assert result.date == date(2025, 10, 10)
    assert not result.provisional
    assert CALENDAR.add_working_days(date(2025, 9, 26), 6).date == date(2025, 10, 11)


def test_working_days_between_national_day_2025():
    """(26 Sep, 13 Oct] 2025 holds seven working days including both make-up days."""
    assert CALENDAR.working_days_between(date(2025, 9, 26), date(2025, 10, 13)).days == 7
    assert CALENDAR.working_days_between(date(2025, 10, 13), date(2025, 9, 26)).days == -7


def test_next_working_day_skips_holiday_block():
    """The next working day after 27 Jan 2025 is 5 Feb; after Fri 7 Feb it is Sat 8 Feb."""
    assert CALENDAR.next_working_day(date(2025, 1, 27)).date == date(2025, 2, 5)
    assert CALENDAR.next_working_day(date(2025, 2, 7)).date == date(2025, 2, 8)


def test_negative_days_count_back():
    """Going back one working day from 5 Feb 2025 lands on 27 Jan."""
    assert CALENDAR.add_working_days(date(2025, 2, 5), -1).date == date(2025, 1, 27)
    assert CALENDAR.add_working_days(date(2025, 2, 1), -1).date == date(2025, 1, 27)


def test_unloaded_year_is_provisional_weekends_only():
    """2027 has no arrangement: weekends only, flagged provisional with 2027 named."""
    result = CALENDAR.add_working_days(date(2026, 12, 30), 3)
    assert result.date == date(2027, 1, 4)  # 31 Dec, 1 Jan (no holiday known!), 4 Jan
    assert result.provisional and result.missing_years == frozenset({2027})
    check = CALENDAR.is_working_day(date(2027, 10, 1))
    assert check.working and check.provisional
    count = CALENDAR.working_days_between(date(2026, 12, 1), date(2028, 1, 10))
    assert count.provisional and count.missing_years == frozenset({2027, 2028})


def test_result_within_loaded_year_is_not_provisional():
    """A computation wholly inside 2026 is firm."""
    assert not CALENDAR.add_working_days(date(2026, 3, 2), 20).provisional


def test_loading_a_year_recomputes_and_clears_provisional():
    """Loading 2027 (New Year's Day off) moves a deadline and makes it firm."""
    arrangement = YearArrangement(2027, frozenset({date(2027, 1, 1)}), frozenset())
    loaded = CALENDAR.with_year(arrangement)
    result = loaded.add_working_days(date(2026, 12, 30), 3)
    assert result.date == date(2027, 1, 5)
    assert not result.provisional
    assert 2027 in loaded.loaded_years and 2027 not in CALENDAR.loaded_years


def test_chinese_calendar_refuses_uncovered_year():
    """Seeding 2027 from the package is refused rather than returning an empty year."""
    with pytest.raises(CalendarError, match="2027"):
        arrangements_from_chinese_calendar([2026, 2027])


@pytest.mark.parametrize(
    "holidays, makeup, message",
    [
        ({date(2026, 1, 1)}, set(), "does not belong"),
        ({date(2027, 1, 2)}, {date(2027, 1, 2)}, "both"),
        (set(), {date(2027, 1, 4)}, "weekend"),
    ],
)
def test_arrangement_validation(holidays, makeup, message):
    """An admin's arrangement with misplaced dates is refused with a clear message."""
    with pytest.raises(CalendarError, match=message):
        YearArrangement(2027, frozenset(holidays), frozenset(makeup))


def test_year_given_twice_is_refused():
    """Two arrangements for one year are refused."""
    a = YearArrangement(2027, frozenset(), frozenset())
    with pytest.raises(CalendarError, match="twice"):
        WorkingCalendar([a, a])


def test_date_before_first_year_is_refused():
    """The calendar does not answer for dates before its first year."""
    with pytest.raises(CalendarError, match="before"):
        CALENDAR.is_working_day(date(2003, 12, 31))


def test_index_builds_quickly_enough_for_startup():
    """Building 2004–2026 plus growth years is a few thousand days of work; dates far ahead grow it."""
    calendar = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
    assert calendar.day_index(date(2026, 12, 31)) > 5000
    assert calendar.is_working_day(date(2060, 6, 1)).provisional


@given(dates, st.integers(min_value=1, max_value=400))
def test_add_working_days_lands_on_working_day(start, n):
    """Adding n ≥ 1 working days always lands on a working day, exactly n days later."""
    result = CALENDAR.add_working_days(start, n)
    assert CALENDAR.is_working_day(result.date).working
    assert result.date > start
    assert CALENDAR.working_days_between(start, result.date).days == n


@given(later_dates, st.integers(-300, 300), st.integers(-300, 300))
def test_add_working_days_is_monotonic_in_n(start, n, m):
    """More working days never give an earlier date."""
    if n > m:
        n, m = m, n
    assert CALENDAR.add_working_days(start, n).date <= CALENDAR.add_working_days(start, m).date


@given(dates, dates, st.integers(min_value=1, max_value=300))
def test_add_working_days_is_monotonic_in_start(a, b, n):
    """A later start never gives an earlier date."""
    if a > b:
        a, b = b, a
    assert CALENDAR.add_working_days(a, n).date <= CALENDAR.add_working_days(b, n).date


@given(dates)
def test_next_working_day_is_add_one(d):
    """The next working day is one working day later, and nothing in between is working."""
    nxt = CALENDAR.next_working_day(d).date
    assert nxt == CALENDAR.add_working_days(d, 1).date
    day = d + timedelta(days=1)
    while day < nxt:
        assert not CALENDAR.is_working_day(day).working
        day += timedelta(days=1)


@given(dates, st.integers(min_value=1, max_value=300))
def test_going_back_undoes_going_forward(d, n):
    """From a working day, n forward then n back returns to it."""
    start = CALENDAR.add_working_days(d, 1).date
    there = CALENDAR.add_working_days(start, n).date
    assert CALENDAR.add_working_days(there, -n).date == start


@given(dates, st.integers(min_value=1, max_value=60))
def test_provisional_exactly_when_an_unloaded_year_is_touched(d, n):
    """The result is provisional exactly when its span reaches a year past 2026."""
    result = CALENDAR.add_working_days(d, n)
    assert result.provisional == (result.date.year > 2026)
