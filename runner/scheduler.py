"""APScheduler wiring: wake at the next due timer, plus a safety sweep for timers armed by other processes.

Every process sweeps; the timer table's leases decide who fires what. Delays are computed against the runner's
clock (runner.core.clock), so a test that moves a ManualClock and calls wake() sees a real job run at once.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any, Callable, Protocol

from apscheduler.schedulers.background import BackgroundScheduler

from .core import clock, timers
from .store.db import Database

log = logging.getLogger("wenze.scheduler")

SWEEP_SECONDS = 30
SLACK = dt.timedelta(milliseconds=5)     # the engine fires only when due < now


class _Job(Protocol):
    @property
    def next_run_time(self) -> dt.datetime | None: ...


class _Scheduler(Protocol):
    """The part of APScheduler 3's BackgroundScheduler used here (APScheduler 3 ships no type information)."""

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...

    def add_job(self, func: Callable[[], None], trigger: str, *, id: str, replace_existing: bool = False,
                **trigger_args: Any) -> _Job: ...

    def get_job(self, job_id: str) -> _Job | None: ...


class TimerScheduler:
    def __init__(self, db: Database, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.db = db
        self.owner = timers.owner_name()
        self.fired = 0
        self._lock = threading.Lock()
        self._scheduler: _Scheduler = BackgroundScheduler(
            timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._scheduler.add_job(self.sweep, "interval", seconds=sweep_seconds, id="sweep")

    def start(self) -> None:
        self._scheduler.start()
        self.wake()                      # timers that fell due while no runner was up fire now

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def sweep(self) -> None:
        with self._lock:
            try:
                self.fired += timers.fire_due(self.db, self.owner)
            except Exception:           # a sweep must never kill the scheduler; the next one retries
                log.exception("timer sweep failed")
        self._arm_next()

    def wake(self, due: dt.datetime | None = None) -> None:
        """Schedule a sweep for `due` (default: the earliest armed timer); now if it is already due."""
        due = due or timers.next_due(self.db)
        if due is None:
            return
        delay = max((due + SLACK - clock.now()).total_seconds(), 0.0)
        run_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delay)
        existing = self._scheduler.get_job("wake")
        if existing is not None and existing.next_run_time is not None and existing.next_run_time <= run_at:
            return
        self._scheduler.add_job(self.sweep, "date", run_date=run_at, id="wake", replace_existing=True)

    def _arm_next(self) -> None:
        due = timers.next_due(self.db)
        if due is not None:
            self.wake(due)
