"""The stored case record: every case built through the domain's transitions reads back exactly."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hall.domain import cases as dc
from hall.domain.calendar import CHINESE_CALENDAR_YEARS, WorkingCalendar, arrangements_from_chinese_calendar
from hall.domain.cases import CaseType, StepAction, StepName
from hall.domain.deadlines import CaseRuleError, Pause, PauseKind, validate_catalogue_limits
from hall.store.case_codec import CodecError, decode, encode

CALENDAR = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
LIMITS = validate_catalogue_limits(10, 20)
TEXT = st.text(min_size=1, max_size=12).filter(str.strip)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8))])


@st.composite
def opened(draw):
    """A case opened with any type, on any day, in UTC or Beijing time."""
    received = draw(st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2030, 12, 31),
                                 timezones=ZONES))
    case_type = draw(st.sampled_from(list(CaseType)))
    workflow = draw(st.sampled_from([dc.DEFAULT_WORKFLOW,
                                     (StepName.ACCEPT, StepName.APPROVE, StepName.FINISH)]))
    try:
        return dc.open_case(
            draw(TEXT), case_type, draw(TEXT), received, LIMITS, draw(TEXT), workflow=workflow,
            missing_materials=draw(st.lists(TEXT, min_size=1, max_size=4)), reason=draw(TEXT),
            co_departments=draw(st.lists(TEXT, min_size=1, max_size=3)),
            security_sensitive=draw(st.booleans()),
        )
    except CaseRuleError:
        return dc.open_case("N-1", CaseType.PROMISED, "D", received, LIMITS, "clerk")


def _operation(draw, case):
    """Apply one random transition; a refused one leaves the case as it was."""
    base = case.received_at
    at = base + timedelta(days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 8)))
    on = at.date()
    kind = draw(st.sampled_from([
        "step", "handover", "pause", "end_pause", "extension", "supplement", "complete", "return",
        "void", "forward", "no_show", "notify", "opinion", "meeting", "review", "timeout"]))
    try:
        if kind == "step":
            return dc.record_step(case, at, draw(TEXT), draw(st.sampled_from(list(StepAction))),
                                  opinion=draw(TEXT), next_limit_days=draw(st.none() | st.integers(1, 5)))
        if kind == "handover":
            return dc.hand_over(case, at, draw(TEXT), draw(TEXT), limit_days=draw(st.none() | st.integers(1, 5)))
        if kind == "pause":
            end = draw(st.none() | st.integers(0, 10))
            pause = Pause(draw(st.sampled_from([k for k in PauseKind if k is not PauseKind.EXTENSION])), on,
                          None if end is None else on + timedelta(days=end), draw(TEXT))
            return dc.add_pause(case, CALENDAR, pause)
        if kind == "end_pause":
            return dc.end_pause(case, on + timedelta(days=draw(st.integers(0, 5))))
        if kind == "extension":
            return dc.request_extension(case, CALENDAR, on, on + timedelta(days=draw(st.integers(0, 6))),
                                        draw(TEXT), draw(TEXT))
        if kind == "supplement":
            return dc.request_supplement(case, on, draw(st.lists(TEXT, min_size=1, max_size=3)))
        if kind == "complete":
            return dc.complete_materials(case, at, draw(st.sampled_from(list(CaseType))), draw(TEXT),
                                         reason=draw(TEXT), co_departments=[draw(TEXT)])
        if kind == "return":
            return dc.return_case(case, at, draw(TEXT), draw(TEXT))
        if kind == "void":
            return dc.void_case(case, at, draw(TEXT), draw(TEXT))
        if kind == "forward":
            return dc.forward_up(case, at, draw(TEXT), draw(TEXT))
        if kind == "no_show":
            return dc.record_no_show(case, on)
        if kind == "notify":
            return dc.notify_co_departments(case, on)
        if kind == "opinion" and case.co_departments:
            dep = draw(st.sampled_from([c.department for c in case.co_departments]))
            return dc.record_opinion(case, dep, on, draw(st.booleans()), draw(TEXT))
        if kind == "meeting":
            return dc.record_joint_meeting(case, on, [])
        if kind == "review":
            return dc.review_return(case, on, draw(st.booleans()), draw(TEXT), draw(TEXT))
        if kind == "timeout":
            return dc.reject_for_supplement_timeout(case, at, draw(TEXT), draw(TEXT))
    except CaseRuleError:
        pass
    return case


@st.composite
def cases(draw):
    """A case after a random run of transitions."""
    case = draw(opened())
    for _ in range(draw(st.integers(0, 12))):
        case = _operation(draw, case)
    return case


@settings(max_examples=300, deadline=None)
@given(cases())
def test_round_trip_is_exact(case):
    text = encode(case)
    back = decode(text)
    assert back == case
    assert encode(back) == text


def test_a_running_case_keeps_every_part():
    case = dc.open_case("SCJ-20250124-0001", CaseType.JOINT, "SCJ", datetime(2025, 1, 24, 2, tzinfo=UTC),
                        LIMITS, "张三", co_departments=["FGW", "JSJ"], security_sensitive=True)
    case = dc.notify_co_departments(case, date(2025, 1, 24))
    case = dc.record_opinion(case, "FGW", date(2025, 2, 5), True, "同意")
    case = dc.record_step(case, datetime(2025, 2, 6, 3, tzinfo=UTC), "李四", StepAction.PASS, opinion="受理")
    case = dc.add_pause(case, CALENDAR, Pause(PauseKind.HEARING, date(2025, 2, 7), None, "听证"))
    back = decode(encode(case))
    assert back == case and back.is_paused and back.co_departments[0].consent is True


def test_an_unreadable_record_is_refused():
    with pytest.raises(CodecError):
        decode("not json")
    with pytest.raises(CodecError, match="version"):
        decode('[99,"x","immediate","D","2025-01-01T00:00:00+00:00",[0,1,10],"closed",null,null,'
               '[],[],[],[],null,false,null,null,[],null]')


def test_decoding_is_fast():
    """A sweep decodes 100,000 open cases: a typical case must decode in a few microseconds."""
    case = dc.open_case("SCJ-20261123-0001", CaseType.PROMISED, "SCJ", datetime(2026, 11, 23, 2, tzinfo=UTC),
                        LIMITS, "clerk")
    case = dc.record_step(case, datetime(2026, 11, 23, 3, tzinfo=UTC), "clerk", StepAction.PASS)
    text = encode(case)
    n = 20_000
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            decode(text)
        best = min(best, (time.perf_counter() - start) / n)
    assert best < 20e-6, f"{best * 1e6:.1f} µs per case"
