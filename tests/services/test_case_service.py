"""Case use cases against the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from hall.domain.calendar import CHINESE_CALENDAR_YEARS, WorkingCalendar, arrangements_from_chinese_calendar
from hall.domain.deadlines import compute_deadline
from hall.services import access, cases, hall_state, windows
from hall.services.actors import SYSTEM, Actor
from hall.services.errors import Conflict, Forbidden, Invalid, NotFound
from hall.store.eventlog import verify
from hall.store.models import CaseRecord, Department, Event, ServiceItem, Staff

NAME = "欧阳明远"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check character."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


ID = id_number("11010519491231002")
CREDIT = "91350100M000100Y43"


def staff(ctx, username: str) -> Actor:
    """The actor of a test-hall staff member."""
    with ctx.read() as s:
        return access.staff_actor(s.execute(select(Staff).where(Staff.username == username)).scalar_one())


def service_id(ctx, code: str) -> int:
    """A service's id by its code."""
    return next(s["id"] for s in hall_state.list_services(ctx) if s["code"] == code)


def dept_id(ctx, code: str) -> int:
    """A department's id by its code."""
    with ctx.read() as s:
        return s.execute(select(Department.id).where(Department.code == code)).scalar_one()


def set_item(ctx, code: str, **values) -> None:
    """Change a catalogue entry directly (limits, workflow) for one test."""
    with ctx.sessions.begin() as s:
        s.execute(update(ServiceItem).where(ServiceItem.code == code).values(**values))


@pytest.fixture
def hall(ctx):
    """Window 1 open with clerk01, a window lead of the market bureau, and the ids the tests use."""
    clerk = staff(ctx, "clerk01")
    w1 = next(w["id"] for w in windows.list_windows(ctx) if w["number"] == "1")
    windows.open_window(ctx, clerk, w1)
    admin = staff(ctx, "admin")
    access.add_user(ctx, admin, "lead1", "window_lead", "lead-password", name="陈首席", department_code="SCJ")
    ctx.publisher.events.clear()
    return {"clerk": clerk, "lead": staff(ctx, "lead1"), "gaj_clerk": staff(ctx, "clerk02"),
            "zh_clerk": staff(ctx, "clerk03"), "duty": staff(ctx, "duty1"), "admin": admin, "w1": w1,
            "promised": service_id(ctx, "SCJ-001"), "immediate": service_id(ctx, "SCJ-002"),
            "gaj": dept_id(ctx, "GAJ")}


PERSON = {"name": NAME, "kind": "person", "id_number": ID}
ALL_SCJ1 = ["设立登记申请书", "公司章程", "股东身份证明"]


def open_promised(ctx, hall, **kw):
    """A promised business-licence case with all materials, at window 1."""
    args = {"service_id": hall["promised"], "applicant": PERSON, "materials": ALL_SCJ1, "window_id": hall["w1"]}
    return cases.open_case(ctx, hall["clerk"], **{**args, **kw})


def event_types(ctx) -> list[str]:
    return [e.type for e in ctx.publisher.events]


# -- the case types end to end ------------------------------------------------------------------

def test_immediate_case_is_due_today_and_finished_on_the_spot(ctx, hall):
    opened = cases.open_case(ctx, hall["clerk"], service_id=hall["immediate"], applicant=PERSON,
                             materials=["个体工商户登记申请书", "经营者身份证明"], window_id=hall["w1"])
    assert opened["case_type"] == "immediate" and opened["status"] == "in_progress"
    assert opened["deadline"] == "2026-11-23" and opened["provisional"] is False
    assert opened["number"] == "SCJ-20261123-0001"
    done = cases.finish(ctx, hall["clerk"], opened["id"], opinion="当场办结")
    assert done["status"] == "closed" and done["closing_code"] == "finished"
    assert [s["name"] for s in done["steps"]] == ["accept", "finish"]
    assert event_types(ctx)[0] == "case.opened" and "case.closed" in event_types(ctx)
    assert cases.open_case(ctx, hall["clerk"], service_id=hall["immediate"], applicant=PERSON,
                           materials=["个体工商户登记申请书", "经营者身份证明"])["number"] == "SCJ-20261123-0002"


