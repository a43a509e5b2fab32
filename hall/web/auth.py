"""Who is calling: staff by login session or token, devices by token; role checks for every endpoint."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlparse

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_user, logout_user

from hall.domain.refusal import Term
from hall.services import access
from hall.services.actors import Actor
from hall.services.errors import Forbidden, ServiceError
from hall.web.extensions import hall, login_manager

bp = Blueprint("auth", __name__)


class StaffUser(UserMixin):
    """A logged-in member of staff, as Flask-Login keeps them."""

    def __init__(self, staff) -> None:
        self.id = str(staff.id)
        self.actor = access.staff_actor(staff)


@login_manager.user_loader
def _load_user(user_id: str):
    staff = access.load_staff(hall(), int(user_id)) if user_id.isdigit() else None
    return StaffUser(staff) if staff else None


class Unauthorized(ServiceError):
    """No valid credentials were sent."""

    code = "unauthorized"
    status = 401


def bearer_token() -> str | None:
    """The token from `Authorization: Bearer …`, if any."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def current_actor() -> Actor | None:
    """The caller of this request: a bearer token wins over the session cookie."""
    if "actor" not in g:
        token = bearer_token()
        if token is not None:
            g.actor, g.by_cookie = access.resolve_token(hall(), token), False
        elif current_user.is_authenticated:
            g.actor, g.by_cookie = current_user.actor, True
        else:
            g.actor, g.by_cookie = None, False
    return g.actor


def requires(*, roles: tuple[str, ...] = (), devices: tuple[str, ...] = ()):
    """Allow staff holding one of `roles` and devices of one of the `devices` kinds."""
    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise Unauthorized("log in or send a valid bearer token")
            allowed = (actor.is_staff and actor.role in roles) or (actor.kind == "device" and actor.role in devices)
            if not allowed:
                raise Forbidden("a %(role)s may not do this", role=Term(actor.role, "role"))
            if g.get("by_cookie") and request.method in ("POST", "PUT", "PATCH", "DELETE") \
                    and request.mimetype != "application/json":
                raise Forbidden("staff pages must send JSON (Content-Type: application/json)")
            return fn(actor, *args, **kwargs)
        wrapper.hall_allowed = {"roles": list(roles), "devices": list(devices)}
        return wrapper
    return decorate


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("console.console_page")
    parsed = urlparse(target)
    return target if not parsed.netloc and not parsed.scheme and target.startswith("/") else "/"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The staff login page."""
    error = None
    if request.method == "POST":
        staff = access.authenticate(hall(), request.form.get("username", ""), request.form.get("password", ""))
        if staff is not None:
            login_user(StaffUser(staff))
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong username or password")
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
def logout():
    """Log out and return to the login page."""
    logout_user()
    return redirect(url_for("auth.login"))


def staff_page(roles: tuple[str, ...]):
    """Decorator for HTML pages: staff with one of the roles, else the login page."""
    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.actor.role not in roles:
                abort(403)
            return fn(*args, **kwargs)
        return wrapper
    return decorate
