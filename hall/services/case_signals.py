"""Keeping each case's stored clock columns and signal in step with the rules; `case.warning` on change.

The columns `deadline`, `provisional`, `yellow_from`, `step_deadline`, `signal`,
`signal_reasons` and `deemed_approved` of the `cases` table are what the wall, the console
and the warning sweep read without decoding the record. `signal` is "none", "yellow" or
"red"; `signal_reasons` holds the overdue reasons (OverdueReason values) and, for a step past
its own limit while the case is not red, one "step_overdue:<step>" entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, update

from hall.domain.calendar import WorkingCalendar
from hall.domain.warnings import WarningPolicy
from hall.store.case_codec import decode
from hall.store.models import CaseRecord

STEP_PREFIX = "step_overdue:"
_CASES = CaseRecord.__table__


def hall_zone(ctx, session) -> ZoneInfo:
    """The hall's time zone (its days are counted there)."""
    return ZoneInfo(ctx.refs.hall(session).timezone)


def hall_today(ctx, session, now: datetime | None = None) -> date:
    """The hall's local date at `now` (default: the hall's clock)."""
    return (now or ctx.clock.now()).astimezone(hall_zone(ctx, session)).date()


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a local day, as an aware datetime."""
    return datetime.combine(day, time(0), zone)


def policy_of(ctx) -> WarningPolicy:
    """The hall's warning policy (yellow margin from the settings)."""
    return WarningPolicy(ctx.settings.yellow_days_before)


def warning_payload(case_id: int, number: str, window_id: int | None, department_id: int, columns: dict) -> dict:
    """The `case.warning` event (from the stored columns): what the signal is and why, no personal data."""
    reasons = list(columns["signal_reasons"] or ())
    step = next((r[len(STEP_PREFIX):] for r in reasons if r.startswith(STEP_PREFIX)), None)
    deadline, step_deadline = columns["deadline"], columns["step_deadline"]
    return {
        "case_id": case_id, "number": number, "window_id": window_id, "department_id": department_id,
        "signal": columns["signal"], "reasons": [r for r in reasons if not r.startswith(STEP_PREFIX)],
        "step_overdue": step, "deemed_approved": columns["deemed_approved"],
        "deadline": deadline.isoformat() if deadline else None, "provisional": columns["provisional"],
        "step_deadline": step_deadline.isoformat() if step_deadline else None,
    }


def row_warning_payload(row) -> dict:
    """The `case.warning` event of a stored case row."""
    return warning_payload(row.id, row.number, row.window_id, row.department_id,
                           {name: getattr(row, name) for name in STORED})


#: Columns read for each case whose state is re-evaluated (with the record itself, last).
ROW_COLUMNS = (_CASES.c.id, _CASES.c.number, _CASES.c.window_id, _CASES.c.department_id, _CASES.c.deadline,
               _CASES.c.provisional, _CASES.c.yellow_from, _CASES.c.step_deadline, _CASES.c.signal,
               _CASES.c.signal_reasons, _CASES.c.deemed_approved, _CASES.c.record)
STORED = ("deadline", "provisional", "yellow_from", "step_deadline", "signal", "signal_reasons", "deemed_approved")
_UPDATE = (update(_CASES).where(_CASES.c.id == bindparam("_id"))
           .values({name: bindparam(name) for name in STORED}))


@dataclass
class Refresh:
    """What re-evaluating a set of cases did."""

    evaluated: int = 0
    updated: int = 0
    warnings: int = 0
    missing_years: frozenset[int] = frozenset()


def refresh(uow, rows: Iterable, calendar: WorkingCalendar, today: date, policy: WarningPolicy) -> Refresh:
    """Re-evaluate cases (rows of ROW_COLUMNS), store changed columns, record `case.warning` on signal changes.

    The columns come from `hall.services.cases.clock_columns`, the same function every change
    to a case uses, so a sweep and a change never disagree about a case.
    """
    from hall.services.cases import clock_columns  # the case services import the calendar, which imports this

    changes: list[dict] = []
    missing: set[int] = set()
    done = Refresh()
    for row in rows:
        (case_id, number, window_id, department_id, deadline, provisional, yellow, step_deadline, signal,
         reasons, deemed, record) = row
        case = decode(record)
        columns = clock_columns(case, calendar, today, policy)
        done.evaluated += 1
        if columns["provisional"]:
            missing |= calendar.missing_years(case.clock_base, columns["deadline"])
        old = (deadline, provisional, yellow, step_deadline, signal, list(reasons or ()), deemed)
        if tuple(columns[name] for name in STORED) == old:
            continue
        changes.append({"_id": case_id, **{name: columns[name] for name in STORED}})
        if (columns["signal"], columns["signal_reasons"], columns["deemed_approved"]) != old[4:]:
            uow.record("case.warning", warning_payload(case_id, number, window_id, department_id, columns))
            done.warnings += 1
    if changes:
        uow.session.execute(_UPDATE, changes)
    done.updated = len(changes)
    done.missing_years = frozenset(missing)
    return done


