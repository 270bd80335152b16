"""Apply Alembic migrations programmatically (``homecrm init``, ``make run``, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine

from homecrm.store.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str | None = None, engine: Engine | None = None) -> None:
    """Bring the database at ``url`` to the latest schema."""
    own_engine = engine is None
    engine = engine or make_engine(url)
    cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    finally:
        if own_engine:
            engine.dispose()
