"""预警状态: a case's clock facts as of one day, and the first day its signal can change with time alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hall.domain.calendar import WorkingCalendar
from hall.domain.cases import Case, CaseStatus, current_step, step_deadline
from hall.domain.warnings import OverdueReason, Signal, WarningPolicy, evaluate_case

__all__ = ["ClockState", "clock_state", "yellow_from"]


@dataclass(frozen=True, slots=True)
class ClockState:
    """A case's deadline, yellow day, step deadline and live signal, as evaluated on one day.

    ``yellow_from`` is the first day the case shows yellow (None when time alone never turns
    it yellow: closed, waiting for materials, or an applicant's no-show that counts as on
    time). With a running special procedure every date here only moves later as days pass,
    so a stored state is a safe lower bound for deciding which cases to look at again.
    """

    deadline: date | None
    provisional: bool
    missing_years: frozenset[int]
    yellow_from: date | None
    step_deadline: date | None
    signal: Signal
    reasons: frozenset[OverdueReason]
    overdue_step: str | None
    deemed_approved: bool


def yellow_from(calendar: WorkingCalendar, deadline: date, policy: WarningPolicy) -> date:
    """The first day a case due on ``deadline`` shows yellow under ``policy``."""
    k = calendar.day_index(deadline) - policy.yellow_days_before
    return calendar.date_of_index(k) if k >= 1 else calendar.date_of_index(1)


def clock_state(
    case: Case,
    calendar: WorkingCalendar,
    today: date,
    policy: WarningPolicy = WarningPolicy(),
    *,
    today_index: int | None = None,
) -> ClockState:
    """The clock facts of one case on ``today``, by the domain's warning rules."""
    warning = evaluate_case(case, calendar, today, policy, today_index=today_index)
    deadline = warning.deadline
    provisional = deadline.provisional if deadline else False
    missing = deadline.missing_years if deadline else frozenset()
    due = deadline.date if deadline else None
    if case.status is not CaseStatus.IN_PROGRESS or deadline is None:
        return ClockState(due, provisional, missing, None, None, Signal.NORMAL, frozenset(), None, False)
    no_show_on_time = case.no_show_on is not None and case.no_show_on <= deadline.date
    first_yellow = None if no_show_on_time else yellow_from(calendar, deadline.date, policy)
    step = current_step(case)
    step_due = None
    if step is not None and not no_show_on_time:
        step_limit = step_deadline(case, step, calendar, as_of=today)
        step_due = step_limit.date if step_limit else None
    return ClockState(
        due,
        provisional,
        missing,
        first_yellow,
        step_due,
        warning.signal,
        warning.reasons,
        warning.overdue_step.value if warning.overdue_step else None,
        warning.deemed_approved,
    )
