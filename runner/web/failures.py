"""How the web app answers a failure: JSON naming what was wrong, in Chinese where a user reads it, never a
traceback. A WenzeError answers with its own status; werkzeug's HTTP errors (no such route, wrong method, a body
streamed past the limit) keep theirs; anything else is a bug, logged with its traceback and answered 500."""
from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ..errors import TooManyAttempts, WenzeError

_HTTP_MESSAGES = {
    400: "请求无效", 401: "需要登录", 403: "无权访问", 404: "未找到该地址", 405: "该地址不接受此请求方法",
    408: "请求超时", 413: "请求体过大", 414: "网址过长", 415: "不支持的请求体类型", 429: "请求过于频繁",
    431: "请求头过大",
}


def answer(err: WenzeError, page: str | None = None) -> Response:
    """The error as JSON, or as `page` (HTML that shows it) for a form a person submitted."""
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
        response.set_data(jsonify({"error": (err.name or "error").lower().replace(" ", "_"),
                                   "message": _HTTP_MESSAGES.get(code, err.name or "请求无效")}).get_data())
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def _internal(err: Exception) -> tuple[Response, int]:
        app.logger.error("internal error", exc_info=err)
        return jsonify({"error": "internal", "message": "服务器内部错误，已记入日志"}), 500
