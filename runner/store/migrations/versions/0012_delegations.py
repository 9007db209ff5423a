"""delegations: 委托 — a deputy acts for a person who is away, for a period

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal', sa.String(length=100), nullable=False),
    sa.Column('deputy', sa.String(length=100), nullable=False),
    sa.Column('starts_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', runner.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['deputy'], ['user_account.name'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['principal'], ['user_account.name'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_deputy'), ['deputy'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_deputy'))
    op.drop_table('delegation')
