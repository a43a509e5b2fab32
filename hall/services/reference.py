"""Reference data read on every request (hall settings, service items, devices, tokens), cached briefly.

The hot paths (issuing a ticket above all) read these on every call; they change only when the
hall's configuration is loaded or a device is registered. Each process keeps them for a few
seconds at most, and drops them at once when it changes them itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TTL_S = 5.0


@dataclass(frozen=True)
class HallInfo:
    """The hall's settings as the queue rules need them."""

    name: str
    name_en: str
    timezone: str
    opening_time: str
    closing_time: str
    recall_limit: int
    reinstate_minutes: int
    reinstate_places_back: int


@dataclass(frozen=True)
class ServiceInfo:
    """A service item as issuing a ticket needs it."""

    id: int
    prefix: str
    name: str
    name_en: str
    active: bool


class TTLCache:
    """A small thread-safe map whose entries expire after `ttl` seconds."""

    def __init__(self, ttl: float = TTL_S) -> None:
        self.ttl = ttl
        self._data: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        """The cached value, or `load()` stored for next time."""
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            self._data[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget everything (after this process changed the data)."""
        with self._lock:
            self._data.clear()


class References:
    """The per-process caches of one hall database."""

    def __init__(self) -> None:
        self.halls = TTLCache()
        self.services = TTLCache()
        self.printers = TTLCache()
        self.tokens = TTLCache()

    def hall(self, session) -> HallInfo:
        """The hall's settings (defaults when none were loaded)."""
        from hall.store.models import HallSettings

        def load() -> HallInfo:
            row = session.get(HallSettings, 1)
            if row is None:
                return HallInfo("政务服务中心", "Government Service Center", "Asia/Shanghai", "08:30", "17:30", 3, 30, 3)
            return HallInfo(row.name, row.name_en, row.timezone, row.opening_time, row.closing_time,
                            row.recall_limit, row.reinstate_minutes, row.reinstate_places_back)

        return self.halls.get(1, load)

    def service(self, session, service_id: int) -> ServiceInfo | None:
        """A service item by id, or None."""
        from sqlalchemy import select

        from hall.store.models import ServiceItem

        def load() -> ServiceInfo | None:
            row = session.execute(select(ServiceItem.id, ServiceItem.prefix, ServiceItem.name, ServiceItem.name_en,
                                         ServiceItem.active).where(ServiceItem.id == service_id)).first()
            return ServiceInfo(*row) if row else None

        return self.services.get(service_id, load)

    def printer_of(self, session, device_id: str) -> str | None:
        """The printer a kiosk prints on, or None."""
        from sqlalchemy import select

        from hall.store.models import Device

        return self.printers.get(device_id, lambda: session.execute(
            select(Device.printer).where(Device.id == device_id)).scalar_one_or_none())

    def clear(self) -> None:
        """Drop every cache (this process changed reference data)."""
        for cache in (self.halls, self.services, self.printers, self.tokens):
            cache.clear()
