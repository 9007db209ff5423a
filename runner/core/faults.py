"""The per-person fault registry behind repeat-offence aggravation, and the functions diagrams call on it.

    record_fault(person, fault_type, confirmed_on)   a case records a confirmed fault (same transaction)
    prior_faults(person, fault_type, on)             confirmed faults before this case, counted as configured

The five regulations count differently (domain.md §X.3): 盐池 第十条(四) and 明山 第十一条(3) 「全年」, 金寨
第十七条(一) 「一年内」 and 「同类」, 文水 第九条(三) 「同类型」 with no window, 赤峰 第八条 2 and CF-I 第十条 with
no window. The window, whether the type must match, and whether the current case counts are each regulation's
`fault_counting` in its registry file (bpmn/regulations/<key>.json), stored with the process version at deploy
and overridable per field with WENZE_FAULT_COUNTING (runner.core.counting); the texts are SILENT on the current
case, so by default it does not count and the tables send the borderline count to a person.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

from sqlalchemy import Connection, func, select

from . import clock, counting
from .calendar import SHANGHAI
from ..errors import InvalidData, ScriptError
from ..store.models import FaultRecord


class _Versioned(Protocol):
    """What a step's scope needs of its process version (runner.core.versions.Version)."""

    @property
    def process_id(self) -> str: ...

    @property
    def regulation(self) -> str | None: ...

    @property
    def fault_counting(self) -> dict[str, Any] | None: ...


@dataclass
class _Scope:
    conn: Connection
    case_id: int | None
    version: _Versioned
    pending: list[dict[str, Any]] = field(default_factory=list)

    def rule(self) -> tuple[str, dict[str, Any]]:
        """The regulation faults are recorded under and its counting rule with the installed override merged
        over it. Asked only when a script records or counts faults: other processes need no regulation."""
        regulation, declared = self.version.regulation, self.version.fault_counting
        if regulation is None:
            raise ScriptError(f"process '{self.version.process_id}' belongs to no regulation: list it in the "
                              "processes of a file in bpmn/regulations/")
        if declared is None:
            raise ScriptError(f"regulation '{regulation}' counts no faults: its registry file has no fault_counting")
        return regulation, counting.rule(regulation, declared)


_current: ContextVar[_Scope] = ContextVar("wenze_faults")


@contextmanager
def using(conn: Connection, case_id: int | None, version: _Versioned) -> Iterator[list[dict[str, Any]]]:
    """Let this step's scripts read and record faults under the version's regulation and counting rule (with the
    installed WENZE_FAULT_COUNTING overrides); yields the records to insert with the case."""
    token = _current.set(_Scope(conn, case_id, version))
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
    regulation, _rule = scope.rule()
    scope.pending.append({"person": person, "regulation": regulation, "fault_type": fault_type,
                          "confirmed_on": _date(confirmed_on, "confirmed_on"), "role": role, "grade": grade})
    return True


def prior_faults(person: str, fault_type: str | None = None, on: Any = None) -> int:
    """How many confirmed faults of `person` count under this regulation's rule: the earlier ones (of
    `fault_type` where the rule needs the same type; of any type when none is given), plus the one being
    assessed where `count_current_case` is configured."""
    scope = _current.get()
    regulation, rule = scope.rule()
    day = _date(on, "on") if on is not None else clock.now().astimezone(SHANGHAI).date()
    query = select(func.count()).select_from(FaultRecord).where(
        FaultRecord.person == person, FaultRecord.regulation == regulation, FaultRecord.confirmed_on <= day)
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
