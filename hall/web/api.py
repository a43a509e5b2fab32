"""The public REST API, /api/v1: catalogue, tickets, windows, the hall snapshot, tokens, calendar, figures."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hall.services import access, calendar, figures, hall_state, queue, windows
from hall.services.actors import DESK_ROLES, STAFF_ROLES
from hall.services.errors import Invalid, ServiceError
from hall.web.auth import Unauthorized, requires
from hall.web.extensions import hall
from hall.web.refusals import refusal_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Ids in paths are capped at the largest PostgreSQL integer: a larger one names nothing (404).

ALL_STAFF = STAFF_ROLES
WINDOW_STAFF = ("clerk", "window_lead", "supervisor", "director", "admin")
DESK_STAFF = tuple(role for role in STAFF_ROLES if role in DESK_ROLES)
FIGURE_STAFF = ("supervisor", "director", "admin")
ADMIN = ("admin",)
DEVICES = ("kiosk", "screen", "agent")


def body(*, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict:
    """The request's JSON object; refuse anything else, missing required fields and unknown fields."""
    data = request.get_json(silent=True) if request.content_length or request.data else {}
    if data is None or not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    missing = [name for name in required if name not in data]
    if missing:
        raise Invalid("missing field(s): %(missing)s", missing=", ".join(missing))
    unknown = set(data) - set(required) - set(optional)
    if unknown:
        raise Invalid("unknown field(s): %(unknown)s", unknown=", ".join(sorted(unknown)))
    return data


bp.register_error_handler(ServiceError, refusal_response)


@bp.get("/services")
@requires(roles=ALL_STAFF, devices=("kiosk", "screen"))
def services(actor):
    """The catalogue with each item's public facts, waiting count and estimated wait."""
    return jsonify(hall_state.list_services(hall()))


@bp.post("/tickets")
@requires(roles=ALL_STAFF, devices=("kiosk",))
def issue(actor):
    """Issue a ticket; the same idempotency key returns the same ticket."""
    data = body(required=("service_id",), optional=("priority", "idempotency_key", "print"))
    print_ticket = data.get("print")
    if print_ticket is not None and not isinstance(print_ticket, bool):
        raise Invalid("print must be true or false")
    issued = queue.issue_ticket(hall(), actor, data["service_id"], priority=data.get("priority", False),
                                idempotency_key=data.get("idempotency_key"), print_ticket=print_ticket)
    return jsonify(issued.ticket), 201 if issued.created else 200


@bp.get("/tickets/<int(max=2147483647):ticket_id>")
@requires(roles=ALL_STAFF, devices=("kiosk",))
def ticket(actor, ticket_id: int):
    """One ticket with its live position; a kiosk reads only the tickets it issued."""
    return jsonify(queue.get_ticket(hall(), ticket_id, issued_by=actor.id if actor.kind == "device" else None))


@bp.get("/tickets/no-show")
@requires(roles=ALL_STAFF)
def no_shows(actor):
    """No-show tickets that may still be reinstated at the service desk."""
    return jsonify(queue.recent_no_shows(hall()))


@bp.post("/tickets/<int(max=2147483647):ticket_id>/reinstate")
@requires(roles=DESK_STAFF)
def reinstate(actor, ticket_id: int):
    """Put a no-show ticket back in the queue (service desk)."""
    body()
    return jsonify({"ticket": queue.reinstate(hall(), actor, ticket_id)})


@bp.get("/windows")
@requires(roles=ALL_STAFF, devices=("screen", "kiosk"))
def list_windows(actor):
    """Every window: number, department, services, state, clerk."""
    return jsonify(windows.list_windows(hall()))


@bp.get("/windows/<int(max=2147483647):window_id>/queue")
@requires(roles=ALL_STAFF)
def window_queue(actor, window_id: int):
    """The tickets waiting for this window, in calling order."""
    return jsonify(queue.window_queue(hall(), window_id))


def _window_action(fn):
    def view(actor, window_id: int):
        body()
        return jsonify({"window": fn(hall(), actor, window_id)})
    return view


bp.add_url_rule("/windows/<int(max=2147483647):window_id>/open", "open_window",
                requires(roles=WINDOW_STAFF)(_window_action(windows.open_window)), methods=["POST"])
bp.add_url_rule("/windows/<int(max=2147483647):window_id>/close", "close_window",
                requires(roles=WINDOW_STAFF)(_window_action(windows.close_window)), methods=["POST"])
