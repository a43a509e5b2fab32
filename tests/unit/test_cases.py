"""The seven case types, the step workflow, closing codes and refused transitions."""

from datetime import date, datetime

import pytest

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    WorkingCalendar,
    arrangements_from_chinese_calendar,
)
from hall.domain.cases import (
    CaseStatus,
    CaseType,
    ClosingCode,
    LeadRole,
    ProjectCategory,
    StepAction,
    StepName,
    add_pause,
    case_deadline,
    choose_lead_department,
    complete_materials,
    current_step,
    end_pause,
    forward_up,
    hand_over,
    late_co_departments,
    lead_role,
    notify_co_departments,
    one_time_notice_breaches,
    open_case,
    record_joint_meeting,
    record_no_show,
    record_opinion,
    record_step,
    reject_for_supplement_timeout,
    request_extension,
    request_supplement,
    return_case,
    review_return,
    step_deadline,
    void_case,
)
from hall.domain.deadlines import CaseRuleError, Pause, PauseKind, validate_catalogue_limits

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
LIMITS = validate_catalogue_limits(10, 20)
JOINT_LIMITS = validate_catalogue_limits(30, 45, joint=True)
MON = datetime(2025, 3, 3, 9, 30)  # an ordinary Monday


def at(day, hour=10):
    """A time on a day of March 2025."""
    return datetime(2025, 3, day, hour)


def promised(**kw):
    """A promised case received on Monday 3 March 2025."""
    return open_case("C1", CaseType.PROMISED, "民政局", MON, LIMITS, "张三", **kw)


def run_through(case, start_day=3):
    """Pass every remaining step, one per day."""
    day = start_day
    while case.is_open:
        case = record_step(case, at(day), "李四", StepAction.PASS, opinion="同意")
        day += 1
    return case


# ------------------------------------------------------------------ types
def test_immediate_case_is_due_the_same_day():
    """即办件: due the day of receipt, even on a weekend service day."""
    case = open_case("C1", CaseType.IMMEDIATE, "民政局", datetime(2025, 3, 8, 10), LIMITS, "张三")
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 8)


def test_immediate_case_cannot_pause():
    """即办件 is finished on the spot: no special procedure pauses it."""
    case = open_case("C1", CaseType.IMMEDIATE, "民政局", MON, LIMITS, "张三")
    with pytest.raises(CaseRuleError, match="immediate"):
        add_pause(case, CALENDAR, Pause(PauseKind.HEARING, date(2025, 3, 3), None, "听证"))


def test_promised_case_due_by_promise_and_finished_through_all_steps():
    """承诺件: due 10 working days after receipt; five steps then closed as finished."""
    case = promised()
    assert case.status is CaseStatus.IN_PROGRESS
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 17)
    assert current_step(case).name is StepName.ACCEPT
    done = run_through(case)
    assert [s.name for s in done.steps] == list(StepName)
    assert all(s.action is StepAction.PASS and s.ended_at for s in done.steps)
    assert done.closing.code is ClosingCode.FINISHED
    assert done.decided_on == date(2025, 3, 6)  # the approve step passed on day 4


def test_promised_case_needs_a_promise():
    """A promised case with a zero-day promise is refused."""
    with pytest.raises(CaseRuleError, match="at least one working day"):
        open_case("C1", CaseType.PROMISED, "民政局", MON, validate_catalogue_limits(0, 20), "张三")


def test_promised_case_has_no_extension():
    """承诺件: finish within the promise, no extension."""
    with pytest.raises(CaseRuleError, match="no extension"):
        request_extension(
            promised(), CALENDAR, date(2025, 3, 5), date(2025, 3, 10), "复杂", "王局长"
        )


def test_promised_case_site_check_is_within_the_promise():
    """承诺件: site checks are organised within the promise, they do not stop the clock."""
    pause = Pause(PauseKind.SITE_CHECK, date(2025, 3, 5), None, "现场踏勘")
    with pytest.raises(CaseRuleError, match="within the promise"):
        add_pause(promised(), CALENDAR, pause)


def test_joint_case_needs_two_departments():
    """联办件: a lead and at least one co-department."""
    with pytest.raises(CaseRuleError, match="two departments"):
        open_case(
            "J1", CaseType.JOINT, "发改局", MON, JOINT_LIMITS, "张三", co_departments=["发改局"]
        )


