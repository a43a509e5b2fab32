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

from sqlalchemy import Text, and_, cast, select

from hall.services.actors import SYSTEM, Actor
from hall.services.calendar import current_calendar, raise_calendar_alarms
from hall.services.case_signals import ROW_COLUMNS, STEP_PREFIX, Refresh, hall_today, policy_of, refresh
from hall.services.context import HallContext
from hall.store.models import CaseRecord

_C = CaseRecord.__table__.c
_IN_PROGRESS = _C.status == "in_progress"
_UNCOLOURED = and_(_IN_PROGRESS, _C.signal == "none")
_NOT_RED = and_(_IN_PROGRESS, _C.signal.in_(("none", "yellow")))


def due_for_review(today) -> list:
    """The three questions whose answers may have changed colour by `today`, from the stored columns alone.

    Each is one range of one index (status, signal, date: hall/store/models.py).
    """
    return [
        and_(_UNCOLOURED, _C.yellow_from <= today),  # turning yellow (or straight to red)
        # turning red; no yellow day means nothing to watch (an applicant's no-show counted as on time)
        and_(_NOT_RED, _C.deadline < today, _C.yellow_from.is_not(None)),
        # a step past its own limit, not yet flagged
        and_(_NOT_RED, _C.step_deadline < today, cast(_C.signal_reasons, Text).not_like(f"%{STEP_PREFIX}%")),
    ]


def sweep_warnings(ctx: HallContext, actor: Actor = SYSTEM) -> Refresh:
    """One sweep: re-evaluate the cases due for review with the hall's clock; store and announce changes."""
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        today = hall_today(ctx, s, uow.now)
        rows: dict[int, tuple] = {}
        for question in due_for_review(today):  # one indexed read each; a case may answer two
            query = select(*ROW_COLUMNS).where(question)
            if ctx.postgres:  # a case being changed right now is left to that change, and to the next round
                query = query.with_for_update(skip_locked=True)
            for row in s.execute(query):
                rows.setdefault(row.id, row)
        if not rows:
            return Refresh()
        done = refresh(uow, (rows[k] for k in sorted(rows)), current_calendar(s), today, policy_of(ctx))
        raise_calendar_alarms(uow, done.missing_years, today)
        uow.commit()
        return done


def run(ctx: HallContext, actor: Actor = SYSTEM) -> int:
    """The periodic job: the number of `case.warning` events raised."""
    return sweep_warnings(ctx, actor).warnings
