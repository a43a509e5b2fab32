"""End-to-end fixtures: the real hall server as a subprocess (demo hall) and a headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hall.config import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, object]:
    """Call the server's REST API; returns (status, decoded JSON or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json"})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


@dataclass
class HallServer:
    """A running demo hall: its base URL, var folder and the demo devices' tokens."""

    url: str
    var_dir: Path
    tokens: dict[str, str]
    process: subprocess.Popen
    _staff_tokens: dict[str, str] = field(default_factory=dict)

    def staff_token(self, username: str, password: str = "hall-demo") -> str:
        """An API token for a demo staff account (cached per username)."""
        if username not in self._staff_tokens:
            status, data = http_json("POST", f"{self.url}/api/v1/auth/token",
                                     {"username": username, "password": password})
            assert status == 200, f"cannot log in as {username}: {data}"
            self._staff_tokens[username] = data["token"]
        return self._staff_tokens[username]

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """Call /api/v1 on this server; returns (status, JSON)."""
        return http_json(method, f"{self.url}{path}", body, token)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hall server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the hall server did not answer /healthz in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def hall_server(tmp_path_factory):
    """The demo hall served by `python -m hall serve --demo --no-devices` on a free port, for the whole session."""
    var_dir = tmp_path_factory.mktemp("hall-var")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HALL_VAR_DIR": str(var_dir), "HALL_PUBLIC_URL": url}
    env.pop("DATABASE_URL", None)
    env.pop("MESSAGE_QUEUE_URL", None)
    log = var_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "hall", "serve", "--demo", "--no-devices",
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, process, log)
        tokens = json.loads((var_dir / "demo-devices.json").read_text())
        yield HallServer(url=url, var_dir=var_dir, tokens=tokens, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Debian's), shared by the session's tests."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (scripts/setup.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots a person looks at (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
