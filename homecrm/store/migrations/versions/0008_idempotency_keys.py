"""idempotency keys: a payment form submitted twice, a Stripe payment seen twice, booked once

Revision ID: 0008
Revises: 0007
Create Date: (generated)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=150), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('key', name=op.f('uq_idempotency_key_key'))
    )


def downgrade() -> None:
    op.drop_table('idempotency_key')
