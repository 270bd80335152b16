"""message claimed_at: a reminder left "sending" by a run that died is retried, not lost

Revision ID: 0009
Revises: 0008
Create Date: (generated)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
