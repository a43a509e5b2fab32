"""Yellow and red warnings, overdue reasons, 超时默认 and the on-time completion rate."""

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.domain.calendar import (
    CHINESE_CALENDAR_YEARS,
    WorkingCalendar,
    arrangements_from_chinese_calendar,
)
from hall.domain.cases import (
    CaseType,
    StepAction,
    StepName,
    case_deadline,
    complete_materials,
    hand_over,
    open_case,
    record_no_show,
    record_step,
    request_extension,
    return_case,
    review_return,
    void_case,
)
from hall.domain.deadlines import CaseRuleError, validate_catalogue_limits
from hall.domain.warnings import (
    CaseOutcome,
    OverdueReason,
    Signal,
    WarningPolicy,
    case_outcome,
    completion_rate,
    evaluate_case,
    format_rate,
    is_on_time,
    overdue_reasons,
    sweep,
)

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
LIMITS = validate_catalogue_limits(10, 20)
MON = datetime(2025, 3, 3, 9, 30)  # due Monday 17 March 2025


def promised(case_type=CaseType.PROMISED, received=MON, limits=LIMITS, **kw):
    """A case received on Monday 3 March 2025, due 17 March."""
    return open_case("C1", case_type, "民政局", received, limits, "张三", **kw)


def finish(case, when):
    """Pass every remaining step at ``when``."""
    while case.is_open:
        case = record_step(case, when, "李四", StepAction.PASS, opinion="同意")
    return case


def signal_on(case, day, policy=WarningPolicy()):
    """The signal on a day."""
    return evaluate_case(case, CALENDAR, day, policy).signal


# ----------------------------------------------------------------- signals
@pytest.mark.parametrize(
    "day, signal",
    [
        (date(2025, 3, 13), Signal.NORMAL),  # Thursday: 2 working days left
        (date(2025, 3, 14), Signal.YELLOW),  # Friday: 1 working day before
        (date(2025, 3, 15), Signal.YELLOW),  # Saturday
        (date(2025, 3, 17), Signal.YELLOW),  # the deadline day itself
        (date(2025, 3, 18), Signal.RED),
    ],
)
def test_yellow_one_working_day_before_and_red_after(day, signal):
    """Default policy: yellow from the working day before the deadline, red after it."""
    assert signal_on(promised(), day) is signal


def test_yellow_margin_is_configurable():
    """With a 3-day margin the case turns yellow on Wednesday 12 March."""
    policy = WarningPolicy(yellow_days_before=3)
    assert signal_on(promised(), date(2025, 3, 11), policy) is Signal.NORMAL
    assert signal_on(promised(), date(2025, 3, 12), policy) is Signal.YELLOW
    with pytest.raises(CaseRuleError):
        WarningPolicy(yellow_days_before=-1)


def test_yellow_across_national_day():
    """Due Thu 9 Oct 2025 (received 25 Sep, 5 days): yellow already on 30 Sep."""
    case = promised(received=datetime(2025, 9, 25, 10), limits=validate_catalogue_limits(5, 20))
    assert case_deadline(case, CALENDAR).date == date(2025, 10, 9)
    assert signal_on(case, date(2025, 9, 29)) is Signal.NORMAL
    assert signal_on(case, date(2025, 9, 30)) is Signal.YELLOW
    assert signal_on(case, date(2025, 10, 5)) is Signal.YELLOW
    assert signal_on(case, date(2025, 10, 10)) is Signal.RED


def test_red_carries_the_reason_and_deemed_approval():
    """Past the promise, unfinished: reason 'promise passed', 超时默认 for ordinary matters."""
    warning = evaluate_case(promised(), CALENDAR, date(2025, 3, 18))
    assert warning.reasons == frozenset({OverdueReason.PROMISE_PASSED})
    assert warning.deemed_approved


def test_security_matters_are_never_deemed_approved():
    """超时默认 excludes national and public security matters."""
    warning = evaluate_case(promised(security_sensitive=True), CALENDAR, date(2025, 3, 18))
    assert warning.signal is Signal.RED and not warning.deemed_approved


def test_report_up_and_immediate_are_not_deemed_approved():
    """A higher authority's approval and an on-the-spot item are never deemed granted."""
    up = promised(CaseType.REPORT_UP)
    assert not evaluate_case(up, CALENDAR, date(2025, 3, 18)).deemed_approved
    now = promised(CaseType.IMMEDIATE)
    warning = evaluate_case(now, CALENDAR, date(2025, 3, 4))
    assert warning.signal is Signal.RED and not warning.deemed_approved


