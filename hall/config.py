"""Settings of the hall server, read from the environment (no file needed)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("eventlet", "gevent", "threading")


def _default_database_url() -> str:
    var = Path(os.environ.get("HALL_VAR_DIR", ROOT / "var"))
    return f"sqlite:///{var / 'hall.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything the server can be told; defaults run the demo hall on SQLite."""

    database_url: str = field(default_factory=_default_database_url)
    message_queue_url: str | None = None
    async_mode: str = "eventlet"
    secret_key: str = "dev-insecure-change-me"
    var_dir: Path = ROOT / "var"
    public_url: str = ""
    max_body_bytes: int = 64 * 1024
    print_attempt_limit: int = 5
    print_resend_after_s: float = 30.0
    job_interval_s: float = 15.0
    yellow_days_before: int = 1

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Build settings from HALL_* variables, DATABASE_URL and MESSAGE_QUEUE_URL."""
        env = os.environ
        values: dict = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("MESSAGE_QUEUE_URL"):
            values["message_queue_url"] = env["MESSAGE_QUEUE_URL"]
        if env.get("HALL_ASYNC_MODE"):
            values["async_mode"] = env["HALL_ASYNC_MODE"]
        if env.get("HALL_SECRET_KEY"):
            values["secret_key"] = env["HALL_SECRET_KEY"]
        if env.get("HALL_VAR_DIR"):
            values["var_dir"] = Path(env["HALL_VAR_DIR"])
        if env.get("HALL_PUBLIC_URL"):
            values["public_url"] = env["HALL_PUBLIC_URL"].rstrip("/")
        if env.get("HALL_JOB_INTERVAL_S"):
            values["job_interval_s"] = float(env["HALL_JOB_INTERVAL_S"])
        if env.get("HALL_YELLOW_DAYS_BEFORE"):
            values["yellow_days_before"] = int(env["HALL_YELLOW_DAYS_BEFORE"])
        values.update(overrides)
        settings = cls(**values)
        if settings.async_mode not in ASYNC_MODES:
            raise ValueError(f"HALL_ASYNC_MODE must be one of {ASYNC_MODES}, not {settings.async_mode!r}")
        if settings.job_interval_s <= 0:
            raise ValueError("HALL_JOB_INTERVAL_S must be a positive number of seconds")
        if settings.yellow_days_before < 0:
            raise ValueError("HALL_YELLOW_DAYS_BEFORE cannot be negative")
        return settings
