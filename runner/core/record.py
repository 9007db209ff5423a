"""A case's rows as a mirror of its workflow, and writing one step into them (no commit here).

The task and timer rows of a case mirror its workflow: the ready user tasks and the armed timers. A step writes
only the difference between that mirror before the step and the workflow after it, with SQLAlchemy Core
statements and no reads; a use case has the "before" mirror from the live-workflow cache, or reads it with the
state when the case is loaded. The case row's revision is checked and bumped by the same UPDATE that stores the
state, so a write that raced past the row lock is refused, never merged.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update

from . import clock, deadlines, engine
from .errors import Conflict, WenzeError
from .live import LIVE
from .timeline import Timeline
from ..store.db import Database
from ..store.models import Case, DecisionRecord, FaultRecord, ProcessVersion, Task, Timer

if TYPE_CHECKING:
    from .step import StepScope

CASES, TASKS, TIMERS = Case.__table__, Task.__table__, Timer.__table__
# Statements built once: a step runs each of them, and building one costs as much as running it on SQLite.
_INSERT_TASKS, _INSERT_TIMERS = insert(TASKS), insert(TIMERS)
_INSERT_DECISIONS, _INSERT_FAULTS = insert(DecisionRecord.__table__), insert(FaultRecord.__table__)
_CLOSE_TIMERS = update(TIMERS).where(TIMERS.c.task_id == bindparam("key")).values(
    state=bindparam("state"), fired_at=bindparam("fired_at"), lease_owner=None, lease_until=None)


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


def load(db: Database, conn: Connection, case: CaseRef) -> tuple[Any, Mirror]:
    """The workflow and mirror of a locked case: the live ones if saved at this revision, else from the rows."""
    live = LIVE.take(db, case.id, case.revision)
    if live is not None:
        return live
    workflow = engine.load_workflow(conn.scalar(select(Case.state).where(Case.id == case.id)))
    ready = {row.id: OpenTask(row.element_id, row.name, row.lane, row.form, row.created_at) for row in conn.execute(
        select(Task.id, Task.element_id, Task.name, Task.lane, Task.form, Task.created_at)
        .where(Task.case_id == case.id, Task.state == "ready").order_by(Task.created_at, Task.id))}
    armed = {row.task_id: ArmedTimer(row.element_id, row.name, row.due_at, row.detail) for row in conn.execute(
        select(Timer.task_id, Timer.element_id, Timer.name, Timer.due_at, Timer.detail)
        .where(Timer.case_id == case.id, Timer.state == "armed"))}
    return workflow, Mirror(ready, armed)


def keep(db: Database, case: CaseRef, workflow: Any, mirror: Mirror) -> None:
    """After commit: cache the workflow and its mirror for the case's next step (a completed case has none)."""
    if case.status != "completed":
        LIVE.put(db, case.id, case.revision, workflow, mirror)


def sync_case(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, steps: list[engine.Step],
              timeline: Timeline, scope: StepScope) -> tuple[Mirror, set[str]]:
    """Write the step: its events (after those already on `timeline`), records, tasks, timers and state.

    `scope` holds what the step's code computed (deadline details) and recorded (confirmed faults).
    Returns the mirror after the step and the ids of the timers that fired in it; bumps `case.revision`."""
    now = timeline.now
    decisions = []
    for step in steps:
        timeline.add(step.kind, step.element_id, step.task_id, **step.data)
        if step.kind == "decision" and "decision_id" in step.data:
            decisions.append({"case_id": case.id, "task_id": step.task_id, "element_id": step.element_id,
                              "decision_id": step.data["decision_id"], "table_hash": step.data["table_hash"],
                              "inputs": step.data["inputs"], "matched_rules": step.data["matched_rules"],
                              "outputs": {"value": step.data["outputs"]}, "at": now})
    if decisions:
        conn.execute(_INSERT_DECISIONS, decisions)
    if scope.faults:
        conn.execute(_INSERT_FAULTS, [{**f, "case_id": case.id, "recorded_at": now}
                                                     for f in scope.faults])
    for fault in scope.faults:
        timeline.add("fault_recorded", **{**fault, "confirmed_on": fault["confirmed_on"].isoformat()})
    scope.faults.clear()   # a scope spans one step; never insert its records twice
    ready = _sync_tasks(conn, case, workflow, before, timeline)
    armed, fired = _sync_timers(conn, case, workflow, before, steps, timeline, scope.computed)
    completed = workflow.is_completed()
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


