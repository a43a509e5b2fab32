"""Case use cases (办件): open, steps, supplement, hand-over, pause, resume, finish, return, opinions; reads.

Every change loads the stored case, applies one rule of ``hall.domain.cases``, recomputes the
clock columns (deadline, yellow_from, step deadline, signal) with the hall's working-day
calendar, and records events in the same transaction. A refused rule changes nothing.
Events and public views carry no personal data.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from hall.domain import cases as rules
from hall.domain.calendar import WorkingCalendar
from hall.domain.cases import Case, CaseStatus, CaseType, ClosingCode, StepAction, StepName
from hall.domain.deadlines import CaseRuleError, ItemClass, Pause, PauseKind, validate_catalogue_limits
from hall.domain.refusal import Term
from hall.domain.warnings import Signal, WarningPolicy, evaluate_case
from hall.services import personal_data
from hall.services.actors import WINDOW_OVERSEERS, Actor
from hall.services.calendar import current_calendar
from hall.services.case_signals import policy_of, row_warning_payload
from hall.services.context import HallContext, UnitOfWork
from hall.services.errors import Conflict, Forbidden, Invalid, NotFound
from hall.store import case_codec
from hall.store.models import IS_OPEN_CASE, CaseCounter, CaseRecord, Department, ServiceItem, Staff, Ticket, Window

__all__ = [
    "open_case", "record_step", "supplement", "handover", "pause", "resume", "finish", "return_case",
    "void", "no_show", "opinion", "get_case", "list_cases", "case_status", "clock_columns",
    "STATUSES", "WARNINGS", "MAX_PAGE",
]

#: Ids are PostgreSQL integers: a larger id names nothing and must not reach the database.
MAX_ID = 2**31 - 1
MAX_PAGE = 200
#: Case numbers are stored in 64 characters (SCJ-20261123-0001 is 17).
MAX_NUMBER = 64
STATUSES = ("awaiting_materials", "in_progress", "paused", "closed", "open")
WARNINGS = ("yellow", "red", "any", "step")
#: 首席代表 and above sign approvals, grant extensions and read applicants' full names.
APPROVERS = WINDOW_OVERSEERS
POLICY = WarningPolicy()
STEP_NAMES_ZH = {"受理": StepName.ACCEPT, "承办": StepName.UNDERTAKE, "审核": StepName.REVIEW,
                 "批准": StepName.APPROVE, "办结": StepName.FINISH}
_SIGNALS = {Signal.NORMAL: "none", Signal.YELLOW: "yellow", Signal.RED: "red"}
_CASE_TYPES = {t.value: t for t in CaseType}
_ACTIONS = {a.value: a for a in StepAction}
_PAUSE_KINDS = {k.value: k for k in PauseKind}
_APPLICANT_KINDS = ("person", "organisation")
_MAX_TEXT = 2000


# -- small checks ------------------------------------------------------------------------------

def _int_id(value, what: str) -> int:
    """An id given in a body: an integer naming something that may exist."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("%(what)s must be an integer", what=what)
    if not 0 < value <= MAX_ID:
        raise NotFound("no %(thing)s with id %(id)s",
                       thing=Term(what.removesuffix("_id").replace("_", " "), "thing"), id=value)
    return value


def _text(value, what: str, *, required: bool = False, limit: int = _MAX_TEXT) -> str:
    """A text field; refuse other types, overlong text, and empty text where it is required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("%(what)s must be a string", what=what)
    if len(value) > limit:
        raise Invalid("%(what)s is longer than %(limit)s characters", what=what, limit=limit)
    if required and not value.strip():
        raise Invalid("%(what)s is required", what=what)
    return value


def _date(value, what: str, default: date) -> date:
    """A YYYY-MM-DD date field, or the default when absent."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise Invalid("%(what)s must be a date YYYY-MM-DD", what=what)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("%(what)s must be a date YYYY-MM-DD, not %(value)s", what=what, value=repr(value)) from None


def _refused(exc: CaseRuleError) -> Invalid | Conflict:
    """A refused rule as a service error: a missing written text is invalid input, the rest a conflict."""
    if exc.template.endswith(" is required") or "needs a written reason" in exc.template:
        return Invalid.of(exc)
    return Conflict.of(exc)


def _apply(fn: Callable[..., Case], *args, **kwargs) -> Case:
    """Run a domain transition; a refusal becomes a 409/422 service error."""
    try:
        return fn(*args, **kwargs)
    except CaseRuleError as exc:
        raise _refused(exc) from exc


# -- the clock columns -------------------------------------------------------------------------

def record_status(case: Case) -> str:
    """The stored status: the domain's, with a running special procedure shown as paused."""
    if case.status is CaseStatus.IN_PROGRESS and case.is_paused:
        return "paused"
    return case.status.value


