"""The staff workbench: the 待办 inbox staff land on, and the task page with its form (README "Staff workbench").

Pages only read; a task is completed by the page's script through the JSON API (`POST /api/tasks/<id>/complete`
with the session's CSRF token), whose server-side validation is the authority: its errors are shown next to their
fields, in Chinese, and what the user typed stays in the form.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, redirect, render_template, request
from flask.typing import ResponseReturnValue

from ..core import cases, inbox
from ..errors import NotFound
from ..core.calendar import SHANGHAI, chinese_date
from .extensions import database
from .sessions import csrf_token, signed_in

workbench = Blueprint("workbench", __name__)

_UNITS = {"working_days": "个工作日", "calendar_days": "日", "months": "日"}   # a month's days left are days


def beijing(instant: str | None) -> str:
    """2026年10月9日 14:05 (Beijing time) for an ISO instant."""
    if not instant:
        return ""
    at = dt.datetime.fromisoformat(instant).astimezone(SHANGHAI)
    return f"{chinese_date(at.date())} {at:%H:%M}"


def deadline_text(deadline: dict[str, Any] | None) -> str:
    """「2026年10月9日 24:00 前（剩余 3 个工作日）」: the last day ends at 24:00 Beijing time (民法典 第二百零三条)."""
    if not deadline:
        return "—"
    last = dt.date.fromisoformat(deadline["last_day"])
    left, unit = deadline["left"], _UNITS.get(deadline.get("unit") or "", "日")
    state = f"剩余 {left} {unit}" if left > 0 else "今日届满" if left == 0 else f"已逾期 {-left} {unit}"
    return f"{chinese_date(last)} 24:00 前（{state}）"


@workbench.app_template_filter("beijing")
def _beijing_filter(instant: str | None) -> str:
    return beijing(instant)


def _signed_in_or_login() -> str | ResponseReturnValue:
    user = signed_in()
    return user if user is not None else redirect(f"/login?next={request.full_path.rstrip('?')}")


@workbench.get("/tasks")
def todo() -> ResponseReturnValue:
    user = _signed_in_or_login()
    if not isinstance(user, str):
        return user
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    which = request.args.get("list", "todo")
    if which != "todo":
        listed = inbox.cases_of(database(), user, which, page=number)
        return render_template("case_list.html", listed=listed, which=which, lists=inbox.LISTS,
                               pages=max(1, -(-listed["total"] // listed["per_page"])))
    listed = inbox.todo(database(), user, page=number)
    for item in listed["items"]:
        item["deadline_text"] = deadline_text(item["deadline"])
        item["overdue"] = bool(item["deadline"] and item["deadline"]["left"] < 0) or item["case_overdue"]
    pages = max(1, -(-listed["total"] // listed["per_page"]))
    return render_template("inbox.html", listed=listed, pages=pages, which=which, lists=inbox.LISTS)


@workbench.get("/tasks/<task_id>")
def task(task_id: str) -> ResponseReturnValue:
    user = _signed_in_or_login()
    if not isinstance(user, str):
        return user
    shown = cases.get_task(database(), task_id, user)
    return render_template("task.html", task=shown, form_state={
        "task": shown["id"], "url": f"/api/tasks/{shown['id']}/complete", "extra": {}, "schema": shown["schema"],
        "data": shown["data"] or {}, "ready": shown["state"] == "ready", "csrf_token": csrf_token()})


@workbench.get("/cases/new")
def procedures() -> ResponseReturnValue:
    """The procedures the user's lanes may open a case of."""
    user = _signed_in_or_login()
    if not isinstance(user, str):
        return user
    return render_template("procedures.html", procedures=cases.startable(database(), user))


@workbench.get("/cases/new/<process_id>")
def start(process_id: str) -> ResponseReturnValue:
    """A procedure's start form (or just a button, for one that takes no start data)."""
    user = _signed_in_or_login()
    if not isinstance(user, str):
        return user
    found = [p for p in cases.startable(database(), user) if p["process"] == process_id]
    if not found:
        raise NotFound(f"没有可由您发起的程序「{process_id}」")
    return render_template("start.html", procedure=found[0], form_state={
        "url": "/api/cases", "extra": {"process": process_id}, "schema": found[0]["schema"], "data": {},
        "ready": True, "csrf_token": csrf_token()})
