"""工作日: the hall's working-day calendar, with official holidays and make-up working days."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from hall.domain.refusal import Refusal

__all__ = [
    "CalendarError",
    "CalendarDay",
    "WorkingDayCheck",
    "WorkingDayCount",
    "YearArrangement",
    "WorkingCalendar",
    "arrangements_from_chinese_calendar",
    "CHINESE_CALENDAR_YEARS",
]

#: Years the chinese_calendar package (1.11.0) carries official arrangements for.
CHINESE_CALENDAR_YEARS = range(2004, 2027)

# Years beyond the last loaded one are indexed this far ahead whenever the index grows.
_GROWTH_YEARS = 5


class CalendarError(Refusal, ValueError):
    """A calendar request or arrangement the hall's rules refuse (template and values, see Refusal)."""


@dataclass(frozen=True, slots=True)
class YearArrangement:
    """放假调休安排: one year's official holidays and make-up working days (调休上班)."""

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def __post_init__(self) -> None:
        """Refuse dates outside the year, days both off and on, and make-up days on weekdays."""
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))
        for d in self.holidays | self.makeup_workdays:
            if d.year != self.year:
                raise CalendarError(
                    "%(day)s does not belong to the %(year)s arrangement", day=d.isoformat(), year=self.year
                )
        both = self.holidays & self.makeup_workdays
        if both:
            days = ", ".join(sorted(d.isoformat() for d in both))
            raise CalendarError("%(days)s cannot be both a holiday and a make-up working day", days=days)
        weekdays = [d for d in self.makeup_workdays if d.weekday() < 5]
        if weekdays:
            days = ", ".join(sorted(d.isoformat() for d in weekdays))
            raise CalendarError(
                "make-up working days must fall on a weekend; %(days)s is already a working weekday", days=days
            )


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A date computed by the calendar; provisional if it relied on a year with no arrangement."""

    date: date
    provisional: bool
    missing_years: frozenset[int]


@dataclass(frozen=True, slots=True)
class WorkingDayCheck:
    """Whether one date is a working day (工作日); provisional if its year is not loaded."""

    date: date
    working: bool
    provisional: bool
    missing_years: frozenset[int]

    def __bool__(self) -> bool:
        """Refuse truth-testing: read `.working` and look at `.provisional` too."""
        raise TypeError("read WorkingDayCheck.working (and .provisional) instead of truth-testing")


@dataclass(frozen=True, slots=True)
class WorkingDayCount:
    """A number of working days between two dates; provisional if it spans an unloaded year."""

    days: int
    provisional: bool
    missing_years: frozenset[int]


_NO_YEARS: frozenset[int] = frozenset()


class WorkingCalendar:
    """工作日历: weekends and holidays off, make-up days on, indexed for O(1) date arithmetic.

    Years with no arrangement loaded are computed on weekends alone; every answer that
    touched such a year names it in ``missing_years`` and is ``provisional``. The index
    starts on 1 January of ``first_year`` (default: the first loaded year) and grows
    forward on demand, so working-day indices stay stable for the calendar's lifetime.
    """

    def __init__(
        self,
        arrangements: Iterable[YearArrangement] = (),
        *,
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> None:
        """Index the given year arrangements; a year may be given only once."""
        by_year: dict[int, YearArrangement] = {}
        for arrangement in arrangements:
            if arrangement.year in by_year:
                raise CalendarError("the arrangement for %(year)s was given twice", year=arrangement.year)
            by_year[arrangement.year] = arrangement
        self._arrangements = by_year
        loaded = sorted(by_year)
        if first_year is None:
            if not loaded:
                raise CalendarError("a calendar with no arrangement loaded needs its first_year")
            first_year = loaded[0]
        if loaded and loaded[0] < first_year:
            raise CalendarError("first_year %(first_year)s is after the loaded year %(loaded)s",
                                first_year=first_year, loaded=loaded[0])
        top = max([first_year, *loaded]) + _GROWTH_YEARS
        if last_year is not None:
            top = max(top, last_year)
        self._first_year = first_year
        self._epoch = date(first_year, 1, 1).toordinal()
        self._lock = threading.Lock()
        # _working[i]: 1 if epoch+i is a working day; _cum[i]: working days in [epoch, epoch+i).
        # _work_offsets[k]: offset of the (k+1)-th working day. _span: days indexed.
        self._working = bytearray()
        self._cum: list[int] = [0]
        self._work_offsets: list[int] = []
        self._span = 0
        self._last_year = first_year - 1
        self._grow_to(top)

    # ----------------------------------------------------------------- loading
    @property
    def loaded_years(self) -> frozenset[int]:
        """Years whose official arrangement is loaded."""
        return frozenset(self._arrangements)

    @property
    def first_year(self) -> int:
        """The first year the calendar can answer for."""
        return self._first_year

    def arrangement(self, year: int) -> YearArrangement | None:
        """The loaded arrangement of a year, or None."""
        return self._arrangements.get(year)

    def with_year(self, arrangement: YearArrangement) -> WorkingCalendar:
        """A new calendar with this year's arrangement loaded (replacing any earlier one)."""
        others = [a for y, a in self._arrangements.items() if y != arrangement.year]
        return WorkingCalendar(
            [*others, arrangement],
            first_year=min(self._first_year, arrangement.year),
            last_year=self._last_year,
        )

    def missing_years(self, first: date, last: date) -> frozenset[int]:
        """Years touched by the dates from first to last (either order) with no arrangement."""
        y1, y2 = (first.year, last.year) if first <= last else (last.year, first.year)
        arrangements = self._arrangements
        if y1 == y2:
            return _NO_YEARS if y1 in arrangements else frozenset((y1,))
        return frozenset(y for y in range(y1, y2 + 1) if y not in arrangements)

    # ------------------------------------------------------------------ index
    def _grow_to(self, year: int) -> None:
        """Extend the index through 31 December of ``year``."""
        with self._lock:
            if year <= self._last_year:
                return
            working, cum, offsets = self._working, self._cum, self._work_offsets
            offset = self._span
            count = cum[-1]
            for y in range(self._last_year + 1, year + 1):
                arrangement = self._arrangements.get(y)
                holidays = arrangement.holidays if arrangement else frozenset()
                makeup = arrangement.makeup_workdays if arrangement else frozenset()
                d = date(y, 1, 1)
                one = timedelta(days=1)
                while d.year == y:
                    on = d in makeup or (d.weekday() < 5 and d not in holidays)
                    working.append(1 if on else 0)
                    if on:
                        offsets.append(offset)
                        count += 1
                    cum.append(count)
                    offset += 1
                    d += one
            self._last_year = year
            self._span = offset

    def _offset(self, d: date) -> int:
        """Offset of a date from the epoch, growing the index when needed."""
        off = d.toordinal() - self._epoch
        if off < 0:
            raise CalendarError(
                "%(day)s is before the calendar's first year %(first_year)s",
                day=d.isoformat(), first_year=self._first_year
            )
        if off >= self._span:
            self._grow_to(d.year + _GROWTH_YEARS)
        return off

    def day_index(self, d: date) -> int:
        """Working days from the calendar's first day up to and including ``d`` (fast path)."""
        return self._cum[self._offset(d) + 1]

    def day_index_before(self, d: date) -> int:
        """Working days from the calendar's first day strictly before ``d`` (fast path)."""
        return self._cum[self._offset(d)]

    def date_of_index(self, k: int) -> date:
        """The k-th working day (1-based) counted from the calendar's first day (fast path)."""
        if k < 1:
            raise CalendarError("no working day %(count)s before the calendar's first year", count=k)
        while k > len(self._work_offsets):
            self._grow_to(self._last_year + _GROWTH_YEARS)
        return date.fromordinal(self._epoch + self._work_offsets[k - 1])

    def is_working(self, d: date) -> bool:
        """Whether ``d`` is a working day, without the provisional flag (fast path)."""
        return self._working[self._offset(d)] == 1

    # ------------------------------------------------------------- public API
    def is_working_day(self, d: date) -> WorkingDayCheck:
        """是否工作日: whether ``d`` is a working day."""
        missing = self.missing_years(d, d)
        return WorkingDayCheck(d, self.is_working(d), bool(missing), missing)

    def next_working_day(self, d: date) -> CalendarDay:
        """The first working day strictly after ``d``."""
        result = self.date_of_index(self.day_index(d) + 1)
        missing = self.missing_years(d, result)
        return CalendarDay(result, bool(missing), missing)

    def add_working_days(self, start: date, n: int) -> CalendarDay:
        """The n-th working day after ``start`` (start itself not counted; negative n goes back).

        ``n == 0`` returns ``start`` unchanged, even on a day off.
        """
        if n == 0:
            result = start
        elif n > 0:
            result = self.date_of_index(self.day_index(start) + n)
        else:
            result = self.date_of_index(self.day_index_before(start) + n + 1)
        missing = self.missing_years(start, result)
        return CalendarDay(result, bool(missing), missing)

    def working_days_between(self, a: date, b: date) -> WorkingDayCount:
        """Working days in (a, b]: a not counted, b counted; negative when b is before a."""
        days = self.day_index(b) - self.day_index(a)
        missing = self.missing_years(a, b)
        return WorkingDayCount(days, bool(missing), missing)


def arrangements_from_chinese_calendar(years: Iterable[int]) -> list[YearArrangement]:
    """Official arrangements for the given years, read from the chinese_calendar package.

    The package covers 2004–2026 only; any other year is refused rather than returned
    empty, because an empty arrangement would silently hide a year's holidays.
    """
    from chinese_calendar import constants  # pure data, imported only when seeding

    wanted = sorted(set(years))
    outside = [y for y in wanted if y not in CHINESE_CALENDAR_YEARS]
    if outside:
        listed = ", ".join(str(y) for y in outside)
        raise CalendarError(
            "chinese_calendar has no official arrangement for %(listed)s; "
            "load those years from the State Council notice", listed=listed
        )
    holidays: dict[int, set[date]] = {y: set() for y in wanted}
    makeup: dict[int, set[date]] = {y: set() for y in wanted}
    for d in constants.holidays:
        if d.year in holidays:
            holidays[d.year].add(d)
    for d in constants.workdays:
        if d.year in makeup:
            makeup[d.year].add(d)
    return [YearArrangement(y, frozenset(holidays[y]), frozenset(makeup[y])) for y in wanted]