def clock_columns(case: Case, calendar: WorkingCalendar, today: date, policy: WarningPolicy = POLICY) -> dict:
    """The stored clock of a case on ``today``: deadline, provisional, yellow_from, step deadline, signal.

    ``yellow_from`` is the first day of the yellow signal, so that a sweep of unpaused open cases
    compares dates; a paused case has none (its deadline moves every paused working day), nor
    has a case whose applicant failed to come on a day told within the deadline (on time for
    good: nothing to watch, so the sweep never looks at it again).
    """
    deadline = rules.case_deadline(case, calendar, as_of=today)
    warning = evaluate_case(case, calendar, today, policy)
    status = record_status(case)
    settled = deadline is not None and case.no_show_on is not None and case.no_show_on <= deadline.date
    yellow_from = None
    if deadline is not None and status == "in_progress" and not settled:
        yellow_from = calendar.date_of_index(calendar.day_index(deadline.date) - policy.yellow_days_before)
    step = rules.current_step(case)
    due = None
    if step is not None and case.is_open and not settled:
        limit = rules.step_deadline(case, step, calendar, as_of=today)
        due = None if limit is None else limit.date
    reasons = sorted(r.value for r in warning.reasons)
    if warning.overdue_step is not None:
        reasons.append(f"step_overdue:{warning.overdue_step.value}")
    return {
        "status": status,
        "case_type": case.case_type.value,
        "closing_code": None if case.closing is None else case.closing.code.value,
        "deadline": None if deadline is None else deadline.date,
        "provisional": bool(deadline and deadline.provisional),
        "yellow_from": yellow_from,
        "step_deadline": due,
        "signal": _SIGNALS[warning.signal],
        "signal_reasons": reasons,
        "deemed_approved": warning.deemed_approved,
    }


# -- loading and storing -----------------------------------------------------------------------

def _tz(ctx: HallContext, session: Session) -> ZoneInfo:
    return ZoneInfo(ctx.refs.hall(session).timezone)


def _local_now(uow: UnitOfWork) -> datetime:
    """Now in the hall's time zone: the domain counts days on the hall's calendar."""
    return uow.now.astimezone(_tz(uow.ctx, uow.session))


def _handler(actor: Actor) -> str:
    return actor.name or actor.id


def _load(uow: UnitOfWork, case_id: int) -> tuple[CaseRecord, Case]:
    """The stored case (locked for the transaction on PostgreSQL) and its domain record."""
    _int_id(case_id, "case_id")
    stmt = select(CaseRecord).where(CaseRecord.id == case_id)
    if uow.ctx.postgres:
        stmt = stmt.with_for_update(of=CaseRecord)
    row = uow.session.execute(stmt).unique().scalar_one_or_none()
    if row is None:
        raise NotFound("no case with id %(case_id)s", case_id=case_id)
    return row, case_codec.decode(row.record)


def _staff_department(session: Session, actor: Actor) -> str | None:
    """The department code of a member of staff, if any."""
    if actor.staff_id is None:
        return None
    staff = session.get(Staff, actor.staff_id)
    if staff is None or staff.department_id is None:
        return None
    dept = session.get(Department, staff.department_id)
    return dept.code if dept else None


def _holds_window(session: Session, actor: Actor, window_id: int | None) -> bool:
    if window_id is None or actor.staff_id is None:
        return False
    window = session.get(Window, window_id)
    return window is not None and window.clerk_id == actor.staff_id


def _check_may_act(session: Session, actor: Actor, row: CaseRecord, case: Case, *,
                   departments: tuple[str, ...] = ()) -> None:
    """Clerks act on cases of their department (or the department now holding the step) or their window."""
    if not actor.is_staff:
        raise Forbidden("only staff handle cases")
    if actor.role in WINDOW_OVERSEERS:
        return
    if actor.role != "clerk":
        raise Forbidden("a %(role)s does not handle cases", role=Term(actor.role, "role"))
    step = rules.current_step(case)
    allowed = {case.department, *departments}
    if step is not None:
        allowed.add(step.department)
    if _staff_department(session, actor) in allowed or _holds_window(session, actor, row.window_id):
        return
    raise Forbidden("case %(case)s is not handled by your department or window", case=row.number)


def _payload(row: CaseRecord) -> dict:
    """What every case event carries: ids, number, type, status and clock; nothing personal."""
    return {"case_id": row.id, "number": row.number, "service_id": row.service_id,
            "department_id": row.department_id, "window_id": row.window_id, "case_type": row.case_type,
            "status": row.status, "closing_code": row.closing_code,
            "deadline": row.deadline.isoformat() if row.deadline else None, "provisional": row.provisional}


def _warning_payload(row: CaseRecord) -> dict:
    """The `case.warning` event, the same whether a change or the periodic sweep raised it."""
    return row_warning_payload(row)