def test_decided_but_not_delivered():
    """Approved in time but not handed over: the reason is 'result not delivered', no 超时默认."""
    case = promised()
    for _ in range(3):  # accept, undertake, review
        case = record_step(case, datetime(2025, 3, 10, 10), "李四", StepAction.PASS)
    case = record_step(case, datetime(2025, 3, 14, 10), "王局长", StepAction.PASS)  # approve
    assert case.decided_on == date(2025, 3, 14)
    warning = evaluate_case(case, CALENDAR, date(2025, 3, 19))
    assert warning.reasons == frozenset({OverdueReason.RESULT_NOT_DELIVERED})
    assert not warning.deemed_approved
    late = finish(case, datetime(2025, 3, 19, 10))
    assert overdue_reasons(late, CALENDAR, date(2025, 3, 31)) == frozenset(
        {OverdueReason.RESULT_NOT_DELIVERED}
    )


def test_late_extension_request_is_an_overdue_reason():
    """An extension asked after the deadline is itself an overdue reason."""
    case = promised(CaseType.SPECIAL, limits=validate_catalogue_limits(2, 20))
    case = request_extension(
        case, CALENDAR, date(2025, 3, 6), date(2025, 3, 10), "待检测", "王局长"
    )
    warning = evaluate_case(case, CALENDAR, date(2025, 3, 6))
    assert warning.reasons == frozenset(
        {OverdueReason.PROMISE_PASSED, OverdueReason.LATE_EXTENSION_REQUEST}
    )


def test_late_reply_is_no_reply():
    """A refusal given only after the deadline counts as 'no reply as required'."""
    case = return_case(promised(), datetime(2025, 3, 18, 10), "张三", "不符合条件")
    assert overdue_reasons(case, CALENDAR, date(2025, 3, 31)) == frozenset({OverdueReason.NO_REPLY})


def test_overturned_refusal_is_refused_without_reason():
    """A return overturned on review counts as refused without good reason."""
    case = return_case(promised(), datetime(2025, 3, 4, 10), "张三", "不符合条件")
    assert is_on_time(case, CALENDAR, date(2025, 3, 31))
    case = review_return(case, date(2025, 3, 6), False, "业务科", "符合条件")
    assert overdue_reasons(case, CALENDAR, date(2025, 3, 31)) == frozenset(
        {OverdueReason.REFUSED_WITHOUT_REASON}
    )


def test_step_overdue_while_case_is_not():
    """A review stage handed over with 2 days, still open on day 3: a step warning only."""
    case = record_step(promised(), datetime(2025, 3, 3, 10), "张三", StepAction.PASS)
    case = hand_over(case, datetime(2025, 3, 4, 16), "李四", "住建局", limit_days=2)
    on_time = evaluate_case(case, CALENDAR, date(2025, 3, 6))
    assert on_time.overdue_step is None
    warning = evaluate_case(case, CALENDAR, date(2025, 3, 7))
    assert warning.signal is Signal.NORMAL
    assert warning.overdue_step is StepName.UNDERTAKE and warning.step_deadline == date(2025, 3, 6)
    assert warning.reasons == frozenset()


def test_no_show_counts_as_on_time():
    """The applicant not coming on the day told (within the deadline) keeps the case on time."""
    case = record_no_show(promised(), date(2025, 3, 14))
    assert signal_on(case, date(2025, 3, 25)) is Signal.NORMAL
    late_close = finish(case, datetime(2025, 3, 25, 10))
    assert is_on_time(late_close, CALENDAR, date(2025, 3, 31))
    assert case_outcome(case, CALENDAR, date(2025, 3, 25)) == CaseOutcome(False, True)


def test_no_show_told_after_the_deadline_does_not_help():
    """Telling the applicant to come after the deadline is the window's fault."""
    case = record_no_show(promised(), date(2025, 3, 20))
    assert signal_on(case, date(2025, 3, 25)) is Signal.RED


def test_supplement_case_raises_nothing_until_complete():
    """补办件: no clock, no warning while materials are missing."""
    case = promised(CaseType.SUPPLEMENT, missing_materials=["户口簿"])
    warning = evaluate_case(case, CALENDAR, date(2025, 6, 1))
    assert warning.signal is Signal.NORMAL and warning.deadline is None
    case = complete_materials(case, datetime(2025, 3, 10, 9), CaseType.PROMISED, "张三")
    assert signal_on(case, date(2025, 3, 24)) is Signal.YELLOW  # due 24 March
    assert signal_on(case, date(2025, 3, 25)) is Signal.RED


def test_sweep_reports_warnings_and_missing_years():
    """The sweep returns non-normal cases and the unloaded years their deadlines touch."""
    ok = promised()
    late = open_case("C2", CaseType.PROMISED, "民政局", datetime(2025, 2, 3, 9), LIMITS, "张三")
    december = open_case(
        "C3", CaseType.PROMISED, "民政局", datetime(2026, 12, 21, 9), LIMITS, "张三"
    )
    closed = void_case(promised(), datetime(2025, 3, 4), "张三", "撤回")
    result = sweep([ok, late, december, closed], CALENDAR, date(2025, 3, 5))
    assert [w.number for w in result.warnings] == ["C2"]
    assert result.missing_years == frozenset({2027})
    provisional = evaluate_case(december, CALENDAR, date(2026, 12, 22))
    assert provisional.provisional


# ---------------------------------------------------------------- laws
received = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2029, 12, 31))


