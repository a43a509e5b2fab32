"""the waiting-ticket index also holds the status, so counts never read the table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WAITING = sa.text("status = 'waiting'")


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_waiting", sqlite_where=WAITING, postgresql_where=WAITING)
        batch.create_index("ix_tickets_waiting", ["service_id", "priority", "queued_at", "status"], unique=False,
                           sqlite_where=WAITING, postgresql_where=WAITING)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_waiting", sqlite_where=WAITING, postgresql_where=WAITING)
        batch.create_index("ix_tickets_waiting", ["service_id", "priority", "queued_at"], unique=False,
                           sqlite_where=WAITING, postgresql_where=WAITING)
