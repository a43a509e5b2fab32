"""Queue benchmark: tickets issued per second over HTTP, printed per second, with 1,000,000 tickets of history,
and call-to-screen latency over every delivery to 200 connected screens. One server process on SQLite.

    .venv/bin/python bench/queue.py [--seconds 5] [--screens 200] [--calls 50] [--history 1000000] [--runs 3]
"""

from __future__ import annotations

import os
import sys

# Run as `python bench/queue.py`, this folder comes first on sys.path and this file would hide the
# standard library's `queue` module from everything imported below: take the folder off the path.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import asyncio
import http.client
import json
import multiprocessing as mp
import signal
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SMALL_HALL  # noqa: E402
from tests.live import LiveHall, free_port  # noqa: E402

# -- load generation: separate processes, keep-alive connections ------------------------------

def _issue_worker(port: int, token: str, seconds: float, service_ids: list[int], out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    done, errors, latencies = 0, 0, []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        body = json.dumps({"service_id": service_ids[i % len(service_ids)]})
        i += 1
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/tickets", body, headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status == 201:
            done += 1
        else:
            errors += 1
    out.put((done, errors, latencies))


def issue_rate(port: int, token: str, seconds: float, workers: int = 4) -> dict:
    """Tickets per second that `workers` concurrent kiosks get issued over HTTP."""
    out: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_issue_worker, args=(port, token, seconds, [1, 2, 3, 4], out)) for _ in range(workers)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    issued = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {"issued": issued, "errors": sum(r[1] for r in results), "per_s": issued / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2], "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)]}


def close_queue(db_path: Path) -> None:
    """Close every waiting ticket (as the hall does at closing time), so each run starts from an empty queue.

    Issuing counts the people ahead, which costs in proportion to the queue: without this, every
    run would start behind a longer queue than the one before and the comparison would be unfair.
    """
    import sqlite3

    conn = sqlite3.connect(db_path, timeout=30)
    conn.execute("UPDATE tickets SET status = 'abandoned' WHERE status = 'waiting'")
    conn.commit()
    conn.close()


def issue_runs(hall: LiveHall, token: str, seconds: float, runs: int) -> list[dict]:
    """`runs` measurements of the issue rate, each from an empty queue."""
    results = []
    for _ in range(runs):
        close_queue(hall.var_dir / "hall.db")
        results.append(issue_rate(hall.port, token, seconds))
    return results


# -- history ---------------------------------------------------------------------------------

