"""A case's rows as a mirror of its workflow, and writing one step into them (no commit here).

The task and timer rows of a case mirror its workflow: the ready user tasks and the armed timers. A step writes
only the difference between that mirror before the step and the workflow after it, with SQLAlchemy Core
statements and no reads; the unit of work (runner/core/step.py) has the "before" mirror from the live-workflow
cache, or reads it with the state when the case is loaded. The case row's revision is checked and bumped by the
same UPDATE that stores the state, so a write that raced past the row lock is refused, never merged.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from . import deadlines, engine
from ..errors import Conflict
from .timeline import Timeline
from ..store.models import Case, DecisionRecord, FaultRecord, ProcessVersion, Task, Timer

CASES, TASKS, TIMERS = Case.__table__, Task.__table__, Timer.__table__
# Statements built once: a step runs each of them, and building one costs as much as running it on SQLite.
_INSERT_TASKS, _INSERT_TIMERS = insert(TASKS), insert(TIMERS)
_INSERT_DECISIONS, _INSERT_FAULTS = insert(DecisionRecord.__table__), insert(FaultRecord.__table__)
_CLOSE_TIMERS = update(TIMERS).where(TIMERS.c.task_id == bindparam("key")).values(
    state=bindparam("state"), fired_at=bindparam("fired_at"), lease_owner=None, lease_until=None)
_MOVE_TIMERS = update(TIMERS).where(TIMERS.c.task_id == bindparam("key")).values(
    due_at=bindparam("due_at"), detail=bindparam("detail"))


LaneOf = Callable[[str, str | None], str | None]     # (process id, lane as drawn) -> who works the task


@dataclass(frozen=True)
class OpenTask:
    element_id: str
    name: str
    lane: str | None
    form: str | None
    ready_since: dt.datetime


@dataclass(frozen=True)
class ArmedTimer:
    element_id: str
    name: str
    due_at: dt.datetime
    detail: dict[str, Any]


@dataclass
class Mirror:
    """What the rows of a case show: its ready user tasks and armed timers, by engine task id."""

    ready: dict[str, OpenTask]
    armed: dict[str, ArmedTimer]

    def earliest_due(self) -> dt.datetime | None:
        return min((timer.due_at for timer in self.armed.values()), default=None)


@dataclass
class CaseRef:
    """The case row a use case locked: what a step reads and writes besides the state document."""

    id: int
    process_id: str
    version_id: int
    content_hash: str
    revision: int
    status: str
    overdue: bool


# What a step needs of the case row and its version, read with the row lock (the state is read only on a cache miss).
CASE_COLUMNS = (Case.id, Case.process_id, Case.process_version_id, ProcessVersion.content_hash, Case.revision,
                Case.status, Case.overdue)
_LOCK_CASE = select(*CASE_COLUMNS).join(ProcessVersion).where(Case.id == bindparam("case_id")).with_for_update(of=CASES)


def case_ref(row: Any) -> CaseRef:
    return CaseRef(row.id, row.process_id, row.process_version_id, row.content_hash, row.revision, row.status,
                   row.overdue)


def lock_case(conn: Connection, case_id: int) -> CaseRef | None:
    """Lock the case row (PostgreSQL; SQLite's write lock covers the same) and read it without its state."""
    row = conn.execute(_LOCK_CASE, {"case_id": case_id}).first()
    return None if row is None else case_ref(row)


def read_mirror(conn: Connection, case_id: int) -> tuple[str, Mirror]:
    """A locked case's state document and the mirror its rows show (when the live cache has no entry for it)."""
    state = conn.scalar(select(Case.state).where(Case.id == case_id))
    ready = {row.id: OpenTask(row.element_id, row.name, row.lane, row.form, row.created_at) for row in conn.execute(
        select(Task.id, Task.element_id, Task.name, Task.lane, Task.form, Task.created_at)
        .where(Task.case_id == case_id, Task.state == "ready").order_by(Task.created_at, Task.id))}
    armed = {row.task_id: ArmedTimer(row.element_id, row.name, row.due_at, row.detail) for row in conn.execute(
        select(Timer.task_id, Timer.element_id, Timer.name, Timer.due_at, Timer.detail)
        .where(Timer.case_id == case_id, Timer.state == "armed"))}
    return state or "", Mirror(ready, armed)


@dataclass
class StepOutcome:
    """What one engine step computed and recorded besides the workflow, to write with the case."""

    steps: list[engine.Step]
    computed: dict[str, dict[str, Any]]      # due instant (UTC ISO) -> what the deadline function computed
    faults: list[dict[str, Any]]             # record_fault() calls
    moved: dict[str, ArmedTimer]             # armed timers re-timed by the use case (extended, recomputed)


def sync_case(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, outcome: StepOutcome,
              timeline: Timeline, lane: LaneOf) -> tuple[Mirror, set[str]]:
    """Write the step: its events (after those already on `timeline`), records, tasks, timers and state. A new
    task's row carries `lane(process, drawn lane)`: who works it in this case (versions.Version.lane).

    Returns the mirror after the step and the ids of the timers that fired in it; bumps `case.revision`."""
    now = timeline.now
    decisions = []
    # Tasks the engine ended itself, with the reason (an urged step done): written with their rows below.
    ended = {str(step.task_id): step for step in outcome.steps if step.kind == "task_cancelled"}
    for step in outcome.steps:
        if step.kind == "task_cancelled":
            continue
        timeline.add(step.kind, step.element_id, step.task_id, **step.data)
        if step.kind == "decision" and "decision_id" in step.data:
            decisions.append({"case_id": case.id, "task_id": step.task_id, "element_id": step.element_id,
                              "decision_id": step.data["decision_id"], "table_hash": step.data["table_hash"],
                              "inputs": step.data["inputs"], "matched_rules": step.data["matched_rules"],
                              "outputs": {"value": step.data["outputs"]}, "at": now})
    if decisions:
        conn.execute(_INSERT_DECISIONS, decisions)
    if outcome.faults:
        conn.execute(_INSERT_FAULTS, [{**f, "case_id": case.id, "recorded_at": now} for f in outcome.faults])
    for fault in outcome.faults:
        timeline.add("fault_recorded", **{**fault, "confirmed_on": fault["confirmed_on"].isoformat()})
    ready = _sync_tasks(conn, case, workflow, before, timeline, lane, ended)
    armed, fired = _sync_timers(conn, case, workflow, before, outcome, timeline)
    completed = engine.is_completed(workflow)
    if completed and case.status != "completed":
        timeline.add("completed")
    case.status = "completed" if completed else "running"
    timeline.write(conn, case.id)
    store_state(conn, case, workflow, now)
    return Mirror(ready, armed), fired


_STORE_STATE = update(CASES).where(CASES.c.id == bindparam("b_id"), CASES.c.revision == bindparam("b_revision")) \
    .values(state=bindparam("b_state"), status=bindparam("b_status"), overdue=bindparam("b_overdue"),
            updated_at=bindparam("b_now"), revision=bindparam("b_revision") + 1)


def store_state(conn: Connection, case: CaseRef, workflow: Any, now: dt.datetime) -> None:
    """Save the workflow (and the case's status and overdue flag) as the next revision of the locked row."""
    stored = conn.execute(_STORE_STATE, {
        "b_id": case.id, "b_revision": case.revision, "b_state": engine.dump_workflow(workflow),
        "b_status": case.status, "b_overdue": case.overdue, "b_now": now})
    if stored.rowcount != 1:
        raise Conflict(f"case {case.id} was changed by another request; reload and retry", case=case.id)
    case.revision += 1


def _sync_tasks(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, timeline: Timeline,
                lane: LaneOf, ended: dict[str, engine.Step]) -> dict[str, OpenTask]:
    ready: dict[str, OpenTask] = {}
    new: list[dict[str, Any]] = []
    # The engine gives every activation a fresh task id, so a ready task the mirror lacks is new.
    for task in engine.ready_user_tasks(workflow):
        task_id = task.id
        if task_id in before.ready:
            ready[task_id] = before.ready[task_id]
            continue
        ready[task_id] = opened = OpenTask(task.element_id, task.name, lane(task.process, task.lane), task.form,
                                           timeline.now)
        new.append({"id": task_id, "case_id": case.id, "element_id": opened.element_id, "name": opened.name,
                    "lane": opened.lane, "form": opened.form, "state": "ready", "created_at": timeline.now})
    # A deadline, a cancelled branch, or the step a reminder or 督办 task urged is done (`ended`, with the reason).
    withdrawn = [task_id for task_id in before.ready if task_id not in ready]
    for task_id in withdrawn:
        timeline.add("task_cancelled", before.ready[task_id].element_id, task_id,
                     **(ended[task_id].data if task_id in ended else {"name": before.ready[task_id].name}))
    for row in new:
        timeline.add("task_ready", row["element_id"], row["id"], name=row["name"], lane=row["lane"])
    # A task that came and went within this step (a deadline fired just before the urged step was completed) never
    # had a row: its cancellation is still on the timeline, with the reason.
    for task_id, step in ended.items():
        if task_id not in before.ready:
            timeline.add("task_cancelled", step.element_id, task_id, **step.data)
    if withdrawn:
        conn.execute(update(TASKS).where(TASKS.c.id.in_(withdrawn)).values(state="cancelled"))
    if new:
        conn.execute(_INSERT_TASKS, new)
    return ready


_FIRED_EVENTS = {"deadline": "deadline_passed", "reminder": "deadline_reminder", "period_end": "period_ended"}


def _sync_timers(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, outcome: StepOutcome,
                 timeline: Timeline) -> tuple[dict[str, ArmedTimer], set[str]]:
    now, computed = timeline.now, outcome.computed
    armed: dict[str, ArmedTimer] = {}
    new = []
    moved = []
    for waiting in engine.waiting_timers(workflow):
        task_id = waiting.id
        if task_id in outcome.moved:
            armed[task_id] = outcome.moved[task_id]
            moved.append({"key": task_id, "due_at": armed[task_id].due_at, "detail": armed[task_id].detail})
            continue
        if task_id in before.armed:
            armed[task_id] = before.armed[task_id]
            continue
        due = waiting.due()
        if due is None:
            continue
        armed[task_id] = timer = ArmedTimer(waiting.element_id, waiting.name, due,
                                            computed.get(deadlines.key(due), {}))
        new.append(_timer_row(case, task_id, timer, "armed", now))
    ended = {task_id: timer for task_id, timer in before.armed.items() if task_id not in armed}
    # A timer already past due when reached fires in the step that reaches it: it never showed as armed.
    fired_now = {str(step.task_id): step for step in outcome.steps if step.kind == "timer_fired"}
    for task_id, step in fired_now.items():
        if task_id not in before.armed and task_id not in armed and step.data.get("due_at"):
            due = dt.datetime.fromisoformat(step.data["due_at"])
            ended[task_id] = ArmedTimer(str(step.element_id), step.data["name"], due,
                                        computed.get(deadlines.key(due), {}))
    fired: set[str] = set()
    closed = []
    for task_id, timer in ended.items():
        if task_id in fired_now or engine.task_state(workflow, task_id) == "COMPLETED":
            fired.add(task_id)
        state, fired_at = ("fired", now) if task_id in fired else ("cancelled", None)
        if task_id in before.armed:
            closed.append({"key": task_id, "state": state, "fired_at": fired_at})
        else:
            new.append(_timer_row(case, task_id, timer, state, now) | {"fired_at": fired_at})
        kind = timer.detail.get("kind")
        if task_id in fired and kind in _FIRED_EVENTS:
            case.overdue = case.overdue or kind == "deadline"
            timeline.add(_FIRED_EVENTS[kind], timer.element_id, task_id, name=timer.name,
                         due_at=timer.due_at.isoformat(), fired_at=now.isoformat(),
                         last_day=timer.detail.get("last_day"), soft=timer.detail.get("soft", False))
    if closed:
        conn.execute(_CLOSE_TIMERS, closed)
    if moved:
        conn.execute(_MOVE_TIMERS, moved)
    if new:
        conn.execute(_INSERT_TIMERS, [{"fired_at": None, **row} for row in new])
    return armed, fired


def _timer_row(case: CaseRef, task_id: str, timer: ArmedTimer, state: str, now: dt.datetime) -> dict[str, Any]:
    return {"case_id": case.id, "task_id": task_id, "element_id": timer.element_id, "name": timer.name,
            "due_at": timer.due_at, "state": state, "detail": timer.detail, "created_at": now}