def test_promised_case_counts_from_the_day_after_receipt_and_runs_its_steps(ctx, hall):
    opened = open_promised(ctx, hall)
    assert opened["deadline"] == "2026-11-26"  # Monday's receipt does not count: Tue, Wed, Thu
    assert opened["current_step"] == "accept" and opened["workflow"] == ["accept", "review", "finish"]
    view = cases.record_step(ctx, hall["clerk"], opened["id"], action="pass", opinion="材料齐全，予以受理",
                             step="accept")
    assert view["current_step"] == "review"
    with pytest.raises(Conflict, match="review step"):
        cases.finish(ctx, hall["clerk"], opened["id"])
    with pytest.raises(Conflict, match="not accept"):
        cases.record_step(ctx, hall["clerk"], opened["id"], action="pass", step="accept")
    cases.record_step(ctx, hall["clerk"], opened["id"], action="pass", opinion="审核通过")
    done = cases.finish(ctx, hall["clerk"], opened["id"], opinion="准予登记")
    assert done["closing_code"] == "finished" and done["signal"] == "none"
    assert [s["handler"] for s in done["steps"]] == ["张晓明"] * 3
    types = event_types(ctx)
    assert types.count("case.step") == 2 and types[-1] == "case.closed"
    with ctx.read() as s:
        assert verify(s)


def test_joint_case_notifies_co_departments_and_takes_their_opinions(ctx, hall):
    opened = open_promised(ctx, hall, case_type="joint", co_departments=[hall["gaj"]])
    assert opened["case_type"] == "joint"
    assert opened["co_departments"][0]["department"] == "GAJ"
    assert opened["co_departments"][0]["notified_on"] == "2026-11-23"
    with pytest.raises(Forbidden):
        cases.opinion(ctx, hall["zh_clerk"], opened["id"], department_id=hall["gaj"], consent=True, opinion="同意")
    view = cases.opinion(ctx, hall["gaj_clerk"], opened["id"], department_id=hall["gaj"], consent=True,
                         opinion="同意办理")
    assert view["co_departments"][0]["consent"] is True and view["co_departments"][0]["late"] is False
    assert ctx.publisher.events[-1].type == "case.opinion"
    with pytest.raises(Conflict, match="already"):
        cases.opinion(ctx, hall["gaj_clerk"], opened["id"], department_id=hall["gaj"], consent=False,
                      opinion="再议")
    with pytest.raises(Conflict, match="two departments"):
        open_promised(ctx, hall, case_type="joint")


def test_report_up_case_is_finished_by_forwarding(ctx, hall):
    opened = open_promised(ctx, hall, case_type="report_up")
    with pytest.raises(Invalid, match="forwarded_to"):
        cases.finish(ctx, hall["clerk"], opened["id"])
    done = cases.finish(ctx, hall["clerk"], opened["id"], forwarded_to="市市场监督管理局")
    assert done["closing_code"] == "forwarded"


def test_special_case_may_be_extended_by_the_window_lead(ctx, hall):
    opened = open_promised(ctx, hall, case_type="special")
    assert opened["deadline"] == "2026-11-26"
    with pytest.raises(Forbidden, match="window lead"):
        cases.pause(ctx, hall["clerk"], opened["id"], kind="extension", reason="急事", end="2026-11-25")
    view = cases.pause(ctx, hall["lead"], opened["id"], kind="extension", reason="需补充核查",
                       start="2026-11-24", end="2026-11-25")
    assert view["deadline"] == "2026-11-30" and view["pauses"][0]["approved_by"] == "陈首席"


