"""Loading the hall's configuration file: departments, windows, service items, staff (idempotent)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from hall.config import ROOT
from hall.domain.numbering import valid_prefix
from hall.services.actors import STAFF_ROLES, Actor
from hall.services.context import HallContext
from hall.services.errors import Invalid
from hall.store.models import Department, HallSettings, ServiceItem, Staff, Window, WindowService

DEMO_HALL = ROOT / "hall" / "data" / "demo_hall.toml"

HALL_FIELDS = ("name", "name_en", "timezone", "opening_time", "closing_time", "recall_limit",
               "reinstate_minutes", "reinstate_places_back")
DEPARTMENT_FIELDS = ("name", "name_en", "theme")
SERVICE_FIELDS = ("name", "name_en", "prefix", "item_class", "case_type", "promised_days", "statutory_days",
                  "legal_basis", "content", "procedure", "materials", "workflow", "fee", "consult_phone")
STAFF_FIELDS = ("name", "role", "badge", "title")


def validate(config: dict) -> None:
    """Refuse a configuration that breaks the hall's rules, naming the entry."""
    for service in config.get("services", []):
        code = service.get("code", "?")
        if not valid_prefix(service.get("prefix", "")):
            raise Invalid("service %(code)s: the ticket prefix must be one capital letter", code=code)
        promised, statutory = service.get("promised_days", 0), service.get("statutory_days", 1)
        if promised >= statutory:
            raise Invalid("service %(code)s: the promised limit (%(promised)s working days) must be shorter than "
                          "the statutory one (%(statutory)s)", code=code, promised=promised, statutory=statutory)
    for staff in config.get("staff", []):
        if staff.get("role") not in STAFF_ROLES:
            raise Invalid("staff %(username)s: unknown role %(role)s",
                          username=staff.get("username"), role=repr(staff.get("role")))


def _apply(obj: Any, values: dict, fields: tuple[str, ...]) -> bool:
    changed = False
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


def load_hall(ctx: HallContext, actor: Actor, path: Path | str = DEMO_HALL) -> dict[str, int]:
    """Create or update everything the file describes; a second load of the same file changes nothing."""
    config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    validate(config)
    changes = {"hall": 0, "departments": 0, "services": 0, "windows": 0, "staff": 0}
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        hall = s.get(HallSettings, 1)
        if hall is None:
            hall = HallSettings(id=1, name="")
            s.add(hall)
        changes["hall"] += _apply(hall, config.get("hall", {}), HALL_FIELDS)

        departments = {d.code: d for d in s.execute(select(Department)).scalars()}
        for entry in config.get("departments", []):
            dept = departments.get(entry["code"])
            if dept is None:
                dept = departments[entry["code"]] = Department(code=entry["code"], name="", name_en="", theme="")
                s.add(dept)
                changes["departments"] += 1
            changes["departments"] += _apply(dept, entry, DEPARTMENT_FIELDS)
        s.flush()

        services = {x.code: x for x in s.execute(select(ServiceItem)).unique().scalars()}
        for entry in config.get("services", []):
            item = services.get(entry["code"])
            dept_id = departments[entry["department"]].id
            if item is None:
                item = services[entry["code"]] = ServiceItem(code=entry["code"], department_id=dept_id, active=True)
                s.add(item)
                changes["services"] += 1
            if item.department_id != dept_id:
                item.department_id = dept_id
                changes["services"] += 1
            changes["services"] += _apply(item, entry, SERVICE_FIELDS)
        s.flush()

        windows = {w.number: w for w in s.execute(select(Window)).unique().scalars()}
        served = {(ws.window_id, ws.service_id) for ws in s.execute(select(WindowService)).scalars()}
        for entry in config.get("windows", []):
            window = windows.get(entry["number"])
            dept_id = departments[entry["department"]].id
            if window is None:
                window = windows[entry["number"]] = Window(number=entry["number"], department_id=dept_id,
                                                           kind=entry.get("kind", "department"), state="closed")
                s.add(window)
                s.flush()
                changes["windows"] += 1
            changes["windows"] += _apply(window, {"department_id": dept_id, "kind": entry.get("kind", "department")},
                                         ("department_id", "kind"))
            wanted = {(window.id, services[code].id) for code in entry.get("services", [])}
            have = {pair for pair in served if pair[0] == window.id}
            for window_id, service_id in wanted - have:
                s.add(WindowService(window_id=window_id, service_id=service_id))
                changes["windows"] += 1
            for window_id, service_id in have - wanted:
                s.delete(s.get(WindowService, (window_id, service_id)))
                changes["windows"] += 1

        staff = {x.username: x for x in s.execute(select(Staff)).scalars()}
        for entry in config.get("staff", []):
            member = staff.get(entry["username"])
            if member is None:
                member = staff[entry["username"]] = Staff(username=entry["username"], active=True,
                                                          password_hash=generate_password_hash(entry["password"]))
                s.add(member)
                changes["staff"] += 1
            dept_code = entry.get("department") or None
            dept_id = departments[dept_code].id if dept_code else None
            changes["staff"] += _apply(member, {**entry, "department_id": dept_id}, STAFF_FIELDS + ("department_id",))
        s.flush()
        if any(changes.values()):
            uow.record("hall.configured", {"source": Path(path).name, "changes": changes})
        uow.after_commit(ctx.refs.clear)
        uow.commit()
    return changes
