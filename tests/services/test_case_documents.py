"""A case's papers against the real database: notice data, applicable notices and the receipt job."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hall.services import case_documents, cases
from hall.services.errors import Invalid, NotFound
from hall.services.printing import pending_jobs
from hall.store.models import PrintJob
from tests.services.test_case_service import ALL_SCJ1, NAME, PERSON, hall, open_promised  # noqa: F401


def test_acceptance_notice_carries_the_promise_the_window_and_the_full_name(ctx, hall):  # noqa: F811
    """The clerk holding the window prints the applicant's own name, the promised date and the window."""
    case = open_promised(ctx, hall)
    data = case_documents.notice_data(ctx, hall["clerk"], case["id"], "acceptance")
    assert data["number"] == case["number"] and data["deadline"] == case["deadline"]
    assert data["applicant"]["name"] == NAME and "*" in data["applicant"]["id"]
    assert data["window"] == "1" and data["promised_days"] == 3 and data["materials_received"] == ALL_SCJ1
    assert data["status_url"].startswith("http://hall.test/c/")
    number, pdf = case_documents.notice_pdf(ctx, hall["clerk"], case["id"], "acceptance")
    assert number == case["number"] and pdf.startswith(b"%PDF")


def test_a_return_notice_does_not_exist_for_an_open_case(ctx, hall):  # noqa: F811
    """Only the notices that apply to a case can be printed; the rest are 404."""
    case = open_promised(ctx, hall)
    assert case_documents.applicable_notices(cases.get_case(ctx, hall["clerk"], case["id"])) == ["acceptance"]
    for kind in ("return", "one_time", "joint", "licence"):
        with pytest.raises(NotFound):
            case_documents.notice_data(ctx, hall["clerk"], case["id"], kind)


def test_a_supplement_case_lists_every_missing_material_once(ctx, hall):  # noqa: F811
    """补办件: the one-time notice names each missing material; no acceptance notice yet."""
    case = open_promised(ctx, hall, materials=ALL_SCJ1[:1], case_type="supplement")
    view = cases.get_case(ctx, hall["clerk"], case["id"])
    assert case_documents.applicable_notices(view) == ["one_time"]
    data = case_documents.notice_data(ctx, hall["clerk"], case["id"], "one_time")
    assert data["materials_missing"] == ALL_SCJ1[1:]


def test_a_returned_case_has_a_return_notice_with_its_reason(ctx, hall):  # noqa: F811
    """退回件: the written reason travels to the notice."""
    case = open_promised(ctx, hall, case_type="returned", reason="不属于本中心受理范围")
    view = cases.get_case(ctx, hall["clerk"], case["id"])
    assert "return" in case_documents.applicable_notices(view)
    assert case_documents.notice_data(ctx, hall["clerk"], case["id"], "return")["reason"] == "不属于本中心受理范围"


def test_the_receipt_is_a_stored_job_re_sent_to_its_printer(ctx, hall):  # noqa: F811
    """A case receipt is stored as a print job of its own kind and re-sent when the agent says hello."""
    case = open_promised(ctx, hall)
    message = case_documents.queue_receipt(ctx, hall["clerk"], case["id"], "window-1")
    assert message["kind"] == "case_receipt" and message["case"]["number"] == case["number"]
    assert message["case"]["deadline"] == case["deadline"] and message["case"]["window"] == "1"
    assert "name" not in message["case"] and NAME not in str(message)
    with ctx.read() as s:
        job = s.execute(select(PrintJob)).scalar_one()
        assert (job.kind, job.case_id, job.ticket_id) == ("case_receipt", case["id"], None)
    assert pending_jobs(ctx, ["window-1"]) == [{**message, "attempt": 1}]


def test_a_receipt_needs_a_printer_name(ctx, hall):  # noqa: F811
    """A printer is named like the agent names it; anything else is refused."""
    case = open_promised(ctx, hall)
    with pytest.raises(Invalid):
        case_documents.queue_receipt(ctx, hall["clerk"], case["id"], "")
