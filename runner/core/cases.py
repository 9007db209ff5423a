"""Case use cases: start, complete a task, list tasks, show. Each is one transaction: load, act, record, commit."""
from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from SpiffWorkflow.exceptions import WorkflowException

from . import clock, engine, forms, step, users, versions
from .errors import Conflict, NotFound, ScriptError
from .live import LIVE
from .record import record_error, sync_case
from .timeline import Timeline
from ..store.db import Database
from ..store.models import Case, DecisionRecord, Event, FaultRecord, ProcessVersion, Task, Timer


def _json_clean(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def latest_version(session: Session, process_id: str) -> ProcessVersion:
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                             .order_by(ProcessVersion.id.desc()).limit(1))
    if version is None:
        known = sorted(set(session.scalars(select(ProcessVersion.process_id))))
        raise NotFound(f"unknown process '{process_id}' (deployed: {', '.join(known) or 'none'})",
                       process=process_id)
    return version


def engine_failure(err: WorkflowException) -> ScriptError:
    task = getattr(err, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    return ScriptError(f"element '{element}': {err}" if element else str(err), element=element)


def start_case(db: Database, process_id: str, data: dict[str, Any], user_name: str) -> dict[str, Any]:
    with db.write() as session:
        user = users.get(session, user_name)
        version = versions.load(session, latest_version(session, process_id).id)
        workflow = engine.new_workflow(version.content_hash, data)
        start_lane = workflow.spec.start.outputs[0].lane if workflow.spec.start.outputs else None
        users.require_any_lane(user, version.starters or (start_lane,), f"starting '{process_id}'")
        try:
            with step.scope(session, None, process_id) as scope:
                steps = engine.advance(workflow)
        except WorkflowException as err:
            raise engine_failure(err) from None
        timeline = Timeline(clock.now())
        case = Case(process_version_id=version.id, process_id=process_id, status="running", state="",
                    started_by=user.name, created_at=timeline.now, updated_at=timeline.now)
        session.add(case)
        session.flush()
        timeline.add("started", process_id, actor=user.name, version=version.id, data=_json_clean(data))
        summary = case_summary(case, sync_case(session, case, workflow, steps, timeline, scope))
        session.commit()
        LIVE.put(db, case.id, case.revision, workflow)
        return summary


def complete_task(db: Database, task_id: str, data: Any, user_name: str) -> dict[str, Any]:
    """Complete a ready user task with validated data; exactly one of two racing completions succeeds."""
    with db.write() as session:
        # Row locks (PostgreSQL; SQLite's write lock covers the same): a racing completion of this task waits
        # here and then reads the committed state; a timer firing in the same case waits on the case row.
        task = session.scalar(select(Task).where(Task.id == task_id).with_for_update())
        if task is None:
            raise NotFound(f"unknown task '{task_id}'", task=task_id)
        user = users.get(session, user_name)
        case = session.scalar(select(Case).where(Case.id == task.case_id).with_for_update())
        if task.state != "ready":
            raise Conflict(f"task '{task.name}' is already {task.state}"
                           + (f" by {task.completed_by} at {task.completed_at:%Y-%m-%d %H:%M:%S}" if task.completed_by else ""),
                           task=task_id, state=task.state)
        users.require_lane(user, task.lane, f"task '{task.name}'")
        version = versions.load(session, case.process_version_id)
        if task.form:
            forms.validate(version.validators[task.form], data)
        workflow = LIVE.take(db, case.id, case.revision) or engine.load_workflow(case.state)
        timeline = Timeline(clock.now())
        try:
            with step.scope(session, case.id, case.process_id) as scope:
                steps = engine.catch_up(workflow)     # a deadline that fell due fires before the user acts
                spiff_task = workflow.get_task_from_id(UUID(task_id))
                if not engine.is_ready(spiff_task):
                    sync_case(session, case, workflow, steps, timeline, scope)
                    session.commit()
                    raise Conflict(f"task '{task.name}' can no longer be completed: it is "
                                   f"{engine.state_name(spiff_task).lower()} (a deadline fired first)",
                                   task=task_id)
                spiff_task.set_data(**_json_clean(data or {}))  # replace values; never SpiffWorkflow's list merge
                spiff_task.run()
                steps += engine.advance(workflow)
        except WorkflowException as err:
            case_id, actor = case.id, user.name     # read before rollback expires the objects
            session.rollback()
            failure = engine_failure(err)
            record_error(db, case_id, failure, actor)
            raise failure from None
        task.state, task.completed_at, task.completed_by = "completed", timeline.now, user.name
        timeline.add("task_completed", task.element_id, task_id, user.name, name=task.name, data=_json_clean(data))
        summary = case_summary(case, sync_case(session, case, workflow, steps, timeline, scope))
        try:
            session.commit()
        except StaleDataError:
            raise Conflict(f"case {summary['case']} was changed by another request; reload and retry",
                           case=summary["case"]) from None
        LIVE.put(db, case.id, case.revision, workflow)
        return summary


def list_tasks(db: Database, lane: str | None = None, user_name: str | None = None) -> list[dict[str, Any]]:
    with db.read() as session:
        query = select(Task, Case.process_id).join(Case).where(Task.state == "ready").order_by(Task.created_at, Task.id)
        if lane:
            query = query.where(Task.lane == lane)
        if user_name:
            user = users.get(session, user_name)
            if users.ADMIN not in user.roles:
                query = query.where(Task.lane.in_(user.roles))
        return [_task_view(task, process_id) for task, process_id in session.execute(query)]


def _task_view(task: Task, process_id: str) -> dict[str, Any]:
    return {"id": task.id, "case": task.case_id, "process": process_id, "element": task.element_id,
            "name": task.name, "lane": task.lane, "form": task.form, "ready_since": task.created_at.isoformat()}


def get_task(db: Database, task_id: str) -> dict[str, Any]:
    """A task with its form schema and the case data it starts from (what a task page renders)."""
    with db.read() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFound(f"unknown task '{task_id}'", task=task_id)
        case = session.get(Case, task.case_id)
        version = versions.load(session, case.process_version_id)
        spiff_task = engine.find_task(engine.load_workflow(case.state), task_id)
        view = _task_view(task, case.process_id) | {"state": task.state}
        view["schema"] = version.forms.get(task.form) if task.form else None
        view["data"] = _json_clean(spiff_task.data) if spiff_task is not None and task.state == "ready" else None
        return view


def case_summary(case: Case, ready: list[Task]) -> dict[str, Any]:
    """What a client needs after a step: the case's status and its ready tasks."""
    return {"case": case.id, "process": case.process_id, "status": case.status, "overdue": case.overdue,
            "ready_tasks": [_task_view(task, case.process_id) for task in ready]}


def show_case(db: Database, case_id: int) -> dict[str, Any]:
    with db.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id}", case=case_id)
        version = versions.load(session, case.process_version_id)
        workflow = engine.load_workflow(case.state)
        events = session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.id))
        timers = session.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.due_at, Timer.id))
        tasks = session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.created_at, Task.id))
        decisions = session.scalars(select(DecisionRecord).where(DecisionRecord.case_id == case_id)
                                    .order_by(DecisionRecord.id))
        faults = session.scalars(select(FaultRecord).where(FaultRecord.case_id == case_id).order_by(FaultRecord.id))
        return {
            "case": case.id, "process": case.process_id, "version": version.id, "status": case.status,
            "overdue": case.overdue,
            "started_by": case.started_by, "created_at": case.created_at.isoformat(),
            "updated_at": case.updated_at.isoformat(), "data": _json_clean(engine.case_data(workflow)),
            "tasks": [_task_view(t, case.process_id) | {"state": t.state, "completed_by": t.completed_by,
                      "completed_at": t.completed_at and t.completed_at.isoformat()} for t in tasks],
            "timers": [{**t.detail, "element": t.element_id, "name": t.name, "due_at": t.due_at.isoformat(),
                        "state": t.state, "fired_at": t.fired_at and t.fired_at.isoformat()} for t in timers],
            "decisions": [{"at": d.at.isoformat(), "element": d.element_id, "decision": d.decision_id,
                           "table_hash": d.table_hash, "inputs": d.inputs, "matched_rules": d.matched_rules,
                           "outputs": d.outputs["value"]} for d in decisions],
            "faults": [{"person": f.person, "regulation": f.regulation, "fault_type": f.fault_type,
                        "confirmed_on": f.confirmed_on.isoformat(), "role": f.role, "grade": f.grade} for f in faults],
            "events": [{"at": e.at.isoformat(), "kind": e.kind, "element": e.element_id, "task": e.task_id,
                        "actor": e.actor, **e.data} for e in events],
        }


def choice_labels(db: Database, case_id: int) -> dict[str, str]:
    """The Chinese titles of the coded choices in the case's forms (for documents such as the notice)."""
    with db.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id}", case=case_id)
        return forms.choice_labels(versions.load(session, case.process_version_id).forms.values())
