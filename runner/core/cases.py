"""Case use cases: start, complete a task, list tasks, show. Each is one transaction: load, act, record, commit."""
from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from . import (case_data, deadlines, delegations, engine, forms, incidents, notice, regulations, submission_checks,
               users, versions, visibility)
from ..errors import Conflict, InvalidData, NotFound
from .record import CASE_COLUMNS, CaseRef, Mirror, OpenTask
from .step import case_step
from ..store.db import Database
from ..store.models import Artifact, Case, DecisionRecord, Event, FaultRecord, ProcessVersion, Task, Timer


def _json_clean(data: Any) -> Any:
    """A JSON copy of what the engine holds, for display (what people submit passes case_data.clean instead)."""
    try:
        return orjson.loads(orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS))
    except orjson.JSONEncodeError as err:       # e.g. an integer beyond 64 bits
        raise InvalidData(f"data cannot be stored: {err}") from None


_LATEST_VERSION = select(ProcessVersion.id, ProcessVersion.content_hash) \
    .where(ProcessVersion.process_id == bindparam("process_id")).order_by(ProcessVersion.id.desc()).limit(1)


def latest_version(conn: Connection, process_id: str) -> versions.Version:
    """The version new cases of a process start on: the last deployed."""
    row = conn.execute(_LATEST_VERSION, {"process_id": process_id}).first()
    if row is None:
        known = sorted(set(conn.scalars(select(ProcessVersion.process_id))))
        raise NotFound(f"unknown process '{process_id}' (deployed: {', '.join(known) or 'none, run `wenze deploy`'})",
                       process=process_id)
    return versions.load(conn, row.id, row.content_hash)


_LATEST_VERSIONS = select(ProcessVersion.process_id, ProcessVersion.name, func.max(ProcessVersion.id).label("id")) \
    .group_by(ProcessVersion.process_id, ProcessVersion.name)


def startable(db: Database, user_name: str) -> list[dict[str, Any]]:
    """The processes `user_name` may open a case of (its `starters`, else its start event's lane; an
    administrator: all), each with its latest version's name and start form schema (None: it takes no data)."""
    with db.read() as session:
        conn = session.connection()
        user = users.get(conn, user_name)
        latest: dict[str, Any] = {}
        for row in conn.execute(_LATEST_VERSIONS):
            if row.process_id not in latest or row.id > latest[row.process_id].id:
                latest[row.process_id] = row
        found = []
        for process_id, row in sorted(latest.items()):
            version = versions.load(conn, row.id)
            lanes = version.starters or (version.start_lane,)
            if users.ADMIN in user.roles or None in lanes or set(lanes) & set(user.roles):
                found.append({"process": process_id, "name": row.name, "lanes": [lane for lane in lanes if lane],
                              "schema": version.forms.get(version.start_form) if version.start_form else None})
        return found


def start_case(db: Database, process_id: str, data: dict[str, Any], user_name: str) -> dict[str, Any]:
    with case_step(db, user_name) as step:
        user = users.get(step.conn, user_name)
        version = latest_version(step.conn, process_id)
        data = case_data.clean(data, "start data")
        if version.start_form is not None:
            forms.validate(version.validators[version.start_form], data)
        elif data:
            raise InvalidData(f"'{process_id}' takes no start data (its start event names no form)",
                              errors=forms.undeclared(data, ()))
        step.start(version, data)
        users.require_any_lane(user, version.starters or (engine.start_lane(step.workflow),),
                               f"发起「{process_id}」")
        step.advance()
        case = step.create(user.name)
        step.timeline.add("started", process_id, actor=user.name, version=version.id, data=data)
        return case_summary(case, step.commit())


_TASK_TO_COMPLETE = (
    select(Task.state, Task.name, Task.lane, Task.form, Task.element_id, Task.completed_by, Task.completed_at,
           Task.claimed_by,
           *CASE_COLUMNS, users.ROLES)
    .join(Case, Task.case_id == Case.id).join(ProcessVersion).where(Task.id == bindparam("task_id"))
    .with_for_update(of=(Case.__table__, Task.__table__)))
_CLOSE_TASK = update(Task.__table__).where(Task.__table__.c.id == bindparam("b_id")) \
    .values(state="completed", completed_at=bindparam("b_at"), completed_by=bindparam("b_by"))


