"""The administration commands, run as an administrator would: `python -m hall …` against a real database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import SMALL_HALL
from tests.live import ROOT, LiveHall


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A hall database with the small test hall, and a server on it."""
    server = LiveHall(tmp_path_factory.mktemp("cli"))
    assert "changes: hall 1" in server.cli("hall", "load", str(SMALL_HALL))
    server.start()
    yield server
    server.stop()


def test_loading_the_configuration_again_changes_nothing(hall):
    """The second load reports no change at all."""
    assert hall.cli("hall", "load", str(SMALL_HALL)) == "changes: hall 0, departments 0, services 0, windows 0, staff 0"


def test_users_add_creates_an_account_that_can_log_in(hall):
    """A new supervisor account gets an API token with its role."""
    assert "saved" in hall.cli("users", "add", "wangjun", "--role", "supervisor", "--password", "long-enough-1",
                               "--full-name", "王军")
    status, body = hall.request("POST", "/api/v1/auth/token", {"username": "wangjun", "password": "long-enough-1"})
    assert status == 200 and body["role"] == "supervisor"


def test_users_add_refuses_a_short_password(hall):
    """Bad input is refused with a message and exit code 2."""
    done = subprocess.run([sys.executable, "-m", "hall", "users", "add", "x", "--role", "clerk", "--password", "short"],
                          cwd=ROOT, env=hall.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "at least 8 characters" in done.stderr


def test_devices_token_creates_the_device_and_its_token_works(hall):
    """A new kiosk's token issues tickets; a screen's token may not."""
    kiosk = hall.cli("devices", "token", "kiosk-lobby", "--kind", "kiosk", "--no-printer")
    screen = hall.cli("devices", "token", "screen-lobby", "--kind", "screen")
    assert hall.request("POST", "/api/v1/tickets", {"service_id": 1}, token=kiosk)[0] == 201
    assert hall.request("POST", "/api/v1/tickets", {"service_id": 1}, token=screen)[0] == 403
    again = hall.cli("devices", "token", "kiosk-lobby", "--kind", "kiosk")
    assert again != kiosk and hall.request("GET", "/api/v1/services", token=kiosk)[0] == 200


def test_audit_verify_finds_a_changed_entry(hall, tmp_path):
    """verify passes on the real log and fails (exit 1) once an entry was edited behind the server's back."""
    assert hall.cli("audit", "verify").startswith("audit log OK")
    hall.stop()
    try:
        conn = sqlite3.connect(hall.var_dir / "hall.db")
        conn.execute("UPDATE events SET payload = replace(payload, 'A00', 'Z00') WHERE type = 'ticket.issued'")
        conn.commit()
        conn.close()
        done = subprocess.run([sys.executable, "-m", "hall", "audit", "verify"], cwd=ROOT, env=hall.env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and "BROKEN" in done.stdout
    finally:
        hall.start()
