"""Choose and prepare the async mode before anything else is imported (eventlet by default)."""

from __future__ import annotations

import os
import sys


def prepare(default: str = "eventlet") -> str:
    """Monkey-patch for eventlet or gevent, as HALL_ASYNC_MODE says; returns the mode."""
    mode = os.environ.get("HALL_ASYNC_MODE", default)
    os.environ["HALL_ASYNC_MODE"] = mode
    # psycopg 3 must wait through select() or one query blocks every green thread.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    if mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", category=DeprecationWarning, module="eventlet")
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode != "threading":
        sys.exit(f"HALL_ASYNC_MODE must be eventlet, gevent or threading, not {mode!r}")
    return mode
