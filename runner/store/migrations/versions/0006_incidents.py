"""incidents

A case that fails to load, advance or fire becomes an incident listed for administrators, and a timer whose firing
failed leaves the sweep (state "incident") instead of failing again every round.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('first_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.Column('last_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('resolved_at', runner.store.types.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_resolved_at'), ['resolved_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_incident_case_id'))
    op.drop_table('incident')
