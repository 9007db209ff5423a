"""The calendar functions diagrams call in timer expressions, and a record of what each call computed.

    deadline(filed_on, 30, "calendar_days", soft=True, extension_by="局党组", extension_cap=30)
                                                         an obligation: when it passes the case is overdue;
                                                         a soft one its supervisor may extend, within the cap
    reminder(received_on, 5, "calendar_days", before=1)  fires `before` working days ahead of that deadline
    period_end(delivered_on, 30, "calendar_days")        a window (申诉期) closing: not an obligation

Each returns the ISO instant SpiffWorkflow's timeDate timer waits for. The runner reads back what was computed
(start, unit, last day, provisional, roll-forward) to describe the timer on the case and to recompute
provisional deadlines when an administrator loads a missing year.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from typing import Any, Callable, Iterator

from .calendar import Deadline, WorkCalendar, compute_deadline, reminder_at, years_touched

DEFAULT_REMINDER_WORKING_DAYS = 1



class _Using:
    """The calendar of one step, built on first use (most steps compute no deadline), and what was computed."""

    def __init__(self, source: WorkCalendar | Callable[[], WorkCalendar]) -> None:
        self._source = source
        self.computed: dict[str, dict[str, Any]] = {}

    @cached_property
    def calendar(self) -> WorkCalendar:
        return self._source if isinstance(self._source, WorkCalendar) else self._source()


_current: ContextVar[_Using] = ContextVar("wenze_deadlines")


def key(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).isoformat()


@contextmanager
def using(calendar: WorkCalendar | Callable[[], WorkCalendar]) -> Iterator[dict[str, dict[str, Any]]]:
    """Evaluate timer expressions against `calendar` (or the one a callable builds when first needed);
    yields {due instant (UTC ISO): what was computed}."""
    scope = _Using(calendar)
    token = _current.set(scope)
    try:
        yield scope.computed
    finally:
        _current.reset(token)


def describe(due: Deadline) -> dict[str, Any]:
    """What a timer row keeps about its deadline: enough to recompute it when a year's table arrives."""
    return {**due.to_dict(), "years": sorted(years_touched(due) | {due.last_day.year})}


def _compute(start: Any, period: int, unit: str) -> tuple[WorkCalendar, dict[str, dict[str, Any]], Deadline]:
    scope = _current.get(None) or _Using(WorkCalendar())
    return scope.calendar, scope.computed, compute_deadline(start, period, unit, scope.calendar)


def deadline(start: Any, period: int, unit: str = "calendar_days", soft: bool = False,
             extension_by: str | None = None, extension_cap: int | None = None) -> str:
    """An obligation. A soft one may be extended by the lane `extension_by` (never the lane it binds), by at most
    `extension_cap` units in all; a soft deadline naming neither cannot be extended."""
    _calendar, computed, due = _compute(start, period, unit)
    computed[key(due.due_at)] = {"kind": "deadline", "soft": bool(soft), **describe(due)}
    if soft and extension_by:
        computed[key(due.due_at)] |= {"extension_by": str(extension_by), "extension_cap": extension_cap}
    return due.due_at.isoformat()


def period_end(start: Any, period: int, unit: str = "calendar_days") -> str:
    _calendar, computed, due = _compute(start, period, unit)
    computed[key(due.due_at)] = {"kind": "period_end", **describe(due)}
    return due.due_at.isoformat()


def last_day(start: Any, period: int, unit: str = "calendar_days") -> dt.date:
    """The last day of a period as period_end and deadline count it (for a check that compares a date with it)."""
    return _compute(start, period, unit)[2].last_day


def reminder(start: Any, period: int, unit: str = "calendar_days",
             before: int = DEFAULT_REMINDER_WORKING_DAYS) -> str:
    calendar, computed, due = _compute(start, period, unit)
    at = reminder_at(due, before, calendar)
    computed[key(at)] = {"kind": "reminder", "before": before, **describe(due)}
    return at.isoformat()


FUNCTIONS: dict[str, Callable[..., Any]] = {"deadline": deadline, "period_end": period_end, "reminder": reminder}
