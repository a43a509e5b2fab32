"""The window and hall screens against a real server: spoken calls, the server voice, losing and regaining the server."""

from __future__ import annotations

import wave
from io import BytesIO

import pytest
from playwright.sync_api import expect

from tests.live import LiveHall as HallServer

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The demo hall served by a real server process."""
    server = HallServer(tmp_path_factory.mktemp("hall-var"), demo=True).start()
    yield server
    server.stop()


def open_and_call(hall: HallServer, clerk: str, window_number: str) -> dict:
    """A clerk takes a window and calls a freshly issued ticket, all through the API."""
    token = hall.staff_token(clerk)
    _, windows = hall.request("GET", "/api/v1/windows", token=token)
    window = next(w for w in windows if w["number"] == window_number)
    status, _ = hall.request("POST", f"/api/v1/windows/{window['id']}/open", {}, token=token)
    assert status == 200
    ticket = hall.issue(window["service_ids"][0])
    status, body = hall.request("POST", f"/api/v1/windows/{window['id']}/call-next", {}, token=token)
    assert status == 200 and body["ticket"]["number"] == ticket["number"]
    return ticket


def test_screens_refuse_a_page_without_a_screen_token(hall):
    assert hall.request("GET", "/display/hall")[0] == 403
    assert hall.request("GET", "/display/window/1?token=nope")[0] == 403
    kiosk = hall.tokens["kiosk-1"]
    assert hall.request("GET", f"/display/window/1?token={kiosk}")[0] == 403


def test_server_voice_speaks_only_tickets_and_windows(hall):
    token = hall.tokens["screen-hall"]
    for bad in ("/display/voice/a012/5.wav", "/display/voice/A012/5x.wav", "/display/voice/A01/5.wav"):
        assert hall.request("GET", f"{bad}?token={token}")[0] == 404
    assert hall.request("GET", "/display/voice/A012/5.wav")[0] == 403
    import urllib.request

    with urllib.request.urlopen(f"{hall.url}/display/voice/A012/5.wav?token={token}", timeout=20) as res:
        assert res.headers["Content-Type"] == "audio/wav"
        data = res.read()
    with wave.open(BytesIO(data)) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.5


def test_hall_screen_speaks_each_call_with_the_server_voice(browser, hall):
    token = hall.tokens["screen-hall"]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{hall.url}/display/hall?token={token}&voice=server")
    overlay = page.locator("#voice-overlay")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("点击开启语音")
    overlay.click()
    expect(overlay).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-voice", "server")
    with page.expect_response(lambda r: "/display/voice/" in r.url, timeout=15000) as spoken:
        ticket = open_and_call(hall, "clerk05", "4")
    response = spoken.value
    assert response.status in (200, 206)  # media elements may ask for a byte range
    assert f"/display/voice/{ticket['number']}/4.wav" in response.url
    expect(page.locator("#call-newest-number")).to_have_text(ticket["number"])
    # Each call is said twice, one after the other: the WAV is fetched or replayed a second time.
    expect(page.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)
    page.close()


def test_window_screen_shows_lost_connection_and_recovers_after_a_restart(browser, hall):
    ticket = open_and_call(hall, "clerk07", "5")
    page = browser.new_page(viewport={"width": 1920, "height": 540})
    page.goto(f"{hall.url}/display/window/5?token={hall.tokens['screen-hall']}")
    expect(page.locator("#ws-num")).to_have_text(ticket["number"])
    banner = page.locator("#live-status")
    expect(banner).to_be_hidden()
    hall.stop()
    expect(banner).to_be_visible(timeout=30000)
    expect(banner).to_contain_text("连接")
    hall.start()
    expect(banner).to_be_hidden(timeout=30000)
    expect(page.locator("#ws-num")).to_have_text(ticket["number"])
    token = hall.staff_token("clerk07")
    window_id = next(w["id"] for w in hall.request("GET", "/api/v1/windows", token=token)[1] if w["number"] == "5")
    hall.request("POST", f"/api/v1/windows/{window_id}/start", {}, token=token)
    expect(page.locator("#ws-label")).to_have_text("正在办理")
    page.close()
