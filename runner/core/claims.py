"""Claiming, releasing, assigning, handing over and urging a ready task (认领, 释放, 指派, 转办, 催办), each
recorded on the case timeline.

A ready task belongs to its lane: any member may claim it, and from then on only the claimer completes it
(two colleagues no longer fill in the same form). The claimer (or an administrator) releases it back to the lane.
The lane's supervisor — an account holding the role 「主管:<lane>」 — or an administrator assigns it to a member of
the lane, taking it from whoever held it. Its holder (or, while nobody holds it, any member of the lane) hands it over
to a colleague of the lane with a reason (转办). The supervisor or an administrator urges it (催办): the task shows
who urged it and when. None of this touches the engine: the task row and the timeline change,
in one transaction, under the task's row lock.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, update

from ..errors import Conflict, Forbidden, InvalidData, NotFound
from ..store.db import Database
from ..store.models import Task
from . import clock, users
from .timeline import Timeline

SUPERVISOR = "主管:"      # the role prefix of a lane's supervisor: 「主管:综合股/办公室」


def supervises(user: users.Principal, lane: str | None) -> bool:
    return users.ADMIN in user.roles or (lane is not None and f"{SUPERVISOR}{lane}" in user.roles)


def _require_supervisor(user: users.Principal, task: Any, action: str) -> None:
    if not supervises(user, task.lane):
        raise Forbidden(f"只有{task.lane or '该任务'}的主管（角色「{SUPERVISOR}{task.lane}」）或管理员可以{action}",
                        task=task.id)


def _ready(conn: Connection, task_id: str) -> Any:
    task = conn.execute(select(Task.id, Task.case_id, Task.element_id, Task.name, Task.lane, Task.state,
                               Task.claimed_by).where(Task.id == task_id).with_for_update()).first()
    if task is None:
        raise NotFound(f"unknown task '{task_id}'", task=task_id)
    if task.state != "ready":
        raise Conflict(f"任务「{task.name}」已不在待办中（{task.state}）", task=task_id, state=task.state)
    return task


def _record(conn: Connection, task: Any, holder: str | None, kind: str, actor: str, **data: Any) -> dict[str, Any]:
    _event(conn, task, kind, actor, claimed_by=holder, **data)
    return {"task": task.id, "case": task.case_id, "claimed_by": holder}


def _event(conn: Connection, task: Any, kind: str, actor: str, *, claimed_by: str | None = None,
           urged: bool = False, **data: Any) -> dt.datetime:
    """Change the task row (its holder, or its last 催办) and add the timeline event, in one transaction."""
    now = clock.now()
    values = {"urged_by": actor, "urged_at": now} if urged else {"claimed_by": claimed_by}
    conn.execute(update(Task).where(Task.id == task.id).values(**values))
    timeline = Timeline(now)
    timeline.add(kind, task.element_id, task.id, actor, name=task.name, **data)
    timeline.write(conn, task.case_id)
    conn.commit()
    return now


def claim(db: Database, task_id: str, user_name: str) -> dict[str, Any]:
    """Take a ready task of one's lane; refused if a colleague holds it."""
    with db.connect_write() as conn:
        task = _ready(conn, task_id)
        user = users.get(conn, user_name)
        users.require_lane(user, task.lane, f"任务「{task.name}」")
        if task.claimed_by == user.name:
            return {"task": task.id, "case": task.case_id, "claimed_by": user.name}
        if task.claimed_by is not None:
            raise Conflict(f"任务「{task.name}」已由 {task.claimed_by} 认领", task=task_id, claimed_by=task.claimed_by)
        return _record(conn, task, user.name, "task_claimed", user.name)


def release(db: Database, task_id: str, user_name: str) -> dict[str, Any]:
    """Give a claimed task back to its lane: its holder, the lane's supervisor or an administrator."""
    with db.connect_write() as conn:
        task = _ready(conn, task_id)
        user = users.get(conn, user_name)
        if task.claimed_by is None:
            return {"task": task.id, "case": task.case_id, "claimed_by": None}
        if task.claimed_by != user.name and not supervises(user, task.lane):
            raise Forbidden(f"任务「{task.name}」由 {task.claimed_by} 认领，只有本人、{task.lane}的主管或管理员可以释放",
                            task=task_id)
        return _record(conn, task, None, "task_released", user.name, held_by=task.claimed_by)


def assign(db: Database, task_id: str, assignee: str, user_name: str, reason: str = "") -> dict[str, Any]:
    """The lane's supervisor (or an administrator) gives the task to a member of its lane."""
    with db.connect_write() as conn:
        task = _ready(conn, task_id)
        user = users.get(conn, user_name)
        _require_supervisor(user, task, "指派")
        member = _member(conn, task, assignee)
        return _record(conn, task, member.name, "task_assigned", user.name, to=member.name,
                       held_by=task.claimed_by, reason=reason)


def _member(conn: Connection, task: Any, name: str) -> users.Principal:
    member = users.get(conn, name)
    if task.lane is not None and task.lane not in member.roles and users.ADMIN not in member.roles:
        raise Conflict(f"{name} 不属于「{task.lane}」，不能承办该任务", task=task.id, user=name)
    return member


def transfer(db: Database, task_id: str, colleague: str, user_name: str, reason: str) -> dict[str, Any]:
    """转办: the task's holder (or, while nobody holds it, a member of its lane) hands it to a colleague of the lane,
    with a reason; the colleague holds it from then on."""
    if not reason.strip():
        raise InvalidData("转办须说明理由", field="reason")
    with db.connect_write() as conn:
        task = _ready(conn, task_id)
        user = users.get(conn, user_name)
        users.require_lane(user, task.lane, f"任务「{task.name}」")
        if task.claimed_by not in (None, user.name) and not supervises(user, task.lane):
            raise Conflict(f"任务「{task.name}」由 {task.claimed_by} 认领，只有本人可以转办", task=task_id)
        member = _member(conn, task, colleague)
        return _record(conn, task, member.name, "task_transferred", user.name, to=member.name, reason=reason.strip())


def urge(db: Database, task_id: str, user_name: str, note: str) -> dict[str, Any]:
    """催办: the lane's supervisor (or an administrator) urges a ready task; whoever works it sees who and when."""
    with db.connect_write() as conn:
        task = _ready(conn, task_id)
        user = users.get(conn, user_name)
        _require_supervisor(user, task, "催办")
        at = _event(conn, task, "task_urged", user.name, urged=True, note=note.strip())
        return {"task": task.id, "case": task.case_id, "urged_by": user.name, "urged_at": at.isoformat()}
