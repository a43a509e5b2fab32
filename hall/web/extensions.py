"""Flask extensions, created once and bound to the app in the factory."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO

from hall.services.context import HallContext

socketio = SocketIO()
login_manager = LoginManager()
babel = Babel()


def hall() -> HallContext:
    """The running hall's context (database, clock, publisher, settings)."""
    return current_app.extensions["hall"]
