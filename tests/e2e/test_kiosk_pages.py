"""The kiosk, its QR codes and the mobile ticket page, driven in a real browser against the real server."""

from __future__ import annotations

import re
import urllib.parse

import pytest

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^[A-Z]\d{3}$")
#: POST /api/v1/tickets as the kiosk sends it (with the page's ?lang=).
ISSUE = re.compile(r"/api/v1/tickets(\?[^/]*)?$")
PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
# Each test takes tickets for its own services, so that the waiting counts it checks are its own.
ONE_STOP_HOUSING = "住房保障综合窗口"


@pytest.fixture
def kiosk_token(hall_server) -> str:
    """The demo kiosk's device token."""
    return hall_server.tokens["kiosk-1"]


@pytest.fixture
def page(browser):
    """A fresh portrait kiosk page; console errors make the test fail."""
    context = browser.new_context(viewport=PORTRAIT, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def services_by_name(hall_server, token: str) -> dict[str, dict]:
    """The catalogue from the API, by Chinese name."""
    status, services = hall_server.request("GET", "/api/v1/services", token=token)
    assert status == 200
    return {s["name"]: s for s in services}


def waiting_of(hall_server, token: str, service_id: int) -> int:
    """A service's waiting count, from the API."""
    status, services = hall_server.request("GET", "/api/v1/services", token=token)
    assert status == 200
    return next(s["waiting"] for s in services if s["id"] == service_id)


def department_services(hall_server, token: str, department: str) -> list[dict]:
    """The services of one department, in catalogue order."""
    return [s for s in services_by_name(hall_server, token).values() if s["department"] == department]


def open_kiosk(page, hall_server, token: str, lang: str | None = None):
    """Open the kiosk and wait for its catalogue."""
    query = {"token": token, **({"lang": lang} if lang else {})}
    page.goto(f"{hall_server.url}/kiosk?{urllib.parse.urlencode(query)}")
    page.locator(".k-group").first.wait_for()


def open_group(page, name: str):
    """Tap a group card and wait for its services."""
    page.locator(".k-group", has_text=name).click()
    page.locator("#services .k-service-pick").first.wait_for()


def test_kiosk_shows_catalogue_grouped_with_live_waiting_counts(page, hall_server, kiosk_token, artifacts):
    """One-stop themes first, then departments; each group shows its waiting total, which stays live."""
    open_kiosk(page, hall_server, kiosk_token)
    assert page.locator("h1").inner_text() == "示范县政务服务中心"
    one_stop = page.locator("#one-stop-groups .k-group")
    departments = page.locator("#dept-groups .k-group")
    assert one_stop.count() == 3
    assert departments.count() == 13
    assert "企业开办综合窗口" in one_stop.first.inner_text()
    for card in departments.all():
        assert re.search(r"\d+ 人等候", card.inner_text())
        assert "预计" in card.inner_text()

    service = department_services(hall_server, kiosk_token, "县民政局")[0]
    card = page.locator("#dept-groups .k-group", has_text="县民政局")
    before = int(re.search(r"(\d+) 人等候", card.inner_text()).group(1))
    status, _ = hall_server.request("POST", "/api/v1/tickets", {"service_id": service["id"]}, token=kiosk_token)
    assert status == 201
    page.wait_for_function(
        "([el, n]) => el.textContent.includes(n + ' 人等候')",
        arg=[card.element_handle(), before + 1], timeout=5000)
    page.locator("#clock-time").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    page.screenshot(path=str(artifacts / "kiosk-home.png"))

    open_group(page, "县民政局")
    row = page.locator(".k-service-pick", has_text=service["name"])
    assert re.search(r"\d+ 人等候", row.inner_text())
    assert "预计等候" in row.inner_text()
    page.screenshot(path=str(artifacts / "kiosk-group.png"))


def test_pressing_a_service_shows_the_ticket_and_its_qr(page, hall_server, kiosk_token, artifacts):
    """The number big, the service, people ahead, the wait, the time, the QR of the status page."""
    service = department_services(hall_server, kiosk_token, "县公安局")[0]
    before = waiting_of(hall_server, kiosk_token, service["id"])
    open_kiosk(page, hall_server, kiosk_token)
    open_group(page, "县公安局")
    page.locator(".k-service-pick", has_text=service["name"]).click()
    ticket = page.locator("#ticket")
    ticket.wait_for()
    number = page.locator("#ticket-number").inner_text()
    assert NUMBER.match(number), number
    assert number.startswith(service["prefix"])
    assert page.locator("#ticket-service").inner_text() == service["name"]
    assert page.locator("#ticket-ahead").inner_text() == str(before)
    assert re.match(r"^\d\d:\d\d$", page.locator("#ticket-time").inner_text())
    assert "请取走您的号票" in ticket.inner_text()
    qr = page.locator("#ticket-qr")
    assert "/kiosk/qr.svg?data=" in qr.get_attribute("src")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    page.screenshot(path=str(artifacts / "kiosk-ticket.png"))
    assert waiting_of(hall_server, kiosk_token, service["id"]) == before + 1

    page.wait_for_timeout(1600)
    ticket.click()  # a tap returns home
    page.locator("#dept-groups").wait_for()
    assert page.locator("#ticket").is_hidden()


def test_double_tap_issues_one_ticket(page, hall_server, kiosk_token):
    """Two quick taps on a service: one ticket."""
    service = department_services(hall_server, kiosk_token, "县公安局")[1]
    before = waiting_of(hall_server, kiosk_token, service["id"])
    open_kiosk(page, hall_server, kiosk_token)
    open_group(page, "县公安局")
    page.locator(".k-service-pick", has_text=service["name"]).dblclick()
    page.locator("#ticket").wait_for()
    page.wait_for_timeout(500)
    assert page.locator("#ticket").is_visible(), "the second tap closed the ticket at once"
    assert waiting_of(hall_server, kiosk_token, service["id"]) == before + 1


def test_retry_after_a_lost_answer_reuses_the_press(page, hall_server, kiosk_token):
    """The server issued the ticket but the answer was lost: "try again" returns that same ticket."""
    service = department_services(hall_server, kiosk_token, "县公安局")[2]
    before = waiting_of(hall_server, kiosk_token, service["id"])
    sent: list[dict] = []

    def lose_first_answer(route):
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.fetch()  # the server issues the ticket…
            route.abort("connectionreset")  # …and the kiosk never hears of it
        else:
            route.continue_()

    open_kiosk(page, hall_server, kiosk_token)
    page.route(ISSUE, lose_first_answer)
    open_group(page, "县公安局")
    page.locator(".k-service-pick", has_text=service["name"]).click()
    error = page.locator("#error")
    error.wait_for()
    assert "请重试" in error.inner_text() or "重试" in error.inner_text()
    assert "Error" not in error.inner_text()
    page.locator("#error-retry").click()
    page.locator("#ticket").wait_for()
    assert NUMBER.match(page.locator("#ticket-number").inner_text())
    assert len(sent) == 2 and sent[0]["idempotency_key"] == sent[1]["idempotency_key"]
    assert waiting_of(hall_server, kiosk_token, service["id"]) == before + 1


def test_priority_toggle_makes_a_priority_ticket(page, hall_server, kiosk_token):
    """The toggle applies to the next ticket, then turns itself off."""
    service = department_services(hall_server, kiosk_token, "县住房和城乡建设局")[0]
    open_kiosk(page, hall_server, kiosk_token)
    toggle = page.locator("#priority")
    assert "老年人" in toggle.inner_text() and "孕妇" in toggle.inner_text()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    open_group(page, "县住房和城乡建设局")
    with page.expect_response(ISSUE) as answer:
        page.locator(".k-service-pick", has_text=service["name"]).click()
    issued = answer.value.json()
    page.locator("#ticket").wait_for()
    assert page.locator("#ticket-priority").is_visible()
    page.wait_for_timeout(1600)
    status, ticket = hall_server.request("GET", f"/api/v1/tickets/{issued['id']}", token=kiosk_token)
    assert status == 200 and ticket["priority"] is True
    page.locator("#ticket").click()
    assert toggle.get_attribute("aria-pressed") == "false"


def test_english_switch_keeps_the_token_and_shows_english_names(page, hall_server, kiosk_token, artifacts):
    """The English link keeps ?token= and the catalogue comes back in English."""
    open_kiosk(page, hall_server, kiosk_token)
    page.locator(".lang-switch a", has_text="English").click()
    page.locator(".k-group", has_text="County Public Security Bureau").wait_for()
    assert "token=" in page.url and "lang=en" in page.url
    assert page.locator("h1").inner_text() == "Demo County Government Service Centre"
    assert "Priority ticket" in page.locator("#priority").inner_text()
    assert re.search(r"\d+ waiting", page.locator(".k-group").first.inner_text())
    page.screenshot(path=str(artifacts / "kiosk-home-en.png"))
    open_group(page, "County Public Security Bureau")
    assert page.locator(".k-back").inner_text().endswith("Back")


@pytest.mark.parametrize("query", ["?token=not-a-real-token", ""])
def test_kiosk_without_a_valid_token_is_not_authorised(page, hall_server, query):
    """No catalogue, a plain message."""
    page.goto(f"{hall_server.url}/kiosk{query}")
    notice = page.locator("#unauthorised")
    notice.wait_for()
    assert "本机未授权" in notice.inner_text()
    assert page.locator("#home").is_hidden()
    assert page.locator(".k-group").count() == 0


def test_service_facts_are_shown_on_request(page, hall_server, kiosk_token):
    """The info button shows the service's public facts."""
    service = department_services(hall_server, kiosk_token, "县地方税务局")[0]
    open_kiosk(page, hall_server, kiosk_token)
    open_group(page, "县地方税务局")
    page.locator(".k-service", has_text=service["name"]).locator(".k-service-info").click()
    facts = page.locator("#facts")
    facts.wait_for()
    assert "申请材料" in facts.inner_text() and service["materials"][0] in facts.inner_text()
    assert "收费标准" in facts.inner_text()
    page.locator("#facts-close").click()
    assert facts.is_hidden()


def test_qr_endpoint_encodes_only_this_halls_status_pages(hall_server, kiosk_token):
    """An own /t/ URL gives an SVG; anything else is refused."""
    import urllib.error
    import urllib.request

    def get(data: str):
        url = f"{hall_server.url}/kiosk/qr.svg?{urllib.parse.urlencode({'data': data})}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    status, headers, body = get(f"{hall_server.url}/t/AbCdEfGhIjKlMnOpQrStUv")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    assert body.startswith(b"<svg") and "max-age" in headers["Cache-Control"]
    for foreign in ("https://example.com/t/AbCdEfGhIjKlMnOpQrStUv", f"{hall_server.url}/kiosk?token=x",
                    f"{hall_server.url}/t/../api/v1/services", "", "javascript:alert(1)"):
        assert get(foreign)[0] == 400, foreign


def test_mobile_page_follows_the_ticket_until_it_is_called(browser, hall_server, kiosk_token, artifacts):
    """The phone shows the number waiting, then "please go to window N" when a clerk calls it."""
    service = department_services(hall_server, kiosk_token, "县发展和改革局")[0]
    status, ticket = hall_server.request("POST", "/api/v1/tickets", {"service_id": service["id"]}, token=kiosk_token)
    assert status == 201
    path = urllib.parse.urlparse(ticket["status_url"]).path
    assert path.startswith("/t/")

    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(hall_server.url + path)
        assert phone.locator("#number").inner_text() == ticket["number"]
        phone.locator("#status", has_text="等候中").wait_for()
        assert phone.locator("#ahead").inner_text() == str(ticket["people_ahead"])
        phone.locator("#updated").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
        phone.screenshot(path=str(artifacts / "mobile-waiting.png"), full_page=True)

        clerk = hall_server.staff_token("clerk01")
        window = next(w for w in hall_server.request("GET", "/api/v1/windows", token=clerk)[1]
                      if service["id"] in w["service_ids"] and w["kind"] == "department")
        assert hall_server.request("POST", f"/api/v1/windows/{window['id']}/open", {}, token=clerk)[0] == 200
        status, called = hall_server.request("POST", f"/api/v1/windows/{window['id']}/call-next", {}, token=clerk)
        assert status == 200 and called["ticket"]["number"] == ticket["number"]

        phone.locator("#status", has_text=f"请到 {window['number']} 号窗口").wait_for(timeout=5000)
        assert phone.locator("#card").get_attribute("data-status") == "called"
        phone.screenshot(path=str(artifacts / "mobile-called.png"), full_page=True)
    finally:
        context.close()


def test_mobile_page_for_an_unknown_ticket_is_a_friendly_404(browser, hall_server):
    """No stack trace, no JSON: a page that says what to do."""
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    try:
        response = phone.goto(f"{hall_server.url}/t/NoSuchTicketTokenHere")
        assert response.status == 404
        assert "没有找到这张号票" in phone.locator("h1").inner_text()
    finally:
        context.close()
