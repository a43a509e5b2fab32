"""Device agent against a stand-in hall server and emulated printers, over real sockets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.agent import Agent, parse_printers
from devices.print_worker import RetryPolicy
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter
from tests.devices.conftest import AGENT_TOKEN, HallStandIn, free_port

FAST = RetryPolicy(max_attempts=5, first_delay_s=0.1, max_delay_s=0.4)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_agent(hall):
    """Build and start agents bound to the stand-in hall; stop them after the test."""
    agents = []

    def make(printers: dict[str, str], policy: RetryPolicy = FAST, **kwargs) -> Agent:
        drivers = {name: EscPosPrinter(address, timeout=1.0) for name, address in printers.items()}
        agent = Agent(
            hall.url,
            AGENT_TOKEN,
            drivers,
            name="agent-test",
            policy=policy,
            reconnect_delay_s=(0.1, 0.5),
            **kwargs,
        )
        agents.append(agent.start())
        assert agent.wait_connected(10)
        return agent

    yield make
    for agent in agents:
        agent.stop()


def test_hello_names_the_printers(hall, emulator, make_agent):
    make_agent({"kiosk-1": emulator.address, "kiosk-2": emulator.address})
    hello = hall.wait_for(lambda: hall.of("hello"))[0]
    assert hello == {"agent": "agent-test", "printers": ["kiosk-1", "kiosk-2"]}
    hall.wait_for(lambda: hall.of("health", printer="kiosk-1", status="ok"))


def test_job_is_printed_and_acknowledged(hall, emulator, make_agent):
    make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: hall.of("hello"))
    job_id = hall.issue("kiosk-1", number="A001")
    (result,) = hall.wait_for(lambda: hall.of("print.result", job_id=job_id))
    assert result["result"] == "ok" and result["final"] is True
    (job,) = emulator.wait_for_jobs(1)
    assert "A001" in job.text_lines
    assert hall.state[job_id] == "printed"


def test_printer_down_then_up_is_retried_and_printed_once(hall, tmp_path, make_agent):
    port = free_port()
    make_agent({"kiosk-1": f"tcp://127.0.0.1:{port}"}, policy=RetryPolicy(8, 0.2, 0.5))
    hall.wait_for(lambda: hall.of("health", printer="kiosk-1", status="offline"))
    job_id = hall.issue("kiosk-1", number="A002")
    failed = hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="offline"))
    assert failed[0]["final"] is False
    with PrinterEmulator("127.0.0.1", port, out_dir=tmp_path) as emulator:
        hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="ok"))
        hall.wait_for(lambda: hall.of("health", printer="kiosk-1", status="ok"))
        time.sleep(0.5)
        assert [j.text_lines.count("A002") for j in emulator.jobs] == [1]
    results = hall.of("print.result", job_id=job_id)
    assert [r["final"] for r in results] == [False] * (len(results) - 1) + [True]


def test_printer_permanently_down_reports_a_final_failure(hall, make_agent):
    make_agent({"kiosk-1": f"tcp://127.0.0.1:{free_port()}"}, policy=RetryPolicy(3, 0.1, 0.2))
    job_id = hall.issue("kiosk-1")
    hall.wait_for(lambda: hall.of("print.result", job_id=job_id, final=True))
    results = hall.of("print.result", job_id=job_id)
    assert [(r["result"], r["final"]) for r in results] == [
        ("offline", False),
        ("offline", False),
        ("offline", True),
    ]
    assert "refused" in results[-1]["detail"]
    assert hall.state[job_id] == "failed"


def test_paper_out_is_reported_as_health_and_result(hall, emulator, make_agent):
    emulator.paper_out = True
    make_agent({"kiosk-1": emulator.address}, policy=RetryPolicy(2, 0.1, 0.1))
    hall.wait_for(lambda: hall.of("health", printer="kiosk-1", status="paper_out"))
    job_id = hall.issue("kiosk-1")
    hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="paper_out", final=True))
    assert emulator.jobs == []


def test_server_restart_reconnects_and_says_hello_again(hall, emulator, make_agent):
    agent = make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: len(hall.of("hello")) == 1)
    hall.stop()
    stored = hall.issue("kiosk-1", number="A003")  # stored while the server was down
    time.sleep(0.5)
    hall.start()
    hall.wait_for(lambda: len(hall.of("hello")) == 2, timeout=15)
    assert agent.connections == 2
    hall.wait_for(lambda: hall.of("print.result", job_id=stored, result="ok"))
    job_id = hall.issue("kiosk-1", number="A004")
    hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="ok"))
    printed = [line for j in emulator.wait_for_jobs(2) for line in j.text_lines]
    assert printed.count("A003") == 1 and printed.count("A004") == 1


def test_agent_started_before_the_server_connects_when_it_comes_up(emulator):
    hall = HallStandIn()
    hall.port = free_port()
    agent = Agent(
        hall.url,
        AGENT_TOKEN,
        {"kiosk-1": EscPosPrinter(emulator.address)},
        reconnect_delay_s=(0.1, 0.3),
    ).start()
    try:
        time.sleep(1.0)
        assert not agent.wait_connected(0)
        hall.start()
        assert agent.wait_connected(10)
        hall.wait_for(lambda: hall.of("hello"))
    finally:
        agent.stop()
        hall.stop()


def test_job_stored_while_agent_was_away_is_sent_on_hello(hall, emulator, make_agent):
    job_id = hall.issue("kiosk-1", number="A005")  # nobody in the room yet
    make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="ok"))
    assert "A005" in emulator.wait_for_jobs(1)[0].text_lines


def test_duplicate_job_is_printed_once(hall, emulator, make_agent):
    make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: hall.of("hello"))
    job_id = hall.issue("kiosk-1", number="A006")
    hall.send(job_id)  # re-sent while it prints
    hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="ok"))
    hall.send(job_id)  # re-sent after it printed (the acknowledgement was lost)
    hall.wait_for(lambda: len(hall.of("print.result", job_id=job_id, result="ok")) == 2)
    time.sleep(0.3)
    assert len(emulator.jobs) == 1
    assert hall.of("print.result", job_id=job_id)[-1]["detail"] == "already printed"


def test_job_for_a_printer_it_does_not_drive_fails_at_once(hall, emulator, make_agent):
    agent = make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: hall.of("hello"))
    agent._on_job({"job_id": 99, "printer": "kiosk-9", "attempt": 1, "ticket": {}})
    (result,) = hall.wait_for(lambda: hall.of("print.result", job_id=99))
    assert result["result"] == "error" and result["final"] is True


def test_malformed_ticket_fails_at_once(hall, emulator, make_agent):
    make_agent({"kiosk-1": emulator.address})
    hall.wait_for(lambda: hall.of("hello"))
    job_id = hall.issue("kiosk-1", people_ahead="three")
    (result,) = hall.wait_for(lambda: hall.of("print.result", job_id=job_id))
    assert result["result"] == "error" and result["final"] is True
    assert emulator.jobs == []


def test_wrong_token_never_connects(hall, emulator):
    agent = Agent(
        hall.url,
        "wrong",
        {"kiosk-1": EscPosPrinter(emulator.address)},
        reconnect_delay_s=(0.1, 0.2),
    ).start()
    try:
        assert not agent.wait_connected(1.0)
        assert hall.rejected >= 2  # it keeps trying, with backoff
    finally:
        agent.stop()


def test_printer_specs():
    assert parse_printers(["kiosk-1=tcp://h:9100", "kiosk-2=h2:9101"]) == {
        "kiosk-1": "tcp://h:9100",
        "kiosk-2": "h2:9101",
    }


def test_command_line_agent_prints_and_stops_on_sigterm(hall, emulator):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devices.agent",
            "--server",
            hall.url,
            "--token",
            AGENT_TOKEN,
            "--printer",
            f"kiosk-1={emulator.address}",
            "--name",
            "agent-cli",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        hall.wait_for(lambda: hall.of("hello", agent="agent-cli"), timeout=20)
        job_id = hall.issue("kiosk-1", number="A007")
        hall.wait_for(lambda: hall.of("print.result", job_id=job_id, result="ok"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