def _store(uow: UnitOfWork, row: CaseRecord, case: Case, event: str, extra: dict | None = None, *,
           new: bool = False) -> None:
    """Write the new record and its clock; record the event, a closing, and a changed warning."""
    before = (row.signal, list(row.signal_reasons or []), row.deemed_approved)
    today = _local_now(uow).date()
    calendar = current_calendar(uow.session)
    for name, value in clock_columns(case, calendar, today, policy_of(uow.ctx)).items():
        setattr(row, name, value)
    row.record = case_codec.encode(case)
    row.updated_at = uow.now
    if new:
        uow.session.add(row)
    uow.session.flush()
    uow.record(event, {**_payload(row), **(extra or {})})
    if event != "case.closed" and case.closing is not None:
        uow.record("case.closed", _payload(row))
    if (row.signal, list(row.signal_reasons), row.deemed_approved) != before:
        uow.record("case.warning", _warning_payload(row))


def _change(ctx: HallContext, actor: Actor, case_id: int, event: str,
            change: Callable[[UnitOfWork, CaseRecord, Case, datetime], tuple[Case, dict | None]],
            *, departments: tuple[str, ...] = ()) -> dict:
    """One transaction: load, check the actor, apply the change, store, commit; the staff view back."""
    with ctx.unit_of_work(actor.label) as uow:
        row, case = _load(uow, case_id)
        _check_may_act(uow.session, actor, row, case, departments=departments)
        new, extra = change(uow, row, case, _local_now(uow))
        _store(uow, row, new, event, extra)
        view = _staff_view(uow.session, ctx, actor, row, new)
        uow.commit()
    return view


# -- numbering ---------------------------------------------------------------------------------

_COUNTERS = CaseCounter.__table__
_BUMP = (update(_COUNTERS)
         .where(_COUNTERS.c.department_code == bindparam("c"), _COUNTERS.c.day == bindparam("d"))
         .values(last=_COUNTERS.c.last + 1).returning(_COUNTERS.c.last))


def _next_number(session: Session, department_code: str, day: date, postgres: bool) -> str:
    """SCJ-20261123-0001: the department, the hall day of receipt and the department's counter that day."""
    conn = session.connection()
    seq = conn.execute(_BUMP, {"c": department_code, "d": day}).scalar_one_or_none()
    if seq is None:
        if postgres:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        conn.execute(dialect_insert(CaseCounter).values(department_code=department_code, day=day, last=0)
                     .on_conflict_do_nothing())
        seq = conn.execute(_BUMP, {"c": department_code, "d": day}).scalar_one()
    return f"{department_code}-{day:%Y%m%d}-{seq:04d}"


# -- opening -----------------------------------------------------------------------------------

def _applicant(value, secret: str) -> dict:
    """Check the applicant and turn it into the stored columns (encrypted, hashed, masked)."""
    if not isinstance(value, dict):
        raise Invalid("applicant must be an object with name, kind and id_number or credit_code")
    unknown = set(value) - {"name", "kind", "id_number", "credit_code"}
    if unknown:
        raise Invalid("unknown applicant field(s): %(unknown)s", unknown=", ".join(sorted(unknown)))
    kind = value.get("kind", "person")
    if kind not in _APPLICANT_KINDS:
        raise Invalid("applicant.kind must be person or organisation")
    name = _text(value.get("name"), "applicant.name", required=True, limit=200).strip()
    field = "id_number" if kind == "person" else "credit_code"
    other = "credit_code" if kind == "person" else "id_number"
    if value.get(other) is not None:
        if kind == "person":
            raise Invalid("a person is identified by id_number, not credit_code")
        raise Invalid("an organisation is identified by credit_code, not id_number")
    ident = personal_data.normalise_id(_text(value.get(field), f"applicant.{field}", required=True, limit=64))
    valid = personal_data.valid_id_number if kind == "person" else personal_data.valid_credit_code
    if not valid(ident):
        if kind == "person":
            raise Invalid("applicant.id_number is not a valid resident ID number")
        raise Invalid("applicant.credit_code is not a valid unified social credit code")
    keys = personal_data.for_secret(secret)
    return {"applicant_kind": kind, "applicant_name_enc": keys.encrypt_name(name),
            "applicant_name_masked": personal_data.mask_name(name), "applicant_id_hash": keys.id_hash(ident),
            "applicant_id_masked": personal_data.mask_id(ident)}


def _workflow(item: ServiceItem) -> tuple[StepName, ...]:
    """The item's workflow as steps (受理…办结); the full default when the catalogue names none usable."""
    steps = [STEP_NAMES_ZH[s] for s in item.workflow or () if s in STEP_NAMES_ZH]
    order = list(StepName)
    if (not steps or steps[0] is not StepName.ACCEPT or steps[-1] is not StepName.FINISH
            or steps != sorted(set(steps), key=order.index)):
        return rules.DEFAULT_WORKFLOW
    return tuple(steps)