def complete_task(db: Database, task_id: str, data: Any, user_name: str) -> dict[str, Any]:
    """Complete a ready user task with validated data; exactly one of two racing completions succeeds."""
    with case_step(db, user_name) as step:
        # One statement: a racing completion of this task (or a timer firing in the case) waits on these row locks
        # and then reads the rows as committed.
        task = step.conn.execute(_TASK_TO_COMPLETE, {"task_id": task_id, "user": user_name}).first()
        if task is None:
            raise NotFound(f"unknown task '{task_id}'", task=task_id)
        user = users.principal(user_name, task.roles)
        on_behalf_of = _acting_for(step.conn, user, task.lane)
        case = step.adopt(task)
        if task.state == "cancelled":
            raise Conflict(_cancelled_message(step.conn, task_id, task.name), task=task_id, state=task.state)
        if task.state != "ready":
            raise Conflict(f"task '{task.name}' is already {task.state}"
                           + (f" by {task.completed_by} at {task.completed_at:%Y-%m-%d %H:%M:%S}" if task.completed_by else ""),
                           task=task_id, state=task.state)
        if on_behalf_of is None:
            users.require_lane(user, task.lane, f"任务「{task.name}」")
        if task.claimed_by not in (None, user.name) and users.ADMIN not in user.roles:
            raise Conflict(f"任务「{task.name}」已由 {task.claimed_by} 认领，只有认领人可以办理", task=task_id,
                           claimed_by=task.claimed_by)
        version = step.load()
        submitted = case_data.clean(data if data is not None else {}, "form data")
        if task.form:
            forms.validate(version.validators[task.form], submitted)
        elif submitted:
            raise InvalidData(f"task '{task.name}' has no form: it takes no data",
                              errors=forms.undeclared(submitted, ()))
        # The diagram's named checks (e.g. everyone_heard) refuse before anything runs: nothing is written. A window
        # check counts the window's last day with this step's legal calendar, as the window's timer does.
        if checks := version.submission_checks.get(task.element_id, ()):
            with deadlines.using(step.calendar):
                submission_checks.apply(checks, engine.check_data(step.workflow, task_id), submitted)
        step.catch_up()                     # a deadline that fell due fires first
        state = step.task_state(task_id)
        if state != "READY":
            step.commit()
            raise Conflict(f"task '{task.name}' can no longer be completed: it is "
                           f"{(state or 'gone').lower()} (a deadline fired first)", task=task_id)
        step.run_task(task_id, submitted)
        step.conn.execute(_CLOSE_TASK, {"b_id": task_id, "b_at": step.now, "b_by": user.name})
        step.close_task(task_id)
        step.timeline.add("task_completed", task.element_id, task_id, user.name, name=task.name, data=submitted,
                          **({"on_behalf_of": on_behalf_of} if on_behalf_of else {}))
        return case_summary(case, step.commit())


def _acting_for(conn: Connection, user: users.Principal, lane: str | None) -> str | None:
    """Whom the user acts for on a task of `lane` (委托), when only a delegation lets them work it."""
    if lane is None or lane in user.roles or users.ADMIN in user.roles:
        return None
    return delegations.lent_lanes(conn, user.name).get(lane)


_CANCELLATION = select(Event.data).where(Event.task_id == bindparam("task_id"), Event.kind == "task_cancelled") \
    .order_by(Event.id.desc()).limit(1)


def _cancelled_message(conn: Connection, task_id: str, name: str) -> str:
    """Why a cancelled task cannot be completed, in Chinese, with the reason its timeline event gives (the step a
    reminder or 督办 task urged is done, a deadline ended it, its branch was cancelled)."""
    found = conn.execute(_CANCELLATION, {"task_id": task_id}).scalar()
    data: dict[str, Any] = found if isinstance(found, dict) else {}
    reason = data.get("reason")
    if reason and data.get("urged_name"):
        reason = f"{reason}（「{data['urged_name']}」）"
    return f"任务「{name}」已撤销，不能再办理" + (f"：{reason}" if reason else "")


def list_tasks(db: Database, lane: str | None = None, user_name: str | None = None) -> list[dict[str, Any]]:
    with db.read() as session:
        query = select(Task, Case.process_id).join(Case).where(Task.state == "ready").order_by(Task.created_at, Task.id)
        if lane:
            query = query.where(Task.lane == lane)
        if user_name:
            user = users.get(session.connection(), user_name)
            if users.ADMIN not in user.roles:
                query = query.where(Task.lane.in_(user.roles))
        return [_task_view(task.id, task.case_id, process_id, task) for task, process_id in session.execute(query)]


def _task_view(task_id: str, case_id: int, process_id: str, task: Task | OpenTask) -> dict[str, Any]:
    return {"id": task_id, "case": case_id, "process": process_id, "element": task.element_id,
            "name": task.name, "lane": task.lane, "form": task.form, "ready_since": task.ready_since.isoformat()}


