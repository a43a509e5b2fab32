"""Alembic environment: runs migrations on the engine the hall passes in (or the URL configured)."""

from alembic import context
from sqlalchemy import create_engine

from hall.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run the migrations online."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
