"""Bad requests are refused with a 4xx on every route, naming what was wrong, and change nothing.

The routes come from the app's own URL map, so a route added later is covered without touching this file. Each
route is asked with valid values for its URL (a real case, task, deadline, diagram, file) by a signed-in client
sending its CSRF token, so what refuses a request is the bad input; the same requests without it are sent last
and succeed.
"""
from __future__ import annotations

import io

import http.client
import json
import threading
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from flask import url_for
from sqlalchemy import select
from waitress.server import create_server
from waitress.wasyncore import close_all
from werkzeug.routing import Rule

from runner.store.models import Base
from runner.web.requests import MAX_DEPTH, MAX_ID
from tests.web.conftest import PDF, Site, basic

LIMIT = 1024 * 1024              # WENZE_MAX_BODY_BYTES's default


def _routes(site: Site) -> list[tuple[Rule, str]]:
    return sorted(((rule, method) for rule in site.app.url_map.iter_rules() for method in rule.methods or ()),
                  key=lambda pair: (pair[0].rule, pair[1]))


def _values(site: Site) -> dict[str, Any]:
    """A valid value for every URL variable any route has; a new variable fails here until it is given one."""
    return {"case_id": site.case, "task_id": site.task, "element_id": "decide_due", "kind": "bpmn",
            "name": "mini.bpmn", "path": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
            "filename": "diagram.js", "incident_id": site.incident, "token_id": site.token,
            "process_id": "mini", "attachment_id": site.attachment, "delegation_id": site.delegation}


def _url(site: Site, rule: Rule, **replaced: Any) -> str:
    values = _values(site)
    missing = set(rule.arguments) - set(values)
    assert not missing, f"give {rule.rule} a valid value for {missing} in _values"
    with site.app.test_request_context():
        url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
    for name, value in replaced.items():       # url_for would refuse these, a client need not
        url = url.replace(quote(str(values[name]), safe="/"), value, 1)
    return url


