"""Server pages that belong to no front end: the start page, staff photos, the health check."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, abort, jsonify, render_template
from sqlalchemy import select

from hall.store.models import Staff, Window
from hall.web.extensions import hall

bp = Blueprint("pages", __name__)

PHOTO_COLOURS = ("#0d47a1", "#1b5e20", "#4a148c", "#b71c1c", "#e65100", "#006064")


@bp.get("/")
def index():
    """Where every page of the hall is (screens and kiosks need a device token in their URL)."""
    with hall().read() as session:
        windows = sorted(session.execute(select(Window.number)).scalars(), key=lambda n: (len(n), n))
    return render_template("index.html", windows=windows)


@bp.get("/healthz")
def healthz():
    """Liveness: the server answers and the database is reachable."""
    with hall().read() as session:
        session.execute(select(1))
    return jsonify({"ok": True})


@bp.get("/staff/<int:staff_id>/photo")
def staff_photo(staff_id: int):
    """A clerk's badge photo, or a drawn badge with their surname when none was uploaded."""
    with hall().read() as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            abort(404)
        if staff.photo:
            return Response(staff.photo, mimetype="image/jpeg", headers={"Cache-Control": "max-age=300"})
        initial, colour = escape(staff.name[:1] or "?"), PHOTO_COLOURS[staff_id % len(PHOTO_COLOURS)]
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 150" width="120" height="150">'
           f'<rect width="120" height="150" rx="8" fill="{colour}"/>'
           f'<circle cx="60" cy="55" r="30" fill="#fff" opacity=".9"/>'
           f'<rect x="22" y="92" width="76" height="44" rx="22" fill="#fff" opacity=".9"/>'
           f'<text x="60" y="68" font-size="34" text-anchor="middle" fill="{colour}" '
           f'font-family="Noto Sans CJK SC, sans-serif">{initial}</text></svg>')
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"})
