"""cases (办件) with their clock columns, a case-number counter, and the working-day calendar's years

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

from hall.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN_CASE = sa.text("status <> 'closed'")


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "case_counters",
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("department_code", "day"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=48), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("case_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("closing_code", sa.String(length=32), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("yellow_from", sa.Date(), nullable=True),
        sa.Column("step_deadline", sa.Date(), nullable=True),
        sa.Column("signal", sa.String(length=16), nullable=False),
        sa.Column("signal_reasons", sa.JSON(), nullable=False),
        sa.Column("deemed_approved", sa.Boolean(), nullable=False),
        sa.Column("security_sensitive", sa.Boolean(), nullable=False),
        sa.Column("applicant_kind", sa.String(length=16), nullable=False),
        sa.Column("applicant_name_enc", sa.Text(), nullable=False),
        sa.Column("applicant_name_masked", sa.String(length=200), nullable=False),
        sa.Column("applicant_id_hash", sa.String(length=64), nullable=False),
        sa.Column("applicant_id_masked", sa.String(length=64), nullable=False),
        sa.Column("materials_received", sa.JSON(), nullable=False),
        sa.Column("materials_missing", sa.JSON(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["window_id"], ["windows.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_signal", "cases", ["signal"])
    op.create_index("ix_cases_window_status", "cases", ["window_id", "status"])
    op.create_index("ix_cases_applicant_id_hash", "cases", ["applicant_id_hash"])
    op.create_index("ix_cases_open_deadline", "cases", ["deadline"],
                    sqlite_where=OPEN_CASE, postgresql_where=OPEN_CASE)


def downgrade() -> None:
    op.drop_index("ix_cases_open_deadline", table_name="cases",
                  sqlite_where=OPEN_CASE, postgresql_where=OPEN_CASE)
    op.drop_index("ix_cases_applicant_id_hash", table_name="cases")
    op.drop_index("ix_cases_window_status", table_name="cases")
    op.drop_index("ix_cases_signal", table_name="cases")
    op.drop_index("ix_cases_status", table_name="cases")
    op.drop_table("cases")
    op.drop_table("case_counters")
    op.drop_table("calendar_years")
