"""Console routes: the clerk's caller console (叫号台) and the service desk's no-show list."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from console import bp
from hall.services import access
from hall.services.actors import DESK_ROLES
from hall.web.auth import staff_page
from hall.web.extensions import hall

#: Who may sit at a window and call tickets.
WINDOW_ROLES = ("clerk", "window_lead", "supervisor", "director", "admin")
#: Everyone the console opens for; a duty officer sees the service-desk part only.
CONSOLE_ROLES = WINDOW_ROLES + ("duty_officer",)


def console_strings() -> dict:
    """Every word the console's scripts show, in the page's language."""
    return {
        "window_n": _("Window %(n)s", n="{n}"), "taken_by": _("In use by %(name)s", name="{name}"),
        "free": _("Free"), "my_department": _("Your department"),
        "state_open": _("Open"), "state_paused": _("Paused"), "state_closed": _("Closed"),
        "status_called": _("Called, waiting for the citizen"), "status_serving": _("Being served"),
        "no_ticket": _("No ticket at the window"), "recalls": _("Recalls %(n)s/%(limit)s", n="{n}", limit="{limit}"),
        "recall_btn": _("Recall %(n)s/%(limit)s", n="{n}", limit="{limit}"),
        "nobody_waiting": _("Nobody is waiting for this window"),
        "paused_reason": _("Paused: %(reason)s", reason="{reason}"),
        "failed": _("%(action)s failed: %(message)s", action="{action}", message="{message}"),
        "network": _("The server cannot be reached"),
        "act_call": _("Call next"), "act_recall": _("Recall"), "act_start": _("Start"), "act_finish": _("Finish"),
        "act_no_show": _("No-show"), "act_transfer": _("Transfer"), "act_pause": _("Pause"),
        "act_resume": _("Resume"), "act_close": _("Leave window"), "act_open": _("Take window"),
        "act_reinstate": _("Reinstate"),
        "no_show_hint": _("No-show is possible after %(limit)s recalls", limit="{limit}"),
        "transferred_here": _("transferred here"), "priority": _("priority"),
        "transfer_need_target": _("Choose a service or a window"),
        "pause_need_reason": _("Choose or write a reason"),
        "same_service": _("(same service)"), "any_window": _("(any window serving it)"),
        "no_no_shows": _("No recent no-shows"), "reinstated": _("%(number)s is back in the queue", number="{number}"),
        "called_ok": _("%(number)s called", number="{number}"),
        "closed_confirm": _("Leave window %(n)s? Screens will show it closed.", n="{n}"),
    }


@bp.get("/console")
@staff_page(CONSOLE_ROLES)
def console_page():
    """The clerk's caller console."""
    actor = current_user.actor
    staff = access.load_staff(hall(), actor.staff_id)
    me = {"staff_id": actor.staff_id, "name": actor.name, "role": actor.role,
          "department_id": staff.department_id if staff else None}
    return render_template("console/console.html", me=me, strings=console_strings(),
                           can_window=actor.role in WINDOW_ROLES, can_desk=actor.role in DESK_ROLES,
                           pause_reasons=[_("Stepped away"), _("Consultation"), _("System failure")])