@given(received, st.integers(1, 30), st.integers(-5, 40))
def test_finished_by_the_deadline_is_never_overdue(at, days, offset):
    """Law: a case finished on or before its deadline is never overdue."""
    case = promised(received=at, limits=validate_catalogue_limits(days, 31))
    deadline = case_deadline(case, CALENDAR).date
    when = max(at, datetime.combine(deadline - timedelta(days=max(offset, 0)), at.time()))
    done = finish(case, when)
    assert is_on_time(done, CALENDAR, deadline + timedelta(days=400))
    assert evaluate_case(done, CALENDAR, deadline + timedelta(days=400)).signal is Signal.NORMAL


@given(received, st.integers(1, 30), st.integers(0, 60), st.integers(1, 200))
def test_no_show_within_deadline_is_always_on_time(at, days, told_offset, later):
    """Law: the applicant failing to come on a day told within the deadline counts as on time."""
    case = promised(received=at, limits=validate_catalogue_limits(days, 31))
    deadline = case_deadline(case, CALENDAR).date
    told = min(at.date() + timedelta(days=told_offset), deadline)
    case = record_no_show(case, told)
    today = deadline + timedelta(days=later)
    assert evaluate_case(case, CALENDAR, today).signal is Signal.NORMAL
    assert case_outcome(case, CALENDAR, today) == CaseOutcome(False, True)
    assert is_on_time(finish(case, datetime.combine(today, at.time())), CALENDAR, today)


@given(received, st.integers(1, 30), st.integers(1, 60))
def test_open_case_past_deadline_is_red(at, days, later):
    """Law: an open case is red every day after its deadline, never before."""
    case = promised(received=at, limits=validate_catalogue_limits(days, 31))
    deadline = case_deadline(case, CALENDAR).date
    assert signal_on(case, deadline) is not Signal.RED
    assert signal_on(case, deadline + timedelta(days=later)) is Signal.RED


# ---------------------------------------------------------- completion rate
def test_completion_rate_as_seed_001():
    """2013: 1,910 immediate all done; 25,575 of 25,584 time-limited on time → 99.9%, excellent."""
    outcomes = (
        [CaseOutcome(True, True)] * 1910
        + [CaseOutcome(False, True)] * 25575
        + [CaseOutcome(False, False)] * 9
        + [None] * 3
    )
    rate = completion_rate(outcomes)
    assert (rate.immediate_total, rate.immediate_on_time) == (1910, 1910)
    assert (rate.limited_total, rate.limited_on_time) == (25584, 25575)
    assert format_rate(rate.immediate_rate) == "100.0%"
    assert format_rate(rate.limited_rate) == "99.9%"  # 99.96…: shown rounded down
    # The seed's 27,485 is immediate + time-limited finished; 27,494 were counted in all.
    assert rate.immediate_on_time + rate.limited_on_time == 27485
    assert format_rate(rate.overall_rate) == "99.9%"
    assert rate.excellent


def test_completion_rate_threshold_and_empty():
    """95% exactly is excellent, just under is not; nothing counted gives no rate."""
    at_95 = completion_rate([CaseOutcome(False, True)] * 95 + [CaseOutcome(False, False)] * 5)
    assert at_95.overall_rate == Fraction(95, 100) and at_95.excellent
    below = completion_rate([CaseOutcome(False, True)] * 94 + [CaseOutcome(False, False)] * 6)
    assert not below.excellent
    empty = completion_rate([])
    assert empty.overall_rate is None and not empty.excellent and format_rate(None) == "—"


def test_case_outcomes_from_cases():
    """Void and not-yet-due cases are left out; overdue open cases count against the window."""
    today = date(2025, 3, 31)
    assert case_outcome(void_case(promised(), MON, "张三", "撤回"), CALENDAR, today) is None
    assert case_outcome(promised(), CALENDAR, date(2025, 3, 10)) is None
    assert case_outcome(promised(), CALENDAR, today) == CaseOutcome(False, False)
    now = finish(promised(CaseType.IMMEDIATE), datetime(2025, 3, 3, 11))
    assert case_outcome(now, CALENDAR, today) == CaseOutcome(True, True)
    waiting = promised(CaseType.SUPPLEMENT, missing_materials=["户口簿"])
    assert case_outcome(waiting, CALENDAR, today) is None


def test_sweep_over_many_cases_agrees_with_evaluating_each():
    """The sweep's shared today-index gives the same signals as evaluating one case at a time."""
    cases = [
        open_case(
            f"C{i}",
            CaseType.PROMISED,
            "民政局",
            datetime(2025, 1, 2, 9) + timedelta(days=i % 300),
            LIMITS,
            "张三",
        )
        for i in range(3000)
    ]
    today = date(2025, 10, 9)
    result = sweep(cases, CALENDAR, today)
    expected = [
        c.number for c in cases if evaluate_case(c, CALENDAR, today).signal is not Signal.NORMAL
    ]
    assert [w.number for w in result.warnings] == expected
