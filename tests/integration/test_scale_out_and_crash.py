"""Two server processes on PostgreSQL and Redis; a server killed with SIGKILL while issuing."""

from __future__ import annotations

import signal
import threading

import pytest
import requests

from tests.conftest import SMALL_HALL
from tests.live import LiveHall
from tests.realtime.test_socketio import Listener


@pytest.mark.postgres
@pytest.mark.redis
def test_two_processes_share_events_and_never_call_a_ticket_twice(pg_database, tmp_path):
    """POST on one process, listen on the other; clerks on both processes drain one queue without duplicates."""
    env = {"MESSAGE_QUEUE_URL": "redis://127.0.0.1:6379/0", "HALL_SECRET_KEY": "same-secret-for-both"}
    a = LiveHall(tmp_path / "a", pg_database, env=env)
    a.cli("hall", "load", str(SMALL_HALL))
    kiosk = a.cli("devices", "token", "kiosk-1", "--kind", "kiosk")
    screen = a.cli("devices", "token", "screen-1", "--kind", "screen")
    b = LiveHall(tmp_path / "b", pg_database, env=env)
    a.start()
    b.start()
    try:
        listener = Listener(b.url, "/display", {"token": screen})
        try:
            listener.next("snapshot")
            issued = a.api("POST", "/api/v1/tickets", kiosk, {"service_id": 2}).json()
            assert listener.next("ticket.issued")["number"] == issued["number"]
        finally:
            listener.close()
        for _ in range(39):
            assert a.api("POST", "/api/v1/tickets", kiosk, {"service_id": 2}).status_code == 201
        clerk1, clerk3 = a.staff_token("clerk01"), b.staff_token("clerk03")
        assert a.api("POST", "/api/v1/windows/1/open", clerk1).ok
        assert b.api("POST", "/api/v1/windows/3/open", clerk3).ok
        called: list[str] = []
        barrier = threading.Barrier(2)

        def drain(hall: LiveHall, token: str, window: int) -> None:
            barrier.wait()
            while True:
                r = hall.api("POST", f"/api/v1/windows/{window}/call-next", token)
                if r.status_code == 204:
                    return
                assert r.status_code == 200, r.text
                called.append(r.json()["ticket"]["number"])
                assert hall.api("POST", f"/api/v1/windows/{window}/finish", token).status_code == 200

        threads = [threading.Thread(target=drain, args=(a, clerk1, 1)), threading.Thread(target=drain, args=(b, clerk3, 3))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(called) == 40 and len(set(called)) == 40
        assert a.cli("audit", "verify").startswith("audit log OK")
    finally:
        a.stop()
        b.stop()


def test_sigkill_loses_no_acknowledged_ticket_and_numbering_continues(tmp_path):
    """Kill the server mid-issuing: every ticket a kiosk got a 201 for is there after restart; no number is reused."""
    hall = LiveHall(tmp_path / "crash")
    hall.cli("hall", "load", str(SMALL_HALL))
    kiosk = hall.cli("devices", "token", "kiosk-1", "--kind", "kiosk")
    hall.start()
    acknowledged: list[dict] = []
    stop = threading.Event()

    def press() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                r = session.post(hall.url + "/api/v1/tickets", json={"service_id": 1},
                                 headers={"Authorization": f"Bearer {kiosk}"}, timeout=5)
            except requests.RequestException:
                return
            if r.status_code == 201:
                acknowledged.append(r.json())

    threads = [threading.Thread(target=press) for _ in range(4)]
    for t in threads:
        t.start()
    while len(acknowledged) < 200:
        threading.Event().wait(0.01)
    hall.stop(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join()
    hall.start()
    try:
        for ticket in acknowledged:
            r = hall.api("GET", f"/api/v1/tickets/{ticket['id']}", kiosk)
            assert r.status_code == 200 and r.json()["number"] == ticket["number"]
        after = hall.api("POST", "/api/v1/tickets", kiosk, {"service_id": 1}).json()
        highest = max(int(t["number"][1:]) for t in acknowledged)
        assert int(after["number"][1:]) > highest
        assert hall.cli("audit", "verify").startswith("audit log OK")
    finally:
        hall.stop()
