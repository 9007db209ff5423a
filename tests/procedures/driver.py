"""One driver for the procedure tests: start cases, work their tasks as the lanes' demo users, move the clock.

Every runner module the procedure tests drive is imported here and nowhere else in tests/procedures (apart from
what a test is about, such as runner.core.blame or runner.core.faults), so a rename in runner/ is a one-file change:

    procedure = Procedure(db, clock, "wenshui_fault_review")     # or the `procedure` fixture (module's PROCESS)
    case = procedure.start()                                      # as the start event's lane's demo user
    case.complete("intake", intake("2026-09-29"))                 # as the task's lane's demo user
    case.complete("register_appeal", NO_APPEAL, applicant="刘伟")  # the instance whose task data names 刘伟
    assert procedure.after_last_day("2026-10-08") == 1           # 24:00 + 1 s Beijing time; due timers fired
    shown = case.show()                                           # show_case, with readers: timer, events, ended …
"""
from __future__ import annotations

import functools
from typing import Any

from lxml import etree

from runner.core import cases, deadline_changes, inbox, timers
from runner.core.clock import ManualClock
from runner.errors import Conflict, Forbidden, InvalidData  # noqa: F401 - re-exported for the tests
from runner.core import regulations
from runner.core.users import ADMIN, DemoAccount
from runner.store.db import Database
from tests.conftest import ROOT, after, at

__all__ = ["Case", "Conflict", "Forbidden", "InvalidData", "Procedure", "Shown", "demo_user", "start_lane"]

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@functools.cache
def _demo_accounts() -> list[DemoAccount]:
    """The demo accounts of the regulation registry in bpmn/regulations/ (what `seed` creates)."""
    files = sorted((ROOT / "bpmn" / "regulations").glob("*.json"))
    return regulations.demo_accounts(regulations.load((p.name, p.read_text(encoding="utf-8")) for p in files))


def demo_user(lane: str | None) -> str:
    """The one demo account holding `lane` in the regulation registry; a task without a lane: admin."""
    if lane is None:
        return ADMIN
    holders = [account.name for account in _demo_accounts() if lane in account.roles]
    if len(holders) != 1:
        raise AssertionError(f"lane {lane!r} needs exactly one demo user, found {holders}")
    return holders[0]


@functools.cache
def start_lane(process_id: str) -> str | None:
    """The lane of the process's start event, as drawn in bpmn/ (None if the process has no lanes)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        process = etree.parse(str(path), parser).find(f"{{{_BPMN}}}process[@id='{process_id}']")
        if process is None:
            continue
        [start] = process.findall(f"{{{_BPMN}}}startEvent")
        lanes = [lane.get("name") for lane in process.iter(f"{{{_BPMN}}}lane")
                 if start.get("id") in [ref.text for ref in lane.findall(f"{{{_BPMN}}}flowNodeRef")]]
        return lanes[0] if lanes else None
    raise AssertionError(f"no process {process_id!r} in {ROOT / 'bpmn'}")


class Shown(dict):
    """What `cases.show_case` returns (compare it, index it as before), with readers for what tests look at."""

    def timers(self, element: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
        return [t for t in self["timers"] if element in (None, t["element"]) and state in (None, t["state"])]

    def faults(self) -> list[tuple[str, str, str | None, str, str | None, str | None]]:
        """The case's fault registry entries as (person, regulation, fault_type, confirmed_on, role, grade)."""
        return [(f["person"], f["regulation"], f["fault_type"], f["confirmed_on"], f["role"], f["grade"])
                for f in self["faults"]]

    def timer(self, element: str, state: str | None = None) -> dict[str, Any]:
        """The one timer of `element` (in `state`, if given)."""
        found = self.timers(element, state)
        if len(found) != 1:
            raise AssertionError(f"expected one timer {element!r} ({state or 'any state'}), got {self['timers']}")
        return found[0]

    def timer_states(self) -> dict[str, str]:
        """{element: state} of the case's timers (a later timer of the same element wins)."""
        return {t["element"]: t["state"] for t in self["timers"]}

    def events(self, *kinds: str) -> list[dict[str, Any]]:
        """Timeline events of these kinds, in order."""
        return [e for e in self["events"] if e["kind"] in kinds]

    def ended(self, prefix: str = "") -> list[str]:
        """The end events the case reached, in order (only those whose id starts with `prefix`)."""
        return [e["element"] for e in self.events("end_event") if e["element"].startswith(prefix)]

    def path(self, *kinds: str) -> list[str]:
        """The elements of the timeline events of these kinds, in order (the path the case walked)."""
        return [e["element"] for e in self.events(*kinds)]

    def decisions(self, decision_id: str) -> list[dict[str, Any]]:
        return [d for d in self["decisions"] if d["decision"] == decision_id]

    def lane_tasks(self, lane: str) -> list[str]:
        """Every task (ready, completed or cancelled) the case ever gave `lane`."""
        return [t["element"] for t in self["tasks"] if t["lane"] == lane]


