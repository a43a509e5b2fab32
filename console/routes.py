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
        "case_status_paused": _("Clock paused (special procedure)"),
        "closing": {"finished": _("Case finished"), "returned": _("Returned"), "void": _("Withdrawn"),
                    "forwarded": _("Forwarded to a higher authority"),
                    "supplement_timeout": _("Closed: materials not completed in time")},
        "no_cases_shown": _("No such cases at this window"),
        "find_need_number": _("Enter the case number from the receipt or a notice"),
        "find_none": _("No case has the number %(number)s", number="{number}"),
        **case_detail_strings(),
    }


def pause_kinds() -> list[tuple[str, str]]:
    """The special procedures that stop a case's clock (特别程序), and the extension."""
    return [("hearing", _("Hearing")), ("site_check", _("Site check")), ("testing", _("Testing, inspection, quarantine")),
            ("expert_review", _("Expert review, appraisal")), ("extension", _("Extension (approved)"))]


def case_detail_strings() -> dict:
    """The words of the case detail dialog: steps, actions, procedures, why a case is overdue, the checks."""
    return {
        "steps": {"accept": _("Acceptance"), "undertake": _("Undertaking"), "review": _("Review"),
                  "approve": _("Approval"), "finish": _("Completion")},
        "actions": {"pass": _("Passed"), "return": _("Sent back"), "other": _("Other")},
        "pause_kinds": dict(pause_kinds()),
        "why": {"promise_passed": _("The promised date has passed unfinished"),
                "refused_without_reason": _("Refused without a valid reason (overturned on review)"),
                "no_reply": _("No reply was given within the limit"),
                "late_extension_request": _("The extension was asked only after the promise passed"),
                "result_not_delivered": _("The result was not delivered within the promise")},
        "why_step": _("The %(step)s step is past its own limit", step="{step}"),
        "why_yellow": _("The promised date is near"),
        "deemed_approved": _("Past the promise: the applicant is deemed to hold the approval (超时默认)"),
        "step_due": _("step due %(date)s", date="{date}"), "step_running": _("In progress"),
        "pause_running": _("Clock stopped"), "approved_by_n": _("approved by %(name)s", name="{name}"),
        "closing_reason": _("Reason: %(reason)s", reason="{reason}"),
        "closing_finished": _("Completion opinion: %(reason)s", reason="{reason}"),
        "closing_forwarded": _("Forwarded: %(reason)s", reason="{reason}"),
        "no_show_note": _("The applicant did not come on %(date)s as told: the case counts as on time", date="{date}"),
        "consent_yes": _("Agrees"), "consent_no": _("Does not agree"), "opinion_waiting": _("Awaiting the opinion"),
        "opinion_late": _("Opinion came late"), "opinion_overdue": _("Opinion overdue"),
        "opinion_deemed": _("Deemed to consent (absent from the joint meeting)"),
        "hint_first_step": _("An application refused at acceptance is returned with a written reason."),
        "hint_finish_step": _("The finish step is passed with “Finish the case”."),
        "choose_department": _("Choose a department"),
        "need_return_opinion": _("Sending a step back needs an opinion saying why"),
        "need_department": _("Choose a department"), "need_pause_reason": _("Write the reason for the procedure"),
        "need_end": _("An extension needs its end date"), "need_forward": _("Name the higher authority"),
        "need_date": _("Enter the date"), "need_opinion": _("Write the opinion"),
        "action_done": _("%(action)s: done", action="{action}"),
        "step_moved": _("Meanwhile the case moved on: the step in progress is now %(step)s", step="{step}"),
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
                           case_types=case_types(), pause_kinds=pause_kinds())
