"""Staff pages over HTTP: sign-in and the printable decision notice produced from case data."""
from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from runner.core import cases
from runner.store.db import Database
from runner.web.app import create_app
from tests.conftest import FIXTURES, seed
from tests.web.conftest import csrf_field


@pytest.fixture
def site(sqlite_db: Database, clock) -> Iterator[tuple[str, Database]]:
    seed(sqlite_db, FIXTURES / "mini")
    server = make_server("127.0.0.1", 0, create_app(sqlite_db), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", sqlite_db
    server.shutdown()


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def test_the_notice_needs_a_signed_in_user_and_prints_only_the_decision(site) -> None:
    base, db = site
    started = cases.start_case(db, "mini", {}, "zonghe")
    cases.complete_task(db, started["ready_tasks"][0]["id"], {"who": "王敏", "received_on": "2026-09-29", "tags": []},
                        "zonghe")
    notice = f"{base}/cases/{started['case']}/notice"
    browser = _browser()
    with browser.open(notice) as anonymous:
        assert anonymous.url.startswith(f"{base}/login")
    with browser.open(f"{base}/login?next=/cases/{started['case']}/notice") as form_page:
        token = csrf_field(form_page.read().decode())
    form = urllib.parse.urlencode({"user": "zonghe", "password": "wenze", "csrf_token": token}).encode()
    # Before anyone decided there is no notice: a Chinese page saying so, not a half-empty document.
    with pytest.raises(urllib.error.HTTPError) as undecided:
        browser.open(f"{base}/login?next=/cases/{started['case']}/notice", data=form)
    assert undecided.value.code == 404
    page = undecided.value.read().decode()
    assert "尚未作出处理决定" in page and "王敏" not in page
    decide = next(t for t in cases.list_tasks(db) if t["element"] == "decide")
    cases.complete_task(db, decide["id"], {"outcome": "立案", "decision_document_no": "文民决〔2026〕3号",
                                           "decision_summary": "给予通报批评", "decided_on": "2026-10-20",
                                           "person_decisions": [{"person": "张三", "responsibility": "primary",
                                                                 "measures": ["通报批评"]}]}, "dangzu")
    with browser.open(notice) as page:
        html = page.read().decode()
    assert "处理决定书" in html and "文民决〔2026〕3号" in html and "给予通报批评" in html and "张三" in html
    assert "2026年10月20日" in html                   # 成文日期, written the Chinese way
    assert "王敏" not in html                         # the clerk's intake is not part of the decision


def test_a_wrong_password_is_refused_in_chinese(site) -> None:
    base, _db = site
    browser = _browser()
    with browser.open(f"{base}/login") as form_page:
        token = csrf_field(form_page.read().decode())
    form = urllib.parse.urlencode({"user": "zonghe", "password": "nope", "csrf_token": token}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser.open(f"{base}/login", data=form)
    assert refused.value.code == 403 and "用户名或密码错误" in refused.value.read().decode()
