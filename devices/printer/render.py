"""Render a printed job to a PNG the way an 80 mm thermal printer would put it on paper."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from devices.printer.escpos_parser import Element, Feed, PrintedLine, QrBlock, Run

log = logging.getLogger(__name__)

PAPER_DOTS = 576
CELL_W, CELL_H = 12, 24  # Font A
LINE_GAP = 6
FEED_DOTS = 30
MARGIN = 8
FONT_CANDIDATES = (  # (path, index): monospaced Simplified Chinese first
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 7),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0),
)


@functools.lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The first available CJK font at a pixel size (Pillow's own font if none is installed)."""
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size, index=index)
            except OSError:
                continue
    log.warning("no CJK font found; printouts will show boxes for Chinese text")
    return ImageFont.load_default(size)


def char_cells(ch: str) -> int:
    """Cells a character takes at normal size: a GB18030 multi-byte character takes two."""
    return 1 if ch < "\x80" else 2


def _wrap(line: PrintedLine) -> list[list[tuple[str, Run]]]:
    """Break a line into paper rows of (text, run) pieces, as the printer wraps at 576 dots."""
    rows: list[list[tuple[str, Run]]] = [[]]
    used = 0
    for run in line.runs:
        piece = ""
        for ch in run.text:
            w = char_cells(ch) * CELL_W * run.width
            if used + w > PAPER_DOTS and used:
                if piece:
                    rows[-1].append((piece, run))
                rows.append([])
                piece, used = "", 0
            piece += ch
            used += w
        if piece:
            rows[-1].append((piece, run))
    return rows


def _row_width(row: list[tuple[str, Run]]) -> int:
    """Width of a paper row in dots."""
    return sum(sum(char_cells(c) for c in t) * CELL_W * r.width for t, r in row)


@functools.lru_cache(maxsize=1024)
def _piece(text: str, width: int, height: int, bold: bool) -> Image.Image:
    """Image of one styled piece of text, exactly its cells wide (cached: tickets repeat lines)."""
    h = CELL_H * height
    cells = sum(char_cells(c) for c in text)
    natural = max(cells * CELL_W * height, 1)
    tile = Image.new("L", (natural, h), 255)
    # Ideographs fill about 0.85 em above the baseline; the rest leaves room for descenders.
    ImageDraw.Draw(tile).text(
        (0, round(h * 0.85)),
        text,
        font=font(h),
        fill=0,
        anchor="ls",
        stroke_width=1 if bold else 0,
        stroke_fill=0,
    )
    w = max(cells * CELL_W * width, 1)
    return tile if w == natural else tile.resize((w, h))


def _qr_image(block: QrBlock) -> Image.Image:
    """A QR code drawn with the printer's module size."""
    code = qrcode.QRCode(
        border=0,
        box_size=block.module,
        mask_pattern=0,  # any mask is valid;
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )  # trying all 8 is slow
    code.add_data(block.data)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")


def _row_image(row: list[tuple[str, Run]], align: int) -> Image.Image:
    """One paper row of text, full paper width, pieces sharing a baseline."""
    row_h = max(r.height for _, r in row) * CELL_H
    strip = Image.new("L", (PAPER_DOTS, row_h), 255)
    x = _x(_row_width(row), align)
    for text, run in row:
        tile = _piece(text, run.width, run.height, run.bold)
        strip.paste(tile, (x, row_h - tile.height))
        x += tile.width
    return strip


def render(elements: list[Element]) -> Image.Image:
    """Paper image (576 dots wide, grey-scale) of a job's elements."""
    blocks: list[tuple[Image.Image | None, int, int]] = []  # (image, left edge, height used)
    for e in elements:
        if isinstance(e, Feed):
            blocks.append((None, 0, FEED_DOTS * e.lines))
        elif isinstance(e, QrBlock):
            code = _qr_image(e)
            blocks.append((code, _x(code.width, e.align), code.height + LINE_GAP))
        else:
            for row in _wrap(e):
                strip = _row_image(row, e.align)
                blocks.append((strip, 0, strip.height + LINE_GAP))
    paper = Image.new("L", (PAPER_DOTS, MARGIN * 2 + sum(h for _, _, h in blocks)), 255)
    y = MARGIN
    for img, x, h in blocks:
        if img is not None:
            paper.paste(img, (x, y))
        y += h
    return paper


def _x(width: int, align: int) -> int:
    """Left edge of something `width` dots wide under an ESC a alignment."""
    if align == 1:
        return max(0, (PAPER_DOTS - width) // 2)
    if align == 2:
        return max(0, PAPER_DOTS - width)
    return 0


def save_png(elements: list[Element], path: Path) -> Path:
    """Render a job and write it as a PNG (fast compression: printouts are many and small)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    paper = render(elements).convert("1", dither=Image.Dither.NONE)  # thermal paper is bilevel
    paper.save(path, format="PNG", compress_level=1)
    return path