def get_task(db: Database, task_id: str, viewer: str | None = None) -> dict[str, Any]:
    """A task with its form schema and the case data it starts from (what a task page renders), as much of it as
    `viewer` may read (runner.core.visibility; None: the operator at the command line, who reads all)."""
    with db.read() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFound(f"unknown task '{task_id}'", task=task_id)
        case = session.get_one(Case, task.case_id)
        version = versions.load(session.connection(), case.process_version_id)
        data = engine.task_data(workflow, task_id) if task.state == "ready" and \
            (workflow := _readable(case.state)) is not None else None
        if viewer is not None:
            user = users.get(session.connection(), viewer)
            data = visibility.task_data(user, version, case.id, task.lane, task.form, data)
        view = _task_view(task.id, task.case_id, case.process_id, task) | {
            "state": task.state, "claimed_by": task.claimed_by, "urged_by": task.urged_by,
            "urged_at": task.urged_at and task.urged_at.isoformat()}
        view["schema"] = version.forms.get(task.form) if task.form else None
        view["data"] = _json_clean(data) if data is not None else None
        return view


def _readable(state: str) -> Any | None:
    """The saved workflow of a case, for display; None if the engine cannot read it (its incident says why)."""
    try:
        return engine.load_workflow(state)
    except Exception:
        return None


def case_summary(case: CaseRef, mirror: Mirror) -> dict[str, Any]:
    """What a client needs after a step: the case's status and its ready tasks."""
    return {"case": case.id, "process": case.process_id, "status": case.status, "overdue": case.overdue,
            "ready_tasks": [_task_view(task_id, case.id, case.process_id, task) for task_id, task in mirror.ready.items()]}


def show_case(db: Database, case_id: int, viewer: str | None = None) -> dict[str, Any]:
    """The whole case, for `viewer` if they may read it whole (runner.core.visibility; None: the operator at the
    command line)."""
    with db.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id}", case=case_id)
        version = versions.load(session.connection(), case.process_version_id)
        if viewer is not None:
            visibility.require_whole(users.get(session.connection(), viewer), version, case_id)
        workflow = _readable(case.state)
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
            "updated_at": case.updated_at.isoformat(),
            "data": _json_clean(engine.case_data(workflow)) if workflow is not None else None,
            "incidents": incidents.listed(db, open_only=False, case_id=case_id),
            "tasks": [_task_view(t.id, t.case_id, case.process_id, t) | {"state": t.state, "completed_by": t.completed_by,
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


def decision_notice(db: Database, case_id: int, user_name: str) -> notice.Notice:
    """The 处理决定书 of a case, from what its deciding step (the task the diagram marks decisionNotice) submitted,
    the facts earlier steps recorded and the regulation as deployed with the case's version (runner.core.notice).
    Only those who may read the case whole may read it (runner.core.visibility). A case without a decision has no
    notice: nothing a clerk entered earlier may appear as if it were decided."""
    with db.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"没有编号为 {case_id} 的案件", case=case_id)
        version = versions.load(session.connection(), case.process_version_id)
        visibility.require_whole(users.get(session.connection(), user_name), version, case_id)
        regulation = _regulation_of(session, case.process_version_id)
        completed = session.execute(select(Event.at, Event.element_id, Event.data, Task.form)
                                    .join(Task, Task.id == Event.task_id)
                                    .where(Event.case_id == case_id, Event.kind == "task_completed")
                                    .order_by(Event.id)).all()
    steps = [(row.element_id, notice.Submission(version.forms.get(row.form) or {} if row.form else {},
                                                 row.data.get("data") or {}, row.at)) for row in completed]
    decided = [number for number, (element, _) in enumerate(steps) if element in version.notice_tasks]
    if not decided:
        raise NotFound(f"案件 {case_id} 尚未作出处理决定，没有处理决定书", case=case_id)
    last = decided[-1]
    return notice.build(case_id, steps[last][1], [submission for _, submission in steps[:last]], regulation)


def _regulation_of(session: Session, version_id: int) -> regulations.Regulation | None:
    """The registry entry as deployed with the version (its file's content then, not the latest)."""
    files = session.scalar(select(ProcessVersion.files).where(ProcessVersion.id == version_id)) or {}
    entry = next(((path, digest) for path, digest in files.items() if path.startswith("bpmn/regulations/")), None)
    if entry is None:
        return None
    content = session.scalar(select(Artifact.content).where(Artifact.hash == entry[1]))
    return regulations.parse(entry[0].removeprefix("bpmn/regulations/"), content) if content is not None else None
