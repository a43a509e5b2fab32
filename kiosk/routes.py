"""Kiosk routes: the touch kiosk (取号机), the QR codes it shows, the mobile ticket page and the case page."""

from __future__ import annotations

import re
from functools import lru_cache

import qrcode
import qrcode.image.svg
from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from hall.services import cases
from hall.services.errors import NotFound
from hall.services.queue import public_ticket
from hall.web.extensions import hall
from kiosk import bp

#: A ticket's secret token as the server makes it (secrets.token_urlsafe).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
QR_MAX_AGE_S = 7 * 86400


def _hall_timezone() -> str:
    ctx = hall()
    with ctx.read() as session:
        return ctx.refs.hall(session).timezone


def kiosk_strings() -> dict[str, str]:
    """Every text the kiosk's scripts show, in the page's language."""
    return {
        "minutes": _("{n} min"),
        "no_wait": _("No wait"),
        "waiting_n": _("{n} waiting"),
        "est_wait": _("Est. wait"),
        "longest_wait": _("Est. wait up to"),
        "people_ahead": _("People ahead"),
        "issued_at": _("Issued at"),
        "back": _("Back"),
        "take_ticket": _("Please take your printed ticket"),
        "follow_phone": _("Scan to follow your ticket on your phone"),
        "tap_to_return": _("Tap anywhere to return ({n} s)"),
        "priority": _("Priority"),
        "priority_on": _("Priority ticket: ON"),
        "priority_off": _("Priority ticket"),
        "issuing": _("Issuing your ticket…"),
        "error_network": _("The kiosk cannot reach the hall's server. Please try again, or ask at the service desk."),
        "error_service": _("This service cannot issue tickets right now. Please ask at the service desk."),
        "error_other": _("Your ticket could not be issued. Please try again, or ask at the service desk."),
        "error_load": _("The service list cannot be loaded. Please ask at the service desk."),
        "retry": _("Try again"),
        "close": _("Close"),
        "info": _("Service information"),
        "info_short": _("Guide"),
        "content": _("What it is"),
        "materials": _("Materials to bring"),
        "procedure": _("Procedure"),
        "time_limit": _("Time limit"),
        "on_the_spot": _("Done on the spot"),
        "working_days": _("{promised} working days (statutory limit {statutory})"),
        "fee": _("Fee"),
        "legal_basis": _("Legal basis"),
        "phone": _("Enquiries"),
        "none": _("None"),
    }


def ticket_strings() -> dict[str, str]:
    """Every text the mobile ticket page's script shows, in the page's language."""
    return {
        "minutes": _("{n} min"),
        "no_wait": _("No wait"),
        "waiting": _("Waiting"),
        "called": _("Please go to window {window}"),
        "called_now": _("It is your turn!"),
        "serving": _("Being served"),
        "finished": _("Finished"),
        "no_show": _("Missed (no-show)"),
        "no_show_hint": _("Your number was called but you were not there. Please ask at the service desk."),
        "abandoned": _("No longer valid"),
        "abandoned_hint": _("This ticket was cancelled at closing time. Please take a new ticket."),
        "finished_hint": _("Thank you for your visit."),
        "gone": _("This ticket can no longer be found."),
        "error": _("The status cannot be loaded right now; it will update by itself."),
    }


@bp.get("/kiosk")
def kiosk_page():
    """The touch kiosk: choose a service, take a ticket (the device token comes in ?token=)."""
    return render_template("kiosk/kiosk.html", strings=kiosk_strings(), hall_tz=_hall_timezone())


def _status_url_base() -> list[str]:
    bases = [request.host_url.rstrip("/")]
    public = current_app.extensions["hall"].settings.public_url
    if public:
        bases.insert(0, public.rstrip("/"))
    return bases


def own_status_url(data: str) -> str | None:
    """The absolute status URL if `data` is one of this hall's own ticket pages, else None."""
    bases = _status_url_base()
    if data.startswith("/t/"):
        data = bases[0] + data
    for base in bases:
        prefix = base + "/t/"
        if data.startswith(prefix) and TOKEN_RE.fullmatch(data[len(prefix):]):
            return data
    return None


@lru_cache(maxsize=512)
def qr_svg(data: str) -> bytes:
    """The QR code of `data` as a standalone SVG (black modules on white, quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=qrcode.image.svg.SvgPathFillImage)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode").encode()


@bp.get("/kiosk/qr.svg")
def qr_code():
    """The QR code of a ticket's status URL; only this hall's own /t/ pages are encoded."""
    url = own_status_url(request.args.get("data", ""))
    if url is None:
        abort(400, "only this hall's ticket status URLs are encoded")
    return Response(qr_svg(url), mimetype="image/svg+xml",
                    headers={"Cache-Control": f"public, max-age={QR_MAX_AGE_S}, immutable"})


def _missing(what: str):
    """The friendly 404 page behind a QR code that names no ticket or case of this hall."""
    if what == "case":
        title, lines = _("Case not found"), [_("This link does not belong to a case of this hall."),
                                             _("Please scan the QR code on your receipt again, or ask at the service desk.")]
    else:
        title, lines = _("Ticket not found"), [
            _("This link does not belong to a ticket of this hall, or the ticket is from an earlier day."),
            _("Please scan the QR code on your ticket again, or ask at the service desk.")]
    return render_template("kiosk/missing.html", title=title, lines=lines), 404


@bp.get("/t/<token>")
def ticket_page(token: str):
    """The mobile ticket page behind the QR code: no login, no personal data."""
    tz = _hall_timezone()
    if not TOKEN_RE.fullmatch(token):
        return _missing("ticket")
    try:
        ticket = public_ticket(hall(), token)
    except NotFound:
        return _missing("ticket")
    return render_template("kiosk/ticket.html", ticket=ticket, token=token, strings=ticket_strings(), hall_tz=tz)


def case_strings() -> dict[str, str]:
    """Every text the citizen's case page shows from its script, in the page's language."""
    return {
        "awaiting_materials": _("Waiting for missing materials"),
        "in_progress": _("In progress"),
        "closed": _("Case closed"),
        "finished": _("Case finished"),
        "returned": _("Returned"),
        "void": _("Withdrawn"),
        "forwarded": _("Forwarded to a higher authority"),
        "supplement_timeout": _("Closed: materials not completed in time"),
        "step_accept": _("Accepted"),
        "step_undertake": _("Undertaken"),
        "step_review": _("Reviewed"),
        "step_approve": _("Approved"),
        "step_finish": _("Completed"),
        "provisional": _("provisional"),
        "provisional_hint": _("Next year's public holidays are not published yet: the date is counted on "
                              "weekends alone and will be recomputed when they are."),
        "no_deadline": _("No promised date (finished on the spot or not yet started)"),
        "gone": _("This case can no longer be found."),
        "error": _("The status cannot be loaded right now; it will update by itself."),
    }


@bp.get("/c/<token>")
def case_page(token: str):
    """The citizen's case page behind the receipt's QR code: no login, no personal data at all."""
    tz = _hall_timezone()
    if not TOKEN_RE.fullmatch(token):
        return _missing("case")
    try:
        case = cases.case_status(hall(), token)
    except NotFound:
        return _missing("case")
    return render_template("kiosk/case.html", case=case, token=token, strings=case_strings(), hall_tz=tz)
