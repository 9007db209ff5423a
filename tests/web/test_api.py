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


def test_a_supervision_ends_over_http_when_the_late_step_is_done(db: Database, clock) -> None:
    """issue 12「只显示能办的」: 文水 初步审查 5 日届满 → 局党组的督办在它的 GET /api/tasks 里；综合股/办公室办结初步审查后
    督办离开列表，再提交得 409，说明用中文写明原因。"""
    from runner.core import timers
    from tests.conftest import ROOT, after
    from tests.procedures.test_wenshui import intake, review
    seed(db, ROOT)
    httpd = make_server("127.0.0.1", 0, create_app(db), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_port}"
        office, board = Client(base), Client(base)
        office.login("zonghe")
        board.login("dangzu")
        started = office.call("POST", "/api/cases", {"process": "wenshui_fault_review", "data": {}})[1]
        office.call("POST", f"/api/tasks/{started['ready_tasks'][0]['id']}/complete", {"data": intake("2026-09-29")})
        clock.set(after("2026-10-08"))
        assert timers.fire_due(db) >= 1                              # the reminder and the 5 days pass
        [supervise] = [t for t in board.call("GET", "/api/tasks")[1] if t["element"] == "supervise_preliminary_review"]
        [late] = [t for t in office.call("GET", "/api/tasks")[1] if t["element"] == "preliminary_review"]
        assert office.call("POST", f"/api/tasks/{late['id']}/complete", {"data": review("2026-10-09")})[0] == 200
        assert [t["element"] for t in board.call("GET", "/api/tasks")[1]] == ["decide_filing"]
        assert office.call("GET", "/api/tasks")[1] == []
        status, body = board.call("POST", f"/api/tasks/{supervise['id']}/complete",
                                  {"data": {"review_supervised_on": "2026-10-09",
                                            "review_supervision_measures": "约谈综合股负责人。"}})
        assert (status, body["error"]) == (409, "conflict")
        assert body["message"] == "任务「初步审查逾期督办（局党组）」已撤销，不能再办理：所催办的环节已办结（「初步审查」）"
    finally:
        httpd.shutdown()
