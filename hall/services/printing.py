"""Printed tickets: jobs stored with the ticket, handed to device agents, retried, failed with an alarm."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hall.services.actors import Actor
from hall.services.context import HallContext
from hall.services.errors import Invalid, NotFound
from hall.services.queue import job_message
from hall.store.models import IS_PENDING_JOB, PrintJob

RESULTS = ("ok", "paper_out", "offline", "error")


def pending_jobs(ctx: HallContext, printers: list[str]) -> list[dict]:
    """Jobs not yet printed for these printers, oldest first (re-sent when an agent says hello)."""
    if not printers:
        return []
    with ctx.read() as session:
        jobs = session.execute(select(PrintJob).where(IS_PENDING_JOB, PrintJob.printer.in_(printers))
                               .order_by(PrintJob.id)).scalars().all()
        return [job_message(j) for j in jobs]


def record_result(ctx: HallContext, actor: Actor, job_id, result, *, final: bool = False, detail: str = "") -> str:
    """An agent reports a print: ok marks it printed; a final failure (or too many) marks it failed."""
    if isinstance(job_id, bool) or not isinstance(job_id, int):
        raise Invalid("job_id must be an integer")
    if result not in RESULTS:
        raise Invalid("result must be one of %(results)s", results=", ".join(RESULTS))
    with ctx.unit_of_work(actor.label) as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None:
            raise NotFound("no print job %(job_id)s", job_id=job_id)
        if job.status != "pending":
            return job.status
        job.last_result = f"{result}: {detail}"[:200]
        if result == "ok":
            job.status, job.done_at = "printed", uow.now
            uow.record("print.done", {"job_id": job.id, "ticket_id": job.ticket_id, "printer": job.printer})
        elif final or job.attempts >= ctx.settings.print_attempt_limit:
            _fail(uow, job, result, detail)
        uow.commit()
        return job.status


def _fail(uow, job: PrintJob, reason: str, detail: str) -> None:
    job.status, job.done_at = "failed", uow.now
    uow.record("print.failed", {"job_id": job.id, "ticket_id": job.ticket_id, "printer": job.printer,
                                "reason": reason, "number": job.payload.get("number")})
    what = f"办件回执 {job.payload.get('number')}" if job.kind == "case_receipt" else f"{job.payload.get('number')}号票"
    uow.record("alarm.raised", {"kind": "printer", "subject": job.printer,
                                "message": f"打印机 {job.printer} 未能打印 {what}：{reason} {detail}".strip()})


def resend_stale(ctx: HallContext, actor: Actor) -> int:
    """Send again the jobs no agent acknowledged in time; give up after the attempt limit."""
    limit, after = ctx.settings.print_attempt_limit, timedelta(seconds=ctx.settings.print_resend_after_s)
    messages: list[tuple[str, dict]] = []
    with ctx.unit_of_work(actor.label) as uow:
        stale = uow.session.execute(select(PrintJob).where(IS_PENDING_JOB,
                                                           PrintJob.last_sent_at < uow.now - after)).scalars().all()
        for job in stale:
            if job.attempts >= limit:
                _fail(uow, job, "offline", "no agent acknowledged the job")
                continue
            job.attempts += 1
            job.last_sent_at = uow.now
            messages.append((job.printer, job_message(job)))
        uow.commit()
    for printer, message in messages:
        ctx.publisher.send("/agent", "print.job", message, room=f"printer:{printer}")
    return len(messages)


HEALTH_STATES = ("ok", "paper_out", "offline", "unknown")
_last_health: dict[tuple[str, str], str] = {}


def record_health(ctx: HallContext, actor: Actor, printer, status, detail: str = "") -> bool:
    """A printer's state as its agent reports it; a change to paper out or offline raises an alarm.

    Agents repeat the current state on every reconnection: only a change is stored (per process).
    """
    if not isinstance(printer, str) or not printer or len(printer) > 64:
        raise Invalid("printer must be a printer name")
    if status not in HEALTH_STATES:
        raise Invalid("status must be one of %(states)s", states=", ".join(HEALTH_STATES))
    key = (str(ctx.engine.url), printer)
    if _last_health.get(key) == status:
        return False
    _last_health[key] = status
    with ctx.unit_of_work(actor.label) as uow:
        uow.record("printer.health", {"printer": printer, "status": status, "detail": detail[:200]})
        if status in ("paper_out", "offline"):
            words = "缺纸" if status == "paper_out" else "离线"
            uow.record("alarm.raised", {"kind": "printer", "subject": printer,
                                        "message": f"打印机 {printer} {words}：{detail}".rstrip("：")})
        uow.commit()
    return True
