"""The stored form of a case (办件记录): compact JSON, exact round trip, fast to decode.

A case is stored as one JSON array of positional fields (ISO dates, enum values,
``null`` for absent values) so that a warning sweep can decode a hundred thousand
open cases in well under a second. The first element is the format version.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime

from hall.domain.cases import (
    DEFAULT_WORKFLOW,
    Case,
    CaseStatus,
    CaseType,
    Closing,
    ClosingCode,
    CoDepartment,
    ReturnReview,
    Step,
    StepAction,
    StepName,
    SupplementRound,
)
from hall.domain.deadlines import Pause, PauseKind, TimeLimits
from hall.domain.refusal import Refusal

__all__ = ["encode", "decode", "CodecError", "VERSION"]

VERSION = 1

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_loads = json.loads
_dt = datetime.fromisoformat
_d = date.fromisoformat

_CASE_TYPES = {t.value: t for t in CaseType}
_STATUSES = {s.value: s for s in CaseStatus}
_STEP_NAMES = {s.value: s for s in StepName}
_ACTIONS = {a.value: a for a in StepAction}
_CLOSINGS = {c.value: c for c in ClosingCode}
_PAUSE_KINDS = {k.value: k for k in PauseKind}


def _builder(cls):
    """A positional constructor that fills a frozen slotted dataclass without its ``__init__``.

    About twice as fast as the dataclass's own ``__init__``; used only for classes without
    ``__post_init__`` checks, on values that ``encode`` wrote from valid objects.
    """
    assert not hasattr(cls, "__post_init__"), cls
    names = [f.name for f in fields(cls)]
    env = {"_new": object.__new__, "_cls": cls, **{f"_s{i}": cls.__dict__[n].__set__ for i, n in enumerate(names)}}
    args = ", ".join(f"a{i}" for i in range(len(names)))
    body = "".join(f"    _s{i}(o, a{i})\n" for i in range(len(names)))
    exec(f"def build({args}):\n    o = _new(_cls)\n{body}    return o\n", env)  # noqa: S102
    return env["build"]


_Case, _Step, _Round, _Co, _Closing = (_builder(c) for c in (Case, Step, SupplementRound, CoDepartment, Closing))


class CodecError(Refusal, ValueError):
    """A stored case record that cannot be read back (template and values, see Refusal)."""


def _iso(value: date | datetime | None) -> str | None:
    """A date or moment as ISO text, or None."""
    return None if value is None else value.isoformat()


def encode(case: Case) -> str:
    """A case as compact JSON text; ``decode(encode(c)) == c`` for every case."""
    steps = [
        [s.name.value, s.department, s.handler, s.started_at.isoformat(), s.limit_days,
         _iso(s.ended_at), s.opinion, None if s.action is None else s.action.value]
        for s in case.steps
    ]
    pauses = [
        [p.kind.value, p.start.isoformat(), _iso(p.end), p.reason, p.approved_by] for p in case.pauses
    ]
    rounds = [
        [r.notified_on.isoformat(), sorted(r.missing), _iso(r.completed_on)]
        for r in case.supplement_rounds
    ]
    cos = [
        [c.department, _iso(c.notified_on), _iso(c.opinion_on), c.consent, c.opinion, c.deemed]
        for c in case.co_departments
    ]
    closing = case.closing
    review = case.return_review
    limits = case.limits
    return _dumps([
        VERSION,
        case.number,
        case.case_type.value,
        case.department,
        case.received_at.isoformat(),
        [limits.promised_days, limits.statutory_days, limits.extension_days],
        case.status.value,
        _iso(case.clock_base),
        None if case.workflow == DEFAULT_WORKFLOW else [s.value for s in case.workflow],
        steps,
        pauses,
        rounds,
        cos,
        None if closing is None
        else [closing.code.value, closing.at.isoformat(), closing.handler, closing.reason],
        case.security_sensitive,
        _iso(case.decided_on),
        _iso(case.no_show_on),
        [d.isoformat() for d in case.late_extension_requests],
        None if review is None
        else [review.decided_on.isoformat(), review.upheld, review.reviewer, review.opinion],
    ])


def decode(text: str) -> Case:
    """The case stored by ``encode``."""
    try:
        (version, number, case_type, department, received_at, limits, status, clock_base, workflow,
         steps, pauses, rounds, cos, closing, security, decided_on, no_show_on, late, review) = _loads(text)
    except (ValueError, TypeError) as exc:
        raise CodecError("not a stored case record: %(error)s", error=str(exc)) from exc
    if version != VERSION:
        raise CodecError("unknown case record version %(version)s", version=repr(version))
    return _Case(
        number,
        _CASE_TYPES[case_type],
        department,
        _dt(received_at),
        TimeLimits(*limits),
        _STATUSES[status],
        None if clock_base is None else _d(clock_base),
        DEFAULT_WORKFLOW if workflow is None else tuple(_STEP_NAMES[s] for s in workflow),
        tuple(
            _Step(_STEP_NAMES[n], dep, h, _dt(st), lim, None if en is None else _dt(en), op,
                 None if ac is None else _ACTIONS[ac])
            for n, dep, h, st, lim, en, op, ac in steps
        ) if steps else (),
        tuple(
            Pause(_PAUSE_KINDS[k], _d(s), None if e is None else _d(e), r, a)
            for k, s, e, r, a in pauses
        ) if pauses else (),
        tuple(
            _Round(_d(n), frozenset(m), None if c is None else _d(c)) for n, m, c in rounds
        ) if rounds else (),
        tuple(
            _Co(dep, None if n is None else _d(n), None if o is None else _d(o), c, op, dm)
            for dep, n, o, c, op, dm in cos
        ) if cos else (),
        None if closing is None
        else _Closing(_CLOSINGS[closing[0]], _dt(closing[1]), closing[2], closing[3]),
        security,
        None if decided_on is None else _d(decided_on),
        None if no_show_on is None else _d(no_show_on),
        tuple(_d(x) for x in late) if late else (),
        None if review is None else ReturnReview(_d(review[0]), review[1], review[2], review[3]),
    )
