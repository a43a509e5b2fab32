"""The public REST API over HTTP, on SQLite and PostgreSQL: contract, flow, bad input, scopes, OpenAPI.

Every response the `Api` clients receive is validated against the OpenAPI description (tests/api/conftest.py).
"""

from __future__ import annotations

import re

import openapi_spec_validator
import pytest
from sqlalchemy import select

from hall.store.models import Ticket, Window
from hall.web.openapi import spec
from tests.api.conftest import PASSWORD, Api, check_documented, counts

TICKET_FIELDS = {"id", "number", "service_id", "people_ahead", "estimated_wait_s", "status_url", "issued_at"}
BIG_ID = 2**40


def flask_to_template(rule: str) -> str:
    """/api/v1/windows/<int(max=…):window_id>/open → /api/v1/windows/{window_id}/open."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def api_routes(app) -> dict[tuple[str, str], str]:
    """Every (path template, method) registered on the api blueprints, with its endpoint."""
    return {(flask_to_template(rule.rule), method.lower()): rule.endpoint
            for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in ("api", "api_cases", "api_documents")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def operations():
    """(path template, method, operation) of every documented operation."""
    return [(path, method, op) for path, item in spec()["paths"].items() for method, op in item.items()]


def live_state(ctx, api: Api) -> tuple:
    """Everything a refused request must leave as it was: the stored tickets and windows, and the snapshot."""
    with ctx.read() as s:
        tickets = s.execute(select(Ticket.id, Ticket.status, Ticket.service_id, Ticket.window_id, Ticket.recalls,
                                   Ticket.queued_at, Ticket.target_window_id).order_by(Ticket.id)).all()
        windows = s.execute(select(Window.id, Window.state, Window.clerk_id, Window.current_ticket_id,
                                   Window.pause_reason).order_by(Window.id)).all()
    return tickets, windows, api.get("/hall/snapshot").get_json()


# -- the OpenAPI description ----------------------------------------------------------------

def test_openapi_is_served_without_login_and_valid(client):
    """GET /api/v1/openapi.json is public, is spec(), and is a valid OpenAPI 3.1 document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document == spec()
    assert document["openapi"].startswith("3.1")
    openapi_spec_validator.validate(document)


def test_openapi_lists_exactly_the_routes_of_the_api_blueprint(app):
    """Every route on the api blueprint is documented, and nothing else is."""
    documented = {(path, method) for path, method, _ in operations()}
    assert documented == set(api_routes(app))


def test_openapi_says_who_may_call_what_as_the_server_checks_it(app):
    """x-hall-allowed matches each route's `requires`; the public routes take no credentials."""
    routes = api_routes(app)
    for path, method, op in operations():
        view = app.view_functions[routes[(path, method)]]
        allowed = getattr(view, "hall_allowed", None)
        if allowed is None:
            assert op["security"] == [] and "x-hall-allowed" not in op, path
        else:
            assert {k: set(v) for k, v in op["x-hall-allowed"].items()} == {k: set(v) for k, v in allowed.items()}, path
            assert {"401", "403"} <= set(op["responses"]), path
        if "requestBody" in op:
            assert {"413", "422"} <= set(op["responses"]), path


def test_request_schemas_refuse_unknown_fields():
    """Every request body schema is closed, as the server refuses unknown fields."""
    schemas = spec()["components"]["schemas"]
    for _, _, op in operations():
        if "requestBody" in op:
            name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            assert schemas[name]["additionalProperties"] is False, name


