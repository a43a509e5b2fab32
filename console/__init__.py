"""The console pages."""

from flask import Blueprint

bp = Blueprint("console", __name__, template_folder="templates", static_folder="static", static_url_path="/static/console")

from console import routes  # noqa: E402,F401  (routes attach to the blueprint)
