"""办件通知书: the four written notices of a case as A4 PDFs, each in three labelled copies.

`render_notice(kind, data)` takes a plain dict, so the notices can be laid out without a database:

    hall_name        the centre's name, printed in red at the top
    number           the case number                   applicant   {"name", "id", "kind"}
    service          the service item's name           department  the accepting department
    received_at      "YYYY-MM-DD HH:MM" or ISO time    window      the window's number
    clerk            who accepted the case             phone       consultation phone
    promised_days    working days promised             deadline    "YYYY-MM-DD" or None
    provisional      the deadline relies on a year whose holidays are not published yet
    materials_received / materials_missing   lists of material names
    co_departments   [{"name", "due"}] for a joint case (due: "YYYY-MM-DD")
    lead_department  the lead department of a joint case
    reason           the written reason of a returned case
    status_url       the citizen's case page (printed as a QR code)
    issued_on        the notice's date, "YYYY-MM-DD"
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
RED = colors.HexColor("#c8161d")
GREY = colors.HexColor("#555555")
LABEL_BG = colors.HexColor("#f3f3f3")

#: The three copies, in page order (一式三联).
COPIES = (("第一联", "窗口存档联"), ("第二联", "申请人联"), ("第三联", "业务科室联"))
#: Notice kinds and their titles (and the second name some halls use).
TITLES = {
    "acceptance": ("承诺件受理通知书", ""),
    "one_time": ("一次性告知书", "（补办件通知书）"),
    "joint": ("联办件通知书", ""),
    "return": ("退回件通知书", "（答复件）"),
}
KINDS = tuple(TITLES)
JOINT_OPINION_DAYS = 5

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
HEADER_H = 52 * mm  # hall name, red rules and title, drawn on the canvas
FOOTER_H = 14 * mm

_registered = False


def _font() -> str:
    """Register the built-in Chinese CID font once (no font file needed)."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _style(size: float, *, leading: float | None = None, align: int = 0, color=colors.black,
           indent: float = 0) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{align}", fontName=_font(), fontSize=size, leading=leading or size * 1.5,
                          alignment=align, textColor=color, wordWrap="CJK", firstLineIndent=indent)