def _limits(item: ServiceItem, case_type: CaseType):
    """The item's promised and statutory limits, checked as the catalogue rule requires."""
    try:
        item_class = ItemClass(item.item_class)
    except ValueError:
        item_class = ItemClass.NON_LICENCE
    return _apply(validate_catalogue_limits, item.promised_days, item.statutory_days, item_class=item_class,
                  joint=case_type is CaseType.JOINT)


def _received_at(value, now: datetime, tz: ZoneInfo) -> datetime:
    """When the application was received: now, or an earlier moment for a paper case from a branch hall."""
    if value is None:
        return now
    if not isinstance(value, str):
        raise Invalid("received_at must be an ISO 8601 moment")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("received_at must be an ISO 8601 moment, not %(value)s", value=repr(value)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)  # a paper form gives the hall's local time
    moment = moment.astimezone(tz)
    if moment > now:
        raise Invalid("received_at cannot be in the future")
    return moment


def _department_codes(session: Session, ids, what: str) -> list[str]:
    if ids is None:
        return []
    if not isinstance(ids, list):
        raise Invalid("%(what)s must be a list of department ids", what=what)
    codes = []
    for dept_id in ids:
        dept = session.get(Department, _int_id(dept_id, "department_id"))
        if dept is None:
            raise NotFound("no department with id %(department_id)s", department_id=dept_id)
        codes.append(dept.code)
    return codes


def open_case(ctx: HallContext, actor: Actor, *, service_id, applicant, materials=None, case_type=None,
              window_id=None, ticket_id=None, received_at=None, co_departments=None, reason=None,
              security_sensitive=False) -> dict:
    """受理: open a case for a service item; the deadline is computed at once from the hall's calendar."""
    service_id = _int_id(service_id, "service_id")
    if window_id is not None:
        window_id = _int_id(window_id, "window_id")
    if ticket_id is not None:
        ticket_id = _int_id(ticket_id, "ticket_id")
    if case_type is not None and case_type not in _CASE_TYPES:
        raise Invalid("case_type must be one of %(case_types)s", case_types=", ".join(_CASE_TYPES))
    if not isinstance(security_sensitive, bool):
        raise Invalid("security_sensitive must be true or false")
    if materials is None:
        materials = []
    if not isinstance(materials, list) or not all(isinstance(m, str) for m in materials):
        raise Invalid("materials must be a list of the item's material names")
    reason = _text(reason, "reason")
    columns = _applicant(applicant, ctx.settings.secret_key)
    if not actor.is_staff or (actor.role not in WINDOW_OVERSEERS and actor.role != "clerk"):
        raise Forbidden("cases are opened by window staff")
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        item = s.get(ServiceItem, service_id)
        if item is None or not item.active:
            raise NotFound("no service item with id %(service_id)s", service_id=service_id)
        required = list(item.materials or [])
        unknown = [m for m in materials if m not in required]
        if unknown:
            raise Invalid("not among the item's required materials: %(unknown)s", unknown=", ".join(unknown))
        missing = [m for m in required if m not in materials]
        kind = _CASE_TYPES[case_type] if case_type else (CaseType.SUPPLEMENT if missing
                                                         else _CASE_TYPES.get(item.case_type, CaseType.PROMISED))
        if missing and kind not in (CaseType.SUPPLEMENT, CaseType.RETURNED):
            raise Invalid("materials are missing (%(missing)s): open a supplement case, which tells "
                          "the applicant everything missing at once (一次性告知)", missing=", ".join(missing))
        window = s.get(Window, window_id) if window_id is not None else None
        if window_id is not None and window is None:
            raise NotFound("no window with id %(window_id)s", window_id=window_id)
        if ticket_id is not None and s.get(Ticket, ticket_id) is None:
            raise NotFound("no ticket with id %(ticket_id)s", ticket_id=ticket_id)
        dept = item.department
        if actor.role not in WINDOW_OVERSEERS:
            holds = window is not None and window.clerk_id == actor.staff_id
            if window is not None and not holds:
                raise Forbidden("window %(window)s is not held by you", window=window.number)
            if window is None and _staff_department(s, actor) != dept.code:
                raise Forbidden("%(service)s is handled by %(department)s, not your department",
                                service=item.name, department=dept.name)
        co_codes = _department_codes(s, co_departments, "co_departments")
        tz = _tz(ctx, s)
        now = _local_now(uow)
        received = _received_at(received_at, now, tz)
        number = _next_number(s, dept.code, received.date(), ctx.postgres)
        case = _apply(rules.open_case, number, kind, dept.code, received, _limits(item, kind), _handler(actor),
                      workflow=_workflow(item), missing_materials=missing, reason=reason,
                      co_departments=co_codes, security_sensitive=security_sensitive)
        if case.case_type is CaseType.JOINT:
            case = _apply(rules.notify_co_departments, case, now.date())
        row = CaseRecord(number=number, token=secrets.token_urlsafe(24), service_id=item.id,
                         department_id=dept.id, window_id=window_id, ticket_id=ticket_id, received_at=received,
                         security_sensitive=security_sensitive, materials_received=list(materials),
                         materials_missing=missing, signal="none", signal_reasons=[], deemed_approved=False,
                         record="", updated_at=uow.now, **columns)
        _store(uow, row, case, "case.opened", {"co_department_ids": co_departments or []}, new=True)
        view = _staff_view(s, ctx, actor, row, case)
        uow.commit()
    return view


