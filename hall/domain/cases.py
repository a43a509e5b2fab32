"""办件: the seven case types, the step workflow and the transitions the hall allows.

Cases are immutable values: every transition returns a new ``Case`` or raises
``CaseRuleError`` with a clear message, leaving the original untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from hall.domain.calendar import WorkingCalendar
from hall.domain.deadlines import (
    CaseRuleError,
    Deadline,
    Pause,
    PauseKind,
    TimeLimits,
    compute_deadline,
    joint_opinion_due,
)
from hall.domain.refusal import Term

__all__ = [
    "CaseType",
    "CaseStatus",
    "StepName",
    "StepAction",
    "ClosingCode",
    "Step",
    "SupplementRound",
    "CoDepartment",
    "Closing",
    "ReturnReview",
    "Case",
    "ProjectCategory",
    "LeadRole",
    "lead_role",
    "choose_lead_department",
    "DEFAULT_WORKFLOW",
    "open_case",
    "request_supplement",
    "complete_materials",
    "reject_for_supplement_timeout",
    "record_step",
    "hand_over",
    "return_case",
    "void_case",
    "forward_up",
    "add_pause",
    "end_pause",
    "request_extension",
    "record_no_show",
    "notify_co_departments",
    "record_opinion",
    "record_joint_meeting",
    "review_return",
    "case_deadline",
    "step_deadline",
    "current_step",
    "late_co_departments",
    "one_time_notice_breaches",
]


class CaseType(Enum):
    """办件类型: the seven kinds of case (七办件)."""

    IMMEDIATE = "immediate"  # 即办件: finished on the spot / the same day
    PROMISED = "promised"  # 承诺件: finished by the promised date, no extension
    JOINT = "joint"  # 联办件: a lead department and co-departments in parallel
    REPORT_UP = "report_up"  # 报批件: forwarded to a higher authority within the promise
    SPECIAL = "special"  # 特办件: urgent, routed directly by the centre
    SUPPLEMENT = "supplement"  # 补办件: materials incomplete, clock not started
    RETURNED = "returned"  # 退回件/答复件: not eligible, answered with a written reason


class CaseStatus(Enum):
    """办件状态: where a case stands."""

    AWAITING_MATERIALS = "awaiting_materials"  # 待补正
    IN_PROGRESS = "in_progress"  # 办理中
    CLOSED = "closed"  # 已结束 (see the closing code)


class StepName(Enum):
    """办理环节: the steps of the workflow, in order."""

    ACCEPT = "accept"  # 受理
    UNDERTAKE = "undertake"  # 承办
    REVIEW = "review"  # 审核
    APPROVE = "approve"  # 批准
    FINISH = "finish"  # 办结


class StepAction(Enum):
    """环节动作: how a step ended."""

    PASS = "pass"  # 通过: on to the next step
    RETURN = "return"  # 退回: back to the previous step, or to the applicant on closing
    OTHER = "other"  # 其他: the same step continues (hand-over, reassignment)


class ClosingCode(Enum):
    """办结类型: how a case was closed."""

    FINISHED = "finished"  # 办结
    RETURNED = "returned"  # 退回 / 不予受理 / 不予许可
    VOID = "void"  # 作废
    FORWARDED = "forwarded"  # 上报 (报批件)
    SUPPLEMENT_TIMEOUT = "supplement_timeout"  # 补正超期不予受理


DEFAULT_WORKFLOW: tuple[StepName, ...] = tuple(StepName)

# The action recorded on the step in progress when a case closes.
_CLOSING_ACTION = {
    ClosingCode.FINISHED: StepAction.PASS,
    ClosingCode.FORWARDED: StepAction.PASS,
    ClosingCode.RETURNED: StepAction.RETURN,
    ClosingCode.SUPPLEMENT_TIMEOUT: StepAction.RETURN,
    ClosingCode.VOID: StepAction.OTHER,
}

# Case types a supplement case may proceed as once its materials are complete (办件管理办法 五(二)3).
_AFTER_SUPPLEMENT = frozenset(
    {CaseType.IMMEDIATE, CaseType.RETURNED, CaseType.PROMISED, CaseType.JOINT}
)
_PROMISE_TYPES = frozenset(
    {CaseType.PROMISED, CaseType.JOINT, CaseType.REPORT_UP, CaseType.SPECIAL}
)


@dataclass(frozen=True, slots=True)
class Step:
    """办理环节记录: step name, department, handler, opinion, start, end and action."""

    name: StepName
    department: str
    handler: str
    started_at: datetime
    limit_days: int | None = None
    ended_at: datetime | None = None
    opinion: str = ""
    action: StepAction | None = None


@dataclass(frozen=True, slots=True)
class SupplementRound:
    """补正告知: one written notice listing the missing materials (一次性告知)."""

    notified_on: date
    missing: frozenset[str]
    completed_on: date | None = None


@dataclass(frozen=True, slots=True)
class CoDepartment:
    """联办单位: a co-department of a joint case, its notice and its written opinion."""

    department: str
    notified_on: date | None = None
    opinion_on: date | None = None
    consent: bool | None = None
    opinion: str = ""
    deemed: bool = False  # absent from the joint meeting: counts as consenting


@dataclass(frozen=True, slots=True)
class Closing:
    """结案: closing code, time, handler and the written reason where one is required."""

    code: ClosingCode
    at: datetime
    handler: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReturnReview:
    """复核: the business office's review of a returned case at the applicant's request."""

    decided_on: date
    upheld: bool
    reviewer: str
    opinion: str


@dataclass(frozen=True, slots=True)
class Case:
    """办件: one application handled at a window, with its clock and its record."""

    number: str
    case_type: CaseType
    department: str
    received_at: datetime
    limits: TimeLimits
    status: CaseStatus
    clock_base: date | None
    workflow: tuple[StepName, ...] = DEFAULT_WORKFLOW
    steps: tuple[Step, ...] = ()
    pauses: tuple[Pause, ...] = ()
    supplement_rounds: tuple[SupplementRound, ...] = ()
    co_departments: tuple[CoDepartment, ...] = ()
    closing: Closing | None = None
    security_sensitive: bool = False
    decided_on: date | None = None
    no_show_on: date | None = None
    late_extension_requests: tuple[date, ...] = ()
    return_review: ReturnReview | None = None

    @property
    def is_open(self) -> bool:
        """Whether the case is not yet closed."""
        return self.status is not CaseStatus.CLOSED

    @property
    def is_paused(self) -> bool:
        """Whether a special procedure is running now (the clock stands still)."""
        return any(p.end is None for p in self.pauses)

    @property
    def deadline_days(self) -> int:
        """Working days the clock allows: 0 (same day) for immediate and returned cases."""
        if self.case_type in (CaseType.IMMEDIATE, CaseType.RETURNED):
            return 0
        return self.limits.promised_days


# ----------------------------------------------------------------- joint lead
class ProjectCategory(Enum):
    """项目类别: the kind of project a joint case concerns, which decides its lead."""

    CAPITAL_CONSTRUCTION = "capital_construction"  # 基本建设
    FOREIGN_INVESTMENT = "foreign_investment"  # 外商投资
    TECHNICAL_UPGRADE = "technical_upgrade"  # 技术改造
    PUBLIC_WORKS = "public_works"  # 公益事业
    CONSTRUCTION = "construction"  # 建筑业
    TERTIARY = "tertiary"  # 三产
    INDIVIDUAL = "individual"  # 个体
    PRIVATE_ENTERPRISE = "private_enterprise"  # 私营企业
    OTHER = "other"  # 其它联办事项


class LeadRole(Enum):
    """牵头单位: the department roles named as leads of joint cases (办件管理办法 三(二))."""

    DEVELOPMENT_AND_REFORM = "development_and_reform"  # 发改局
    CONSTRUCTION_BUREAU = "construction_bureau"  # 建设局
    MARKET_REGULATION = "market_regulation"  # 工商局 / 市场监管


_LEAD_BY_CATEGORY = {
    ProjectCategory.CAPITAL_CONSTRUCTION: LeadRole.DEVELOPMENT_AND_REFORM,
    ProjectCategory.FOREIGN_INVESTMENT: LeadRole.DEVELOPMENT_AND_REFORM,
    ProjectCategory.TECHNICAL_UPGRADE: LeadRole.DEVELOPMENT_AND_REFORM,
    ProjectCategory.PUBLIC_WORKS: LeadRole.CONSTRUCTION_BUREAU,
    ProjectCategory.CONSTRUCTION: LeadRole.CONSTRUCTION_BUREAU,
    ProjectCategory.TERTIARY: LeadRole.MARKET_REGULATION,
    ProjectCategory.INDIVIDUAL: LeadRole.MARKET_REGULATION,
    ProjectCategory.PRIVATE_ENTERPRISE: LeadRole.MARKET_REGULATION,
}


def lead_role(category: ProjectCategory) -> LeadRole | None:
    """The lead role fixed for a project category, or None when the case decides it."""
    return _LEAD_BY_CATEGORY.get(category)


def choose_lead_department(
    category: ProjectCategory,
    departments_by_role: Mapping[LeadRole, str],
    approval_chain: Sequence[str] = (),
    named_by_centre: str | None = None,
) -> str:
    """牵头单位: the lead department of a joint case (办件管理办法 三(二)).

    Capital construction, foreign investment and technical upgrade → development and
    reform; public works and construction → construction bureau; tertiary, individual
    and private business → market regulation. Otherwise the department the centre names,
    or failing that the last approving department of the approval chain.
    """
    role = lead_role(category)
    if role is not None:
        if role not in departments_by_role:
            raise CaseRuleError("no department is configured as the hall's %(role)s lead",
                                role=Term(role.value, "lead role"))
        return departments_by_role[role]
    if named_by_centre:
        return named_by_centre
    if approval_chain:
        return approval_chain[-1]
    raise CaseRuleError(
        "a joint case of another kind needs the last approving department or one named by the centre"
    )


# ----------------------------------------------------------------- helpers
def _require_text(value: str, what: str) -> str:
    """Refuse an empty written text (reason, opinion, handler)."""
    if not value or not value.strip():
        raise CaseRuleError("%(what)s is required", what=Term(what, "case field"))
    return value


def _require_open(case: Case, doing: str) -> None:
    """Refuse acting on a closed case."""
    if case.closing is not None:
        raise CaseRuleError(
            "case %(case)s is closed (%(closing)s); it cannot be %(doing)s",
            case=case.number, closing=Term(case.closing.code.value, "case closing"), doing=Term(doing, "case action"),
        )


def _require_in_progress(case: Case, doing: str) -> None:
    """Refuse acting on a case that is closed or whose clock has not started."""
    _require_open(case, doing)
    if case.status is CaseStatus.AWAITING_MATERIALS:
        raise CaseRuleError(
            "case %(case)s is waiting for missing materials; it cannot be %(doing)s",
            case=case.number, doing=Term(doing, "case action"),
        )


def current_step(case: Case) -> Step | None:
    """The step in progress, or None."""
    if case.steps and case.steps[-1].ended_at is None:
        return case.steps[-1]
    return None


def _end_current(case: Case, at: datetime, handler: str, action: StepAction, opinion: str) -> Case:
    """End the step in progress with the given action."""
    step = current_step(case)
    if step is None:
        raise CaseRuleError("case %(case)s has no step in progress", case=case.number)
    if at < step.started_at:
        raise CaseRuleError(
            "the %(step)s step cannot end (%(at)s) before it started "
            "(%(started_at)s)",
            step=Term(step.name.value, "case step"), at=at.isoformat(), started_at=step.started_at.isoformat(),
        )
    ended = replace(step, handler=handler, ended_at=at, action=action, opinion=opinion)
    return replace(case, steps=(*case.steps[:-1], ended))


def _close(case: Case, code: ClosingCode, at: datetime, handler: str, reason: str = "") -> Case:
    """Close a case, ending any running pause and step on the closing day."""
    if at < case.received_at:
        raise CaseRuleError("a case cannot close before it was received")
    pauses = tuple(
        replace(p, end=max(at.date(), p.start)) if p.end is None else p for p in case.pauses
    )
    if current_step(case) is not None:
        case = _end_current(case, at, handler, _CLOSING_ACTION[code], reason)
    return replace(
        case,
        status=CaseStatus.CLOSED,
        pauses=pauses,
        closing=Closing(code, at, handler, reason),
    )


# ------------------------------------------------------------------ opening
def open_case(
    number: str,
    case_type: CaseType,
    department: str,
    received_at: datetime,
    limits: TimeLimits,
    handler: str,
    *,
    workflow: Sequence[StepName] = DEFAULT_WORKFLOW,
    missing_materials: Iterable[str] = (),
    reason: str = "",
    co_departments: Iterable[str] = (),
    security_sensitive: bool = False,
) -> Case:
    """受理: open a case of the given type at the window.

    Supplement cases list every missing material at once and wait with the clock stopped;
    returned/reply cases need the written reason and close at once; joint cases need at
    least one co-department besides the lead; promised, joint, report-up and special
    cases need a promised limit of at least one working day.
    """
    _require_text(handler, "the accepting clerk")
    workflow = tuple(workflow)
    if (
        not workflow
        or workflow[0] is not StepName.ACCEPT
        or workflow[-1] is not StepName.FINISH
        or list(workflow) != sorted(set(workflow), key=list(StepName).index)
    ):
        raise CaseRuleError("a workflow runs in order from accept to finish, each step once")
    if case_type in _PROMISE_TYPES and limits.promised_days < 1:
        raise CaseRuleError(
            "a %(case_type)s case needs a promised limit of at least one working day",
            case_type=Term(case_type.value, "case type"),
        )
    case = Case(
        number=number,
        case_type=case_type,
        department=department,
        received_at=received_at,
        limits=limits,
        status=CaseStatus.IN_PROGRESS,
        clock_base=received_at.date(),
        workflow=workflow,
        security_sensitive=security_sensitive,
    )
    if case_type is CaseType.SUPPLEMENT:
        missing = frozenset(m for m in missing_materials if m.strip())
        if not missing:
            raise CaseRuleError("a supplement case must list the missing materials (一次性告知)")
        return replace(
            case,
            status=CaseStatus.AWAITING_MATERIALS,
            clock_base=None,
            supplement_rounds=(SupplementRound(received_at.date(), missing),),
        )
    if case_type is CaseType.JOINT:
        case = _with_co_departments(case, co_departments)
    case = replace(case, steps=(Step(StepName.ACCEPT, department, handler, received_at),))
    if case_type is CaseType.RETURNED:
        _require_text(reason, "a returned case's written reason")
        return _close(case, ClosingCode.RETURNED, received_at, handler, reason)
    return case


def _with_co_departments(case: Case, co_departments: Iterable[str]) -> Case:
    """Attach a joint case's co-departments, refusing fewer than two departments in all."""
    others = tuple(dict.fromkeys(d for d in co_departments if d and d != case.department))
    if not others:
        raise CaseRuleError(
            "a joint case needs at least two departments: the lead and a co-department"
        )
    return replace(case, co_departments=tuple(CoDepartment(d) for d in others))