def test_supplement_case_starts_its_clock_the_day_after_completion(ctx, hall, clock):
    opened = open_promised(ctx, hall, materials=["设立登记申请书"])
    assert opened["case_type"] == "supplement" and opened["status"] == "awaiting_materials"
    assert opened["deadline"] is None and opened["materials_missing"] == ["公司章程", "股东身份证明"]
    view = cases.supplement(ctx, hall["clerk"], opened["id"], missing=["公司章程"])
    assert view["materials_missing"] == ["公司章程"] and len(view["supplement_rounds"]) == 2
    clock.advance(days=2)  # Wednesday
    view = cases.supplement(ctx, hall["clerk"], opened["id"], completed=True)
    assert view["case_type"] == "promised" and view["status"] == "in_progress"
    assert view["deadline"] == "2026-11-30"  # Thu, Fri, Mon after Wednesday's completion
    assert view["materials_missing"] == []
    with pytest.raises(Invalid, match="supplement case"):
        open_promised(ctx, hall, materials=["公司章程"], case_type="promised")


def test_returned_case_needs_a_reason_and_cannot_be_finished(ctx, hall):
    with pytest.raises(Invalid, match="reason"):
        open_promised(ctx, hall, case_type="returned")
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(CaseRecord)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Event).where(Event.type.like("case.%"))).scalar_one() == 0
    returned = open_promised(ctx, hall, case_type="returned", reason="不属于本中心受理范围")
    assert returned["status"] == "closed" and returned["closing_code"] == "returned"
    assert returned["closing_reason"] == "不属于本中心受理范围"
    with ctx.read() as s:
        before = s.get(CaseRecord, returned["id"]).record
    published = len(ctx.publisher.events)
    with pytest.raises(Conflict, match="closed"):
        cases.finish(ctx, hall["clerk"], returned["id"])
    with ctx.read() as s:
        assert s.get(CaseRecord, returned["id"]).record == before
    assert len(ctx.publisher.events) == published


def test_return_during_handling_closes_with_the_reason(ctx, hall):
    opened = open_promised(ctx, hall)
    with pytest.raises(Invalid, match="reason"):
        cases.return_case(ctx, hall["clerk"], opened["id"], reason=" ")
    done = cases.return_case(ctx, hall["clerk"], opened["id"], reason="申请人不具备主体资格")
    assert done["closing_code"] == "returned"
    assert ctx.publisher.events[-1].payload["closing_code"] == "returned"


# -- the clock ----------------------------------------------------------------------------------

def test_pause_extends_the_deadline(ctx, hall, clock):
    opened = open_promised(ctx, hall)
    assert opened["deadline"] == "2026-11-26"
    clock.advance(days=1)
    paused = cases.pause(ctx, hall["clerk"], opened["id"], kind="hearing", reason="召开听证会")
    assert paused["status"] == "paused" and paused["yellow_from"] is None
    clock.advance(days=1)
    resumed = cases.resume(ctx, hall["clerk"], opened["id"])
    assert resumed["status"] == "in_progress"
    assert resumed["deadline"] == "2026-11-30"  # Tuesday and Wednesday did not count
    assert resumed["deadline"] > opened["deadline"]
    with pytest.raises(Conflict, match="not paused"):
        cases.resume(ctx, hall["clerk"], opened["id"])
    with pytest.raises(Invalid, match="before it starts"):
        cases.pause(ctx, hall["clerk"], opened["id"], kind="testing", reason="检测", start="2026-11-27",
                    end="2026-11-26")


def test_a_promised_case_cannot_pause_for_a_site_check(ctx, hall):
    opened = open_promised(ctx, hall)
    with pytest.raises(Conflict, match="within the promise"):
        cases.pause(ctx, hall["clerk"], opened["id"], kind="site_check", reason="现场勘验")


def test_case_across_the_2025_spring_festival(ctx, hall, clock):
    """Received Friday 2025-01-24 with 5 promised days: the make-up Sunday counts, the holiday does not."""
    set_item(ctx, "SCJ-001", promised_days=5)
    clock.moment = datetime(2025, 1, 24, 2, 0, tzinfo=UTC)  # 10:00 in the hall
    opened = cases.open_case(ctx, hall["clerk"], service_id=hall["promised"], applicant=PERSON,
                             materials=ALL_SCJ1)
    calendar = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
    expected = compute_deadline(calendar, date(2025, 1, 24), 5)
    assert opened["deadline"] == expected.date.isoformat() == "2025-02-07"
    assert opened["provisional"] is False
    import chinese_calendar

    assert chinese_calendar.is_workday(date(2025, 1, 26)) and chinese_calendar.is_holiday(date(2025, 2, 4))