# -- changes -----------------------------------------------------------------------------------

def _require_approver(actor: Actor, case: Case) -> None:
    step = rules.current_step(case)
    if step is not None and step.name is StepName.APPROVE and actor.role not in APPROVERS:
        raise Forbidden("the approve step is signed by the window lead (首席代表) or above")


def record_step(ctx: HallContext, actor: Actor, case_id: int, *, action, opinion=None, step=None,
                limit_days=None) -> dict:
    """办理环节: end the step in progress with pass / return / other and start the next one."""
    if action not in _ACTIONS:
        raise Invalid("action must be pass, return or other")
    opinion = _text(opinion, "opinion")
    if step is not None and step not in {s.value for s in StepName}:
        raise Invalid("step must be one of %(steps)s", steps=", ".join(s.value for s in StepName))
    if limit_days is not None and (isinstance(limit_days, bool) or not isinstance(limit_days, int)):
        raise Invalid("limit_days must be an integer")

    def change(uow, row, case, now):
        current = rules.current_step(case)
        if step is not None and (current is None or current.name.value != step):
            if current is None:
                raise Conflict("case %(case)s is at no step, not %(step)s",
                               case=case.number, step=Term(step, "case step"))
            raise Conflict("case %(case)s is at the %(at)s step, not %(step)s",
                           case=case.number, at=Term(current.name.value, "case step"), step=Term(step, "case step"))
        _require_approver(actor, case)
        new = _apply(rules.record_step, case, now, _handler(actor), _ACTIONS[action], opinion=opinion,
                     next_limit_days=limit_days)
        return new, {"step": None if current is None else current.name.value, "action": action,
                     "next_step": None if new.closing else rules.current_step(new).name.value}

    return _change(ctx, actor, case_id, "case.step", change)


def supplement(ctx: HallContext, actor: Actor, case_id: int, *, missing=None, completed=False, proceed_as=None,
               reason=None, co_departments=None) -> dict:
    """补正: a further notice of missing materials, or the materials completed (the clock starts the next day)."""
    if not isinstance(completed, bool):
        raise Invalid("completed must be true or false")
    if completed == (missing is not None):
        raise Invalid("give either missing (a new list) or completed: true")
    if missing is not None and (not isinstance(missing, list) or not all(isinstance(m, str) for m in missing)):
        raise Invalid("missing must be a list of material names")
    if proceed_as is not None and proceed_as not in _CASE_TYPES:
        raise Invalid("proceed_as must be one of %(case_types)s", case_types=", ".join(_CASE_TYPES))
    reason = _text(reason, "reason")

    def change(uow, row, case, now):
        if missing is not None:
            new = _apply(rules.request_supplement, case, now.date(), missing)
            required = list(row.service.materials or [])
            row.materials_missing = sorted(set(missing), key=lambda m: (m not in required, required.index(m)
                                                                         if m in required else 0, m))
            row.materials_received = [m for m in required if m not in missing]
            return new, {"missing_count": len(set(missing))}
        kind = _CASE_TYPES[proceed_as] if proceed_as else _CASE_TYPES.get(row.service.case_type, CaseType.PROMISED)
        codes = _department_codes(uow.session, co_departments, "co_departments")
        new = _apply(rules.complete_materials, case, now, kind, _handler(actor), reason=reason,
                     co_departments=codes)
        if new.case_type is CaseType.JOINT:
            new = _apply(rules.notify_co_departments, new, now.date())
        row.materials_received = list(row.service.materials or [])
        row.materials_missing = []
        return new, {"completed": True, "proceed_as": new.case_type.value}

    return _change(ctx, actor, case_id, "case.supplement", change)


