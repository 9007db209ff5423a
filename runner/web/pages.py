"""Staff-facing pages: sign-in and out, and the printable decision notice (处理决定书)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, make_response, redirect, render_template, request
from flask.typing import ResponseReturnValue

from ..core import cases
from ..core.notice import Notice, chinese_number
from ..errors import Forbidden, NotFound, TooManyAttempts, WenzeError
from . import failures, pdf
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
    """The decision notice laid out as GB/T 9704-2012 lays out an official document, to print from the browser or
    download as PDF. A case without a decision gets a page saying so."""
    decided = _decided(case_id, "notice")
    if not isinstance(decided, Notice):
        return decided
    return render_template("notice.html", notice=decided, number=chinese_number)


@pages.get("/cases/<id:case_id>/notice.pdf")
def notice_pdf(case_id: int) -> ResponseReturnValue:
    """The same notice as an A4 PDF with its font embedded, named by the case and the 文号."""
    decided = _decided(case_id, "notice.pdf")
    if not isinstance(decided, Notice):
        return decided
    document = pdf.render(render_template("notice_pdf.html", notice=decided, number=chinese_number))
    name = f"{decided.title}-案件{case_id}{('-' + decided.document_no) if decided.document_no else ''}.pdf"
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f"attachment; filename=notice-{case_id}.pdf; filename*=UTF-8''{quote(name)}"
    return response


def _decided(case_id: int, page: str) -> Notice | ResponseReturnValue:
    """The case's notice for the signed-in user, or the page to answer instead: sign in first, no decision yet
    (404), or not a body of the case's regulation (403)."""
    user = signed_in()
    if user is None:
        return redirect(f"/login?next=/cases/{case_id}/{page}")
    try:
        return cases.decision_notice(database(), case_id, user)
    except NotFound as err:
        return render_template("notice_missing.html", case_id=case_id, message=err.message), 404
    except Forbidden as err:
        return failures.answer(err, page=render_template("notice_refused.html", message=err.message))
