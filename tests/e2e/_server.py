"""A real hall server as a subprocess for browser tests: the demo hall on a free port and its own var dir."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "hall-demo"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HallServer:
    """`python -m hall serve --demo --no-devices` on a port, with start, stop and restart."""

    def __init__(self, var_dir: Path, port: int | None = None) -> None:
        self.var_dir = Path(var_dir)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / "server.log"

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 40.0) -> HallServer:
        """Start the server and wait until /healthz answers."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, HALL_VAR_DIR=str(self.var_dir), HALL_PUBLIC_URL=self.url)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "hall", "serve", "--demo", "--no-devices",
                                         "--host", "127.0.0.1", "--port", str(self.port)],
                                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hall server exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as res:
                    if res.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the hall server did not answer /healthz within {timeout} s")

    def stop(self) -> None:
        """Stop the server process (and only it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def tokens(self) -> dict[str, str]:
        """The demo devices' tokens (kiosk-1, screen-hall, agent-1)."""
        return json.loads((self.var_dir / "demo-devices.json").read_text())

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """Call the REST API; returns (status, JSON body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, _json_or_none(res.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _json_or_none(exc.read())

    def staff_token(self, username: str) -> str:
        """An API token for a demo account."""
        status, body = self.request("POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
        assert status == 200, body
        return body["token"]

    def issue(self, service_id: int) -> dict:
        """Issue a ticket with the kiosk's token, as a citizen at the kiosk would."""
        status, body = self.request("POST", "/api/v1/tickets", {"service_id": service_id, "print": False},
                                    token=self.tokens()["kiosk-1"])
        assert status == 201, body
        return body


def _json_or_none(raw: bytes):
    """A response body as JSON, or None when it is empty or not JSON (an HTML error page)."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def launch_browser(playwright):
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
