"""A staff member's lists: 待办 (to do: the ready tasks of their lanes, soonest deadline first), and the cases of
已办, 我发起的 and 办结.

Each task carries the deadline that guards it (the armed boundary timer attached to its activity: the version's
`timer_activities`), so the list can say by when, in the deadline's own unit, and whether it is provisional (a
year whose holiday notice is not loaded yet) — and the case's overdue mark.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select

from ..errors import NotFound
from ..store.db import Database
from ..store.holidays import year_tables
from ..store.models import Case, ProcessVersion, Task, Timer
from . import clock, delegations, users, versions
from .calendar import SHANGHAI, WorkCalendar, work_calendar

PER_PAGE = 20


def todo(db: Database, user_name: str, *, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """{"total", "page", "per_page", "items"}: the user's ready tasks (an administrator's: all), ordered by the
    due instant of their deadline (tasks without one last), then by arrival."""
    with db.read() as session:
        conn = session.connection()
        user = users.get(conn, user_name)
        query = (select(Task.id, Task.case_id, Task.element_id, Task.name, Task.lane, Task.created_at, Task.claimed_by,
                        Task.urged_by, Task.urged_at,
                        Case.process_id, Case.process_version_id, Case.overdue, ProcessVersion.content_hash,
                        ProcessVersion.name.label("process_name"))
                 .join(Case, Task.case_id == Case.id).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
                 .where(Task.state == "ready"))
        if users.ADMIN not in user.roles:         # my lanes, and those lent to me while their holder is away
            query = query.where(Task.lane.in_({*user.roles, *delegations.lent_lanes(conn, user.name)}))
        rows = conn.execute(query).all()
        guarding = _deadlines(conn, rows)
        calendar = work_calendar(year_tables(conn)) if guarding else None
    today = clock.now().astimezone(SHANGHAI).date()
    for deadline in guarding.values():
        assert calendar is not None
        deadline["left"] = days_left(today, dt.date.fromisoformat(deadline["last_day"]), deadline["unit"], calendar)
    items = [{"task": row.id, "case": row.case_id, "element": row.element_id, "name": row.name, "lane": row.lane,
              "process": row.process_id, "process_name": row.process_name, "arrived_at": row.created_at.isoformat(),
              "case_overdue": row.overdue, "deadline": guarding.get(row.id), "claimed_by": row.claimed_by,
              "urged_by": row.urged_by, "urged_at": row.urged_at and row.urged_at.isoformat()} for row in rows]
    never = dt.datetime.max.isoformat()
    items.sort(key=lambda item: ((item["deadline"] or {}).get("due_at") or never, item["arrived_at"], item["task"]))
    start = (page - 1) * per_page
    return {"total": len(items), "page": page, "per_page": per_page, "items": items[start:start + per_page]}


def _deadlines(conn: Any, rows: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """{task id: the earliest armed timer guarding it, described}; reminders (which only warn) are not deadlines."""
    if not rows:
        return {}
    armed: dict[int, list[Any]] = {}
    for timer in conn.execute(select(Timer.case_id, Timer.element_id, Timer.name, Timer.due_at, Timer.detail)
                              .where(Timer.state == "armed", Timer.case_id.in_({row.case_id for row in rows}))):
        armed.setdefault(timer.case_id, []).append(timer)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        guards = versions.load(conn, row.process_version_id, row.content_hash).timer_activities
        mine = sorted((t for t in armed.get(row.case_id, ()) if guards.get(t.element_id) == row.element_id
                       and t.detail.get("kind") in ("deadline", "period_end") and t.detail.get("last_day")),
                      key=lambda t: t.due_at)
        if mine:
            timer = mine[0]
            found[row.id] = {"name": timer.name, "due_at": timer.due_at.isoformat(), "kind": timer.detail.get("kind"),
                             "last_day": timer.detail.get("last_day"), "unit": timer.detail.get("unit"),
                             "provisional": bool(timer.detail.get("provisional"))}
    return found


def days_left(today: dt.date, last_day: dt.date, unit: str | None, calendar: WorkCalendar) -> int:
    """How many of the deadline's own units remain after today up to and including its last day (0: today is the
    last day; negative: overdue by that many). Working-day periods count working days, adjusted days included."""
    if unit != "working_days":
        return (last_day - today).days
    step = 1 if last_day >= today else -1
    count, day = 0, today
    while day != last_day:
        day += dt.timedelta(days=step)
        if calendar.is_workday(day)[0]:
            count += step
    return count


def _cases(conn: Any, query: Any, page: int, per_page: int) -> dict[str, Any]:
    total = conn.scalar(select(func.count()).select_from(query.subquery()))
    rows = conn.execute(query.order_by(Case.updated_at.desc(), Case.id.desc())
                        .offset((page - 1) * per_page).limit(per_page))
    return {"total": total, "page": page, "per_page": per_page, "items": [
        {"case": row.id, "process": row.process_id, "process_name": row.process_name, "status": row.status,
         "overdue": row.overdue, "started_by": row.started_by, "created_at": row.created_at.isoformat(),
         "updated_at": row.updated_at.isoformat()} for row in rows]}


_CASE_COLUMNS = (Case.id, Case.process_id, Case.status, Case.overdue, Case.started_by, Case.created_at,
                 Case.updated_at, ProcessVersion.name.label("process_name"))

LISTS = {"done": "已办", "started": "我发起的", "closed": "办结"}


def cases_of(db: Database, user_name: str, which: str, *, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """The cases of one of the other lists (LISTS), most recently changed first: 已办 — running cases in which the
    user completed a task; 我发起的 — cases the user started; 办结 — closed cases the user started or worked on."""
    worked = select(Task.case_id).where(Task.completed_by == user_name)
    query = select(*_CASE_COLUMNS).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
    if which == "done":
        query = query.where(Case.status == "running", Case.id.in_(worked))
    elif which == "started":
        query = query.where(Case.started_by == user_name)
    elif which == "closed":
        query = query.where(Case.status == "completed", or_(Case.started_by == user_name, Case.id.in_(worked)))
    else:
        raise NotFound(f"没有「{which}」这个列表（可选：{'、'.join(LISTS)}）")
    with db.read() as session:
        return _cases(session.connection(), query, page, per_page)
