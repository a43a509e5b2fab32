"""Device agent: links the printers next to it to the hall server over Socket.IO (`/agent`).

Run: python -m devices.agent --server http://127.0.0.1:5000 --token TOKEN \\
         --printer kiosk-1=tcp://127.0.0.1:9100 [--printer ...] [--name NAME]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import socket
import threading
from collections import OrderedDict, deque
from typing import Any

import socketio

from devices.ports import PrintoutError, TicketPrinter, printout_from_job
from devices.print_worker import PrinterWorker, PrintJob, RetryPolicy

log = logging.getLogger(__name__)

NAMESPACE = "/agent"


class Agent:
    """Connects to `/agent`, says hello on every (re)connection and prints the jobs it gets."""

    def __init__(
        self,
        server_url: str,
        token: str,
        printers: dict[str, TicketPrinter],
        name: str | None = None,
        policy: RetryPolicy | None = None,
        reconnect_delay_s: tuple[float, float] = (0.5, 15.0),
        health_interval_s: float = 30.0,
        remember_jobs: int = 10_000,
    ) -> None:
        """Configure the agent; nothing runs until start()."""
        self.server_url = server_url
        self.token = token
        self.name = name or socket.gethostname()
        self.reconnect_delay_s = reconnect_delay_s
        self.workers = {
            printer_name: PrinterWorker(
                printer_name, printer, self._send, self._job_done, policy, health_interval_s
            )
            for printer_name, printer in printers.items()
        }
        self.connections = 0  # successful connections so far (hello sent on each)
        self._remember = remember_jobs
        self._printed: OrderedDict[Any, None] = OrderedDict()
        self._in_hand: set[Any] = set()
        self._outbox: deque[tuple[str, dict[str, Any]]] = deque(maxlen=1000)
        self._lock = threading.Lock()
        self._client: socketio.Client | None = None
        self._ready = False
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._stay_connected, name="agent-link", daemon=True)

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> Agent:
        """Start the printer workers and the connection in background threads."""
        for worker in self.workers.values():
            worker.start()
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect and stop every thread (a print in progress finishes first)."""
        self._stop.set()
        self._lost.set()
        client = self._client
        if client is not None:
            try:
                client.disconnect()
            except Exception:  # already gone
                pass
        for worker in self.workers.values():
            worker.stop(timeout)
        self._thread.join(timeout)

    def wait_connected(self, timeout: float | None = None) -> bool:
        """Block until the agent is connected and has said hello."""
        return self._connected.wait(timeout)

    # -- connection -----------------------------------------------------------------------
    def _stay_connected(self) -> None:
        """Connect, wait for the link to drop, back off and connect again until stopped."""
        first, most = self.reconnect_delay_s
        delay = first
        while not self._stop.is_set():
            client = self._client = self._new_client()
            self._lost.clear()
            try:
                client.connect(
                    self.server_url,
                    namespaces=[NAMESPACE],
                    auth={"token": self.token},
                    wait_timeout=5,
                )
            except (socketio.exceptions.ConnectionError, ValueError) as exc:
                log.warning("cannot reach %s: %s; next try in %.1fs", self.server_url, exc, delay)
            else:
                delay = first
                while not self._lost.wait(1.0) and client.eio.state == "connected":
                    pass
                self._on_disconnect()
                self._disconnect(client)
                if self._stop.is_set():
                    break
                log.warning("connection to %s lost; reconnecting", self.server_url)
            if self._stop.wait(delay * random.uniform(0.8, 1.2)):
                break
            delay = min(most, delay * 2)

    def _new_client(self) -> socketio.Client:
        """A fresh Socket.IO client (reconnection is ours, so a server kick is covered too)."""
        client = socketio.Client(
            reconnection=False, logger=False, engineio_logger=False, request_timeout=5
        )
        client.on("connect", self._on_connect, namespace=NAMESPACE)
        client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        client.on("print.job", self._on_job, namespace=NAMESPACE)
        return client

    @staticmethod
    def _disconnect(client: socketio.Client) -> None:
        """Close a client whose link dropped, ignoring that it may be closed already."""
        try:
            client.disconnect()
        except Exception:
            pass

    def _on_connect(self) -> None:
        """Say hello, report every printer's health and send what waited for the link."""
        client = self._client
        if client is None:
            return
        hello = {"agent": self.name, "printers": list(self.workers)}
        client.emit("hello", hello, namespace=NAMESPACE)
        with self._lock:
            for worker in self.workers.values():
                payload = worker.health_payload()
                if payload:
                    client.emit("health", payload, namespace=NAMESPACE)
            while self._outbox:
                event, payload = self._outbox.popleft()
                client.emit(event, payload, namespace=NAMESPACE)
            self._ready = True
            self.connections += 1
        self._connected.set()
        log.info(
            "connected to %s as %s with printers %s",
            self.server_url,
            self.name,
            ", ".join(self.workers),
        )

    def _on_disconnect(self, *reason: Any) -> None:
        """The link dropped: hold results until the next connection."""
        with self._lock:
            self._ready = False
        self._connected.clear()
        self._lost.set()

    # -- jobs -----------------------------------------------------------------------------
    def _on_job(self, data: dict[str, Any]) -> None:
        """Take a `print.job`: acknowledge repeats, reject what cannot print, queue the rest."""
        job_id = data.get("job_id") if isinstance(data, dict) else None
        if job_id is None:
            log.warning("print.job without job_id ignored: %r", data)
            return
        name = data.get("printer")
        worker = self.workers.get(name)
        with self._lock:
            if job_id in self._printed:
                repeat = True
            elif job_id in self._in_hand:
                log.info("job %s is already being printed", job_id)
                return
            else:
                repeat = False
        if repeat:
            self._send(
                "print.result",
                {"job_id": job_id, "result": "ok", "final": True, "detail": "already printed"},
            )
            return
        if worker is None:
            self._send(
                "print.result",
                {
                    "job_id": job_id,
                    "result": "error",
                    "final": True,
                    "detail": f"no printer {name!r} on agent {self.name}",
                },
            )
            return
        try:
            printout = printout_from_job(data)
        except PrintoutError as exc:
            self._send(
                "print.result",
                {"job_id": job_id, "result": "error", "final": True, "detail": str(exc)},
            )
            return
        with self._lock:
            self._in_hand.add(job_id)
        worker.submit(PrintJob(job_id, printout))

    def _job_done(self, job_id: Any, printed: bool) -> None:
        """A worker finished a job: remember printed ones so a re-sent job is not printed twice."""
        with self._lock:
            self._in_hand.discard(job_id)
            if printed:
                self._printed[job_id] = None
                while len(self._printed) > self._remember:
                    self._printed.popitem(last=False)

    def _send(self, event: str, payload: dict[str, Any]) -> None:
        """Emit to the server; keep print results for the next connection when the link is down."""
        with self._lock:
            client = self._client
            if self._ready and client is not None:
                try:
                    client.emit(event, payload, namespace=NAMESPACE)
                    return
                except Exception as exc:
                    log.info("could not send %s: %s", event, exc)
            if event == "print.result":  # health is re-sent from the workers on connect
                self._outbox.append((event, payload))


