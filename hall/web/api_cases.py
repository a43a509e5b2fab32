"""The cases part of /api/v1 (办件): open, steps, supplement, hand-over, pause, resume, finish, return; reads."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hall.services import case_documents, cases
from hall.services.errors import Invalid, ServiceError
from hall.web.api import ALL_STAFF, WINDOW_STAFF, body
from hall.web.auth import requires
from hall.web.extensions import hall
from hall.web.refusals import refusal_response

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1")
bp.register_error_handler(ServiceError, refusal_response)

#: Staff who handle cases: clerks on their department's or window's cases, leads and above on any.
CASE_STAFF = WINDOW_STAFF
CASE = "/cases/<int(max=2147483647):case_id>"


@bp.post("/cases")
@requires(roles=CASE_STAFF)
def open_case(actor):
    """受理: open a case; 201 with its number, deadline and status."""
    data = body(required=("service_id", "applicant"),
                optional=("case_type", "materials", "window_id", "ticket_id", "received_at", "co_departments",
                          "reason", "security_sensitive", "print_receipt"))
    printer = data.pop("print_receipt", None)
    if printer is not None:
        case_documents.check_printer(printer)
    view = cases.open_case(hall(), actor, **data)
    if printer is not None:  # the receipt (办件回执) for the window's printer, as the clerk asked
        case_documents.queue_receipt(hall(), actor, view["id"], printer, host_url=request.host_url.rstrip("/"))
    return jsonify(view), 201


@bp.get("/cases")
@requires(roles=ALL_STAFF)
def list_cases(actor):
    """Cases by status, window, warning or case number, most urgent first, a page at a time."""
    args = request.args
    unknown = set(args) - {"status", "window", "warning", "number", "limit", "offset", "lang"}
    if unknown:
        raise Invalid("unknown parameter(s): %(unknown)s", unknown=", ".join(sorted(unknown)))
    numbers = {}
    for name, default in (("window", None), ("limit", 50), ("offset", 0)):
        value = args.get(name)
        if value is None or value == "":
            numbers[name] = default
            continue
        if not value.isdigit():
            raise Invalid("%(name)s must be a non-negative integer", name=name)
        numbers[name] = int(value)
    return jsonify(cases.list_cases(hall(), actor, status=args.get("status") or None,
                                    warning=args.get("warning") or None, number=args.get("number"), **numbers))


@bp.get(CASE)
@requires(roles=ALL_STAFF)
def get_case(actor, case_id: int):
    """One case with its steps, pauses, notices and co-departments."""
    return jsonify(cases.get_case(hall(), actor, case_id))


def _action(fn, *, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()):
    def view(actor, case_id: int):
        data = body(required=required, optional=optional)
        return jsonify(fn(hall(), actor, case_id, **data))
    view.__doc__ = fn.__doc__
    return view


for _name, _fn, _required, _optional in (
    ("steps", cases.record_step, ("action",), ("opinion", "step", "limit_days")),
    ("supplement", cases.supplement, (), ("missing", "completed", "proceed_as", "reason", "co_departments")),
    ("handover", cases.handover, ("department_id",), ("limit_days", "opinion")),
    ("pause", cases.pause, ("kind", "reason"), ("start", "end", "approved_by")),
    ("resume", cases.resume, (), ("end",)),
    ("finish", cases.finish, (), ("opinion", "forwarded_to")),
    ("return", cases.return_case, ("reason",), ()),
    ("void", cases.void, ("reason",), ()),
    ("no-show", cases.no_show, ("told_on",), ()),
    ("opinions", cases.opinion, ("department_id", "consent", "opinion"), ("on",)),
):
    bp.add_url_rule(f"{CASE}/{_name}", f"case_{_name.replace('-', '_')}",
                    requires(roles=CASE_STAFF)(_action(_fn, required=_required, optional=_optional)),
                    methods=["POST"])


@bp.get("/case-status/<token>")
def case_status(token: str):
    """The citizen's case page data: no login, no personal data, found by the case's secret token."""
    return jsonify(cases.case_status(hall(), token))