def test_a_paper_case_received_earlier_counts_from_its_receipt(ctx, hall):
    opened = open_promised(ctx, hall, received_at="2026-11-19T16:00:00+08:00")  # Thursday
    assert opened["number"] == "SCJ-20261119-0001"
    assert opened["deadline"] == "2026-11-24" and opened["signal"] == "yellow"
    with pytest.raises(Invalid, match="future"):
        open_promised(ctx, hall, received_at="2026-12-01T09:00:00+08:00")


def test_overdue_case_turns_red_and_is_deemed_approved(ctx, hall):
    opened = open_promised(ctx, hall, received_at="2026-11-16T09:00:00+08:00")
    assert opened["signal"] == "red" and opened["deemed_approved"] is True
    assert opened["signal_reasons"] == ["promise_passed"]
    warning = next(e for e in ctx.publisher.events if e.type == "case.warning")
    assert warning.payload["signal"] == "red" and warning.payload["case_id"] == opened["id"]
    listed = cases.list_cases(ctx, hall["clerk"], warning="red")
    assert [c["id"] for c in listed["items"]] == [opened["id"]]
    assert cases.list_cases(ctx, hall["clerk"], warning="yellow")["total"] == 0


def test_no_show_counts_as_on_time(ctx, hall, clock):
    opened = open_promised(ctx, hall)
    clock.advance(days=2)
    view = cases.no_show(ctx, hall["clerk"], opened["id"], told_on="2026-11-25")
    assert view["no_show_on"] == "2026-11-25"
    clock.advance(days=7)
    view = cases.record_step(ctx, hall["clerk"], opened["id"], action="other", opinion="等待申请人")
    assert view["signal"] == "none"


def test_handover_restarts_the_stage_clock_in_the_other_department(ctx, hall):
    opened = open_promised(ctx, hall)
    cases.record_step(ctx, hall["clerk"], opened["id"], action="pass")
    view = cases.handover(ctx, hall["clerk"], opened["id"], department_id=hall["gaj"], limit_days=2)
    assert view["steps"][-1]["department"] == "GAJ" and view["step_deadline"] == "2026-11-25"
    cases.record_step(ctx, hall["gaj_clerk"], opened["id"], action="pass", opinion="公安核查无异常")
    assert ctx.publisher.events[-1].type == "case.step"


# -- roles --------------------------------------------------------------------------------------

def test_roles(ctx, hall):
    opened = open_promised(ctx, hall)
    with pytest.raises(Forbidden):
        cases.record_step(ctx, hall["gaj_clerk"], opened["id"], action="pass")
    with pytest.raises(Forbidden):
        cases.open_case(ctx, hall["duty"], service_id=hall["promised"], applicant=PERSON, materials=ALL_SCJ1)
    with pytest.raises(Forbidden):
        cases.open_case(ctx, hall["gaj_clerk"], service_id=hall["promised"], applicant=PERSON,
                        materials=ALL_SCJ1)
    with pytest.raises(Forbidden, match="not held by you"):
        cases.open_case(ctx, hall["zh_clerk"], service_id=hall["immediate"], applicant=PERSON,
                        materials=["个体工商户登记申请书", "经营者身份证明"], window_id=hall["w1"])
    set_item(ctx, "SCJ-001", workflow=["受理", "审核", "批准", "办结"])
    case = open_promised(ctx, hall)
    cases.record_step(ctx, hall["clerk"], case["id"], action="pass")
    cases.record_step(ctx, hall["clerk"], case["id"], action="pass")
    with pytest.raises(Forbidden, match="首席代表"):
        cases.record_step(ctx, hall["clerk"], case["id"], action="pass", opinion="同意")
    view = cases.record_step(ctx, hall["lead"], case["id"], action="pass", opinion="同意")
    assert view["current_step"] == "finish"


