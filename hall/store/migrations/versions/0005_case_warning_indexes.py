"""indexes the case warning sweep reads: status, signal and the yellow day, deadline or step deadline

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_INDEXES = (("ix_cases_watch_yellow", "yellow_from"), ("ix_cases_watch_deadline", "deadline"),
            ("ix_cases_watch_step", "step_deadline"))


def upgrade() -> None:
    for name, column in _INDEXES:
        op.create_index(name, "cases", ["status", "signal", column], unique=False)


def downgrade() -> None:
    for name, _column in _INDEXES:
        op.drop_index(name, table_name="cases")
