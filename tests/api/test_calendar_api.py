"""The calendar and figures endpoints over HTTP on SQLite and PostgreSQL, checked against the OpenAPI description."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from hall.domain.cases import CaseType, StepAction, open_case, record_step
from hall.domain.deadlines import validate_catalogue_limits
from hall.services.calendar import current_calendar
from hall.store.models import CalendarYear, CaseRecord, Event
from tests.case_rows import case_row, insert_rows, promised_case, received

YEAR_2027 = {"holidays": ["2027-01-01", "2027-01-02", "2027-01-03", *(f"2027-02-{d:02d}" for d in range(5, 13))],
             "makeup_workdays": ["2027-02-20"]}


def alarm_count(ctx) -> int:
    """How many alarms the event log holds."""
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.type == "alarm.raised"))


def test_working_days_for_staff_and_devices(as_staff, device):
    """Any authenticated caller: a clerk, a kiosk, a screen, a device agent."""
    for api in (as_staff("clerk01"), device("kiosk"), device("screen"), device("agent")):
        got = api.get("/calendar/working-days?from=2025-09-27&to=2025-10-12")
        assert got.status_code == 200
        assert got.get_json()["days"] == ["2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10",
                                          "2025-10-11"]


def test_deadline_for_integrators(device):
    """Received Monday 29 Sep 2025, 3 working days: Friday 10 October (the holiday does not count)."""
    got = device("agent").get("/calendar/deadline?received=2025-09-29&days=3")
    assert got.get_json() == {"received": "2025-09-29", "days": 3, "deadline": "2025-10-10", "provisional": False,
                              "missing_years": []}


def test_loading_2027_through_the_api_makes_a_provisional_deadline_firm(as_staff, hall_ctx):
    """A case received 20 Dec 2026 with 10 days is provisional until the admin loads 2027, then recomputed."""
    hall_ctx.clock.moment = datetime(2026, 12, 21, 1, 30, tzinfo=UTC)
    with hall_ctx.read() as s:
        calendar = current_calendar(s)
    [case_id] = insert_rows(hall_ctx, [case_row(promised_case("X", date(2026, 12, 20), 10), calendar,
                                                date(2026, 12, 21))])
    clerk, admin = as_staff("clerk01"), as_staff("admin")
    before = clerk.get("/calendar/deadline?received=2026-12-20&days=10").get_json()
    assert before == {"received": "2026-12-20", "days": 10, "deadline": "2027-01-01", "provisional": True,
                      "missing_years": [2027]}
    assert alarm_count(hall_ctx) == 1
    clerk.get("/calendar/deadline?received=2026-12-20&days=10")
    assert alarm_count(hall_ctx) == 1  # once a day, not once a request
    assert clerk.put("/calendar/years/2027", YEAR_2027).status_code == 403
    loaded = admin.put("/calendar/years/2027", YEAR_2027)
    assert loaded.status_code == 200
    assert loaded.get_json()["recomputed"] == 1 and loaded.get_json()["changed"] == 1
    after = clerk.get("/calendar/deadline?received=2026-12-20&days=10").get_json()
    assert after["deadline"] == "2027-01-04" and after["provisional"] is False
    with hall_ctx.read() as s:
        row = s.get(CaseRecord, case_id)
        assert (row.deadline, row.provisional) == (date(2027, 1, 4), False)


@pytest.mark.parametrize("query, message", [
    ("from=2025-01-02&to=2025-01-01", "before from"),
    ("from=2020-01-01&to=2025-01-01", "at most"),
    ("from=2025-01-01", "missing query parameter to"),
    ("from=2025-1-1&to=2025-01-05", "YYYY-MM-DD"),
    ("from=2003-12-01&to=2004-01-05", "first year"),
])
def test_working_days_refuses_bad_ranges(as_staff, query, message):
    """Reversed, over three years, missing, malformed or before 2004: a clear 422."""
    got = as_staff("clerk01").get(f"/calendar/working-days?{query}")
    assert got.status_code == 422 and message in got.get_json()["error"]["message"]


@pytest.mark.parametrize("query, message", [
    ("received=2025-03-03&days=-1", "days must be"),
    ("received=2025-03-03&days=ten", "days must be"),
    ("received=2025-03-03&days=100000", "days must be"),
    ("days=3", "missing query parameter received"),
    ("received=2090-01-01&days=3", "years ahead"),
])
def test_deadline_refuses_bad_input(as_staff, query, message):
    """Negative, non-numeric or absurd days, a missing or far-off date: a clear 422."""
    got = as_staff("clerk01").get(f"/calendar/deadline?{query}")
    assert got.status_code == 422 and message in got.get_json()["error"]["message"]


@pytest.mark.parametrize("payload, message", [
    ({"holidays": ["2028-01-01"], "makeup_workdays": []}, "does not belong to the 2027"),
    ({"holidays": ["2027-02-20"], "makeup_workdays": ["2027-02-20"]}, "both a holiday"),
    ({"holidays": [], "makeup_workdays": ["2027-02-22"]}, "weekend"),
    ({"holidays": []}, "missing field"),
    ({"holidays": [], "makeup_workdays": [], "source": "x"}, "unknown field"),
])
def test_a_wrong_year_is_refused_and_nothing_is_stored(as_staff, hall_ctx, payload, message):
    """The domain's arrangement rules answer 422; no year is stored."""
    got = as_staff("admin").put("/calendar/years/2027", payload)
    assert got.status_code == 422 and message in got.get_json()["error"]["message"]
    with hall_ctx.read() as s:
        assert s.get(CalendarYear, 2027) is None


