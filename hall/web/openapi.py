"""The /api/v1 contract in OpenAPI 3.1, built from small schema helpers (served at /api/v1/openapi.json)."""

from __future__ import annotations

from hall.documents.notices import KINDS as NOTICE_KINDS
from hall.domain.queue import TicketStatus, WindowState
from hall.services.actors import STAFF_ROLES, WINDOW_OVERSEERS
from hall.services.calendar import MAX_DEADLINE_DAYS, MAX_RANGE_DAYS
from hall.services.queue import MAX_ID
from hall.services.windows import MAX_REASON
from hall.web.api import ADMIN, ALL_STAFF, DESK_STAFF, DEVICES, FIGURE_STAFF, WINDOW_STAFF
from hall.web.api_documents import DOCUMENT_STAFF
from hall.web.i18n import LANGUAGES

#: Every error code the API answers with, in `{"error": {"code", "message", "localized_message"}}`.
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
        "Error": obj({"error": obj({
            "code": string("What kind of refusal, for programs.", enum=list(ERROR_CODES)),
            "message": string("Why, for people, in English; its wording is stable.",
                              examples=["window 5 has no ticket called"]),
            "localized_message": string(
                "The same in the caller's language: Chinese (zh_CN) unless the request asks for English with "
                "`?lang=en` or the `hall_lang` cookie. For showing to people, not for parsing.",
                examples=["5 号窗口没有已叫的号"]),
        })}, description="Every 4xx/5xx answer of /api/v1."),
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
        "CaseReceipt": obj({"printer": string("The printer's name as its agent announces it; a window's printer "
                                              "is named window-<number>.", pattern="^[A-Za-z0-9_.:-]{1,64}$")}),
        "CaseReceiptJob": obj({
            "job_id": an_id(), "printer": string(), "attempt": integer(minimum=1),
            "kind": string(enum=["case_receipt"]),
            "case": obj({"hall_name": string(), "number": string(), "service_name": string(),
                         "received_at": timestamp(), "deadline": string("YYYY-MM-DD, or empty when none."),
                         "provisional": boolean(), "window": string(), "status_url": string()}),
        }, description="The print.job message sent to the printer's agent; no personal data."),
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


#: Every operation takes ?lang= (what a refusal's localized_message is written in).
LANG_PARAM = {"name": "lang", "in": "query", "required": False, "schema": string(enum=list(LANGUAGES)),
              "description": "The caller's language for `localized_message` in an error: zh_CN (the default) or "
                             "en. Remembered in the `hall_lang` cookie, as the pages do."}


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
    op["parameters"] = [*(params or []), LANG_PARAM]
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
        "/api/v1/cases/{case_id}/notices/{kind}.pdf": {"get": _operation(
            "caseNotice", "A case's notice as an A4 PDF in three copies (window, applicant, business office)",
            {"200": {"description": "The PDF.", "content": {"application/pdf": {"schema": string(format="binary")}}}},
            roles=DOCUMENT_STAFF, errors=(404,),
            params=[_id_param("case_id", "case"),
                    {"name": "kind", "in": "path", "required": True, "description": "Which notice.",
                     "schema": string(enum=list(NOTICE_KINDS))}],
            note="acceptance (承诺件受理通知书, promise-bearing cases), one_time (一次性告知书 / 补办件通知书, "
                 "every missing material), joint (联办件通知书, co-departments' opinions due in 5 working days), "
                 "return (退回件/答复件通知书, the reason and the right to review). 404 for a notice the case "
                 "does not have, e.g. a return notice for an open case.")},
        "/api/v1/cases/{case_id}/receipt": {"post": _operation(
            "printCaseReceipt", "Print the case receipt (办件回执): number, service, promised date, QR of the case page",
            {"202": _json(ref("CaseReceiptJob"), "The job is stored and sent to the printer's agent.")},
            roles=DOCUMENT_STAFF, body="CaseReceipt", params=[_id_param("case_id", "case")], errors=(404,))},
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


# -- cases (办件) ------------------------------------------------------------------------------

def _date() -> dict:
    return string(format="date")