# ---------------------------------------------------------------- supplement
def request_supplement(case: Case, on: date, missing: Iterable[str]) -> Case:
    """补正告知: a further written notice of what is still missing, while the clock waits."""
    _require_open(case, "asked for materials")
    if case.status is not CaseStatus.AWAITING_MATERIALS:
        raise CaseRuleError(
            "case %(case)s has been accepted; materials are asked for before acceptance", case=case.number,
        )
    missing_set = frozenset(m for m in missing if m.strip())
    if not missing_set:
        raise CaseRuleError("a supplement notice must list the missing materials")
    last = case.supplement_rounds[-1]
    if on < last.notified_on:
        raise CaseRuleError("a supplement notice cannot predate the previous one")
    closed = replace(last, completed_on=on)
    return replace(
        case,
        supplement_rounds=(*case.supplement_rounds[:-1], closed, SupplementRound(on, missing_set)),
    )


def complete_materials(
    case: Case,
    at: datetime,
    proceed_as: CaseType,
    handler: str,
    *,
    reason: str = "",
    co_departments: Iterable[str] = (),
) -> Case:
    """补齐材料: the clock starts the day after; the case proceeds as immediate, reply, promised or joint."""
    _require_open(case, "completed")
    if case.status is not CaseStatus.AWAITING_MATERIALS:
        raise CaseRuleError("case %(case)s is not waiting for materials", case=case.number)
    if proceed_as not in _AFTER_SUPPLEMENT:
        raise CaseRuleError(
            "after its materials are complete a case proceeds as immediate, returned/reply, "
            "promised or joint, not %(case_type)s", case_type=Term(proceed_as.value, "case type"),
        )
    _require_text(handler, "the accepting clerk")
    last = case.supplement_rounds[-1]
    if at.date() < last.notified_on:
        raise CaseRuleError("materials cannot be completed before they were asked for")
    if proceed_as in _PROMISE_TYPES and case.limits.promised_days < 1:
        raise CaseRuleError(
            "a %(case_type)s case needs a promised limit of at least one working day",
            case_type=Term(proceed_as.value, "case type"),
        )
    case = replace(
        case,
        case_type=proceed_as,
        status=CaseStatus.IN_PROGRESS,
        clock_base=at.date(),
        supplement_rounds=(*case.supplement_rounds[:-1], replace(last, completed_on=at.date())),
        steps=(Step(StepName.ACCEPT, case.department, handler, at),),
    )
    if proceed_as is CaseType.JOINT:
        case = _with_co_departments(case, co_departments)
    if proceed_as is CaseType.RETURNED:
        _require_text(reason, "a returned case's written reason")
        return _close(case, ClosingCode.RETURNED, at, handler, reason)
    return case