def test_joint_case_opinions_due_in_five_working_days():
    """联办件: co-departments return opinions within 5 working days of the notice."""
    case = open_case(
        "J1",
        CaseType.JOINT,
        "发改局",
        MON,
        JOINT_LIMITS,
        "张三",
        co_departments=["住建局", "自然资源局", "生态环境局"],
    )
    case = notify_co_departments(case, date(2025, 3, 3))
    case = record_opinion(case, "住建局", date(2025, 3, 10), True, "同意")  # on the due day
    case = record_opinion(case, "自然资源局", date(2025, 3, 11), False, "用地不符")  # late
    assert late_co_departments(case, CALENDAR, date(2025, 3, 10)) == ("自然资源局",)
    assert late_co_departments(case, CALENDAR, date(2025, 3, 11)) == ("自然资源局", "生态环境局")
    with pytest.raises(CaseRuleError, match="already"):
        record_opinion(case, "住建局", date(2025, 3, 12), True, "同意")
    with pytest.raises(CaseRuleError, match="not a co-department"):
        record_opinion(case, "公安局", date(2025, 3, 12), True, "同意")


def test_joint_meeting_absentees_are_deemed_to_consent():
    """联审会: a department that does not attend counts as consenting."""
    case = open_case(
        "J1",
        CaseType.JOINT,
        "发改局",
        MON,
        JOINT_LIMITS,
        "张三",
        co_departments=["住建局", "交通局"],
    )
    case = notify_co_departments(case, date(2025, 3, 3))
    case = record_joint_meeting(case, date(2025, 3, 6), present=["住建局"])
    by_name = {c.department: c for c in case.co_departments}
    assert by_name["交通局"].consent is True and by_name["交通局"].deemed
    assert by_name["住建局"].opinion_on is None


def test_opinion_before_notice_is_refused():
    """A co-department not yet notified cannot give an opinion."""
    case = open_case(
        "J1", CaseType.JOINT, "发改局", MON, JOINT_LIMITS, "张三", co_departments=["住建局"]
    )
    with pytest.raises(CaseRuleError, match="not been sent"):
        record_opinion(case, "住建局", date(2025, 3, 4), True, "同意")


def test_joint_case_extension_up_to_fifteen_days():
    """联办件: an approved extension up to 15 working days pushes the deadline."""
    case = open_case(
        "J1", CaseType.JOINT, "发改局", MON, JOINT_LIMITS, "张三", co_departments=["住建局"]
    )
    before = case_deadline(case, CALENDAR).date
    case = request_extension(case, CALENDAR, date(2025, 3, 10), date(2025, 3, 28), "复杂", "王主任")
    assert CALENDAR.working_days_between(before, case_deadline(case, CALENDAR).date).days == 15
    with pytest.raises(CaseRuleError, match="at most 15"):
        request_extension(case, CALENDAR, date(2025, 3, 31), date(2025, 3, 31), "再延", "王主任")


@pytest.mark.parametrize(
    "category, role",
    [
        (ProjectCategory.CAPITAL_CONSTRUCTION, LeadRole.DEVELOPMENT_AND_REFORM),
        (ProjectCategory.FOREIGN_INVESTMENT, LeadRole.DEVELOPMENT_AND_REFORM),
        (ProjectCategory.TECHNICAL_UPGRADE, LeadRole.DEVELOPMENT_AND_REFORM),
        (ProjectCategory.PUBLIC_WORKS, LeadRole.CONSTRUCTION_BUREAU),
        (ProjectCategory.CONSTRUCTION, LeadRole.CONSTRUCTION_BUREAU),
        (ProjectCategory.TERTIARY, LeadRole.MARKET_REGULATION),
        (ProjectCategory.INDIVIDUAL, LeadRole.MARKET_REGULATION),
        (ProjectCategory.PRIVATE_ENTERPRISE, LeadRole.MARKET_REGULATION),
        (ProjectCategory.OTHER, None),
    ],
)
def test_lead_role_by_project_category(category, role):
    """办件管理办法 三(二): the lead department by project category."""
    assert lead_role(category) is role


