"""The JSON API: sign in, start a case, list and complete tasks, read a case."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, jsonify, request, send_file
from flask.typing import ResponseReturnValue

from ..core import api_tokens, attachments, cases, claims, deadline_changes, delegations, incidents, users
from ..errors import InvalidData
from .extensions import database, scheduler, settings
from .sessions import csrf_token, current_user, sign_in, sign_out, signed_in

api = Blueprint("api", __name__, url_prefix="/api")

_R = TypeVar("_R")


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData("请求体必须是 JSON 对象（Content-Type: application/json）")
    return body


def _woke(result: _R) -> _R:
    """New timers may have been armed: let this process's scheduler wake for them."""
    wakes = scheduler()
    if wakes is not None:
        wakes.wake()
    return result


@api.post("/login")
def login() -> ResponseReturnValue:
    """Sign in; the answer carries the CSRF token that later cookie-authenticated POSTs send as X-CSRFToken.
    Needs no token itself: it takes only a JSON body, which no cross-site form can send."""
    body = _body()
    name, password = body.get("user"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise InvalidData("需要字符串字段 user（用户名）和 password（密码）", field="user" if not isinstance(name, str)
                          else "password")
    user = sign_in(name, password)
    return jsonify({"user": user.name, "name": user.display_name, "roles": user.roles, "csrf_token": csrf_token()})


@api.get("/session")
def whoami() -> ResponseReturnValue:
    """Who is signed in (null: nobody) and the session's CSRF token."""
    return jsonify({"user": signed_in(), "csrf_token": csrf_token()})


@api.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out, ending every session of the account (a copied cookie stops working too)."""
    sign_out()
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


@api.get("/cases/<id:case_id>")
def show_case(case_id: int) -> ResponseReturnValue:
    return jsonify(cases.show_case(database(), case_id, current_user()))


@api.get("/tasks")
def list_tasks() -> ResponseReturnValue:
    return jsonify(cases.list_tasks(database(), lane=request.args.get("lane"), user_name=current_user()))


@api.get("/tasks/<task_id>")
def get_task(task_id: str) -> ResponseReturnValue:
    return jsonify(cases.get_task(database(), task_id, current_user()))


@api.post("/tasks/<task_id>/complete")
def complete_task(task_id: str) -> ResponseReturnValue:
    body = _body()
    return _woke(jsonify(cases.complete_task(database(), task_id, body.get("data"), current_user())))


@api.post("/tasks/<task_id>/claim")
def claim_task(task_id: str) -> ResponseReturnValue:
    """认领: take a ready task of one's lane; only the claimer completes it."""
    return jsonify(claims.claim(database(), task_id, current_user()))


@api.post("/tasks/<task_id>/release")
def release_task(task_id: str) -> ResponseReturnValue:
    """释放: give a claimed task back to its lane (its holder, the lane's supervisor or an administrator)."""
    return jsonify(claims.release(database(), task_id, current_user()))


@api.post("/tasks/<task_id>/assign")
def assign_task(task_id: str) -> ResponseReturnValue:
    """指派 {"user", "reason"?}: the lane's supervisor gives the task to a member of the lane."""
    body = _body()
    return jsonify(claims.assign(database(), task_id, _text(body, "user", "指派给谁"), current_user(),
                                 _text(body, "reason", "指派理由", required=False)))


@api.post("/tasks/<task_id>/attachments")
def add_attachment(task_id: str) -> ResponseReturnValue:
    """An evidence file (multipart field `file`) for a ready task (201)."""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidData("需要以 multipart/form-data 的 file 字段上传文件", field="file")
    limits = settings()
    return jsonify(attachments.add(database(), limits.home, limits.attachment_max_bytes, task_id, current_user(),
                                   upload.filename or "", upload.read(limits.attachment_max_bytes + 1))), 201


@api.get("/cases/<id:case_id>/attachments")
def list_attachments(case_id: int) -> ResponseReturnValue:
    return jsonify(attachments.listed(database(), case_id, current_user()))


@api.get("/attachments/<id:attachment_id>")
def download_attachment(attachment_id: int) -> ResponseReturnValue:
    """The file, as a download (never shown inline: a browser runs nothing from it)."""
    shown, stored = attachments.opened(database(), settings().home, attachment_id, current_user())
    return send_file(stored, mimetype=shown["media_type"], as_attachment=True, download_name=shown["file_name"],
                     max_age=0)


def _text(body: dict[str, Any], field: str, what: str, *, required: bool = True) -> str:
    value = body.get(field, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidData(f"需要字符串字段 {field}（{what}）", field=field)
    return value


@api.post("/tasks/<task_id>/transfer")
def transfer_task(task_id: str) -> ResponseReturnValue:
    """转办 {"user", "reason"}: the holder hands the task to a colleague of its lane."""
    body = _body()
    return jsonify(claims.transfer(database(), task_id, _text(body, "user", "转办给谁"), current_user(),
                                   _text(body, "reason", "转办理由")))


@api.post("/tasks/<task_id>/urge")
def urge_task(task_id: str) -> ResponseReturnValue:
    """催办 {"note"?}: the lane's supervisor urges a ready task."""
    return jsonify(claims.urge(database(), task_id, current_user(), _text(_body(), "note", "催办意见", required=False)))


@api.post("/cases/<id:case_id>/deadlines/<element_id>/extend")
def extend_deadline(case_id: int, element_id: str) -> ResponseReturnValue:
    """Extend a soft deadline by {"by": N units, "reason": "…"}; the reason goes on the case timeline."""
    body = _body()
    by, reason = body.get("by"), body.get("reason", "")
    if not isinstance(by, int) or isinstance(by, bool) or not 1 <= by <= deadline_changes.MAX_EXTENSION:
        raise InvalidData(f"字段 by（延长的期限单位数）须为 1 至 {deadline_changes.MAX_EXTENSION} 的整数", field="by")
    if not isinstance(reason, str):
        raise InvalidData("字段 reason（延期理由）须为字符串", field="reason")
    return _woke(jsonify(deadline_changes.extend_deadline(database(), case_id, element_id, by, reason,
                                                          current_user())))


@api.get("/incidents")
def list_incidents() -> ResponseReturnValue:
    """Cases that could not be loaded, advanced or fired (administrators only); `?all=1` includes resolved ones."""
    return jsonify(incidents.for_administrator(database(), current_user(), open_only=request.args.get("all") != "1"))


@api.post("/incidents/<id:incident_id>/resolve")
def resolve_incident(incident_id: int) -> ResponseReturnValue:
    """Close an incident whose cause is fixed (administrators only); the timers its case parked fire again."""
    return _woke(jsonify(incidents.resolve(database(), incident_id, current_user())))


def _token_owner(body: dict[str, Any] | None = None) -> str:
    """Whose tokens a request manages: the signed-in user's own, or (administrators only) the named user's."""
    me = current_user()
    named = (body or {}).get("user", request.args.get("user"))
    if named is None or named == me:
        return me
    if not isinstance(named, str):
        raise InvalidData("user 须为用户名", field="user")
    with database().read() as session:
        users.require_admin(users.get(session.connection(), me), "管理他人的 API 令牌")
    return named


@api.post("/tokens")
def create_token() -> ResponseReturnValue:
    """A new API token {"label": "用途", "user"?: …}; the answer is the only time its text is shown."""
    body = _body()
    owner = _token_owner(body)
    with database().write() as session:
        token = api_tokens.create(session, owner, body.get("label", ""))
        session.commit()
    return jsonify(token), 201


@api.get("/tokens")
def list_tokens() -> ResponseReturnValue:
    with database().read() as session:
        return jsonify(api_tokens.listed(session, _token_owner()))


@api.delete("/tokens/<id:token_id>")
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke a token: the owner's own, or any as an administrator."""
    by = current_user()
    with database().write() as session:
        token = api_tokens.revoke(session, by, token_id)
        session.commit()
    return jsonify(token)


@api.post("/delegations")
def create_delegation() -> ResponseReturnValue:
    """委托 {"deputy", "from", "until", "reason", "principal"?}: the deputy acts for the principal (the signed-in
    user; another user's: administrators) on those days (201)."""
    body = _body()
    me = current_user()
    principal = _text(body, "principal", "委托人") if "principal" in body else me
    with database().write() as session:
        made = delegations.create(session, principal, _text(body, "deputy", "受托人"),
                                  body.get("from"), body.get("until"), body.get("reason"), me)
        session.commit()
    return jsonify(made), 201


@api.get("/delegations")
def list_delegations() -> ResponseReturnValue:
    with database().read() as session:
        return jsonify(delegations.listed(session, current_user()))


@api.delete("/delegations/<id:delegation_id>")
def revoke_delegation(delegation_id: int) -> ResponseReturnValue:
    by = current_user()
    with database().write() as session:
        revoked = delegations.revoke(session, delegation_id, by)
        session.commit()
    return jsonify(revoked)

