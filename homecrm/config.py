"""Process configuration read from the environment.

Everything that differs between a laptop, CI and a hosted install lives here and nowhere else:
the database URL, the data directory and where the bundled assets are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Config:
    database_url: str
    data_dir: Path
    assets_dir: Path


def _default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'homecrm.db'}"


def load_config(database_url: str | None = None) -> Config:
    """Configuration for this process; an explicit ``database_url`` wins over the environment."""
    data_dir = Path(os.environ.get("HOMECRM_DATA_DIR", DEFAULT_DATA_DIR))
    url = database_url or os.environ.get("HOMECRM_DATABASE_URL") or _default_database_url(data_dir)
    assets_dir = Path(os.environ.get("HOMECRM_ASSETS_DIR", PROJECT_ROOT / "assets"))
    return Config(database_url=url, data_dir=data_dir, assets_dir=assets_dir)