def test_every_documented_success_answer_is_real(as_staff, kiosk, anonymous, ids, seen, client):
    """Walk the hall through every operation; each success status the description names is seen, and matches."""
    clerk, duty = as_staff("clerk01"), as_staff("duty1")
    w1, scj1, zh = ids["windows"]["1"], ids["services"]["SCJ-001"], ids["services"]["ZH-001"]
    kiosk.get("/services")
    kiosk.get("/windows")
    kiosk.get("/hall/snapshot")
    clerk.post(f"/windows/{w1}/open")
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 204
    first = kiosk.post("/tickets", {"service_id": scj1, "idempotency_key": "k-1"}).get_json()
    assert kiosk.post("/tickets", {"service_id": scj1, "idempotency_key": "k-1"}).status_code == 200
    kiosk.get(f"/tickets/{first['id']}")
    anonymous.get(f"/ticket-status/{first['status_url'].rsplit('/', 1)[1]}")
    clerk.get(f"/windows/{w1}/queue")
    clerk.post(f"/windows/{w1}/call-next")
    for _ in range(3):
        clerk.post(f"/windows/{w1}/recall")
    clerk.post(f"/windows/{w1}/no-show")
    duty.get("/tickets/no-show")
    duty.post(f"/tickets/{first['id']}/reinstate")
    clerk.post(f"/windows/{w1}/call-next")
    clerk.post(f"/windows/{w1}/start")
    clerk.post(f"/windows/{w1}/transfer", {"service_id": zh})
    clerk.post(f"/windows/{w1}/pause", {"reason": "临时离开"})
    clerk.post(f"/windows/{w1}/resume")
    kiosk.post("/tickets", {"service_id": scj1})
    clerk.post(f"/windows/{w1}/call-next")
    clerk.post(f"/windows/{w1}/finish")
    clerk.post(f"/windows/{w1}/close")
    kiosk.get("/calendar/working-days?from=2025-09-27&to=2025-10-12")
    kiosk.get("/calendar/deadline?received=2025-09-29&days=3")
    admin = as_staff("admin")
    admin.put("/calendar/years/2027", {"holidays": ["2027-01-01"], "makeup_workdays": []})
    admin.get("/figures/completion?month=2026-11&by=department")
    check_documented(client.get("/api/v1/openapi.json"), seen)
    check_documented(client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}), seen)
    documented = {(path, method, int(status)) for path, method, op in operations()
                  for status in op["responses"] if status.startswith("2") and not is_case_path(path)}
    assert documented - seen == set()


def is_case_path(path: str) -> bool:
    """Case operations are walked in tests/api/test_cases_api.py."""
    return path.startswith(("/api/v1/cases", "/api/v1/case-status"))


# -- issuing tickets --------------------------------------------------------------------------

def test_issue_ticket_contract(kiosk, ids):
    """201 with the public fields; numbers follow the prefix; people ahead counts the queue."""
    scj1 = ids["services"]["SCJ-001"]
    response = kiosk.post("/tickets", {"service_id": scj1})
    assert response.status_code == 201
    first = response.get_json()
    assert TICKET_FIELDS <= set(first)
    assert first["number"] == "A001" and first["service_id"] == scj1 and first["people_ahead"] == 0
    assert first["status"] == "waiting" and first["priority"] is False
    assert re.fullmatch(r"http://hall\.test/t/[\w-]{16,}", first["status_url"])
    second = kiosk.post("/tickets", {"service_id": scj1, "priority": False}).get_json()
    assert second["number"] == "A002" and second["people_ahead"] == 1
    assert kiosk.post("/tickets", {"service_id": ids["services"]["GAJ-001"]}).get_json()["number"] == "B001"
    assert kiosk.get(f"/tickets/{second['id']}").get_json()["people_ahead"] == 1


def test_same_idempotency_key_returns_the_same_ticket(kiosk, ids, hall_ctx):
    """A kiosk retrying after a lost answer gets its ticket again (200), and nothing new is made."""
    scj1 = ids["services"]["SCJ-001"]
    created = kiosk.post("/tickets", {"service_id": scj1, "idempotency_key": "kiosk-1:4711"})
    assert created.status_code == 201
    before = counts(hall_ctx)
    again = kiosk.post("/tickets", {"service_id": scj1, "idempotency_key": "kiosk-1:4711"})
    assert again.status_code == 200
    assert again.get_json()["id"] == created.get_json()["id"]
    assert again.get_json()["number"] == created.get_json()["number"]
    assert counts(hall_ctx) == before
    other = kiosk.post("/tickets", {"service_id": scj1, "idempotency_key": "kiosk-1:4712"})
    assert other.status_code == 201 and other.get_json()["number"] == "A002"