def reject_for_supplement_timeout(case: Case, at: datetime, handler: str, reason: str) -> Case:
    """补正超期: close a case whose materials never came, with a written reason."""
    _require_open(case, "rejected for missing materials")
    if case.status is not CaseStatus.AWAITING_MATERIALS:
        raise CaseRuleError("case %(case)s is not waiting for materials", case=case.number)
    _require_text(reason, "the written reason")
    return _close(case, ClosingCode.SUPPLEMENT_TIMEOUT, at, handler, reason)


def one_time_notice_breaches(case: Case) -> frozenset[str]:
    """一次性告知: materials asked for in a later notice that the first notice did not list."""
    if not case.supplement_rounds:
        return frozenset()
    first = case.supplement_rounds[0].missing
    later = frozenset().union(*(r.missing for r in case.supplement_rounds[1:]))
    return later - first


# ------------------------------------------------------------------- steps
def record_step(
    case: Case,
    at: datetime,
    handler: str,
    action: StepAction,
    *,
    opinion: str = "",
    next_department: str | None = None,
    next_limit_days: int | None = None,
) -> Case:
    """Record the end of the step in progress and start the one its action leads to.

    PASS moves on (passing the finish step closes the case as finished, passing the
    approve step records the decision); RETURN sends the case back one step (at the
    accept step use ``return_case``, which needs a written reason); OTHER keeps the step.
    """
    _require_in_progress(case, "advanced")
    _require_text(handler, "the step's handler")
    step = current_step(case)
    if step is None:
        raise CaseRuleError("case %(case)s has no step in progress", case=case.number)
    if (
        case.case_type is CaseType.REPORT_UP
        and step.name is StepName.FINISH
        and action is StepAction.PASS
    ):
        raise CaseRuleError("report-up case %(case)s closes by being forwarded up", case=case.number)
    position = case.workflow.index(step.name)
    if action is StepAction.PASS:
        if step.name is StepName.FINISH:
            return _close(
                replace(case, decided_on=case.decided_on or at.date()),
                ClosingCode.FINISHED,
                at,
                handler,
                opinion,
            )
        nxt = case.workflow[position + 1]
    elif action is StepAction.RETURN:
        if position == 0:
            raise CaseRuleError("refusing at acceptance needs a written reason: return the case")
        _require_text(opinion, "the opinion explaining the return")
        nxt = case.workflow[position - 1]
    else:
        nxt = step.name
    if next_limit_days is not None and next_limit_days < 1:
        raise CaseRuleError("a step limit is at least one working day")
    case = _end_current(case, at, handler, action, opinion)
    if action is StepAction.PASS and step.name is StepName.APPROVE:
        case = replace(case, decided_on=at.date())
    if action is StepAction.RETURN and step.name is StepName.FINISH:
        case = replace(case, decided_on=None)
    new = Step(nxt, next_department or step.department, "", at, next_limit_days)
    return replace(case, steps=(*case.steps, new))


