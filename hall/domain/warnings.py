"""预警: yellow and red case warnings, overdue reasons, 超时默认 and the on-time completion rate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction

from hall.domain.calendar import WorkingCalendar
from hall.domain.cases import Case, CaseStatus, CaseType, ClosingCode, StepName, current_step
from hall.domain.deadlines import CaseRuleError, Deadline, compute_deadline, deadline_index

__all__ = [
    "Signal",
    "OverdueReason",
    "WarningPolicy",
    "CaseWarning",
    "SweepResult",
    "evaluate_case",
    "sweep",
    "overdue_reasons",
    "is_on_time",
    "CaseOutcome",
    "case_outcome",
    "CompletionRate",
    "completion_rate",
    "format_rate",
    "EXCELLENT_RATE",
]


class Signal(Enum):
    """预警信号: the colour a case shows on the wall and the console."""

    NORMAL = "normal"  # 正常
    YELLOW = "yellow"  # 黄牌: the deadline is near
    RED = "red"  # 红牌: overdue


class OverdueReason(Enum):
    """逾时情形: why a case counts as overdue (限时办结制度 Art.11)."""

    PROMISE_PASSED = "promise_passed"  # 超过承诺时限未办结
    REFUSED_WITHOUT_REASON = "refused_without_reason"  # 无正当理由不予受理 (overturned on review)
    NO_REPLY = "no_reply"  # 不按规定给申请人答复 (the reply came after the limit)
    LATE_EXTENSION_REQUEST = "late_extension_request"  # 超过承诺时限才提出延期申请
    RESULT_NOT_DELIVERED = "result_not_delivered"  # 在承诺时限内不将办理结果交付申请人


@dataclass(frozen=True, slots=True)
class WarningPolicy:
    """预警规则: how many working days before the deadline a case turns yellow."""

    yellow_days_before: int = 1

    def __post_init__(self) -> None:
        """Refuse a negative yellow margin."""
        if self.yellow_days_before < 0:
            raise CaseRuleError("the yellow margin cannot be negative")


@dataclass(frozen=True, slots=True)
class CaseWarning:
    """办件预警: one case's signal, deadline, overdue reasons, late step and 超时默认 flag."""

    number: str
    signal: Signal
    deadline: Deadline | None
    reasons: frozenset[OverdueReason] = frozenset()
    overdue_step: StepName | None = None
    step_deadline: date | None = None
    deemed_approved: bool = False

    @property
    def provisional(self) -> bool:
        """Whether the deadline relied on a year with no arrangement loaded."""
        return self.deadline is not None and self.deadline.provisional


@dataclass(frozen=True, slots=True)
class SweepResult:
    """预警巡检结果: the warnings to raise and the years the admin must load."""

    warnings: tuple[CaseWarning, ...]
    missing_years: frozenset[int]


# Types whose promise, once passed, means the applicant holds the approval (超时默认).
_DEEMED_APPROVAL_TYPES = frozenset({CaseType.PROMISED, CaseType.JOINT, CaseType.SPECIAL})
_NO_REASONS: frozenset[OverdueReason] = frozenset()


def _deadline(case: Case, calendar: WorkingCalendar, as_of: date) -> Deadline:
    """The case's deadline with any running pause counted through ``as_of``."""
    assert case.clock_base is not None
    days = case.deadline_days
    if days == 0:
        return compute_deadline(calendar, case.clock_base, 0)
    k = deadline_index(calendar, case.clock_base, days, case.pauses, as_of=as_of)
    d = calendar.date_of_index(k)
    missing = calendar.missing_years(case.clock_base, d)
    return Deadline(d, bool(missing), missing)


def evaluate_case(
    case: Case,
    calendar: WorkingCalendar,
    today: date,
    policy: WarningPolicy = WarningPolicy(),
    *,
    today_index: int | None = None,
) -> CaseWarning:
    """The live signal of one case on ``today``.

    Red when an open case is past its deadline; yellow from ``yellow_days_before``
    working days before it through the deadline day; a step past its own limit is
    reported while the case itself is not red. A case whose applicant failed to come on
    a day told within the deadline counts as on time and raises nothing.
    """
    if case.status is not CaseStatus.IN_PROGRESS:
        deadline = None if case.clock_base is None else _deadline(case, calendar, today)
        return CaseWarning(case.number, Signal.NORMAL, deadline)
    deadline = _deadline(case, calendar, today)
    if case.no_show_on is not None and case.no_show_on <= deadline.date:
        return CaseWarning(case.number, Signal.NORMAL, deadline)
    if today > deadline.date:
        reasons = {
            OverdueReason.RESULT_NOT_DELIVERED
            if case.decided_on is not None and case.decided_on <= deadline.date
            else OverdueReason.PROMISE_PASSED
        }
        if case.late_extension_requests:
            reasons.add(OverdueReason.LATE_EXTENSION_REQUEST)
        deemed = (
            OverdueReason.PROMISE_PASSED in reasons
            and not case.security_sensitive
            and case.case_type in _DEEMED_APPROVAL_TYPES
        )
        return CaseWarning(
            case.number, Signal.RED, deadline, frozenset(reasons), None, None, deemed
        )
    if today_index is None:
        today_index = calendar.day_index(today)
    remaining = calendar.day_index(deadline.date) - today_index
    signal = Signal.YELLOW if remaining <= policy.yellow_days_before else Signal.NORMAL
    step = current_step(case)
    if step is not None and step.limit_days is not None:
        due = calendar.date_of_index(
            deadline_index(
                calendar, step.started_at.date(), step.limit_days, case.pauses, as_of=today
            )
        )
        if today > due:
            return CaseWarning(case.number, signal, deadline, _NO_REASONS, step.name, due)
    return CaseWarning(case.number, signal, deadline)


