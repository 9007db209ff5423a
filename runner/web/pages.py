"""Staff-facing pages: sign-in and out, and the printable decision notice (处理决定书)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask.typing import ResponseReturnValue

from ..core import cases
from ..errors import Forbidden, NotFound, TooManyAttempts, WenzeError
from . import failures
from .extensions import database
from .sessions import local_path, sign_in, sign_out, signed_in

pages = Blueprint("pages", __name__)


@pages.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form (fields `user`, `password` and the hidden `csrf_token`); `next` may name a page of this
    site to go to afterwards."""
    if request.method == "POST":
        sign_in(request.form.get("user", ""), request.form.get("password", ""))
        return redirect(local_path(request.args.get("next")))
    return render_template("login.html")


@pages.errorhandler(WenzeError)
def _refused(err: WenzeError) -> ResponseReturnValue:
    """A refused sign-in (wrong password, too many failures, a stale form) shows the form again with the reason;
    other pages answer as the API does."""
    if request.endpoint != "pages.login" or not isinstance(err, Forbidden | TooManyAttempts):
        return failures.answer(err)
    return failures.answer(err, page=render_template("login.html", error=err.message))


@pages.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (a POST with the form's CSRF token: a link or another site cannot sign anyone out)."""
    sign_out()
    return redirect("/login")


@pages.get("/cases/<id:case_id>/notice")
def notice(case_id: int) -> ResponseReturnValue:
    """The decision notice, printed from what the deciding step submitted and the appeal windows; print with the
    browser. A case without a decision gets a page saying so."""
    viewer = signed_in()
    if viewer is None:
        return redirect(f"/login?next=/cases/{case_id}/notice")
    try:
        notice = cases.decision_notice(database(), case_id, viewer)
    except NotFound:
        return render_template("notice_missing.html", case_id=case_id), 404
    return render_template("notice.html", case=notice["case"], data=notice["data"], windows=notice["windows"],
                           label=notice["labels"])
