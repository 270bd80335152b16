"""Is the database at the latest migration? Entry points check before doing anything."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from homecrm.errors import HomecrmError
from homecrm.i18n import _
from homecrm.store.migrate import alembic_config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine) -> None:
    current = current_revision(engine)
    if current != head_revision():
        raise HomecrmError(
            _("The database is not initialised or is out of date: run \"homecrm init\" (or make run).")
        )
