"""decision records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decision_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=False),
    sa.Column('decision_id', sa.String(length=200), nullable=False),
    sa.Column('table_hash', sa.String(length=64), nullable=False),
    sa.Column('inputs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('matched_rules', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('outputs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('at', runner.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_record_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('decision_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_record_case_id'))

    op.drop_table('decision_record')
