"""Engine and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection. Writes that take a number
(or otherwise must not interleave) run in ``write_session()``, which on SQLite starts the
transaction with ``BEGIN IMMEDIATE``: the write lock is taken up front, so two processes issuing
documents at once queue on the busy timeout instead of failing on a read-to-write upgrade.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from homecrm.config import load_config

_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_immediate", default=False)
BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str | None = None) -> Engine:
    url = url or load_config().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """A new database file is readable by its owner only (it holds tenants' personal data);
    SQLite gives its -wal and -shm files the same permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it meanwhile


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (SQLAlchemy docs recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's lower() and LIKE only fold ASCII: "Étudiant" and "étudiant" would differ.
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def read_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reading; rolled back at the end."""
    with factory() as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One user action = one transaction: committed on success, rolled back on any error."""
    token = _immediate.set(True)
    try:
        with factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _immediate.reset(token)
