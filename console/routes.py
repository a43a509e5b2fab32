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
        **case_strings(),
    }


def case_types() -> list[tuple[str, str]]:
    """The seven case types (七办件) as the console's case form offers them."""
    return [("immediate", _("Immediate")), ("promised", _("Promised")), ("joint", _("Joint")),
            ("report_up", _("Report-up")), ("special", _("Special")), ("supplement", _("Supplement")),
            ("returned", _("Returned / reply"))]


def case_strings() -> dict:
    """The words of the case form, the result and the window's case list."""
    return {
        "case_types": dict(case_types()),
        "act_case": _("Open a case"), "case_for_ticket": _("for ticket %(number)s", number="{number}"),
        "person_name": _("Applicant's name"), "org_name": _("Organisation's name"),
        "person_id": _("ID card number"), "org_id": _("Unified social credit code"),
        "id_ok": _("Valid"), "id_bad_length": _("Must be 18 characters (%(n)s entered)", n="{n}"),
        "id_bad_check": _("The check character does not match: please read the number again"),
        "id_bad_chars": _("Only digits and the letters of the code are allowed"),
        "need_name": _("Enter the applicant's name"), "need_id": _("Enter a valid ID number or credit code"),
        "need_reason": _("A returned application needs a written reason"),
        "need_co": _("A joint case needs at least one co-department"),
        "missing_n": _("Missing (%(n)s), told once in writing: %(list)s", n="{n}", list="{list}"),
        "materials_all": _("All %(n)s received", n="{n}"), "materials_some": _("%(got)s of %(n)s", got="{got}", n="{n}"),
        "no_materials": _("The catalogue lists no materials for this item"),
        "supplement_auto": _("Materials are missing: the case is opened as a supplement case."),
        "deadline_none": _("No promised date: finished on the spot or the clock has not started"),
        "promised_days": _("%(n)s working days from the day after receipt", n="{n}"),
        "working_days": _("%(n)s working days", n="{n}"),
        "result_missing": _("The clock starts the day after the missing materials are complete."),
        "notice_acceptance": _("Acceptance notice"), "notice_one_time": _("One-time notice"),
        "notice_joint": _("Joint-case notice"), "notice_return": _("Return notice"),
        "print_queued": _("Receipt sent to printer %(printer)s", printer="{printer}"),
        "act_open_case": _("Open a case"), "act_print": _("Print receipt"),
        "case_status_awaiting_materials": _("Awaiting materials"), "case_status_in_progress": _("In progress"),
        "case_status_closed": _("Case closed"),
        "signal_yellow": _("Due soon"), "signal_red": _("Overdue"),
        "no_cases": _("No cases opened at this window yet"),
        "provisional": _("provisional"),
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
                           pause_reasons=[_("Stepped away"), _("Consultation"), _("System failure")],
                           case_types=case_types())
