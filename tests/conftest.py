"""Shared fixtures: a hall on SQLite or on the real PostgreSQL, a movable clock, a live server process."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from hall.config import Settings
from hall.services.actors import SYSTEM
from hall.services.context import HallContext, RecordingPublisher
from hall.services.hall_config import load_hall
from hall.store.migrate import upgrade

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_HALL = FIXTURES / "small_hall.toml"
PG_ADMIN = os.environ.get("HALL_TEST_PG_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("HALL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/{db}")


class TestClock:
    """A clock the test moves by hand; starts on a Monday morning in the hall."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in Beijing

    def now(self) -> datetime:
        """The test's current moment."""
        return self.moment

    def advance(self, **delta) -> None:
        """Move time forward."""
        self.moment += timedelta(**delta)


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session (the server must be running: scripts/services.sh)."""
    name = f"hall_test_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL.format(db=name)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_all(engine) -> None:
    from hall.store.models import Base

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The database URL of a test hall: each test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hall.db'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def clock():
    """A clock the test controls."""
    return TestClock()


@pytest.fixture
def ctx(db_url, clock, tmp_path):
    """A hall context on a fresh database with the small test hall loaded; events are recorded."""
    settings = Settings(database_url=db_url, var_dir=tmp_path, async_mode="threading",
                        public_url="http://hall.test")
    context = HallContext.create(settings, clock=clock, publisher=RecordingPublisher())
    upgrade(context.engine)
    if context.postgres:
        _truncate_all(context.engine)
    load_hall(context, SYSTEM, SMALL_HALL)
    context.publisher.events.clear()
    yield context
    context.engine.dispose()
