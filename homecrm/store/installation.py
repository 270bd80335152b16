"""This database's installation id, created once by the migrations (0011)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm.store.models import Setting


def installation_id(session: Session) -> str:
    """A short random name of this database ("" for one made before it existed)."""
    value = session.scalar(select(Setting.value).where(Setting.section == "installation", Setting.name == "id"))
    return json.loads(value) if value else ""
