"""The small fixture procedure most tests of the core's use cases run on."""
from __future__ import annotations

import pytest

from runner.core import cases
from runner.store.db import Database
from tests.conftest import FIXTURES, seed

MINI = FIXTURES / "mini"
INTAKE = {"who": "王敏", "received_on": "2026-09-29"}


@pytest.fixture
def mini(db: Database, clock) -> Database:
    """bpmn/mini: 受理登记 (综合股/办公室) → 审议 (局党组, 5-day window) → a script; demo users."""
    seed(db, MINI)
    return db


def only_task(db: Database, element: str) -> dict:
    found = [t for t in cases.list_tasks(db) if t["element"] == element]
    assert len(found) == 1, found
    return found[0]