def test_choose_lead_department():
    """Fixed roles map to the hall's departments; other projects: the centre's pick or the last approver."""
    roles = {
        LeadRole.DEVELOPMENT_AND_REFORM: "发改局",
        LeadRole.CONSTRUCTION_BUREAU: "住建局",
        LeadRole.MARKET_REGULATION: "市场监管局",
    }
    assert choose_lead_department(ProjectCategory.FOREIGN_INVESTMENT, roles) == "发改局"
    assert choose_lead_department(ProjectCategory.TERTIARY, roles) == "市场监管局"
    chain = ["卫健委", "生态环境局"]
    assert choose_lead_department(ProjectCategory.OTHER, roles, chain) == "生态环境局"
    assert choose_lead_department(ProjectCategory.OTHER, roles, chain, "文旅局") == "文旅局"
    with pytest.raises(CaseRuleError):
        choose_lead_department(ProjectCategory.OTHER, roles)
    with pytest.raises(CaseRuleError, match="configured"):
        choose_lead_department(ProjectCategory.CONSTRUCTION, {})


def test_report_up_case_closes_by_forwarding():
    """报批件: forwarded to the higher authority within the promise, closed as forwarded."""
    case = open_case("R1", CaseType.REPORT_UP, "自然资源局", MON, LIMITS, "张三")
    case = record_step(case, at(3), "张三", StepAction.PASS)
    case = forward_up(case, at(5), "李四", "市自然资源局")
    assert case.closing.code is ClosingCode.FORWARDED
    assert "市自然资源局" in case.closing.reason
    up = open_case("R2", CaseType.REPORT_UP, "自然资源局", MON, LIMITS, "张三")
    while current_step(up).name is not StepName.FINISH:
        up = record_step(up, at(4), "张三", StepAction.PASS)
    with pytest.raises(CaseRuleError, match="forwarded up"):
        record_step(up, at(4), "张三", StepAction.PASS)
    with pytest.raises(CaseRuleError, match="only report-up"):
        forward_up(promised(), at(5), "李四", "市局")


def test_special_case_may_be_extended_with_approval_before_the_deadline():
    """特办件: urgent; an approved extension asked before the deadline is granted."""
    case = open_case(
        "S1", CaseType.SPECIAL, "应急局", MON, validate_catalogue_limits(2, 20), "张三"
    )
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 5)
    case = request_extension(case, CALENDAR, date(2025, 3, 5), date(2025, 3, 6), "待检测", "王局长")
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 7)
    assert not case.late_extension_requests


def test_extension_asked_after_the_deadline_is_recorded_not_granted():
    """限时办结 Art.11(三): an extension asked after the deadline grants nothing and is on record."""
    case = open_case(
        "S1", CaseType.SPECIAL, "应急局", MON, validate_catalogue_limits(2, 20), "张三"
    )
    later = request_extension(
        case, CALENDAR, date(2025, 3, 6), date(2025, 3, 10), "待检测", "王局长"
    )
    assert later.late_extension_requests == (date(2025, 3, 6),)
    assert case_deadline(later, CALENDAR).date == date(2025, 3, 5)


def test_supplement_case_waits_and_then_proceeds_as_promised():
    """补办件: every missing material listed; the clock starts the day after completion."""
    case = open_case(
        "B1",
        CaseType.SUPPLEMENT,
        "民政局",
        MON,
        LIMITS,
        "张三",
        missing_materials=["户口簿", "结婚证"],
    )
    assert case.status is CaseStatus.AWAITING_MATERIALS
    assert case_deadline(case, CALENDAR) is None
    with pytest.raises(CaseRuleError, match="waiting for missing materials"):
        record_step(case, at(4), "张三", StepAction.PASS)
    case = complete_materials(case, at(6), CaseType.PROMISED, "张三")
    assert case.case_type is CaseType.PROMISED and case.clock_base == date(2025, 3, 6)
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 20)
    assert case.supplement_rounds[0].completed_on == date(2025, 3, 6)


def test_supplement_case_must_list_missing_materials():
    """一次性告知: a supplement notice that lists nothing is refused."""
    with pytest.raises(CaseRuleError, match="missing materials"):
        open_case("B1", CaseType.SUPPLEMENT, "民政局", MON, LIMITS, "张三")


