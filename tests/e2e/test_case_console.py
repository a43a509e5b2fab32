"""A promised case in a real browser: the clerk calls a ticket, opens the case from the console, sees the
promised date at once, downloads the acceptance notice, and the citizen's case page shows the promise
without any personal data."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from hall.domain.calendar import CHINESE_CALENDAR_YEARS, WorkingCalendar, arrangements_from_chinese_calendar
from hall.domain.deadlines import compute_deadline
from tests.live import LiveHall

pytestmark = pytest.mark.timeout(240)

NAME = "司马相如"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FIRST17 = "51010619800101003"
ID_NUMBER = FIRST17 + "10X98765432"[sum(int(c) * w for c, w in zip(FIRST17, ID_WEIGHTS, strict=True)) % 11]


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A demo hall of this test's own."""
    server = LiveHall(tmp_path_factory.mktemp("e2e-cases"), demo=True).start()
    yield server
    server.stop()


def expected_deadline(hall: LiveHall, received: date, days: int) -> date:
    """The promise as the hall's calendar API computes it, or as the working-day calendar does."""
    status, answer = hall.request("GET", f"/api/v1/calendar/deadline?received={received}&days={days}",
                                  token=hall.staff_token("clerk02"))
    if status == 200:
        return date.fromisoformat(answer["deadline"])
    calendar = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))
    return compute_deadline(calendar, received, days).date


def cn(d: date) -> str:
    """A date as the notices and the Chinese pages write it."""
    return f"{d.year}年{d.month}月{d.day}日"


def test_a_promised_case_from_the_console_to_the_citizens_phone(browser, hall, artifacts, tmp_path):
    """Call → 受理办件 → promised date on screen → acceptance notice PDF → citizen page without personal data."""
    token = hall.staff_token("clerk02")
    _, windows = hall.request("GET", "/api/v1/windows", token=token)
    window = next(w for w in windows if w["number"] == "2")
    _, services = hall.request("GET", "/api/v1/services", token=token)
    item = next(s for s in services if s["id"] in window["service_ids"] and s["case_type"] == "promised"
                and s["materials"])

    console = browser.new_page(viewport={"width": 1366, "height": 1000}, accept_downloads=True)
    console.goto(hall.url + "/console")
    console.fill("input[name=username]", "clerk02")
    console.fill("input[name=password]", "hall-demo")
    console.locator("form button[type=submit]").click()
    console.locator("button.pick[data-window='2']").click()
    expect(console.locator("#panel")).to_be_visible()
    expect(console.locator("#case-open")).to_be_disabled()  # nobody called yet

    ticket = hall.issue(item["id"])
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(ticket["number"])

    console.locator("#case-open").click()
    form = console.locator("#case-form")
    expect(form).to_be_visible()
    expect(console.locator("#case-service")).to_have_value(str(item["id"]))
    expect(console.locator("#case-type")).to_have_value("supplement")  # nothing received yet
    console.fill("#case-name", NAME)
    console.fill("#case-id", ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    expect(console.locator("#case-id-check")).to_have_attribute("data-state", "bad")
    console.fill("#case-id", ID_NUMBER)
    expect(console.locator("#case-id-check")).to_have_attribute("data-state", "ok")
    boxes = console.locator("#case-materials input[type=checkbox]")
    expect(boxes).to_have_count(len(item["materials"]))
    expect(console.locator("#case-missing")).to_contain_text(item["materials"][-1])
    for i in range(len(item["materials"]) - 1):
        boxes.nth(i).check()
    expect(console.locator("#case-type")).to_have_value("supplement")  # something is still missing
    boxes.nth(len(item["materials"]) - 1).check()
    expect(console.locator("#case-missing")).to_be_hidden()
    expect(console.locator("#case-type")).to_have_value("promised")
    console.locator("#case-dialog").screenshot(path=str(artifacts / "e2e-case-1-console-form.png"))

    received = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    console.locator("#case-submit").click()
    expect(console.locator("#case-result")).to_be_visible()
    promised = expected_deadline(hall, received, item["promised_days"])
    expect(console.locator("#result-deadline")).to_contain_text(cn(promised))
    number = console.locator("#result-number").inner_text()
    expect(console.locator("#result-provisional")).to_be_hidden()
    console.screenshot(path=str(artifacts / "e2e-case-2-console-promise.png"))

    _, page = hall.request("GET", f"/api/v1/cases?window={window['id']}", token=token)
    case = next(c for c in page["items"] if c["number"] == number)
    assert case["deadline"] == promised.isoformat() and case["ticket_id"] == ticket["id"]

    with console.expect_download() as download:
        console.locator("#result-notices a", has_text="受理通知书").click()
    pdf = tmp_path / "acceptance.pdf"
    download.value.save_as(pdf)
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode().split())
    assert cn(promised) in text and number in text and NAME in text and "承诺件受理通知书" in text
    assert text.count("申请人联") >= 1 and text.count("窗口存档联") >= 1 and text.count("业务科室联") >= 1
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(artifacts / "e2e-case-3-acceptance-notice")], check=True)

    console.locator("#result-close").click()
    row = console.locator(f"#cases-rows tr[data-case='{number}']")
    expect(row).to_be_visible()
    expect(row).not_to_contain_text(NAME)  # the list shows masked names only
    console.screenshot(path=str(artifacts / "e2e-case-4-console-list.png"))

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    url = case["status_url"] if case["status_url"].startswith("http") else hall.url + case["status_url"]
    phone.goto(url)
    expect(phone.locator("#number")).to_have_text(number)
    expect(phone.locator("#status")).to_have_text("办理中")
    expect(phone.locator("#deadline")).to_contain_text(cn(promised))
    expect(phone.locator("#steps li[data-state='current']")).to_have_count(1)
    body = phone.content()
    assert NAME not in body and NAME[0] + "*" not in body and ID_NUMBER not in body and ID_NUMBER[-4:] not in body
    phone.screenshot(path=str(artifacts / "e2e-case-5-citizen-page.png"), full_page=True)
    for p in (console, phone):
        p.close()
