"""The clerk console in a real browser against a real server, with the window and hall screens watching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.live import LiveHall as HallServer

DEMO_PASSWORD = "hall-demo"

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.timeout(180)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The demo hall served by a real server process."""
    server = HallServer(tmp_path_factory.mktemp("hall-var"), demo=True).start()
    yield server
    server.stop()


def window_by_number(hall: HallServer, number: str) -> dict:
    """A window's view from the API."""
    status, windows = hall.request("GET", "/api/v1/windows", token=hall.tokens["screen-hall"])
    assert status == 200
    return next(w for w in windows if w["number"] == number)


def log_in(page, hall: HallServer, username: str) -> None:
    """Log in on the staff login page and land on the console."""
    page.goto(hall.url + "/console")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/console"))


@pytest.fixture(scope="module")
def console(browser, hall):
    """clerk01's console, logged in, at window 1."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, hall, "clerk01")
    page.locator("button.pick[data-window='1']").click()
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#c-window")).to_contain_text("1号窗口")
    yield page
    page.close()


@pytest.fixture(scope="module")
def screens(browser, hall):
    """Window 1's screen (wide bar LCD) and the hall screen, both open all along."""
    token = hall.tokens["screen-hall"]
    window_page = browser.new_page(viewport={"width": 1920, "height": 540})
    window_page.goto(f"{hall.url}/display/window/1?token={token}")
    hall_page = browser.new_page(viewport={"width": 1920, "height": 1080})
    hall_page.goto(f"{hall.url}/display/hall?token={token}")
    hall_page.locator("#voice-overlay").click()
    yield window_page, hall_page
    window_page.close()
    hall_page.close()


def clear_window(console) -> None:
    """Bring window 1 back to open with no ticket at it, through the console's own keys."""
    for _ in range(6):
        status = console.locator("#cur-status").get_attribute("data-status")
        if status == "none":
            break
        if status == "serving":
            console.locator("[data-act=finish]").click()
        elif status == "called":
            console.locator("[data-act=start]").click()
        console.wait_for_timeout(300)
    expect(console.locator("#cur-status")).to_have_attribute("data-status", "none")


def test_call_next_shows_on_the_window_and_hall_screens(console, screens, hall):
    window_page, hall_page = screens
    ticket = hall.issue(service_id=window_by_number(hall, "1")["service_ids"][0])
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(ticket["number"])
    expect(console.locator("#cur-status")).to_have_attribute("data-status", "called")
    expect(window_page.locator("#ws-num")).to_have_text(ticket["number"])
    expect(window_page.locator("#ws-pre")).to_contain_text("请")
    expect(window_page.locator("#ws-name")).to_have_text("张晓明")
    expect(window_page.locator(".ws")).to_have_class(re.compile(r"\bblink\b"))
    expect(hall_page.locator("#call-newest-number")).to_have_text(ticket["number"])
    expect(hall_page.locator("#call-newest-window")).to_contain_text("1")
    expect(hall_page.locator("#open-count")).to_contain_text("1 /")
    ARTIFACTS.mkdir(exist_ok=True)
    window_page.screenshot(path=str(ARTIFACTS / "window-screen.png"))
    hall_page.screenshot(path=str(ARTIFACTS / "hall-screen.png"))
    console.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)


def test_recall_counts_up_and_no_show_waits_for_the_cap(console, screens, hall):
    clear_window(console)
    ticket = hall.issue(service_id=window_by_number(hall, "1")["service_ids"][0])
    console.locator("[data-act=call]").click()
    expect(console.locator("#cur-number")).to_have_text(ticket["number"])
    no_show, recall = console.locator("[data-act=no_show]"), console.locator("[data-act=recall]")
    expect(no_show).to_be_disabled()
    window_id = window_by_number(hall, "1")["id"]
    refused = console.evaluate("""async (id) => {
        const r = await fetch(`/api/v1/windows/${id}/no-show`, {method: "POST", body: "{}",
                              headers: {"Content-Type": "application/json"}});
        return [r.status, (await r.json()).error.message];
    }""", window_id)
    assert refused[0] == 409 and "recall" in refused[1]
    for n in (1, 2, 3):
        console.keyboard.press("F2")
        expect(recall).to_contain_text(f"{n}/3")
        expect(console.locator("#cur-recalls")).to_contain_text(f"{n}/3")
    expect(recall).to_be_disabled()
    expect(no_show).to_be_enabled()
    window_page, _ = screens
    expect(window_page.locator("#ws-num")).to_have_text(ticket["number"])
    no_show.click()
    expect(console.locator("#cur-status")).to_have_attribute("data-status", "none")
    status, body = hall.request("GET", f"/api/v1/tickets/{ticket['id']}", token=hall.tokens["kiosk-1"])
    assert body["status"] == "no_show"