def test_priority_tickets_are_called_first(kiosk, as_staff, ids):
    """A priority ticket issued later is called before the older ordinary one."""
    clerk, w1, scj1 = as_staff("clerk01"), ids["windows"]["1"], ids["services"]["SCJ-001"]
    kiosk.post("/tickets", {"service_id": scj1})
    urgent = kiosk.post("/tickets", {"service_id": scj1, "priority": True}).get_json()
    clerk.post(f"/windows/{w1}/open")
    called = clerk.post(f"/windows/{w1}/call-next").get_json()["ticket"]
    assert called["id"] == urgent["id"] and called["priority"] is True


# -- at the window ------------------------------------------------------------------------------

def test_window_flow_over_http(kiosk, as_staff, ids, hall_ctx):
    """Open, call (204 when empty), recall up to the cap, no-show, start, finish, pause, resume, close."""
    clerk, w1, scj1 = as_staff("clerk01"), ids["windows"]["1"], ids["services"]["SCJ-001"]
    opened = clerk.post(f"/windows/{w1}/open").get_json()["window"]
    assert opened["state"] == "open" and opened["clerk"]["badge"] == "SC-001"

    before = counts(hall_ctx)
    nobody = clerk.post(f"/windows/{w1}/call-next")
    assert nobody.status_code == 204 and nobody.data == b""
    assert counts(hall_ctx) == before

    a1 = kiosk.post("/tickets", {"service_id": scj1}).get_json()
    a2 = kiosk.post("/tickets", {"service_id": scj1}).get_json()
    called = clerk.post(f"/windows/{w1}/call-next")
    assert called.status_code == 200
    ticket = called.get_json()["ticket"]
    assert (ticket["id"], ticket["status"], ticket["window_id"]) == (a1["id"], "called", w1)
    assert kiosk.get(f"/tickets/{a2['id']}").get_json()["people_ahead"] == 0
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 409  # A001 is still called

    for n in (1, 2, 3):
        assert clerk.post(f"/windows/{w1}/recall").get_json()["ticket"]["recalls"] == n
    capped = clerk.post(f"/windows/{w1}/recall")
    assert capped.status_code == 409 and capped.get_json()["error"]["code"] == "conflict"
    assert clerk.post(f"/windows/{w1}/no-show").get_json()["ticket"]["status"] == "no_show"

    assert clerk.post(f"/windows/{w1}/call-next").get_json()["ticket"]["id"] == a2["id"]
    assert clerk.post(f"/windows/{w1}/start").get_json()["ticket"]["status"] == "serving"
    assert clerk.post(f"/windows/{w1}/finish").get_json()["ticket"]["status"] == "finished"
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 204

    paused = clerk.post(f"/windows/{w1}/pause", {"reason": "业务咨询"}).get_json()["window"]
    assert (paused["state"], paused["pause_reason"]) == ("paused", "业务咨询")
    kiosk.post("/tickets", {"service_id": scj1})
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 409  # paused windows do not call
    assert clerk.post(f"/windows/{w1}/resume").get_json()["window"]["state"] == "open"
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 200
    assert clerk.post(f"/windows/{w1}/close").status_code == 409  # a ticket is still called
    clerk.post(f"/windows/{w1}/start")
    clerk.post(f"/windows/{w1}/finish")
    closed = clerk.post(f"/windows/{w1}/close").get_json()["window"]
    assert (closed["state"], closed["clerk"]) == ("closed", None)

    calls = kiosk.get("/hall/snapshot").get_json()["latest_calls"]
    assert [c["number"] for c in calls][:1] == ["A003"]
    assert calls[0]["text"] == "请A003号到1号窗口办理"


