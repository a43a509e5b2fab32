"""The hall's Flask app on a fresh database (SQLite and PostgreSQL) with the small test hall, and its clients."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import jsonschema  # every response body is checked against the OpenAPI schemas
import pytest
from sqlalchemy import func, select

from hall.config import Settings
from hall.services import access
from hall.services.actors import SYSTEM
from hall.services.context import HallContext
from hall.services.hall_config import load_hall
from hall.store.migrate import upgrade
from hall.store.models import Event, Staff, Ticket
from hall.web.app import create_app
from hall.web.openapi import spec
from tests.conftest import SMALL_HALL, TestClock, _truncate_all

PASSWORD = "hall-demo"


@pytest.fixture(scope="session")
def loaded_sqlite_hall(tmp_path_factory) -> Path:
    """A SQLite file with the small test hall loaded once (loading hashes every staff password)."""
    path = tmp_path_factory.mktemp("hall-template") / "hall.db"
    ctx = HallContext.create(Settings(database_url=f"sqlite:///{path}", async_mode="threading"), clock=TestClock())
    upgrade(ctx.engine)
    load_hall(ctx, SYSTEM, SMALL_HALL)
    ctx.engine.dispose()
    return path


@pytest.fixture
def app(db_url, tmp_path, loaded_sqlite_hall):
    """The hall server with the small test hall loaded; its context is app.extensions["hall"]."""
    if db_url.startswith("sqlite:"):
        shutil.copyfile(loaded_sqlite_hall, db_url.removeprefix("sqlite:///"))
    settings = Settings(database_url=db_url, async_mode="threading", var_dir=tmp_path, public_url="http://hall.test")
    application = create_app(settings, clock=TestClock())
    application.config["TESTING"] = True
    ctx = application.extensions["hall"]
    if ctx.postgres:
        _truncate_all(ctx.engine)
        load_hall(ctx, SYSTEM, SMALL_HALL)
    yield application
    ctx.engine.dispose()


@pytest.fixture
def hall_ctx(app):
    """The app's hall context."""
    return app.extensions["hall"]


@pytest.fixture
def client(app):
    """A test client with no credentials."""
    return app.test_client()


@cache
def _templates() -> list[tuple[re.Pattern, str]]:
    """The spec's path templates as patterns, literal segments before parameters (/tickets/no-show first)."""
    paths = sorted(spec()["paths"], key=lambda p: (p.count("{"), p))
    return [(re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(p)) + "$"), p) for p in paths]


def documented_schema(response) -> tuple[str, str, dict | None]:
    """The documented (path template, method, response schema) of an API response; fails if undocumented."""
    path, method = response.request.path, response.request.method.lower()
    template = next((t for pattern, t in _templates() if pattern.match(path)), None)
    assert template is not None, f"{path} is not in the OpenAPI description"
    operation = spec()["paths"][template].get(method)
    assert operation is not None, f"{method.upper()} {template} is not in the OpenAPI description"
    entry = operation["responses"].get(str(response.status_code))
    assert entry is not None, f"{method.upper()} {template} answered {response.status_code}, which is not documented"
    content = entry.get("content")
    if content and "application/json" not in content:
        return template, method, {"media": next(iter(content))}
    return template, method, content["application/json"]["schema"] if content else None


def check_documented(response, seen: set | None = None):
    """Assert the response is what the OpenAPI description says for its path, method and status."""
    template, method, schema = documented_schema(response)
    if schema is not None and set(schema) == {"media"}:  # a document (PDF), not JSON
        assert response.mimetype == schema["media"] and response.data, f"{template} answered {response.mimetype}"
        if seen is not None:
            seen.add((template, method, response.status_code))
        return response
    if schema is None:
        assert response.data == b"", f"{template} {response.status_code} has a body but none is documented"
    else:
        assert response.mimetype == "application/json"
    if schema is not None:
        jsonschema.Draft202012Validator({**schema, "components": spec()["components"]},
                                        format_checker=jsonschema.FormatChecker()).validate(response.get_json())
    if seen is not None:
        seen.add((template, method, response.status_code))
    return response


class Api:
    """Calls /api/v1 with a bearer token; every response is checked against the OpenAPI description."""

    def __init__(self, client, token: str | None, seen: set | None = None) -> None:
        self.client = client
        self.token = token
        self.seen = seen

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str):
        """GET /api/v1<path>."""
        return check_documented(self.client.get(f"/api/v1{path}", headers=self._headers()), self.seen)

    def post(self, path: str, json=None, **kwargs):
        """POST /api/v1<path> with a JSON body (or raw `data=` and `content_type=`)."""
        if "data" not in kwargs:
            kwargs["json"] = {} if json is None else json
        return check_documented(self.client.post(f"/api/v1{path}", headers=self._headers(), **kwargs), self.seen)

    def put(self, path: str, json=None):
        """PUT /api/v1<path> with a JSON body."""
        return check_documented(self.client.put(f"/api/v1{path}", headers=self._headers(),
                                                json={} if json is None else json), self.seen)


@pytest.fixture
def seen() -> set:
    """The (path template, method, status) of every response a test's API clients received."""
    return set()


@pytest.fixture
def anonymous(client, seen):
    """The API with no credentials."""
    return Api(client, None, seen)


@pytest.fixture
def as_staff(client, hall_ctx, seen):
    """A factory: the API as a test-hall staff member (by username), with a fresh staff token."""
    def make(username: str) -> Api:
        with hall_ctx.read() as s:
            staff = s.execute(select(Staff).where(Staff.username == username)).scalar_one()
        return Api(client, access.issue_staff_token(hall_ctx, staff), seen)
    return make


@pytest.fixture
def device(client, hall_ctx, seen):
    """A factory: the API as a device of a kind, with a fresh device token."""
    def make(kind: str, device_id: str | None = None) -> Api:
        return Api(client, access.device_token(hall_ctx, SYSTEM, device_id or f"{kind}-1", kind), seen)
    return make


@pytest.fixture
def kiosk(device):
    """The API as kiosk-1."""
    return device("kiosk")


@pytest.fixture
def ids(client, kiosk):
    """Service ids by code and window ids by number, read through the API."""
    services = {s["code"]: s["id"] for s in kiosk.get("/services").get_json()}
    windows = {w["number"]: w["id"] for w in kiosk.get("/windows").get_json()}
    return {"services": services, "windows": windows}


def counts(ctx) -> tuple[int, int]:
    """How many tickets and events the hall holds (to show that a refused request changed nothing)."""
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket)), s.scalar(select(func.count()).select_from(Event))
