"""Changing armed deadlines after the fact: loading a holiday year, extending a soft deadline.

A deadline that touched a year without data was computed on weekends only and marked provisional. Loading that
year recomputes each such armed timer, moves the engine's timer and the timer row together, and says so on the
case timeline, case by case in one transaction each. A soft deadline (文水 第十五条 「一般应在立案后30日内结束」)
can be extended by a number of units with a recorded reason; its reminders move with it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from . import clock, deadlines, engine
from .calendar import WorkCalendar, compute_deadline, parse_holiday_year, reminder_at, work_calendar
from ..errors import Conflict, Forbidden, InvalidData, NotFound
from .step import case_step
from .users import get as get_user, require_lane
from ..store.db import Database
from ..store.holidays import year_tables
from ..store.models import HolidayTable, Timer


MAX_EXTENSION = 3650      # units one extension may add: ten years of days (dates must stay dates)


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
        calendar = work_calendar(year_tables(session.connection()))
        affected = sorted({t.case_id for t in session.scalars(select(Timer).where(Timer.state == "armed"))
                           if year.year in t.detail.get("years", ())})
    changed = sum(_recompute_case(db, case_id, calendar, year.year, user) for case_id in affected)
    return {"year": year.year, "rest_days": len(year.rest_days), "workdays": len(year.workdays),
            "cases_checked": len(affected), "timers_moved": changed}


def _recompute_case(db: Database, case_id: int, calendar: WorkCalendar, year: int, user: str) -> int:
    with case_step(db, user) as step:
        step.lock(case_id)
        step.load()
        moved = 0
        for task_id, timer in list(step.before.armed.items()):
            if year not in timer.detail.get("years", ()):
                continue
            due, detail = _recomputed(timer.detail, calendar)
            if due != timer.due_at or detail != timer.detail:
                step.timeline.add("deadline_recomputed", timer.element_id, task_id, user, name=timer.name, year=year,
                                  was=timer.due_at.isoformat(), now=due.isoformat(), provisional=detail["provisional"])
                step.move_timer(task_id, due, detail)
                moved += 1
        if moved:
            step.commit()
        return moved


def extend_deadline(db: Database, case_id: int, element_id: str, extra: int, reason: str,
                    user_name: str) -> dict[str, Any]:
    """Lengthen an armed soft deadline by `extra` units of its own unit, recording who and why."""
    if not 1 <= extra <= MAX_EXTENSION:
        raise InvalidData(f"the extension must be 1 to {MAX_EXTENSION} units", field="extra")
    if not reason.strip():
        raise InvalidData("an extension needs a reason (延期理由)", field="reason")
    with case_step(db, user_name) as step:
        user = get_user(step.conn, user_name)
        step.lock(case_id)
        version = step.load()
        armed = step.before.armed
        target_id = next((task_id for task_id, t in armed.items() if t.element_id == element_id), None)
        if target_id is None:
            raise Conflict(f"case {case_id} has no armed deadline '{element_id}'", case=case_id, element=element_id)
        target = armed[target_id]
        if target.detail.get("kind") != "deadline" or not target.detail.get("soft"):
            raise Conflict(f"deadline '{target.name}' is fixed by the regulation and cannot be extended",
                           element=element_id)
        supervisor, cap = target.detail.get("extension_by"), target.detail.get("extension_cap")
        if not supervisor:
            raise Conflict(f"deadline '{target.name}' names no body that may extend it", element=element_id)
        bound = version.lane(*engine.lane_of_timer(step.workflow, target_id))     # the body the calling regulation binds
        # The body a deadline binds never extends it itself, even if the same person also sits in the supervisor.
        if bound is not None and bound in user.roles:
            raise Forbidden(f"'{target.name}' binds {bound}, which cannot extend its own deadline; {supervisor} may",
                            user=user.name)
        require_lane(user, supervisor, f"「{target.name}」的延期")
        already = int(target.detail.get("extended_by", 0))
        if cap is not None and already + extra > cap:
            raise InvalidData(f"'{target.name}' may be extended by at most {cap} in all; {already} already granted",
                              field="extra")
        calendar = work_calendar(year_tables(step.conn))
        same = (target.detail["start"], target.detail["period"], target.detail["unit"])
        for task_id, timer in list(armed.items()):
            # The deadline itself and the reminders counted from the same period; nothing else moves.
            own_reminder = timer.detail.get("kind") == "reminder" and \
                (timer.detail.get("start"), timer.detail.get("period"), timer.detail.get("unit")) == same
            if task_id != target_id and not own_reminder:
                continue
            due, detail = _recomputed({**timer.detail, "period": timer.detail["period"] + extra}, calendar)
            step.move_timer(task_id, due, {**detail, "extended_by": timer.detail.get("extended_by", 0) + extra})
        due_at, last_day = step.moved(target_id).due_at.isoformat(), step.moved(target_id).detail["last_day"]
        step.timeline.add("deadline_extended", element_id, target_id, user.name, name=target.name, extra=extra,
                          unit=target.detail["unit"], reason=reason, due_at=due_at, last_day=last_day)
        step.commit()
        return {"case": case_id, "deadline": target.name, "due_at": due_at, "last_day": last_day, "reason": reason}
