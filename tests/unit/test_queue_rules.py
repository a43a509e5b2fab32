"""The queue's pure rules: who is called next, recall and no-show, reinstatement, numbering, estimates."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.domain import queue as q
from hall.domain.estimate import estimated_wait_seconds, mean_handling_seconds
from hall.domain.numbering import format_number, hall_day, valid_prefix

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")

waiting_tickets = st.lists(
    st.builds(q.Waiting, ticket_id=st.integers(1, 10_000), service_id=st.integers(1, 5), priority=st.booleans(),
              queued_at=st.integers(0, 3600).map(lambda s: T0 + timedelta(seconds=s))),
    max_size=40, unique_by=lambda w: w.ticket_id)


@given(waiting_tickets, st.sets(st.integers(1, 5), min_size=1))
def test_call_next_takes_priority_first_then_the_oldest(waiting, services):
    """Among the window's services: any priority ticket before any other, the oldest within each class."""
    picked = q.pick_next(waiting, services)
    mine = [w for w in waiting if w.service_id in services]
    if not mine:
        assert picked is None
        return
    assert picked in mine
    if any(w.priority for w in mine):
        assert picked.priority
    same_class = [w for w in mine if w.priority == picked.priority]
    assert picked.queued_at == min(w.queued_at for w in same_class)


@given(waiting_tickets, st.sets(st.integers(1, 5), min_size=1))
def test_calling_repeatedly_calls_each_ticket_once_in_queue_order(waiting, services):
    """Draining a queue calls every ticket of the window's services exactly once, never another's."""
    remaining, called = list(waiting), []
    while (ticket := q.pick_next(remaining, services)) is not None:
        called.append(ticket)
        remaining.remove(ticket)
    assert len(called) == len({t.ticket_id for t in called})
    assert {t.ticket_id for t in called} == {w.ticket_id for w in waiting if w.service_id in services}
    assert [t.key for t in called] == sorted(t.key for t in called)


@given(waiting_tickets)
def test_people_ahead_counts_only_the_same_service_before_the_ticket(waiting):
    """People ahead of a ticket are the same service's tickets that call-next would take first."""
    for ticket in waiting:
        ahead = q.people_ahead(waiting, ticket)
        same = sorted((w for w in waiting if w.service_id == ticket.service_id), key=lambda w: w.key)
        assert ahead == same.index(ticket)


@given(st.integers(0, 10), st.integers(1, 6))
def test_no_show_only_once_the_recall_cap_is_reached(recalls, limit):
    """Recall while under the cap; no-show only at the cap: never both, never neither."""
    assert q.may_recall(recalls, limit) != q.may_mark_no_show(recalls, limit)


def test_ticket_transitions_refuse_finishing_a_ticket_never_called():
    """A waiting ticket cannot be finished; a finished one cannot move at all."""
    with pytest.raises(q.QueueError, match="cannot finish a ticket that is waiting"):
        q.check_transition("waiting", q.TicketStatus.FINISHED, "finish")
    for target in q.TicketStatus:
        with pytest.raises(q.QueueError):
            q.check_transition(q.TicketStatus.FINISHED, target, "move")
    q.check_transition("called", q.TicketStatus.NO_SHOW, "mark no-show")


@given(st.lists(st.integers(0, 3600), max_size=20).map(sorted), st.integers(0, 25))
def test_reinstated_ticket_lands_the_configured_places_back(offsets, places):
    """A reinstated ticket stands behind exactly `places` waiting tickets (or all, if fewer)."""
    times = [T0 + timedelta(seconds=s, microseconds=i) for i, s in enumerate(offsets)]
    now = T0 + timedelta(hours=2)
    queued = q.reinstated_queue_time(times, places, now)
    before = sum(1 for t in times if t < queued)
    assert before == min(places, len(times))


def test_reinstatement_window():
    """Within the configured minutes yes, after them no."""
    assert q.may_reinstate(T0, T0 + timedelta(minutes=30), timedelta(minutes=30))
    assert not q.may_reinstate(T0, T0 + timedelta(minutes=31), timedelta(minutes=30))


def test_call_text_is_what_the_hall_says():
    """请A012号到5号窗口办理."""
    assert q.call_text("A012", "5") == "请A012号到5号窗口办理"


@given(st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"), st.integers(1, 9999))
def test_numbers_are_prefix_and_zero_padded_counter(prefix, seq):
    """A012: unique per prefix and counter, at least three digits."""
    number = format_number(prefix, seq)
    assert number[0] == prefix and int(number[1:]) == seq and len(number) >= 4
    assert valid_prefix(prefix) and not valid_prefix(prefix.lower()) and not valid_prefix(prefix * 2)


def test_the_hall_day_turns_at_local_midnight():
    """Numbering restarts at midnight in the hall's time zone, not in UTC."""
    assert hall_day(datetime(2026, 11, 23, 15, 59, tzinfo=UTC), SHANGHAI) == date(2026, 11, 23)
    assert hall_day(datetime(2026, 11, 23, 16, 0, tzinfo=UTC), SHANGHAI) == date(2026, 11, 24)
    with pytest.raises(ValueError):
        hall_day(datetime(2026, 11, 23, 16, 0), SHANGHAI)


@given(st.integers(0, 500), st.lists(st.floats(0, 7200), max_size=30), st.integers(0, 10))
def test_estimated_wait_is_justified_or_absent(ahead, durations, windows):
    """With history and an open window it is ahead × mean ÷ windows; otherwise there is no number."""
    mean = mean_handling_seconds(durations)
    estimate = estimated_wait_seconds(ahead, mean, windows)
    if not durations or windows == 0:
        assert estimate is None
    else:
        assert estimate == round(ahead * mean / windows)
        assert estimate >= 0
