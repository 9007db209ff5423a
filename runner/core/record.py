"""Mirror a workflow into its rows: state, ready tasks, armed timers and timeline events (no commit here)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock, deadlines, engine
from .step import StepScope
from .timeline import Timeline
from .errors import WenzeError
from ..store.db import Database
from ..store.models import Case, DecisionRecord, FaultRecord, Task, Timer


def sync_case(session: Session, case: Case, workflow: Any, steps: list[engine.Step], timeline: Timeline,
              scope: StepScope) -> list[Task]:
    """Write the step: its events (after those already on `timeline`), tasks, timers, records and state.

    `scope` holds what the step's code computed (deadline details) and recorded (confirmed faults).
    Returns the case's ready task rows."""
    with session.no_autoflush:
        ready = _record(session, case, workflow, steps, timeline, scope)
    timeline.write(session, case.id)
    return ready


def _record(session: Session, case: Case, workflow: Any, steps: list[engine.Step], timeline: Timeline,
            scope: StepScope) -> list[Task]:
    now = timeline.now
    for step in steps:
        timeline.add(step.kind, step.element_id, step.task_id, **step.data)
        if step.kind == "decision" and "decision_id" in step.data:
            session.add(DecisionRecord(case_id=case.id, task_id=step.task_id, element_id=step.element_id,
                                       decision_id=step.data["decision_id"], table_hash=step.data["table_hash"],
                                       inputs=step.data["inputs"], matched_rules=step.data["matched_rules"],
                                       outputs={"value": step.data["outputs"]}, at=now))
    for fault in scope.faults:
        session.add(FaultRecord(**fault, case_id=case.id, recorded_at=now))
        timeline.add("fault_recorded", **{**fault, "confirmed_on": fault["confirmed_on"].isoformat()})
    scope.faults.clear()   # a scope spans one step; never insert its records twice
    ready = _sync_tasks(session, case, workflow, timeline)
    _sync_timers(session, case, workflow, steps, timeline, scope.computed)
    completed = workflow.is_completed()
    if completed and case.status != "completed":
        timeline.add("completed")
    case.status = "completed" if completed else "running"
    case.state = engine.dump_workflow(workflow)
    case.updated_at = now
    return ready


def _sync_tasks(session: Session, case: Case, workflow: Any, timeline: Timeline) -> list[Task]:
    ready = {str(t.id): t for t in engine.ready_user_tasks(workflow)}
    rows = {}
    for row in session.scalars(select(Task).where(Task.case_id == case.id, Task.state == "ready")):
        rows[row.id] = row
        if row.state == "ready" and row.id not in ready:   # withdrawn by the engine (deadline, cancelled branch)
            row.state = "cancelled"
            timeline.add("task_cancelled", row.element_id, row.id, name=row.name)
    # The engine gives every activation a fresh task id, so a ready task without an open row is new.
    for task_id, task in ready.items():
        if task_id in rows:
            continue
        spec = task.task_spec
        name = spec.bpmn_name or spec.bpmn_id
        rows[task_id] = Task(id=task_id, case_id=case.id, element_id=spec.bpmn_id, name=name, lane=spec.lane,
                             form=engine.form_of(spec), state="ready", created_at=timeline.now)
        session.add(rows[task_id])
        timeline.add("task_ready", spec.bpmn_id, task_id, name=name, lane=spec.lane)
    return [rows[task_id] for task_id in ready]


_FIRED_EVENTS = {"deadline": "deadline_passed", "reminder": "deadline_reminder", "period_end": "period_ended"}


def _sync_timers(session: Session, case: Case, workflow: Any, steps: list[engine.Step], timeline: Timeline,
                 computed: dict[str, dict[str, Any]]) -> None:
    now = timeline.now
    armed = {str(task.id): (task, due) for task, due in engine.armed_timers(workflow)}
    # Timers that fired in this step, including one already past due when reached (it never showed as armed).
    fired_now = {step.task_id: step for step in steps if step.kind == "timer_fired"}
    rows = {row.task_id: row for row in
            session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == "armed"))}
    for task_id, step in fired_now.items():
        if task_id not in rows and step.data.get("due_at"):
            due = dt.datetime.fromisoformat(step.data["due_at"])
            rows[task_id] = Timer(case_id=case.id, task_id=task_id, element_id=step.element_id,
                                  name=step.data["name"], due_at=due, state="armed",
                                  detail=computed.get(deadlines.key(due), {}), created_at=now)
            session.add(rows[task_id])
    for task_id, row in rows.items():
        if task_id in armed:
            continue
        task = engine.find_task(workflow, task_id)
        fired = task_id in fired_now or (task is not None and engine.state_name(task) == "COMPLETED")
        row.state, row.fired_at = ("fired", now) if fired else ("cancelled", None)
        row.lease_owner = row.lease_until = None
        kind = row.detail.get("kind")
        if fired and kind in _FIRED_EVENTS:
            case.overdue = case.overdue or kind == "deadline"
            timeline.add(_FIRED_EVENTS[kind], row.element_id, row.task_id, name=row.name,
                         due_at=row.due_at.isoformat(), fired_at=now.isoformat(),
                         last_day=row.detail.get("last_day"), soft=row.detail.get("soft", False))
    for task_id, (task, due) in armed.items():
        if task_id not in rows:
            spec = task.task_spec
            session.add(Timer(case_id=case.id, task_id=task_id, element_id=spec.bpmn_id,
                              name=spec.bpmn_name or spec.bpmn_id, due_at=due, state="armed",
                              detail=computed.get(deadlines.key(due), {}), created_at=now))


def record_error(db: Database, case_id: int, error: WenzeError, actor: str | None) -> None:
    """Put a failed step on the timeline in its own transaction; the step itself was rolled back."""
    with db.write() as session:
        timeline = Timeline(clock.now())
        timeline.add("error", error.details.get("element"), actor=actor, message=error.message)
        timeline.write(session, case_id)
        session.commit()
