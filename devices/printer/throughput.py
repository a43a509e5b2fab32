"""Measure ticket printing throughput: ESC/POS driver to emulator over TCP, PNGs rendered.

Run: python -m devices.printer.throughput [--jobs 300] [--clients 4] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time

from devices.ports import PrintResult, TicketPrintout
from devices.printer.emulator import PrinterEmulator
from devices.printer.escpos_driver import EscPosPrinter


def sample(i: int) -> TicketPrintout:
    """A realistic ticket, different for every job (number and QR change)."""
    return TicketPrintout(
        hall_name="某某县政务服务中心",
        number=f"A{i % 1000:03d}",
        service_name="企业投资项目备案（内资）",
        service_name_en="Enterprise investment project filing",
        people_ahead=i % 40,
        estimated_wait_s=(i % 40) * 90 or None,
        issued_at="2026-11-23T09:30:00+08:00",
        status_url=f"http://hall.local/t/{i:012x}",
        priority=i % 10 == 0,
    )


def run(jobs: int, clients: int, out_dir: str | None) -> float:
    """Print `jobs` tickets from `clients` threads; return jobs per second until all are rendered."""
    with PrinterEmulator(out_dir=out_dir) as emulator:
        failures: list[PrintResult] = []

        def client(k: int) -> None:
            printer = EscPosPrinter(emulator.address)
            for i in range(k, jobs, clients):
                result = printer.print_ticket(sample(i))
                if result is not PrintResult.OK:
                    failures.append(result)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        emulator.wait_for_jobs(jobs, timeout=120)
        elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} jobs failed: {set(failures)}")
    return jobs / elapsed


def main(argv: list[str] | None = None) -> None:
    """Command line: print the jobs/s of each run and their median."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=300)
    ap.add_argument("--clients", type=int, default=4, help="printers' worth of parallel senders")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-png", action="store_true", help="keep text only (no rendering)")
    args = ap.parse_args(argv)
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            rate = run(args.jobs, args.clients, None if args.no_png else tmp)
            rates.append(rate)
            print(f"run {n + 1}: {rate:.0f} jobs/s")
    print(
        f"median: {statistics.median(rates):.0f} jobs/s ({args.jobs} jobs, {args.clients} clients, "
        f"{'text only' if args.no_png else 'PNG rendered'})"
    )


if __name__ == "__main__":
    main()
