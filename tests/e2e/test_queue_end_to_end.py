"""The whole queue in a real browser: a citizen presses a service on the kiosk, a clerk calls the number
from the console, and the window screen and the hall screen show it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.live import LiveHall

pytestmark = pytest.mark.timeout(180)
NUMBER = re.compile(r"^[A-Z]\d{3}$")


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A demo hall of this test's own, so that nobody else's tickets stand in the queue."""
    server = LiveHall(tmp_path_factory.mktemp("e2e-hall"), demo=True).start()
    yield server
    server.stop()


def test_kiosk_ticket_is_called_from_the_console_and_shown_on_both_screens(browser, hall, artifacts):
    """Kiosk → number → console call-next → window 2's screen and the hall screen show that number."""
    screen_token, kiosk_token = hall.tokens["screen-hall"], hall.tokens["kiosk-1"]
    _, windows = hall.request("GET", "/api/v1/windows", token=screen_token)
    window = next(w for w in windows if w["number"] == "2")
    _, services = hall.request("GET", "/api/v1/services", token=kiosk_token)
    service = next(s for s in services if s["id"] in window["service_ids"] and s["department_id"] == window["department_id"])

    window_screen = browser.new_page(viewport={"width": 1920, "height": 540})
    window_screen.goto(f"{hall.url}/display/window/2?token={screen_token}")
    hall_screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    hall_screen.goto(f"{hall.url}/display/hall?token={screen_token}")
    hall_screen.locator("#voice-overlay").click()

    console = browser.new_page(viewport={"width": 1366, "height": 900})
    console.goto(hall.url + "/console")
    console.fill("input[name=username]", "clerk02")
    console.fill("input[name=password]", "hall-demo")
    console.locator("form button[type=submit]").click()
    console.locator("button.pick[data-window='2']").click()
    expect(console.locator("#panel")).to_be_visible()

    kiosk = browser.new_page(viewport={"width": 1080, "height": 1920})
    kiosk.goto(f"{hall.url}/kiosk?token={kiosk_token}")
    kiosk.locator(".k-group", has_text=window["department"]).first.click()
    kiosk.locator(".k-service-pick", has_text=service["name"]).first.click()
    expect(kiosk.locator("#ticket")).to_be_visible()
    number = kiosk.locator("#ticket-number").inner_text()
    assert NUMBER.match(number) and number[0] == service["prefix"]
    kiosk.screenshot(path=str(artifacts / "e2e-1-kiosk-ticket.png"))

    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(number)
    console.screenshot(path=str(artifacts / "e2e-2-console-called.png"))

    expect(window_screen.locator("#ws-num")).to_have_text(number)
    _, windows = hall.request("GET", "/api/v1/windows", token=screen_token)
    clerk = next(w for w in windows if w["number"] == "2")["clerk"]
    expect(window_screen.locator("#ws-name")).to_have_text(clerk["name"])
    expect(hall_screen.locator("#call-newest-number")).to_have_text(number)
    expect(hall_screen.locator("#call-newest-window")).to_contain_text("2")
    beijing = [(datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)]
    assert hall_screen.locator("#clock-time").inner_text()[:5] in beijing, "the hall screen keeps the hall's time"
    window_screen.screenshot(path=str(artifacts / "e2e-3-window-screen.png"))
    hall_screen.screenshot(path=str(artifacts / "e2e-4-hall-screen.png"))

    _, ticket = hall.request("GET", f"/api/v1/windows/{window['id']}/queue", token=hall.staff_token("clerk02"))
    assert number not in [t["number"] for t in ticket["next"]]
    for page in (kiosk, console, window_screen, hall_screen):
        page.close()
