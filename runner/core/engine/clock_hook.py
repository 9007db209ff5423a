"""SpiffWorkflow's timers read the runner's clock (runner/core/clock.py), so a moved ManualClock moves them too.

SpiffWorkflow's timer code calls `datetime.now(timezone.utc)` on its module-level `datetime` name
(bpmn/specs/event_definitions/timer.py); replacing that name with a subclass that asks the runner's clock is the only
hook it offers (listed in spiff_private.py). Importing the engine package installs it.
"""
from __future__ import annotations

import datetime as _dt

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer

from .. import clock


class _EngineDatetime(_dt.datetime):
    """What SpiffWorkflow's timer module sees as `datetime`: its now() reads the installed clock."""

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]
        current = clock.now()
        return current.astimezone(tz) if tz else current.astimezone().replace(tzinfo=None)


def install() -> None:
    _spiff_timer.datetime = _EngineDatetime
