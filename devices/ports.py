"""Typed ports the device agent drives: each device kind is a small Protocol and result values."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


class PrintResult(enum.Enum):
    """Outcome of one print attempt; the value is the wire string of `print.result`."""

    OK = "ok"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    ERROR = "error"


class PrinterStatus(enum.Enum):
    """Health of a printer; the value is the wire string of `health`."""

    OK = "ok"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class PrintoutError(ValueError):
    """A `print.job` ticket payload that cannot be laid out."""


def _text(payload: dict[str, Any], key: str, *, required: bool = True) -> str:
    """Read a string field of a ticket payload (None becomes '' for optional fields)."""
    value = payload.get(key)
    if value is None:
        if required:
            raise PrintoutError(f"ticket.{key} is missing")
        return ""
    if not isinstance(value, str):
        raise PrintoutError(f"ticket.{key} must be a string")
    return value


def _count(payload: dict[str, Any], key: str, *, nullable: bool) -> int | None:
    """Read a non-negative integer field of a ticket payload."""
    value = payload.get(key)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PrintoutError(f"ticket.{key} must be a non-negative integer")
    return value


@dataclass(frozen=True)
class TicketPrintout:
    """What a queue ticket (排队小票) shows: the `ticket` object of a `print.job` message."""

    hall_name: str
    number: str
    service_name: str
    service_name_en: str
    people_ahead: int
    estimated_wait_s: int | None
    issued_at: str
    status_url: str
    priority: bool = False

    @classmethod
    def from_payload(cls, ticket: dict[str, Any]) -> TicketPrintout:
        """Build a printout from the `ticket` dict of `print.job`; raise PrintoutError if malformed."""
        if not isinstance(ticket, dict):
            raise PrintoutError("ticket must be an object")
        people_ahead = _count(ticket, "people_ahead", nullable=False)
        assert people_ahead is not None
        return cls(
            hall_name=_text(ticket, "hall_name", required=False),
            number=_text(ticket, "number"),
            service_name=_text(ticket, "service_name", required=False),
            service_name_en=_text(ticket, "service_name_en", required=False),
            people_ahead=people_ahead,
            estimated_wait_s=_count(ticket, "estimated_wait_s", nullable=True),
            issued_at=_text(ticket, "issued_at", required=False),
            status_url=_text(ticket, "status_url", required=False),
            priority=bool(ticket.get("priority", False)),
        )


def _flag(payload: dict[str, Any], key: str) -> bool:
    """Read an optional true/false field of a payload."""
    value = payload.get(key, False)
    if not isinstance(value, bool):
        raise PrintoutError(f"case.{key} must be true or false")
    return value


@dataclass(frozen=True)
class CaseReceiptPrintout:
    """What a case receipt (办件回执) shows: the `case` object of a `print.job` of kind `case_receipt`."""

    hall_name: str
    number: str
    service_name: str
    received_at: str
    deadline: str
    provisional: bool
    window: str
    status_url: str

    @classmethod
    def from_payload(cls, case: dict[str, Any]) -> CaseReceiptPrintout:
        """Build a receipt from the `case` dict of `print.job`; raise PrintoutError if malformed."""
        if not isinstance(case, dict):
            raise PrintoutError("case must be an object")
        try:
            return cls(
                hall_name=_text(case, "hall_name", required=False),
                number=_text(case, "number"),
                service_name=_text(case, "service_name", required=False),
                received_at=_text(case, "received_at", required=False),
                deadline=_text(case, "deadline", required=False),
                provisional=_flag(case, "provisional"),
                window=_text(case, "window", required=False),
                status_url=_text(case, "status_url", required=False),
            )
        except PrintoutError as exc:
            raise PrintoutError(str(exc).replace("ticket.", "case.")) from None


#: Anything a printer lays out: a queue ticket or a case receipt.
Printout = TicketPrintout | CaseReceiptPrintout


def printout_from_job(job: dict[str, Any]) -> Printout:
    """The printout a `print.job` message asks for (kind `ticket`, the default, or `case_receipt`)."""
    kind = job.get("kind", "ticket")
    if kind == "case_receipt":
        return CaseReceiptPrintout.from_payload(job.get("case"))
    if kind == "ticket":
        return TicketPrintout.from_payload(job.get("ticket"))
    raise PrintoutError(f"unknown print job kind {kind!r}")


@runtime_checkable
class TicketPrinter(Protocol):
    """A ticket printer (取号机打印机); drivers return results and never raise.

    `last_detail` holds a short human-readable reason for the latest result or status
    ("paper end sensor", "connection refused"), '' when there is nothing to add.
    """

    last_detail: str

    def print_ticket(self, printout: Printout) -> PrintResult:
        """Print one ticket or case receipt and report how it went."""
        ...

    def status(self) -> PrinterStatus:
        """Ask the printer how it is without printing."""
        ...


class WindowDisplay(Protocol):
    """LED screen above a window (窗口屏); to be implemented.

    show(frame) takes `{"window": "5", "lines": ["请A012号", "到5号窗口办理"],
    "scroll": false, "blink": false}` and returns a DisplayResult (ok, offline, error).
    Health is reported like a printer's: ok, offline, unknown.
    """


class SignInReader(Protocol):
    """Fingerprint sign-in machine (指纹考勤机, AS608/R307 on a serial URL); to be implemented.

    read() returns `{"result": "match|no_match|no_finger|poor_image|offline|error",
    "staff_id": 7 | None, "score": 120 | None, "at": "<ISO time>"}` (SignInResult values).
    """


class RatingKeypad(Protocol):
    """Satisfaction keypad at a window (评价器); to be implemented.

    Emits readings `{"window": "5", "ticket_id": 99 | None,
    "rating": 1..5, "at": "<ISO time>"}`, 5 = 非常满意 … 1 = 非常不满意 (GB/T 39734 levels).
    """


class Camera(Protocol):
    """Camera watching a window's seat (窗口摄像头, opened by URL); to be implemented.

    Emits presence readings `{"window": "5", "present": true, "confidence": 0.93,
    "at": "<ISO time>"}` and health ok, offline (feed lost), unknown.
    """
