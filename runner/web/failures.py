"""How the web app answers a failure: JSON naming what was wrong, in Chinese where a user reads it, never a
traceback. A WenzeError answers with its own status; werkzeug's HTTP errors (no such route, wrong method, a body
streamed past the limit) keep theirs; anything else is a bug, logged with its traceback and answered 500.

A browser opening a page (a GET outside /api/ that accepts HTML) gets the same status and message as a Chinese
page of the site instead of JSON."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ..errors import TooManyAttempts, WenzeError

_HTTP_MESSAGES = {
    400: "请求无效", 401: "需要登录", 403: "无权访问", 404: "未找到该地址", 405: "该地址不接受此请求方法",
    408: "请求超时", 413: "请求体过大", 414: "网址过长", 415: "不支持的请求体类型", 429: "请求过于频繁",
    431: "请求头过大",
}


_TITLES = {400: "请求无效", 403: "无权访问", 404: "页面不存在", 405: "请求方法不对", 409: "操作冲突", 413: "内容过大",
           422: "填写有误", 429: "请求过于频繁", 500: "服务器出错", 503: "服务暂不可用"}


def _wants_page() -> bool:
    """A person's browser opening a page (not a script, not the JSON API, not a form post it answers itself)."""
    return request.method == "GET" and not request.path.startswith("/api/") \
        and request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def _page(status: int, message: str) -> str:
    return render_template("error.html", title=_TITLES.get(status, "出错了"), message=message)


def answer(err: WenzeError, page: str | None = None) -> Response:
    """The error as JSON, or as `page` (HTML that shows it) for a form a person submitted, or as the error page
    for a browser opening a page."""
    if page is None and _wants_page():
        page = _page(err.status, err.message)
    response = jsonify(err.to_dict()) if page is None else Response(page, mimetype="text/html")
    response.status_code = err.status
    if isinstance(err, TooManyAttempts):
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def install(app: Flask) -> None:
    app.register_error_handler(WenzeError, answer)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> WerkzeugResponse:
        response = err.get_response()          # keeps the headers the status needs (Allow on a 405)
        code = err.code or 500
        message = _HTTP_MESSAGES.get(code, err.name or "请求无效")
        if _wants_page():
            response.set_data(_page(code, message))
            response.content_type = "text/html; charset=utf-8"
            return response
        response.set_data(jsonify({"error": (err.name or "error").lower().replace(" ", "_"),
                                   "message": message}).get_data())
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def _internal(err: Exception) -> tuple[Response, int]:
        app.logger.error("internal error", exc_info=err)
        message = "服务器内部错误，已记入日志"
        if _wants_page():
            return Response(_page(500, message), mimetype="text/html"), 500
        return jsonify({"error": "internal", "message": message}), 500
