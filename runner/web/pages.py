"""Staff-facing pages: sign-in and the printable decision notice (处理决定书)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session
from flask.typing import ResponseReturnValue

from ..core import cases, users
from ..errors import Forbidden, NotFound
from .extensions import database

pages = Blueprint("pages", __name__)


@pages.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        try:
            with database().read() as db_session:
                user = users.authenticate(db_session, request.form.get("user", ""), request.form.get("password", ""))
            session["user"] = user.name
            return redirect(request.args.get("next") or "/diagrams")
        except Forbidden:
            error = "用户名或密码错误"
    return render_template("login.html", error=error), 403 if error else 200


@pages.get("/cases/<int:case_id>/notice")
def notice(case_id: int) -> ResponseReturnValue:
    """The decision notice, printed from what the deciding step submitted and the appeal windows; print with the
    browser. A case without a decision gets a page saying so."""
    if not session.get("user"):
        return redirect(f"/login?next=/cases/{case_id}/notice")
    try:
        notice = cases.decision_notice(database(), case_id)
    except NotFound:
        return render_template("notice_missing.html", case_id=case_id), 404
    return render_template("notice.html", case=notice["case"], data=notice["data"], windows=notice["windows"],
                           label=notice["labels"])