def cn_date(value: Any) -> str:
    """'2026-11-30' (or a date/datetime) as 2026年11月30日; '' for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def cn_datetime(value: Any) -> str:
    """A receipt time as 2026年11月23日 09:30 (the time as given: the hall's local time)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return f"{cn_date(value)} {value:%H:%M}"
    return cn_date(value)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _numbered(items: list[str], style: ParagraphStyle) -> Paragraph:
    lines = [f"{i}. {escape(name)}" for i, name in enumerate(items, 1)] or ["无"]
    return Paragraph("<br/>".join(lines), style)


class Seal(Flowable):
    """The space for the window's seal: a dashed red circle, with the date line beneath."""

    def __init__(self, size: float = 34 * mm) -> None:
        """A seal space `size` points wide."""
        super().__init__()
        self.size = size

    def wrap(self, avail_w, avail_h):
        """The circle and the date line below it."""
        return self.size, self.size + 8 * mm

    def draw(self) -> None:
        """Draw the dashed circle, its hint and the date line."""
        c, r = self.canv, self.size / 2
        c.saveState()
        c.setStrokeColor(RED)
        c.setDash(3, 2)
        c.setLineWidth(0.8)
        c.circle(r, 8 * mm + r, r - 1)
        c.setFillColor(colors.HexColor("#b0b0b0"))
        c.setFont(_font(), 9)
        c.drawCentredString(r, 8 * mm + r - 3, "（窗口业务专用章）")
        c.setFillColor(colors.black)
        c.setFont(_font(), 10.5)
        c.drawCentredString(r, 1.5 * mm, "年　　月　　日")
        c.restoreState()


def _qr(url: str, size: float = 30 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


class _Notice:
    """Lays out one kind of notice from the case's data."""

    def __init__(self, kind: str, data: dict) -> None:
        """Keep the kind and the data; styles are made here once."""
        self.kind, self.d = kind, data
        self.body = _style(12, leading=21, indent=24)
        self.cell = _style(11, leading=16)
        self.label = _style(11, leading=16, align=TA_CENTER)
        self.small = _style(9.5, leading=13, color=GREY)
        self.big = _style(15, leading=20, color=RED)

    # -- words ---------------------------------------------------------------------------------
    def applicant(self) -> str:
        """The applicant's name as they gave it."""
        return (self.d.get("applicant") or {}).get("name") or ""

    def salutation(self) -> str:
        """Who the notice speaks to."""
        if self.kind == "joint":
            names = "、".join(c.get("name", "") for c in self.d.get("co_departments") or []) or "各协办部门"
            return f"{names}："
        return f"{self.applicant() or '申请人'}："

    def deadline_text(self) -> str:
        """The promised completion date, with the provisional mark when the calendar is not final."""
        text = cn_date(self.d.get("deadline"))
        if text and self.d.get("provisional"):
            text += "（暂定）"
        return text

    def text(self) -> list[str]:
        """The notice's paragraphs."""
        d, service, window = self.d, self.d.get("service", ""), self.d.get("window", "")
        received = cn_date(d.get("received_at"))
        if self.kind == "acceptance":
            out = [f"您（单位）于{received}申请办理的“{service}”事项，申请材料齐全、符合法定形式，"
                   f"本中心{window}号窗口已予受理。本件为承诺件，承诺时限为{d.get('promised_days', '')}个工作日"
                   f"（受理当日不计，自次日起算，法定节假日不计），承诺办结日期为{self.deadline_text()}。",
                   "请妥善保管本通知书（申请人联），凭此查询办理进度、领取办理结果。"]
            if d.get("provisional"):
                out.append("注：办结日期所在年度的法定节假日安排尚未公布，上述日期暂按周末推算；"
                           "国务院公布安排后将重新计算，并以重新计算的日期为准。")
            return out
        if self.kind == "one_time":
            return [f"您（单位）于{received}申请办理的“{service}”事项，申请材料尚不齐全。"
                    f"根据首问负责和一次性告知制度，现将需要补正的全部材料一次性告知如下。",
                    f"请补齐下列材料后到{window}号窗口提交。办理时限自材料补齐之日的次日起计算。"]
        if self.kind == "joint":
            due = cn_date(self.joint_due())
            lead = d.get("lead_department") or d.get("department", "")
            return [f"申请人{self.applicant()}于{received}申请办理的“{service}”事项属联办件，"
                    f"由{lead}牵头受理，现将申请材料转请贵单位并联审查。",
                    f"请贵单位自收到本通知书之日起{JOINT_OPINION_DAYS}个工作日内（即{due}前）"
                    f"提出书面审查意见，反馈牵头部门{d.get('window', '')}号窗口。逾期未反馈的，列入电子监察预警。"]
        return [f"您（单位）于{received}申请办理的“{service}”事项，经审查，不予受理（退回），理由如下："]

    def joint_due(self) -> str:
        """The latest due date of the co-departments' opinions."""
        dues = [c.get("due") for c in self.d.get("co_departments") or [] if c.get("due")]
        return max(dues) if dues else ""

    # -- the form ------------------------------------------------------------------------------
    def rows(self) -> list[tuple[str, Any]]:
        """The table's rows: a label and a value (text or a flowable) spanning the row."""
        d, a = self.d, self.d.get("applicant") or {}
        id_label = "统一社会信用代码" if a.get("kind") == "organisation" else "身份证件号码"
        rows: list[tuple[str, Any]] = [
            ("办件编号", d.get("number", "")),
            ("申请人", (self.applicant(), id_label, a.get("id", ""))),
            ("办理事项", d.get("service", "")),
            ("受理部门", (d.get("department", ""), "受理窗口", f"{d.get('window', '')}号窗口")),
            ("收件时间", cn_datetime(d.get("received_at"))),
        ]
        if self.kind == "acceptance":
            rows += [("承诺时限", f"{d.get('promised_days', '')}个工作日"),
                     ("承诺办结日期", _p(self.deadline_text(), self.big)),
                     ("已收材料", _numbered(d.get("materials_received") or [], self.cell))]
        elif self.kind == "one_time":
            rows += [("需补正材料", _numbered(d.get("materials_missing") or [], self.cell)),
                     ("已收材料", _numbered(d.get("materials_received") or [], self.cell))]
        elif self.kind == "joint":
            co = [f"{c.get('name', '')}：{cn_date(c.get('due'))}前反馈" for c in d.get("co_departments") or []]
            rows += [("协办部门及意见反馈期限", _p("\n".join(co) or "无", self.cell)),
                     ("牵头部门", d.get("lead_department") or d.get("department", "")),
                     ("承诺办结日期", self.deadline_text() or "—")]
        else:
            rows += [("退回理由", _p(d.get("reason") or "", self.cell)),
                     ("复核权利", _p("如对本决定有异议，可自收到本通知书之日起向"
                                     f"{d.get('department', '')}业务科室申请复核；"
                                     "也可依法申请行政复议或者提起行政诉讼。", self.cell))]
        rows += [("受理人", (d.get("clerk", ""), "咨询电话", d.get("phone", "")))]
        return rows

    def table(self) -> Table:
        """The fields as a bordered four-column form."""
        width = PAGE_W - 2 * MARGIN_X
        cols = [30 * mm, (width - 60 * mm) / 2, 30 * mm, (width - 60 * mm) / 2]
        data, spans = [], []
        for i, (label, value) in enumerate(self.rows()):
            if isinstance(value, tuple):
                v1, label2, v2 = value
                data.append([_p(label, self.label), _p(str(v1), self.cell), _p(label2, self.label),
                             _p(str(v2), self.cell)])
            else:
                cell = value if isinstance(value, Flowable) else _p(str(value), self.cell)
                data.append([_p(label, self.label), cell, "", ""])
                spans.append(("SPAN", (1, i), (3, i)))
        table = Table(data, colWidths=cols)
        style = [("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                 ("BOX", (0, 0), (-1, -1), 1.4, colors.black),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                 ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
        for i, row in enumerate(data):
            if row[2] != "":
                style.append(("BACKGROUND", (2, i), (2, i), LABEL_BG))
        table.setStyle(TableStyle(style + spans))
        return table

    def foot(self) -> Table:
        """QR code of the case page on the left; signatures and the seal space on the right."""
        url = self.d.get("status_url") or ""
        qr = [_qr(url), _p("扫码查询办理进度", _style(9, align=TA_CENTER))] if url and self.kind != "joint" else ""
        who = "牵头窗口经办人（签名）" if self.kind == "joint" else "受理人（签名）"
        other = "协办部门签收人（签名）" if self.kind == "joint" else "申请人（签收）"
        signs = _p(f"{who}：________________\n\n{other}：________________", _style(11.5, leading=20))
        table = Table([[qr, signs, Seal()]], colWidths=[38 * mm, None, 40 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (0, 0), (0, 0), "CENTER")]))
        return table

    def story(self, copy_index: int) -> list:
        """One copy's flowables, shrunk if needed so that each copy is exactly one page."""
        number = _p(f"编号：{self.d.get('number', '')}", _style(11, align=TA_RIGHT))
        parts: list = [number, Spacer(1, 3 * mm), _p(self.salutation(), _style(12.5, leading=20))]
        parts += [_p(t, self.body) for t in self.text()]
        parts += [Spacer(1, 3 * mm), self.table(), Spacer(1, 4 * mm)]
        parts.append(Spacer(1, 4 * mm))
        parts.append(self.foot())
        frame_h = PAGE_H - HEADER_H - FOOTER_H
        return [KeepInFrame(PAGE_W - 2 * MARGIN_X, frame_h, parts, mode="shrink")]


def _heavy(canv, text: str, x: float, y: float, size: float, stroke: float) -> None:
    """Centred text made heavier by stroking its outline (the CID font has no bold face)."""
    t = canv.beginText()
    t.setFont(_font(), size)
    t.setTextRenderMode(2)
    t.setTextOrigin(x - pdfmetrics.stringWidth(text, _font(), size) / 2, y)
    canv.setLineWidth(stroke)
    t.textOut(text)
    canv.drawText(t)


def _draw_page(kind: str, data: dict):
    """The canvas part of every page: red hall name, red rules, title, copy label and footer."""
    title, subtitle = TITLES[kind]

    def draw(canv, doc) -> None:
        index = min(canv.getPageNumber() - 1, len(COPIES) - 1)
        order, name = COPIES[index]
        font = _font()
        canv.saveState()
        # copy label, boxed, top right
        canv.setStrokeColor(RED)
        canv.setFillColor(RED)
        canv.setLineWidth(1)
        canv.rect(PAGE_W - MARGIN_X - 42 * mm, PAGE_H - 17 * mm, 42 * mm, 9 * mm)
        canv.setFont(font, 11)
        canv.drawCentredString(PAGE_W - MARGIN_X - 21 * mm, PAGE_H - 14 * mm, f"{order}　{name}")
        # the red header: the centre's name over a thick and a thin rule
        _heavy(canv, data.get("hall_name") or "政务服务中心", PAGE_W / 2, PAGE_H - 30 * mm, 24, 0.6)
        canv.setLineWidth(2.2)
        canv.line(MARGIN_X, PAGE_H - 35 * mm, PAGE_W - MARGIN_X, PAGE_H - 35 * mm)
        canv.setLineWidth(0.7)
        canv.line(MARGIN_X, PAGE_H - 36.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 36.5 * mm)
        # the title, in black, heavier than the body
        canv.setFillColor(colors.black)
        canv.setStrokeColor(colors.black)
        y = PAGE_H - 47 * mm
        _heavy(canv, title, PAGE_W / 2, y, 21, 0.5)
        if subtitle:
            canv.setFont(font, 12)
            canv.drawCentredString(PAGE_W / 2 + pdfmetrics.stringWidth(title, font, 21) / 2 + 30,
                                   y, subtitle)
        # footer
        canv.setFont(font, 9)
        canv.setFillColor(GREY)
        canv.drawString(MARGIN_X, 10 * mm, "本通知书一式三联：第一联窗口存档，第二联交申请人，第三联送业务科室。")
        canv.drawRightString(PAGE_W - MARGIN_X, 10 * mm, f"{order}（共三联）  {data.get('number', '')}")
        canv.restoreState()

    return draw


def render_notice(kind: str, data: dict) -> bytes:
    """The notice of `kind` (acceptance, one_time, joint, return) as an A4 PDF of three labelled copies."""
    if kind not in TITLES:
        raise ValueError(f"unknown notice kind {kind!r}; one of {', '.join(KINDS)}")
    notice = _Notice(kind, data)
    buf = io.BytesIO()
    title = TITLES[kind][0]
    doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                          topMargin=HEADER_H, bottomMargin=FOOTER_H, title=f"{title} {data.get('number', '')}",
                          author=data.get("hall_name") or "政务服务中心", subject=title)
    frame = Frame(MARGIN_X, FOOTER_H, PAGE_W - 2 * MARGIN_X, PAGE_H - HEADER_H - FOOTER_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("copy", frames=[frame], onPage=_draw_page(kind, data))])
    story: list = []
    for i in range(len(COPIES)):
        if i:
            story += [NextPageTemplate("copy"), PageBreak()]
        story += notice.story(i)
    doc.build(story)
    return buf.getvalue()