def _case_schemas() -> dict:
    from hall.domain.cases import CaseType, ClosingCode, StepAction, StepName
    from hall.domain.deadlines import PauseKind
    from hall.services.cases import MAX_PAGE, STATUSES

    case_type = string("即办件 immediate, 承诺件 promised, 联办件 joint, 报批件 report_up, 特办件 special, "
                       "补办件 supplement, 退回件/答复件 returned.", enum=[t.value for t in CaseType])
    status = string("awaiting_materials (补正, clock not started) → in_progress ⇄ paused (special procedure) → "
                    "closed.", enum=[s for s in STATUSES if s != "open"])
    closing = nullable(string(enum=[c.value for c in ClosingCode]))
    step = string(enum=[s.value for s in StepName])
    signal = string("none, yellow (deadline near) or red (overdue).", enum=["none", "yellow", "red"])
    summary = {
        "id": an_id(), "number": string("Department, day of receipt, counter.", examples=["SCJ-20261123-0001"]),
        "service_id": an_id(), "service_name": string(), "department_id": an_id(),
        "window_id": nullable(an_id()), "ticket_id": nullable(an_id()), "case_type": case_type, "status": status,
        "closing_code": closing, "received_at": timestamp(),
        "deadline": nullable(string("The promised completion date (null while waiting for materials).",
                                    format="date")),
        "provisional": boolean("The deadline relies on a year whose official arrangement is not loaded: computed "
                               "on weekends alone until the admin loads it."),
        "yellow_from": nullable(string("First day of the yellow signal (null when paused or closed).",
                                       format="date")),
        "step_deadline": nullable(string("The step in progress's own limit, if it has one.", format="date")),
        "signal": signal,
        "signal_reasons": array(string(), "Why overdue (promise_passed, result_not_delivered, "
                                          "late_extension_request …) and step_overdue:<step>."),
        "deemed_approved": boolean("超时默认: past the promise, not security-related: the applicant is deemed "
                                   "to hold the approval."),
        "security_sensitive": boolean(),
        "applicant": obj({"kind": string(enum=["person", "organisation"]),
                          "name_masked": string(examples=["张*三"]),
                          "id_masked": string("First character and last four only.",
                                              examples=["1*************1234"]),
                          "name": string("The full name: only for window leads and above and the clerk "
                                         "holding the case's window.")},
                         required=("kind", "name_masked", "id_masked")),
        "materials_received": array(string()), "materials_missing": array(string()),
        "status_url": string("The citizen's case page (the QR code's target).", format="uri"),
        "updated_at": timestamp(),
    }
    detail = {
        **summary,
        "current_step": nullable(step), "workflow": array(step),
        "closing_reason": nullable(string("The written reason of a return, a void or the forwarding.")),
        "steps": array(obj({"name": step, "department": string("Department code."), "handler": string(),
                            "started_at": timestamp(), "ended_at": nullable(timestamp()), "opinion": string(),
                            "action": nullable(string(enum=[a.value for a in StepAction])),
                            "limit_days": nullable(integer(minimum=1))})),
        "pauses": array(obj({"kind": string(enum=[k.value for k in PauseKind]), "start": _date(),
                             "end": nullable(_date()), "reason": string(), "approved_by": string()})),
        "supplement_rounds": array(obj({"notified_on": _date(), "missing": array(string()),
                                        "completed_on": nullable(_date())}), "一次性告知 notices."),
        "co_departments": array(obj({"department": string(), "notified_on": nullable(_date()),
                                     "opinion_on": nullable(_date()), "consent": nullable(boolean()),
                                     "opinion": string(), "deemed": boolean(),
                                     "late": boolean("Opinion later than 5 working days after the notice.")})),
        "no_show_on": nullable(_date()),
    }
    text = string(maxLength=2000)
    return {
        "Case": obj(detail, description="A case as staff see it; the applicant's name and ID are masked."),
        "CaseSummary": obj(summary),
        "CaseList": obj({"items": array(ref("CaseSummary")), "total": integer(minimum=0),
                         "limit": integer(minimum=1, maximum=MAX_PAGE), "offset": integer(minimum=0)}),
        "PublicCase": obj({"number": string(), "service_name": string(), "service_name_en": string(),
                           "case_type": case_type, "status": status, "closing_code": closing,
                           "received_on": _date(), "deadline": nullable(_date()), "provisional": boolean(),
                           "steps_done": array(step), "current_step": nullable(step)},
                          description="What the citizen's case page shows: no login, no personal data."),
        "OpenCase": obj({
            "service_id": an_id(),
            "applicant": obj({"name": string(minLength=1, maxLength=200),
                              "kind": string("Default person.", enum=["person", "organisation"]),
                              "id_number": string("Resident ID number (person)."),
                              "credit_code": string("Unified social credit code (organisation).")},
                             required=("name",)),
            "case_type": case_type,
            "materials": array(string(), "Materials received: a subset of the item's required list; the "
                                         "missing ones make it a supplement case."),
            "window_id": an_id(), "ticket_id": an_id(),
            "received_at": timestamp("Default now; earlier for a paper case from a branch hall."),
            "co_departments": array(an_id(), "Co-departments of a joint case."),
            "reason": text, "security_sensitive": boolean("National or public security: never deemed approved."),
            "print_receipt": string("Also print the case receipt (办件回执) at this printer, e.g. window-5.",
                                    pattern="^[A-Za-z0-9_.:-]{1,64}$"),
        }, required=("service_id", "applicant")),
        "CaseStep": obj({"action": string(enum=[a.value for a in StepAction]), "opinion": text,
                         "step": step, "limit_days": integer("The next step's own limit.", minimum=1)},
                        required=("action",)),
        "CaseSupplement": obj({"missing": array(string(), "A further notice while waiting."),
                               "completed": boolean("The materials are complete: the clock starts tomorrow."),
                               "proceed_as": case_type, "reason": text, "co_departments": array(an_id())},
                              required=()),
        "CaseHandover": obj({"department_id": an_id(), "limit_days": integer(minimum=1), "opinion": text},
                            required=("department_id",)),
        "CasePause": obj({"kind": string(enum=[k.value for k in PauseKind]), "reason": text,
                          "start": _date(), "end": _date(), "approved_by": string(maxLength=100)},
                         required=("kind", "reason")),
        "CaseResume": obj({"end": _date()}, required=()),
        "CaseFinish": obj({"opinion": text, "forwarded_to": string("报批件: the higher authority.")},
                          required=()),
        "CaseReason": obj({"reason": text}),
        "CaseNoShow": obj({"told_on": _date()}),
        "CaseOpinion": obj({"department_id": an_id(), "consent": boolean(), "opinion": text, "on": _date()},
                           required=("department_id", "consent", "opinion")),
    }


