"""The case receipt (办件回执) printed through the ESC/POS driver on the printer emulator."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy
import pytest
from PIL import Image

from devices.ports import CaseReceiptPrintout, PrintoutError, PrintResult, TicketPrintout, printout_from_job
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter
from tests.devices.conftest import ticket_payload

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def case_payload(**changes) -> dict:
    """The `case` object of a print.job of kind case_receipt, as docs/protocol.md spells it."""
    case = {"hall_name": "某某县政务服务中心", "number": "FGJ-20261123-0007", "service_name": "企业投资项目备案",
            "received_at": "2026-11-23T09:30:00+08:00", "deadline": "2026-11-30", "provisional": False,
            "window": "5", "status_url": "http://hall.local/c/AbC123xYz"}
    case.update(changes)
    return case


def print_receipt(emulator: PrinterEmulator, **changes):
    """Print a sample case receipt and return the job the emulator printed."""
    printout = printout_from_job({"job_id": 1, "printer": "window-5", "kind": "case_receipt",
                                  "case": case_payload(**changes)})
    assert isinstance(printout, CaseReceiptPrintout)
    assert EscPosPrinter(emulator.address).print_ticket(printout) is PrintResult.OK
    return emulator.wait_for_jobs(1)[0]


def test_receipt_shows_number_large_service_date_and_how_to_follow(emulator):
    """Case number big and centred; service, promised date, window; the words to keep the receipt."""
    job = print_receipt(emulator)
    (number,) = [line for line in job.lines if line.text == "FGJ-20261123-0007"]
    assert number.width >= 2 and number.height >= 2 and number.align == 1
    assert "企业投资项目备案" in job.text_lines and "2026年11月30日" in job.text_lines
    assert "受理窗口：5号窗口" in job.text_lines and "凭此回执查询办理进度" in job.text_lines
    assert not any("暂定" in line for line in job.text_lines)
    assert job.cut


def test_provisional_date_is_marked(emulator):
    """A deadline in a year without a published arrangement is printed as 暂定."""
    job = print_receipt(emulator, deadline="2027-01-05", provisional=True)
    assert "2027年1月5日（暂定）" in job.text_lines


def test_receipt_qr_reads_back_as_the_case_page(emulator):
    """The printed QR decodes to the citizen's case page; the PNG is kept as an artifact."""
    job = print_receipt(emulator)
    assert job.qr_data == ["http://hall.local/c/AbC123xYz"]
    with Image.open(job.png_path) as img:
        assert img.width == 576
        page = img.convert("L")
    data, _, _ = cv2.QRCodeDetector().detectAndDecode(numpy.array(page))
    assert data == "http://hall.local/c/AbC123xYz"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(job.png_path, ARTIFACTS / "case-receipt.png")


def test_jobs_without_a_kind_are_still_tickets():
    """Agents and servers that predate case receipts keep working: no kind means a ticket."""
    assert isinstance(printout_from_job({"ticket": ticket_payload()}), TicketPrintout)


@pytest.mark.parametrize("job", [{"kind": "case_receipt", "case": {"service_name": "x"}},
                                 {"kind": "case_receipt", "case": case_payload(provisional="yes")},
                                 {"kind": "licence", "case": case_payload()}])
def test_malformed_receipt_jobs_are_refused(job):
    """A receipt without a number, a non-boolean flag or an unknown kind cannot be laid out."""
    with pytest.raises(PrintoutError):
        printout_from_job(job)
