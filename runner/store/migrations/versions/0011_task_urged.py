"""task urged: the last 催办 of a ready task (who, when)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urged_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('urged_at', runner.store.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('urged_at')
        batch_op.drop_column('urged_by')
