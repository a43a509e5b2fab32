"""Estimated wait (预计等候): people ahead × recent mean handling time ÷ open windows."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

#: How many recent handling times make the mean; fewer than MIN_SAMPLES justify nothing.
RECENT_SAMPLES = 20
MIN_SAMPLES = 1


def mean_handling_seconds(recent_durations: Sequence[float]) -> float | None:
    """Mean of the most recent handling times (call to finish), or None without history."""
    usable = [d for d in recent_durations[:RECENT_SAMPLES] if d >= 0]
    if len(usable) < MIN_SAMPLES:
        return None
    return fmean(usable)


def estimated_wait_seconds(people_ahead: int, mean_handling_s: float | None, open_windows: int) -> int | None:
    """The estimate, or None when it cannot be justified (no history or no open window)."""
    if people_ahead < 0:
        raise ValueError("people ahead cannot be negative")
    if mean_handling_s is None or open_windows <= 0:
        return None
    return round(people_ahead * mean_handling_s / open_windows)
