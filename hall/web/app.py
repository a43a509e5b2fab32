"""The application factory: settings → database → extensions → blueprints → namespaces → jobs."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from hall.config import ROOT, Settings
from hall.realtime import namespaces
from hall.realtime.publisher import SocketIOPublisher
from hall.services.context import Clock, HallContext
from hall.services.errors import ServiceError
from hall.web import i18n
from hall.web.extensions import babel, login_manager, socketio
from hall.web.refusals import http_error_body, refusal_response

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
              422: "validation_error", 429: "too_many_requests"}


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True) -> Flask:
    """Build the hall server; with no settings, SQLite in var/ and the eventlet async mode."""
    settings = settings or Settings.from_env()
    app = Flask("hall", root_path=str(ROOT / "hall" / "web"), static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT,
        BABEL_TRANSLATION_DIRECTORIES=i18n.translation_dirs(),
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    ctx = HallContext.create(settings, clock=clock, server=True)
    if migrate:
        from hall.store.migrate import upgrade

        upgrade(ctx.engine)
    app.extensions["hall"] = ctx

    socketio.init_app(app, async_mode=settings.async_mode, message_queue=settings.message_queue_url,
                      cors_allowed_origins=[], json=None, ping_interval=10, ping_timeout=10)
    ctx.publisher = SocketIOPublisher(socketio)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    i18n.compile_catalogues()
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.after_request(i18n.remember_choice)

    @app.context_processor
    def _page_globals():
        get_locale()  # runs the locale selector, which records the page's language in g
        with ctx.read() as session:
            hall = ctx.refs.hall(session)
            name = hall.name if g.get("current_lang", i18n.DEFAULT) == "zh_CN" else (hall.name_en or hall.name)
        return {"hall_name": name, "current_lang": g.get("current_lang", i18n.DEFAULT),
                "lang_query": i18n.lang_query}

    _register_blueprints(app)
    _register_errors(app)
    namespaces.register(socketio)
    return app


def _register_blueprints(app: Flask) -> None:
    from console import bp as console_bp
    from display import bp as display_bp
    from hall.web import api, api_cases, api_documents, auth, pages
    from kiosk import bp as kiosk_bp

    for bp in (api.bp, api_cases.bp, api_documents.bp, auth.bp, pages.bp, kiosk_bp, display_bp, console_bp):
        app.register_blueprint(bp)


def _register_errors(app: Flask) -> None:
    app.register_error_handler(ServiceError, refusal_response)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            code = HTTP_CODES.get(exc.code or 500, "error")
            return jsonify(http_error_body(exc.code or 500, code, exc.description)), exc.code
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return jsonify(http_error_body(500, "internal", "internal error")), 500
        return "internal error", 500
