"""Workflows kept in memory between requests, keyed by database, case and the revision they were saved as.

Loading a case is the largest cost of a persisted step (notes §8). A use case takes the cached entry (the workflow
and the mirror of its rows, runner.core.record) only if its revision equals the row it just locked, so another
process's write simply misses the cache; an entry is taken out while in use and put back only after its
transaction committed, so a failed step is never reused.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..store.db import Database

_LIMIT = 2000


class LiveWorkflows:
    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, int], tuple[int, tuple[Any, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, db: Database, case_id: int, revision: int) -> tuple[Any, Any] | None:
        with self._lock:
            item = self._items.pop((db.url, case_id), None)
        return item[1] if item and item[0] == revision else None

    def put(self, db: Database, case_id: int, revision: int, workflow: Any, mirror: Any) -> None:
        with self._lock:
            self._items[(db.url, case_id)] = (revision, (workflow, mirror))
            if len(self._items) > _LIMIT:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


LIVE = LiveWorkflows()
