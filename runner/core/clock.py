"""The one clock of a runner process. Audit timestamps, deadlines and SpiffWorkflow's timers all read it.

The engine's timers are hooked to `now()` in runner/core/engine/clock_hook.py, so they follow whatever clock is
installed here. Tests move a ManualClock instead of sleeping.
"""
from __future__ import annotations

import datetime as _dt
from typing import Protocol

UTC = _dt.timezone.utc


class Clock(Protocol):
    def now(self) -> _dt.datetime:
        """The current instant, timezone-aware (UTC)."""


class SystemClock:
    def now(self) -> _dt.datetime:
        return _dt.datetime.now(UTC)


class ManualClock:
    """A clock that stands still until moved: `set()` or `advance()`."""

    def __init__(self, start: _dt.datetime) -> None:
        self._now = _aware(start)

    def now(self) -> _dt.datetime:
        return self._now

    def set(self, when: _dt.datetime) -> None:
        self._now = _aware(when)

    def advance(self, delta: _dt.timedelta) -> None:
        self._now += delta


def _aware(when: _dt.datetime) -> _dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


_current: Clock = SystemClock()


def install(clock: Clock) -> Clock:
    """Make `clock` the process clock (for the runner and the engine's timers); returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


def now() -> _dt.datetime:
    return _current.now()
