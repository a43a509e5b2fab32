"""A case's whole life in the console's case detail dialog, in a real browser: the clerk opens a promised case,
records its steps, stops the clock for a special procedure and starts it again; the approve step the clerk may
not sign is refused with the server's own words, and the window lead (首席代表), finding the case by its number,
signs it while the clerk's open dialog follows live; the clerk finishes the case (办结) and the window's list and
the citizen's case page say so. A second case is returned (退回) with a written reason and its return notice
appears."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_case_console import ID_NUMBER, cn, expected_deadline
from tests.live import LiveHall

pytestmark = pytest.mark.timeout(300)

NAME = "欧阳明月"
WINDOW, LEAD_WINDOW = "4", "5"  # both 县国土资源局 (GTJ) windows
APPROVER_ONLY = "批准环节须由首席代表或更高职级签批"  # the server's refusal, in the console's Chinese


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A demo hall of this test's own."""
    server = LiveHall(tmp_path_factory.mktemp("e2e-case-life"), demo=True).start()
    yield server
    server.stop()


def console_at(browser, hall: LiveHall, username: str, window: str) -> Page:
    """A console page logged in as `username`, holding `window`."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(hall.url + "/console")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "hall-demo")
    page.locator("form button[type=submit]").click()
    page.locator(f"button.pick[data-window='{window}']").click()
    expect(page.locator("#panel")).to_be_visible()
    return page


def act(page: Page, form: str, fill: dict[str, str] | None = None, choose: dict[str, str] | None = None) -> None:
    """Open one action form of the detail dialog, fill it and confirm (each button waited for until enabled)."""
    button = page.locator(f"#detail-actions [data-form='{form}']")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator(f"#detail-form fieldset[data-for='{form}']")).to_be_visible()
    for selector, value in (choose or {}).items():
        page.locator(selector).select_option(value)
    for selector, value in (fill or {}).items():
        page.locator(selector).fill(value)
    expect(page.locator("#detail-submit")).to_be_enabled()
    page.locator("#detail-submit").click()


def current_step(page: Page):
    return page.locator("#detail-steps tr[data-state='current']")


def test_a_promised_case_from_acceptance_to_finish_and_a_returned_one(browser, hall, artifacts):
    token = hall.staff_token("clerk04")
    _, windows = hall.request("GET", "/api/v1/windows", token=token)
    window = next(w for w in windows if w["number"] == WINDOW)
    _, services = hall.request("GET", "/api/v1/services", token=token)
    item = next(s for s in services if s["id"] in window["service_ids"] and s["case_type"] == "promised"
                and s["materials"])

    # -- the clerk accepts a promised case for the called ticket ------------------------------------
    clerk = console_at(browser, hall, "clerk04", WINDOW)
    ticket = hall.issue(item["id"])
    clerk.keyboard.press("F1")
    expect(clerk.locator("#cur-number")).to_have_text(ticket["number"])
    clerk.keyboard.press("F9")
    expect(clerk.locator("#case-form")).to_be_visible()
    clerk.locator("#case-service").select_option(str(item["id"]))
    clerk.fill("#case-name", NAME)
    clerk.fill("#case-id", ID_NUMBER)
    boxes = clerk.locator("#case-materials input[type=checkbox]")
    expect(boxes).to_have_count(len(item["materials"]))
    for i in range(len(item["materials"])):
        boxes.nth(i).check()
    expect(clerk.locator("#case-type")).to_have_value("promised")
    received = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    clerk.locator("#case-submit").click()
    expect(clerk.locator("#case-result")).to_be_visible()
    number = clerk.locator("#result-number").inner_text()
    clerk.locator("#result-close").click()

    # -- its detail, from the window's list ----------------------------------------------------------
    row = clerk.locator(f"#cases-rows tr[data-case='{number}']")
    row.locator("td").nth(1).click()
    dialog = clerk.locator("#detail-dialog")
    expect(dialog).to_be_visible()
    expect(clerk.locator("#detail-number")).to_have_text(number)
    expect(clerk.locator("#detail-type")).to_have_text("承诺件")
    expect(clerk.locator("#detail-status")).to_have_text("办理中")
    promised = expected_deadline(hall, received, item["promised_days"])
    expect(clerk.locator("#detail-deadline")).to_contain_text(cn(promised))
    expect(clerk.locator("#detail-applicant")).to_contain_text(NAME[0] + "**" + NAME[-1])
    expect(clerk.locator("#detail-applicant")).to_contain_text(ID_NUMBER[-4:])
    expect(dialog).not_to_contain_text(NAME)  # masked, as the API gives it in lists
    expect(clerk.locator("#detail-notices a", has_text="受理通知书")).to_have_attribute(
        "href", f"/api/v1/cases/{row_id(hall, token, number)}/notices/acceptance.pdf")
    expect(current_step(clerk)).to_have_attribute("data-step", "accept")
    expect(clerk.locator("#detail-actions [data-form='resume']")).to_be_hidden()
    clerk.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-1-detail.png"))

    # -- 受理 passed; during 承办 the clock stops for testing (a promised case has no site-check pause) ------
    act(clerk, "step", fill={"#df-step-opinion": "材料齐全，予以受理"})
    expect(current_step(clerk)).to_have_attribute("data-step", "undertake")
    expect(clerk.locator("#detail-steps tr[data-step='accept'] td").nth(5)).to_have_text("通过")
    expect(clerk.locator("#detail-done")).to_contain_text("已完成")
    clerk.locator("#detail-actions [data-form='pause']").click()
    expect(clerk.locator("#df-pause-kind option[value='site_check']")).to_be_disabled()
    expect(clerk.locator("#df-pause-hint")).to_be_visible()
    clerk.locator("#detail-form [data-cancel]").click()
    expect(clerk.locator("#detail-form")).to_be_hidden()
    act(clerk, "pause", choose={"#df-pause-kind": "testing"}, fill={"#df-pause-reason": "委托检测机构检测宗地界址"})
    expect(clerk.locator("#detail-status")).to_have_text("暂停计时（特别程序）")
    pause = clerk.locator("#detail-pauses tr[data-kind='testing']")
    expect(pause).to_have_attribute("data-state", "running")
    expect(pause).to_contain_text("委托检测机构检测宗地界址")
    expect(clerk.locator("#detail-actions [data-form='pause']")).to_be_hidden()
    expect(row).to_contain_text("暂停计时")  # the list followed
    clerk.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-2-paused.png"))
    act(clerk, "resume")
    expect(pause).to_have_attribute("data-state", "ended")
    expect(clerk.locator("#detail-status")).to_have_text("办理中")

    act(clerk, "step", fill={"#df-step-opinion": "检测合格，拟同意登记"})
    expect(current_step(clerk)).to_have_attribute("data-step", "review")
    act(clerk, "step", fill={"#df-step-opinion": "审核通过"})
    expect(current_step(clerk)).to_have_attribute("data-step", "approve")

    # -- a clerk cannot sign the approve step: the server says so and nothing changes ---------------
    act(clerk, "step", fill={"#df-step-opinion": "同意"})
    expect(clerk.locator("#detail-error")).to_contain_text(APPROVER_ONLY)
    expect(current_step(clerk)).to_have_attribute("data-step", "approve")
    expect(clerk.locator("#detail-actions [data-form='finish']")).to_be_disabled()
    clerk.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-3-refused.png"))

    # -- the window lead finds the case by its number and signs; the clerk's dialog follows live ----
    lead = console_at(browser, hall, "lead_gtj", LEAD_WINDOW)
    # the find field shows what a number looks like here: this department, today in the hall
    expect(lead.locator("#case-find-number")).to_have_attribute("placeholder", number.rsplit("-", 1)[0] + "-0001")
    lead.fill("#case-find-number", f" {number.lower()} ")
    lead.locator("#case-find button[type=submit]").click()
    expect(lead.locator("#detail-number")).to_have_text(number)
    expect(current_step(lead)).to_have_attribute("data-step", "approve")
    act(lead, "step", fill={"#df-step-opinion": "同意登记"})
    expect(current_step(lead)).to_have_attribute("data-step", "finish")
    lead.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-4-lead-signed.png"))
    expect(current_step(clerk)).to_have_attribute("data-step", "finish")  # no reload: the live event
    expect(clerk.locator("#detail-form")).to_be_hidden()  # the clerk's step form was about the approve step
    expect(clerk.locator("#detail-done")).to_contain_text("当前环节为：办结")
    expect(clerk.locator("#detail-steps tr[data-step='approve']")).to_contain_text("同意登记")

    # -- 办结 --------------------------------------------------------------------------------------
    act(clerk, "finish", fill={"#df-finish-opinion": "准予登记，证书已制作"})
    expect(clerk.locator("#detail-status")).to_have_text("已办结")
    expect(clerk.locator("#detail-steps tr")).to_have_count(5)
    expect(clerk.locator("#detail-steps tr[data-state='current']")).to_have_count(0)
    expect(clerk.locator("#detail-notes")).to_have_text("办结意见：准予登记，证书已制作")
    for button in clerk.locator("#detail-actions button:visible").all():
        expect(button).to_be_disabled()
    clerk.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-5-finished.png"))
    clerk.locator("#detail-close").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_count(0)  # no longer among the cases in progress
    clerk.locator("#cases-filter").select_option("closed")
    expect(row).to_contain_text("已办结")
    clerk.screenshot(path=str(artifacts / "e2e-case-life-6-list-closed.png"))

    _, found = hall.request("GET", f"/api/v1/cases?number={number}", token=token)
    status_url = found["items"][0]["status_url"]
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(status_url if status_url.startswith("http") else hall.url + status_url)
    expect(phone.locator("#number")).to_have_text(number)
    expect(phone.locator("#status")).to_have_text("已办结")
    phone.screenshot(path=str(artifacts / "e2e-case-life-7-citizen-finished.png"), full_page=True)

    # -- a second case is returned with a written reason -----------------------------------------
    status, second = hall.request("POST", "/api/v1/cases", {
        "service_id": item["id"], "applicant": {"name": NAME, "kind": "person", "id_number": ID_NUMBER},
        "materials": item["materials"], "window_id": window["id"]}, token=token)
    assert status == 201, second
    clerk.locator("#cases-filter").select_option("open")
    second_row = clerk.locator(f"#cases-rows tr[data-case='{second['number']}']")
    second_row.locator("button.case-link").click()
    expect(clerk.locator("#detail-number")).to_have_text(second["number"])
    expect(clerk.locator("#detail-notices a", has_text="退回件通知书")).to_have_count(0)
    act(clerk, "return")
    expect(clerk.locator("#detail-error")).to_contain_text("书面理由")  # asked before anything is sent
    clerk.fill("#df-return-reason", "该宗地存在权属争议，不予登记")
    clerk.locator("#detail-submit").click()
    expect(clerk.locator("#detail-status")).to_have_text("已退回")
    expect(clerk.locator("#detail-notes")).to_have_text("原因：该宗地存在权属争议，不予登记")
    link = clerk.locator("#detail-notices a", has_text="退回件通知书")
    expect(link).to_have_attribute("href", f"/api/v1/cases/{second['id']}/notices/return.pdf")
    clerk.locator("#detail-dialog").screenshot(path=str(artifacts / "e2e-case-life-8-returned.png"))
    with clerk.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{second['number']}-return.pdf"
    clerk.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(second_row).to_have_count(0)
    for p in (clerk, lead, phone):
        p.close()


def row_id(hall: LiveHall, token: str, number: str) -> int:
    """A case's id by its number, through the API."""
    _, page = hall.request("GET", f"/api/v1/cases?number={number}", token=token)
    return page["items"][0]["id"]
