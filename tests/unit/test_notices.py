"""The case notices: every kind renders three labelled A4 copies with its facts, read back from the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hall.documents.notices import COPIES, KINDS, render_notice

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = ["项目单位对备案信息真实性的书面承诺", "建设项目用地预审与选址意见（含附图，须加盖自然资源部门公章）",
           "环境影响评价文件审批意见", "固定资产投资项目节能审查意见", "资金来源证明文件"]

CASE = {
    "hall_name": "某某县政务服务中心", "number": "FGJ-20261123-0007",
    "applicant": {"name": "王小明", "id": "110101********1234", "kind": "person"},
    "service": "企业投资项目备案", "department": "发展和改革局", "received_at": "2026-11-23T09:30:00+08:00",
    "window": "5", "clerk": "李四", "phone": "0571-12345678", "promised_days": 5, "deadline": "2026-11-30",
    "provisional": False, "materials_received": ["企业投资项目备案信息表", "企业营业执照(统一社会信用代码)"],
    "materials_missing": MISSING,
    "co_departments": [{"name": "自然资源局", "due": "2026-11-30"}, {"name": "生态环境局", "due": "2026-12-01"}],
    "lead_department": "发展和改革局", "reason": "申请事项不属于本部门职权范围，请向市场监督管理局申请。",
    "status_url": "http://hall.test/c/abcdefgh12345678", "issued_on": "2026-11-23",
}

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, as poppler extracts it (whitespace removed)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return ["".join(page.split()) for page in out.split("\f") if page.strip()]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_three_labelled_copies(kind):
    """Window, applicant and business-office copies, one page each, in that order, each with the number."""
    pages = pages_text(render_notice(kind, CASE))
    assert len(pages) == 3
    for page, (order, name) in zip(pages, COPIES, strict=True):
        assert order in page and name in page
        assert CASE["number"] in page and "某某县政务服务中心" in page


def test_acceptance_notice_gives_the_promised_date_and_the_applicant():
    """承诺件受理通知书: promised days and date, the applicant's own name, the materials received."""
    for page in pages_text(render_notice("acceptance", CASE)):
        assert "承诺件受理通知书" in page and "2026年11月30日" in page and "5个工作日" in page
        assert "王小明" in page and "企业投资项目备案信息表" in page and "暂定" not in page


def test_a_provisional_promise_is_marked_on_the_notice():
    """A deadline in a year without a published holiday arrangement says 暂定."""
    pages = pages_text(render_notice("acceptance", {**CASE, "deadline": "2027-01-05", "provisional": True}))
    assert all("2027年1月5日（暂定）" in page for page in pages)


def test_one_time_notice_lists_every_missing_material_in_full():
    """一次性告知: all missing materials, each named in full, on every copy."""
    for page in pages_text(render_notice("one_time", CASE)):
        assert "一次性告知书" in page
        for item in MISSING:
            assert "".join(item.split()) in page


def test_a_long_list_of_missing_materials_still_fits_one_page_per_copy():
    """Forty missing materials shrink onto the page rather than spilling a copy over two pages."""
    many = [f"补充材料第{i}项：相关证明文件原件及复印件" for i in range(1, 41)]
    pages = pages_text(render_notice("one_time", {**CASE, "materials_missing": many}))
    assert len(pages) == 3
    assert "补充材料第40项" in pages[2]


def test_joint_notice_gives_each_co_department_its_due_date():
    """联办件: co-departments answer within 5 working days; the date is written out."""
    for page in pages_text(render_notice("joint", CASE)):
        assert "联办件通知书" in page and "5个工作日内" in page
        assert "自然资源局：2026年11月30日前反馈" in page and "生态环境局：2026年12月1日前反馈" in page


def test_return_notice_gives_the_reason_and_the_right_to_review():
    """退回件: the written reason and the applicant's right to ask for review (复核)."""
    for page in pages_text(render_notice("return", CASE)):
        assert "退回件通知书" in page and "".join(CASE["reason"].split()) in page and "复核" in page


def test_an_unknown_kind_is_refused():
    """Only the four notices exist."""
    with pytest.raises(ValueError):
        render_notice("licence", CASE)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_first_pages_render_to_png_for_a_person_to_look_at(tmp_path):
    """Page 1 of each notice as a PNG in test-artifacts/, to check by eye that it reads like a form."""
    ARTIFACTS.mkdir(exist_ok=True)
    for kind in KINDS:
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(render_notice(kind, CASE))
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(ARTIFACTS / f"notice-{kind}")], check=True)
        assert (ARTIFACTS / f"notice-{kind}.png").stat().st_size > 10_000