def _sync_tasks(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, timeline: Timeline) -> dict[str, OpenTask]:
    ready: dict[str, OpenTask] = {}
    new = []
    # The engine gives every activation a fresh task id, so a ready task the mirror lacks is new.
    for task in engine.ready_user_tasks(workflow):
        task_id = str(task.id)
        if task_id in before.ready:
            ready[task_id] = before.ready[task_id]
            continue
        spec = task.task_spec
        ready[task_id] = opened = OpenTask(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, spec.lane,
                                           engine.form_of(spec), timeline.now)
        new.append({"id": task_id, "case_id": case.id, "element_id": opened.element_id, "name": opened.name,
                    "lane": opened.lane, "form": opened.form, "state": "ready", "created_at": timeline.now})
    withdrawn = [task_id for task_id in before.ready if task_id not in ready]  # a deadline, a cancelled branch
    for task_id in withdrawn:
        timeline.add("task_cancelled", before.ready[task_id].element_id, task_id, name=before.ready[task_id].name)
    for row in new:
        timeline.add("task_ready", row["element_id"], row["id"], name=row["name"], lane=row["lane"])
    if withdrawn:
        conn.execute(update(TASKS).where(TASKS.c.id.in_(withdrawn)).values(state="cancelled"))
    if new:
        conn.execute(_INSERT_TASKS, new)
    return ready


_FIRED_EVENTS = {"deadline": "deadline_passed", "reminder": "deadline_reminder", "period_end": "period_ended"}


def _sync_timers(conn: Connection, case: CaseRef, workflow: Any, before: Mirror, steps: list[engine.Step],
                 timeline: Timeline, computed: dict[str, dict[str, Any]]) -> tuple[dict[str, ArmedTimer], set[str]]:
    now = timeline.now
    armed: dict[str, ArmedTimer] = {}
    new = []
    for task in engine.waiting_timers(workflow):
        task_id = str(task.id)
        if task_id in before.armed:
            armed[task_id] = before.armed[task_id]
            continue
        due = engine.timer_due(task)
        if due is None:
            continue
        spec = task.task_spec
        armed[task_id] = timer = ArmedTimer(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, due,
                                            computed.get(deadlines.key(due), {}))
        new.append(_timer_row(case, task_id, timer, "armed", now))
    ended = {task_id: timer for task_id, timer in before.armed.items() if task_id not in armed}
    # A timer already past due when reached fires in the step that reaches it: it never showed as armed.
    fired_now = {step.task_id: step for step in steps if step.kind == "timer_fired"}
    for task_id, step in fired_now.items():
        if task_id not in before.armed and task_id not in armed and step.data.get("due_at"):
            due = dt.datetime.fromisoformat(step.data["due_at"])
            ended[task_id] = ArmedTimer(step.element_id, step.data["name"], due,
                                        computed.get(deadlines.key(due), {}))
    fired: set[str] = set()
    closed = []
    for task_id, timer in ended.items():
        task = engine.find_task(workflow, task_id)
        if task_id in fired_now or (task is not None and engine.state_name(task) == "COMPLETED"):
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
    if new:
        conn.execute(_INSERT_TIMERS, [{"fired_at": None, **row} for row in new])
    return armed, fired


def _timer_row(case: CaseRef, task_id: str, timer: ArmedTimer, state: str, now: dt.datetime) -> dict[str, Any]:
    return {"case_id": case.id, "task_id": task_id, "element_id": timer.element_id, "name": timer.name,
            "due_at": timer.due_at, "state": state, "detail": timer.detail, "created_at": now}


def record_error(db: Database, case_id: int, error: WenzeError, actor: str | None) -> None:
    """Put a failed step on the timeline in its own transaction; the step itself was rolled back."""
    with db.connect_write() as conn:
        timeline = Timeline(clock.now())
        timeline.add("error", error.details.get("element"), actor=actor, message=error.message)
        timeline.write(conn, case_id)
        conn.commit()
