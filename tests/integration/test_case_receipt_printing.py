"""Case receipts end to end: a case opened at window 1 → stored job → device agent → ESC/POS → emulated printer."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from devices.agent import Agent
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter
from tests.conftest import SMALL_HALL
from tests.integration.test_printing import QUICK_RETRIES, wait_for
from tests.live import LiveHall
from tests.services.test_case_service import ALL_SCJ1, PERSON

PRINTER = "window-1"


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The small test hall with an agent token; clerk01 holds window 1."""
    server = LiveHall(tmp_path_factory.mktemp("case-receipts"))
    server.cli("hall", "load", str(SMALL_HALL))
    server.agent_token = server.cli("devices", "token", "agent-1", "--kind", "agent")
    server.start()
    server.clerk = server.staff_token("clerk01")
    _, windows = server.request("GET", "/api/v1/windows", token=server.clerk)
    server.window = next(w for w in windows if w["number"] == "1")
    assert server.api("POST", f"/api/v1/windows/{server.window['id']}/open", server.clerk).ok
    _, services = server.request("GET", "/api/v1/services", token=server.clerk)
    server.service = next(s for s in services if s["code"] == "SCJ-001")
    yield server
    server.stop()


def receipt_jobs(hall: LiveHall, case_id: int) -> list[tuple[str, str]]:
    """(kind, status) of the stored print jobs of a case, read straight from the hall's database."""
    engine = create_engine(f"sqlite:///{hall.var_dir / 'hall.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, status FROM print_jobs WHERE case_id = :c"), {"c": case_id}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def open_case(hall: LiveHall, **extra) -> dict:
    """A promised case with every material at window 1."""
    r = hall.api("POST", "/api/v1/cases", hall.clerk, {"service_id": hall.service["id"], "applicant": PERSON,
                                                        "materials": ALL_SCJ1, "window_id": hall.window["id"], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_case_opened_with_print_receipt_comes_out_of_the_window_printer(hall, tmp_path):
    """Number, service, promised date and the QR of the case page on the receipt; no name; marked printed."""
    printer = PrinterEmulator(out_dir=tmp_path).start()
    agent = Agent(hall.url, hall.agent_token, {PRINTER: EscPosPrinter(printer.address)}, name="window-agent",
                  policy=QUICK_RETRIES, reconnect_delay_s=(0.2, 1.0)).start()
    try:
        assert agent.wait_connected(10)
        case = open_case(hall, print_receipt=PRINTER)
        job = printer.wait_for_jobs(1, timeout=15)[0]
        lines = "\n".join(job.text_lines)
        assert case["number"] in lines and hall.service["name"] in lines and "凭此回执查询办理进度" in lines
        y, m, d = (int(x) for x in case["deadline"].split("-"))
        assert f"{y}年{m}月{d}日" in lines and PERSON["name"] not in lines
        assert job.qr_data == [case["status_url"]] and "/c/" in case["status_url"]
        wait_for(lambda: receipt_jobs(hall, case["id"]) == [("case_receipt", "printed")])
    finally:
        agent.stop()
        printer.stop()


def test_no_receipt_is_queued_unless_asked(hall):
    """Without print_receipt (and no printer configured for the department) nothing is printed."""
    case = open_case(hall)
    assert receipt_jobs(hall, case["id"]) == []


def test_a_receipt_can_be_printed_again_later(hall):
    """POST /cases/<id>/receipt queues another receipt; it waits for the agent like any job."""
    case = open_case(hall)
    r = hall.api("POST", f"/api/v1/cases/{case['id']}/receipt", hall.clerk, {"printer": PRINTER})
    assert r.status_code == 202 and r.json()["kind"] == "case_receipt"
    assert receipt_jobs(hall, case["id"]) == [("case_receipt", "pending")]