def handover(ctx: HallContext, actor: Actor, case_id: int, *, department_id, limit_days=None, opinion=None) -> dict:
    """交接: hand the step in progress to another department; that stage's clock starts the next day."""
    department_id = _int_id(department_id, "department_id")
    opinion = _text(opinion, "opinion")
    if limit_days is not None and (isinstance(limit_days, bool) or not isinstance(limit_days, int)):
        raise Invalid("limit_days must be an integer")

    def change(uow, row, case, now):
        dept = uow.session.get(Department, department_id)
        if dept is None:
            raise NotFound("no department with id %(department_id)s", department_id=department_id)
        _require_approver(actor, case)
        new = _apply(rules.hand_over, case, now, _handler(actor), dept.code, limit_days=limit_days,
                     opinion=opinion)
        return new, {"to_department_id": dept.id, "step": rules.current_step(new).name.value}

    return _change(ctx, actor, case_id, "case.handover", change)


def pause(ctx: HallContext, actor: Actor, case_id: int, *, kind, reason, start=None, end=None,
          approved_by=None) -> dict:
    """特别程序: pause the clock (hearing, site check, testing, expert review) or grant an extension."""
    if kind not in _PAUSE_KINDS:
        raise Invalid("kind must be one of %(kinds)s", kinds=", ".join(_PAUSE_KINDS))
    reason = _text(reason, "reason", required=True)
    approved_by = _text(approved_by, "approved_by", limit=100)
    pause_kind = _PAUSE_KINDS[kind]
    if pause_kind is PauseKind.EXTENSION and actor.role not in APPROVERS:
        raise Forbidden("an extension is approved by the window lead (首席代表) or above")

    def change(uow, row, case, now):
        first = _date(start, "start", now.date())
        last = None if end is None else _date(end, "end", now.date())
        calendar = current_calendar(uow.session)
        if pause_kind is PauseKind.EXTENSION:
            if last is None:
                raise Invalid("an extension needs its end date")
            try:
                Pause(pause_kind, first, last, reason, approved_by or _handler(actor))
            except CaseRuleError as exc:
                raise Invalid.of(exc) from exc
            new = _apply(rules.request_extension, case, calendar, first, last, reason,
                         approved_by or _handler(actor))
            granted = new.late_extension_requests == case.late_extension_requests
            return new, {"kind": kind, "start": first.isoformat(), "end": last.isoformat(), "granted": granted}
        try:
            item = Pause(pause_kind, first, last, reason, approved_by)
        except CaseRuleError as exc:
            raise Invalid.of(exc) from exc
        new = _apply(rules.add_pause, case, calendar, item)
        return new, {"kind": kind, "start": first.isoformat(), "end": None if last is None else last.isoformat()}

    return _change(ctx, actor, case_id, "case.paused", change)


def resume(ctx: HallContext, actor: Actor, case_id: int, *, end=None) -> dict:
    """恢复计时: end the running special procedure (default: today); the clock runs again next working day."""
    def change(uow, row, case, now):
        last = _date(end, "end", now.date())
        running = [p for p in case.pauses if p.end is None]
        if running and last < running[0].start:
            raise Invalid("a pause cannot end (%(end)s) before it starts (%(start)s)",
                          end=last.isoformat(), start=running[0].start.isoformat())
        return _apply(rules.end_pause, case, last), {"end": last.isoformat()}

    return _change(ctx, actor, case_id, "case.resumed", change)


def finish(ctx: HallContext, actor: Actor, case_id: int, *, opinion=None, forwarded_to=None) -> dict:
    """办结: pass the finish step; an immediate case passes its remaining steps at once; a report-up case is
    forwarded to the higher authority instead."""
    opinion = _text(opinion, "opinion")
    forwarded_to = _text(forwarded_to, "forwarded_to", limit=200)

    def change(uow, row, case, now):
        if case.case_type is CaseType.REPORT_UP:
            if not forwarded_to.strip():
                raise Invalid("a report-up case is finished by forwarding it: forwarded_to is required")
            new = _apply(rules.forward_up, case, now, _handler(actor), forwarded_to)
            return new, {"closing_code": ClosingCode.FORWARDED.value}
        if case.closing is not None or case.status is CaseStatus.AWAITING_MATERIALS:
            _apply(rules.record_step, case, now, _handler(actor), StepAction.PASS)  # the domain says why not
        new = case
        while new.closing is None:
            step = rules.current_step(new)
            if step is None:
                raise Conflict("case %(case)s has no step in progress", case=case.number)
            if step.name is not StepName.FINISH and case.case_type is not CaseType.IMMEDIATE:
                raise Conflict("case %(case)s is at the %(step)s step; record each step before finishing",
                               case=case.number, step=Term(step.name.value, "case step"))
            _require_approver(actor, new)
            new = _apply(rules.record_step, new, now, _handler(actor), StepAction.PASS,
                         opinion=opinion if step.name is StepName.FINISH else "")
        return new, None

    return _change(ctx, actor, case_id, "case.closed", change)


