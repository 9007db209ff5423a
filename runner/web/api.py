"""The JSON API: sign in, start a case, list and complete tasks, read a case."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, session

from ..core import cases, deadline_changes, users
from ..core.errors import Forbidden, InvalidData
from ..store.db import Database

api = Blueprint("api", __name__, url_prefix="/api")


def _db() -> Database:
    return current_app.extensions["wenze.db"]


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData("request body must be a JSON object")
    return body


def current_user() -> str:
    """The signed-in user (session cookie from /api/login), or HTTP Basic credentials for scripts."""
    if request.authorization and request.authorization.username:
        with _db().read() as db_session:
            return users.authenticate(db_session, request.authorization.username,
                                      request.authorization.password or "").name
    name = session.get("user")
    if not name:
        raise Forbidden("sign in first: POST /api/login {\"user\", \"password\"}")
    return name


def _woke(result: Any) -> Any:
    """New timers may have been armed: let this process's scheduler wake for them."""
    scheduler = current_app.extensions.get("wenze.scheduler")
    if scheduler is not None:
        scheduler.wake()
    return result


@api.post("/login")
def login() -> Any:
    body = _body()
    with _db().read() as db_session:
        user = users.authenticate(db_session, str(body.get("user", "")), str(body.get("password", "")))
        session["user"] = user.name
        return jsonify({"user": user.name, "name": user.display_name, "roles": user.roles})


@api.post("/logout")
def logout() -> Any:
    session.pop("user", None)
    return jsonify({"signed_out": True})


@api.post("/cases")
def start_case() -> Any:
    body = _body()
    if not isinstance(body.get("process"), str):
        raise InvalidData("field 'process' (the process id) is required", field="process")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData("field 'data' must be an object", field="data")
    return _woke(jsonify(cases.start_case(_db(), body["process"], data, current_user()))), 201


@api.get("/cases/<int:case_id>")
def show_case(case_id: int) -> Any:
    current_user()
    return jsonify(cases.show_case(_db(), case_id))


@api.get("/tasks")
def list_tasks() -> Any:
    return jsonify(cases.list_tasks(_db(), lane=request.args.get("lane"), user_name=current_user()))


@api.get("/tasks/<task_id>")
def get_task(task_id: str) -> Any:
    current_user()
    return jsonify(cases.get_task(_db(), task_id))


@api.post("/tasks/<task_id>/complete")
def complete_task(task_id: str) -> Any:
    body = _body()
    return _woke(jsonify(cases.complete_task(_db(), task_id, body.get("data"), current_user())))


@api.post("/cases/<int:case_id>/deadlines/<element_id>/extend")
def extend_deadline(case_id: int, element_id: str) -> Any:
    """Extend a soft deadline by {"by": N units, "reason": "…"}; the reason goes on the case timeline."""
    body = _body()
    if not isinstance(body.get("by"), int):
        raise InvalidData("field 'by' (a whole number of the deadline's units) is required", field="by")
    return _woke(jsonify(deadline_changes.extend_deadline(_db(), case_id, element_id, body["by"], str(body.get("reason", "")),
                                                  current_user())))
