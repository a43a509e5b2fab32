"""What a case hands out on paper: its notices (A4 PDFs) and its thermal receipt (a print job)."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from hall.documents.notices import KINDS, render_notice
from hall.domain.deadlines import joint_opinion_due
from hall.domain.refusal import Term
from hall.services import cases
from hall.services.actors import Actor
from hall.services.calendar import current_calendar
from hall.services.context import HallContext
from hall.services.errors import Invalid, NotFound
from hall.store.models import CaseRecord, Department, PrintJob, Window

PROMISE_TYPES = ("promised", "joint", "report_up", "special")
PRINTER_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def applicable_notices(view: dict) -> list[str]:
    """The notices that apply to a case (as the console offers them): a return notice only for a returned case."""
    returned = view.get("closing_code") == "returned" or (view.get("case_type") == "returned"
                                                            and view.get("status") == "closed")
    out = []
    if not returned and view.get("deadline") and view.get("case_type") in PROMISE_TYPES:
        out.append("acceptance")
    if view.get("materials_missing") or view.get("case_type") == "supplement" or view.get("supplement_rounds"):
        out.append("one_time")
    if view.get("case_type") == "joint":
        out.append("joint")
    if returned:
        out.append("return")
    return out


def _local(iso: str, tz) -> datetime:
    return datetime.fromisoformat(iso).astimezone(tz)


def notice_data(ctx: HallContext, actor: Actor, case_id: int, kind: str) -> dict:
    """The plain dict `render_notice` lays out, built from the case as this member of staff may see it."""
    if kind not in KINDS:
        raise NotFound("no notice %(kind)s; notices are %(kinds)s", kind=repr(kind), kinds=", ".join(KINDS))
    view = cases.get_case(ctx, actor, case_id)
    if kind not in applicable_notices(view):
        raise NotFound("case %(case)s has no %(kind)s notice", case=view["number"], kind=Term(kind, "notice"))
    with ctx.read() as session:
        row = session.get(CaseRecord, case_id)
        hall = ctx.refs.hall(session)
        tz = cases._tz(ctx, session)
        window = session.get(Window, row.window_id) if row.window_id else None
        departments = {d.code: d.name for d in session.execute(select(Department)).scalars()}
        calendar = current_calendar(session)
        item, department = row.service, row.service.department
        co = []
        for c in view.get("co_departments") or []:
            notified = date.fromisoformat(c["notified_on"]) if c.get("notified_on") else None
            due = joint_opinion_due(calendar, notified).date.isoformat() if notified else ""
            co.append({"name": departments.get(c["department"], c["department"]), "due": due})
    applicant = view["applicant"]
    accept = next((s for s in view.get("steps") or [] if s["name"] == "accept"), None)
    return {
        "hall_name": hall.name, "number": view["number"],
        "applicant": {"name": applicant.get("name") or applicant["name_masked"], "id": applicant["id_masked"],
                      "kind": applicant["kind"]},
        "service": item.name, "department": department.name, "lead_department": department.name,
        "received_at": _local(view["received_at"], tz).isoformat(),
        "window": window.number if window else "", "clerk": accept["handler"] if accept else actor.name,
        "phone": item.consult_phone, "promised_days": item.promised_days,
        "deadline": view.get("deadline"), "provisional": view.get("provisional", False),
        "materials_received": view.get("materials_received") or [],
        "materials_missing": view.get("materials_missing") or _all_missing(view),
        "co_departments": co, "reason": view.get("closing_reason") or "",
        "status_url": view.get("status_url") or "",
        "issued_on": ctx.clock.now().astimezone(tz).date().isoformat(),
    }


def _all_missing(view: dict) -> list[str]:
    """Every material a supplement round asked for (the one-time notice lists them all once)."""
    seen: list[str] = []
    for r in view.get("supplement_rounds") or []:
        seen += [m for m in r.get("missing", []) if m not in seen]
    return seen


def _absolute(url: str, host_url: str | None = None) -> str:
    """The case page's address as printed: absolute when the hall has a public URL or a request host."""
    if url.startswith("/") and host_url:
        return host_url.rstrip("/") + url
    return url


def notice_pdf(ctx: HallContext, actor: Actor, case_id: int, kind: str, *, host_url: str | None = None) -> tuple[str, bytes]:
    """The case number and the notice as a PDF of three copies."""
    data = notice_data(ctx, actor, case_id, kind)
    data["status_url"] = _absolute(data["status_url"], host_url)
    return data["number"], render_notice(kind, data)


def check_printer(printer) -> str:
    """A printer's name as agents announce it; refused before anything is stored."""
    if not isinstance(printer, str) or not PRINTER_RE.fullmatch(printer):
        raise Invalid("printer must be a printer name (letters, digits, - _ . :)")
    return printer


def queue_receipt(ctx: HallContext, actor: Actor, case_id: int, printer, *, host_url: str | None = None) -> dict:
    """Queue the case receipt (办件回执) for a printer; returns the `print.job` message sent to the agents."""
    check_printer(printer)
    view = cases.get_case(ctx, actor, case_id)
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        row = s.get(CaseRecord, case_id)
        if row is None:
            raise NotFound("no case with id %(case_id)s", case_id=case_id)
        hall = ctx.refs.hall(s)
        tz = cases._tz(ctx, s)
        window = s.get(Window, row.window_id) if row.window_id else None
        payload = {"hall_name": hall.name, "number": row.number, "service_name": row.service.name,
                   "received_at": _local(view["received_at"], tz).isoformat(), "deadline": view.get("deadline") or "",
                   "provisional": bool(view.get("provisional")), "window": window.number if window else "",
                   "status_url": _absolute(view.get("status_url") or "", host_url)}
        job = PrintJob(kind="case_receipt", case_id=row.id, ticket_id=None, printer=printer, status="pending",
                       attempts=1, payload=payload, created_at=uow.now, last_sent_at=uow.now)
        s.add(job)
        s.flush()
        uow.record("print.queued", {"job_id": job.id, "case_id": row.id, "printer": printer, "kind": "case_receipt"})
        message = {"job_id": job.id, "printer": printer, "attempt": 1, "kind": "case_receipt", "case": payload}
        uow.commit()
    ctx.publisher.send("/agent", "print.job", message, room=f"printer:{printer}")
    return message
