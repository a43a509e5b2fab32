"""ESC/POS ticket printer on TCP port 9100: one connection per job, a deadline on every call."""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import urlsplit

from devices.ports import PrinterStatus, Printout, PrintoutError, PrintResult
from devices.printer.layout import printout_bytes

log = logging.getLogger(__name__)

PAPER_SENSOR_QUERY = b"\x10\x04\x04"  # DLE EOT 4: real-time paper roll sensor status
STATUS_FIXED_MASK, STATUS_FIXED_BITS = 0x93, 0x12  # bits 0, 1, 4, 7 of every status byte
PAPER_END_BITS = 0x60  # bits 5-6: paper roll end detected
PAPER_NEAR_END_BITS = 0x0C  # bits 2-3: paper roll near end


def parse_address(address: str, default_port: int = 9100) -> tuple[str, int]:
    """Split 'tcp://host:port', 'host:port' or 'host' into (host, port)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname:
        raise ValueError(f"not a printer address: {address!r}")
    return parts.hostname, parts.port or default_port


class _Deadline:
    """Remaining time of one job, so that no network call waits past it."""

    def __init__(self, seconds: float) -> None:
        """Start the clock."""
        self.end = time.monotonic() + seconds

    def left(self, at_most: float | None = None) -> float:
        """Seconds left (at least a sliver, so a socket call fails rather than blocks)."""
        left = max(0.001, self.end - time.monotonic())
        return min(left, at_most) if at_most is not None else left


class EscPosPrinter:
    """TicketPrinter driver for a networked ESC/POS printer (e.g. tcp://10.0.3.21:9100)."""

    def __init__(self, address: str, timeout: float = 3.0, status_timeout: float = 0.5) -> None:
        """Address the printer; `timeout` bounds a whole job, `status_timeout` the sensor answer."""
        self.address = address
        self.host, self.port = parse_address(address)
        self.timeout = timeout
        self.status_timeout = status_timeout
        self.last_detail = ""

    def __repr__(self) -> str:
        """Show the printer's address."""
        return f"EscPosPrinter({self.address!r})"

    def print_ticket(self, printout: Printout) -> PrintResult:
        """Check the paper, send the ticket and close; never raises."""
        try:
            data = printout_bytes(printout)
        except (PrintoutError, ValueError) as exc:
            return self._done(PrintResult.ERROR, f"cannot lay the ticket out: {exc}")
        deadline = _Deadline(self.timeout)
        try:
            sock = socket.create_connection((self.host, self.port), timeout=deadline.left())
        except OSError as exc:
            return self._done(PrintResult.OFFLINE, _reason(exc))
        try:
            paper = self._paper(sock, deadline)
            if paper is PrinterStatus.PAPER_OUT:
                return self._done(PrintResult.PAPER_OUT, "paper end sensor")
            sock.settimeout(deadline.left())
            sock.sendall(data)
            _close_cleanly(sock, deadline)
            return self._done(PrintResult.OK, self.last_detail)
        except OSError as exc:
            return self._done(PrintResult.OFFLINE, f"connection lost: {_reason(exc)}")
        except Exception as exc:  # a driver reports, it does not raise
            log.exception("printing on %s failed", self.address)
            return self._done(PrintResult.ERROR, repr(exc))
        finally:
            sock.close()

    def status(self) -> PrinterStatus:
        """Query the paper sensor: OK, PAPER_OUT, OFFLINE, or UNKNOWN when it stays silent."""
        deadline = _Deadline(self.timeout)
        try:
            with socket.create_connection((self.host, self.port), timeout=deadline.left()) as sock:
                status = self._paper(sock, deadline)
                _close_cleanly(sock, deadline)
                return status
        except OSError as exc:
            self.last_detail = _reason(exc)
            return PrinterStatus.OFFLINE

    def _paper(self, sock: socket.socket, deadline: _Deadline) -> PrinterStatus:
        """Ask DLE EOT 4; silence or a malformed answer is UNKNOWN, never 'paper OK'."""
        sock.settimeout(deadline.left())
        sock.sendall(PAPER_SENSOR_QUERY)
        sock.settimeout(deadline.left(self.status_timeout))
        try:
            answer = sock.recv(1)
        except TimeoutError:
            self.last_detail = "no answer to the paper sensor query"
            return PrinterStatus.UNKNOWN
        if not answer:
            raise ConnectionResetError("printer closed the connection")
        byte = answer[0]
        if byte & STATUS_FIXED_MASK != STATUS_FIXED_BITS:
            self.last_detail = f"unexpected status byte 0x{byte:02x}"
            return PrinterStatus.UNKNOWN
        if byte & PAPER_END_BITS:
            self.last_detail = "paper end sensor"
            return PrinterStatus.PAPER_OUT
        self.last_detail = "paper near end" if byte & PAPER_NEAR_END_BITS else ""
        return PrinterStatus.OK

    def _done(self, result: PrintResult, detail: str) -> PrintResult:
        """Record the detail of a result and return it."""
        self.last_detail = detail
        if result is not PrintResult.OK:
            log.info("printer %s: %s (%s)", self.address, result.value, detail)
        return result


def _close_cleanly(sock: socket.socket, deadline: _Deadline) -> None:
    """Half-close and wait briefly for the printer to close, so no byte is lost to a reset."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(deadline.left(1.0))
        while sock.recv(256):
            pass
    except OSError:
        pass  # everything was sent; a printer that lingers does not fail the job


def _reason(exc: OSError) -> str:
    """Short text for a network error."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return exc.strerror or exc.__class__.__name__