def test_supplement_case_cannot_proceed_as_report_up():
    """After completion a case proceeds as immediate, reply, promised or joint only."""
    case = open_case(
        "B1", CaseType.SUPPLEMENT, "民政局", MON, LIMITS, "张三", missing_materials=["户口簿"]
    )
    with pytest.raises(CaseRuleError, match="proceeds as"):
        complete_materials(case, at(6), CaseType.REPORT_UP, "张三")


def test_second_notice_listing_new_materials_breaches_one_time_notice():
    """一次性告知: only materials from the first notice may be asked again."""
    case = open_case(
        "B1",
        CaseType.SUPPLEMENT,
        "民政局",
        MON,
        LIMITS,
        "张三",
        missing_materials=["户口簿", "结婚证"],
    )
    again = request_supplement(case, date(2025, 3, 5), ["结婚证"])
    assert one_time_notice_breaches(again) == frozenset()
    worse = request_supplement(case, date(2025, 3, 5), ["结婚证", "房产证"])
    assert one_time_notice_breaches(worse) == frozenset({"房产证"})


def test_supplement_timeout_closes_with_its_code():
    """补正超期: a case whose materials never came is closed with its own code."""
    case = open_case(
        "B1", CaseType.SUPPLEMENT, "民政局", MON, LIMITS, "张三", missing_materials=["户口簿"]
    )
    closed = reject_for_supplement_timeout(case, at(31), "张三", "逾期未补正")
    assert closed.closing.code is ClosingCode.SUPPLEMENT_TIMEOUT
    with pytest.raises(CaseRuleError, match="not waiting"):
        reject_for_supplement_timeout(promised(), at(31), "张三", "逾期未补正")


def test_returned_case_needs_a_reason_and_closes_at_once():
    """退回件/答复件: a written reason, recorded; closed on the spot."""
    with pytest.raises(CaseRuleError, match="reason"):
        open_case("T1", CaseType.RETURNED, "民政局", MON, LIMITS, "张三")
    case = open_case("T1", CaseType.RETURNED, "民政局", MON, LIMITS, "张三", reason="不符合条件")
    assert case.closing.code is ClosingCode.RETURNED and case.closing.reason == "不符合条件"
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 3)


def test_finishing_a_returned_case_is_refused():
    """A returned case cannot be finished; the message says why."""
    case = return_case(promised(), at(4), "张三", "材料不实")
    with pytest.raises(CaseRuleError, match="closed \\(returned\\)"):
        record_step(case, at(5), "张三", StepAction.PASS)


def test_returned_case_review():
    """复核: the business office may uphold or overturn a return; only once, only for returns."""
    case = return_case(promised(), at(4), "张三", "材料不实")
    reviewed = review_return(case, date(2025, 3, 6), False, "业务科", "理由不成立")
    assert reviewed.return_review.upheld is False
    with pytest.raises(CaseRuleError, match="already"):
        review_return(reviewed, date(2025, 3, 7), True, "业务科", "维持")
    with pytest.raises(CaseRuleError, match="only a returned case"):
        review_return(promised(), date(2025, 3, 6), True, "业务科", "维持")


def test_void_case():
    """作废: any open case may be voided with a reason; a closed one may not."""
    case = void_case(promised(), at(4), "张三", "重复登记")
    assert case.closing.code is ClosingCode.VOID
    with pytest.raises(CaseRuleError, match="closed"):
        void_case(case, at(5), "张三", "again")


# ------------------------------------------------------------------ steps
def test_step_return_goes_back_one_step_with_an_opinion():
    """退回: a step sent back reopens the previous one; an opinion is required."""
    case = record_step(promised(), at(3), "张三", StepAction.PASS)  # accept → undertake
    case = record_step(case, at(4), "李四", StepAction.PASS)  # undertake → review
    with pytest.raises(CaseRuleError, match="opinion"):
        record_step(case, at(5), "王五", StepAction.RETURN)
    case = record_step(case, at(5), "王五", StepAction.RETURN, opinion="补充说明")
    assert current_step(case).name is StepName.UNDERTAKE
    assert case.steps[-2].action is StepAction.RETURN and case.steps[-2].opinion == "补充说明"


def test_return_at_acceptance_needs_return_case():
    """Refusing at acceptance is a returned case with a written reason, not a step action."""
    with pytest.raises(CaseRuleError, match="written reason"):
        record_step(promised(), at(3), "张三", StepAction.RETURN, opinion="不受理")


