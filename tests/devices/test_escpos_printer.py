"""ESC/POS driver against the printer emulator over real TCP."""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.ports import PrinterStatus, PrintResult
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter, parse_address
from tests.devices.conftest import free_port, printout


def print_one(emulator: PrinterEmulator, **changes):
    """Print a sample ticket and return the job the emulator printed."""
    result = EscPosPrinter(emulator.address).print_ticket(printout(**changes))
    assert result is PrintResult.OK
    return emulator.wait_for_jobs(1)[0]


def test_chinese_text_and_full_width_punctuation_decode(emulator):
    job = print_one(emulator, service_name="企业投资项目备案（内资），请带：身份证")
    assert "某某县政务服务中心" in job.text_lines
    assert "企业投资项目备案（内资），请带：身份证" in job.text_lines
    assert "前面还有 3 人 / People ahead: 3" in job.text_lines
    assert "预计等候 约10分钟 / Est. wait: about 10 min" in job.text_lines
    assert "取号时间 / Issued: 2026-11-23 09:30:00" in job.text_lines
    assert not any("?" in line for line in job.text_lines)
    assert b"\x1c&" in job.raw_bytes  # Chinese mode was selected by the driver


def test_wait_shows_dash_when_the_server_has_no_estimate(emulator):
    job = print_one(emulator, estimated_wait_s=None)
    assert "预计等候 — / Est. wait: —" in job.text_lines


def test_number_is_printed_very_large(emulator):
    job = print_one(emulator, number="B105")
    (line,) = [line for line in job.lines if line.text == "B105"]
    assert line.width >= 6 and line.height >= 6
    assert line.align == 1  # centred
    assert all(other.height < line.height for other in job.lines if other is not line)


def test_long_english_service_name_breaks_between_words(emulator):
    name = "Approval of feasibility study reports for government-funded projects"
    job = print_one(emulator, service_name_en=name)
    at = job.text_lines.index("Approval of feasibility study reports for")
    assert job.text_lines[at + 1] == "government-funded projects"


def test_priority_ticket_is_marked(emulator):
    job = print_one(emulator, priority=True)
    assert any("优先" in line and "PRIORITY" in line for line in job.text_lines)


def test_ordinary_ticket_has_no_priority_marker(emulator):
    job = print_one(emulator)
    assert not any("优先" in line for line in job.text_lines)


def test_qr_code_carries_the_status_url(emulator):
    job = print_one(emulator, status_url="http://hall.local/t/AbC123xYz")
    assert job.qr_data == ["http://hall.local/t/AbC123xYz"]
    assert b"\x1d(k" in job.raw_bytes  # native QR, not a bitmap


def test_png_is_written_576_dots_wide_and_qr_reads_back(emulator):
    job = print_one(emulator, status_url="http://hall.local/t/AbC123xYz")
    assert job.png_path is not None and job.png_path.exists()
    with Image.open(job.png_path) as img:
        assert img.width == 576
        assert img.height > 400
        img.load()
        page = img.convert("L")
    import cv2
    import numpy
    data, _, _ = cv2.QRCodeDetector().detectAndDecode(numpy.array(page))
    assert data == "http://hall.local/t/AbC123xYz"


def test_job_is_cut(emulator):
    job = print_one(emulator)
    assert job.cut
    assert job.raw_bytes.endswith(b"\x1dV\x00")


def test_paper_out_prints_nothing(emulator):
    emulator.paper_out = True
    printer = EscPosPrinter(emulator.address)
    assert printer.print_ticket(printout()) is PrintResult.PAPER_OUT
    assert printer.status() is PrinterStatus.PAPER_OUT
    time.sleep(0.2)
    assert emulator.jobs == [] and emulator.discarded == 0
    emulator.paper_out = False
    assert printer.status() is PrinterStatus.OK
    assert printer.print_ticket(printout()) is PrintResult.OK
    assert len(emulator.wait_for_jobs(1)) == 1


def test_nothing_listening_is_offline_within_the_deadline():
    printer = EscPosPrinter(f"tcp://127.0.0.1:{free_port()}", timeout=1.0)
    started = time.monotonic()
    assert printer.print_ticket(printout()) is PrintResult.OFFLINE
    assert printer.status() is PrinterStatus.OFFLINE
    assert time.monotonic() - started < 2.5
    assert "refused" in printer.last_detail


def test_hung_printer_does_not_hold_the_job_past_the_deadline():
    with socket.socket() as listener:  # a hung printer: the connection is accepted, never read
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        printer = EscPosPrinter(f"127.0.0.1:{listener.getsockname()[1]}", timeout=1.0)
        started = time.monotonic()
        result = printer.print_ticket(printout(service_name="长" * 5000))
        assert result in (PrintResult.OFFLINE, PrintResult.OK)
        assert time.monotonic() - started < 1.5


def test_silent_paper_sensor_is_unknown_not_ok(tmp_path):
    with PrinterEmulator(out_dir=tmp_path, answer_status=False) as emulator:
        printer = EscPosPrinter(emulator.address, status_timeout=0.2)
        assert printer.status() is PrinterStatus.UNKNOWN
        assert printer.print_ticket(printout()) is PrintResult.OK  # it still tries to print
        assert "no answer" in printer.last_detail
        assert len(emulator.wait_for_jobs(1)) == 1


def test_addresses():
    assert parse_address("tcp://10.0.3.21:9100") == ("10.0.3.21", 9100)
    assert parse_address("printer-3:9101") == ("printer-3", 9101)
    assert parse_address("printer-3") == ("printer-3", 9100)
    with pytest.raises(ValueError):
        parse_address("usb://x")


@pytest.fixture(scope="module")
def shared_emulator():
    """One emulator for many generated examples (no PNGs: text is what is checked)."""
    with PrinterEmulator() as emulator:
        yield emulator


printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=60)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hall_name=printable, service_name=printable)
def test_any_text_round_trips_through_the_printer(shared_emulator, hall_name, service_name):
    before = len(shared_emulator.jobs)
    printer = EscPosPrinter(shared_emulator.address)
    ticket = printout(hall_name=hall_name, service_name=service_name, service_name_en="")
    assert printer.print_ticket(ticket) is PrintResult.OK
    job = shared_emulator.wait_for_jobs(before + 1)[before]
    assert job.text_lines[0] == hall_name
    number_at = job.text_lines.index("A012")
    assert job.text_lines[number_at + 1] == service_name