def test_transfer_keeps_the_place_and_reaches_the_other_window(kiosk, as_staff, ids):
    """A ticket transferred to another service is called there before tickets issued after it."""
    clerk1, clerk3 = as_staff("clerk01"), as_staff("clerk03")
    w1, w3 = ids["windows"]["1"], ids["windows"]["3"]
    scj1, zh = ids["services"]["SCJ-001"], ids["services"]["ZH-001"]
    clerk1.post(f"/windows/{w1}/open")
    clerk3.post(f"/windows/{w3}/open")
    moved = kiosk.post("/tickets", {"service_id": scj1}).get_json()
    kiosk.post("/tickets", {"service_id": zh})
    clerk1.post(f"/windows/{w1}/call-next")
    sent = clerk1.post(f"/windows/{w1}/transfer", {"service_id": zh}).get_json()["ticket"]
    assert (sent["status"], sent["service_id"], sent["window_id"]) == ("waiting", zh, None)
    assert clerk3.post(f"/windows/{w3}/call-next").get_json()["ticket"]["id"] == moved["id"]
    clerk3.post(f"/windows/{w3}/start")
    back = clerk3.post(f"/windows/{w3}/transfer", {"window_id": w1}).get_json()["ticket"]
    assert back["status"] == "waiting"
    assert clerk1.get(f"/windows/{w1}/queue").get_json()["next"][0]["transferred_here"] is True


def test_no_show_is_reinstated_at_the_desk(kiosk, as_staff, ids):
    """The duty officer lists no-shows and puts one back; a clerk may not."""
    clerk, duty, w1 = as_staff("clerk01"), as_staff("duty1"), ids["windows"]["1"]
    ticket = kiosk.post("/tickets", {"service_id": ids["services"]["SCJ-001"]}).get_json()
    clerk.post(f"/windows/{w1}/open")
    clerk.post(f"/windows/{w1}/call-next")
    for _ in range(3):
        clerk.post(f"/windows/{w1}/recall")
    clerk.post(f"/windows/{w1}/no-show")
    assert [t["ticket_id"] for t in duty.get("/tickets/no-show").get_json()] == [ticket["id"]]
    assert clerk.post(f"/tickets/{ticket['id']}/reinstate").status_code == 403
    back = duty.post(f"/tickets/{ticket['id']}/reinstate").get_json()["ticket"]
    assert back["status"] == "waiting"
    again = duty.post(f"/tickets/{ticket['id']}/reinstate")
    assert again.status_code == 409


# -- bad input: a JSON error, and nothing changes ------------------------------------------------

@pytest.fixture
def busy_window(kiosk, as_staff, ids):
    """Window 1 open with clerk01, A001 called there, A002 waiting."""
    clerk, w1, scj1 = as_staff("clerk01"), ids["windows"]["1"], ids["services"]["SCJ-001"]
    clerk.post(f"/windows/{w1}/open")
    kiosk.post("/tickets", {"service_id": scj1})
    kiosk.post("/tickets", {"service_id": scj1})
    assert clerk.post(f"/windows/{w1}/call-next").status_code == 200
    return {"clerk": clerk, "kiosk": kiosk, "w1": w1, "w2": ids["windows"]["2"], "scj1": scj1}


