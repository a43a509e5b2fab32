"""One worker thread per printer: a job queue, retries with backoff, and health changes."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.ports import PrinterStatus, Printout, PrintResult, TicketPrinter

log = logging.getLogger(__name__)

HEALTH_AFTER = {  # what a print result says about the printer
    PrintResult.OK: PrinterStatus.OK,
    PrintResult.PAPER_OUT: PrinterStatus.PAPER_OUT,
    PrintResult.OFFLINE: PrinterStatus.OFFLINE,
}


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed print is tried again."""

    max_attempts: int = 5
    first_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def delay(self, attempt: int) -> float:
        """Pause after the given failed attempt (1-based): doubling, capped."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1))


@dataclass(frozen=True)
class PrintJob:
    """A `print.job` accepted for one printer."""

    job_id: Any
    printout: Printout


Report = Callable[[str, dict[str, Any]], None]
Done = Callable[[Any, bool], None]


class PrinterWorker:
    """Prints one printer's jobs in order on its own thread; the socket thread only enqueues."""

    def __init__(
        self,
        name: str,
        printer: TicketPrinter,
        report: Report,
        done: Done,
        policy: RetryPolicy | None = None,
        health_interval_s: float = 30.0,
    ) -> None:
        """`report(event, payload)` sends to the server; `done(job_id, printed)` ends a job."""
        self.name = name
        self.printer = printer
        self.report = report
        self.done = done
        self.policy = policy or RetryPolicy()
        self.health_interval_s = health_interval_s
        self.health: PrinterStatus | None = None
        self.health_detail = ""
        self._queue: queue.Queue[PrintJob | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"printer:{name}", daemon=True)

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current attempt, drop the queue and end the thread."""
        self._stop.set()
        self._queue.put(None)
        self._thread.join(timeout)

    def submit(self, job: PrintJob) -> None:
        """Queue a job (called from the socket thread; never blocks)."""
        self._queue.put(job)

    def health_payload(self) -> dict[str, Any] | None:
        """The `health` message for the current state, None before the first probe."""
        if self.health is None:
            return None
        return {"printer": self.name, "status": self.health.value, "detail": self.health_detail}

    def _run(self) -> None:
        """Probe the printer, then print jobs as they come and probe it when idle."""
        self._probe()
        while not self._stop.is_set():
            try:
                job = self._queue.get(timeout=self.health_interval_s)
            except queue.Empty:
                self._probe()
                continue
            if job is None:
                break
            try:
                self._print(job)
            except Exception as exc:  # a broken driver must not kill the printer's queue
                log.exception("printer %s: job %s crashed the driver", self.name, job.job_id)
                self.report(
                    "print.result",
                    {"job_id": job.job_id, "result": "error", "final": True, "detail": repr(exc)},
                )
                self.done(job.job_id, False)

    def _print(self, job: PrintJob) -> None:
        """Try a job up to the policy's limit, reporting each failure and the outcome."""
        for attempt in range(1, self.policy.max_attempts + 1):
            result = self.printer.print_ticket(job.printout)
            detail = getattr(self.printer, "last_detail", "")
            self._after(result, detail)
            final = result is PrintResult.OK or attempt == self.policy.max_attempts
            self.report(
                "print.result",
                {"job_id": job.job_id, "result": result.value, "final": final, "detail": detail},
            )
            if final:
                self.done(job.job_id, result is PrintResult.OK)
                return
            log.info(
                "printer %s: job %s attempt %d %s, retrying",
                self.name,
                job.job_id,
                attempt,
                result.value,
            )
            if self._stop.wait(self.policy.delay(attempt)):
                self.done(job.job_id, False)
                return

    def _after(self, result: PrintResult, detail: str) -> None:
        """Update health from a print result (asking the printer when the result says little)."""
        status = HEALTH_AFTER.get(result)
        if status is None:
            status = self.printer.status()
            detail = detail or getattr(self.printer, "last_detail", "")
        self._set_health(status, detail)

    def _probe(self) -> None:
        """Ask the printer how it is and report a change."""
        try:
            status = self.printer.status()
        except Exception as exc:  # drivers should not raise; stay alive if one does
            status, detail = PrinterStatus.UNKNOWN, repr(exc)
        else:
            detail = getattr(self.printer, "last_detail", "")
        self._set_health(status, detail)

    def _set_health(self, status: PrinterStatus, detail: str) -> None:
        """Send `health` when the printer's state changed."""
        if status is self.health:
            return
        self.health, self.health_detail = status, detail
        log.info("printer %s: %s %s", self.name, status.value, detail)
        payload = self.health_payload()
        assert payload is not None
        self.report("health", payload)