def sweep(
    cases: Iterable[Case],
    calendar: WorkingCalendar,
    today: date,
    policy: WarningPolicy = WarningPolicy(),
) -> SweepResult:
    """预警巡检: evaluate open cases; return those not normal and the unloaded years they touch."""
    today_index = calendar.day_index(today)
    raised = []
    missing: set[int] = set()
    for case in cases:
        if case.status is not CaseStatus.IN_PROGRESS:
            continue
        warning = evaluate_case(case, calendar, today, policy, today_index=today_index)
        if warning.deadline is not None and warning.deadline.missing_years:
            missing |= warning.deadline.missing_years
        if warning.signal is not Signal.NORMAL or warning.overdue_step is not None:
            raised.append(warning)
    return SweepResult(tuple(raised), frozenset(missing))


def overdue_reasons(case: Case, calendar: WorkingCalendar, as_of: date) -> frozenset[OverdueReason]:
    """逾时情形: why a case, open or closed, counts as overdue as of ``as_of`` (empty if on time)."""
    if case.clock_base is None:
        return _NO_REASONS
    if case.status is CaseStatus.IN_PROGRESS:
        return evaluate_case(case, calendar, as_of).reasons
    closing = case.closing
    assert closing is not None
    reasons: set[OverdueReason] = set()
    if case.late_extension_requests:
        reasons.add(OverdueReason.LATE_EXTENSION_REQUEST)
    if case.return_review is not None and not case.return_review.upheld:
        reasons.add(OverdueReason.REFUSED_WITHOUT_REASON)
    if closing.code is ClosingCode.VOID:
        return frozenset(reasons)
    deadline = compute_deadline(
        calendar, case.clock_base, case.deadline_days, case.pauses, as_of=closing.at.date()
    ).date
    deemed_on_time = case.no_show_on is not None and case.no_show_on <= deadline
    closed_on = closing.at.date()
    if closed_on > deadline and not deemed_on_time:
        if closing.code is ClosingCode.RETURNED:
            reasons.add(OverdueReason.NO_REPLY)
        elif case.decided_on is not None and case.decided_on <= deadline:
            reasons.add(OverdueReason.RESULT_NOT_DELIVERED)
        else:
            reasons.add(OverdueReason.PROMISE_PASSED)
    return frozenset(reasons)


def is_on_time(case: Case, calendar: WorkingCalendar, as_of: date) -> bool:
    """按期办结: whether a case has no overdue reason as of ``as_of``."""
    return not overdue_reasons(case, calendar, as_of)


# ------------------------------------------------------------- completion rate
#: 办结率 at or above 95% is rated excellent (优秀) in seed 001's assessment.
EXCELLENT_RATE = Fraction(95, 100)


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """One case as the completion rate counts it: immediate or time-limited, on time or not."""

    immediate: bool
    on_time: bool


def case_outcome(case: Case, calendar: WorkingCalendar, as_of: date) -> CaseOutcome | None:
    """How a case counts in the completion rate, or None if it does not count yet or at all.

    Void cases, cases never accepted (still waiting for materials, or closed for missing
    materials) and open cases not yet past their deadline are left out; an open case past
    its deadline counts as not finished on time.
    """
    if case.clock_base is None or (case.closing and case.closing.code is ClosingCode.VOID):
        return None
    immediate = case.deadline_days == 0
    if case.status is CaseStatus.IN_PROGRESS:
        deadline = _deadline(case, calendar, as_of).date
        if case.no_show_on is not None and case.no_show_on <= min(deadline, as_of):
            return CaseOutcome(immediate, True)
        return CaseOutcome(immediate, False) if as_of > deadline else None
    return CaseOutcome(immediate, is_on_time(case, calendar, as_of))


@dataclass(frozen=True, slots=True)
class CompletionRate:
    """办结率: immediate cases finished and time-limited cases finished on time (seed 001)."""

    immediate_total: int
    immediate_on_time: int
    limited_total: int
    limited_on_time: int

    @property
    def immediate_rate(self) -> Fraction | None:
        """即办件办结率, or None with no immediate cases."""
        return _ratio(self.immediate_on_time, self.immediate_total)

    @property
    def limited_rate(self) -> Fraction | None:
        """限时办结率: time-limited cases finished on time, or None with none."""
        return _ratio(self.limited_on_time, self.limited_total)

    @property
    def overall_rate(self) -> Fraction | None:
        """项目审批办结率: all cases finished on time, or None with no cases."""
        return _ratio(
            self.immediate_on_time + self.limited_on_time,
            self.immediate_total + self.limited_total,
        )

    @property
    def excellent(self) -> bool:
        """优秀: the overall rate reaches 95%."""
        rate = self.overall_rate
        return rate is not None and rate >= EXCELLENT_RATE


def _ratio(part: int, whole: int) -> Fraction | None:
    """part/whole as an exact fraction, None when there is nothing to count."""
    return Fraction(part, whole) if whole else None


def completion_rate(outcomes: Iterable[CaseOutcome | None]) -> CompletionRate:
    """办结率: count outcomes (None entries are skipped) as seed 001 does."""
    it = iot = lt = lot = 0
    for outcome in outcomes:
        if outcome is None:
            continue
        if outcome.immediate:
            it += 1
            iot += outcome.on_time
        else:
            lt += 1
            lot += outcome.on_time
    return CompletionRate(it, iot, lt, lot)


def format_rate(rate: Fraction | None) -> str:
    """A rate as a percentage with one decimal, rounded DOWN so 25575/25584 reads 99.9%, not 100.0%."""
    if rate is None:
        return "—"
    tenths = (rate * 1000).numerator // (rate * 1000).denominator
    return f"{tenths // 10}.{tenths % 10}%"