def hand_over(
    case: Case,
    at: datetime,
    handler: str,
    to_department: str,
    *,
    limit_days: int | None = None,
    opinion: str = "",
) -> Case:
    """交接: hand the step in progress to another department; its stage clock starts the next day."""
    _require_in_progress(case, "handed over")
    step = current_step(case)
    if step is None:
        raise CaseRuleError("case %(case)s has no step in progress", case=case.number)
    if to_department == step.department:
        raise CaseRuleError("the %(step)s step is already with %(department)s",
                            step=Term(step.name.value, "case step"), department=to_department)
    return record_step(
        case,
        at,
        handler,
        StepAction.OTHER,
        opinion=opinion,
        next_department=to_department,
        next_limit_days=limit_days,
    )


def return_case(case: Case, at: datetime, handler: str, reason: str) -> Case:
    """退回/不予受理/不予许可: close the case with a written reason the applicant may contest."""
    _require_in_progress(case, "returned")
    _require_text(reason, "the written reason")
    return _close(case, ClosingCode.RETURNED, at, handler, reason)


def void_case(case: Case, at: datetime, handler: str, reason: str) -> Case:
    """作废: void a case opened in error or withdrawn, with a reason."""
    _require_open(case, "voided")
    _require_text(reason, "the reason for voiding")
    return _close(case, ClosingCode.VOID, at, handler, reason)