bp.add_url_rule("/windows/<int(max=2147483647):window_id>/resume", "resume_window",
                requires(roles=WINDOW_STAFF)(_window_action(windows.resume_window)), methods=["POST"])


@bp.post("/windows/<int(max=2147483647):window_id>/pause")
@requires(roles=WINDOW_STAFF)
def pause(actor, window_id: int):
    """Pause the window with a reason."""
    data = body(required=("reason",))
    return jsonify({"window": windows.pause_window(hall(), actor, window_id, data["reason"])})


@bp.post("/windows/<int(max=2147483647):window_id>/call-next")
@requires(roles=WINDOW_STAFF)
def call_next(actor, window_id: int):
    """Call the next ticket: 200 with it, or 204 when nobody waits."""
    body()
    ticket = queue.call_next(hall(), actor, window_id)
    if ticket is None:
        return "", 204
    return jsonify({"ticket": ticket})


def _ticket_action(fn):
    def view(actor, window_id: int):
        body()
        return jsonify({"ticket": fn(hall(), actor, window_id)})
    return view


for _name, _fn in (("recall", queue.recall), ("no-show", queue.no_show), ("start", queue.start),
                   ("finish", queue.finish)):
    bp.add_url_rule(f"/windows/<int(max=2147483647):window_id>/{_name}", _name.replace("-", "_"),
                    requires(roles=WINDOW_STAFF)(_ticket_action(_fn)), methods=["POST"])


@bp.post("/windows/<int(max=2147483647):window_id>/transfer")
@requires(roles=WINDOW_STAFF)
def transfer(actor, window_id: int):
    """Send the current ticket to another service or window; it keeps its place by issue time."""
    data = body(optional=("service_id", "window_id"))
    return jsonify({"ticket": queue.transfer(hall(), actor, window_id, service_id=data.get("service_id"),
                                             to_window_id=data.get("window_id"))})


@bp.get("/hall/snapshot")
@requires(roles=ALL_STAFF, devices=("screen", "kiosk"))
def snapshot(actor):
    """The whole live state with the event sequence it is current to."""
    return jsonify(hall_state.snapshot(hall()))


@bp.post("/auth/token")
def token():
    """Exchange a staff username and password for an API token."""
    data = body(required=("username", "password"))
    staff = access.authenticate(hall(), data["username"], data["password"])
    if staff is None:
        raise Unauthorized("wrong username or password")
    return jsonify({"token": access.issue_staff_token(hall(), staff), "role": staff.role})


def _query(name: str) -> str:
    """A required query parameter, or a clear 422."""
    value = request.args.get(name)
    if value is None or value == "":
        raise Invalid("missing query parameter %(name)s", name=name)
    return value


@bp.get("/calendar/working-days")
@requires(roles=ALL_STAFF, devices=DEVICES)
def working_days(actor):
    """The working days from `from` to `to` (both included), with their count and the provisional flag."""
    first = calendar.parse_day(_query("from"), "from")
    last = calendar.parse_day(_query("to"), "to")
    return jsonify(calendar.working_days(hall(), first, last))


@bp.get("/calendar/deadline")
@requires(roles=ALL_STAFF, devices=DEVICES)
def deadline(actor):
    """The deadline `days` working days after `received` (the day of receipt does not count)."""
    received = calendar.parse_day(_query("received"), "received")
    days = _query("days")
    if not days.isdigit():
        raise Invalid("days must be a whole number of working days, not %(days)s", days=repr(days))
    return jsonify(calendar.deadline(hall(), received, int(days)))


@bp.put("/calendar/years/<int(min=1, max=9999):year>")
@requires(roles=ADMIN)
def load_year(actor, year: int):
    """Load (or replace) a year's official holidays and make-up working days; open cases are recomputed."""
    data = body(required=("holidays", "makeup_workdays"))
    return jsonify(calendar.load_year(hall(), actor, year, data["holidays"], data["makeup_workdays"]))


@bp.get("/figures/completion")
@requires(roles=FIGURE_STAFF)
def completion(actor):
    """办结率 for a month per window or department."""
    month = figures.parse_month(_query("month"))
    return jsonify(figures.completion(hall(), month, request.args.get("by", "window")))


@bp.get("/openapi.json")
def openapi():
    """The API described in OpenAPI 3.1."""
    from hall.web.openapi import spec

    return jsonify(spec())


@bp.get("/ticket-status/<token>")
def ticket_status(token: str):
    """The mobile ticket page's data: no login, no personal data, found by the ticket's secret token."""
    return jsonify(queue.public_ticket(hall(), token))
