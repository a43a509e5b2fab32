"""Periodic work inside the server: close the day's unserved tickets, re-send print jobs, raise case warnings."""

from __future__ import annotations

import logging

from hall.jobs import case_warnings
from hall.services import printing, queue
from hall.services.actors import SYSTEM
from hall.services.context import HallContext

log = logging.getLogger(__name__)


def run_once(ctx: HallContext) -> dict[str, int]:
    """One round of every periodic job; each in its own transaction."""
    done = {}
    for name, job in (("abandoned", queue.abandon_unserved), ("print_resent", printing.resend_stale),
                      ("case_warnings", case_warnings.run)):
        try:
            done[name] = job(ctx, SYSTEM)
        except Exception:
            log.exception("periodic job %s failed", name)
    return done


def start_jobs(socketio, ctx: HallContext) -> None:
    """Run the periodic jobs every `job_interval_s` in a background task of the server."""
    def loop() -> None:
        while True:
            socketio.sleep(ctx.settings.job_interval_s)
            run_once(ctx)

    socketio.start_background_task(loop)