def return_case(ctx: HallContext, actor: Actor, case_id: int, *, reason) -> dict:
    """退回/不予受理: close the case with the written reason the applicant may contest."""
    reason = _text(reason, "reason", required=True)

    def change(uow, row, case, now):
        return _apply(rules.return_case, case, now, _handler(actor), reason), None

    return _change(ctx, actor, case_id, "case.closed", change)


def void(ctx: HallContext, actor: Actor, case_id: int, *, reason) -> dict:
    """作废: void a case opened in error or withdrawn, with a reason."""
    reason = _text(reason, "reason", required=True)

    def change(uow, row, case, now):
        return _apply(rules.void_case, case, now, _handler(actor), reason), None

    return _change(ctx, actor, case_id, "case.closed", change)


def no_show(ctx: HallContext, actor: Actor, case_id: int, *, told_on) -> dict:
    """申请人未按时到场: the applicant did not come on the day told; the case counts as on time."""
    def change(uow, row, case, now):
        if told_on is None:
            raise Invalid("told_on is required")
        day = _date(told_on, "told_on", now.date())
        if day > now.date():
            raise Invalid("told_on cannot be in the future")
        return _apply(rules.record_no_show, case, day), {"told_on": day.isoformat()}

    return _change(ctx, actor, case_id, "case.no_show", change)


def opinion(ctx: HallContext, actor: Actor, case_id: int, *, department_id, consent, opinion, on=None) -> dict:
    """书面审核意见: a co-department's written opinion on a joint case."""
    department_id = _int_id(department_id, "department_id")
    if not isinstance(consent, bool):
        raise Invalid("consent must be true or false")
    text = _text(opinion, "opinion", required=True)
    with ctx.read() as session:
        dept = session.get(Department, department_id)
        if dept is None:
            raise NotFound("no department with id %(department_id)s", department_id=department_id)
        code = dept.code
    if actor.role not in WINDOW_OVERSEERS:
        with ctx.read() as session:
            if _staff_department(session, actor) != code:
                raise Forbidden("a co-department's opinion is given by that department")

    def change(uow, row, case, now):
        day = _date(on, "on", now.date())
        if day > now.date():
            raise Invalid("an opinion cannot be dated in the future")
        new = _apply(rules.record_opinion, case, code, day, consent, text)
        calendar = current_calendar(uow.session)
        return new, {"department_id": department_id, "consent": consent,
                     "late": code in rules.late_co_departments(new, calendar, now.date())}

    return _change(ctx, actor, case_id, "case.opinion", change, departments=(code,))


# -- reads -------------------------------------------------------------------------------------

def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _may_read_full_name(session: Session, actor: Actor, row: CaseRecord) -> bool:
    """The full name: window leads and above, and the clerk holding the case's window."""
    return actor.is_staff and (actor.role in APPROVERS or (actor.role == "clerk"
                                                           and _holds_window(session, actor, row.window_id)))


def _summary(row: CaseRecord, base_url: str) -> dict:
    """A case in a list: its number, clock and masked applicant."""
    return {
        "id": row.id, "number": row.number, "service_id": row.service_id, "service_name": row.service.name,
        "department_id": row.department_id, "window_id": row.window_id, "ticket_id": row.ticket_id,
        "case_type": row.case_type, "status": row.status, "closing_code": row.closing_code,
        "received_at": row.received_at.isoformat(), "deadline": _iso(row.deadline),
        "provisional": row.provisional, "yellow_from": _iso(row.yellow_from),
        "step_deadline": _iso(row.step_deadline), "signal": row.signal,
        "signal_reasons": list(row.signal_reasons), "deemed_approved": row.deemed_approved,
        "security_sensitive": row.security_sensitive,
        "applicant": {"kind": row.applicant_kind, "name_masked": row.applicant_name_masked,
                      "id_masked": row.applicant_id_masked},
        "materials_received": list(row.materials_received), "materials_missing": list(row.materials_missing),
        "status_url": f"{base_url}/c/{row.token}", "updated_at": row.updated_at.isoformat(),
    }


