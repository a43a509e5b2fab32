"""Incremental ESC/POS byte-stream parser: what a thermal printer would print, job by job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LF, HT, CR, FF = 0x0A, 0x09, 0x0D, 0x0C
ESC, GS, FS, DLE, EOT = 0x1B, 0x1D, 0x1C, 0x10, 0x04

# Number of parameter bytes after `prefix + command` for fixed-length commands.
ESC_FIXED = {
    b: n
    for cmds, n in (
        ("@2<LSimv\x0c", 0),
        ("aE!-GMVrtR{dJKe3 %?UuT=I", 1),
        ("$\\Bcf", 2),
        ("p", 3),
        ("W", 8),
    )
    for b in cmds.encode("latin-1")
}
GS_FIXED = {
    b: n
    for cmds, n in ((":", 0), ("!BbHfhwraI/ETjg", 1), ("LWP$\\AC", 2), ("^", 3))
    for b in cmds.encode("latin-1")
}
FS_FIXED = {
    b: n for cmds, n in (("&.", 0), ("!-CW", 1), ("Sp?", 2)) for b in cmds.encode("latin-1")
}
DLE_DC4_FIXED = {1: 2, 2: 2, 3: 2, 7: 1, 8: 7}


class Incomplete(Exception):
    """The buffer ends inside a command; wait for more bytes."""


@dataclass(frozen=True)
class Run:
    """Text printed with one style."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True)
class PrintedLine:
    """One line of text as printed (it may wrap on paper)."""

    runs: tuple[Run, ...]
    align: int = 0  # 0 left, 1 centre, 2 right

    @property
    def text(self) -> str:
        """The line's text without styles."""
        return "".join(r.text for r in self.runs)

    @property
    def height(self) -> int:
        """Largest height multiplier on the line."""
        return max((r.height for r in self.runs), default=1)

    @property
    def width(self) -> int:
        """Largest width multiplier on the line."""
        return max((r.width for r in self.runs), default=1)


@dataclass(frozen=True)
class QrBlock:
    """A native QR code (GS ( k) as printed."""

    data: str
    module: int = 3
    align: int = 0


@dataclass(frozen=True)
class Feed:
    """Blank paper fed by an empty line or ESC d."""

    lines: int = 1


Element = PrintedLine | QrBlock | Feed


@dataclass
class JobContent:
    """Everything printed between two cuts."""

    elements: list[Element] = field(default_factory=list)
    raw: bytes = b""
    cut: bool = False

    @property
    def printed(self) -> bool:
        """Whether any text or code reached the paper."""
        return any(not isinstance(e, Feed) for e in self.elements)


