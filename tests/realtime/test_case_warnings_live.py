"""A real server's warning job and a real Socket.IO screen: case.warning arrives on /display when the job runs."""

from __future__ import annotations

import os
from datetime import date

import pytest

from hall.config import Settings
from hall.services.calendar import current_calendar
from hall.services.context import HallContext
from tests.case_rows import case_row, insert_rows, promised_case
from tests.conftest import SMALL_HALL
from tests.live import LiveHall
from tests.realtime.test_socketio import Listener

ASYNC_MODE = os.environ.get("HALL_ASYNC_MODE", "eventlet")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A hall server whose periodic jobs run every second."""
    hall = LiveHall(tmp_path_factory.mktemp("live-warnings"),
                    env={"HALL_ASYNC_MODE": ASYNC_MODE, "HALL_JOB_INTERVAL_S": "1"})
    hall.cli("hall", "load", str(SMALL_HALL))
    hall.screen = hall.cli("devices", "token", "screen-1", "--kind", "screen")
    hall.start()
    yield hall
    hall.stop()


def test_a_case_stored_before_its_deadline_passed_turns_red_on_the_screen(live):
    """A case last evaluated when it was received in 2025 (the hall's clock is now): the job turns it red."""
    ctx = HallContext.create(Settings(database_url=f"sqlite:///{live.var_dir / 'hall.db'}", async_mode="threading"))
    screen = Listener(live.url, "/display", {"token": live.screen})
    try:
        snapshot = screen.next("snapshot")
        with ctx.read() as s:
            calendar = current_calendar(s)
        received = date(2025, 3, 3)
        [case_id] = insert_rows(ctx, [case_row(promised_case("SCJ-20250303-0001", received, 10), calendar, received)])
        warning = screen.next("case.warning", timeout=15)
        assert warning["case_id"] == case_id and warning["number"] == "SCJ-20250303-0001"
        assert warning["signal"] == "red" and warning["reasons"] == ["promise_passed"]
        assert warning["deemed_approved"] is True and warning["step_overdue"] is None
        assert warning["deadline"] == "2025-03-17" and warning["seq"] > snapshot["seq"]
        assert not {"applicant", "name", "id_number", "applicant_name_masked"} & set(warning)
        status, body = live.request("GET", "/api/v1/cases?warning=red", token=live.staff_token("admin"))
        assert status == 200 and [c["id"] for c in body["items"]] == [case_id]
    finally:
        screen.close()
        ctx.engine.dispose()
