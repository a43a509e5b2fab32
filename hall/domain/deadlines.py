"""限时办结: the case clock — when counting starts, what pauses it, and the deadline it gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from hall.domain.calendar import WorkingCalendar
from hall.domain.refusal import Refusal

__all__ = [
    "CaseRuleError",
    "ItemClass",
    "StatutoryLimit",
    "STATUTORY_DEFAULT",
    "JOINT_STATUTORY_DEFAULT",
    "JOINT_OPINION_DAYS",
    "TimeLimits",
    "validate_catalogue_limits",
    "PauseKind",
    "Pause",
    "Deadline",
    "clock_base",
    "compute_deadline",
    "deadline_index",
    "paused_working_days",
    "joint_opinion_due",
]


class CaseRuleError(Refusal, ValueError):
    """A case, clock or catalogue change the hall's rules refuse; the message (template and values) says why."""


# ---------------------------------------------------------------- catalogue limits
class ItemClass(Enum):
    """事项类别: the three classes of service item in the catalogue."""

    LICENCE = "licence"  # 行政许可
    NON_LICENCE = "non_licence"  # 非行政许可
    SUPERVISION = "supervision"  # 监管事项


@dataclass(frozen=True, slots=True)
class StatutoryLimit:
    """法定时限: a statutory limit in working days and the extension allowed with approval."""

    days: int
    extension_days: int


#: 行政许可法 Art.42: 20 working days, +10 with the approval of the agency's head.
STATUTORY_DEFAULT = StatutoryLimit(20, 10)
#: 行政许可法 Art.42: joint or centralised handling, 45 working days, +15 with approval.
JOINT_STATUTORY_DEFAULT = StatutoryLimit(45, 15)
#: 办件管理办法 三(三)4: co-departments return written opinions within 5 working days.
JOINT_OPINION_DAYS = 5


@dataclass(frozen=True, slots=True)
class TimeLimits:
    """承诺时限与法定时限: a catalogue entry's promised limit and the statutory one above it."""

    promised_days: int
    statutory_days: int | None
    extension_days: int


def validate_catalogue_limits(
    promised_days: int,
    statutory_days: int | None,
    *,
    item_class: ItemClass = ItemClass.LICENCE,
    joint: bool = False,
) -> TimeLimits:
    """Check a catalogue entry's limits (限时办结制度 Art.5) and return them resolved.

    The promised limit must be SHORTER than the statutory one. A licence whose own law
    names no limit falls under 行政许可法's default (20 working days, joint 45); other
    items with no statutory limit take any reasonable promise.
    """
    if promised_days < 0:
        raise CaseRuleError("a promised limit cannot be negative (%(promised_days)s)", promised_days=promised_days)
    default = JOINT_STATUTORY_DEFAULT if joint else STATUTORY_DEFAULT
    if statutory_days is None and item_class is ItemClass.LICENCE:
        statutory_days = default.days
    if statutory_days is not None:
        if statutory_days <= 0:
            raise CaseRuleError("a statutory limit must be positive (%(statutory_days)s)",
                                statutory_days=statutory_days)
        if promised_days >= statutory_days:
            raise CaseRuleError(
                "the promised limit (%(promised_days)s working days) must be shorter than the "
                "statutory limit (%(statutory_days)s working days) (限时办结制度 第五条)",
                promised_days=promised_days, statutory_days=statutory_days,
            )
    return TimeLimits(promised_days, statutory_days, default.extension_days)


# --------------------------------------------------------------------------- pauses
class PauseKind(Enum):
    """特别程序: a special procedure whose time does not count toward the limit."""

    HEARING = "hearing"  # 听证
    SITE_CHECK = "site_check"  # 现场勘验
    TESTING = "testing"  # 检验、检测、检疫
    EXPERT_REVIEW = "expert_review"  # 专家评审、鉴定
    EXTENSION = "extension"  # 延期 (approved)


