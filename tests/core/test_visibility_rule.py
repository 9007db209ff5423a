"""The visibility rule as a pure function over a real version: staff read a task's data whole; a party (文水's
被调查人) reads only the fields of a task of their own lane; anyone else nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from runner.core import versions, visibility
from runner.core.forms import declared_fields
from runner.core.users import Principal
from runner.errors import Forbidden
from runner.store.models import ProcessVersion

DATA = {"reporter_name": "张某", "reporter_contact": "13800000000", "hearing_record": {"outcome": "waived"}}


def _wenshui(db) -> versions.Version:
    with db.read() as session:
        version_id = session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == "wenshui_fault_review"))
        return versions.load(session.connection(), version_id)


def test_staff_read_whole_a_party_only_their_own_tasks_fields(deployed) -> None:
    version = _wenshui(deployed)
    assert "被调查人" in version.parties and "调查组" in version.viewers
    staff = Principal("diaocha", ["调查组"])
    assert visibility.task_data(staff, version, 1, "调查组", "wenshui_statement.json", dict(DATA)) == DATA
    party = Principal("beidiaocha", ["被调查人"])
    own = visibility.task_data(party, version, 1, "被调查人", "wenshui_statement.json", dict(DATA))
    assert own == {k: v for k, v in DATA.items() if k in declared_fields(version.forms["wenshui_statement.json"])}
    assert "reporter_name" not in own and "reporter_contact" not in own
    with pytest.raises(Forbidden):
        visibility.task_data(party, version, 1, "调查组", "wenshui_statement.json", dict(DATA))
    with pytest.raises(Forbidden):
        visibility.access(Principal("jubangongshi", ["局办公室"]), version, 1)
