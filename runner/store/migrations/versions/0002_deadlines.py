"""deadlines: case overdue flag, loaded holiday years

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import runner.store.types
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holiday_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('table', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('loaded_by', sa.String(length=100), nullable=False),
    sa.Column('loaded_at', runner.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.add_column('case_file', sa.Column('overdue', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('overdue')

    op.drop_table('holiday_year')