def forward_up(case: Case, at: datetime, handler: str, authority: str) -> Case:
    """上报: a report-up case is forwarded to the higher authority, which the window then tracks."""
    _require_in_progress(case, "forwarded up")
    if case.case_type is not CaseType.REPORT_UP:
        raise CaseRuleError("only report-up cases are forwarded up, not %(case_type)s",
                            case_type=Term(case.case_type.value, "case type"))
    _require_text(authority, "the higher authority")
    return _close(case, ClosingCode.FORWARDED, at, handler, f"forwarded to {authority}")


# ------------------------------------------------------------------ the clock
def case_deadline(
    case: Case, calendar: WorkingCalendar, *, as_of: date | None = None
) -> Deadline | None:
    """办结期限: the case's deadline, or None while it waits for materials."""
    if case.clock_base is None:
        return None
    return compute_deadline(calendar, case.clock_base, case.deadline_days, case.pauses, as_of=as_of)


def step_deadline(
    case: Case, step: Step, calendar: WorkingCalendar, *, as_of: date | None = None
) -> Deadline | None:
    """环节期限: a step's own deadline, counted from the day after it started; None if unlimited."""
    if step.limit_days is None:
        return None
    return compute_deadline(
        calendar, step.started_at.date(), step.limit_days, case.pauses, as_of=as_of
    )


