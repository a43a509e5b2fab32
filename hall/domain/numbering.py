"""Ticket numbers (取号): a prefix per service item, a counter per prefix that restarts daily."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PREFIX_RE = re.compile(r"^[A-Z]$")
MIN_DIGITS = 3


def valid_prefix(prefix: str) -> bool:
    """A ticket prefix is one capital letter."""
    return bool(PREFIX_RE.match(prefix))


def format_number(prefix: str, seq: int) -> str:
    """A012: the prefix and the day's counter, at least three digits."""
    if seq < 1:
        raise ValueError("ticket counters start at 1")
    return f"{prefix}{seq:0{MIN_DIGITS}d}"


def hall_day(moment: datetime, tz: ZoneInfo) -> date:
    """The hall's calendar day of a moment: numbering restarts when it changes."""
    if moment.tzinfo is None:
        raise ValueError("moments must carry a time zone")
    return moment.astimezone(tz).date()


def closing_moment(day: date, closing: time, tz: ZoneInfo) -> datetime:
    """The moment the hall closes on a day, in UTC."""
    return datetime.combine(day, closing, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a hall day."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))