def _case_paths() -> dict:
    from hall.services.cases import MAX_NUMBER
    from hall.web.api_cases import CASE_STAFF

    case_ok = {"200": _json(ref("Case"), "The case after the change.")}
    rule = ("A clerk acts on cases of their department, of the department holding the step, or of the "
            "window they hold; window_lead and above on any. Refused rules answer 409 (or 422 for a missing "
            "written text) with the rule's message, and change nothing.")
    case_param = [_id_param("case_id", "case")]

    def action(op_id: str, summary: str, body: str, note: str = "", required: bool = True) -> dict:
        return {"post": _operation(op_id, summary, case_ok, roles=CASE_STAFF, body=body, body_required=required,
                                   params=case_param, errors=(404, 409), note=" ".join(x for x in (note, rule) if x))}

    query = [{"name": n, "in": "query", "required": False, "schema": sch, "description": d} for n, sch, d in (
        ("status", string(enum=["awaiting_materials", "in_progress", "paused", "closed", "open"]),
         "open: every status but closed."),
        ("window", an_id(), "Cases of this window."),
        ("warning", string(enum=["yellow", "red", "any", "step"]), "step: a step past its own limit."),
        ("number", string(minLength=1, maxLength=MAX_NUMBER, examples=["SCJ-20261123-0001"]),
         "The case with this number, as printed on the receipt and the notices (spaces and letter case "
         "ignored): a page of one case, or of none."),
        ("limit", integer(minimum=1, maximum=200), "Default 50."), ("offset", integer(minimum=0), "Default 0."))]
    return {
        "/api/v1/cases": {
            "post": _operation("openCase", "Open a case (受理) with its promised date",
                               {"201": _json(ref("Case"), "The new case.")}, roles=CASE_STAFF, body="OpenCase",
                               errors=(404, 409),
                               note="The applicant's name is stored encrypted, the ID number as a keyed hash "
                                    "and a mask. Missing materials make a supplement case (一次性告知)."),
            "get": _operation("listCases", "Cases by status, window, warning or number, most urgent first",
                              {"200": _json(ref("CaseList"), "A page of cases; applicants masked.")},
                              roles=ALL_STAFF, params=query, errors=(404, 422))},
        "/api/v1/cases/{case_id}": {"get": _operation(
            "getCase", "One case with its steps, pauses, notices and co-departments",
            {"200": _json(ref("Case"), "The case.")}, roles=ALL_STAFF, params=case_param, errors=(404,),
            note="The full name only for window_lead and above and the clerk holding the case's window.")},
        "/api/v1/cases/{case_id}/steps": action(
            "recordStep", "End the step in progress: pass, return or other (受理/承办/审核/批准/办结)", "CaseStep",
            "The approve step is signed by window_lead or above (首席代表)."),
        "/api/v1/cases/{case_id}/supplement": action(
            "supplementCase", "补正: a further notice of missing materials, or the materials completed",
            "CaseSupplement"),
        "/api/v1/cases/{case_id}/handover": action(
            "handOverCase", "交接: hand the step to another department; its clock starts the next day",
            "CaseHandover"),
        "/api/v1/cases/{case_id}/pause": action(
            "pauseCase", "特别程序: pause the clock (hearing, site check, testing, expert review) or extend",
            "CasePause", "An extension needs window_lead or above."),
        "/api/v1/cases/{case_id}/resume": action(
            "resumeCase", "End the running special procedure (default today)", "CaseResume", required=False),
        "/api/v1/cases/{case_id}/finish": action(
            "finishCase", "办结: pass the finish step (an immediate case passes every step at once; a "
                          "report-up case is forwarded)", "CaseFinish", required=False),
        "/api/v1/cases/{case_id}/return": action(
            "returnCase", "退回: close the case with a written reason", "CaseReason"),
        "/api/v1/cases/{case_id}/void": action("voidCase", "作废: void a case opened in error", "CaseReason"),
        "/api/v1/cases/{case_id}/no-show": action(
            "caseNoShow", "The applicant did not come on the day told: the case counts as on time", "CaseNoShow"),
        "/api/v1/cases/{case_id}/opinions": action(
            "caseOpinion", "联办件: a co-department's written opinion", "CaseOpinion",
            "A clerk gives only their own department's opinion."),
        "/api/v1/case-status/{token}": {"get": _operation(
            "caseStatus", "The citizen's case page data, by the case's secret token",
            {"200": _json(ref("PublicCase"), "Status and promised date.")}, roles=None,
            params=[{"name": "token", "in": "path", "required": True, "schema": string(),
                     "description": "The secret token at the end of the case's status_url."}],
            errors=(404,))},
    }


def spec() -> dict:
    """The OpenAPI 3.1 description of every /api/v1 route."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hall API", "version": "1",
            "description": "The REST API of the government service hall: the service catalogue, tickets, "
                           "windows, cases (办件), the live hall state, the working-day calendar and the completion "
                           "figures. Every error is "
                           "`{\"error\": {\"code\", \"message\", \"localized_message\"}}` and changes nothing; "
                           "`?lang=en` (or the `hall_lang` cookie) asks for English, Chinese is the default. "
                           "Who may call an operation "
                           "is in its description and in `x-hall-allowed` (staff roles and device kinds).",
        },
        "paths": {**_paths(), **_case_paths()},
        "components": {
            "schemas": {**_schemas(), **_case_schemas()},
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