def _check_new_pause(case: Case, calendar: WorkingCalendar, pause: Pause) -> Deadline:
    """Refuse a pause the case type forbids, that overlaps another, or starts off the clock."""
    _require_in_progress(case, "paused")
    if case.case_type is CaseType.IMMEDIATE:
        raise CaseRuleError("an immediate case is finished on the spot; its clock is not paused")
    if case.is_paused:
        raise CaseRuleError("case %(case)s is already paused; end that pause first", case=case.number)
    if case.case_type is CaseType.PROMISED and pause.kind is PauseKind.SITE_CHECK:
        raise CaseRuleError(
            "a promised case's site check is made within the promise (办件管理办法 二(二)3)"
        )
    assert case.clock_base is not None
    if pause.start < case.clock_base:
        raise CaseRuleError("a pause cannot start before the case's clock")
    for other in case.pauses:
        assert other.end is not None
        if pause.start <= other.end and (pause.end is None or other.start <= pause.end):
            raise CaseRuleError(
                "the pause overlaps the %(kind)s pause from %(start)s",
                kind=Term(other.kind.value, "pause kind"), start=other.start.isoformat(),
            )
    deadline = compute_deadline(calendar, case.clock_base, case.deadline_days, case.pauses)
    return deadline


def add_pause(case: Case, calendar: WorkingCalendar, pause: Pause) -> Case:
    """特别程序: pause the clock for a hearing, site check, testing or expert review."""
    if pause.kind is PauseKind.EXTENSION:
        raise CaseRuleError("an extension is asked for with request_extension")
    deadline = _check_new_pause(case, calendar, pause)
    if pause.start > deadline.date:
        raise CaseRuleError(
            "the deadline passed on %(date)s; a special procedure "
            "started afterwards cannot stop the clock", date=deadline.date.isoformat(),
        )
    return replace(case, pauses=(*case.pauses, pause))