def test_completion_figures_per_window(as_staff, hall_ctx):
    """March 2025 at window 1: an immediate case, one promised case on time, one late, one open and overdue."""
    hall_ctx.clock.moment = datetime(2025, 4, 10, 2, 0, tzinfo=UTC)
    with hall_ctx.read() as s:
        calendar = current_calendar(s)

    def finished(case, day):
        while case.is_open:
            case = record_step(case, received(day, 15), "张晓明", StepAction.PASS, opinion="同意")
        return case

    immediate = open_case("I", CaseType.IMMEDIATE, "SCJ", received(date(2025, 3, 3)),
                          validate_catalogue_limits(0, 15), "张晓明")
    on_time = finished(promised_case("P1", date(2025, 3, 3), 10), date(2025, 3, 14))
    late = finished(promised_case("P2", date(2025, 3, 3), 3), date(2025, 3, 20))
    overdue = promised_case("P3", date(2025, 3, 3), 5)  # due 10 March, still open
    april = finished(promised_case("P4", date(2025, 3, 28), 3), date(2025, 4, 2))  # closed in April
    today = date(2025, 4, 10)
    insert_rows(hall_ctx, [case_row(finished(immediate, date(2025, 3, 3)), calendar, today),
                           case_row(on_time, calendar, today), case_row(late, calendar, today),
                           case_row(overdue, calendar, today), case_row(april, calendar, today)])
    assert as_staff("clerk01").get("/figures/completion?month=2025-03").status_code == 403
    got = as_staff("admin").get("/figures/completion?month=2025-03&by=window").get_json()
    assert got["month"] == "2025-03" and got["by"] == "window"
    [window] = got["groups"]
    assert window["id"] == 1 and window["name"] == "1"
    assert (window["immediate_total"], window["immediate_on_time"], window["immediate_rate"]) == (1, 1, "100.0%")
    assert (window["limited_total"], window["limited_on_time"], window["limited_rate"]) == (3, 1, "33.3%")
    assert window["overall_rate"] == "50.0%" and window["excellent"] is False
    assert got["total"]["limited_total"] == 3
    april_figures = as_staff("admin").get("/figures/completion?month=2025-04&by=department").get_json()
    assert april_figures["total"]["limited_total"] == 1 and april_figures["groups"][0]["name"] == "县市场监督管理局"


@pytest.mark.parametrize("query", ["month=2025-13", "month=March", "", "month=2025-03&by=clerk"])
def test_completion_figures_refuse_bad_input(as_staff, query):
    """A malformed month or grouping: 422."""
    assert as_staff("admin").get(f"/figures/completion?{query}").status_code == 422
