"""The per-person fault registry behind repeat-offence aggravation, and the functions diagrams call on it.

    record_fault(person, fault_type, confirmed_on)   a case records a confirmed fault (same transaction)
    prior_faults(person, fault_type, on)             confirmed faults before this case, counted as configured

The five regulations count differently (domain.md §X.3): 盐池 第十条(四) and 明山 第十一条(3) 「全年」, 金寨
第十七条(一) 「一年内」 and 「同类」, 文水 第九条(三) 「同类型」 with no window, 赤峰 第八条 2 and CF-I 第十条 with
no window. The window, whether the type must match, and whether the current case counts are configuration
(COUNTING, overridable with WENZE_FAULT_COUNTING as JSON); the texts are SILENT on the current case, so by
default it does not count and the tables send the borderline count to a person.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, func, select

from . import clock
from .calendar import SHANGHAI
from .errors import InvalidData
from ..store.models import FaultRecord

WINDOWS = ("lifetime", "calendar_year", "one_year")

# regulation key -> how prior faults are counted (documented defaults; see the module docstring).
COUNTING: dict[str, dict[str, Any]] = {
    "yanchi": {"window": "calendar_year", "same_type": False, "count_current_case": False},
    "mingshan": {"window": "calendar_year", "same_type": False, "count_current_case": False},
    "chifeng_interference": {"window": "lifetime", "same_type": False, "count_current_case": False},
    "chifeng": {"window": "lifetime", "same_type": False, "count_current_case": False},
    "jinzhai": {"window": "one_year", "same_type": True, "count_current_case": False},
    "wenshui": {"window": "lifetime", "same_type": True, "count_current_case": False},
}
COUNTING.update(json.loads(os.environ.get("WENZE_FAULT_COUNTING", "{}")))


def regulation_of(process_id: str) -> str:
    """The regulation a process belongs to: the longest configured key its id starts with."""
    keys = [key for key in COUNTING if process_id == key or process_id.startswith(key + "_")]
    return max(keys, key=len) if keys else process_id.split("_")[0]


@dataclass
class _Scope:
    conn: Connection
    case_id: int | None
    regulation: str
    pending: list[dict[str, Any]] = field(default_factory=list)


_current: ContextVar[_Scope] = ContextVar("wenze_faults")


@contextmanager
def using(conn: Connection, case_id: int | None, process_id: str) -> Iterator[list[dict[str, Any]]]:
    """Let this step's scripts read and record faults; yields the records to insert with the case."""
    token = _current.set(_Scope(conn, case_id, regulation_of(process_id)))
    try:
        yield _current.get().pending
    finally:
        _current.reset(token)


def _date(value: Any, name: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidData(f"{name} must be an ISO date, not {value!r}", field=name) from None


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else \
        day.replace(year=day.year - 1)


def record_fault(person: str, fault_type: str | None, confirmed_on: Any, role: str | None = None,
                 grade: str | None = None) -> bool:
    scope = _current.get()
    if not person:
        raise InvalidData("record_fault needs the person's name", field="person")
    scope.pending.append({"person": person, "regulation": scope.regulation, "fault_type": fault_type,
                          "confirmed_on": _date(confirmed_on, "confirmed_on"), "role": role, "grade": grade})
    return True


def prior_faults(person: str, fault_type: str | None = None, on: Any = None) -> int:
    """How many confirmed faults of `person` count under this regulation's rule: the earlier ones (of
    `fault_type` where the rule needs the same type; of any type when none is given), plus the one being
    assessed where `count_current_case` is configured."""
    scope = _current.get()
    rule = COUNTING.get(scope.regulation, {"window": "lifetime", "same_type": False, "count_current_case": False})
    day = _date(on, "on") if on is not None else clock.now().astimezone(SHANGHAI).date()
    query = select(func.count()).select_from(FaultRecord).where(
        FaultRecord.person == person, FaultRecord.regulation == scope.regulation, FaultRecord.confirmed_on <= day)
    if rule["window"] == "calendar_year":
        query = query.where(FaultRecord.confirmed_on >= dt.date(day.year, 1, 1))
    elif rule["window"] == "one_year":                  # 「一年内」: the twelve months up to `day`
        query = query.where(FaultRecord.confirmed_on > _year_before(day))
    if rule["same_type"] and fault_type:
        query = query.where(FaultRecord.fault_type == fault_type)
    if scope.case_id is not None:
        query = query.where(FaultRecord.case_id != scope.case_id)
    # Where the current case counts, the fault under assessment is one of the total.
    return (scope.conn.scalar(query) or 0) + (1 if rule["count_current_case"] else 0)


FUNCTIONS: dict[str, Callable[..., Any]] = {"record_fault": record_fault, "prior_faults": prior_faults}
