"""Cases written straight into the `cases` table through the codec, with their clock columns (tests, bench)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from hall.domain.calendar import WorkingCalendar
from hall.domain.cases import Case, CaseType, open_case
from hall.domain.deadlines import validate_catalogue_limits
from hall.domain.warnings import WarningPolicy
from hall.services.cases import clock_columns
from hall.store.case_codec import encode
from hall.store.models import CaseRecord

BEIJING = ZoneInfo("Asia/Shanghai")


def received(day: date, hour: int = 9) -> datetime:
    """A moment in the hall's local time on `day`."""
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=BEIJING)


def promised_case(number: str, day: date, days: int, case_type: CaseType = CaseType.PROMISED,
                  department: str = "SCJ", **kw) -> Case:
    """A case received at 09:30 on `day` with a promise of `days` working days."""
    if case_type is CaseType.JOINT:
        kw.setdefault("co_departments", ["GAJ"])
    return open_case(number, case_type, department, received(day), validate_catalogue_limits(days, days + 10),
                     "张晓明", **kw)


def case_row(case: Case, calendar: WorkingCalendar, today: date, *, service_id: int = 1, department_id: int = 1,
             window_id: int | None = 1, policy: WarningPolicy = WarningPolicy()) -> dict:
    """The `cases` row of a domain case, its clock columns evaluated on `today`."""
    return {
        "number": case.number, "token": secrets.token_urlsafe(24), "service_id": service_id,
        "department_id": department_id, "window_id": window_id, "ticket_id": None,
        "received_at": case.received_at.astimezone(UTC), "security_sensitive": case.security_sensitive,
        "applicant_kind": "person", "applicant_name_enc": "x", "applicant_name_masked": "张*",
        "applicant_id_hash": "0" * 64, "applicant_id_masked": "6301**********0011",
        "materials_received": [], "materials_missing": [], "record": encode(case),
        "updated_at": (case.closing.at if case.closing else case.received_at).astimezone(UTC),
        **clock_columns(case, calendar, today, policy),
    }


def insert_rows(ctx_or_engine, rows: Iterable[dict], *, ids: bool = True) -> list[int]:
    """Insert case rows in one transaction; returns their ids (unless `ids` is false)."""
    engine = getattr(ctx_or_engine, "engine", ctx_or_engine)
    rows = list(rows)
    with engine.begin() as conn:
        conn.execute(insert(CaseRecord.__table__), rows)
        if not ids:
            return []
        by_number = dict(conn.execute(CaseRecord.__table__.select().with_only_columns(
            CaseRecord.__table__.c.number, CaseRecord.__table__.c.id)).all())
    return [by_number[r["number"]] for r in rows]
