"""Writing the case timeline: the events of one step, in order, with one INSERT (the timeline is append-only)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert

from ..store.models import Event


_INSERT = insert(Event.__table__)


class Timeline:
    """The events of one step, in order, written with one INSERT (the timeline is append-only)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.rows: list[dict[str, Any]] = []

    def add(self, kind: str, element_id: str | None = None, task_id: str | None = None, actor: str | None = None,
            **data: Any) -> None:
        self.rows.append({"at": self.now, "kind": kind, "element_id": element_id, "task_id": task_id,
                          "actor": actor, "data": data})

    def write(self, conn: Connection, case_id: int) -> None:
        if self.rows:
            conn.execute(_INSERT, [row | {"case_id": case_id} for row in self.rows])
            self.rows.clear()
