"""ESC/POS thermal printer emulator on TCP (port 9100): prints each job to a PNG and to text.

Run: python -m devices.printer.emulator --port 9100 --out var/printouts [--paper-out]
         [--host 127.0.0.1] [--port-file FILE]
(SIGUSR1 toggles the paper roll while it runs.)
"""

from __future__ import annotations

import argparse
import itertools
import logging
import signal
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from devices.printer.escpos_parser import EscPosParser, JobContent, PrintedLine, QrBlock
from devices.printer.render import save_png

log = logging.getLogger(__name__)

STATUS_FIXED = 0x12  # bits 1 and 4 are always set in a DLE EOT answer
PAPER_END = 0x60 | 0x0C  # DLE EOT 4: roll end (bits 5-6) and near end (bits 2-3)
IDLE_TIMEOUT_S = 30.0


@dataclass
class PrintedJob:
    """One job as it came out of the printer: text, PNG, the bytes received and QR contents."""

    text_lines: list[str]
    png_path: Path | None
    raw_bytes: bytes
    qr_data: list[str]
    lines: list[PrintedLine] = field(default_factory=list)
    cut: bool = True
    at: float = field(default_factory=time.time)


class _Handler(socketserver.BaseRequestHandler):
    """One TCP connection: parse bytes, answer status queries, hand finished jobs over."""

    server: _Server

    def handle(self) -> None:
        """Serve the connection until the host closes it or it idles out."""
        emulator = self.server.emulator
        sock: socket.socket = self.request
        sock.settimeout(IDLE_TIMEOUT_S)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        parser = EscPosParser(emulator.status_byte)
        emulator._track(sock, add=True)
        try:
            while True:
                try:
                    data = sock.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                answers, jobs = parser.feed(data)
                if answers:
                    try:
                        sock.sendall(answers)
                    except OSError:
                        break
                for job in jobs:
                    emulator._complete(job)
            leftover = parser.close()
            if leftover:
                emulator._complete(leftover)
        finally:
            emulator._track(sock, add=False)


class _Server(socketserver.ThreadingTCPServer):
    """Threaded TCP server that knows its emulator."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: PrinterEmulator) -> None:
        """Bind the listening socket."""
        self.emulator = emulator
        super().__init__(address, _Handler)


class PrinterEmulator:
    """An 80 mm ESC/POS printer listening on TCP; tests and the demo hall print to it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        out_dir: Path | str | None = None,
        paper_out: bool = False,
        answer_status: bool = True,
    ) -> None:
        """Configure; `out_dir` None keeps text only, `answer_status` False makes it mute."""
        self.host = host
        self.requested_port = port
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.paper_out = paper_out
        self.answer_status = answer_status
        self.jobs: list[PrintedJob] = []
        self.discarded = 0  # jobs sent while out of paper: nothing came out
        self._cond = threading.Condition()
        self._seq = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()

    @property
    def port(self) -> int:
        """The TCP port actually listened on."""
        return self._server.server_address[1] if self._server else self.requested_port

    @property
    def address(self) -> str:
        """Address a driver is configured with."""
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> PrinterEmulator:
        """Listen and serve in a background thread."""
        self._server = _Server((self.host, self.requested_port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name=f"printer-{self.port}",
            kwargs={"poll_interval": 0.1},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open connections (as a printer switched off would)."""
        if not self._server:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._cond:
            conns = list(self._conns)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server = None

    def __enter__(self) -> PrinterEmulator:
        """Start on entering a with block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a with block."""
        self.stop()

    def status_byte(self, n: int) -> int | None:
        """Answer to DLE EOT n according to the paper roll (None when mute)."""
        if not self.answer_status:
            return None
        if n == 4:
            return STATUS_FIXED | (PAPER_END if self.paper_out else 0)
        if n == 2:  # offline cause: bit 5 = stopped by paper end
            return STATUS_FIXED | (0x20 if self.paper_out else 0)
        if n == 1:  # printer status: bit 3 = offline
            return STATUS_FIXED | (0x08 if self.paper_out else 0)
        return STATUS_FIXED

    def wait_for_jobs(self, n: int, timeout: float = 5.0) -> list[PrintedJob]:
        """Block until at least n jobs were printed (TimeoutError otherwise); return them all."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= n, timeout):
                raise TimeoutError(f"{len(self.jobs)} of {n} jobs printed within {timeout}s")
            return list(self.jobs)

    def _track(self, sock: socket.socket, add: bool) -> None:
        """Remember open connections so that stop() can drop them."""
        with self._cond:
            (self._conns.add if add else self._conns.discard)(sock)

    def _complete(self, content: JobContent) -> None:
        """A job ended: print it (unless out of paper) and render it."""
        if self.paper_out:
            with self._cond:
                self.discarded += 1
            log.info("printer %s out of paper: job discarded", self.port)
            return
        lines = [e for e in content.elements if isinstance(e, PrintedLine)]
        seq = next(self._seq)
        png = None
        if self.out_dir is not None:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.port}-{seq:05d}.png"
            png = save_png(content.elements, self.out_dir / name)
        job = PrintedJob(
            text_lines=[line.text for line in lines],
            png_path=png,
            raw_bytes=content.raw,
            qr_data=[e.data for e in content.elements if isinstance(e, QrBlock)],
            lines=lines,
            cut=content.cut,
        )
        with self._cond:
            self.jobs.append(job)
            self._cond.notify_all()
        log.info("printer %s job %d: %s", self.port, seq, " | ".join(job.text_lines[:3]))


def main(argv: list[str] | None = None) -> None:
    """Command line: run one emulated printer until interrupted."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9100)
    ap.add_argument("--out", default="var/printouts", help="folder for the PNG printouts")
    ap.add_argument("--paper-out", action="store_true", help="start with the paper roll empty")
    ap.add_argument("--port-file", help="write the port listened on here (useful with --port 0)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    emulator = PrinterEmulator(args.host, args.port, args.out, paper_out=args.paper_out).start()
    if args.port_file:  # written whole, then renamed: a reader never sees half a number
        tmp = Path(f"{args.port_file}.tmp")
        tmp.write_text(f"{emulator.port}\n")
        tmp.replace(args.port_file)
    stop = threading.Event()

    def toggle_paper(*_: object) -> None:
        emulator.paper_out = not emulator.paper_out
        log.info("paper %s", "out" if emulator.paper_out else "loaded")

    signal.signal(signal.SIGUSR1, toggle_paper)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info(
        "ESC/POS printer emulator on %s, printouts in %s%s",
        emulator.address,
        args.out,
        " (paper out)" if args.paper_out else "",
    )
    while not stop.wait(0.5):
        pass
    emulator.stop()


if __name__ == "__main__":
    main()