def test_step_cannot_end_before_it_started():
    """A step's end precedes its start: refused."""
    with pytest.raises(CaseRuleError, match="before it started"):
        record_step(promised(), datetime(2025, 3, 3, 8), "张三", StepAction.PASS)


def test_custom_workflow_must_run_in_order():
    """A workflow runs accept → … → finish in order."""
    short = (StepName.ACCEPT, StepName.APPROVE, StepName.FINISH)
    case = run_through(promised(workflow=short))
    assert [s.name for s in case.steps] == list(short)
    with pytest.raises(CaseRuleError, match="in order"):
        promised(workflow=(StepName.ACCEPT, StepName.FINISH, StepName.REVIEW))


def test_hand_over_starts_the_stage_clock_the_next_day():
    """交接: the review stage handed to another department counts from the day after."""
    case = record_step(promised(), at(3), "张三", StepAction.PASS)
    case = hand_over(case, at(4, 16), "李四", "住建局", limit_days=2)
    step = current_step(case)
    assert step.name is StepName.UNDERTAKE and step.department == "住建局"
    assert case.steps[-2].action is StepAction.OTHER
    assert step_deadline(case, step, CALENDAR).date == date(2025, 3, 6)
    with pytest.raises(CaseRuleError, match="already with"):
        hand_over(case, at(5), "李四", "住建局")


# ------------------------------------------------------------------ pauses
def test_pause_and_resume_extend_the_case_deadline():
    """A hearing Mon 10 – Wed 12 March pushes a 17 March deadline to 20 March."""
    case = add_pause(
        promised(), CALENDAR, Pause(PauseKind.HEARING, date(2025, 3, 10), None, "听证")
    )
    assert case.is_paused
    with pytest.raises(CaseRuleError, match="already paused"):
        add_pause(case, CALENDAR, Pause(PauseKind.TESTING, date(2025, 3, 11), None, "检测"))
    with pytest.raises(CaseRuleError, match="before it starts"):
        end_pause(case, date(2025, 3, 9))
    case = end_pause(case, date(2025, 3, 12))
    assert not case.is_paused
    assert case_deadline(case, CALENDAR).date == date(2025, 3, 20)


def test_pause_after_the_deadline_is_refused():
    """A special procedure begun after the deadline cannot stop the clock."""
    pause = Pause(PauseKind.EXPERT_REVIEW, date(2025, 3, 18), date(2025, 3, 20), "专家评审")
    with pytest.raises(CaseRuleError, match="deadline passed"):
        add_pause(promised(), CALENDAR, pause)


def test_overlapping_pauses_are_refused():
    """Two special procedures may not overlap."""
    case = add_pause(
        promised(), CALENDAR, Pause(PauseKind.HEARING, date(2025, 3, 5), date(2025, 3, 7), "听证")
    )
    with pytest.raises(CaseRuleError, match="overlaps"):
        add_pause(
            case, CALENDAR, Pause(PauseKind.TESTING, date(2025, 3, 7), date(2025, 3, 8), "检测")
        )


def test_closing_ends_a_running_pause():
    """Closing a paused case ends the pause on the closing day."""
    case = add_pause(promised(), CALENDAR, Pause(PauseKind.TESTING, date(2025, 3, 5), None, "检测"))
    closed = void_case(case, at(6), "张三", "申请人撤回")
    assert closed.pauses[0].end == date(2025, 3, 6)


def test_no_show_is_recorded_on_open_cases_only():
    """The applicant's no-show is recorded on a case in progress."""
    case = record_no_show(promised(), date(2025, 3, 14))
    assert case.no_show_on == date(2025, 3, 14)
    with pytest.raises(CaseRuleError):
        record_no_show(case, date(2025, 3, 1))
    with pytest.raises(CaseRuleError, match="closed"):
        record_no_show(void_case(promised(), at(4), "张三", "撤回"), date(2025, 3, 14))


def test_refused_transition_leaves_the_case_unchanged():
    """A refused transition changes nothing: cases are immutable values."""
    case = promised()
    snapshot = case
    with pytest.raises(CaseRuleError):
        record_step(case, datetime(2025, 3, 3, 8), "张三", StepAction.PASS)
    assert case == snapshot
