"""Signing in and out over HTTP: where `next` may lead, equal work for unknown users and wrong passwords,
throttling shared by runner processes, sessions that end for good, messages in Chinese."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from runner.core import users
from runner.core.clock import ManualClock
from runner.settings import Settings
from runner.web.app import create_app
from tests.conftest import ROOT
from tests.web.conftest import Site, basic, csrf_field, make_site

WRONG = "用户名或密码错误"


def _form_sign_in(browser: FlaskClient, user: str = "admin", password: str = "wenze", query: str = ""):
    token = csrf_field(browser.get("/login").get_data(as_text=True))
    return browser.post(f"/login{query}", data={"user": user, "password": password, "csrf_token": token})


def _api_sign_in(client: FlaskClient, user: str, password: str, address: str = "127.0.0.1"):
    return client.post("/api/login", json={"user": user, "password": password}, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("target", ["/cases/1/notice", "/diagrams?kind=bpmn#top", "/"])
def test_next_leads_to_a_page_of_this_site(site: Site, target: str) -> None:
    answer = _form_sign_in(site.client(), query=f"?next={quote(target, safe='/')}")
    assert answer.status_code == 302 and answer.headers["Location"] == target


@pytest.mark.parametrize("target", ["//evil.example/", "///evil.example", "/\\evil.example", "\\\\evil.example",
                                    "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
                                    "/\t/evil.example", "/\n/evil.example", " //evil.example", "evil.example",
                                    ""])
def test_next_never_leads_to_another_site(site: Site, target: str) -> None:
    answer = _form_sign_in(site.client(), query=f"?next={quote(target, safe='')}")
    assert answer.status_code == 302 and answer.headers["Location"] == "/tasks"


def test_an_unknown_user_costs_the_same_password_check_as_a_wrong_password(site: Site, monkeypatch) -> None:
    checked: list[str] = []
    real = users.check_password_hash

    def recording(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$")[0])         # the method and its cost parameters
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", recording)
    client = site.client()
    unknown, wrong = _api_sign_in(client, "nobody", "wenze"), _api_sign_in(client, "admin", "nope")
    assert (unknown.status_code, unknown.json["message"]) == (wrong.status_code, wrong.json["message"]) == (403, WRONG)
    assert len(checked) == 2 and checked[0] == checked[1]          # one check each, with the same method and cost


def test_too_many_failures_lock_the_account_for_a_while(site: Site, clock: ManualClock) -> None:
    client = site.client()
    for _ in range(5):
        assert _api_sign_in(client, "zonghe", "guess").status_code == 403
    clock.advance(dt.timedelta(minutes=1))
    locked = _api_sign_in(client, "zonghe", "wenze")               # even the right password, from anywhere
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(14 * 60)
    assert locked.json["message"] == "登录失败次数过多，请 14 分钟后再试"
    assert _api_sign_in(client, "zonghe", "wenze", address="192.0.2.7").status_code == 429
    assert site.client().get("/api/tasks", headers=basic("zonghe", "wenze")).status_code == 429   # scripts too
    assert _api_sign_in(client, "dangzu", "wenze").status_code == 200                   # other accounts are not
    clock.advance(dt.timedelta(minutes=14))
    assert _api_sign_in(client, "zonghe", "wenze").status_code == 200
    # The success cleared the account's count: four more failures do not lock it.
    for _ in range(4):
        assert _api_sign_in(client, "zonghe", "guess").status_code == 403
    assert _api_sign_in(client, "zonghe", "wenze").status_code == 200


def test_too_many_failures_from_one_address_lock_it_whatever_the_names(site: Site) -> None:
    client = site.client()
    for attempt in range(20):
        assert _api_sign_in(client, f"guess{attempt}", "x", address="198.51.100.1").status_code == 403
    assert _api_sign_in(client, "admin", "wenze", address="198.51.100.1").status_code == 429
    assert _api_sign_in(client, "admin", "wenze", address="198.51.100.2").status_code == 200


def test_the_sign_in_form_says_so_in_chinese(site: Site) -> None:
    for _ in range(5):
        refused = _form_sign_in(site.client(), password="guess")
        assert refused.status_code == 403 and WRONG in refused.get_data(as_text=True)
    locked = _form_sign_in(site.client())
    assert locked.status_code == 429 and "登录失败次数过多，请 15 分钟后再试" in locked.get_data(as_text=True)
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert locked.mimetype == "text/html" and csrf_field(locked.get_data(as_text=True))   # the form, to try later


def test_runner_processes_sharing_the_database_count_the_same_failures(site: Site) -> None:
    """The count lives in the database: another app over it (another runner process) sees the failures."""
    other = create_app(site.db, settings=Settings(secret_key="one key for the tests"))
    for app in (site.app, other) * 2 + (site.app,):
        assert _api_sign_in(app.test_client(), "zonghe", "guess").status_code == 403
    assert _api_sign_in(other.test_client(), "zonghe", "wenze").status_code == 429


def test_the_limits_are_settings(db, clock, tmp_path: Path) -> None:
    strict = make_site(db, tmp_path, login_failures_per_account=2, login_window_minutes=60)
    client = strict.client()
    assert [_api_sign_in(client, "zonghe", "guess").status_code for _ in range(2)] == [403, 403]
    locked = _api_sign_in(client, "zonghe", "wenze")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(60 * 60)


def test_behind_a_tls_proxy_the_client_address_is_counted(db, clock, tmp_path: Path) -> None:
    proxied = make_site(db, tmp_path, behind_tls_proxy=True, login_failures_per_address=2)
    client = proxied.client()

    def attempt(forwarded_for: str, user: str = "nobody") -> int:
        return client.post("/api/login", json={"user": user, "password": "x"},
                           headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"}).status_code

    assert [attempt("203.0.113.9") for _ in range(2)] == [403, 403]
    assert attempt("203.0.113.9") == 429
    assert attempt("203.0.113.10") == 403            # the proxy's own address is not what is counted


def _replayed(site: Site, cookie: str) -> FlaskClient:
    """Another browser holding a copy of the cookie."""
    thief = site.client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_copied_cookie_stops_working_at_sign_out(site: Site) -> None:
    client, token = site.signed_in("zonghe")
    copy = client.get_cookie("session").value
    assert _replayed(site, copy).get("/api/tasks").status_code == 200
    assert client.post("/api/logout", headers={"X-CSRFToken": token}).json == {"signed_out": True}
    thief = _replayed(site, copy)
    refused = thief.get("/api/tasks")
    assert refused.status_code == 403 and refused.json["message"].startswith("请先登录")
    notice = thief.get(f"/cases/{site.case}/notice")
    assert notice.status_code == 302 and notice.headers["Location"] == f"/login?next=/cases/{site.case}/notice"
    assert _replayed(site, copy).post("/api/cases", json={"process": "mini"},
                                      headers={"X-CSRFToken": token}).status_code == 403


def test_a_copied_cookie_stops_working_when_the_cli_sets_a_new_password(site: Site) -> None:
    browser = site.client()
    assert _form_sign_in(browser, "zonghe").status_code == 302
    copy = browser.get_cookie("session").value
    # Signed in, the page answers (404: this case has no decision yet, so no notice); signed out it redirects.
    assert _replayed(site, copy).get(f"/cases/{site.case}/notice").status_code == 404
    environment = {name: value for name, value in os.environ.items() if not name.startswith("WENZE_")}
    subprocess.run([sys.executable, "-m", "runner.cli", "users", "add", "zonghe", "--display-name", "综合股 王敏",
                    "--role", "综合股/办公室", "--password", "new secret"], check=True, capture_output=True, cwd=ROOT,
                   env={**environment, "PYTHONPATH": str(ROOT), "WENZE_DATABASE_URL": site.db.url}, timeout=120)
    for holder in (browser, _replayed(site, copy)):
        assert holder.get(f"/cases/{site.case}/notice").status_code == 302
        assert holder.get("/api/tasks").status_code == 403
    assert _api_sign_in(site.client(), "zonghe", "wenze").status_code == 403
    assert _api_sign_in(site.client(), "zonghe", "new secret").status_code == 200


def test_signing_in_again_issues_a_new_session(site: Site) -> None:
    """Whatever the session held before sign-in (a token planted in it, say) does not carry over."""
    browser = site.client()
    before = csrf_field(browser.get("/login").get_data(as_text=True))
    assert browser.post("/login", data={"user": "admin", "password": "wenze", "csrf_token": before}).status_code == 302
    assert browser.get("/api/session").json["csrf_token"] != before
    assert browser.post("/logout", data={"csrf_token": before}).status_code == 403
