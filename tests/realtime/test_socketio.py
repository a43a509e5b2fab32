"""Socket.IO with real clients against a real server process (run under eventlet and again under gevent)."""

from __future__ import annotations

import os
import queue as stdqueue
import time

import pytest
import socketio

from tests.conftest import SMALL_HALL
from tests.live import LiveHall

ASYNC_MODE = os.environ.get("HALL_ASYNC_MODE", "eventlet")


class Listener:
    """A Socket.IO client that records every event of one namespace."""

    def __init__(self, url: str, namespace: str, auth: dict) -> None:
        self.namespace = namespace
        self.events: stdqueue.Queue = stdqueue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record, namespace=namespace)
        self.client.connect(url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=10)

    def _record(self, event, data=None):
        self.events.put((event, data))

    def next(self, name: str, timeout: float = 10.0) -> dict:
        """The next event called `name` (others before it are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name} event within {timeout}s on {self.namespace}")
            event, data = self.events.get(timeout=remaining)
            if event == name:
                return data

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A hall server with the small test hall, a kiosk, a screen and an agent."""
    hall = LiveHall(tmp_path_factory.mktemp("live"), env={"HALL_ASYNC_MODE": ASYNC_MODE})
    hall.cli("hall", "load", str(SMALL_HALL))
    hall.device_tokens = {kind: hall.cli("devices", "token", f"{kind}-1", "--kind", kind) for kind in ("kiosk", "screen", "agent")}
    hall.start()
    hall.clerk = hall.staff_token("clerk01")
    assert hall.api("POST", "/api/v1/windows/1/open", hall.clerk).ok
    yield hall
    hall.stop()


def test_server_runs_in_the_configured_async_mode(live):
    """The server says which async mode it runs; CI runs this file under eventlet and under gevent."""
    assert f"async mode {ASYNC_MODE}" in live.log_path.read_text()


def test_screen_gets_a_snapshot_then_every_call_in_sequence(live):
    """Snapshot on connect; then ticket.issued and ticket.called with consecutive sequence numbers."""
    screen = Listener(live.url, "/display", {"token": live.device_tokens["screen"]})
    try:
        snap = screen.next("snapshot")
        assert {"seq", "services", "windows", "latest_calls", "hall"} <= set(snap)
        r = live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 1})
        assert r.status_code == 201
        issued = screen.next("ticket.issued")
        assert issued["number"] == r.json()["number"] and issued["seq"] == snap["seq"] + 1
        assert issued["waiting"]["1"] >= 1
        called = live.api("POST", "/api/v1/windows/1/call-next", live.clerk)
        assert called.status_code == 200
        event = screen.next("ticket.called")
        assert {"number", "window", "service_id", "seq"} <= set(event)
        assert event["number"] == called.json()["ticket"]["number"] and event["window"] == "1"
        assert event["seq"] == issued["seq"] + 1
        assert event["text"] == f"请{event['number']}号到1号窗口办理"
        live.api("POST", "/api/v1/windows/1/finish", live.clerk)
        assert screen.next("ticket.finished")["seq"] == event["seq"] + 1
    finally:
        screen.close()


def test_a_client_that_asks_again_gets_a_fresh_snapshot(live):
    """After a gap the client asks for `snapshot` and gets the current state."""
    screen = Listener(live.url, "/display", {"token": live.device_tokens["screen"]})
    try:
        first = screen.next("snapshot")
        live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 1})
        screen.next("ticket.issued")
        screen.client.emit("snapshot", namespace="/display")
        again = screen.next("snapshot")
        assert again["seq"] == first["seq"] + 1
    finally:
        screen.close()


def test_strangers_are_refused(live):
    """No token, a wrong token, or a kiosk on the console namespace: the connection is refused."""
    for namespace, auth in (("/display", {}), ("/display", {"token": "nope"}),
                            ("/console", {"token": live.device_tokens["kiosk"]}), ("/agent", {"token": live.device_tokens["screen"]}),
                            ("/ticket", {"ticket": "unknown"})):
        with pytest.raises(socketio.exceptions.ConnectionError):
            Listener(live.url, namespace, auth)


def test_console_receives_events_with_a_staff_token(live):
    """Clerk consoles listen on /console."""
    console = Listener(live.url, "/console", {"token": live.clerk})
    try:
        console.next("snapshot")
        live.api("POST", "/api/v1/windows/1/pause", live.clerk, {"reason": "临时离开"})
        assert console.next("window.paused")["reason"] == "临时离开"
        live.api("POST", "/api/v1/windows/1/resume", live.clerk)
        console.next("window.resumed")
    finally:
        console.close()


def test_mobile_ticket_page_hears_when_its_queue_moves(live):
    """The /ticket namespace tells a ticket page to refresh when its service's queue changes."""
    mine = live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 1}).json()
    token = mine["status_url"].rsplit("/", 1)[1]
    page = Listener(live.url, "/ticket", {"ticket": token})
    try:
        live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 1})
        page.next("queue.changed")
        status = live.api("GET", f"/api/v1/ticket-status/{token}", "").json()
        assert status["number"] == mine["number"] and status["status"] in ("waiting", "called")
        assert not {"name", "id_number", "phone"} & set(status)
    finally:
        page.close()


def test_agent_gets_pending_jobs_on_hello_and_acknowledges_them(live):
    """A job queued while no agent listened is handed over on hello; `ok` marks it printed."""
    ticket = live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 1}).json()
    agent = Listener(live.url, "/agent", {"token": live.device_tokens["agent"]})
    try:
        reply = agent.client.call("hello", {"agent": "test", "printers": ["kiosk-1"]}, namespace="/agent", timeout=10)
        assert reply["printers"] == ["kiosk-1"]
        job = agent.next("print.job")
        while job["ticket"]["number"] != ticket["number"]:
            agent.client.call("print.result", {"job_id": job["job_id"], "result": "ok"}, namespace="/agent")
            job = agent.next("print.job")
        assert job["ticket"]["status_url"] == ticket["status_url"]
        ack = agent.client.call("print.result", {"job_id": job["job_id"], "result": "ok"}, namespace="/agent", timeout=10)
        assert ack == {"ok": True, "status": "printed"}
        new = live.api("POST", "/api/v1/tickets", live.device_tokens["kiosk"], {"service_id": 3}).json()
        assert agent.next("print.job")["ticket"]["number"] == new["number"]
    finally:
        agent.close()
