"""Alembic environment: runs on the connection handed over by homecrm.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy.types import TypeDecorator

from homecrm.store import models  # noqa: F401 - registers the tables
from homecrm.store.base import Base
from homecrm.store.engine import make_engine

config = context.config


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators as their storage type, so migrations never import app code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance.__class__.__name__}()"
    return False

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
