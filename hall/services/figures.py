"""办结率: the on-time completion figures per window or department for a month, as seed 001 counts them.

A case counts in the month it was closed, or, still open and past its deadline, in the month
that deadline fell in (as not finished on time); each case therefore counts once, in one month. Void cases,
cases never accepted and open cases not yet due are left out (hall.domain.warnings.case_outcome).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select

from hall.domain.warnings import CompletionRate, case_outcome, completion_rate, format_rate
from hall.services.calendar import current_calendar
from hall.services.case_signals import day_start, hall_today, hall_zone
from hall.services.context import HallContext
from hall.services.errors import Invalid
from hall.store.case_codec import decode
from hall.store.models import CaseRecord, Department, Window

GROUPINGS = ("window", "department")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: object) -> date:
    """The first day of a YYYY-MM month, or a clear 422."""
    match = _MONTH.match(value) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2004:
        raise Invalid("month must be written YYYY-MM (from 2004), not %(value)s", value=repr(value))
    return date(int(match.group(1)), int(match.group(2)), 1)


def _month_end(first: date) -> date:
    """The last day of the month starting on `first`."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def rate_figures(rate: CompletionRate) -> dict:
    """Counts and rates (strings such as "99.9%", "—" with nothing to count) of one group."""
    return {
        "immediate_total": rate.immediate_total, "immediate_on_time": rate.immediate_on_time,
        "immediate_rate": format_rate(rate.immediate_rate),
        "limited_total": rate.limited_total, "limited_on_time": rate.limited_on_time,
        "limited_rate": format_rate(rate.limited_rate),
        "overall_rate": format_rate(rate.overall_rate), "excellent": rate.excellent,
    }


def completion(ctx: HallContext, month: date, by: str) -> dict:
    """办结率 for the month starting `month`, grouped `by` window or department."""
    if by not in GROUPINGS:
        raise Invalid("by must be one of %(groupings)s", groupings=", ".join(GROUPINGS))
    c = CaseRecord.__table__.c
    key = c.window_id if by == "window" else c.department_id
    with ctx.read() as s:
        zone = hall_zone(ctx, s)
        today = hall_today(ctx, s)
        calendar = current_calendar(s)
        last = _month_end(month)
        # Closing a case writes its row, so updated_at bounds the closing moment from above.
        rows = s.execute(select(key, c.status, c.record).where(or_(
            and_(c.status == "closed", c.updated_at >= day_start(month, zone),
                 c.received_at < day_start(last + timedelta(days=1), zone)),
            and_(c.status != "closed", c.deadline >= month, c.deadline <= last, c.deadline < today),
        )))
        outcomes: dict[int | None, list] = {}
        for group, status, record in rows:
            case = decode(record)
            if status == "closed":
                closed = case.closing.at if case.closing else None
                if closed is None or not month <= _local_date(closed, zone) <= last:
                    continue
            outcomes.setdefault(group, []).append(case_outcome(case, calendar, today))
        if by == "window":
            names = dict(s.execute(select(Window.id, Window.number)).all())
        else:
            names = dict(s.execute(select(Department.id, Department.name)).all())
    groups = []
    for group in sorted(outcomes, key=lambda g: (g is None, g or 0)):
        figures = rate_figures(completion_rate(outcomes[group]))
        if figures["immediate_total"] + figures["limited_total"]:
            groups.append({"id": group, "name": names.get(group, "") if group is not None else "", **figures})
    total = completion_rate(o for items in outcomes.values() for o in items)
    return {"month": month.strftime("%Y-%m"), "by": by, "as_of": today.isoformat(), "groups": groups,
            "total": rate_figures(total)}


def _local_date(moment: datetime, zone) -> date:
    """The hall's local date of a moment (naive moments are taken as already local)."""
    return moment.astimezone(zone).date() if moment.tzinfo else moment.date()
