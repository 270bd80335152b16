"""message files_of: a queued e-mail carries the files of a record (a ticket reply's attachments)

Revision ID: 0010
Revises: 0009
Create Date: (generated)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('files_entity', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('files_entity_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.drop_column('files_entity_id')
        batch_op.drop_column('files_entity')
