"""预警巡检: the periodic sweep that turns open cases yellow and red on time and says so with `case.warning`.

Why a SQL pre-filter rather than decoding every open case: decoding and evaluating all
100,000 open cases costs over a second on this machine (bench/cases.py prints the figure)
and would block the server's event loop that long every round, although on a given day
only the few cases whose stored dates say so can change. The stored `yellow_from`,
`deadline` and `step_deadline` were computed by the same rules (hall.domain.signals) and
are lower bounds — a running special procedure only moves them later — so a case whose
stored dates are all still ahead of today cannot have changed colour, and only the others
are decoded and evaluated. A round with nothing due reads one indexed query and nothing else.
"""

from __future__ import annotations

from sqlalchemy import and_, literal_column, or_, select

from hall.services.actors import SYSTEM, Actor
from hall.services.calendar import current_calendar, raise_calendar_alarms
from hall.services.case_signals import ROW_COLUMNS, STEP_PREFIX, Refresh, hall_today, policy_of, refresh
from hall.services.context import HallContext
from hall.store.models import CaseRecord

_C = CaseRecord.__table__.c
_IN_PROGRESS = _C.status == literal_column("'in_progress'")
_NONE, _YELLOW, _RED = literal_column("'none'"), literal_column("'yellow'"), literal_column("'red'")


def due_for_review(today):
    """Open cases whose signal may have changed by `today`, judged from their stored columns alone."""
    return and_(_IN_PROGRESS, or_(
        and_(_C.signal == _NONE, _C.yellow_from <= today),  # turning yellow (or straight to red)
        and_(_C.signal != _RED, _C.deadline < today),  # turning red
        and_(_C.signal != _RED, _C.step_deadline < today),  # a step past its own limit
    ))


def _step_already_flagged(row, today) -> bool:
    """A row matched only because its late step was flagged on an earlier round: nothing new."""
    yellow, deadline, signal, reasons = row.yellow_from, row.deadline, row.signal, row.signal_reasons or ()
    if (signal == "none" and yellow is not None and yellow <= today) or (deadline is not None and deadline < today):
        return False
    return any(r.startswith(STEP_PREFIX) for r in reasons)


def sweep_warnings(ctx: HallContext, actor: Actor = SYSTEM) -> Refresh:
    """One sweep: re-evaluate the cases due for review with the hall's clock; store and announce changes."""
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        today = hall_today(ctx, s, uow.now)
        query = select(*ROW_COLUMNS).where(due_for_review(today)).order_by(_C.id)
        if ctx.postgres:  # a case being changed right now is left to that change, and to the next round
            query = query.with_for_update(skip_locked=True)
        rows = [row for row in s.execute(query) if not _step_already_flagged(row, today)]
        if not rows:
            return Refresh()
        done = refresh(uow, rows, current_calendar(s), today, policy_of(ctx))
        raise_calendar_alarms(uow, done.missing_years, today)
        uow.commit()
        return done


def run(ctx: HallContext, actor: Actor = SYSTEM) -> int:
    """The periodic job: the number of `case.warning` events raised."""
    return sweep_warnings(ctx, actor).warnings