@dataclass(frozen=True, slots=True)
class Pause:
    """暂停计时: a special procedure with start, end (None while running) and reason."""

    kind: PauseKind
    start: date
    end: date | None
    reason: str
    approved_by: str = ""

    def __post_init__(self) -> None:
        """Refuse a pause that ends before it starts, has no reason, or an unapproved extension."""
        if self.end is not None and self.end < self.start:
            raise CaseRuleError(
                "a pause cannot end (%(end)s) before it starts "
                "(%(start)s)", end=self.end.isoformat(), start=self.start.isoformat(),
            )
        if not self.reason.strip():
            raise CaseRuleError("a pause needs a written reason")
        if self.kind is PauseKind.EXTENSION and not self.approved_by.strip():
            raise CaseRuleError("an extension needs the approval of a named approver")

    def until(self, as_of: date | None) -> date:
        """The last paused day: the end, or ``as_of`` while the procedure is still running."""
        if self.end is not None:
            return self.end
        if as_of is None:
            raise CaseRuleError("a running pause needs an as-of date to compute the deadline")
        return max(as_of, self.start)


# ------------------------------------------------------------------------- deadline
@dataclass(frozen=True, slots=True)
class Deadline:
    """办结期限: the last day to finish; provisional if it relied on an unloaded year."""

    date: date
    provisional: bool
    missing_years: frozenset[int]


def clock_base(received_on: date, materials_completed_on: date | None = None) -> date:
    """The day after which the clock counts (限时办结制度 Art.8).

    The day of receipt is not counted; with incomplete materials the clock counts from
    the day after they are completed. A hand-over's stage counts from the day after the
    hand-over is registered: pass that day as ``received_on``.
    """
    if materials_completed_on is None:
        return received_on
    if materials_completed_on < received_on:
        raise CaseRuleError("materials cannot be completed before the application was received")
    return materials_completed_on


def _pause_ranges(
    calendar: WorkingCalendar, base_index: int, pauses: Iterable[Pause], as_of: date | None
) -> list[tuple[int, int]]:
    """Working-day index ranges the pauses cover after the clock base, sorted and merged."""
    ranges = []
    for pause in pauses:
        first = calendar.day_index_before(pause.start) + 1
        last = calendar.day_index(pause.until(as_of))
        first = max(first, base_index + 1)
        if last >= first:
            ranges.append((first, last))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def deadline_index(
    calendar: WorkingCalendar,
    base: date,
    days: int,
    pauses: Iterable[Pause] = (),
    *,
    as_of: date | None = None,
) -> int:
    """The deadline as a working-day index of ``calendar`` (fast path; ``days`` ≥ 1)."""
    if days < 1:
        raise CaseRuleError("a time-limited clock needs at least one working day (%(days)s)", days=days)
    base_index = calendar.day_index(base)
    target = base_index + days
    for first, last in _pause_ranges(calendar, base_index, pauses, as_of):
        if first > target:
            break
        target += last - first + 1
    return target


def compute_deadline(
    calendar: WorkingCalendar,
    base: date,
    days: int,
    pauses: Iterable[Pause] = (),
    *,
    as_of: date | None = None,
) -> Deadline:
    """办结期限: the ``days``-th unpaused working day after ``base``.

    ``days == 0`` is the same-day limit of an immediate case: the deadline is ``base``.
    Paused working days (special procedures) push the deadline later; a running pause
    counts through ``as_of``. Provisional when the span touches a year with no arrangement.
    """
    pauses = tuple(pauses)
    if days == 0:
        result = base
    else:
        result = calendar.date_of_index(deadline_index(calendar, base, days, pauses, as_of=as_of))
    latest = max([result, *(p.until(as_of) for p in pauses)])
    missing = calendar.missing_years(base, latest)
    return Deadline(result, bool(missing), missing)


def paused_working_days(
    calendar: WorkingCalendar, base: date, pauses: Iterable[Pause], *, as_of: date | None = None
) -> int:
    """Working days after ``base`` during which the clock stood still."""
    ranges = _pause_ranges(calendar, calendar.day_index(base), pauses, as_of)
    return sum(last - first + 1 for first, last in ranges)


def joint_opinion_due(calendar: WorkingCalendar, notified_on: date) -> Deadline:
    """联办件: the day a co-department's written opinion is due (5 working days after notice)."""
    return compute_deadline(calendar, notified_on, JOINT_OPINION_DAYS)