def _everything(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "nothing changed" compares."""
    with site.db.read() as session:
        return {table.name: sorted(tuple(map(repr, row)) for row in session.execute(select(table)))
                for table in Base.metadata.sorted_tables}


# (what, body, status, field paths named); bodies are raw JSON text so that NaN, 1e400 and "\ud800" reach the app.
BAD_BODIES = [
    ("too large", '{"data": "' + "x" * LIMIT + '"}', 413, None),
    ("nested too deeply", "[" * 5000, 400, None),
    ("nested one level too deep", "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), 400, None),
    ("not UTF-8", b'{"data": {"note": "\xff"}}', 400, None),
    ("not JSON", '{"data": ', 400, None),
    ("NaN", '{"data": {"note": NaN}}', 422, {"data/note"}),
    ("Infinity", '{"data": {"note": Infinity}}', 422, {"data/note"}),
    ("-Infinity", '{"data": {"list": [1, -Infinity]}}', 422, {"data/list/1"}),
    ("1e400 (parsed as infinity)", '{"data": {"note": 1e400}}', 422, {"data/note"}),
    ("an integer beyond 64 bits", '{"data": {"note": 18446744073709551616}}', 422, {"data/note"}),
    ("NUL in a string", '{"data": {"note": "a\\u0000b"}}', 422, {"data/note"}),
    ("NUL in a key", '{"data": {"no\\u0000te": "x"}}', 422, {"data/no\\u0000te"}),
    ("a lone high surrogate", '{"user": "\\ud800", "password": "x"}', 422, {"user"}),
    ("a lone low surrogate", '{"data": {"who": ["\\udfff"]}}', 422, {"data/who/0"}),
]


@pytest.mark.parametrize("what, body, status, paths", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_a_bad_json_body_is_refused_on_every_route(site: Site, what: str, body: str | bytes, status: int,
                                                   paths: set[str] | None) -> None:
    client, token = site.signed_in()
    before = _everything(site)
    for rule, method in _routes(site):
        answer = client.open(_url(site, rule), method=method, data=body, content_type="application/json",
                             headers={"X-CSRFToken": token})
        assert answer.status_code == status, (what, method, rule.rule, answer.data[:300])
        if method != "HEAD":
            refusal = answer.json
            assert refusal["message"] and refusal["error"] != "internal"
            if paths:
                assert {e["path"] for e in refusal["errors"]} == paths, (method, rule.rule)
    assert _everything(site) == before


def test_unstorable_text_anywhere_in_the_request_is_refused_on_every_route(site: Site) -> None:
    """NUL in the query, a form field, HTTP Basic credentials or a URL variable: 422 naming where."""
    client, token = site.signed_in()
    before = _everything(site)
    for rule, method in _routes(site):
        url = _url(site, rule)
        asked = [(url + "?lane=%00", {}, "query/lane"),
                 (url + "?next=%ED%A0%80&%00=1", {}, "query/\\u0000"),
                 (url, {"data": "user=a%00b&password=x", "content_type": "application/x-www-form-urlencoded"},
                  "form/user"),
                 (url, {"headers": basic("admin\x00", "wenze")}, "authorization/user")]
        asked += [(_url(site, rule, **{name: "%00"}), {}, f"url/{name}") for name in rule.arguments
                  if isinstance(_values(site)[name], str)]
        for target, extra, path in asked:
            headers = {"X-CSRFToken": token, **extra.pop("headers", {})}
            answer = client.open(target, method=method, headers=headers, **extra)
            assert answer.status_code == 422, (method, target, answer.data[:300])
            if method != "HEAD":
                assert path in {e["path"] for e in answer.json["errors"]}, (method, target, answer.json)
    assert _everything(site) == before


@pytest.mark.parametrize("case_id", ["0", str(MAX_ID + 1), str(2 ** 63), str(10 ** 30), "9" * 5000])
def test_an_id_beyond_the_column_is_not_found(site: Site, case_id: str) -> None:
    """/api/cases/2147483648 used to reach PostgreSQL, which refused it with a 500."""
    client, token = site.signed_in()
    before = _everything(site)
    routes = [(rule, method) for rule, method in _routes(site) if "case_id" in rule.arguments]
    assert len(routes) >= 3
    for rule, method in routes:
        answer = client.open(_url(site, rule, case_id=case_id), method=method, headers={"X-CSRFToken": token},
                             json={"by": 1, "reason": "补充材料"})
        assert answer.status_code == 404, (method, rule.rule, answer.data[:300])
    assert _everything(site) == before


def test_refused_credentials_are_never_a_server_error(site: Site) -> None:
    """Wrong HTTP Basic credentials (counted until the account locks) and a cookie whose session has ended: each
    route answers as it does for nobody signed in (pages that need no user are shown), or refuses with a 4xx."""
    client, token = site.signed_in()
    ended = client.get_cookie("session").value
    client.post("/api/logout", headers={"X-CSRFToken": token})
    stale = site.client()
    stale.set_cookie("session", ended)
    for rule, method in _routes(site):
        for holder, headers in ((site.client(), basic("admin", "wrong")), (stale, {"X-CSRFToken": token})):
            answer = holder.open(_url(site, rule), method=method, headers=headers, json={"by": 1, "reason": "x"})
            assert answer.status_code < 500, (method, rule.rule, answer.data[:300])
            # Every API route needs a user, but for saying who (nobody) and signing out (again: harmless).
            if rule.rule.startswith("/api/") and rule.rule not in ("/api/session", "/api/logout") \
                    and method not in ("OPTIONS", "HEAD"):
                assert answer.status_code in (403, 422, 429), (method, rule.rule, answer.data[:300])


def test_the_same_requests_without_the_bad_input_succeed(site: Site) -> None:
    """What the tests above send, minus the bad input, reaches each view: the refusals were the input's doing."""
    good = {"/api/login": {"user": "admin", "password": "wenze"},
            "/api/cases": {"process": "mini", "data": {"tags": ["x"]}},
            "/api/tasks/<task_id>/complete": {"data": {"outcome": "立案"}},
            "/api/cases/<id:case_id>/deadlines/<element_id>/extend": {"by": 2, "reason": "补充材料"},
            "/api/tokens": {"label": "脚本"},
            "/api/tasks/<task_id>/assign": {"user": "admin", "reason": "出差"},
            "/api/tasks/<task_id>/transfer": {"user": "admin", "reason": "出差"},
            "/api/tasks/<task_id>/urge": {"note": "请尽快"},
            "/api/delegations": {"deputy": "dangzu", "from": "2026-10-01", "until": "2026-10-03", "reason": "出差"}}
    client, token = site.signed_in()
    # completing the task ends what the other task routes (claim, release, assign) act on: it comes after them
    for rule, method in sorted(_routes(site), key=lambda pair: pair[0].rule.replace("/complete", "/~complete")):
        if method == "POST" and rule.rule == "/login":
            continue     # the sign-in form: test_sessions.py posts it with its form token
        if method == "POST" and rule.rule in ("/api/login", "/logout", "/api/logout"):
            client, token = site.signed_in()      # signing in or out again ends the session the others use
        body = {"data": {"file": (io.BytesIO(PDF), "证据.pdf")}, "content_type": "multipart/form-data"} \
            if rule.endpoint == "api.add_attachment" else {"json": good.get(rule.rule)}
        answer = client.open(_url(site, rule), method=method, headers={"X-CSRFToken": token}, **body)
        if method == "POST" and rule.rule in ("/api/login", "/logout", "/api/logout"):
            client, token = site.signed_in()
        assert answer.status_code < 400, (method, rule.rule, answer.data[:300])


def test_an_unexpected_failure_answers_json_without_a_traceback(site: Site, monkeypatch, caplog) -> None:
    from runner.core import cases
    monkeypatch.setattr(cases, "list_tasks", lambda *args, **kwargs: 1 / 0)
    client, _token = site.signed_in()
    answer = client.get("/api/tasks")
    assert answer.status_code == 500
    assert answer.json == {"error": "internal", "message": "服务器内部错误，已记入日志"}
    assert "ZeroDivisionError" in caplog.text                  # logged on the server, with its traceback


@pytest.fixture
def served(site: Site) -> Iterator[int]:
    """The site behind waitress (what `wenze serve` runs) on a free loopback port."""
    server = create_server(site.app, host="127.0.0.1", port=0, threads=2)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    yield server.effective_port
    # Closed from the server's own loop (closing its sockets from here races the loop's select): with nothing
    # left to watch, the loop ends.
    server.trigger.pull_trigger(lambda: close_all(server._map))
    loop.join(timeout=10)
    server.task_dispatcher.shutdown()


def test_a_body_streamed_past_the_limit_without_a_length_is_refused(site: Site, served: int) -> None:
    """A chunked body declares no length (waitress collects it, then tells its length): 413 all the same."""
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    chunks = (b'{"user": "' if i == 0 else b"x" * 65536 for i in range(LIMIT // 65536 + 2))
    connection.request("POST", "/api/login", body=chunks, encode_chunked=True,
                       headers={"Content-Type": "application/json", **basic("admin", "wenze")})
    answer = connection.getresponse()
    assert answer.status == 413 and json.loads(answer.read())["message"] == "请求体过大：最多 1048576 字节"
    connection.close()
