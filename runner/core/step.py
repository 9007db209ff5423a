"""What a diagram's code may reach during one engine step: the legal calendar and the fault registry.

Use cases open a scope around `engine.advance`; afterwards `record.sync_case` stores what the step computed
(deadline details for new timers) and recorded (confirmed faults) in the same transaction as the case.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import Connection

from . import deadlines, faults, holidays
from .versions import Version


@dataclass(frozen=True)
class StepScope:
    computed: dict[str, dict[str, Any]]     # due instant (UTC ISO) -> what the deadline function computed
    faults: list[dict[str, Any]]            # record_fault() calls, to insert with the case


@contextmanager
def scope(conn: Connection, case_id: int | None, version: Version) -> Iterator[StepScope]:
    with deadlines.using(lambda: holidays.work_calendar(conn)) as computed, \
            faults.using(conn, case_id, version) as recorded:
        yield StepScope(computed, recorded)
