"""What every application service needs: the database, the clock, the publisher, the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hall.config import Settings
from hall.services.reference import References
from hall.store import eventlog
from hall.store.db import is_postgres, make_engine, make_session_factory
from hall.store.eventlog import StoredEvent


class Clock(Protocol):
    """Tells the time (a test clock can be moved by hand)."""

    def now(self) -> datetime:
        """The current moment, aware, in UTC."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment in UTC."""
        return datetime.now(UTC)


class Publisher(Protocol):
    """Sends committed events to whoever listens (Socket.IO rooms, other processes)."""

    def publish(self, events: list[StoredEvent]) -> None:
        """Announce events that were committed."""

    def send(self, namespace: str, event: str, data: dict, room: str | None = None) -> None:
        """Send one message to a namespace or room (print jobs to agents, for example)."""


class NullPublisher:
    """Publishes nothing: for command-line tools without a message queue."""

    def publish(self, events: list[StoredEvent]) -> None:
        """Drop the events (they are stored; screens catch up from the next snapshot)."""

    def send(self, namespace: str, event: str, data: dict, room: str | None = None) -> None:
        """Drop the message."""


class RecordingPublisher:
    """Keeps what was published, in order: for service tests."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self.messages: list[tuple[str, str, dict, str | None]] = []

    def publish(self, events: list[StoredEvent]) -> None:
        """Remember the events."""
        self.events.extend(events)

    def send(self, namespace: str, event: str, data: dict, room: str | None = None) -> None:
        """Remember the message."""
        self.messages.append((namespace, event, data, room))


@dataclass
class HallContext:
    """The running hall: engine, sessions, clock, publisher, settings."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    publisher: Publisher = field(default_factory=NullPublisher)
    refs: References = field(default_factory=References)

    @classmethod
    def create(cls, settings: Settings, *, clock: Clock | None = None, publisher: Publisher | None = None,
               server: bool = False) -> HallContext:
        """Open the database named by the settings (`server`: the long-running process)."""
        engine = make_engine(settings.database_url, background_checkpoint=server)
        return cls(settings, engine, make_session_factory(engine), clock or SystemClock(),
                   publisher or NullPublisher())

    @property
    def postgres(self) -> bool:
        """True on PostgreSQL."""
        return is_postgres(self.engine)

    def unit_of_work(self, actor: str = "") -> UnitOfWork:
        """One transaction: apply a rule, record events, commit, then publish."""
        return UnitOfWork(self, actor)

    def read(self) -> Session:
        """A session for reading only."""
        return self.sessions()


class UnitOfWork:
    """One transaction of one use case; events are stored with it and published after commit."""

    def __init__(self, ctx: HallContext, actor: str) -> None:
        self.ctx = ctx
        self.actor = actor
        self.now = ctx.clock.now()
        self._items: list[tuple[str, str, dict]] = []
        self._after: list[Callable[[], None]] = []
        self.stored: list[StoredEvent] = []
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self.ctx.sessions()
        self.session.begin()
        return self

    def record(self, type_: str, payload: dict) -> None:
        """Record a domain event; it is stored with this transaction."""
        self._items.append((type_, self.actor, payload))

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run fn once the transaction is committed (never if it is rolled back)."""
        self._after.append(fn)

    def commit(self) -> list[StoredEvent]:
        """Append the events to the log, commit, then publish them."""
        self.stored = eventlog.append(self.session, self.now, self._items, lock=self.ctx.postgres)
        self.session.commit()
        self.committed = True
        self.ctx.publisher.publish(self.stored)
        for fn in self._after:
            fn()
        return self.stored

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.committed:
            self.session.rollback()
        self.session.close()