def parse_printers(specs: list[str]) -> dict[str, str]:
    """Turn ['kiosk-1=tcp://host:9100', …] into {'kiosk-1': 'tcp://host:9100', …}."""
    printers = {}
    for spec in specs:
        name, sep, address = spec.partition("=")
        if not sep or not name or not address:
            raise argparse.ArgumentTypeError(f"--printer wants NAME=ADDRESS, got {spec!r}")
        printers[name] = address
    return printers


def main(argv: list[str] | None = None) -> None:
    """Command line: run the agent until SIGTERM or SIGINT."""
    from devices.printer.escpos_driver import EscPosPrinter

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", required=True, help="hall server URL, e.g. http://127.0.0.1:5000")
    ap.add_argument(
        "--token",
        default=os.environ.get("HALL_AGENT_TOKEN"),
        help="agent device token (or HALL_AGENT_TOKEN)",
    )
    ap.add_argument("--printer", action="append", default=[], metavar="NAME=ADDRESS")
    ap.add_argument("--name", default=None, help="agent name (default: host name)")
    ap.add_argument("--max-attempts", type=int, default=5)
    ap.add_argument("--log-level", default="INFO")
    args = ap.parse_args(argv)
    if not args.token:
        ap.error("--token (or HALL_AGENT_TOKEN) is required")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        addresses = parse_printers(args.printer)
        printers: dict[str, TicketPrinter] = {n: EscPosPrinter(a) for n, a in addresses.items()}
    except (argparse.ArgumentTypeError, ValueError) as exc:
        ap.error(str(exc))
    agent = Agent(
        args.server,
        args.token,
        printers,
        name=args.name,
        policy=RetryPolicy(max_attempts=args.max_attempts),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    agent.start()
    while not stop.wait(0.5):
        pass
    log.info("stopping")
    agent.stop()


if __name__ == "__main__":
    main()
