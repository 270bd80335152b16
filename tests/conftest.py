"""Fixtures: real SQLite files migrated with Alembic, a frozen clock, the demo database."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.i18n import set_language
from homecrm.store import make_engine, make_session_factory, read_session, upgrade_database, write_session

# A fixed "today" for tests that need one: a Thursday mid-month, outside any DST change.
TODAY = date(2026, 3, 12)


class Database:
    """A migrated SQLite file with one-transaction helpers, as the services expect."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self.engine = make_engine(self.url)
        self.factory = make_session_factory(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with write_session(self.factory) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.factory) as session:
            yield session


@pytest.fixture(autouse=True)
def _french_and_isolated(monkeypatch, tmp_path):
    """Each test starts in French, with no database URL or frozen time leaking from outside."""
    set_language("fr")
    monkeypatch.delenv("HOMECRM_NOW", raising=False)
    monkeypatch.setenv("HOMECRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOMECRM_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    yield
    set_language("fr")


@pytest.fixture
def frozen_today(monkeypatch):
    """Freeze the clock at TODAY (noon, Paris) for this process and for AppTest script threads."""
    moment = datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    monkeypatch.setenv("HOMECRM_NOW", moment.isoformat())
    with clock.frozen(moment):
        yield TODAY


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so a plain copy of it is complete."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    upgrade_database(f"sqlite:///{path}")
    _checkpoint(path)
    return path


@pytest.fixture
def db(tmp_path, _empty_template, monkeypatch) -> Database:
    """A fresh, migrated database file; also the one pages and the CLI see through the env."""
    path = tmp_path / "homecrm.db"
    shutil.copy(_empty_template, path)
    monkeypatch.setenv("HOMECRM_DATABASE_URL", f"sqlite:///{path}")
    database = Database(path)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory, _empty_template) -> tuple[Path, date]:
    from homecrm.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(_empty_template, path)
    moment = datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    database = Database(path)
    with clock.frozen(moment), database.write() as session:
        seed_demo(session)
    database.engine.dispose()
    _checkpoint(path)
    return path, TODAY


@pytest.fixture
def demo_db(tmp_path, _demo_template, monkeypatch, frozen_today) -> Database:
    """The demo database as of TODAY (clock frozen)."""
    path = tmp_path / "homecrm.db"
    shutil.copy(_demo_template[0], path)
    monkeypatch.setenv("HOMECRM_DATABASE_URL", f"sqlite:///{path}")
    database = Database(path)
    yield database
    database.engine.dispose()
