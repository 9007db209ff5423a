"""The JSON API: sign in, start a case, list and complete tasks, read a case."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, jsonify, request, session
from flask.typing import ResponseReturnValue

from ..core import cases, deadline_changes, users
from ..errors import Forbidden, InvalidData
from .extensions import database, scheduler

api = Blueprint("api", __name__, url_prefix="/api")

_R = TypeVar("_R")


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData("request body must be a JSON object")
    return body


def current_user() -> str:
    """The signed-in user (session cookie from /api/login), or HTTP Basic credentials for scripts."""
    if request.authorization and request.authorization.username:
        with database().read() as db_session:
            return users.authenticate(db_session, request.authorization.username,
                                      request.authorization.password or "").name
    name: str | None = session.get("user")   # only /api/login and /login store it, as a user name
    if not name:
        raise Forbidden("sign in first: POST /api/login {\"user\", \"password\"}")
    return name


def _woke(result: _R) -> _R:
    """New timers may have been armed: let this process's scheduler wake for them."""
    wakes = scheduler()
    if wakes is not None:
        wakes.wake()
    return result


@api.post("/login")
def login() -> ResponseReturnValue:
    body = _body()
    with database().read() as db_session:
        user = users.authenticate(db_session, str(body.get("user", "")), str(body.get("password", "")))
        session["user"] = user.name
        return jsonify({"user": user.name, "name": user.display_name, "roles": user.roles})


@api.post("/logout")
def logout() -> ResponseReturnValue:
    session.pop("user", None)
    return jsonify({"signed_out": True})


@api.post("/cases")
def start_case() -> ResponseReturnValue:
    body = _body()
    if not isinstance(body.get("process"), str):
        raise InvalidData("field 'process' (the process id) is required", field="process")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData("field 'data' must be an object", field="data")
    return _woke(jsonify(cases.start_case(database(), body["process"], data, current_user()))), 201


@api.get("/cases/<int:case_id>")
def show_case(case_id: int) -> ResponseReturnValue:
    current_user()
    return jsonify(cases.show_case(database(), case_id))


@api.get("/tasks")
def list_tasks() -> ResponseReturnValue:
    return jsonify(cases.list_tasks(database(), lane=request.args.get("lane"), user_name=current_user()))


@api.get("/tasks/<task_id>")
def get_task(task_id: str) -> ResponseReturnValue:
    current_user()
    return jsonify(cases.get_task(database(), task_id))


@api.post("/tasks/<task_id>/complete")
def complete_task(task_id: str) -> ResponseReturnValue:
    body = _body()
    return _woke(jsonify(cases.complete_task(database(), task_id, body.get("data"), current_user())))


@api.post("/cases/<int:case_id>/deadlines/<element_id>/extend")
def extend_deadline(case_id: int, element_id: str) -> ResponseReturnValue:
    """Extend a soft deadline by {"by": N units, "reason": "…"}; the reason goes on the case timeline."""
    body = _body()
    if not isinstance(body.get("by"), int):
        raise InvalidData("field 'by' (a whole number of the deadline's units) is required", field="by")
    return _woke(jsonify(deadline_changes.extend_deadline(database(), case_id, element_id, body["by"],
                                                          str(body.get("reason", "")), current_user())))
