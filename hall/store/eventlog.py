"""The append-only, hash-chained event log: appending inside a transaction, and verifying it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from hall.store.db import GENESIS_HASH
from hall.store.models import ChainHead, Event


def canonical(payload: dict) -> str:
    """The payload as stable JSON (sorted keys, no spaces): what the hash seals."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def seal(prev_hash: str, seq: int, at: datetime, type_: str, actor: str, payload_json: str) -> str:
    """The hash of one log entry, chained to the previous entry's hash."""
    body = "\x1f".join([prev_hash, str(seq), at.isoformat(), type_, actor, payload_json])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    """An event as committed: its sequence number, time, type, actor and payload."""

    seq: int
    at: datetime
    type: str
    actor: str
    payload: dict


_HEADS, _EVENTS = ChainHead.__table__, Event.__table__
_HEAD = select(_HEADS.c.seq, _HEADS.c.hash).where(_HEADS.c.id == 1)
_HEAD_FOR_UPDATE = _HEAD.with_for_update()
_INSERT_EVENT = insert(_EVENTS)
_MOVE_HEAD = update(_HEADS).where(_HEADS.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


def append(session: Session, at: datetime, items: list[tuple[str, str, dict]], *, lock: bool) -> list[StoredEvent]:
    """Append (type, actor, payload) items after the chain head; the caller commits."""
    if not items:
        return []
    conn = session.connection()
    head = conn.execute(_HEAD_FOR_UPDATE if lock else _HEAD).first()
    if head is None:
        conn.execute(insert(_HEADS).values(id=1, seq=0, hash=GENESIS_HASH))
        head_seq, prev = 0, GENESIS_HASH
    else:
        head_seq, prev = head
    stored: list[StoredEvent] = []
    rows: list[dict] = []
    seq = head_seq
    for type_, actor, payload in items:
        seq += 1
        payload_json = canonical(payload)
        digest = seal(prev, seq, at, type_, actor, payload_json)
        rows.append({"seq": seq, "at": at, "type": type_, "actor": actor, "payload": payload_json,
                     "prev_hash": prev, "hash": digest})
        stored.append(StoredEvent(seq, at, type_, actor, payload))
        prev = digest
    conn.execute(_INSERT_EVENT, rows)
    conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
    return stored


@dataclass(frozen=True)
class VerifyReport:
    """What verifying the chain found: how many entries, and the first broken one if any."""

    checked: int
    broken_at: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when every entry seals the one before and the head matches."""
        return self.broken_at is None


def _rows(session: Session, batch: int = 5000) -> Iterator[Event]:
    last = 0
    while True:
        rows = session.execute(select(Event).where(Event.seq > last).order_by(Event.seq).limit(batch)).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> VerifyReport:
    """Walk the whole log and check every hash, the sequence and the head."""
    prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for row in _rows(session):
        if row.seq != expected_seq:
            return VerifyReport(checked, row.seq, f"sequence jumps from {expected_seq - 1} to {row.seq}")
        if row.prev_hash != prev:
            return VerifyReport(checked, row.seq, "entry does not point at the previous entry's hash")
        if seal(prev, row.seq, row.at, row.type, row.actor, row.payload) != row.hash:
            return VerifyReport(checked, row.seq, "entry's content does not match its hash")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    head = session.get(ChainHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyReport(checked, checked + 1, "the chain head does not match the last entry (entries removed?)")
    return VerifyReport(checked, None)