def test_an_action_refused_by_the_server_shows_its_message(console, hall):
    clear_window(console)
    console.evaluate("document.querySelector('[data-act=finish]').disabled = false")
    console.locator("[data-act=finish]").click()
    message = console.locator("#c-message")
    expect(message).to_be_visible()
    expect(message).to_have_class(re.compile(r"\berror\b"))
    expect(message).to_contain_text("办结失败")
    expect(message).to_contain_text("1号窗口没有已叫的号")  # the server's refusal, in the page's language


def test_an_english_console_shows_the_refusal_in_english(browser, console, hall):
    """The console asks the API in its own language, whatever another tab chose."""
    clear_window(console)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        log_in(page, hall, "clerk01")
        page.goto(hall.url + "/console?lang=en")
        expect(page.locator("#c-window")).to_contain_text("Window 1")
        page.context.add_cookies([{"name": "hall_lang", "value": "zh_CN", "url": hall.url}])  # another tab's choice
        page.evaluate("document.querySelector('[data-act=finish]').disabled = false")
        page.locator("[data-act=finish]").click()
        message = page.locator("#c-message")
        expect(message).to_have_class(re.compile(r"\berror\b"))
        expect(message).to_contain_text("Finish failed: window 1 has no ticket called")
        expect(message).not_to_contain_text("窗口")
    finally:
        page.close()


def test_pause_shows_on_the_window_screen_with_the_reason(console, screens):
    window_page, _ = screens
    clear_window(console)
    console.keyboard.press("F8")
    dialog = console.locator("#pause-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("业务咨询").check()
    console.fill("#pause-detail", "与后台核对材料")
    dialog.locator("button[type=submit]").click()
    expect(console.locator("#win-state")).to_contain_text("暂停服务")
    expect(window_page.locator("#ws-label")).to_have_text("暂停服务")
    expect(window_page.locator("#ws-note")).to_contain_text("业务咨询：与后台核对材料")
    window_page.screenshot(path=str(ARTIFACTS / "window-screen-paused.png"))
    expect(console.locator("[data-act=call]")).to_be_disabled()
    console.keyboard.press("F8")
    expect(console.locator("#win-state")).to_have_attribute("data-state", "open")
    expect(window_page.locator("#ws-label")).not_to_have_text("暂停服务")


def test_transfer_moves_the_ticket_to_another_windows_queue(console, hall):
    clear_window(console)
    ticket = hall.issue(service_id=window_by_number(hall, "1")["service_ids"][0])
    console.locator("[data-act=call]").click()
    expect(console.locator("#cur-number")).to_have_text(ticket["number"])
    console.keyboard.press("F7")
    dialog = console.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("原取号时间")
    target = window_by_number(hall, "2")
    service = target["service_ids"][0]
    dialog.locator("#transfer-service").select_option(str(service))
    dialog.locator("#transfer-window").select_option(str(target["id"]))
    dialog.locator("button[type=submit]").click()
    expect(console.locator("#cur-status")).to_have_attribute("data-status", "none")
    status, queue = hall.request("GET", f"/api/v1/windows/{target['id']}/queue",
                                 token=hall.staff_token("supervisor"))
    assert status == 200
    moved = [t for t in queue["next"] if t["ticket_id"] == ticket["id"]]
    assert moved and moved[0]["transferred_here"] and moved[0]["service_id"] == service


def test_service_desk_reinstates_a_no_show(browser, hall):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, hall, "duty1")
    expect(page.locator("#panel")).to_have_count(0)  # the duty officer has the desk only
    button = page.locator("#desk-rows button").first
    expect(button).to_be_visible()
    number = button.get_attribute("data-ticket")
    button.click()
    expect(page.locator("#c-message")).to_contain_text(f"{number} 已恢复排队")
    expect(page.locator(f"#desk-rows button[data-ticket='{number}']")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "console-desk.png"), full_page=True)
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r"/login"))
    page.close()
