"""The /api/v1 contract in OpenAPI 3.1, built from small schema helpers (served at /api/v1/openapi.json)."""

from __future__ import annotations

from hall.domain.queue import TicketStatus, WindowState
from hall.services.actors import STAFF_ROLES, WINDOW_OVERSEERS
from hall.services.calendar import MAX_DEADLINE_DAYS, MAX_RANGE_DAYS
from hall.services.queue import MAX_ID
from hall.services.windows import MAX_REASON
from hall.web.api import ADMIN, ALL_STAFF, DESK_STAFF, DEVICES, FIGURE_STAFF, WINDOW_STAFF

#: Every error code the API answers with, in `{"error": {"code", "message"}}`.
ERROR_CODES = ("bad_request", "validation_error", "unauthorized", "forbidden", "not_found", "method_not_allowed",
               "conflict", "too_large", "internal")
ERROR_TEXT = {
    400: "The request is malformed.",
    401: "No valid credentials: log in or send `Authorization: Bearer <token>`.",
    403: "The caller may not do this (role, device kind, a window held by someone else, or a staff page's "
         "cookie-authenticated write without `Content-Type: application/json`).",
    404: "No such id (or URL).",
    409: "The request does not fit the current state (e.g. finishing a ticket never called).",
    413: "The body is larger than the server accepts (64 KiB by default).",
    422: "The body is not a JSON object, a field is missing, has the wrong type or value, or is unknown.",
}


# -- schema helpers ----------------------------------------------------------------------

def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def integer(description: str = "", **extra) -> dict:
    """An integer."""
    return _described({"type": "integer", **extra}, description)


def string(description: str = "", **extra) -> dict:
    """A string."""
    return _described({"type": "string", **extra}, description)


def boolean(description: str = "") -> dict:
    """true or false."""
    return _described({"type": "boolean"}, description)


def timestamp(description: str = "") -> dict:
    """An ISO 8601 moment with its offset."""
    return string(description, format="date-time")


def array(items: dict, description: str = "") -> dict:
    """A list of items."""
    return _described({"type": "array", "items": items}, description)


def an_id(description: str = "") -> dict:
    """A database id."""
    return integer(description, minimum=1, maximum=MAX_ID)


def obj(properties: dict, *, required: tuple[str, ...] | None = None, description: str = "") -> dict:
    """A JSON object that has exactly these fields (all of them unless `required` says otherwise)."""
    schema = {"type": "object", "properties": properties,
              "required": list(properties if required is None else required), "additionalProperties": False}
    return _described(schema, description)


def _described(schema: dict, description: str) -> dict:
    return {**schema, "description": description} if description else schema


# -- the schemas ---------------------------------------------------------------------------

