"""Case benchmark: deadlines and the periodic warning sweep over 100,000 open cases, on SQLite (and PostgreSQL).

The cases are of mixed types, received over the last two months, some with special procedures
(ended or running), step limits, security-sensitive items, no-shows, and some crossing into 2027,
whose arrangement is not loaded. They are written straight into a fresh database through the
case codec, with the clock columns the hall computed the evening before the first sweep.

    .venv/bin/python bench/cases.py [--cases 100000] [--runs 5] [--postgres]
"""

from __future__ import annotations

import os
import sys

# Run as `python bench/cases.py`, this folder comes first on sys.path and bench/queue.py would hide
# the standard library's `queue` module from everything imported below: take the folder off the path.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from hall.config import Settings  # noqa: E402
from hall.domain.calendar import (  # noqa: E402
    CHINESE_CALENDAR_YEARS,
    WorkingCalendar,
    arrangements_from_chinese_calendar,
)
from hall.domain.cases import (  # noqa: E402
    CaseType,
    StepAction,
    add_pause,
    case_deadline,
    end_pause,
    open_case,
    record_no_show,
    record_step,
    request_extension,
)
from hall.domain.deadlines import CaseRuleError, Pause, PauseKind, validate_catalogue_limits  # noqa: E402
from hall.jobs import case_warnings  # noqa: E402
from hall.services import calendar as calendar_service  # noqa: E402
from hall.services.actors import SYSTEM  # noqa: E402
from hall.services.cases import clock_columns  # noqa: E402
from hall.services.context import HallContext  # noqa: E402
from hall.services.hall_config import load_hall  # noqa: E402
from hall.store.case_codec import decode  # noqa: E402
from hall.store.migrate import upgrade  # noqa: E402
from hall.store.models import CaseRecord  # noqa: E402
from tests.case_rows import case_row, insert_rows, received  # noqa: E402
from tests.conftest import PG_ADMIN, PG_URL, SMALL_HALL, TestClock  # noqa: E402

FIRST_SWEEP = date(2026, 11, 23)  # a Monday; cases due after New Year touch 2027, not loaded
DEPARTMENTS = ("SCJ", "GAJ", "ZH")  # the small test hall: ids 1..3, windows 1..3, services 1..4
TYPES = [(CaseType.PROMISED, 55), (CaseType.JOINT, 10), (CaseType.REPORT_UP, 8), (CaseType.SPECIAL, 5),
         (CaseType.IMMEDIATE, 7), (CaseType.SUPPLEMENT, 15)]
PROMISES = (1, 3, 5, 7, 10, 15, 20, 30)


def make_case(rng: random.Random, n: int, calendar) -> tuple:
    """One open case: its domain record and the department index it belongs to."""
    kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    dept = rng.randrange(3)
    # Most cases are recent; a long tail reaches back two months.
    back = min(int(rng.expovariate(1 / 12)), 60) if kind is not CaseType.IMMEDIATE else 0
    day = FIRST_SWEEP - timedelta(days=1 + back)
    at = received(day, rng.choice((9, 10, 11, 14, 15, 16)))
    days = rng.choice(PROMISES)
    limits = validate_catalogue_limits(days, days * 2 + 5 if kind is CaseType.JOINT else days + 10)
    number = f"{DEPARTMENTS[dept]}-{day:%Y%m%d}-{n:06d}"
    kw = {"security_sensitive": rng.random() < 0.05}
    if kind is CaseType.JOINT:
        kw["co_departments"] = [DEPARTMENTS[(dept + 1) % 3]]
    if kind is CaseType.SUPPLEMENT:
        kw["missing_materials"] = ["身份证明", "申请书"][: rng.randint(1, 2)]
    case = open_case(number, kind, DEPARTMENTS[dept], at, limits, "张晓明", **kw)
    if kind in (CaseType.SUPPLEMENT, CaseType.IMMEDIATE):
        return case, dept
    try:
        r = rng.random()
        if r < 0.45:  # the accept step passed the next working day, the undertake step has its own limit
            when = received(calendar.next_working_day(day).date, 10)
            if when.date() < FIRST_SWEEP:
                case = record_step(case, when, "李四", StepAction.PASS, opinion="同意",
                                   next_limit_days=rng.choice((2, 3, 5)))
        r = rng.random()
        start = day + timedelta(days=rng.randint(1, 6))
        if r < 0.05 and start < FIRST_SWEEP:  # an ended special procedure
            case = add_pause(case, calendar, Pause(PauseKind.TESTING, start, None, "检验检测"))
            case = end_pause(case, min(start + timedelta(days=rng.randint(1, 8)), FIRST_SWEEP - timedelta(days=1)))
        elif r < 0.08 and start < FIRST_SWEEP:  # one still running
            case = add_pause(case, calendar, Pause(PauseKind.EXPERT_REVIEW, start, None, "专家评审"))
        elif r < 0.10 and kind is not CaseType.PROMISED and start < FIRST_SWEEP:
            case = request_extension(case, calendar, start, start + timedelta(days=7), "情况复杂", "王主任")
        if rng.random() < 0.01:
            case = record_no_show(case, day + timedelta(days=1))
    except CaseRuleError:
        pass  # a draw the rules refuse (e.g. a pause after the deadline): keep the case as it was
    return case, dept