def add_history(db_path: Path, count: int) -> None:
    """Insert `count` finished tickets over past days, straight into SQLite, as a year of a busy hall leaves."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    day0 = date(2025, 11, 1)
    per_day = 3000
    rows = []
    base = datetime(2025, 11, 1, 1, 0)
    for n in range(count):
        day = day0 + timedelta(days=n // per_day)
        seq = n % per_day + 1
        service = n % 4 + 1
        prefix = "ABCB"[service - 1] if service != 4 else "C"
        issued = base + timedelta(days=n // per_day, seconds=seq * 9)
        called = issued + timedelta(minutes=10)
        rows.append((f"h{n}", service, prefix, day.isoformat(), seq + 10_000, f"{prefix}{seq:03d}", 0, "finished",
                     issued.isoformat(sep=" "), issued.isoformat(sep=" "), called.isoformat(sep=" "),
                     called.isoformat(sep=" "), (called + timedelta(minutes=6)).isoformat(sep=" "), 0))
        if len(rows) == 50_000:
            _flush(conn, rows)
    _flush(conn, rows)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def _flush(conn, rows: list) -> None:
    conn.executemany(
        "INSERT INTO tickets (token, service_id, prefix, day, seq, number, priority, status, issued_at, queued_at, "
        "called_at, started_at, finished_at, recalls) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    rows.clear()


# -- printing --------------------------------------------------------------------------------

def printed_rate(hall: LiveHall, kiosk_token: str, agent_token: str, tickets: int) -> dict:
    """Issue `tickets` from a kiosk with a printer; time until the emulated printer has printed them all."""
    import subprocess

    from devices.printer.emulator import PrinterEmulator

    emulator = PrinterEmulator("127.0.0.1", 0, out_dir=hall.var_dir / "printouts")
    emulator.start()
    agent = subprocess.Popen([sys.executable, "-m", "devices.agent", "--server", hall.url, "--token", agent_token,
                              "--printer", f"kiosk-p=tcp://127.0.0.1:{emulator.port}", "--name", "bench"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        close_queue(hall.var_dir / "hall.db")
        time.sleep(2.0)  # the agent connects and says hello
        before = len(emulator.jobs)
        start = time.perf_counter()
        result = issue_rate_fixed(hall.port, kiosk_token, tickets)
        issued_done = time.perf_counter()
        emulator.wait_for_jobs(before + tickets, timeout=max(60.0, tickets / 20))
        printed_done = time.perf_counter()
        printed = len(emulator.jobs) - before
        return {"issued_per_s": tickets / (issued_done - start), "printed": printed,
                "printed_per_s": printed / (printed_done - start), "kiosk_p50_ms": result["p50_ms"],
                "kiosk_p99_ms": result["p99_ms"]}
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(timeout=10)
        emulator.stop()


def _fixed_worker(port: int, token: str, count: int, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    for i in range(count):
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/tickets", json.dumps({"service_id": i % 4 + 1}), headers)
        conn.getresponse().read()
        latencies.append(time.perf_counter() - t0)
    out.put(latencies)


def issue_rate_fixed(port: int, token: str, tickets: int, workers: int = 4) -> dict:
    """Issue exactly `tickets` tickets with `workers` kiosks; response latencies."""
    out: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_fixed_worker, args=(port, token, tickets // workers, out)) for _ in range(workers)]
    for p in procs:
        p.start()
    latencies = sorted(x for _ in procs for x in out.get())
    for p in procs:
        p.join()
    return {"p50_ms": 1000 * latencies[len(latencies) // 2], "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)]}


# -- call-to-screen latency --------------------------------------------------------------------

def _screens_worker(url: str, token: str, count: int, ready: mp.Event, go: mp.Event, out: mp.Queue) -> None:
    """`count` screens on /display, each a bare Engine.IO/Socket.IO v5 websocket (the real wire protocol).

    A full client library per screen costs more CPU than the server's delivery on this 2-core
    machine; reading frames directly keeps the clients out of the figure they measure.
    """
    import aiohttp

    ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    connect = "40/display," + json.dumps({"token": token})

    async def screen(session, received, connected) -> None:
        async with session.ws_connect(ws_url) as ws:
            await ws.receive()  # Engine.IO open packet
            await ws.send_str(connect)
            async for message in ws:
                data = message.data
                if data == "2":  # Engine.IO ping
                    await ws.send_str("3")
                elif data.startswith("40/display"):
                    connected.append(1)
                elif data.startswith('42/display,["ticket.called"'):
                    received.append((json.loads(data[len("42/display,"):])[1]["seq"], time.time()))
                if go.is_set() and not data.startswith("42"):
                    break

    async def main() -> list[tuple[int, float]]:
        received: list[tuple[int, float]] = []
        connected: list[int] = []
        async with aiohttp.ClientSession() as session:
            tasks = [asyncio.create_task(screen(session, received, connected)) for _ in range(count)]
            while len(connected) < count:
                await asyncio.sleep(0.05)
            ready.set()
            while not go.is_set():
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return received

    out.put(asyncio.run(main()))


def call_latency(hall: LiveHall, screen_token: str, kiosk_token: str, screens: int, calls: int,
                 processes: int = 2) -> dict:
    """p50/p99 from the clerk's call-next request to each screen receiving ticket.called.

    The screens are spread over a few client processes so that the clients' own work of reading
    200 messages does not stand in the figure for the server's delivery time.
    """
    import requests

    procs, readies, go, out = [], [], mp.Event(), mp.Queue()
    per = [screens // processes + (1 if i < screens % processes else 0) for i in range(processes)]
    for count in per:
        ready = mp.Event()
        p = mp.Process(target=_screens_worker, args=(hall.url, screen_token, count, ready, go, out))
        p.start()
        procs.append(p)
        readies.append(ready)
    for ready in readies:
        ready.wait(timeout=120)
    clerk = hall.staff_token("clerk03")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {clerk}"}
    session.post(hall.url + "/api/v1/windows/3/open", json={}, headers=headers)
    warm_up = 5  # the first calls after a start compile statements and fill caches: not measured
    for _ in range(calls + warm_up):
        session.post(hall.url + "/api/v1/tickets", json={"service_id": 4}, headers={"Authorization": f"Bearer {kiosk_token}"})
    send_times: list[float] = []
    for _ in range(warm_up):
        session.post(hall.url + "/api/v1/windows/3/call-next", json={}, headers=headers)
        session.post(hall.url + "/api/v1/windows/3/finish", json={}, headers=headers)
    time.sleep(0.5)
    for _ in range(calls):
        send_times.append(time.time())
        assert session.post(hall.url + "/api/v1/windows/3/call-next", json={}, headers=headers).status_code == 200
        session.post(hall.url + "/api/v1/windows/3/finish", json={}, headers=headers)
        time.sleep(0.05)
    go.set()
    received = [item for _ in procs for item in out.get()]
    for p in procs:
        p.join()
    # The k-th ticket.called sequence number belongs to the k-th call sent (one clerk calls in turn);
    # the warm-up calls are the first ones.
    measured_seqs = sorted({seq for seq, _ in received})[warm_up:]
    by_seq = dict(zip(measured_seqs, send_times, strict=True))
    received = [(seq, t) for seq, t in received if seq in by_seq]
    latencies = sorted(1000 * (t - by_seq[seq]) for seq, t in received)
    return {"deliveries": len(latencies), "expected": screens * calls,
            "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[int(len(latencies) * 0.99)],
            "max_ms": latencies[-1]}


# -- main --------------------------------------------------------------------------------------

def fresh_hall(tmp: Path, name: str) -> tuple[LiveHall, dict]:
    """A server with the small test hall and the devices the benchmark uses."""
    hall = LiveHall(tmp / name, f"sqlite:///{tmp / name / 'hall.db'}", port=free_port(),
                    env={"HALL_ASYNC_MODE": "eventlet"})
    hall.cli("hall", "load", str(SMALL_HALL))
    tokens = {
        "kiosk": hall.cli("devices", "token", "kiosk-bench", "--kind", "kiosk", "--no-printer"),
        "kiosk_printer": hall.cli("devices", "token", "kiosk-p", "--kind", "kiosk"),
        "screen": hall.cli("devices", "token", "screen-bench", "--kind", "screen"),
        "agent": hall.cli("devices", "token", "agent-bench", "--kind", "agent"),
    }
    return hall, tokens


def median_of(runs: list[dict], key: str) -> float:
    """The median of one figure over the runs."""
    return statistics.median(r[key] for r in runs)


def runs_text(runs: list[dict], key: str = "per_s") -> str:
    """Each run's figure, for the record."""
    return ", ".join(f"{r[key]:.0f}" for r in runs)


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--printed", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmpdir:
        tmp = Path(tmpdir)
        print(f"Hall queue benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, one server process, SQLite, eventlet")

        hall, tokens = fresh_hall(tmp, "empty")
        hall.start()
        try:
            empty = issue_runs(hall, tokens["kiosk"], args.seconds, args.runs)
            print(f"issue over HTTP, empty database:      median {median_of(empty, 'per_s'):7.0f} tickets/s "
                  f"(runs {runs_text(empty)}; p50 {median_of(empty, 'p50_ms'):.1f} ms, "
                  f"p99 {median_of(empty, 'p99_ms'):.1f} ms; errors {sum(r['errors'] for r in empty)})")
            printing = [printed_rate(hall, tokens["kiosk_printer"], tokens["agent"], args.printed)
                        for _ in range(args.runs if args.printed else 0)]
            if printing:
                print(f"issue with the printer path on:       median {median_of(printing, 'issued_per_s'):7.0f} tickets/s "
                      f"issued, {median_of(printing, 'printed_per_s'):.0f} printed/s "
                      f"({args.printed} tickets a run, all printed: {all(r['printed'] >= args.printed for r in printing)}; "
                      f"kiosk p99 {median_of(printing, 'kiosk_p99_ms'):.1f} ms)")
            latency = [call_latency(hall, tokens["screen"], tokens["kiosk"], args.screens, args.calls)
                       for _ in range(args.runs)]
            print(f"call → screen, {args.screens} screens × {args.calls} calls: median p50 "
                  f"{median_of(latency, 'p50_ms'):.1f} ms, median p99 {median_of(latency, 'p99_ms'):.1f} ms "
                  f"(p99 of runs {runs_text(latency, 'p99_ms')} ms; deliveries "
                  f"{sum(r['deliveries'] for r in latency)} of {sum(r['expected'] for r in latency)})")
        finally:
            hall.stop()

        if args.history:
            hall.stop()
            t0 = time.perf_counter()
            add_history(Path(hall.var_dir / "hall.db"), args.history)
            print(f"(added {args.history:,} tickets of history in {time.perf_counter() - t0:.0f} s)")
            hall.start()
            try:
                full = issue_runs(hall, tokens["kiosk"], args.seconds, args.runs)
                ratio = median_of(full, "per_s") / median_of(empty, "per_s")
                print(f"issue over HTTP, {args.history:,} history: median {median_of(full, 'per_s'):7.0f} tickets/s "
                      f"(runs {runs_text(full)}; {ratio:.0%} of the empty figure; "
                      f"p99 {median_of(full, 'p99_ms'):.1f} ms)")
            finally:
                hall.stop()


if __name__ == "__main__":
    main()
