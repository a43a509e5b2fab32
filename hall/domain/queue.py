"""The queue's rules (排队叫号): ticket states, who is called next, recall, no-show, reinstatement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from hall.domain.refusal import Refusal, Term


class QueueError(Refusal, Exception):
    """A queue action that the rules do not allow; the message (template and values) says why."""

    code = "conflict"


class TicketStatus(StrEnum):
    """Where a ticket stands: waiting → called → serving → finished, or no-show/abandoned."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    ABANDONED = "abandoned"


class WindowState(StrEnum):
    """A window is closed (nobody there), open (a clerk serves) or paused (with a reason)."""

    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


#: Which statuses a ticket may move to from each status.
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.WAITING: frozenset({TicketStatus.CALLED, TicketStatus.ABANDONED}),
    TicketStatus.CALLED: frozenset(
        {TicketStatus.SERVING, TicketStatus.NO_SHOW, TicketStatus.WAITING, TicketStatus.FINISHED,
         TicketStatus.ABANDONED}
    ),
    TicketStatus.SERVING: frozenset({TicketStatus.FINISHED, TicketStatus.WAITING, TicketStatus.ABANDONED}),
    TicketStatus.NO_SHOW: frozenset({TicketStatus.WAITING, TicketStatus.ABANDONED}),
    TicketStatus.FINISHED: frozenset(),
    TicketStatus.ABANDONED: frozenset(),
}

#: Statuses a ticket is still in the hall with (closed as abandoned at closing time).
UNSERVED = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.NO_SHOW})


def check_transition(current: TicketStatus | str, target: TicketStatus, action: str) -> None:
    """Raise QueueError unless a ticket in `current` may move to `target` by `action`."""
    current = TicketStatus(current)
    if target not in TRANSITIONS[current]:
        raise QueueError("cannot %(action)s a ticket that is %(status)s",
                         action=Term(action, "ticket action"), status=Term(current.value, "ticket status"))


@dataclass(frozen=True, order=True)
class QueueKey:
    """A waiting ticket's place: priority tickets first, then the oldest (by queue time), then id."""

    not_priority: bool
    queued_at: datetime
    ticket_id: int

    @classmethod
    def of(cls, ticket_id: int, priority: bool, queued_at: datetime) -> QueueKey:
        """The key of a ticket."""
        return cls(not priority, queued_at, ticket_id)


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as the call-next rule sees it."""

    ticket_id: int
    service_id: int
    priority: bool
    queued_at: datetime

    @property
    def key(self) -> QueueKey:
        """Its place in the queue."""
        return QueueKey.of(self.ticket_id, self.priority, self.queued_at)


def pick_next(waiting: Iterable[Waiting], service_ids: Iterable[int]) -> Waiting | None:
    """Call next: among the window's services, the first priority ticket, else the oldest."""
    served = set(service_ids)
    candidates = [w for w in waiting if w.service_id in served]
    return min(candidates, key=lambda w: w.key) if candidates else None


def people_ahead(waiting: Iterable[Waiting], ticket: Waiting) -> int:
    """How many waiting tickets of the same service stand before this one."""
    return sum(1 for w in waiting if w.service_id == ticket.service_id and w.key < ticket.key)


def may_recall(recalls_so_far: int, recall_limit: int) -> bool:
    """A called ticket may be recalled while fewer than `recall_limit` recalls were made."""
    return recalls_so_far < recall_limit


def may_mark_no_show(recalls_so_far: int, recall_limit: int) -> bool:
    """过号: only after the recall cap is reached may a called ticket be marked no-show."""
    return recalls_so_far >= recall_limit


def may_reinstate(no_show_at: datetime, now: datetime, within: timedelta) -> bool:
    """A no-show ticket may be reinstated at the service desk within the configured time."""
    return timedelta(0) <= now - no_show_at <= within


def reinstated_queue_time(ordered_waiting: Sequence[datetime], places_back: int, now: datetime) -> datetime:
    """Queue time that puts a reinstated ticket `places_back` places back in its service's queue.

    `ordered_waiting` are the queue times of the non-priority waiting tickets of the service,
    oldest first. The ticket goes just behind the `places_back`-th of them, or at the end.
    """
    if places_back <= 0:
        return ordered_waiting[0] - timedelta(microseconds=1) if ordered_waiting else now
    if len(ordered_waiting) < places_back:
        return max(now, ordered_waiting[-1] + timedelta(microseconds=1)) if ordered_waiting else now
    return ordered_waiting[places_back - 1] + timedelta(microseconds=1)


def call_text(number: str, window_number: str) -> str:
    """What the hall says for a call: 请A012号到5号窗口办理."""
    return f"请{number}号到{window_number}号窗口办理"


def call_text_en(number: str, window_number: str) -> str:
    """The English announcement for a call."""
    return f"Number {number}, please go to window {window_number}"