class EscPosParser:
    """Feed it bytes as they arrive; it answers status queries and returns finished jobs."""

    def __init__(self, status: Callable[[int], int | None], chinese_default: bool = False) -> None:
        """`status(n)` gives the byte answering DLE EOT n (None: stay silent)."""
        self.status = status
        self.chinese_default = chinese_default
        self.buf = bytearray()
        self.raw = bytearray()
        self.elements: list[Element] = []
        self.runs: list[Run] = []
        self.line_align: int | None = None
        self.pending = bytearray()
        self.qr_store = b""
        self.qr_module = 3
        self._reset_style()

    def _reset_style(self) -> None:
        """ESC @: back to the power-on print modes."""
        self.align, self.bold, self.width, self.height = 0, False, 1, 1
        self.chinese = self.chinese_default

    def feed(self, data: bytes) -> tuple[bytes, list[JobContent]]:
        """Consume bytes; return (answers to send back, jobs finished by a cut)."""
        self.buf += data
        answers, jobs = bytearray(), []
        i = 0
        while i < len(self.buf):
            try:
                n, answer, job = self._step(i)
            except Incomplete:
                break
            if i + n > len(self.buf):  # a skipped command whose data has not all arrived
                break
            self.raw += self.buf[i : i + n]
            i += n
            answers += answer
            if job:
                jobs.append(self._finish(cut=True))
        del self.buf[:i]
        return bytes(answers), jobs

    def close(self) -> JobContent | None:
        """The connection closed: return what was printed since the last cut, if anything."""
        self._end_line(feed_if_empty=False)
        job = self._finish(cut=False)
        return job if job.printed else None

    # -- text ---------------------------------------------------------------------------
    def _flush_run(self) -> None:
        """Turn pending text bytes into a styled run."""
        if not self.pending:
            return
        codec = "gb18030" if self.chinese else "cp437"
        text = bytes(self.pending).decode(codec, errors="replace")
        self.pending.clear()
        if self.line_align is None:
            self.line_align = self.align
        self.runs.append(Run(text, self.width, self.height, self.bold))

    def _end_line(self, feed_if_empty: bool = True) -> None:
        """LF: print the current line (or feed one blank line)."""
        self._flush_run()
        if self.runs:
            self.elements.append(PrintedLine(tuple(self.runs), self.line_align or 0))
        elif feed_if_empty:
            self.elements.append(Feed(1))
        self.runs, self.line_align = [], None

    def _finish(self, cut: bool) -> JobContent:
        """Close the current job."""
        job = JobContent(self.elements, bytes(self.raw), cut)
        self.elements, self.raw = [], bytearray()
        return job

    # -- commands -------------------------------------------------------------------------
    def _need(self, i: int, n: int) -> None:
        """Raise Incomplete unless n bytes are buffered from i."""
        if i + n > len(self.buf):
            raise Incomplete

    def _u16(self, i: int) -> int:
        """Little-endian 16-bit value at i."""
        self._need(i, 2)
        return self.buf[i] | self.buf[i + 1] << 8

    def _step(self, i: int) -> tuple[int, bytes, bool]:
        """Parse one item at i: (bytes consumed, answer, ends a job)."""
        b = self.buf[i]
        if b >= 0x20:
            j = i
            while j < len(self.buf) and self.buf[j] >= 0x20:
                j += 1
            self.pending += self.buf[i:j]
            return j - i, b"", False
        self._flush_run()
        if b in (LF, FF):
            self._end_line()
            return 1, b"", False
        if b == HT:
            self.pending += b"    "
            return 1, b"", False
        if b == ESC:
            return self._esc(i)
        if b == GS:
            return self._gs(i)
        if b == FS:
            return self._fs(i)
        if b == DLE:
            return self._dle(i)
        return 1, b"", False  # CR and other control bytes print nothing

    def _esc(self, i: int) -> tuple[int, bytes, bool]:
        """ESC commands: print modes, alignment, feeds; the rest skipped by length."""
        self._need(i, 2)
        c = self.buf[i + 1]
        if c in ESC_FIXED:
            n = ESC_FIXED[c]
            self._need(i, 2 + n)
            arg = self.buf[i + 2] if n else 0
            if c == ord("@"):
                self._end_line(feed_if_empty=False)
                self._reset_style()
            elif c == ord("a"):
                self.align = min(arg % 48, 2)
            elif c == ord("E"):
                self.bold = bool(arg & 1)
            elif c == ord("!"):
                self.bold = bool(arg & 0x08)
                self.height = 2 if arg & 0x10 else 1
                self.width = 2 if arg & 0x20 else 1
            elif c == ord("d"):
                self._end_line(feed_if_empty=False)
                if arg:
                    self.elements.append(Feed(arg))
            elif c in (ord("i"), ord("m")):  # partial cut
                self._end_line(feed_if_empty=False)
                return 2, b"", True
            return 2 + n, b"", False
        if c == ord("*"):  # bit image: m nL nH data
            self._need(i, 5)
            m, dots = self.buf[i + 2], self._u16(i + 3)
            return 5 + dots * (3 if m in (32, 33) else 1), b"", False
        if c == ord("D"):  # tab stops, NUL-terminated
            end = self.buf.find(b"\x00", i + 2, i + 2 + 33)
            if end < 0:
                self._need(i, 2 + 33)  # at most 32 stops: a missing NUL ends the list
                return 2 + 32, b"", False
            return end + 1 - i, b"", False
        if c == ord("("):  # ESC ( fn pL pH data
            self._need(i, 5)
            return 5 + self._u16(i + 3), b"", False
        if c == ord("&"):  # user-defined characters: y c1 c2 then per char x + y*x bytes
            self._need(i, 5)
            y, c1, c2 = self.buf[i + 2], self.buf[i + 3], self.buf[i + 4]
            j = i + 5
            for _ in range(max(0, c2 - c1 + 1)):
                self._need(j, 1)
                j += 1 + y * self.buf[j]
            self._need(j, 0)
            return j - i, b"", False
        return 2, b"", False

    def _gs(self, i: int) -> tuple[int, bytes, bool]:
        """GS commands: size, cut, QR, status; images and barcodes skipped by length."""
        self._need(i, 2)
        c = self.buf[i + 1]
        if c == ord("V"):
            self._need(i, 3)
            m = self.buf[i + 2]
            n = 4 if m in (65, 66, 97, 98, 103, 104) else 3
            self._need(i, n)
            self._end_line(feed_if_empty=False)
            return n, b"", True
        if c in GS_FIXED:
            n = GS_FIXED[c]
            self._need(i, 2 + n)
            arg = self.buf[i + 2] if n else 0
            answer = b""
            if c == ord("!"):
                self.width, self.height = (arg >> 4 & 7) + 1, (arg & 7) + 1
            elif c == ord("r"):  # transmit status: n=1 paper sensor (bits 2-3 paper end)
                paper = self.status(4)
                if paper is not None:
                    answer = bytes([0x0C if paper & 0x60 else 0x00])
            return 2 + n, answer, False
        if c == ord("("):
            self._need(i, 5)
            size = self._u16(i + 3)
            self._need(i, 5 + size)
            if self.buf[i + 2] == ord("k"):
                self._two_d_code(bytes(self.buf[i + 5 : i + 5 + size]))
            return 5 + size, b"", False
        if c == ord("8"):  # GS 8 L p1..p4: 32-bit length
            self._need(i, 7)
            size = int.from_bytes(self.buf[i + 3 : i + 7], "little")
            return 7 + size, b"", False
        if c == ord("k"):  # barcode
            self._need(i, 3)
            m = self.buf[i + 2]
            if m <= 6:
                end = self.buf.find(b"\x00", i + 3)
                if end < 0:
                    raise Incomplete
                return end + 1 - i, b"", False
            self._need(i, 4)
            return 4 + self.buf[i + 3], b"", False
        if c == ord("v"):  # raster image: GS v 0 m xL xH yL yH data
            self._need(i, 8)
            return 8 + self._u16(i + 4) * self._u16(i + 6), b"", False
        if c == ord("*"):  # downloaded image: GS * x y data[x*y*8]
            self._need(i, 4)
            return 4 + self.buf[i + 2] * self.buf[i + 3] * 8, b"", False
        return 2, b"", False

    def _two_d_code(self, body: bytes) -> None:
        """GS ( k body: cn fn params; QR (cn=49) size, store (80) and print (81) are honoured."""
        if len(body) < 2 or body[0] != 49:
            return
        fn, params = body[1], body[2:]
        if fn == 67 and params:
            self.qr_module = max(1, min(16, params[0]))
        elif fn == 80:
            self.qr_store = params[1:]
        elif fn == 81:
            self._end_line(feed_if_empty=False)
            data = self.qr_store.decode("utf-8", errors="replace")
            self.elements.append(QrBlock(data, self.qr_module, self.align))

    def _fs(self, i: int) -> tuple[int, bytes, bool]:
        """FS commands: Chinese mode on/off; the rest skipped by length."""
        self._need(i, 2)
        c = self.buf[i + 1]
        if c in FS_FIXED:
            n = FS_FIXED[c]
            self._need(i, 2 + n)
            if c == ord("&"):
                self.chinese = True
            elif c == ord("."):
                self.chinese = False
            return 2 + n, b"", False
        if c == ord("2"):  # define a user Chinese character: c1 c2 + 72 bytes
            return 2 + 2 + 72, b"", False
        if c == ord("q"):  # define NV images: n, then xL xH yL yH data per image
            self._need(i, 3)
            j = i + 3
            for _ in range(self.buf[i + 2]):
                w, h = self._u16(j), self._u16(j + 2)
                j += 4 + w * h * 8
            self._need(j, 0)
            return j - i, b"", False
        return 2, b"", False

    def _dle(self, i: int) -> tuple[int, bytes, bool]:
        """DLE real-time commands: EOT n status is answered."""
        self._need(i, 2)
        c = self.buf[i + 1]
        if c == EOT:
            self._need(i, 3)
            byte = self.status(self.buf[i + 2])
            return 3, b"" if byte is None else bytes([byte]), False
        if c == 0x05:  # DLE ENQ n
            return 3, b"", False
        if c == 0x14:  # DLE DC4 fn ...
            self._need(i, 3)
            n = 3 + DLE_DC4_FIXED.get(self.buf[i + 2], 2)
            self._need(i, n)
            return n, b"", False
        return 2, b"", False
