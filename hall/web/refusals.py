"""A refusal as the API's JSON error: the English `message` and the same in the caller's language.

Templates are translated in the server's catalogue (hall/translations); the words used as
values — ticket statuses, window states, case types, steps, roles… (`Term` in the domain) —
are listed here so that `pybabel extract` finds them and the unit tests can check them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import jsonify
from flask_babel import gettext, pgettext

from hall.domain.refusal import Refusal, Term

log = logging.getLogger(__name__)


def _term(context: str, word: str) -> tuple[str, str]:
    """One entry of TERMS; `pybabel extract -k _term:1c,2` finds it for the catalogue."""
    return context, word


#: Every word a refusal may carry as a value: (context, English word), translated with pgettext.
TERMS = frozenset((
    # ticket statuses and the queue actions refused on them
    _term("ticket status", "waiting"),
    _term("ticket status", "called"),
    _term("ticket status", "serving"),
    _term("ticket status", "finished"),
    _term("ticket status", "no_show"),
    _term("ticket status", "abandoned"),
    _term("ticket action", "mark no-show"),
    _term("ticket action", "start serving"),
    _term("ticket action", "finish"),
    _term("ticket action", "transfer"),
    _term("window state", "closed"),
    _term("window state", "open"),
    _term("window state", "paused"),
    # who
    _term("role", "clerk"),
    _term("role", "window_lead"),
    _term("role", "duty_officer"),
    _term("role", "supervisor"),
    _term("role", "director"),
    _term("role", "admin"),
    _term("role", "kiosk"),
    _term("role", "screen"),
    _term("role", "agent"),
    _term("device kind", "kiosk"),
    _term("device kind", "screen"),
    _term("device kind", "agent"),
    # what is named by id
    _term("thing", "case"),
    _term("thing", "department"),
    _term("thing", "service"),
    _term("thing", "window"),
    _term("thing", "ticket"),
    # cases
    _term("case type", "immediate"),
    _term("case type", "promised"),
    _term("case type", "joint"),
    _term("case type", "report_up"),
    _term("case type", "special"),
    _term("case type", "supplement"),
    _term("case type", "returned"),
    _term("case step", "accept"),
    _term("case step", "undertake"),
    _term("case step", "review"),
    _term("case step", "approve"),
    _term("case step", "finish"),
    _term("case closing", "finished"),
    _term("case closing", "returned"),
    _term("case closing", "void"),
    _term("case closing", "forwarded"),
    _term("case closing", "supplement_timeout"),
    _term("pause kind", "hearing"),
    _term("pause kind", "site_check"),
    _term("pause kind", "testing"),
    _term("pause kind", "expert_review"),
    _term("pause kind", "extension"),
    _term("notice", "acceptance"),
    _term("notice", "one_time"),
    _term("notice", "joint"),
    _term("notice", "return"),
    _term("lead role", "development_and_reform"),
    _term("lead role", "construction_bureau"),
    _term("lead role", "market_regulation"),
    # what a closed or waiting case cannot be (…; it cannot be %(doing)s)
    _term("case action", "advanced"),
    _term("case action", "asked for materials"),
    _term("case action", "completed"),
    _term("case action", "forwarded up"),
    _term("case action", "given a joint meeting"),
    _term("case action", "given an opinion"),
    _term("case action", "handed over"),
    _term("case action", "marked as a no-show"),
    _term("case action", "paused"),
    _term("case action", "rejected for missing materials"),
    _term("case action", "resumed"),
    _term("case action", "returned"),
    _term("case action", "sent joint notices"),
    _term("case action", "voided"),
    # the written texts a case step requires (%(what)s is required)
    _term("case field", "a returned case's written reason"),
    _term("case field", "the accepting clerk"),
    _term("case field", "the higher authority"),
    _term("case field", "the opinion explaining the return"),
    _term("case field", "the reason for voiding"),
    _term("case field", "the review opinion"),
    _term("case field", "the reviewer"),
    _term("case field", "the step's handler"),
    _term("case field", "the written opinion"),
    _term("case field", "the written reason"),
))

#: Short names of the HTTP errors Flask answers by itself (unknown path, wrong method, body too large…).
HTTP_MESSAGES = {
    400: _term("http", "Bad request"),
    401: _term("http", "Unauthorized"),
    403: _term("http", "Forbidden"),
    404: _term("http", "Not found"),
    405: _term("http", "Method not allowed"),
    413: _term("http", "The request is too large"),
    415: _term("http", "Unsupported media type"),
    429: _term("http", "Too many requests"),
    500: _term("http", "Internal error"),
}


def localized_value(value: Any) -> Any:
    """A refusal's value in the caller's language: a known term is translated, anything else kept."""
    if isinstance(value, Term):
        return str(pgettext(value.context, str(value)))
    return value


def localized_message(refusal: Refusal) -> str:
    """The refusal in the request's language (Flask-Babel's locale: ?lang=, the cookie, else Chinese).

    A translation whose placeholders do not fit (the unit tests keep that from happening) falls
    back to the English sentence rather than turning a refusal into a 500.
    """
    params = {name: localized_value(v) for name, v in refusal.params.items()}
    try:
        return gettext(refusal.template, **params)
    except (KeyError, ValueError, TypeError):
        log.exception("the translation of %r does not fit its values", refusal.template)
        return str(refusal)


def error_body(code: str, message: str, localized: str) -> dict:
    """The API's error object."""
    return {"error": {"code": code, "message": message, "localized_message": localized}}


def refusal_response(exc):
    """A service error as the API's JSON error, with its status."""
    return jsonify(error_body(exc.code, str(exc), localized_message(exc))), exc.status


def http_error_body(status: int, code: str, message: str) -> dict:
    """An HTTP error Flask raised itself, with a short translated name."""
    known = HTTP_MESSAGES.get(status)
    return error_body(code, message, pgettext(*known) if known is not None else message)
