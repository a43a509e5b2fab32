"""Fixtures for device tests: printer emulators, sample tickets and a stand-in hall server."""

from __future__ import annotations

import itertools
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio
from werkzeug.serving import WSGIRequestHandler, make_server

from devices.ports import TicketPrintout
from devices.printer.emulator import PrinterEmulator

AGENT_TOKEN = "agent-token-for-tests"
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def ticket_payload(**changes: Any) -> dict[str, Any]:
    """The `ticket` object of a print.job, as docs/protocol.md spells it."""
    ticket = {
        "hall_name": "某某县政务服务中心",
        "number": "A012",
        "service_name": "企业投资项目备案（内资），请带：身份证",
        "service_name_en": "Enterprise investment project filing",
        "people_ahead": 3,
        "estimated_wait_s": 600,
        "issued_at": "2026-11-23T09:30:00+08:00",
        "status_url": "http://hall.local/t/9f8e7d6c5b4a",
        "priority": False,
    }
    ticket.update(changes)
    return ticket


def printout(**changes: Any) -> TicketPrintout:
    """A TicketPrintout built from the sample ticket."""
    return TicketPrintout.from_payload(ticket_payload(**changes))


def free_port() -> int:
    """A TCP port nothing listens on (for a printer that is switched off)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def emulator(tmp_path) -> Iterator[PrinterEmulator]:
    """A running printer emulator writing PNGs to a temporary folder."""
    emu = PrinterEmulator("127.0.0.1", 0, out_dir=tmp_path / "printouts").start()
    yield emu
    emu.stop()


class _TrackingHandler(WSGIRequestHandler):
    """Request handler that lets the stand-in drop every open connection, as a crash would."""

    protocol_version = "HTTP/1.0"  # one request per connection: a closed WebSocket ends it

    def setup(self) -> None:
        """Register the connection with the server."""
        super().setup()
        self.server.open_sockets.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        """Forget the connection."""
        self.server.open_sockets.discard(self.connection)  # type: ignore[attr-defined]
        super().finish()


class HallStandIn:
    """Only the `/agent` side of the hall server (docs/protocol.md), until the real one is wired in.

    Jobs are kept across restart() like the real server keeps them in its database: every
    job not acknowledged is re-sent on each hello.
    """

    def __init__(self, token: str = AGENT_TOKEN, max_attempts: int = 100) -> None:
        """Prepare; start() listens on a free port, restart() on the same one."""
        self.token = token
        self.max_attempts = max_attempts
        self.port = 0
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.jobs: dict[int, dict[str, Any]] = {}  # job_id -> print.job payload
        self.state: dict[int, str] = {}  # job_id -> pending | printed | failed
        self.rejected = 0
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._httpd: Any = None

    @property
    def url(self) -> str:
        """Base URL for the agent."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HallStandIn:
        """Serve Socket.IO on a threaded WSGI server in the background."""
        sio = socketio.Server(async_mode="threading", logger=False, engineio_logger=False)
        sio.on("connect", self._connect, namespace="/agent")
        sio.on("hello", self._hello, namespace="/agent")
        sio.on("print.result", self._result, namespace="/agent")
        sio.on("health", self._health, namespace="/agent")
        self.sio = sio
        self._httpd = make_server(
            "127.0.0.1",
            self.port,
            socketio.WSGIApp(sio),
            threaded=True,
            request_handler=_TrackingHandler,
        )
        self._httpd.open_sockets = set()
        self.port = self._httpd.server_port
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop as a killed process would: close the listener and every connection."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        for sock in list(httpd.open_sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def restart(self) -> None:
        """Stop and start again on the same port, keeping the stored jobs."""
        self.stop()
        self.start()

    # -- protocol -------------------------------------------------------------------------
    def _connect(self, sid: str, environ: dict, auth: Any) -> bool:
        """Accept only the agent token."""
        ok = isinstance(auth, dict) and auth.get("token") == self.token
        if not ok:
            self.rejected += 1
        return ok

    def _hello(self, sid: str, data: dict[str, Any]) -> None:
        """Join the agent to its printers' rooms and re-send their pending jobs."""
        self._record("hello", data)
        for printer in data.get("printers", []):
            self.sio.enter_room(sid, printer, namespace="/agent")
        for job_id, job in list(self.jobs.items()):
            if self.state[job_id] == "pending" and job["printer"] in data.get("printers", []):
                self.sio.emit("print.job", job, to=sid, namespace="/agent")

    def _result(self, sid: str, data: dict[str, Any]) -> None:
        """Record a print result; ok marks the job printed, a final failure marks it failed."""
        job_id = data.get("job_id")
        if job_id in self.state:
            job = self.jobs[job_id]
            if data.get("result") == "ok":
                self.state[job_id] = "printed"
            elif data.get("final") or job["attempt"] >= self.max_attempts:
                self.state[job_id] = "failed"
            else:
                job["attempt"] += 1
        self._record("print.result", data)

    def _health(self, sid: str, data: dict[str, Any]) -> None:
        """Record a printer's health."""
        self._record("health", data)

    def _record(self, event: str, data: dict[str, Any]) -> None:
        """Keep an event and wake whoever waits for it."""
        with self._cond:
            self.events.append((event, data))
            self._cond.notify_all()

    # -- test helpers ---------------------------------------------------------------------
    def issue(self, printer: str = "kiosk-1", **ticket: Any) -> int:
        """Store a print job and send it to the printer's room, as issuing a ticket does."""
        job_id = next(self._ids)
        job = {
            "job_id": job_id,
            "printer": printer,
            "attempt": 1,
            "ticket": ticket_payload(**ticket),
        }
        self.jobs[job_id], self.state[job_id] = job, "pending"
        self.send(job_id)
        return job_id

    def send(self, job_id: int) -> None:
        """(Re-)send a stored job to its printer's room."""
        job = self.jobs[job_id]
        self.sio.emit("print.job", job, room=job["printer"], namespace="/agent")

    def of(self, event: str, **match: Any) -> list[dict[str, Any]]:
        """Events of a kind whose payload has the given fields."""
        with self._cond:
            return [
                d
                for e, d in self.events
                if e == event and all(d.get(k) == v for k, v in match.items())
            ]

    def wait_for(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until check() is truthy and return it (AssertionError on timeout)."""
        with self._cond:
            result = self._cond.wait_for(check, timeout)
        assert result, f"timed out; events so far: {self.events}"
        return result


@pytest.fixture
def hall() -> Iterator[HallStandIn]:
    """A running stand-in hall server."""
    server = HallStandIn().start()
    yield server
    server.stop()
