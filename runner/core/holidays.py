"""Changing armed deadlines after the fact: loading a holiday year, extending a soft deadline.

A deadline that touched a year without data was computed on weekends only and marked provisional. Loading that
year recomputes each such armed timer, moves the engine's timer and the timer row together, and says so on the
case timeline, case by case in one transaction each. A soft deadline (文水 第十五条 「一般应在立案后30日内结束」)
can be extended by a number of units with a recorded reason; its reminders move with it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from . import clock, deadlines, engine, versions
from .calendar import WorkCalendar, compute_deadline, parse_holiday_year, reminder_at
from .errors import Conflict, InvalidData, NotFound
from .record import load, lock_case, store_state
from .timeline import Timeline
from .users import get as get_user, require_lane
from ..store.db import Database
from ..store.models import HolidayTable, Timer


def work_calendar(conn: Connection) -> WorkCalendar:
    rows = conn.execute(select(HolidayTable.year, HolidayTable.table))
    return WorkCalendar({row.year: parse_holiday_year(row.table) for row in rows})


def _recomputed(detail: dict[str, Any], calendar: WorkCalendar) -> tuple[dt.datetime, dict[str, Any]]:
    due = compute_deadline(detail["start"], detail["period"], detail["unit"], calendar)
    fresh = {**detail, **deadlines.describe(due)}
    if detail["kind"] == "reminder":
        return reminder_at(due, detail["before"], calendar), fresh
    return due.due_at, fresh


def load_year(db: Database, table: Any, user: str) -> dict[str, Any]:
    """Store a year's table (replacing an earlier one) and recompute the deadlines it settles."""
    year = parse_holiday_year(table)
    with db.write() as session:
        row = session.get(HolidayTable, year.year)
        if row is None:
            row = HolidayTable(year=year.year, table={}, loaded_by=user, loaded_at=clock.now())
            session.add(row)
        row.table, row.loaded_by, row.loaded_at = year.to_dict(), user, clock.now()
        session.commit()
        calendar = work_calendar(session.connection())
        affected = sorted({t.case_id for t in session.scalars(select(Timer).where(Timer.state == "armed"))
                           if year.year in t.detail.get("years", ())})
    changed = sum(_recompute_case(db, case_id, calendar, year.year, user) for case_id in affected)
    return {"year": year.year, "rest_days": len(year.rest_days), "workdays": len(year.workdays),
            "cases_checked": len(affected), "timers_moved": changed}


def _recompute_case(db: Database, case_id: int, calendar: WorkCalendar, year: int, user: str) -> int:
    with db.write() as session:
        conn = session.connection()
        case = lock_case(conn, case_id)
        versions.load(conn, case.version_id, case.content_hash)
        workflow, _mirror = load(db, conn, case)
        moved = 0
        timeline = Timeline(clock.now())
        for timer in session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.state == "armed")):
            if year not in timer.detail.get("years", ()):
                continue
            due, detail = _recomputed(timer.detail, calendar)
            if due != timer.due_at or detail != timer.detail:
                timeline.add("deadline_recomputed", timer.element_id, timer.task_id, user, name=timer.name, year=year,
                             was=timer.due_at.isoformat(), now=due.isoformat(), provisional=detail["provisional"])
                engine.move_timer(workflow, timer.task_id, due)
                timer.due_at, timer.detail = due, detail
                moved += 1
        if moved:
            timeline.write(conn, case_id)
            store_state(conn, case, workflow, timeline.now)
        session.commit()
        return moved       # the workflow is not cached back: its mirror no longer matches the moved rows


def extend_deadline(db: Database, case_id: int, element_id: str, extra: int, reason: str, user_name: str) -> dict:
    """Lengthen an armed soft deadline by `extra` units of its own unit, recording who and why."""
    if extra <= 0:
        raise InvalidData("the extension must be a positive number of units", field="extra")
    if not reason.strip():
        raise InvalidData("an extension needs a reason (延期理由)", field="reason")
    with db.write() as session:
        conn = session.connection()
        user = get_user(conn, user_name)
        case = lock_case(conn, case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id}", case=case_id)
        armed = list(session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.state == "armed")))
        target = next((t for t in armed if t.element_id == element_id), None)
        if target is None:
            raise Conflict(f"case {case_id} has no armed deadline '{element_id}'", case=case_id, element=element_id)
        if target.detail.get("kind") != "deadline" or not target.detail.get("soft"):
            raise Conflict(f"deadline '{target.name}' is fixed by the regulation and cannot be extended",
                           element=element_id)
        versions.load(conn, case.version_id, case.content_hash)
        workflow, _mirror = load(db, conn, case)
        require_lane(user, engine.lane_of_timer(workflow, target.task_id), f"extending '{target.name}'")
        calendar, now = work_calendar(conn), clock.now()
        same = (target.detail["start"], target.detail["period"], target.detail["unit"])
        for timer in armed:
            # The deadline itself and the reminders counted from the same period; nothing else moves.
            own_reminder = timer.detail.get("kind") == "reminder" and \
                (timer.detail.get("start"), timer.detail.get("period"), timer.detail.get("unit")) == same
            if timer is not target and not own_reminder:
                continue
            due, detail = _recomputed({**timer.detail, "period": timer.detail["period"] + extra}, calendar)
            engine.move_timer(workflow, timer.task_id, due)
            timer.due_at, timer.detail = due, {**detail, "extended_by": timer.detail.get("extended_by", 0) + extra}
        timeline = Timeline(now)
        timeline.add("deadline_extended", element_id, target.task_id, user.name, name=target.name, extra=extra,
                     unit=target.detail["unit"], reason=reason, due_at=target.due_at.isoformat(),
                     last_day=target.detail["last_day"])
        timeline.write(conn, case_id)
        store_state(conn, case, workflow, now)
        session.commit()       # the workflow is not cached back: its mirror no longer matches the moved rows
        return {"case": case_id, "deadline": target.name, "due_at": target.due_at.isoformat(),
                "last_day": target.detail["last_day"], "reason": reason}
