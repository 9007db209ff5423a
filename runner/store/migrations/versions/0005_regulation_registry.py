"""regulation registry

Registry files are stored as artifacts of kind "regulation" (longer than the old 8-character kind column), and
each process version carries its regulation key and fault-counting rule in its spec. Versions deployed before
the registry get what the runner then derived from the process id and its built-in table, so cases running on
them keep recording and counting faults as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from typing import Any

from alembic import op
import sqlalchemy as sa
import runner.store.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The built-in table the runner used before the registry (runner/core/faults.py COUNTING), frozen here.
_COUNTING = {
    "yanchi": {"window": "calendar_year", "same_type": False, "count_current_case": False},
    "mingshan": {"window": "calendar_year", "same_type": False, "count_current_case": False},
    "chifeng_interference": {"window": "lifetime", "same_type": False, "count_current_case": False},
    "chifeng": {"window": "lifetime", "same_type": False, "count_current_case": False},
    "jinzhai": {"window": "one_year", "same_type": True, "count_current_case": False},
    "wenshui": {"window": "lifetime", "same_type": True, "count_current_case": False},
}
_UNLISTED = {"window": "lifetime", "same_type": False, "count_current_case": False}

_versions = sa.table('process_version', sa.column('id', sa.Integer()), sa.column('process_id', sa.String()),
                     sa.column('spec', runner.store.types.JSONDoc))


def _regulation_of(process_id: str) -> str:
    keys = [key for key in _COUNTING if process_id == key or process_id.startswith(key + "_")]
    return max(keys, key=len) if keys else process_id.split("_")[0]


def _with_regulation(spec: dict[str, Any], process_id: str) -> dict[str, Any]:
    regulation = _regulation_of(process_id)
    return {**spec, "regulation": regulation, "fault_counting": _COUNTING.get(regulation, _UNLISTED)}


def upgrade() -> None:
    with op.batch_alter_table('artifact', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=8), type_=sa.String(length=16),
                              existing_nullable=False)
    connection = op.get_bind()
    for row in connection.execute(sa.select(_versions.c.id, _versions.c.process_id, _versions.c.spec)).all():
        if "regulation" not in row.spec:
            connection.execute(_versions.update().where(_versions.c.id == row.id)
                               .values(spec=_with_regulation(row.spec, row.process_id)))


def downgrade() -> None:
    op.execute("DELETE FROM artifact WHERE kind = 'regulation'")
    with op.batch_alter_table('artifact', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16), type_=sa.String(length=8),
                              existing_nullable=False)
