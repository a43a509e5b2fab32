"""Console routes."""

from console import bp


@bp.get("/console")
def console_page():
    """The clerk's caller console."""
    return "console"
