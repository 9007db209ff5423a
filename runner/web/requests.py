"""What a request may carry (README "Security"), checked once for every route before its view runs.

A bad request is answered with a 4xx naming what was wrong and never reaches the core: a body larger than
WENZE_MAX_BODY_BYTES (413); a JSON body that is not UTF-8, not JSON or nested deeper than MAX_DEPTH (400); numbers
that are not finite (NaN, Infinity, 1e400) or outside 64 bits, and text holding NUL or a lone surrogate, which
neither store can hold (PostgreSQL refuses NUL in text and jsonb), in the JSON body, the query, the form, the URL
or HTTP Basic credentials (422, naming the field path); ids beyond the id columns' range (404).
"""
from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter, Map

from ..core import case_data
from ..errors import BadRequest, FieldError, InvalidData, TooLarge
from ..store.models import MAX_ID

MAX_DEPTH = 64            # case data nests a few levels; the parser itself would overflow the stack at ~1000
_INTEGERS = range(-2 ** 63, 2 ** 63)     # what the stores' JSON encoding (orjson) and bigint columns hold
_MAX_REPORTED = 20
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RowId(IntegerConverter):
    """`<id:case_id>`: a row id, 1 to MAX_ID. Anything else matches no route (404) instead of reaching the
    database, where PostgreSQL refuses an integer beyond its column type."""

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


class StrictJSON(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with `parse`: `request.get_json()` anywhere gets the checked value."""

    ensure_ascii = False     # answers carry Chinese as it is

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse(s)


def install(app: Flask, max_body_bytes: int, uploads: dict[str, int]) -> None:
    """`uploads`: the views (by endpoint) that take a file, with the largest body each reads instead."""
    app.url_map.converters["id"] = RowId
    app.json = StrictJSON(app)
    # Werkzeug refuses (413) a body it streams past this size, one sent without a length (chunked) included.
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes

    @app.before_request
    def _check() -> None:
        limit = uploads.get(request.endpoint or "", max_body_bytes)
        if limit != max_body_bytes:
            # a multipart body carries the file plus its form's few fields and boundaries
            request.max_content_length = limit + 64 * 1024
        check(request.max_content_length or max_body_bytes)


def check(max_body_bytes: int) -> None:
    """Refuse the current request if it carries anything of the module docstring's list."""
    if request.content_length is not None and request.content_length > max_body_bytes:
        raise TooLarge(f"请求体过大：最多 {max_body_bytes} 字节", limit=max_body_bytes)
    problems = list(islice(_unstorable_text(_fields()), _MAX_REPORTED))
    if problems:
        raise InvalidData("请求中含有无法保存的字符（NUL 或不成对的代理项）", errors=problems)
    if request.is_json and request.get_data(cache=True):
        request.get_json()        # parsed once with StrictJSON and cached for the view


def parse(data: str | bytes) -> Any:
    """A JSON document, refused with BadRequest (not UTF-8, not JSON, too deep) or InvalidData naming the paths
    of the values no store can hold."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        raise BadRequest(f"请求体不是 UTF-8 编码的 JSON（第 {err.start + 1} 字节）") from None
    if _depth(text) > MAX_DEPTH:
        raise BadRequest(f"JSON 嵌套过深：最多 {MAX_DEPTH} 层")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise BadRequest(f"请求体不是有效的 JSON（第 {err.lineno} 行第 {err.colno} 列）") from None
    except ValueError:            # an integer of more digits than Python converts
        raise BadRequest("请求体中的整数位数过多") from None
    if case_data.storable_copy(value) is not None:      # the usual case, in one C pass
        return value
    problems = list(islice(_unstorable_values(value), _MAX_REPORTED))
    if problems:
        raise InvalidData("请求体中有无法保存的值", errors=problems)
    return value


# Brackets inside strings do not nest: strings go first, then everything but brackets; what is left becomes +1/-1
# steps whose running sum is the depth. All of it runs in C, so a 1 MiB body of brackets costs milliseconds, and
# the parser never sees a document deep enough to exhaust the stack.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEPS = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})


def _depth(text: str) -> int:
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(array("b", brackets.translate(_STEPS).encode("latin-1"))), default=0)


def _unstorable_values(document: Any) -> Iterator[FieldError]:
    """Every value (and key) of a parsed document that no store can hold, with its path (a/0/b)."""
    pending: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while pending:                # no recursion: the depth is bounded, but a walk needs no stack either way
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, inner in value.items():
                pending.append(((*path, key), inner))
            yield from _unstorable_text((_shown(path, key), key) for key in value)
        elif isinstance(value, list):
            pending.extend(((*path, str(index)), inner) for index, inner in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            yield {"path": _shown(path), "message": "数值必须是有限数（不接受 NaN、Infinity，或大到无法表示的数）"}
        elif isinstance(value, int) and not isinstance(value, bool) and value not in _INTEGERS:
            yield {"path": _shown(path), "message": "整数超出 64 位范围"}
        elif isinstance(value, str):
            yield from _unstorable_text([(_shown(path), value)])


def _unstorable_text(fields: Iterable[tuple[str, str]]) -> Iterator[FieldError]:
    for path, text in fields:
        if _UNSTORABLE.search(text):
            yield {"path": path, "message": "含有无法保存的字符（NUL 或不成对的代理项）"}


def _fields() -> Iterator[tuple[str, str]]:
    """The request's text outside a JSON body, by where it came from: url/…, query/…, form/…, authorization/…."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield f"url/{name}", value
    for source, values in (("query", request.args), *((("form", request.form),) if request.mimetype in _FORMS
                                                       else ())):
        for name, value in values.items(multi=True):
            yield f"{source}/{_escaped(name)}", name
            yield f"{source}/{_escaped(name)}", value
    if request.authorization is not None:
        yield "authorization/user", request.authorization.username or ""
        yield "authorization/password", request.authorization.password or ""


def _shown(path: tuple[str, ...], key: str | None = None) -> str:
    """A field path as the answer names it; characters an answer cannot carry either are written as \\uXXXX."""
    return "/".join(_escaped(part) for part in (*path, *((key,) if key is not None else ())))


def _escaped(text: str) -> str:
    return _UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