def _staff_view(session: Session, ctx: HallContext, actor: Actor, row: CaseRecord, case: Case) -> dict:
    """One case for staff: the summary with its steps, pauses, notices and co-departments."""
    view = _summary(row, ctx.settings.public_url)
    if _may_read_full_name(session, actor, row):
        view["applicant"]["name"] = personal_data.for_secret(ctx.settings.secret_key).decrypt_name(
            row.applicant_name_enc)
    step = rules.current_step(case)
    today = ctx.clock.now().astimezone(_tz(ctx, session)).date()
    late = set(rules.late_co_departments(case, current_calendar(session), today)) if case.co_departments else set()
    view.update({
        "current_step": None if step is None else step.name.value,
        "workflow": [s.value for s in case.workflow],
        "closing_reason": None if case.closing is None else case.closing.reason,
        "steps": [{"name": s.name.value, "department": s.department, "handler": s.handler,
                   "started_at": s.started_at.isoformat(), "ended_at": _iso(s.ended_at), "opinion": s.opinion,
                   "action": None if s.action is None else s.action.value, "limit_days": s.limit_days}
                  for s in case.steps],
        "pauses": [{"kind": p.kind.value, "start": p.start.isoformat(), "end": _iso(p.end), "reason": p.reason,
                    "approved_by": p.approved_by} for p in case.pauses],
        "supplement_rounds": [{"notified_on": r.notified_on.isoformat(), "missing": sorted(r.missing),
                               "completed_on": _iso(r.completed_on)} for r in case.supplement_rounds],
        "co_departments": [{"department": c.department, "notified_on": _iso(c.notified_on),
                            "opinion_on": _iso(c.opinion_on), "consent": c.consent, "opinion": c.opinion,
                            "deemed": c.deemed, "late": c.department in late} for c in case.co_departments],
        "no_show_on": _iso(case.no_show_on),
    })
    return view


def get_case(ctx: HallContext, actor: Actor, case_id: int) -> dict:
    """One case for staff; the applicant's full name only for window leads and above or the window's clerk."""
    _int_id(case_id, "case_id")
    with ctx.read() as session:
        row = session.get(CaseRecord, case_id)
        if row is None:
            raise NotFound("no case with id %(case_id)s", case_id=case_id)
        return _staff_view(session, ctx, actor, row, case_codec.decode(row.record))


def list_cases(ctx: HallContext, actor: Actor, *, status=None, window=None, warning=None, number=None, limit=50,
               offset=0) -> dict:
    """Cases by status, window, warning or case number, most urgent deadline first; masked applicants only.

    ``number`` finds the one case a citizen's receipt or notice names (spaces ignored, any letter case).
    """
    if status is not None and status not in STATUSES:
        raise Invalid("status must be one of %(statuses)s", statuses=", ".join(STATUSES))
    if warning is not None and warning not in WARNINGS:
        raise Invalid("warning must be one of %(warnings)s", warnings=", ".join(WARNINGS))
    for value, what in ((limit, "limit"), (offset, "offset")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid("%(what)s must be a non-negative integer", what=what)
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit must be between 1 and %(max_page)s", max_page=MAX_PAGE)
    if window is not None:
        window = _int_id(window, "window")
    if number is not None:
        number = "".join(_text(number, "number", limit=MAX_NUMBER).split()).upper()
        if not number:
            raise Invalid("number must not be empty")
    t = CaseRecord.__table__.c
    conditions = []
    if status == "open":
        conditions.append(IS_OPEN_CASE)
    elif status is not None:
        conditions.append(t.status == status)
    if window is not None:
        conditions.append(t.window_id == window)
    if number is not None:
        conditions.append(t.number == number)
    with ctx.read() as session:
        today = ctx.clock.now().astimezone(_tz(ctx, session)).date()
        if warning in ("yellow", "red"):
            conditions.append(t.signal == warning)
        elif warning == "any":
            conditions.append(t.signal != "none")
        elif warning == "step":
            conditions += [IS_OPEN_CASE, t.step_deadline < today]
        total = session.execute(select(func.count()).select_from(CaseRecord).where(*conditions)).scalar_one()
        rows = session.execute(
            select(CaseRecord).where(*conditions)
            .order_by(CaseRecord.deadline.is_(None), CaseRecord.deadline, CaseRecord.id)
            .limit(limit).offset(offset)).unique().scalars().all()
        return {"items": [_summary(r, ctx.settings.public_url) for r in rows], "total": total,
                "limit": limit, "offset": offset}


def case_status(ctx: HallContext, token: str) -> dict:
    """The citizen's case page: number, service, status and promised date; nothing personal."""
    if not isinstance(token, str) or not 1 <= len(token) <= 64:
        raise NotFound("no such case")
    with ctx.read() as session:
        row = session.execute(select(CaseRecord).where(CaseRecord.token == token)).unique().scalar_one_or_none()
        if row is None:
            raise NotFound("no such case")
        case = case_codec.decode(row.record)
        return {"number": row.number, "service_name": row.service.name, "service_name_en": row.service.name_en,
                "case_type": row.case_type, "status": row.status, "closing_code": row.closing_code,
                "received_on": case.received_at.date().isoformat(), "deadline": _iso(row.deadline),
                "provisional": row.provisional,
                "steps_done": [s.name.value for s in case.steps if s.ended_at is not None],
                "current_step": None if (s := rules.current_step(case)) is None else s.name.value}

