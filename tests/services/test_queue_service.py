"""Queue use cases against the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hall.services import access, hall_state, queue, windows
from hall.services.actors import Actor
from hall.services.errors import Conflict, Forbidden, Invalid, NotFound
from hall.store.eventlog import verify
from hall.store.models import Event, PrintJob, Staff, Ticket

KIOSK = Actor("device", "kiosk-1", role="kiosk")


def staff(ctx, username: str) -> Actor:
    """The actor of a test-hall staff member."""
    with ctx.read() as s:
        return access.staff_actor(s.execute(select(Staff).where(Staff.username == username)).scalar_one())


def service_id(ctx, code: str) -> int:
    """A service's id by its code."""
    return next(s["id"] for s in hall_state.list_services(ctx) if s["code"] == code)


def window_id(ctx, number: str) -> int:
    """A window's id by its number."""
    return next(w["id"] for w in windows.list_windows(ctx) if w["number"] == number)


@pytest.fixture
def desk(ctx):
    """Window 1 open with clerk01, and the ids the tests use."""
    clerk = staff(ctx, "clerk01")
    w1 = window_id(ctx, "1")
    windows.open_window(ctx, clerk, w1)
    return {"clerk": clerk, "w1": w1, "scj1": service_id(ctx, "SCJ-001"), "scj2": service_id(ctx, "SCJ-002"),
            "gaj": service_id(ctx, "GAJ-001"), "zh": service_id(ctx, "ZH-001")}


def test_numbers_follow_the_prefix_and_restart_the_next_day(ctx, clock):
    """Services sharing a prefix share its counter; a new hall day starts at 001 again."""
    scj1, scj2, gaj = service_id(ctx, "SCJ-001"), service_id(ctx, "SCJ-002"), service_id(ctx, "GAJ-001")
    numbers = [queue.issue_ticket(ctx, KIOSK, sid).ticket["number"] for sid in (scj1, scj2, gaj, scj1)]
    assert numbers == ["A001", "A002", "B001", "A003"]
    clock.advance(days=1)
    assert queue.issue_ticket(ctx, KIOSK, scj1).ticket["number"] == "A001"


def test_concurrent_kiosks_never_get_the_same_number(ctx):
    """Eight kiosks pressing at once, many times: every number is distinct and none is skipped."""
    sid = service_id(ctx, "SCJ-001")
    results: list[str] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def press(n: int) -> None:
        barrier.wait()
        for _ in range(n):
            try:
                results.append(queue.issue_ticket(ctx, KIOSK, sid).ticket["number"])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=press, args=(10,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [f"A{i:03d}" for i in range(1, 81)]


def test_idempotency_key_returns_the_same_ticket(ctx):
    """A kiosk retrying a press gets its ticket back, not a second one."""
    sid = service_id(ctx, "SCJ-001")
    first = queue.issue_ticket(ctx, KIOSK, sid, idempotency_key="press-1")
    again = queue.issue_ticket(ctx, KIOSK, sid, idempotency_key="press-1")
    assert first.created and not again.created
    assert again.ticket["id"] == first.ticket["id"] and again.ticket["number"] == first.ticket["number"]
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 1


def test_bad_input_changes_nothing(ctx):
    """Unknown service, wrong types: refused with a clear error, no ticket, no event."""
    with pytest.raises(NotFound):
        queue.issue_ticket(ctx, KIOSK, 999)
    with pytest.raises(Invalid):
        queue.issue_ticket(ctx, KIOSK, "1")
    with pytest.raises(Invalid):
        queue.issue_ticket(ctx, KIOSK, True)
    with pytest.raises(Invalid):
        queue.issue_ticket(ctx, KIOSK, service_id(ctx, "SCJ-001"), priority="yes")
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Event).where(Event.type.like("ticket%"))).scalar_one() == 0


def test_call_next_priority_first_then_oldest_across_the_windows_services(ctx, clock, desk):
    """Window 1 serves SCJ-001 and SCJ-002: priority first, then by issue time, never GAJ tickets."""
    order = []
    for sid, prio in ((desk["scj1"], False), (desk["gaj"], False), (desk["scj2"], False), (desk["scj1"], True)):
        order.append(queue.issue_ticket(ctx, KIOSK, sid, priority=prio).ticket["number"])
        clock.advance(seconds=10)
    called = []
    while (ticket := queue.call_next(ctx, desk["clerk"], desk["w1"])) is not None:
        called.append(ticket["number"])
        queue.start(ctx, desk["clerk"], desk["w1"])
        queue.finish(ctx, desk["clerk"], desk["w1"])
    assert called == [order[3], order[0], order[2]]


