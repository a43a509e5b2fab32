"""Display routes: the window screen, the hall screen and the server voice for calls."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from display import bp, voice
from hall.services import access
from hall.web.auth import bearer_token
from hall.web.extensions import hall

SCREEN_DEVICES = ("screen",)
VOICE_DEVICES = ("screen", "kiosk")


def _allowed(devices: tuple[str, ...]) -> bool:
    """A device of one of these kinds by ?token= (or bearer token), or a logged-in member of staff."""
    token = request.args.get("token") or bearer_token()
    if token:
        actor = access.resolve_token(hall(), token)
        return actor is not None and (actor.is_staff or (actor.kind == "device" and actor.role in devices))
    return current_user.is_authenticated


def _common_strings() -> dict:
    """Words both screens need in their scripts."""
    return {"window_n": _("Window %(n)s", n="{n}"), "calling": _("Number %(number)s, please", number="{number}"),
            "serving": _("Now serving"), "paused": _("Paused"), "closed": _("Closed")}


@bp.get("/display/window/<number>")
def window_screen(number: str):
    """The screen above one window: number, department, the ticket called or served, the clerk."""
    if not _allowed(SCREEN_DEVICES):
        abort(403)
    strings = _common_strings() | {
        "welcome": _("Welcome"), "reason": _("Reason: %(reason)s", reason="{reason}"), "badge": _("Badge No."),
        "not_found": _("This window does not exist: check the screen's address"),
    }
    return render_template("display/window.html", number=number, strings=strings)


@bp.get("/display/hall")
def hall_screen():
    """The big screen of the hall: latest calls, waiting per department, spoken calls."""
    if not _allowed(SCREEN_DEVICES):
        abort(403)
    strings = _common_strings() | {
        "to_window": _("to window %(n)s", n="{n}"), "open_windows": _("Windows open"),
        "no_calls": _("No calls yet"),
        "enable_voice": _("Tap to enable voice"),
    }
    return render_template("display/hall.html", strings=strings)


@bp.get("/display/voice/<number>/<window>.wav")
def voice_wav(number: str, window: str):
    """The spoken call as a WAV (for browsers with no Mandarin voice); nothing but a ticket and a window."""
    if not _allowed(VOICE_DEVICES):
        abort(403)
    if not voice.TICKET_NUMBER.fullmatch(number) or not voice.WINDOW_NUMBER.fullmatch(window):
        abort(404)
    try:
        path = voice.wav_for(number, window, hall().settings.var_dir / "voice")
    except Exception:
        current_app.logger.exception("voice synthesis failed for %s at window %s", number, window)
        abort(503)
    response = send_file(path, mimetype="audio/wav", max_age=86400)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
