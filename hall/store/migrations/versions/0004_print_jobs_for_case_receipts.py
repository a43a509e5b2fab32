"""print jobs also carry case receipts: a job kind, an optional ticket and the case it prints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("print_jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="ticket"))
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM print_jobs WHERE ticket_id IS NULL")
    with op.batch_alter_table("print_jobs") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("case_id")
        batch.drop_column("kind")
