"""Lay a queue ticket or a case receipt out as ESC/POS bytes for an 80 mm (576-dot) thermal printer."""

from __future__ import annotations

import math
import textwrap
import unicodedata
from datetime import datetime

from escpos.printer import Dummy

from devices.ports import CaseReceiptPrintout, Printout, TicketPrintout

PAPER_DOTS = 576
ASCII_CELL = 12  # Font A: 12 x 24 dots; a Chinese character takes two cells
CHINESE_MODE_ON = b"\x1c&"  # FS &: the printer decodes the stream as GB18030
INIT = b"\x1b@"  # ESC @


def clean(text: str) -> str:
    """Drop what a printer would take as a command: control characters become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)


def encode(text: str) -> bytes:
    """Encode text the way the printer reads it in Chinese mode (GB18030)."""
    return clean(text).encode("gb18030", errors="replace")


def cells(text: str) -> int:
    """Width of text in 12-dot cells at normal size (a GB18030 multi-byte character takes two)."""
    return sum(1 if ch < "\x80" else 2 for ch in text)


def fitting_size(text: str, largest: int = 8) -> int:
    """Largest size multiplier (1–8) at which text still fits on one line."""
    width = max(cells(text), 1) * ASCII_CELL
    return max(1, min(largest, PAPER_DOTS // width))


def word_lines(text: str, size: int = 1) -> list[str]:
    """Break Latin text at spaces into lines that fit (the printer itself breaks mid-word)."""
    width = PAPER_DOTS // (ASCII_CELL * size)
    if cells(text) <= width:
        return [text] if text else []
    return textwrap.wrap(text, width=width, break_long_words=True) or [text]


def wait_text(estimated_wait_s: int | None) -> str:
    """Bilingual estimated-wait line; '—' when the server cannot justify an estimate."""
    if estimated_wait_s is None:
        return "预计等候 — / Est. wait: —"
    minutes = max(1, math.ceil(estimated_wait_s / 60))
    return f"预计等候 约{minutes}分钟 / Est. wait: about {minutes} min"


def issued_text(issued_at: str) -> str:
    """Issue time in the hall's local time as printed ('2026-11-23 09:30:00')."""
    try:
        return datetime.fromisoformat(issued_at).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return issued_at


class _Ticket:
    """Accumulates ticket commands: python-escpos for styles, QR and cut; text encoded here."""

    def __init__(self) -> None:
        """Start a ticket with the printer initialised and Chinese mode selected."""
        self.out = Dummy()
        self.out._raw(INIT + CHINESE_MODE_ON)

    def line(self, text: str, *, size: int = 1, bold: bool = False, align: str = "center") -> None:
        """Print one line of text at a size multiplier (1–8), bold or not."""
        self.out.set(align=align, bold=bold, custom_size=True, width=size, height=size)
        self.out._raw(encode(text) + b"\n")

    def rule(self) -> None:
        """Print a thin separator line across the paper."""
        self.line("-" * (PAPER_DOTS // ASCII_CELL))

    def bytes(self) -> bytes:
        """The finished byte stream."""
        return self.out.output


def ticket_bytes(p: TicketPrintout) -> bytes:
    """ESC/POS bytes of a complete ticket, ending with a cut."""
    t = _Ticket()
    if p.hall_name:
        t.line(p.hall_name, size=min(2, fitting_size(p.hall_name)), bold=True)
    t.rule()
    if p.priority:
        t.line("★ 优先 PRIORITY ★", size=2, bold=True)
    t.line(p.number, size=fitting_size(p.number), bold=True)
    if p.service_name:
        t.line(p.service_name, size=min(2, fitting_size(p.service_name)), bold=True)
    for part in word_lines(p.service_name_en):
        t.line(part)
    t.out.ln()
    t.line(f"前面还有 {p.people_ahead} 人 / People ahead: {p.people_ahead}", bold=True)
    t.line(wait_text(p.estimated_wait_s))
    if p.issued_at:
        t.line(f"取号时间 / Issued: {issued_text(p.issued_at)}")
    if p.status_url:
        t.out.set(align="center")
        t.out.qr(p.status_url, native=True, size=6, ec=1)
        t.line("扫码查看排队进度；过号请到服务台。")
        t.line("Scan to follow your place in the queue.")
    t.rule()
    t.out.cut()
    return t.bytes()


def deadline_text(deadline: str, provisional: bool) -> str:
    """The promised date as printed: 2026年11月30日, with 暂定 when the calendar is not final."""
    try:
        d = datetime.fromisoformat(deadline).date()
        text = f"{d.year}年{d.month}月{d.day}日"
    except ValueError:
        text = deadline
    return f"{text}（暂定）" if provisional else text


def case_receipt_bytes(p: CaseReceiptPrintout) -> bytes:
    """ESC/POS bytes of a case receipt (办件回执): number, service, promised date and the QR, ending with a cut."""
    t = _Ticket()
    if p.hall_name:
        t.line(p.hall_name, size=min(2, fitting_size(p.hall_name)), bold=True)
    t.line("办件回执 / Case receipt", bold=True)
    t.rule()
    t.line("办件编号 Case No.")
    t.line(p.number, size=min(3, fitting_size(p.number)), bold=True)
    if p.service_name:
        t.line(p.service_name, size=min(2, fitting_size(p.service_name)), bold=True)
    t.out.ln()
    if p.received_at:
        t.line(f"受理时间：{issued_text(p.received_at)[:16]}", align="left")
    if p.window:
        t.line(f"受理窗口：{p.window}号窗口", align="left")
    if p.deadline:
        t.line("承诺办结日期 / Promised by", align="left")
        text = deadline_text(p.deadline, p.provisional)
        t.line(text, size=min(2, fitting_size(text)), bold=True)
        if p.provisional:
            t.line("节假日安排公布后重新计算", align="left")
    if p.status_url:
        t.out.ln()
        t.out.set(align="center")
        t.out.qr(p.status_url, native=True, size=6, ec=1)
        t.line("凭此回执查询办理进度", bold=True)
        t.line("Scan to follow your case.")
    t.rule()
    t.out.cut()
    return t.bytes()


def printout_bytes(p: Printout) -> bytes:
    """ESC/POS bytes of whatever a job prints: a queue ticket or a case receipt."""
    if isinstance(p, CaseReceiptPrintout):
        return case_receipt_bytes(p)
    return ticket_bytes(p)
