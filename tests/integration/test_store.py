"""The store: migrations are the schema, SQLite is configured for safety."""

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from homecrm.store.base import Base
from homecrm.store.models import Tax
from homecrm.store.schema import current_revision, head_revision


def test_migrations_match_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations differ: run make migration ({diff[:3]})"
    assert current_revision(db.engine) == head_revision()


def test_sqlite_pragmas(db):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(text("INSERT INTO contact (customer_id, first_name, last_name, email, phone, position, is_primary, created_at) "
                             "VALUES (999, 'a', 'b', '', '', '', 0, '2026-01-01')"))


def test_money_columns_round_trip_exactly_and_refuse_floats(db):
    with db.write() as session:
        session.add(Tax(name="TVA", rate=Decimal("5.5")))
    with db.read() as session:
        assert session.query(Tax).one().rate == Decimal("5.5000")
    with pytest.raises(Exception), db.write() as session:
        session.add(Tax(name="Bad", rate=5.5))
        session.flush()


def test_a_new_database_file_is_private(tmp_path):
    import os
    import stat

    from homecrm.store.engine import make_engine
    from homecrm.store.migrate import upgrade_database

    path = tmp_path / "data" / "homecrm.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM staff_user").scalar() >= 1
    engine.dispose()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
