"""Who is acting: a member of staff, a device, or the hall's own jobs."""

from __future__ import annotations

from dataclasses import dataclass

STAFF_ROLES = ("clerk", "window_lead", "duty_officer", "supervisor", "director", "admin")
DEVICE_KINDS = ("kiosk", "screen", "agent")
#: Roles that may act on any window, not only the one they hold.
WINDOW_OVERSEERS = frozenset({"window_lead", "supervisor", "director", "admin"})
#: Roles that may reinstate a no-show ticket at the service desk.
DESK_ROLES = frozenset({"duty_officer", "window_lead", "supervisor", "director", "admin"})


@dataclass(frozen=True)
class Actor:
    """The caller of a service: staff (with a role), a device (with a kind), or the system."""

    kind: str  # "staff" | "device" | "system"
    id: str
    role: str = ""
    staff_id: int | None = None
    name: str = ""

    @property
    def label(self) -> str:
        """How the event log names this actor."""
        return f"{self.kind}:{self.id}"

    @property
    def is_staff(self) -> bool:
        """True for a member of staff."""
        return self.kind == "staff"

    def has_role(self, *roles: str) -> bool:
        """True for staff holding one of the roles."""
        return self.is_staff and self.role in roles


SYSTEM = Actor("system", "hall")
