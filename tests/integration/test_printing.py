"""Printed tickets end to end: hall server → device agent → ESC/POS over TCP → emulated printer → PNG."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from devices.agent import Agent
from devices.print_worker import RetryPolicy
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter
from tests.conftest import SMALL_HALL
from tests.live import LiveHall, free_port
from tests.realtime.test_socketio import Listener

QUICK_RETRIES = RetryPolicy(max_attempts=3, first_delay_s=0.2, max_delay_s=1.0)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A hall server with a kiosk whose printer is named kiosk-1, an agent token and a screen."""
    server = LiveHall(tmp_path_factory.mktemp("printing"))
    server.cli("hall", "load", str(SMALL_HALL))
    server.device_tokens = {kind: server.cli("devices", "token", f"{kind}-1", "--kind", kind)
                            for kind in ("kiosk", "agent", "screen")}
    server.start()
    yield server
    server.stop()


def job_status(hall: LiveHall, ticket_id: int) -> str:
    """The stored print job's status for a ticket (read straight from the hall's database)."""
    engine = create_engine(f"sqlite:///{hall.var_dir / 'hall.db'}")
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM print_jobs WHERE ticket_id = :t"), {"t": ticket_id}).scalar_one()
    engine.dispose()
    return status


def wait_for(condition, timeout: float = 15.0) -> None:
    """Poll until condition() is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def issue(hall: LiveHall) -> dict:
    """A ticket from the kiosk; its answer never waits for the printer."""
    started = time.monotonic()
    r = hall.api("POST", "/api/v1/tickets", hall.device_tokens["kiosk"], {"service_id": 1})
    assert r.status_code == 201 and time.monotonic() - started < 2.0
    return r.json()


def start_agent(hall: LiveHall, port: int) -> Agent:
    """The device agent driving the kiosk's printer at `port`."""
    agent = Agent(hall.url, hall.device_tokens["agent"], {"kiosk-1": EscPosPrinter(f"tcp://127.0.0.1:{port}")},
                  name="test-agent", policy=QUICK_RETRIES, reconnect_delay_s=(0.2, 1.0)).start()
    assert agent.wait_connected(10)
    return agent


def test_a_kiosk_ticket_comes_out_of_the_printer_and_is_rendered(hall, tmp_path):
    """Number, hall, service and QR of the status page on the printed ticket; the job is marked printed."""
    printer = PrinterEmulator(out_dir=tmp_path).start()
    agent = start_agent(hall, printer.port)
    try:
        ticket = issue(hall)
        job = printer.wait_for_jobs(1, timeout=15)[0]
        text_ = "\n".join(job.text_lines)
        assert ticket["number"] in text_ and "测试县政务服务中心" in text_ and "营业执照设立登记" in text_
        assert job.qr_data == [ticket["status_url"]]
        with Image.open(job.png_path) as png:
            assert png.width == 576
        wait_for(lambda: job_status(hall, ticket["id"]) == "printed")
    finally:
        agent.stop()
        printer.stop()


def test_a_job_waits_for_the_printer_and_prints_once_it_is_back(hall, tmp_path):
    """Printer off when the ticket is issued: the agent retries, the ticket prints once when it returns."""
    port = free_port()
    agent = start_agent(hall, port)
    try:
        ticket = issue(hall)
        time.sleep(0.5)
        printer = PrinterEmulator(port=port, out_dir=tmp_path).start()
        try:
            job = printer.wait_for_jobs(1, timeout=15)[0]
            assert ticket["number"] in "\n".join(job.text_lines)
            wait_for(lambda: job_status(hall, ticket["id"]) == "printed")
            time.sleep(1.0)
            assert len(printer.jobs) == 1
        finally:
            printer.stop()
    finally:
        agent.stop()


def test_a_job_queued_while_no_agent_listens_prints_when_the_agent_comes(hall, tmp_path):
    """The agent was down when the ticket was issued; on hello it gets the job and prints it."""
    printer = PrinterEmulator(out_dir=tmp_path).start()
    try:
        ticket = issue(hall)
        agent = start_agent(hall, printer.port)
        try:
            jobs = printer.wait_for_jobs(1, timeout=15)
            assert any(ticket["number"] in "\n".join(j.text_lines) for j in jobs)
            wait_for(lambda: job_status(hall, ticket["id"]) == "printed")
        finally:
            agent.stop()
    finally:
        printer.stop()


def test_a_printer_running_out_of_paper_raises_one_alarm(hall, tmp_path):
    """The agent reports paper out: one alarm for the wall, not one per report."""
    printer = PrinterEmulator(out_dir=tmp_path).start()
    screen = Listener(hall.url, "/display", {"token": hall.device_tokens["screen"]})
    agent = start_agent(hall, printer.port)
    try:
        screen.next("snapshot")
        printer.paper_out = True
        issue(hall)
        alarm = screen.next("alarm.raised", timeout=20)
        assert alarm["kind"] == "printer" and alarm["subject"] == "kiosk-1" and "缺纸" in alarm["message"]
    finally:
        agent.stop()
        screen.close()
        printer.stop()


def test_a_printer_out_of_paper_fails_the_job_with_an_alarm(hall, tmp_path):
    """Paper out on every attempt: the job is marked failed and screens get print.failed and an alarm."""
    printer = PrinterEmulator(out_dir=tmp_path, paper_out=True).start()
    screen = Listener(hall.url, "/display", {"token": hall.device_tokens["screen"]})
    agent = start_agent(hall, printer.port)
    try:
        screen.next("snapshot")
        ticket = issue(hall)
        failed = screen.next("print.failed", timeout=20)
        while failed["ticket_id"] != ticket["id"]:  # a job left over from an earlier test fails first
            failed = screen.next("print.failed", timeout=20)
        assert failed["reason"] == "paper_out"
        alarms = [screen.next("alarm.raised", timeout=5)]
        while ticket["number"] not in alarms[-1]["message"]:
            alarms.append(screen.next("alarm.raised", timeout=5))
        assert all(a["kind"] == "printer" for a in alarms)
        assert job_status(hall, ticket["id"]) == "failed" and printer.jobs == []
        assert hall.api("GET", f"/api/v1/tickets/{ticket['id']}", hall.device_tokens["kiosk"]).json()["status"] == "waiting"
    finally:
        agent.stop()
        screen.close()
        printer.stop()