def _schemas() -> dict:
    ticket_status = string("waiting → called → serving → finished, or no_show / abandoned.",
                           enum=[s.value for s in TicketStatus])
    return {
        "Error": obj({"error": obj({"code": string(enum=list(ERROR_CODES)), "message": string("Why, for people.")})},
                     description="Every 4xx/5xx answer of /api/v1."),
        "Ticket": obj({
            "id": an_id(), "number": string("The number called and printed, e.g. A012.", examples=["A012"]),
            "service_id": an_id(), "priority": boolean("Priority ticket (elderly, disabled, soldiers, late pregnancy)."),
            "status": ticket_status,
            "people_ahead": nullable(integer("Tickets called before this one; 0 once called; null when done.",
                                             minimum=0)),
            "estimated_wait_s": nullable(integer("Seconds; null when it cannot be justified (show —).", minimum=0)),
            "status_url": string("The mobile ticket page (the QR code's target).", format="uri"),
            "issued_at": timestamp(), "called_at": nullable(timestamp()),
            "window_id": nullable(an_id("The window that called it.")),
            "recalls": integer("How many times it was called again.", minimum=0),
        }, description="A ticket; tickets carry no personal data."),
        "TicketEnvelope": obj({"ticket": ref("Ticket")}),
        "PublicTicket": obj({
            "number": string(), "status": ticket_status, "service_id": an_id(), "service_name": string(),
            "service_name_en": string(),
            "people_ahead": nullable(integer(minimum=0)), "estimated_wait_s": nullable(integer(minimum=0)),
            "window": nullable(string("The number of the window that called it.")), "issued_at": timestamp(),
        }, description="What the mobile ticket page shows: no login, no personal data."),
        "NoShow": obj({"ticket_id": an_id(), "number": string(), "service_id": an_id(), "service_name": string(),
                       "no_show_at": timestamp()}),
        "Service": obj({
            "id": an_id(), "code": string(), "name": string(), "name_en": string(),
            "department_id": an_id(), "department": string(), "department_en": string(),
            "theme": string("The theme group on the kiosk (empty: grouped by department)."),
            "prefix": string("Ticket prefix.", pattern="^[A-Z]$"),
            "item_class": string("licence | non_licence | public_service …"),
            "case_type": string("immediate | promised | joint | report_up …"),
            "promised_days": integer("Promised time limit in working days (0: same day).", minimum=0),
            "statutory_days": integer("The law's time limit in working days.", minimum=0),
            "legal_basis": string(), "content": string(), "procedure": string(),
            "materials": array(string(), "Required materials."), "workflow": array(string(), "The steps."),
            "fee": string("Fee standard."), "consult_phone": string(),
            "waiting": integer("Tickets waiting now.", minimum=0),
            "estimated_wait_s": nullable(integer("For someone taking a ticket now; null: show —.", minimum=0)),
        }, description="A service item with the seven public facts (七公开: legal basis, content, procedure, "
                       "materials, workflow, promised limit, fee) and its live queue."),
        "Clerk": obj({"id": an_id(), "name": string(), "badge": string(), "title": string(),
                      "photo_url": string("Path of the badge photo.")},
                     description="The clerk as window screens show them (badges are public)."),
        "WindowCurrent": obj({"ticket_id": an_id(), "number": string(), "service_id": an_id(),
                              "status": string(enum=["called", "serving"]), "called_at": nullable(timestamp()),
                              "recalls": integer(minimum=0)}),
        "Window": obj({
            "id": an_id(), "number": string(), "department": string(), "department_en": string(),
            "department_id": an_id(), "kind": string("department | comprehensive"),
            "service_ids": array(an_id()), "state": string(enum=[s.value for s in WindowState]),
            "pause_reason": nullable(string()), "clerk": nullable(ref("Clerk")), "current": nullable(ref("WindowCurrent")),
        }),
        "WindowEnvelope": obj({"window": ref("Window")}),
        "WindowQueue": obj({
            "window_id": an_id(), "waiting": _waiting_map(),
            "next": array(obj({"ticket_id": an_id(), "number": string(), "service_id": an_id(),
                               "priority": boolean(), "issued_at": timestamp(),
                               "transferred_here": boolean("Sent to this window by a transfer.")}),
                          "In the order call-next takes them."),
        }),
        "Department": obj({"id": an_id(), "code": string(), "name": string(), "name_en": string(),
                           "theme": string(), "windows": integer(minimum=0)}),
        "LatestCall": obj({"ticket_id": an_id(), "number": string(), "window": string(), "window_id": an_id(),
                           "service_id": an_id(), "recall": integer(minimum=0),
                           "text": nullable(string("What is spoken, e.g. 请A012号到5号窗口办理.")),
                           "text_en": nullable(string()), "at": timestamp(), "seq": integer(minimum=1)}),
        "Snapshot": obj({
            "seq": integer("The event sequence number this state is current to.", minimum=0),
            "now": timestamp("The hall's time."),
            "hall": obj({"name": string(), "name_en": string(), "timezone": string(),
                         "opening_time": string(pattern="^\\d\\d:\\d\\d$"),
                         "closing_time": string(pattern="^\\d\\d:\\d\\d$"), "recall_limit": integer(minimum=0)}),
            "departments": array(ref("Department")), "services": array(ref("Service")),
            "windows": array(ref("Window")), "latest_calls": array(ref("LatestCall"), "Newest first."),
        }),
        "Token": obj({"token": string(), "role": string(enum=list(STAFF_ROLES))}),
        "IssueTicket": obj({
            "service_id": an_id(),
            "priority": boolean("Priority ticket; default false."),
            "idempotency_key": string("The same key returns the same ticket (200 instead of 201).",
                                      minLength=1, maxLength=128),
            "print": boolean("false: do not print even at a kiosk with a printer; default: print there."),
        }, required=("service_id",)),
        "Pause": obj({"reason": string("Shown on screens, e.g. 临时离开.", minLength=1, maxLength=MAX_REASON)}),
        "Transfer": {**obj({"service_id": an_id("The service to queue for."),
                            "window_id": an_id("The window to queue for (it must serve service_id if both).")},
                           required=()),
                     "minProperties": 1},
        "Credentials": obj({"username": string(), "password": string()}),
        "WorkingDays": obj({
            "from": day(), "to": day(), "count": integer("How many working days.", minimum=0),
            "days": array(day(), "The working days (weekends and holidays off, make-up working days on)."),
            "provisional": boolean("The range touches a year with no official arrangement loaded: computed "
                                   "on weekends alone."),
            "missing_years": array(integer(), "The years with no arrangement loaded."),
        }),
        "CalendarDeadline": obj({
            "received": day(), "days": integer(minimum=0, maximum=MAX_DEADLINE_DAYS),
            "deadline": day("The days-th working day after received (the day of receipt does not count)."),
            "provisional": boolean("It relies on a year with no arrangement loaded: computed on weekends "
                                   "alone, and the admin is asked to load that year."),
            "missing_years": array(integer()),
        }),
        "CalendarYear": obj({
            "holidays": array(day(), "Days off (放假), every one inside the year."),
            "makeup_workdays": array(day(), "Make-up working days (调休上班), each on a Saturday or Sunday."),
        }, description="A year's official arrangement as the State Council publishes it."),
        "CalendarYearLoaded": obj({
            "year": integer(), "holidays": array(day()), "makeup_workdays": array(day()),
            "source": string("admin: loaded through the API."), "loaded_at": timestamp(),
            "recomputed": integer("Open cases whose dates touch the year, recomputed.", minimum=0),
            "changed": integer("Of them, cases whose deadline or signal changed.", minimum=0),
            "warnings": integer("case.warning events raised (signals that changed).", minimum=0),
        }),
        "CompletionRate": completion_figures(),
        "CompletionGroup": completion_figures({
            "id": nullable(an_id("The window or department id; null for cases opened at no window.")),
            "name": string("The window number or the department name.")}),
        "CompletionFigures": obj({
            "month": string(pattern="^\\d{4}-\\d{2}$"), "by": string(enum=["window", "department"]),
            "as_of": day("The hall's date the figures were computed on."),
            "groups": array(ref("CompletionGroup")), "total": ref("CompletionRate"),
        }, description="办结率 as seed 001 counts it: immediate cases finished, time-limited cases finished on "
                       "time. A case counts in the month it was closed, or, open and past its deadline, in the "
                       "month of that deadline."),
        "Empty": obj({}, description="No fields: send `{}` or no body."),
    }


