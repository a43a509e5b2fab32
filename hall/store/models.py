"""The hall's tables, as SQLAlchemy 2.0 typed models."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment stored as naive UTC and read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store the moment in UTC without a zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("moments must carry a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        """Read the moment back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every hall table."""


class HallSettings(Base):
    """The hall itself: name, opening hours and queue settings (one row)."""

    __tablename__ = "hall_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    opening_time: Mapped[str] = mapped_column(String(5), default="08:30")
    closing_time: Mapped[str] = mapped_column(String(5), default="17:30")
    recall_limit: Mapped[int] = mapped_column(Integer, default=3)
    reinstate_minutes: Mapped[int] = mapped_column(Integer, default=30)
    reinstate_places_back: Mapped[int] = mapped_column(Integer, default=3)


class Department(Base):
    """进驻单位: a department resident in the hall, or a comprehensive-window theme."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    theme: Mapped[str] = mapped_column(String(100), default="")


class ServiceItem(Base):
    """事项: a service item with the seven public facts (七公开) and its ticket prefix."""

    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    prefix: Mapped[str] = mapped_column(String(1))
    item_class: Mapped[str] = mapped_column(String(32), default="licence")
    case_type: Mapped[str] = mapped_column(String(32), default="immediate")
    promised_days: Mapped[int] = mapped_column(Integer, default=0)
    statutory_days: Mapped[int] = mapped_column(Integer, default=1)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[list] = mapped_column(JSON, default=list)
    workflow: Mapped[list] = mapped_column(JSON, default=list)
    fee: Mapped[str] = mapped_column(Text, default="")
    consult_phone: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    department: Mapped[Department] = relationship(lazy="joined")


class Staff(Base):
    """A member of staff: clerk, window lead, duty officer, supervisor, director or admin."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    badge: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(String(64), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class Window(Base):
    """窗口: a service window, the services it serves and who sits at it now."""

    __tablename__ = "windows"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(32), default="department")
    state: Mapped[str] = mapped_column(String(16), default="closed")
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    current_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", use_alter=True, name="fk_window_current_ticket"), nullable=True
    )
    # Loaded on demand: the queue's hot paths never need them, listings ask for them with joinedload.
    department: Mapped[Department] = relationship()
    clerk: Mapped[Staff | None] = relationship()


class WindowService(Base):
    """Which service items a window serves (a comprehensive window serves many)."""

    __tablename__ = "window_services"
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)


class Device(Base):
    """A kiosk, a screen or a device agent known to the hall."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    printer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessToken(Base):
    """A bearer token (stored as its SHA-256) for a device or a staff API client."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TicketCounter(Base):
    """The day's last number for a prefix: numbers restart daily and are never reused."""

    __tablename__ = "ticket_counters"
    prefix: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    """号票: a numbered ticket for one service item, from issue to finish."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("prefix", "day", "seq", name="uq_ticket_number_per_day"),
        # Holds the status too, so that counting and ordering the waiting never reads the table.
        Index(
            "ix_tickets_waiting",
            "service_id",
            "priority",
            "queued_at",
            "status",
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index(
            "ix_tickets_unserved_day",
            "day",
            sqlite_where=text("status IN ('waiting','called','serving','no_show')"),
            postgresql_where=text("status IN ('waiting','called','serving','no_show')"),
        ),
        Index("ix_tickets_service_finished", "service_id", "finished_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    prefix: Mapped[str] = mapped_column(String(1))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    target_window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    issuer_device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    issuer_staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    service: Mapped[ServiceItem] = relationship()


class PrintJob(Base):
    """A ticket or a case receipt to print; stored with what it prints so it is never lost."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        Index("ix_print_jobs_pending", "printer", sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="ticket")  # ticket | case_receipt
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    printer: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_result: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Event(Base):
    """The append-only event log (电子监察 record), hash-chained: each row seals the one before."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_type_seq", "type", "seq"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100), default="")
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The event log's last sequence number and hash (one row, locked by every writer)."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))



class CaseCounter(Base):
    """The day's last case number of a department: case numbers restart daily and are never reused."""

    __tablename__ = "case_counters"
    department_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


_OPEN_CASE = text("status <> 'closed'")


class CaseRecord(Base):
    """办件: one case, its clock columns (for fast sweeps) and its full record as encoded text."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status", "status"),
        Index("ix_cases_signal", "signal"),
        Index("ix_cases_window_status", "window_id", "status"),
        Index("ix_cases_open_deadline", "deadline", sqlite_where=_OPEN_CASE, postgresql_where=_OPEN_CASE),
        Index("ix_cases_applicant_id_hash", "applicant_id_hash"),
        # What the warning sweep asks (hall/jobs/case_warnings.py): cases in progress of a colour whose
        # yellow day, deadline or step deadline has come; each question is one range of one index.
        Index("ix_cases_watch_yellow", "status", "signal", "yellow_from"),
        Index("ix_cases_watch_deadline", "status", "signal", "deadline"),
        Index("ix_cases_watch_step", "status", "signal", "step_deadline"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(String(48), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    case_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    closing_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    yellow_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    step_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    signal: Mapped[str] = mapped_column(String(16), default="none")
    signal_reasons: Mapped[list] = mapped_column(JSON, default=list)
    deemed_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    security_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    applicant_kind: Mapped[str] = mapped_column(String(16))
    applicant_name_enc: Mapped[str] = mapped_column(Text)
    applicant_name_masked: Mapped[str] = mapped_column(String(200))
    applicant_id_hash: Mapped[str] = mapped_column(String(64))
    applicant_id_masked: Mapped[str] = mapped_column(String(64))
    materials_received: Mapped[list] = mapped_column(JSON, default=list)
    materials_missing: Mapped[list] = mapped_column(JSON, default=list)
    record: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    service: Mapped[ServiceItem] = relationship(lazy="joined")


class CalendarYear(Base):
    """放假调休安排: one year's official holidays and make-up working days, as the hall loaded them."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(JSON, default=list)
    makeup_workdays: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Conditions written with literal values so that the databases use the partial indexes above
# (a bound parameter cannot prove that `status = ?` implies the index's `status = 'waiting'`).
IS_WAITING = Ticket.__table__.c.status == literal_column("'waiting'")
IS_UNSERVED = Ticket.__table__.c.status.in_(
    [literal_column("'waiting'"), literal_column("'called'"), literal_column("'serving'"), literal_column("'no_show'")])
IS_PENDING_JOB = PrintJob.__table__.c.status == literal_column("'pending'")
IS_OPEN_CASE = CaseRecord.__table__.c.status != literal_column("'closed'")
