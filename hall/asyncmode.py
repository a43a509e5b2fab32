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

        # eventlet announces its maintenance-only status on import; the hall knows (gevent is supported too).
        warnings.filterwarnings("ignore", message=".*[Ee]ventlet.*")
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode != "threading":
        sys.exit(f"HALL_ASYNC_MODE must be eventlet, gevent or threading, not {mode!r}")
    return mode


def start_os_thread(target, *args) -> None:
    """Run `target` in a real operating-system thread, also when eventlet or gevent patched threading.

    For blocking work (fsync, file I/O in C) that must never stall the server's event loop.
    """
    import threading

    if _patched("eventlet"):
        import eventlet.patcher

        eventlet.patcher.original("_thread").start_new_thread(target, args)
    elif _patched("gevent"):
        from gevent import monkey

        monkey.get_original("_thread", "start_new_thread")(target, args)
    else:
        threading.Thread(target=target, args=args, daemon=True).start()


def os_sleep(seconds: float) -> None:
    """time.sleep as the operating system does it (for real threads started above)."""
    if _patched("eventlet"):
        import eventlet.patcher

        eventlet.patcher.original("time").sleep(seconds)
    elif _patched("gevent"):
        from gevent import monkey

        monkey.get_original("time", "sleep")(seconds)
    else:
        import time

        time.sleep(seconds)


def _patched(library: str) -> bool:
    if library == "eventlet" and "eventlet" in sys.modules:
        import eventlet.patcher

        return eventlet.patcher.is_monkey_patched("thread")
    if library == "gevent" and "gevent" in sys.modules:
        from gevent import monkey

        return monkey.is_module_patched("threading")
    return False
