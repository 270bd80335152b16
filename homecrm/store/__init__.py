"""Persistence: SQLAlchemy models, engine and sessions, Alembic migrations."""

from homecrm.store.engine import (
    make_engine,
    make_session_factory,
    read_session,
    write_session,
)
from homecrm.store.migrate import upgrade_database

__all__ = ["make_engine", "make_session_factory", "read_session", "upgrade_database", "write_session"]
