"""A real hall server in a child process, for tests that talk to it over HTTP and Socket.IO."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveHall:
    """`python -m hall serve` on a port of its own, with its own database and var folder."""

    def __init__(self, var_dir: Path, database_url: str | None = None, *, port: int | None = None,
                 env: dict | None = None, demo: bool = False) -> None:
        self.var_dir = Path(var_dir)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HALL_VAR_DIR": str(self.var_dir), "HALL_PUBLIC_URL": self.url,
                    "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env.pop("DATABASE_URL", None)
        self.env.pop("MESSAGE_QUEUE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if env:
            self.env.update(env)
        self.demo = demo
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / f"server-{self.port}.log"

    def cli(self, *args: str) -> str:
        """Run `python -m hall …` against this hall's database; returns its output."""
        done = subprocess.run([sys.executable, "-m", "hall", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"hall {' '.join(args)} failed: {done.stderr}")
        return done.stdout.strip()

    def start(self, timeout: float = 60.0) -> LiveHall:
        """Start the server and wait until /healthz answers."""
        args = [sys.executable, "-m", "hall", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.demo:
            args += ["--demo", "--no-devices"]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hall server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the hall server did not answer: {self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGKILL to simulate a crash)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def tokens(self) -> dict:
        """The demo devices' tokens (kiosk-1, screen-hall, agent-1), with demo=True."""
        return json.loads((self.var_dir / "demo-devices.json").read_text())

    def staff_token(self, username: str, password: str = "hall-demo") -> str:
        """An API token for a staff member."""
        r = requests.post(self.url + "/api/v1/auth/token", json={"username": username, "password": password},
                          timeout=10)
        r.raise_for_status()
        return r.json()["token"]

    def api(self, method: str, path: str, token: str, body: dict | None = None) -> requests.Response:
        """Call the REST API with a bearer token."""
        return requests.request(method, self.url + path, json=body if body is not None else {},
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """Call the REST API; returns (status, JSON body or None)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = requests.request(method, self.url + path, json=body, headers=headers, timeout=10)
        try:
            return r.status_code, r.json() if r.content else None
        except ValueError:
            return r.status_code, None

    def issue(self, service_id: int) -> dict:
        """Issue a ticket with the demo kiosk's token, as a citizen at the kiosk would."""
        status, body = self.request("POST", "/api/v1/tickets", {"service_id": service_id, "print": False},
                                    token=self.tokens["kiosk-1"])
        assert status == 201, body
        return body
