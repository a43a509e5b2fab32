"""End-to-end fixtures: the demo hall served by a real server process, and Debian's headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.config import ROOT
from tests.e2e.browser import launch_browser
from tests.live import LiveHall

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def hall_server(tmp_path_factory):
    """`python -m hall serve --demo --no-devices` on a free port, for the whole session."""
    hall = LiveHall(tmp_path_factory.mktemp("hall-var"), demo=True).start()
    yield hall
    hall.stop()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium shared by the session's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots a person looks at (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
