"""fault registry

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fault_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=False),
    sa.Column('regulation', sa.String(length=40), nullable=False),
    sa.Column('fault_type', sa.String(length=100), nullable=True),
    sa.Column('confirmed_on', sa.Date(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('grade', sa.String(length=40), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fault_record', schema=None) as batch_op:
        batch_op.create_index('ix_fault_person', ['regulation', 'person', 'confirmed_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fault_record', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_person')

    op.drop_table('fault_record')
