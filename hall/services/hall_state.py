"""The hall's live state for screens: the catalogue with waits, the windows, the latest calls."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from hall.services import stats
from hall.services.context import HallContext
from hall.services.windows import windows_with_current
from hall.store.models import ChainHead, Department, Event, ServiceItem, Window, WindowService

LATEST_CALLS = 10


def service_view(service: ServiceItem, waiting: int, estimated_wait_s: int | None) -> dict:
    """A service item with the seven public facts (七公开) and its live queue."""
    return {
        "id": service.id, "code": service.code, "name": service.name, "name_en": service.name_en,
        "department_id": service.department_id, "department": service.department.name,
        "department_en": service.department.name_en, "theme": service.department.theme,
        "prefix": service.prefix, "item_class": service.item_class, "case_type": service.case_type,
        "promised_days": service.promised_days, "statutory_days": service.statutory_days,
        "legal_basis": service.legal_basis, "content": service.content, "procedure": service.procedure,
        "materials": service.materials, "workflow": service.workflow, "fee": service.fee,
        "consult_phone": service.consult_phone, "waiting": waiting, "estimated_wait_s": estimated_wait_s,
    }


def catalogue(session) -> list[dict]:
    """Every active service with its waiting count and the estimated wait for someone taking a ticket now."""
    services = session.execute(select(ServiceItem).where(ServiceItem.active.is_(True))
                               .order_by(ServiceItem.department_id, ServiceItem.code)).unique().scalars().all()
    waiting = stats.waiting_counts(session)
    open_windows = stats.open_windows_per_service(session)
    return [service_view(s, waiting.get(s.id, 0), stats.estimate_for(session, s.id, waiting.get(s.id, 0), open_windows))
            for s in services]


def list_services(ctx: HallContext) -> list[dict]:
    """GET /api/v1/services."""
    with ctx.read() as session:
        return catalogue(session)


def departments(session) -> list[dict]:
    """Departments with the count of windows and services (for grouping the kiosk)."""
    windows = dict(session.execute(select(Window.department_id, func.count()).group_by(Window.department_id)).all())
    return [{"id": d.id, "code": d.code, "name": d.name, "name_en": d.name_en, "theme": d.theme,
             "windows": windows.get(d.id, 0)}
            for d in session.execute(select(Department).order_by(Department.id)).scalars()]


def latest_calls(session, limit: int = LATEST_CALLS) -> list[dict]:
    """The latest calls, newest first, from the event log."""
    rows = session.execute(select(Event).where(Event.type == "ticket.called").order_by(Event.seq.desc())
                           .limit(limit)).scalars().all()
    calls = []
    for row in rows:
        p = json.loads(row.payload)
        calls.append({"ticket_id": p["ticket_id"], "number": p["number"], "window": p["window"],
                      "window_id": p["window_id"], "service_id": p["service_id"], "recall": p.get("recall", 0),
                      "text": p.get("text"), "text_en": p.get("text_en"), "at": row.at.isoformat(), "seq": row.seq})
    return calls


def snapshot(ctx: HallContext) -> dict:
    """GET /api/v1/hall/snapshot: the whole live state, with the event sequence it is current to."""
    with ctx.read() as session:
        head = session.get(ChainHead, 1)
        hall = ctx.refs.hall(session)
        now = ctx.clock.now()
        return {
            "seq": head.seq if head else 0,
            "now": now.astimezone(ZoneInfo(hall.timezone)).isoformat(),
            "hall": {"name": hall.name, "name_en": hall.name_en, "timezone": hall.timezone,
                     "opening_time": hall.opening_time, "closing_time": hall.closing_time,
                     "recall_limit": hall.recall_limit},
            "departments": departments(session),
            "services": catalogue(session),
            "windows": windows_with_current(session),
            "latest_calls": latest_calls(session),
        }


def services_of_window(session, window_id: int) -> list[int]:
    """The service ids a window serves."""
    return list(session.execute(select(WindowService.service_id).where(WindowService.window_id == window_id)).scalars())
