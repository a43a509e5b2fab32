"""Staff accounts, device registration and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from hall.domain.refusal import Term
from hall.services.actors import DEVICE_KINDS, STAFF_ROLES, Actor
from hall.services.context import HallContext
from hall.services.errors import Invalid, NotFound
from hall.store.models import AccessToken, Department, Device, Staff

MIN_PASSWORD = 8


def token_hash(token: str) -> str:
    """Tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def staff_actor(staff: Staff) -> Actor:
    """The actor for a member of staff."""
    return Actor("staff", staff.username, role=staff.role, staff_id=staff.id, name=staff.name)


def device_actor(device: Device) -> Actor:
    """The actor for a device; its role is its kind."""
    return Actor("device", device.id, role=device.kind, name=device.name)


def add_user(ctx: HallContext, actor: Actor, username: str, role: str, password: str, *, name: str = "",
             badge: str = "", title: str = "", department_code: str | None = None) -> dict:
    """Create or update a staff account (the password is stored hashed)."""
    if role not in STAFF_ROLES:
        raise Invalid("role must be one of %(roles)s", roles=", ".join(STAFF_ROLES))
    if not username or not username.isascii() or len(username) > 64:
        raise Invalid("the username must be 1 to 64 ASCII characters")
    if len(password) < MIN_PASSWORD:
        raise Invalid("the password must have at least %(count)s characters", count=MIN_PASSWORD)
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        department_id = None
        if department_code:
            department = s.execute(select(Department).where(Department.code == department_code)).scalar_one_or_none()
            if department is None:
                raise NotFound("no department %(code)s", code=department_code)
            department_id = department.id
        staff = s.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
        if staff is None:
            staff = Staff(username=username)
            s.add(staff)
        staff.name, staff.role, staff.badge, staff.title = name or staff.name or username, role, badge, title
        staff.department_id = department_id if department_code is not None else staff.department_id
        staff.password_hash, staff.active = generate_password_hash(password), True
        s.flush()
        uow.record("staff.saved", {"staff_id": staff.id, "username": username, "role": role})
        uow.commit()
        return {"id": staff.id, "username": staff.username, "role": staff.role, "name": staff.name}


def authenticate(ctx: HallContext, username, password) -> Staff | None:
    """The active staff member with this username and password, or None."""
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    with ctx.read() as session:
        staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
        if staff is None or not staff.active or not check_password_hash(staff.password_hash, password):
            return None
        return staff


def issue_staff_token(ctx: HallContext, staff: Staff) -> str:
    """A fresh API token for a member of staff."""
    token = secrets.token_urlsafe(32)
    with ctx.unit_of_work(f"staff:{staff.username}") as uow:
        uow.session.add(AccessToken(token_hash=token_hash(token), staff_id=staff.id, created_at=uow.now))
        uow.record("token.issued", {"staff_id": staff.id})
        uow.commit()
    return token


def device_token(ctx: HallContext, actor: Actor, device_id: str, kind: str, *, name: str = "",
                 printer: str | None = None) -> str:
    """Create the device if new and return a fresh token for it (earlier tokens stay valid).

    A kiosk prints on the printer named `printer` (its own id by default; "" for none).
    """
    if kind not in DEVICE_KINDS:
        raise Invalid("kind must be one of %(kinds)s", kinds=", ".join(DEVICE_KINDS))
    if not device_id or not device_id.isascii() or len(device_id) > 64 or not device_id.replace("-", "").isalnum():
        raise Invalid("a device id is 1 to 64 letters, digits or dashes")
    token = secrets.token_urlsafe(32)
    with ctx.unit_of_work(actor.label) as uow:
        s = uow.session
        device = s.get(Device, device_id)
        if device is None:
            has_printer = kind == "kiosk" and printer != ""
            device = Device(id=device_id, kind=kind, name=name or device_id, created_at=uow.now,
                            printer=(printer or device_id) if has_printer else None)
            s.add(device)
            s.flush()
        elif device.kind != kind:
            raise Invalid("device %(device)s is a %(kind)s, not a %(wanted)s",
                          device=device_id, kind=Term(device.kind, "device kind"), wanted=Term(kind, "device kind"))
        elif printer is not None:
            device.printer = printer or None
        s.add(AccessToken(token_hash=token_hash(token), device_id=device_id, created_at=uow.now))
        uow.record("device.token_issued", {"device_id": device_id, "kind": kind})
        uow.after_commit(ctx.refs.clear)
        uow.commit()
    return token


def resolve_token(ctx: HallContext, token: str) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown or revoked."""
    if not token or len(token) > 200:
        return None
    return ctx.refs.tokens.get(token_hash(token), lambda: _resolve(ctx, token))


def _resolve(ctx: HallContext, token: str) -> Actor | None:
    with ctx.read() as session:
        row = session.execute(select(AccessToken).where(AccessToken.token_hash == token_hash(token))).scalar_one_or_none()
        if row is None or row.revoked_at is not None:
            return None
        if row.staff_id is not None:
            staff = session.get(Staff, row.staff_id)
            return staff_actor(staff) if staff is not None and staff.active else None
        device = session.get(Device, row.device_id)
        return device_actor(device) if device is not None else None


def load_staff(ctx: HallContext, staff_id: int) -> Staff | None:
    """A staff member by id (for the login session)."""
    with ctx.read() as session:
        staff = session.get(Staff, staff_id)
        return staff if staff is not None and staff.active else None