def day(description: str = "") -> dict:
    """A date written YYYY-MM-DD."""
    return string(description, format="date")


def completion_figures(extra: dict | None = None) -> dict:
    """The counts and rates of one group of cases (rates as text rounded down, e.g. "99.9%"; "—": none)."""
    rate = string(pattern="^(\\d{1,3}\\.\\d%|—)$")
    return obj({
        **(extra or {}),
        "immediate_total": integer("即办件 counted.", minimum=0), "immediate_on_time": integer(minimum=0),
        "immediate_rate": rate,
        "limited_total": integer("Time-limited cases counted.", minimum=0), "limited_on_time": integer(minimum=0),
        "limited_rate": rate, "overall_rate": rate, "excellent": boolean("The overall rate reaches 95% (优秀)."),
    })


def _query(name: str, schema: dict, description: str, required: bool = True) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _waiting_map() -> dict:
    return {"type": "object", "additionalProperties": integer(minimum=0),
            "description": "Waiting count per service id (keys are ids as strings)."}


# -- operations ----------------------------------------------------------------------------

SECURED = [{"bearer": []}, {"session": []}]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    return {str(s): _json(ref("Error"), ERROR_TEXT[s]) for s in statuses}


def _id_param(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.", "schema": an_id()}


def _operation(op_id: str, summary: str, responses: dict, *, roles: tuple[str, ...] | None = (),
               devices: tuple[str, ...] = (), body: str | None = None, body_required: bool = True,
               params: list | None = None, errors: tuple[int, ...] = (), note: str = "") -> dict:
    """One operation; `roles=None` means public (no credentials)."""
    op: dict = {"operationId": op_id, "summary": summary, "responses": dict(responses)}
    if roles is None:
        op["security"] = []
        who = "Public: no credentials."
    else:
        op["security"] = SECURED
        op["x-hall-allowed"] = {"roles": list(roles), "devices": list(devices)}
        who = f"Staff roles: {', '.join(roles)}." + (f" Devices: {', '.join(devices)}." if devices else " No device.")
        errors = (401, 403, *errors)
    op["description"] = " ".join(x for x in (note, who) if x)
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": {"application/json": {"schema": ref(body)}}}
        errors = (*errors, 413, 422)
    op["responses"].update(_errors(*sorted(set(errors))))
    return op


def _window_op(op_id: str, summary: str, responses: dict, *, body: str = "Empty", errors=(404, 409), note="") -> dict:
    clerk_rule = (f"A clerk may act only on the window they hold; {', '.join(sorted(WINDOW_OVERSEERS))} "
                  "may act on any window.")
    return _operation(op_id, summary, responses, roles=WINDOW_STAFF, body=body, body_required=body != "Empty",
                      params=[_id_param("window_id", "window")], errors=errors, note=" ".join(x for x in (note, clerk_rule) if x))


def _paths() -> dict:
    ticket_ok = {"200": _json(ref("TicketEnvelope"), "The ticket after the action.")}
    window_ok = {"200": _json(ref("WindowEnvelope"), "The window after the action.")}
    return {
        "/api/v1/services": {"get": _operation(
            "listServices", "The catalogue with waiting counts and estimated waits",
            {"200": _json(array(ref("Service")), "Every active service item.")},
            roles=ALL_STAFF, devices=("kiosk", "screen"))},
        "/api/v1/tickets": {"post": _operation(
            "issueTicket", "Issue a ticket (取号)",
            {"201": _json(ref("Ticket"), "A new ticket."),
             "200": _json(ref("Ticket"), "The ticket issued earlier with the same idempotency_key.")},
            roles=ALL_STAFF, devices=("kiosk",), body="IssueTicket", errors=(404,),
            note="A kiosk with a printer also gets the ticket printed (the answer never waits for the printer).")},
        "/api/v1/tickets/{ticket_id}": {"get": _operation(
            "getTicket", "One ticket with its live position",
            {"200": _json(ref("Ticket"), "The ticket.")}, roles=ALL_STAFF, devices=("kiosk",),
            params=[_id_param("ticket_id", "ticket")], errors=(404,),
            note="A kiosk may read only the tickets it issued (403 otherwise).")},
        "/api/v1/tickets/no-show": {"get": _operation(
            "listNoShows", "No-show tickets that may still be reinstated",
            {"200": _json(array(ref("NoShow")), "Newest first.")}, roles=ALL_STAFF)},
        "/api/v1/tickets/{ticket_id}/reinstate": {"post": _operation(
            "reinstateTicket", "Put a no-show ticket back in the queue (过号恢复, service desk)",
            {"200": _json(ref("TicketEnvelope"), "The ticket, waiting again a few places back.")},
            roles=DESK_STAFF, body="Empty", body_required=False, params=[_id_param("ticket_id", "ticket")],
            errors=(404, 409), note="Only within the hall's reinstatement time (409 after).")},
        "/api/v1/windows": {"get": _operation(
            "listWindows", "Every window: number, department, services, state, clerk, current ticket",
            {"200": _json(array(ref("Window")), "Ordered by number.")},
            roles=ALL_STAFF, devices=("screen", "kiosk"))},
        "/api/v1/windows/{window_id}/queue": {"get": _operation(
            "windowQueue", "The tickets waiting for a window, in calling order",
            {"200": _json(ref("WindowQueue"), "Up to 20 tickets.")}, roles=ALL_STAFF,
            params=[_id_param("window_id", "window")], errors=(404,))},
        "/api/v1/windows/{window_id}/open": {"post": _window_op(
            "openWindow", "A clerk takes the window", window_ok,
            note="409 if another clerk holds it or the caller holds another open window.")},
        "/api/v1/windows/{window_id}/close": {"post": _window_op(
            "closeWindow", "The clerk leaves the window", window_ok,
            note="409 while a ticket is called or being served there.")},
        "/api/v1/windows/{window_id}/pause": {"post": _window_op(
            "pauseWindow", "Pause an open window with a reason (暂停)", window_ok, body="Pause")},
        "/api/v1/windows/{window_id}/resume": {"post": _window_op(
            "resumeWindow", "A paused window calls again", window_ok)},
        "/api/v1/windows/{window_id}/call-next": {"post": _window_op(
            "callNext", "Call the next ticket (叫号): priority first, then the oldest",
            {"200": _json(ref("TicketEnvelope"), "The ticket called."), "204": {"description": "Nobody waits."}},
            note="A ticket being served at the window is finished first; 409 while one is still called "
                 "or the window is not open.")},
        "/api/v1/windows/{window_id}/recall": {"post": _window_op(
            "recall", "Call the current ticket again (重呼), up to the hall's recall limit", ticket_ok)},
        "/api/v1/windows/{window_id}/no-show": {"post": _window_op(
            "noShow", "The called citizen did not come (过号), after the recalls", ticket_ok)},
        "/api/v1/windows/{window_id}/start": {"post": _window_op(
            "startServing", "The citizen arrived: start serving (开始办理)", ticket_ok)},
        "/api/v1/windows/{window_id}/finish": {"post": _window_op(
            "finish", "Finish serving the current ticket (办结)", ticket_ok)},
        "/api/v1/windows/{window_id}/transfer": {"post": _window_op(
            "transfer", "Send the current ticket to another service or window (转移)", ticket_ok, body="Transfer",
            note="It keeps its original queue time, so the citizen is not sent to the back.")},
        "/api/v1/hall/snapshot": {"get": _operation(
            "hallSnapshot", "The whole live state with the event sequence it is current to",
            {"200": _json(ref("Snapshot"), "Then follow the Socket.IO events from seq + 1.")},
            roles=ALL_STAFF, devices=("screen", "kiosk"))},
        "/api/v1/auth/token": {"post": _operation(
            "staffToken", "Exchange a staff username and password for an API token",
            {"200": _json(ref("Token"), "Send it as `Authorization: Bearer <token>`."), **_errors(401)},
            roles=None, body="Credentials")},
        "/api/v1/calendar/working-days": {"get": _operation(
            "workingDays", "The working days in a range (工作日)",
            {"200": _json(ref("WorkingDays"), "The working days, both ends included.")},
            roles=ALL_STAFF, devices=DEVICES, errors=(422,),
            params=[_query("from", day(), "The first date."), _query("to", day(), "The last date.")],
            note=f"Ranges span at most {MAX_RANGE_DAYS} days (422 beyond).")},
        "/api/v1/calendar/deadline": {"get": _operation(
            "calendarDeadline", "The deadline N working days after a day of receipt (办结期限)",
            {"200": _json(ref("CalendarDeadline"), "The deadline.")},
            roles=ALL_STAFF, devices=DEVICES, errors=(422,),
            params=[_query("received", day(), "The day the application was received (not counted)."),
                    _query("days", integer(minimum=0, maximum=MAX_DEADLINE_DAYS), "Working days.")],
            note="So that integrators can check their own computation. A provisional answer raises the "
                 "calendar alarm (alarm.raised, once a day per year).")},
        "/api/v1/calendar/years/{year}": {"put": _operation(
            "loadCalendarYear", "Load a year's official holidays and make-up working days (放假调休安排)",
            {"200": _json(ref("CalendarYearLoaded"), "The year as loaded, and the open cases recomputed.")},
            roles=ADMIN, body="CalendarYear",
            params=[{"name": "year", "in": "path", "required": True, "description": "The year.",
                     "schema": integer(minimum=2004)}],
            note="422 when a date lies outside the year, a day is both off and on, or a make-up working day "
                 "is not on a weekend. Every open case whose dates touch the year is recomputed at once: "
                 "provisional deadlines become firm, signals that change are sent as case.warning.")},
        "/api/v1/figures/completion": {"get": _operation(
            "completionFigures", "On-time completion rate (办结率) of a month per window or department",
            {"200": _json(ref("CompletionFigures"), "The figures.")},
            roles=FIGURE_STAFF, errors=(422,),
            params=[_query("month", string(pattern="^\\d{4}-\\d{2}$"), "The month, YYYY-MM."),
                    _query("by", string(enum=["window", "department"], default="window"),
                           "Group by window (default) or department.", required=False)])},
        "/api/v1/openapi.json": {"get": _operation(
            "openapi", "This description", {"200": _json({"type": "object"}, "OpenAPI 3.1.")}, roles=None)},
        "/api/v1/ticket-status/{token}": {"get": _operation(
            "ticketStatus", "The mobile ticket page's data, by the ticket's secret token",
            {"200": _json(ref("PublicTicket"), "The ticket's live position.")}, roles=None,
            params=[{"name": "token", "in": "path", "required": True, "schema": string(),
                     "description": "The secret token at the end of the ticket's status_url."}],
            errors=(404,))},
    }


def spec() -> dict:
    """The OpenAPI 3.1 description of every /api/v1 route."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hall API", "version": "1",
            "description": "The REST API of the government service hall: the service catalogue, tickets, "
                           "windows, the live hall state, the working-day calendar and the completion figures. Every error is "
                           "`{\"error\": {\"code\", \"message\"}}` and changes nothing. Who may call an operation "
                           "is in its description and in `x-hall-allowed` (staff roles and device kinds).",
        },
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A staff token from POST /api/v1/auth/token, or a device token "
                                          "(kiosk, screen, agent) made with `python -m hall devices token`."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "The staff pages' login session (POST /login). Writes with it must "
                                           "be sent as `Content-Type: application/json` (else 403)."},
            },
        },
    }