def test_a_ticket_is_called_by_one_window_only_when_clerks_press_together(ctx, desk):
    """Window 1 and window 3 both serve SCJ-002; pressing at once never calls one ticket twice."""
    clerk3, w3 = staff(ctx, "clerk03"), window_id(ctx, "3")
    windows.open_window(ctx, clerk3, w3)
    for _ in range(30):
        queue.issue_ticket(ctx, KIOSK, desk["scj2"])
    called: list[tuple[str, int]] = []
    barrier = threading.Barrier(2)

    def clerk_loop(actor, wid):
        barrier.wait()
        while (ticket := queue.call_next(ctx, actor, wid)) is not None:
            called.append((ticket["number"], wid))
            queue.finish(ctx, actor, wid)

    threads = [threading.Thread(target=clerk_loop, args=a) for a in ((desk["clerk"], desk["w1"]), (clerk3, w3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [n for n, _ in called]
    assert len(numbers) == 30 and len(set(numbers)) == 30
    with ctx.read() as s:
        calls = s.execute(select(Event.payload).where(Event.type == "ticket.called")).scalars().all()
    assert len(calls) == 30


def test_recall_is_capped_and_no_show_needs_the_cap(ctx, desk):
    """Recall up to the hall's limit (3); no-show refused before, allowed at the cap."""
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    with pytest.raises(Conflict, match="recall"):
        queue.no_show(ctx, desk["clerk"], desk["w1"])
    for n in (1, 2, 3):
        assert queue.recall(ctx, desk["clerk"], desk["w1"])["recalls"] == n
    with pytest.raises(Conflict, match="limit"):
        queue.recall(ctx, desk["clerk"], desk["w1"])
    assert queue.no_show(ctx, desk["clerk"], desk["w1"])["status"] == "no_show"
    assert queue.call_next(ctx, desk["clerk"], desk["w1"]) is None


def test_wrong_state_is_refused_and_changes_nothing(ctx, desk):
    """Finishing with nothing called, calling while a ticket is still called, a closed window."""
    with pytest.raises(Conflict, match="no ticket called"):
        queue.finish(ctx, desk["clerk"], desk["w1"])
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    with pytest.raises(Conflict, match="still called"):
        queue.call_next(ctx, desk["clerk"], desk["w1"])
    with pytest.raises(Conflict, match="closed"):
        queue.call_next(ctx, staff(ctx, "admin"), window_id(ctx, "2"))
    with pytest.raises(Forbidden):
        queue.start(ctx, staff(ctx, "clerk02"), desk["w1"])
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket).where(Ticket.status == "waiting")).scalar_one() == 1


def test_transfer_keeps_the_original_issue_time(ctx, clock, desk):
    """A ticket sent to another service goes ahead of those who came later."""
    clerk3, w3 = staff(ctx, "clerk03"), window_id(ctx, "3")
    windows.open_window(ctx, clerk3, w3)
    early = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    clock.advance(minutes=5)
    later = queue.issue_ticket(ctx, KIOSK, desk["zh"]).ticket
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    moved = queue.transfer(ctx, desk["clerk"], desk["w1"], service_id=desk["zh"])
    assert moved["status"] == "waiting" and moved["service_id"] == desk["zh"]
    assert queue.call_next(ctx, clerk3, w3)["number"] == early["number"]
    queue.finish(ctx, clerk3, w3)
    assert queue.call_next(ctx, clerk3, w3)["number"] == later["number"]


def test_transfer_to_a_window_reaches_only_that_window(ctx, desk):
    """A ticket transferred to window 3 is called there, not at window 1 which serves its service too."""
    clerk3, w3 = staff(ctx, "clerk03"), window_id(ctx, "3")
    windows.open_window(ctx, clerk3, w3)
    queue.issue_ticket(ctx, KIOSK, desk["scj2"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    queue.transfer(ctx, desk["clerk"], desk["w1"], to_window_id=w3)
    assert queue.call_next(ctx, desk["clerk"], desk["w1"]) is None
    assert queue.call_next(ctx, clerk3, w3) is not None


def test_reinstate_places_the_ticket_back_and_only_within_time(ctx, clock, desk):
    """At the service desk a no-show returns three places back; after 30 minutes it cannot."""
    duty = staff(ctx, "duty1")
    first = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    others = []
    for _ in range(5):
        clock.advance(seconds=20)
        others.append(queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket["number"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    for _ in range(3):
        queue.recall(ctx, desk["clerk"], desk["w1"])
    queue.no_show(ctx, desk["clerk"], desk["w1"])
    with pytest.raises(Forbidden):
        queue.reinstate(ctx, desk["clerk"], first["id"])
    back = queue.reinstate(ctx, duty, first["id"])
    assert back["status"] == "waiting" and back["people_ahead"] == 3
    called = []
    while (ticket := queue.call_next(ctx, desk["clerk"], desk["w1"])) is not None:
        called.append(ticket["number"])
        queue.finish(ctx, desk["clerk"], desk["w1"])
    assert called == others[:3] + [first["number"]] + others[3:]
    late = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    for _ in range(3):
        queue.recall(ctx, desk["clerk"], desk["w1"])
    queue.no_show(ctx, desk["clerk"], desk["w1"])
    clock.advance(minutes=31)
    with pytest.raises(Conflict, match="30 minutes"):
        queue.reinstate(ctx, duty, late["id"])


def test_unserved_tickets_are_abandoned_at_closing_time(ctx, clock, desk):
    """Before 17:30 nothing closes; at closing every unserved ticket is abandoned, served ones stay."""
    served = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    queue.finish(ctx, desk["clerk"], desk["w1"])
    waiting = [queue.issue_ticket(ctx, KIOSK, desk["gaj"]).ticket for _ in range(3)]
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    assert queue.abandon_unserved(ctx, Actor("system", "test")) == 0
    clock.moment = clock.moment.replace(hour=9, minute=30)  # 17:30 in Beijing
    assert queue.abandon_unserved(ctx, Actor("system", "test")) == 4
    assert queue.get_ticket(ctx, waiting[0]["id"])["status"] == "abandoned"
    assert queue.get_ticket(ctx, served["id"])["status"] == "finished"
    assert windows.list_windows(ctx)[0]["current"] is None
    assert queue.abandon_unserved(ctx, Actor("system", "test")) == 0


def test_estimated_wait_is_absent_without_history_and_follows_handling_times(ctx, clock, desk):
    """No history → None; then people ahead × mean handling ÷ open windows."""
    first = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    assert first["estimated_wait_s"] is None
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    clock.advance(minutes=4)
    queue.finish(ctx, desk["clerk"], desk["w1"])
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    third = queue.issue_ticket(ctx, KIOSK, desk["scj1"]).ticket
    assert third["people_ahead"] == 1
    assert third["estimated_wait_s"] == 240


def test_print_job_is_stored_with_the_kiosk_ticket(ctx):
    """A kiosk with a printer gets a pending print job in the same transaction as its ticket."""
    token = access.device_token(ctx, Actor("system", "test"), "kiosk-9", "kiosk")
    kiosk = access.resolve_token(ctx, token)
    ticket = queue.issue_ticket(ctx, kiosk, service_id(ctx, "SCJ-001")).ticket
    with ctx.read() as s:
        job = s.execute(select(PrintJob)).scalar_one()
    assert job.ticket_id == ticket["id"] and job.printer == "kiosk-9" and job.status == "pending"
    assert job.payload["number"] == ticket["number"] and job.payload["status_url"] == ticket["status_url"]
    assert ("/agent", "print.job") == ctx.publisher.messages[-1][:2]
    assert queue.issue_ticket(ctx, kiosk, service_id(ctx, "SCJ-001"), print_ticket=False)


def test_events_are_published_after_commit_in_sequence_and_the_chain_verifies(ctx, desk):
    """Every change is one stored event, published in order, and the hash chain holds."""
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    published = ctx.publisher.events
    assert [e.type for e in published[-2:]] == ["ticket.issued", "ticket.called"]
    assert [e.seq for e in published] == list(range(published[0].seq, published[-1].seq + 1))
    called = published[-1].payload
    assert called["text"] == "请A001号到1号窗口办理" and called["window"] == "1"
    with ctx.read() as s:
        report = verify(s)
    assert report.ok and report.checked == published[-1].seq


def test_tampering_with_the_log_is_detected(ctx, desk):
    """Changing a stored payload, or deleting the last entry, breaks verification at that entry."""
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    with ctx.engine.begin() as conn:
        target = conn.execute(select(func.max(Event.seq)).where(Event.type == "ticket.issued")).scalar_one() - 1
        conn.execute(Event.__table__.update().where(Event.seq == target).values(payload='{"forged":true}'))
    with ctx.read() as s:
        report = verify(s)
    assert not report.ok and report.broken_at == target


def test_failed_events_never_leave_a_half_written_change(ctx, desk):
    """A refused action in the middle of a transaction stores neither its change nor its event."""
    with ctx.read() as s:
        before = s.execute(select(func.count()).select_from(Event)).scalar_one()
    with pytest.raises(Conflict):
        queue.recall(ctx, desk["clerk"], desk["w1"])
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Event)).scalar_one() == before


def test_pause_and_resume(ctx, desk):
    """A paused window cannot call; the reason is kept; resume calls again."""
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    with pytest.raises(Invalid):
        windows.pause_window(ctx, desk["clerk"], desk["w1"], "  ")
    paused = windows.pause_window(ctx, desk["clerk"], desk["w1"], "临时离开")
    assert paused["state"] == "paused" and paused["pause_reason"] == "临时离开"
    with pytest.raises(Conflict, match="paused"):
        queue.call_next(ctx, desk["clerk"], desk["w1"])
    windows.resume_window(ctx, desk["clerk"], desk["w1"])
    assert queue.call_next(ctx, desk["clerk"], desk["w1"]) is not None


def test_a_clerk_holds_one_window_and_a_held_window_is_not_taken(ctx, desk):
    """Opening another window while holding one, or a window someone holds, is refused."""
    with pytest.raises(Conflict, match="you hold window 1"):
        windows.open_window(ctx, desk["clerk"], window_id(ctx, "2"))
    with pytest.raises(Conflict, match="held by"):
        windows.open_window(ctx, staff(ctx, "clerk02"), desk["w1"])
    windows.close_window(ctx, desk["clerk"], desk["w1"])
    assert windows.open_window(ctx, staff(ctx, "clerk02"), desk["w1"])["clerk"]["name"] == "李芳"


def test_snapshot_carries_the_sequence_and_latest_calls(ctx, desk):
    """The snapshot is current to the log's head and lists the latest call first."""
    queue.issue_ticket(ctx, KIOSK, desk["scj1"])
    queue.call_next(ctx, desk["clerk"], desk["w1"])
    snap = hall_state.snapshot(ctx)
    assert snap["seq"] == ctx.publisher.events[-1].seq
    assert snap["latest_calls"][0]["number"] == "A001" and snap["latest_calls"][0]["window"] == "1"
    w1 = next(w for w in snap["windows"] if w["number"] == "1")
    assert w1["current"]["number"] == "A001" and w1["clerk"]["badge"] == "SC-001"


def test_loading_the_hall_twice_changes_nothing(ctx):
    """The configuration load is idempotent: no changes, no event."""
    from hall.services.actors import SYSTEM
    from hall.services.hall_config import load_hall
    from tests.conftest import SMALL_HALL

    assert not any(load_hall(ctx, SYSTEM, SMALL_HALL).values())
    assert ctx.publisher.events == []


def test_the_promised_limit_must_be_shorter_than_the_statutory_one(ctx, tmp_path):
    """A catalogue entry whose promise is not shorter than the law's limit is refused."""
    from hall.services.actors import SYSTEM
    from hall.services.hall_config import load_hall
    from tests.conftest import SMALL_HALL

    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL_HALL.read_text(encoding="utf-8").replace("promised_days = 15", "promised_days = 60"),
                   encoding="utf-8")
    with pytest.raises(Invalid, match="must be shorter"):
        load_hall(ctx, SYSTEM, bad)


def test_day_old_tickets_are_abandoned_the_next_morning(ctx, clock, desk):
    """A ticket left from yesterday is closed by the first sweep of the new day."""
    queue.issue_ticket(ctx, KIOSK, desk["gaj"])
    clock.advance(days=1)
    clock.moment -= timedelta(hours=2)
    assert queue.abandon_unserved(ctx, Actor("system", "test")) == 1