def test_bad_input_is_refused(ctx, hall):
    with pytest.raises(Invalid, match="id_number"):
        open_promised(ctx, hall, applicant={"name": NAME, "kind": "person", "id_number": "110105194912310021"[:17]
                                            + "0"})
    with pytest.raises(Invalid, match="credit_code"):
        open_promised(ctx, hall, applicant={"name": "某某科技有限公司", "kind": "organisation", "id_number": ID})
    with pytest.raises(Invalid, match="required materials"):
        open_promised(ctx, hall, materials=["户口簿"])
    with pytest.raises(NotFound):
        open_promised(ctx, hall, service_id=9999)
    with pytest.raises(NotFound):
        cases.get_case(ctx, hall["clerk"], 2**40)
    with pytest.raises(Invalid):
        cases.list_cases(ctx, hall["clerk"], limit=201)
    org = open_promised(ctx, hall, applicant={"name": "某某科技有限公司", "kind": "organisation",
                                              "credit_code": CREDIT})
    assert org["applicant"]["id_masked"] == "9*************0Y43"


# -- personal data ------------------------------------------------------------------------------

def test_personal_data_stays_out_of_events_and_public_views(ctx, hall):
    opened = open_promised(ctx, hall)
    cases.record_step(ctx, hall["clerk"], opened["id"], action="pass")
    cases.return_case(ctx, hall["clerk"], opened["id"], reason="材料不实")
    open_promised(ctx, hall, received_at="2026-11-16T09:00:00+08:00")  # red: a warning event
    with ctx.read() as s:
        stored = [e.payload for e in s.execute(select(Event)).scalars()]
        row = s.get(CaseRecord, opened["id"])
        assert NAME not in row.applicant_name_enc and row.applicant_name_masked == "欧**远"
        assert ID not in row.applicant_id_hash and row.applicant_id_masked == ID[0] + "*" * 13 + ID[-4:]
    published = [str(e.payload) for e in ctx.publisher.events]
    for text in stored + published:
        assert NAME not in text and ID not in text and ID[-4:] not in text
    status = cases.case_status(ctx, opened["status_url"].rsplit("/", 1)[1])
    assert status["number"] == opened["number"] and status["steps_done"] == ["accept", "review"]
    flat = str(status)
    assert NAME not in flat and "欧" not in flat and ID[-4:] not in flat
    with pytest.raises(NotFound):
        cases.case_status(ctx, "no-such-token")


def test_full_name_only_for_the_window_clerk_and_leads(ctx, hall):
    opened = open_promised(ctx, hall)
    assert cases.get_case(ctx, hall["clerk"], opened["id"])["applicant"]["name"] == NAME
    assert cases.get_case(ctx, hall["lead"], opened["id"])["applicant"]["name"] == NAME
    other = cases.get_case(ctx, hall["zh_clerk"], opened["id"])["applicant"]
    assert "name" not in other and other["name_masked"] == "欧**远"
    assert "name" not in cases.get_case(ctx, hall["duty"], opened["id"])["applicant"]
    listed = cases.list_cases(ctx, hall["lead"], status="in_progress", window=hall["w1"])
    assert listed["total"] == 1 and "name" not in listed["items"][0]["applicant"]


def test_a_year_missing_from_the_calendar_gives_a_provisional_deadline(ctx, hall, clock):
    clock.moment = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
    opened = open_promised(ctx, hall)
    assert opened["deadline"] == "2026-12-31" and opened["provisional"] is False
    set_item(ctx, "SCJ-001", promised_days=10)
    later = open_promised(ctx, hall)
    assert later["deadline"] == "2027-01-11" and later["provisional"] is True


def test_system_actor_cannot_open_cases(ctx, hall):
    with pytest.raises(Forbidden):
        cases.open_case(ctx, SYSTEM, service_id=hall["promised"], applicant=PERSON, materials=ALL_SCJ1)