def end_pause(case: Case, end: date) -> Case:
    """恢复计时: end the running special procedure; the clock runs again the next working day."""
    _require_in_progress(case, "resumed")
    running = [i for i, p in enumerate(case.pauses) if p.end is None]
    if not running:
        raise CaseRuleError("case %(case)s is not paused", case=case.number)
    i = running[0]
    ended = replace(case.pauses[i], end=end)  # validates end ≥ start
    return replace(case, pauses=(*case.pauses[:i], ended, *case.pauses[i + 1 :]))


def request_extension(
    case: Case,
    calendar: WorkingCalendar,
    requested_on: date,
    end: date,
    reason: str,
    approved_by: str,
) -> Case:
    """延期: an approved extension from ``requested_on`` to ``end``, asked before the deadline.

    Promised cases have no extension. A request made after the deadline is recorded but
    grants nothing: asking only after the promise passed is itself overdue (限时办结 Art.11(三)).
    The total extension may not exceed the statutory one (10 working days, joint 15).
    """
    if case.case_type is CaseType.PROMISED:
        raise CaseRuleError("a promised case is finished within the promise; it has no extension")
    pause = Pause(PauseKind.EXTENSION, requested_on, end, reason, approved_by)
    deadline = _check_new_pause(case, calendar, pause)
    if requested_on > deadline.date:
        return replace(case, late_extension_requests=(*case.late_extension_requests, requested_on))
    extensions = [p for p in case.pauses if p.kind is PauseKind.EXTENSION] + [pause]
    used = sum(
        calendar.day_index(p.until(None)) - calendar.day_index_before(p.start) for p in extensions
    )
    if used > case.limits.extension_days:
        raise CaseRuleError(
            "extensions would total %(used)s working days; at most "
            "%(extension_days)s are allowed", used=used, extension_days=case.limits.extension_days,
        )
    return replace(case, pauses=(*case.pauses, pause))