BAD_REQUESTS = [
    # (who, path, body or raw (data, content type), status, code)
    ("kiosk", "/tickets", {"service_id": 999}, 404, "not_found"),
    ("kiosk", "/tickets", {"service_id": BIG_ID}, 404, "not_found"),
    ("kiosk", "/tickets", {"service_id": "1"}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": True}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1.0}, 422, "validation_error"),
    ("kiosk", "/tickets", {}, 422, "validation_error"),
    ("kiosk", "/tickets", {"priority": True}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1, "priority": "yes"}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1, "idempotency_key": ""}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1, "idempotency_key": "k" * 129}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1, "print": "no"}, 422, "validation_error"),
    ("kiosk", "/tickets", {"service_id": 1, "name": "张三"}, 422, "validation_error"),
    ("kiosk", "/tickets", ("service_id=1", "application/x-www-form-urlencoded"), 422, "validation_error"),
    ("kiosk", "/tickets", ("not json", "text/plain"), 422, "validation_error"),
    ("kiosk", "/tickets", ('{"service_id": 1', "application/json"), 422, "validation_error"),
    ("kiosk", "/tickets", ("[1]", "application/json"), 422, "validation_error"),
    ("kiosk", "/tickets", ('{"service_id": 1, "pad": "' + "x" * 70_000 + '"}', "application/json"), 413,
     "too_large"),
    ("clerk", "/windows/999/call-next", {}, 404, "not_found"),
    ("clerk", f"/windows/{BIG_ID}/call-next", {}, 404, "not_found"),
    ("clerk", "/windows/{w1}/call-next", {"window_id": 1}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/call-next", ("next", "text/plain"), 422, "validation_error"),
    ("clerk", "/windows/{w1}/call-next", ("{}" + " " * 70_000, "application/json"), 413, "too_large"),
    ("clerk", "/windows/{w1}/call-next", {}, 409, "conflict"),
    ("admin", "/windows/{w2}/finish", {}, 409, "conflict"),
    ("admin", "/windows/{w2}/start", {}, 409, "conflict"),
    ("admin", "/windows/{w2}/call-next", {}, 409, "conflict"),
    ("clerk", "/windows/{w1}/resume", {}, 409, "conflict"),
    ("clerk", "/windows/{w1}/open", {"clerk_id": 2}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/close", {}, 409, "conflict"),
    ("clerk", "/windows/{w1}/pause", {}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/pause", {"reason": 5}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/pause", {"reason": "  "}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/pause", {"reason": "x" * 201}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/pause", {"reason": "午休", "until": "13:00"}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/transfer", {}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/transfer", {"service_id": "3"}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/transfer", {"service_id": 999}, 404, "not_found"),
    ("clerk", "/windows/{w1}/transfer", {"service_id": BIG_ID}, 404, "not_found"),
    ("clerk", "/windows/{w1}/transfer", {"window_id": 999}, 404, "not_found"),
    ("clerk", "/windows/{w1}/transfer", {"window_id": BIG_ID}, 404, "not_found"),
    ("clerk", "/windows/{w1}/transfer", {"window_id": "{w1}"}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/transfer", {"service_id": 4, "window_id": "{w2}"}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/transfer", {"service_id": 3, "window": 3}, 422, "validation_error"),
    ("clerk", "/windows/{w1}/start", {"at": "now"}, 422, "validation_error"),
    ("clerk", "/tickets/999/reinstate", {}, 403, "forbidden"),
    ("admin", "/tickets/999/reinstate", {}, 404, "not_found"),
    ("admin", "/tickets/1/reinstate", {}, 409, "conflict"),
    ("admin", "/tickets/1/reinstate", ("x", "text/plain"), 422, "validation_error"),
]


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("who, path, payload, status, code", BAD_REQUESTS,
                         ids=[f"{p}-{s}-{i}" for i, (_, p, _, s, _) in enumerate(BAD_REQUESTS)])
def test_bad_input_gets_a_json_error_and_changes_nothing(busy_window, as_staff, hall_ctx, who, path, payload,
                                                         status, code):
    """Unknown ids 404, wrong/missing/unknown fields and non-JSON 422, oversize 413, wrong state 409."""
    api = {"kiosk": busy_window["kiosk"], "clerk": busy_window["clerk"]}.get(who) or as_staff(who)
    ids = {"w1": busy_window["w1"], "w2": busy_window["w2"]}
    observer = as_staff("admin")
    before, state = counts(hall_ctx), live_state(hall_ctx, observer)
    if isinstance(payload, tuple):
        response = api.post(_fill(path, ids), data=payload[0], content_type=payload[1])
    else:
        response = api.post(_fill(path, ids), _fill(payload, ids))
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert counts(hall_ctx) == before
    assert live_state(hall_ctx, observer) == state


@pytest.mark.parametrize("path, status", [("/tickets/999", 404), (f"/tickets/{BIG_ID}", 404),
                                          ("/windows/999/queue", 404), (f"/windows/{BIG_ID}/queue", 404),
                                          ("/ticket-status/no-such-token", 404)])
def test_unknown_ids_on_reads_are_404(as_staff, path, status):
    """Reads of ids that name nothing are a JSON 404, never a server error."""
    response = as_staff("admin").get(path)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == "not_found"


def test_bad_token_requests_are_refused(client, hall_ctx):
    """POST /auth/token: missing fields 422, wrong password or unknown user 401; no token is made."""
    before = counts(hall_ctx)
    for payload, status in (({}, 422), ({"username": "clerk01"}, 422),
                            ({"username": "clerk01", "password": "wrong-password"}, 401),
                            ({"username": "nobody", "password": PASSWORD}, 401),
                            ({"username": "clerk01", "password": 12345678}, 401),
                            ({"username": "clerk01", "password": PASSWORD, "otp": "1"}, 422)):
        response = check_documented(client.post("/api/v1/auth/token", json=payload))
        assert response.status_code == status, payload
    assert counts(hall_ctx) == before
    good = check_documented(client.post("/api/v1/auth/token", json={"username": "clerk01", "password": PASSWORD}))
    assert good.get_json()["role"] == "clerk"


# -- who may do what ---------------------------------------------------------------------------------

def _concrete(path: str, ids) -> str:
    return (path.replace("{window_id}", str(ids["windows"]["1"])).replace("{ticket_id}", "1")
            .replace("{case_id}", "1").replace("{kind}", "acceptance").replace("{year}", "2027"))


@pytest.mark.parametrize("path, method", [(p, m) for p, m, op in operations() if op["security"]])
def test_every_protected_operation_needs_credentials(client, ids, path, method, hall_ctx):
    """No token, or an unknown one: 401, and nothing changes."""
    url = _concrete(path, ids)
    before = counts(hall_ctx)
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = check_documented(client.open(url, method=method.upper(), headers=headers, json={}))
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert counts(hall_ctx) == before


def test_kiosk_scope(kiosk, device, ids, as_staff, hall_ctx):
    """A kiosk reads the catalogue, windows and snapshot and issues tickets; it may not work a window."""
    w1, scj1 = ids["windows"]["1"], ids["services"]["SCJ-001"]
    as_staff("clerk01").post(f"/windows/{w1}/open")
    assert kiosk.get("/services").status_code == 200
    assert kiosk.get("/windows").status_code == 200
    assert kiosk.get("/hall/snapshot").status_code == 200
    mine = kiosk.post("/tickets", {"service_id": scj1}).get_json()
    assert kiosk.get(f"/tickets/{mine['id']}").status_code == 200
    before = counts(hall_ctx)
    for path in ("/windows/{w}/call-next", "/windows/{w}/open", "/windows/{w}/pause", "/tickets/1/reinstate"):
        response = kiosk.post(path.format(w=w1), {"reason": "x"} if "pause" in path else {})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", path
    for path in (f"/windows/{w1}/queue", "/tickets/no-show"):
        assert kiosk.get(path).status_code == 403
    assert counts(hall_ctx) == before


def test_a_kiosk_reads_only_the_tickets_it_issued(device, ids):
    """Another kiosk's ticket is refused (the protocol lets a kiosk read the tickets it issued)."""
    kiosk1, kiosk2 = device("kiosk", "kiosk-1"), device("kiosk", "kiosk-2")
    ticket = kiosk1.post("/tickets", {"service_id": ids["services"]["SCJ-001"]}).get_json()
    assert kiosk1.get(f"/tickets/{ticket['id']}").status_code == 200
    refused = kiosk2.get(f"/tickets/{ticket['id']}")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_screen_and_agent_scope(device, ids, hall_ctx):
    """A screen reads the catalogue, windows and snapshot but cannot issue; an agent may use no REST route."""
    screen, agent = device("screen"), device("agent")
    for path in ("/services", "/windows", "/hall/snapshot"):
        assert screen.get(path).status_code == 200
        assert agent.get(path).status_code == 403
    before = counts(hall_ctx)
    for api in (screen, agent):
        response = api.post("/tickets", {"service_id": ids["services"]["SCJ-001"]})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert counts(hall_ctx) == before


def test_a_clerk_cannot_work_a_window_held_by_another(busy_window, as_staff, hall_ctx):
    """clerk02 on clerk01's window: 403 for every action, 409 for taking it; an admin may act on it."""
    other, duty, w1 = as_staff("clerk02"), as_staff("duty1"), busy_window["w1"]
    before = counts(hall_ctx)
    for action, payload in (("call-next", {}), ("recall", {}), ("no-show", {}), ("start", {}), ("finish", {}),
                            ("transfer", {"service_id": busy_window["scj1"]}), ("pause", {"reason": "x"}),
                            ("resume", {}), ("close", {})):
        response = other.post(f"/windows/{w1}/{action}", payload)
        assert response.status_code == 403, action
        assert response.get_json()["error"]["code"] == "forbidden"
    assert other.post(f"/windows/{w1}/open").status_code == 409
    assert duty.post(f"/windows/{w1}/start").status_code == 403
    assert counts(hall_ctx) == before
    assert as_staff("admin").post(f"/windows/{w1}/start").get_json()["ticket"]["status"] == "serving"


def test_cookie_session_writes_must_be_json(client, ids, hall_ctx):
    """A logged-in staff page may call the API with its cookie, but a write that is not JSON is 403."""
    assert client.post("/login", data={"username": "clerk01", "password": "wrong-password"}).status_code == 401
    assert check_documented(client.get("/api/v1/windows")).status_code == 401
    login = client.post("/login", data={"username": "clerk01", "password": PASSWORD})
    assert login.status_code == 302
    assert check_documented(client.get("/api/v1/windows")).status_code == 200
    w1 = ids["windows"]["1"]
    before = counts(hall_ctx)
    for data, content_type in (("{}", "text/plain"), ("", "application/x-www-form-urlencoded"),
                               ("{}", "multipart/form-data; boundary=x")):
        refused = check_documented(client.post(f"/api/v1/windows/{w1}/open", data=data, content_type=content_type))
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    form_ticket = check_documented(client.post("/api/v1/tickets", data={"service_id": "1"}))
    assert form_ticket.status_code == 403
    assert counts(hall_ctx) == before
    opened = check_documented(client.post(f"/api/v1/windows/{w1}/open", json={}))
    assert opened.status_code == 200 and opened.get_json()["window"]["clerk"]["badge"] == "SC-001"


def test_a_bearer_token_wins_over_the_cookie(client):
    """A logged-in browser sending a bad bearer token is refused: the token decides."""
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    response = check_documented(client.get("/api/v1/windows", headers={"Authorization": "Bearer nope"}))
    assert response.status_code == 401


# -- the mobile ticket page ---------------------------------------------------------------------------

PERSONAL = re.compile(r"name$|phone|mobile|id_?card|id_number|citizen|applicant|user|email|address|clerk|badge")


def test_ticket_status_needs_no_login_and_holds_no_personal_data(app, kiosk, as_staff, ids):
    """The QR page's data is found by the secret token alone and tells position and window, nothing personal."""
    scj1, w1 = ids["services"]["SCJ-001"], ids["windows"]["1"]
    kiosk.post("/tickets", {"service_id": scj1})
    ticket = kiosk.post("/tickets", {"service_id": scj1}).get_json()
    token = ticket["status_url"].rsplit("/", 1)[1]
    phone = Api(app.test_client(), None)
    status = phone.get(f"/ticket-status/{token}")
    assert status.status_code == 200
    data = status.get_json()
    assert (data["number"], data["status"], data["people_ahead"], data["window"]) == ("A002", "waiting", 1, None)
    assert not [key for key in data if PERSONAL.search(key) and key not in ("service_name", "service_name_en")]
    clerk = as_staff("clerk01")
    clerk.post(f"/windows/{w1}/open")
    clerk.post(f"/windows/{w1}/call-next")
    clerk.post(f"/windows/{w1}/start")
    clerk.post(f"/windows/{w1}/call-next")
    called = phone.get(f"/ticket-status/{token}").get_json()
    assert (called["status"], called["window"], called["people_ahead"]) == ("called", "1", 0)
    assert phone.get("/ticket-status/" + "A" * 22).status_code == 404
