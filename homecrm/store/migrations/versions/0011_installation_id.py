"""installation id: a random name for this database, so exported calendar UIDs never collide
with another installation's (or a rebuilt database's) in the same phone calendar

Revision ID: 0011
Revises: 0010
Create Date: (generated)
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

setting = sa.table("setting", sa.column("section", sa.String), sa.column("name", sa.String),
                   sa.column("value", sa.Text), sa.column("updated_at", sa.DateTime))


def upgrade() -> None:
    op.bulk_insert(setting, [{"section": "installation", "name": "id", "value": json.dumps(secrets.token_hex(6)),
                              "updated_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade() -> None:
    op.execute(setting.delete().where(setting.c.section == "installation"))
