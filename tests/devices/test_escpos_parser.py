"""The emulator's ESC/POS parser: chunking, skipped commands, status answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.printer.escpos_parser import EscPosParser, PrintedLine
from devices.printer.layout import ticket_bytes
from tests.devices.conftest import printout

TICKET = ticket_bytes(printout(priority=True))


def parse(chunks: list[bytes], paper: int = 0x12):
    """Feed chunks; return (answers, jobs) with the close() job appended if any."""
    parser = EscPosParser(lambda n: paper)
    answers, jobs = b"", []
    for chunk in chunks:
        a, j = parser.feed(chunk)
        answers += a
        jobs += j
    leftover = parser.close()
    return answers, jobs + ([leftover] if leftover else [])


def texts(job) -> list[str]:
    """Text of a job's printed lines."""
    return [e.text for e in job.elements if isinstance(e, PrintedLine)]


@given(st.lists(st.integers(1, len(TICKET) - 1), max_size=30))
def test_any_split_of_the_stream_prints_the_same(cuts):
    bounds = [0, *sorted(set(cuts)), len(TICKET)]
    _, whole = parse([TICKET])
    _, split = parse([TICKET[a:b] for a, b in zip(bounds, bounds[1:], strict=False)])
    assert len(split) == 1
    assert split[0].elements == whole[0].elements


def test_status_queries_are_answered_by_the_paper_state():
    answers, _ = parse([b"\x10\x04\x04\x10\x04\x01"], paper=0x72)
    assert answers == b"\x72\x72"


def test_image_and_barcode_data_is_skipped_not_printed():
    raster = b"\x1dv0\x00\x02\x00\x03\x00" + b"\x0a\x1b\x1d\x41\x42\x43"  # 2 x 3 bytes of dots
    barcode = b"\x1dkA\x04\x0a\x1b\x41\x42"
    nv_define = b"\x1cq\x01\x01\x00\x01\x00" + b"\x0a" * 8
    stream = b"\x1b@" + raster + barcode + nv_define + b"\x1bX" + b"OK\n\x1dV\x00"
    _, jobs = parse([stream])
    assert [texts(j) for j in jobs] == [["OK"]]


def test_without_chinese_mode_bytes_are_code_page_437():
    _, jobs = parse([b"\x1b@\xc4\xe3\n\x1c&\xc4\xe3\n\x1c.\xc4\xe3\n\x1dV\x00"])
    assert texts(jobs[0]) == ["─π", "你", "─π"]


def test_connection_closed_without_cut_still_prints():
    _, jobs = parse([b"\x1b@\x1c&hello\n"])
    assert len(jobs) == 1 and not jobs[0].cut and texts(jobs[0]) == ["hello"]


def test_sizes_and_alignment_are_kept():
    _, jobs = parse([b"\x1ba\x02\x1d!\x33BIG\x1d!\x00small\n\x1dVA\x03"])
    (line,) = [e for e in jobs[0].elements if isinstance(e, PrintedLine)]
    assert line.align == 2
    assert [(r.text, r.width, r.height) for r in line.runs] == [("BIG", 4, 4), ("small", 1, 1)]
