"""Response headers, inert diagram files, CSRF and cookies, as a browser (or a forger) meets them over HTTP."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from runner.store.db import Database
from tests.web.conftest import SCRIPT_IN_DOCUMENTATION, Site, basic, csrf_field, make_site, tags


def _policy(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def _form_signed_in(site: Site) -> FlaskClient:
    """A browser that signed in through the /login form."""
    browser = site.client()
    token = csrf_field(browser.get("/login").get_data(as_text=True))
    answer = browser.post("/login", data={"user": "admin", "password": "wenze", "csrf_token": token})
    assert answer.status_code == 302
    return browser


def test_a_diagram_file_is_served_as_inert_text(site: Site) -> None:
    """A designer's XHTML <script> in <bpmn:documentation> would run if the browser rendered the file as XML."""
    answer = site.client().get("/diagrams/bpmn/mini.bpmn/xml")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT_IN_DOCUMENTATION in answer.get_data(as_text=True)     # served as it was deployed, as text


def test_every_page_forbids_inline_script_and_framing(site: Site) -> None:
    browser = _form_signed_in(site)
    pages = ["/login", "/diagrams", "/diagrams/bpmn/mini.bpmn", "/diagrams/dmn/none.dmn", f"/cases/{site.case}/notice",
             "/api/tasks", "/health", "/static/diagram.js", "/no-such-page"]
    html = 0
    for path in pages:
        answer = browser.get(path)
        policy = _policy(answer.headers["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert (policy["frame-ancestors"], policy["object-src"], policy["base-uri"]) == (["'none'"],) * 3, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "same-origin", path
        assert answer.headers["X-Frame-Options"] == "DENY", path
        if answer.mimetype == "text/html":
            html += 1
            scripts = tags(answer.get_data(as_text=True), "script")
            assert all(script.get("src") for script in scripts), (path, "inline <script>")
    assert html == 4


def test_the_sign_in_form_carries_its_csrf_token(site: Site) -> None:
    inputs = {i.get("name"): i.get("type") for i in tags(site.client().get("/login").get_data(as_text=True), "input")}
    assert inputs == {"csrf_token": "hidden", "user": None, "password": "password"}


def test_a_cross_site_form_cannot_sign_anyone_out(site: Site) -> None:
    browser = _form_signed_in(site)
    page = browser.get("/diagrams").get_data(as_text=True)
    assert "退出登录" in page
    for forged in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf_field(site.client().get("/login").get_data(
            as_text=True))}):                                   # another session's token does not do either
        answer = browser.post("/logout", data=forged)
        assert answer.status_code == 403 and answer.json["error"] == "csrf_failed", forged
        assert "CSRF" in answer.json["message"] and "令牌" in answer.json["message"]
    assert browser.get("/logout").status_code == 405                      # a link cannot sign out either
    assert browser.get("/api/session").json["user"] == "admin"          # still signed in
    assert browser.post("/logout", data={"csrf_token": csrf_field(page)}).status_code == 302
    assert browser.get("/api/session").json["user"] is None


def test_cookie_api_requests_need_the_token_and_basic_ones_do_not(site: Site) -> None:
    client, token = site.signed_in()
    start = {"process": "mini", "data": {}}
    refused = client.post("/api/cases", json=start)
    assert refused.status_code == 403 and refused.json["error"] == "csrf_failed"
    assert "X-CSRFToken" in refused.json["message"]
    assert client.post("/api/cases", json=start, headers={"X-CSRFToken": "x" + token}).status_code == 403
    assert client.get("/api/session").json == {"user": "admin", "csrf_token": token}
    assert client.post("/api/cases", json=start, headers={"X-CSRFToken": token}).status_code == 201
    # A script with HTTP Basic credentials carries no cookie to forge, so no token.
    assert site.client().post("/api/cases", json=start, headers=basic("zonghe", "wenze")).status_code == 201


def _cookie_flags(answer) -> set[str]:
    [cookie] = answer.headers.getlist("Set-Cookie")
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_lax_and_not_sent_to_other_sites(site: Site) -> None:
    answer = site.client().post("/api/login", json={"user": "admin", "password": "wenze"})
    assert "SameSite=Lax" in answer.headers["Set-Cookie"]
    assert _cookie_flags(answer) == {"httponly", "path", "samesite"}
    # Behind no proxy, a client's X-Forwarded-Proto is not believed: the request came over HTTP.
    spoofed = site.client().post("/api/login", json={"user": "admin", "password": "wenze"},
                                 headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in _cookie_flags(spoofed)


def test_https_requests_get_secure_cookies_even_without_the_proxy_setting(site: Site) -> None:
    answer = site.client().post("/api/login", json={"user": "admin", "password": "wenze"},
                                base_url="https://wenze.example")
    assert _cookie_flags(answer) == {"httponly", "path", "samesite", "secure"}
    assert "max-age" in answer.headers["Strict-Transport-Security"]


@pytest.fixture
def behind_proxy(db: Database, clock, tmp_path: Path) -> Site:
    """WENZE_BEHIND_TLS_PROXY=true: one proxy terminates TLS and says so in X-Forwarded-Proto."""
    return make_site(db, tmp_path, behind_tls_proxy=True)


PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "wenze.example", "X-Forwarded-For": "203.0.113.9"}


def test_behind_a_tls_proxy_cookies_are_secure_and_forms_must_come_from_the_site(behind_proxy: Site) -> None:
    browser = behind_proxy.client()
    page = browser.get("/login", headers=PROXIED)
    assert _cookie_flags(page) == {"httponly", "path", "samesite", "secure"}
    assert "max-age" in page.headers["Strict-Transport-Security"]
    form = {"user": "admin", "password": "wenze", "csrf_token": csrf_field(page.get_data(as_text=True))}
    elsewhere = browser.post("/login", data=form, headers={**PROXIED, "Referer": "https://evil.example/"})
    assert elsewhere.status_code == 403 and "其他网站" in elsewhere.get_data(as_text=True)
    signed_in = browser.post("/login", data=form, headers={**PROXIED, "Referer": "https://wenze.example/login"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/tasks"
    assert _cookie_flags(signed_in) == {"httponly", "path", "samesite", "secure"}


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_chinese_error_pages_and_a_script_json(site: Site) -> None:
    browser, _token = site.signed_in("dangzu")
    missing = browser.get("/no/such/page", headers=BROWSER)
    assert missing.status_code == 404 and missing.content_type.startswith("text/html")
    page = missing.get_data(as_text=True)
    assert "页面不存在" in page and "未找到该地址" in page and "<html lang=\"zh-CN\">" in page
    assert browser.get("/no/such/page").json["message"] == "未找到该地址"           # no Accept: a script
    api = browser.get("/api/cases/999", headers=BROWSER)
    assert api.status_code == 404 and api.content_type == "application/json"