class Procedure:
    """Cases of one deployed process, worked through runner.core's use cases, on a ManualClock."""

    def __init__(self, db: Database, clock: ManualClock, process: str) -> None:
        self.db, self.clock, self.process = db, clock, process

    def start(self, data: dict[str, Any] | None = None, *, lane: str | None = None,
              user: str | None = None) -> Case:
        """Start a case as `user`, else as the demo user of `lane`, else of the start event's lane."""
        user = user or demo_user(lane or start_lane(self.process))
        started = cases.start_case(self.db, self.process, data or {}, user)
        return Case(self, started["case"], started)

    def case(self, case_id: int) -> Case:
        return Case(self, case_id, None)

    def tasks(self, *, lane: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        """Ready tasks of every case (what a lane's or a user's task list shows)."""
        return cases.list_tasks(self.db, lane=lane, user_name=user)

    def inbox(self, user: str) -> list[tuple[int, str]]:
        """(case, element) of every task in `user`'s 待办 (the workbench's inbox, all pages)."""
        return [(item["case"], item["element"]) for item in inbox.todo(self.db, user, per_page=10_000)["items"]]

    def fire(self) -> int:
        """Fire every due timer once (the scheduler's sweep); the number fired."""
        return timers.fire_due(self.db)

    def to(self, day: str, hour: int = 0, minute: int = 0, second: int = 0, *, fire: bool = True) -> int:
        """Move the clock to `day` `hour`:`minute`:`second` Beijing time and (unless `fire` is False) sweep:
        the number of timers fired."""
        self.clock.set(at(day, hour, minute, second))
        return self.fire() if fire else 0

    def after_last_day(self, last_day: str, *, fire: bool = True) -> int:
        """Move the clock to one second after 24:00 of `last_day` (民法典 第二百零三条) and sweep (unless `fire`
        is False): the number of timers fired."""
        self.clock.set(after(last_day))
        return self.fire() if fire else 0


class Case:
    """One case: its ready tasks, completing them, what it shows."""

    def __init__(self, procedure: Procedure, case_id: int, started: dict[str, Any] | None) -> None:
        self.procedure, self.id, self.started = procedure, case_id, started

    @property
    def db(self) -> Database:
        return self.procedure.db

    def tasks(self, element: str | None = None, *, lane: str | None = None, **data: Any) -> list[dict[str, Any]]:
        """Ready tasks of the case in task-list order: of `element`, in `lane`, whose task data has these values
        (e.g. applicant="刘伟": the review_appeal instance of one person)."""
        found = [t for t in cases.list_tasks(self.db) if t["case"] == self.id and element in (None, t["element"])
                 and lane in (None, t["lane"])]
        if data:
            found = [t for t in found
                     if all(cases.get_task(self.db, t["id"])["data"].get(k) == v for k, v in data.items())]
        return found

    def task(self, element: str, **data: Any) -> dict[str, Any]:
        """The one ready task of `element` (whose task data has these values)."""
        found = self.tasks(element, **data)
        if len(found) != 1:
            raise AssertionError(f"expected one ready {element!r} {data or ''}, got {len(found)}; "
                                 f"ready: {self.elements()}")
        return found[0]

    def elements(self) -> list[str]:
        """The elements of the ready tasks, in task-list order."""
        return [t["element"] for t in self.tasks()]

    def ready(self) -> list[tuple[str, str]]:
        """(element, lane) of the ready tasks, in task-list order."""
        return [(t["element"], t["lane"]) for t in self.tasks()]

    def by_element(self) -> dict[str, list[dict[str, Any]]]:
        """Ready tasks grouped by element (a multi-instance task has several)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for t in self.tasks():
            found.setdefault(t["element"], []).append(t)
        return found

    def lane(self, element: str) -> str:
        """The lane of the one ready task of `element`."""
        return self.task(element)["lane"]

    def complete(self, element: str, form: dict[str, Any], *, user: str | None = None,
                 **data: Any) -> dict[str, Any]:
        """Complete the one ready task of `element` (whose task data has these values) with `form`, as `user` or
        the lane's demo user; what the runner returns (status, overdue, ready tasks)."""
        return self.complete_task(self.task(element, **data), form, user=user)

    def complete_task(self, task: dict[str, Any], form: dict[str, Any], *, user: str | None = None) -> dict[str, Any]:
        """Complete this task (one of several instances) as `user` or its lane's demo user."""
        return cases.complete_task(self.db, task["id"], form, user or demo_user(task["lane"]))

    def show(self) -> Shown:
        return Shown(cases.show_case(self.db, self.id))

    def timer(self, element: str, state: str | None = None) -> dict[str, Any]:
        return self.show().timer(element, state)

    def extend(self, element: str, by: int, reason: str, user: str) -> dict[str, Any]:
        """Lengthen the soft deadline `element` by `by` of its units, with a reason, as `user`."""
        return deadline_changes.extend_deadline(self.db, self.id, element, by, reason, user)