def generate(count: int, seed: int = 20261123):
    """`count` open cases as rows of the `cases` table, columns as of the evening before the first sweep."""
    calendar = WorkingCalendar(arrangements_from_chinese_calendar(CHINESE_CALENDAR_YEARS))  # as the hall seeds it
    rng = random.Random(seed)
    rows = []
    eve = FIRST_SWEEP - timedelta(days=1)
    for n in range(count):
        case, dept = make_case(rng, n, calendar)
        rows.append(case_row(case, calendar, eve, service_id=(1, 3, 4)[dept], department_id=dept + 1,
                             window_id=dept + 1))
    return rows


def fresh_context(url: str) -> HallContext:
    """A hall on an empty database with the small test hall loaded; its clock at 08:00 on the first sweep day."""
    clock = TestClock(datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
    ctx = HallContext.create(Settings(database_url=url, async_mode="threading"), clock=clock)
    upgrade(ctx.engine)
    load_hall(ctx, SYSTEM, SMALL_HALL)
    return ctx


def cold_deadlines(ctx: HallContext) -> tuple[float, float, int]:
    """Seconds to read every stored record, and to decode them and compute each deadline (calendar rebuilt)."""
    calendar_service.invalidate()
    t0 = time.perf_counter()
    with ctx.read() as s:
        calendar = calendar_service.current_calendar(s)
        records = s.execute(select(CaseRecord.record)).scalars().all()
    t1 = time.perf_counter()
    today = FIRST_SWEEP
    computed = 0
    for record in records:
        if case_deadline(decode(record), calendar, as_of=today) is not None:
            computed += 1
    return t1 - t0, time.perf_counter() - t1, computed


def full_evaluation(ctx: HallContext) -> float:
    """Seconds to decode and evaluate every open case (what a sweep without the pre-filter would do)."""
    t0 = time.perf_counter()
    with ctx.read() as s:
        calendar = calendar_service.current_calendar(s)
        records = s.execute(select(CaseRecord.record).where(CaseRecord.status == "in_progress")).scalars().all()
        for record in records:
            clock_columns(decode(record), calendar, FIRST_SWEEP)
    return time.perf_counter() - t0


def sweeps(ctx: HallContext, runs: int) -> list[dict]:
    """The first sweep of each of `runs + 1` consecutive days at 08:00, then a quiet round the same day."""
    results = []
    for i in range(runs + 1):
        ctx.clock.moment = datetime(2026, 11, 23, 0, 0, tzinfo=UTC) + timedelta(days=i)
        t0 = time.perf_counter()
        done = case_warnings.sweep_warnings(ctx)
        daily = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = case_warnings.sweep_warnings(ctx)
        quiet = time.perf_counter() - t0
        results.append({"day": ctx.clock.moment.date(), "s": daily, "evaluated": done.evaluated,
                        "warnings": done.warnings, "quiet_s": quiet, "quiet_evaluated": again.evaluated})
    return results


def run(url: str, rows: list[dict], runs: int, label: str) -> None:
    """Load the cases into the database at `url` and print the figures."""
    ctx = fresh_context(url)
    t0 = time.perf_counter()
    for i in range(0, len(rows), 5000):
        insert_rows(ctx, rows[i:i + 5000], ids=False)
    with ctx.read() as s:
        open_count = s.scalar(select(func.count()).select_from(CaseRecord).where(CaseRecord.status != "closed"))
        by_status = dict(s.execute(select(CaseRecord.status, func.count()).group_by(CaseRecord.status)).all())
    print(f"[{label}] {open_count:,} open cases inserted through the codec in {time.perf_counter() - t0:.1f} s "
          f"({', '.join(f'{k} {v:,}' for k, v in sorted(by_status.items()))})")
    read_s, compute_s, computed = cold_deadlines(ctx)
    print(f"[{label}] deadlines for all, cold from the stored records: {read_s + compute_s:.2f} s "
          f"(read {read_s:.2f} s, decode + compute {compute_s:.2f} s; {computed:,} cases with a running clock)")
    print(f"[{label}] decode + evaluate every case in progress (no pre-filter): {full_evaluation(ctx):.2f} s")
    results = sweeps(ctx, runs)
    first, rest = results[0], results[1:]
    print(f"[{label}] warning sweep, first run ({first['day']}): {first['s']:.3f} s "
          f"({first['evaluated']:,} cases evaluated, {first['warnings']:,} case.warning)")
    print(f"[{label}] warning sweep, daily runs: median {statistics.median(r['s'] for r in rest):.3f} s "
          f"over {len(rest)} days (" + ", ".join(f"{r['s']:.3f}" for r in rest) + "; evaluated "
          + ", ".join(f"{r['evaluated']:,}" for r in rest) + ")")
    print(f"[{label}] warning sweep, a round with nothing new (every job interval): median "
          f"{1000 * statistics.median(r['quiet_s'] for r in results):.1f} ms "
          f"(evaluated {max(r['quiet_evaluated'] for r in results)})")
    ctx.engine.dispose()


def main() -> None:
    """Generate the cases once, then measure on SQLite and, with --postgres, on PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (database created and dropped)")
    args = parser.parse_args()
    print(f"Hall case benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.cases:,} cases, "
          f"first sweep on {FIRST_SWEEP}")
    t0 = time.perf_counter()
    rows = generate(args.cases)
    print(f"(generated {len(rows):,} cases with the domain rules in {time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory(prefix="hall-bench-cases-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'hall.db'}", rows, args.runs, "SQLite")
    if args.postgres:
        import psycopg

        name = f"hall_bench_cases_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            run(PG_URL.format(db=name), rows, args.runs, "PostgreSQL")
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