def record_no_show(case: Case, told_on: date) -> Case:
    """申请人未按时到场: the applicant did not come on the day told; the case counts as on time.

    Only a day within the deadline counts (限时办结制度 Art.12).
    """
    _require_in_progress(case, "marked as a no-show")
    if told_on < case.received_at.date():
        raise CaseRuleError("the applicant cannot have been told to come before applying")
    return replace(case, no_show_on=told_on)


# ------------------------------------------------------------------- joint
def notify_co_departments(case: Case, on: date) -> Case:
    """联办件通知书: the centre notifies the co-departments not yet notified."""
    _require_in_progress(case, "sent joint notices")
    if case.case_type is not CaseType.JOINT:
        raise CaseRuleError("case %(case)s is not a joint case", case=case.number)
    if on < case.received_at.date():
        raise CaseRuleError("a joint notice cannot predate the application")
    return replace(
        case,
        co_departments=tuple(
            replace(c, notified_on=on) if c.notified_on is None else c for c in case.co_departments
        ),
    )


def _co(case: Case, department: str) -> int:
    """Index of a notified co-department, refusing unknown or unnotified ones."""
    for i, c in enumerate(case.co_departments):
        if c.department == department:
            if c.notified_on is None:
                raise CaseRuleError("%(department)s has not been sent the joint notice", department=department)
            return i
    raise CaseRuleError("%(department)s is not a co-department of case %(case)s",
                        department=department, case=case.number)


def record_opinion(case: Case, department: str, on: date, consent: bool, opinion: str) -> Case:
    """书面审核意见: a co-department's written opinion on a joint case."""
    _require_in_progress(case, "given an opinion")
    i = _co(case, department)
    co = case.co_departments[i]
    if co.opinion_on is not None:
        raise CaseRuleError("%(department)s has already given its opinion", department=department)
    assert co.notified_on is not None
    if on < co.notified_on:
        raise CaseRuleError("an opinion cannot predate the joint notice")
    _require_text(opinion, "the written opinion")
    updated = replace(co, opinion_on=on, consent=consent, opinion=opinion)
    return replace(
        case, co_departments=(*case.co_departments[:i], updated, *case.co_departments[i + 1 :])
    )


def record_joint_meeting(case: Case, held_on: date, present: Iterable[str]) -> Case:
    """联审会: co-departments absent from the joint meeting are deemed to consent."""
    _require_in_progress(case, "given a joint meeting")
    if case.case_type is not CaseType.JOINT:
        raise CaseRuleError("case %(case)s is not a joint case", case=case.number)
    there = set(present)
    updated = []
    for co in case.co_departments:
        if co.department not in there and co.opinion_on is None and co.notified_on is not None:
            co = replace(
                co,
                opinion_on=held_on,
                consent=True,
                deemed=True,
                opinion="absent from the joint meeting: deemed to consent",
            )
        updated.append(co)
    return replace(case, co_departments=tuple(updated))


def late_co_departments(case: Case, calendar: WorkingCalendar, today: date) -> tuple[str, ...]:
    """Co-departments whose opinion came, or is still missing, after its 5-working-day due day."""
    late = []
    for co in case.co_departments:
        if co.notified_on is None:
            continue
        due = joint_opinion_due(calendar, co.notified_on).date
        if (co.opinion_on or today) > due:
            late.append(co.department)
    return tuple(late)


# ---------------------------------------------------------------- review
def review_return(case: Case, decided_on: date, upheld: bool, reviewer: str, opinion: str) -> Case:
    """复核: the business office upholds or overturns a returned case's refusal."""
    if case.closing is None or case.closing.code is not ClosingCode.RETURNED:
        raise CaseRuleError("only a returned case can be reviewed; case %(case)s is not one", case=case.number)
    if case.return_review is not None:
        raise CaseRuleError("case %(case)s has already been reviewed", case=case.number)
    if decided_on < case.closing.at.date():
        raise CaseRuleError("a review cannot predate the return")
    _require_text(reviewer, "the reviewer")
    _require_text(opinion, "the review opinion")
    return replace(case, return_review=ReturnReview(decided_on, upheld, reviewer, opinion))
