"""The papers of a case in /api/v1: its notices as PDFs and its thermal receipt."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from hall.services import case_documents
from hall.services.errors import ServiceError
from hall.web.api import WINDOW_STAFF, body
from hall.web.auth import requires
from hall.web.extensions import hall
from hall.web.refusals import refusal_response

bp = Blueprint("api_documents", __name__, url_prefix="/api/v1")
bp.register_error_handler(ServiceError, refusal_response)

CASE = "/cases/<int(max=2147483647):case_id>"
#: Who prints a case's papers: the staff who open cases.
DOCUMENT_STAFF = WINDOW_STAFF


def host_url() -> str:
    """This request's own address, for printing the case page's URL when the hall sets no public URL."""
    return request.host_url.rstrip("/")


@bp.get(CASE + "/notices/<kind>.pdf")
@requires(roles=DOCUMENT_STAFF)
def notice(actor, case_id: int, kind: str):
    """One notice of a case as an A4 PDF in three copies; 404 for a notice the case does not have."""
    number, pdf = case_documents.notice_pdf(hall(), actor, case_id, kind, host_url=host_url())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{number}-{kind}.pdf"', "Cache-Control": "no-store"})


@bp.post(CASE + "/receipt")
@requires(roles=DOCUMENT_STAFF)
def receipt(actor, case_id: int):
    """Print the case receipt (办件回执) at a named printer; 202 once the job is queued."""
    data = body(required=("printer",))
    return jsonify(case_documents.queue_receipt(hall(), actor, case_id, data["printer"], host_url=host_url())), 202
