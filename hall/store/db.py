"""Database engine and sessions: SQLite (WAL, one writer) by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

GENESIS_HASH = "0" * 64


def normalise_url(url: str) -> str:
    """Use psycopg 3 for postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, *, sqlite_synchronous: str | None = None, background_checkpoint: bool = False) -> Engine:
    """An engine set up for the hall: WAL and immediate write locks on SQLite.

    With `background_checkpoint`, the WAL is copied into the database file by a real thread
    (see `start_checkpointer`) instead of inside some request's commit.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # LIFO: the connection used last is used next. SQLite drops a connection's page cache
        # whenever another connection wrote in between, so rotating through a pool would start
        # every transaction cold; the memory map makes the pages that must be read again cheap.
        # The map covers up to 2 GB (SQLite's ceiling): new pages are appended at the end of the
        # file, so a map smaller than a database with a long history would miss exactly the hot ones.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=20, pool_use_lifo=True)
        # NORMAL in WAL mode: a committed transaction survives the process being killed (SIGKILL, a crash);
        # only a power cut can lose the last moments. FULL also survives that, at ~2.5 ms of fsync per
        # commit on this kind of machine; set HALL_SQLITE_SYNCHRONOUS=FULL where the hall has no UPS.
        synchronous = sqlite_synchronous or os.environ.get("HALL_SQLITE_SYNCHRONOUS", "NORMAL")
        if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
            raise ValueError("HALL_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA mmap_size=2147418112")
            if background_checkpoint:
                cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Take the write lock at the start: no lock upgrades, no deadlocks between writers.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        if background_checkpoint and path and path != ":memory:":
            start_checkpointer(path)
        return engine
    # psycopg 3 must wait through select() or it blocks every green thread.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (events are built from them)."""
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    """True on PostgreSQL (row locks with FOR UPDATE are then needed)."""
    return engine.dialect.name == "postgresql"


CHECKPOINT_EVERY_S = 0.25
RESTART_WAL_BYTES = 32 * 1024 * 1024


def start_checkpointer(path: str) -> None:
    """Checkpoint the WAL from a real OS thread, never inside a request's commit.

    Each ticket writes ~40 KB of pages to the WAL, so SQLite's own checkpoint (every 1,000 pages)
    would run every few dozen tickets, writing and fsyncing the database file in the middle of some
    request and freezing every green thread of the server for up to 100–200 ms. Here PASSIVE
    checkpoints (which never block writers) run four times a second; under a constant write load
    the WAL can never be reset that way, so past 32 MB one RESTART checkpoint — which makes writers
    wait only while the last few frames are copied — starts it again from the beginning.
    """
    import os
    import sqlite3

    from hall.asyncmode import os_sleep, start_os_thread

    def run() -> None:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA busy_timeout=30000")
        wal = path + "-wal"
        while True:
            os_sleep(CHECKPOINT_EVERY_S)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                if os.path.exists(wal) and os.path.getsize(wal) > RESTART_WAL_BYTES:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    conn.execute("PRAGMA wal_checkpoint(RESTART)")
            except sqlite3.Error:
                pass  # busy for a moment: the next round catches up

    start_os_thread(run)
