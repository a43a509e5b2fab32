"""The cases API over HTTP on SQLite and PostgreSQL: every response is checked against the OpenAPI description."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hall.services import access
from hall.services.actors import SYSTEM
from hall.store.models import CaseRecord, Department, Event
from hall.web.openapi import spec
from tests.api.conftest import check_documented

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check character."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


NAME, ID = "司马光明", id_number("11010519800101123")
PERSON = {"name": NAME, "kind": "person", "id_number": ID}
ALL_SCJ1 = ["设立登记申请书", "公司章程", "股东身份证明"]


def case_counts(ctx) -> tuple[int, int, list[str]]:
    """Cases, events and stored records: what a refused request must leave as it was."""
    with ctx.read() as s:
        return (s.scalar(select(func.count()).select_from(CaseRecord)),
                s.scalar(select(func.count()).select_from(Event)),
                list(s.execute(select(CaseRecord.record).order_by(CaseRecord.id)).scalars()))


@pytest.fixture
def desk(as_staff, ids, hall_ctx):
    """Window 1 open with clerk01; a window lead of the market bureau; ids."""
    clerk = as_staff("clerk01")
    clerk.post(f"/windows/{ids['windows']['1']}/open")
    access.add_user(hall_ctx, SYSTEM, "lead1", "window_lead", "lead-password", name="陈首席", department_code="SCJ")
    with hall_ctx.read() as s:
        gaj = s.execute(select(Department.id).where(Department.code == "GAJ")).scalar_one()
    return {"clerk": clerk, "lead": as_staff("lead1"), "gaj_clerk": as_staff("clerk02"), "duty": as_staff("duty1"),
            "w1": ids["windows"]["1"], "scj1": ids["services"]["SCJ-001"], "scj2": ids["services"]["SCJ-002"],
            "gaj": gaj}


def open_body(desk, **extra) -> dict:
    return {"service_id": desk["scj1"], "applicant": PERSON, "materials": ALL_SCJ1, "window_id": desk["w1"],
            **extra}


def test_open_case_contract(desk):
    response = desk["clerk"].post("/cases", open_body(desk))
    assert response.status_code == 201
    case = response.get_json()
    assert {"id", "number", "deadline", "provisional", "status"} <= set(case)
    assert case["number"] == "SCJ-20261123-0001" and case["deadline"] == "2026-11-26"
    assert case["status"] == "in_progress" and case["provisional"] is False
    assert case["applicant"]["name"] == NAME  # the clerk holding the case's window
    assert case["status_url"].startswith("http://hall.test/c/")


def test_every_case_operation_answers_as_documented(desk, anonymous, seen):
    """Walk every case operation; each documented success status is seen and matches its schema."""
    clerk, lead = desk["clerk"], desk["lead"]
    case = clerk.post("/cases", open_body(desk, case_type="special")).get_json()
    cid = case["id"]
    clerk.post(f"/cases/{cid}/steps", {"action": "pass", "opinion": "受理"})
    clerk.post(f"/cases/{cid}/handover", {"department_id": desk["gaj"], "limit_days": 2})
    clerk.post(f"/cases/{cid}/pause", {"kind": "hearing", "reason": "听证"})
    clerk.post(f"/cases/{cid}/resume")
    lead.post(f"/cases/{cid}/pause", {"kind": "extension", "reason": "延期", "end": "2026-11-24"})
    clerk.post(f"/cases/{cid}/no-show", {"told_on": "2026-11-23"})
    clerk.post(f"/cases/{cid}/return", {"reason": "不符合条件"})
    supplement = clerk.post("/cases", open_body(desk, materials=["公司章程"])).get_json()
    clerk.post(f"/cases/{supplement['id']}/supplement", {"missing": ["设立登记申请书"]})
    clerk.post(f"/cases/{supplement['id']}/supplement", {"completed": True})
    clerk.post(f"/cases/{supplement['id']}/void", {"reason": "申请人撤回"})
    joint = clerk.post("/cases", open_body(desk, case_type="joint", co_departments=[desk["gaj"]])).get_json()
    desk["gaj_clerk"].post(f"/cases/{joint['id']}/opinions",
                           {"department_id": desk["gaj"], "consent": True, "opinion": "同意"})
    immediate = clerk.post("/cases", {"service_id": desk["scj2"], "applicant": PERSON,
                                      "materials": ["个体工商户登记申请书", "经营者身份证明"]}).get_json()
    clerk.post(f"/cases/{immediate['id']}/finish", {"opinion": "当场办结"})
    clerk.get(f"/cases/{cid}")
    clerk.get("/cases?status=open&limit=10")
    promised = clerk.post("/cases", open_body(desk)).get_json()
    assert clerk.get(f"/cases/{promised['id']}/notices/acceptance.pdf").data.startswith(b"%PDF")
    assert clerk.get(f"/cases/{promised['id']}/notices/return.pdf").status_code == 404
    assert clerk.get(f"/cases/{cid}/notices/return.pdf").data.startswith(b"%PDF")
    assert clerk.post(f"/cases/{promised['id']}/receipt", {"printer": "window-1"}).status_code == 202
    anonymous.get(f"/case-status/{case['status_url'].rsplit('/', 1)[1]}")
    documented = {(path, method, int(status)) for path, item in spec()["paths"].items()
                  for method, op in item.items() for status in op["responses"]
                  if status.startswith("2") and path.startswith(("/api/v1/cases", "/api/v1/case-status"))}
    assert documented - seen == set()


def test_the_finish_step_after_the_steps(desk):
    clerk = desk["clerk"]
    cid = clerk.post("/cases", open_body(desk)).get_json()["id"]
    assert clerk.post(f"/cases/{cid}/finish").status_code == 409
    clerk.post(f"/cases/{cid}/steps", {"action": "pass", "step": "accept"})
    clerk.post(f"/cases/{cid}/steps", {"action": "pass", "step": "review"})
    done = clerk.post(f"/cases/{cid}/finish", {"opinion": "准予登记"})
    assert done.status_code == 200 and done.get_json()["closing_code"] == "finished"


@pytest.mark.parametrize("who, path, payload, status", [
    ("clerk", "/cases", {"service_id": "x", "applicant": PERSON}, 422),
    ("clerk", "/cases", {"applicant": PERSON}, 422),
    ("clerk", "/cases", {"service_id": 1, "applicant": PERSON, "surprise": 1}, 422),
    ("clerk", "/cases", {"service_id": 1, "applicant": {"name": NAME, "id_number": "123"}}, 422),
    ("clerk", "/cases", {"service_id": 999, "applicant": PERSON}, 404),
    ("clerk", "/cases", {"service_id": 1, "applicant": PERSON, "case_type": "returned"}, 422),
    ("clerk", "/cases", {"service_id": 1, "applicant": PERSON, "materials": ["x"]}, 422),
    ("clerk", "/cases", {"service_id": 1, "applicant": PERSON, "received_at": "yesterday"}, 422),
    ("duty", "/cases", {"service_id": 1, "applicant": PERSON}, 403),
    ("gaj_clerk", "/cases", {"service_id": 1, "applicant": PERSON, "materials": ALL_SCJ1}, 403),
    ("clerk", "/cases/{id}/steps", {"action": "skip"}, 422),
    ("clerk", "/cases/{id}/steps", {"action": "pass", "step": "finish"}, 409),
    ("gaj_clerk", "/cases/{id}/steps", {"action": "pass"}, 403),
    ("clerk", "/cases/{id}/return", {"reason": ""}, 422),
    ("clerk", "/cases/{id}/pause", {"kind": "hearing", "reason": "听证", "start": "2026-11-25",
                                    "end": "2026-11-24"}, 422),
    ("clerk", "/cases/{id}/pause", {"kind": "site_check", "reason": "勘验"}, 409),
    ("clerk", "/cases/{id}/pause", {"kind": "extension", "reason": "延期", "end": "2026-11-30"}, 403),
    ("clerk", "/cases/{id}/resume", {}, 409),
    ("clerk", "/cases/{id}/supplement", {"completed": True}, 409),
    ("clerk", "/cases/{id}/supplement", {}, 422),
    ("clerk", "/cases/{id}/handover", {"department_id": 2147483647}, 404),
    ("clerk", "/cases/{id}/opinions", {"department_id": 1, "consent": True, "opinion": "同意"}, 409),
    ("clerk", "/cases/{id}/no-show", {"told_on": "2030-01-01"}, 422),
    ("clerk", "/cases/99999/finish", {}, 404),
])
def test_bad_requests_get_a_json_error_and_change_nothing(desk, hall_ctx, who, path, payload, status):
    cid = desk["clerk"].post("/cases", open_body(desk)).get_json()["id"]
    before = case_counts(hall_ctx)
    response = desk[who].post(path.replace("{id}", str(cid)), payload)
    assert response.status_code == status, response.get_json()
    assert set(response.get_json()["error"]) == {"code", "message", "localized_message"}
    assert case_counts(hall_ctx) == before


def test_finishing_a_returned_case_is_refused(desk, hall_ctx):
    clerk = desk["clerk"]
    returned = clerk.post("/cases", open_body(desk, case_type="returned", reason="不属于受理范围")).get_json()
    assert returned["closing_code"] == "returned"
    before = case_counts(hall_ctx)
    response = clerk.post(f"/cases/{returned['id']}/finish")
    assert response.status_code == 409 and "returned" in response.get_json()["error"]["message"]
    assert case_counts(hall_ctx) == before


def test_list_filters_and_paging(desk):
    clerk = desk["clerk"]
    late = clerk.post("/cases", open_body(desk, received_at="2026-11-16T09:00:00+08:00")).get_json()
    clerk.post("/cases", open_body(desk))
    assert late["signal"] == "red"
    red = clerk.get("/cases?warning=red").get_json()
    assert [c["id"] for c in red["items"]] == [late["id"]] and red["total"] == 1
    page = clerk.get(f"/cases?window={desk['w1']}&status=in_progress&limit=1&offset=1").get_json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["offset"] == 1
    for query in ("status=lost", "warning=blue", "limit=0", "limit=201", "window=x", "colour=red"):
        response = clerk.get(f"/cases?{query}")
        assert response.status_code == 422, query
    assert clerk.get("/cases?window=2147483648").status_code == 404


def test_find_a_case_by_its_number(desk):
    """?number= finds the one case a receipt names, whatever the spacing and letter case; nothing else."""
    clerk = desk["clerk"]
    first = clerk.post("/cases", open_body(desk)).get_json()
    second = clerk.post("/cases", open_body(desk)).get_json()
    assert first["number"] == "SCJ-20261123-0001" and second["number"] == "SCJ-20261123-0002"
    found = clerk.get("/cases?number=SCJ-20261123-0002").get_json()
    assert [c["id"] for c in found["items"]] == [second["id"]] and found["total"] == 1
    assert "name" not in found["items"][0]["applicant"]  # a list masks the applicant, even a found case's
    typed = desk["duty"].get("/cases?number=%20scj-20261123-%200001%20").get_json()
    assert [c["id"] for c in typed["items"]] == [first["id"]]
    assert clerk.get("/cases?number=SCJ-20261123-0001&status=closed").get_json()["total"] == 0
    assert clerk.get("/cases?number=SCJ-20261123-000").get_json() == {"items": [], "total": 0, "limit": 50,
                                                                      "offset": 0}
    for query in ("number=", "number=%20", "number=" + "9" * 65):
        response = clerk.get(f"/cases?{query}")
        assert response.status_code == 422 and set(response.get_json()["error"]) == {"code", "message", "localized_message"}, query


def test_case_status_is_public_and_holds_no_personal_data(desk, anonymous, client):
    case = desk["clerk"].post("/cases", open_body(desk)).get_json()
    token = case["status_url"].rsplit("/", 1)[1]
    public = anonymous.get(f"/case-status/{token}")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert NAME[0] not in text and ID[-4:] not in text and "applicant" not in text
    assert public.get_json()["deadline"] == "2026-11-26"
    assert check_documented(client.get("/api/v1/case-status/nope")).status_code == 404


def test_staff_reads_are_masked_except_for_the_window_and_leads(desk, as_staff):
    cid = desk["clerk"].post("/cases", open_body(desk)).get_json()["id"]
    assert desk["lead"].get(f"/cases/{cid}").get_json()["applicant"]["name"] == NAME
    masked = desk["duty"].get(f"/cases/{cid}").get_json()["applicant"]
    assert "name" not in masked and masked["name_masked"] == "司**明"
    assert as_staff("clerk03").get(f"/cases/{cid}").status_code == 200
