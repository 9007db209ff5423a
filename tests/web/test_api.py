"""The JSON API over real HTTP (a WSGI server on 127.0.0.1): sign in, start, list, complete, read, errors."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from runner.store.db import Database
from runner.web.app import create_app
from tests.conftest import FIXTURES, seed


class Client:
    """An API client signed in with the session cookie, sending the CSRF token /api/login gave it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf_token = ""

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf_token})
        try:
            with self.opener.open(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def login(self, user: str) -> None:
        status, body = self.call("POST", "/api/login", {"user": user, "password": "wenze"})
        assert status == 200
        self.csrf_token = body["csrf_token"]


@pytest.fixture
def server(db: Database, clock) -> Iterator[str]:
    seed(db, FIXTURES / "mini")
    httpd = make_server("127.0.0.1", 0, create_app(db), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_health_answers_with_the_database(server: str) -> None:
    status, body = Client(server).call("GET", "/health")
    assert status == 200 and body["status"] == "ok" and body["database"] in ("sqlite", "postgresql")


def test_a_case_runs_over_http(server: str) -> None:
    office, board = Client(server), Client(server)
    office.login("zonghe")
    board.login("dangzu")
    status, started = office.call("POST", "/api/cases", {"process": "mini", "data": {}})
    assert status == 201 and started["status"] == "running"
    status, inbox = office.call("GET", "/api/tasks")
    assert status == 200 and [t["name"] for t in inbox] == ["受理登记"]
    status, task = office.call("GET", f"/api/tasks/{inbox[0]['id']}")
    assert task["schema"]["properties"]["who"]["title"] == "受理人" and task["data"] == {}
    status, _ = office.call("POST", f"/api/tasks/{inbox[0]['id']}/complete",
                            {"data": {"who": "王敏", "received_on": "2026-09-29", "tags": []}})
    assert status == 200
    assert office.call("GET", "/api/tasks")[1] == []
    decide = board.call("GET", "/api/tasks")[1][0]
    status, done = board.call("POST", f"/api/tasks/{decide['id']}/complete", {"data": {"outcome": "立案"}})
    assert status == 200 and done["status"] == "completed"
    status, case = board.call("GET", f"/api/cases/{started['case']}")
    assert case["data"]["summary"] == "受理人 王敏，结论 立案"


def test_errors_are_clear_json_with_the_right_status(server: str) -> None:
    anonymous, office, board = Client(server), Client(server), Client(server)
    assert anonymous.call("GET", "/api/tasks")[0] == 403
    assert anonymous.call("POST", "/api/login", {"user": "zonghe", "password": "x"})[0] == 403
    office.login("zonghe")
    board.login("dangzu")
    assert office.call("POST", "/api/cases", {"process": "nope"})[0] == 404
    assert office.call("POST", "/api/cases", {"data": {}})[0] == 422
    office.call("POST", "/api/cases", {"process": "mini"})
    task = office.call("GET", "/api/tasks")[1][0]
    status, body = office.call("POST", f"/api/tasks/{task['id']}/complete", {"data": {"who": ""}})
    assert status == 422 and body["error"] == "invalid_data"
    assert {e["path"] for e in body["errors"]} == {"who", "received_on"}
    assert board.call("POST", f"/api/tasks/{task['id']}/complete",
                      {"data": {"who": "x", "received_on": "2026-09-29"}})[0] == 403
    assert office.call("POST", f"/api/tasks/{task['id']}/complete",
                       {"data": {"who": "x", "received_on": "2026-09-29"}})[0] == 200
    status, body = office.call("POST", f"/api/tasks/{task['id']}/complete",
                               {"data": {"who": "x", "received_on": "2026-09-29"}})
    assert status == 409 and body["error"] == "conflict"
    assert office.call("GET", "/api/tasks/unknown")[0] == 404


def test_a_fixed_deadline_cannot_be_extended_over_http(server: str) -> None:
    office = Client(server)
    office.login("zonghe")
    case = office.call("POST", "/api/cases", {"process": "mini"})[1]
    task = case["ready_tasks"][0]
    office.call("POST", f"/api/tasks/{task['id']}/complete", {"data": {"who": "王敏", "received_on": "2026-09-29"}})
    assert office.call("POST", f"/api/cases/{case['case']}/deadlines/decide_due/extend", {"by": "x"})[0] == 422
    status, body = office.call("POST", f"/api/cases/{case['case']}/deadlines/decide_due/extend",
                               {"by": 3, "reason": "补充材料"})
    assert status == 409 and "cannot be extended" in body["message"]


def test_runner_processes_share_sessions_only_through_the_configured_key(sqlite_db: Database) -> None:
    """WENZE_SECRET_KEY: two processes serving one site sign cookies alike; unset, each start draws its own."""
    from runner.settings import Settings
    configured = Settings(secret_key="one key for the whole site")
    assert create_app(sqlite_db, settings=configured).secret_key == "one key for the whole site"
    unset = Settings(secret_key=None)
    assert create_app(sqlite_db, settings=unset).secret_key != create_app(sqlite_db, settings=unset).secret_key
