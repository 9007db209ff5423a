"""The workbench in a real browser (Playwright driving Debian's Chromium): 综合股 signs in, lands on 待办, opens
the 初步审查 of a 文水 case, submits it once with errors (shown in Chinese next to their fields, what was typed kept)
and once fixed; the task leaves the 综合股 inbox and 局党组's 立案 decision arrives in theirs. Screenshots of the inbox
and the form are written to var/screenshots/ (README "Staff workbench")."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from runner.core import cases
from runner.store.db import Database
from runner.store.migrate import upgrade
from runner.web.app import create_app
from tests.conftest import ROOT, seed
from tests.procedures.test_wenshui import intake

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "var" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('workbench') / 'wenze.sqlite3'}")
    upgrade(db)
    seed(db)
    server = make_server("127.0.0.1", 0, create_app(db), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", db
    server.shutdown()
    db.dispose()


def _sign_in(page, site: str, user: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", "wenze")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/tasks")


def test_a_task_submitted_with_errors_then_fixed_moves_to_the_next_inbox(site, browser) -> None:
    url, db = site
    started = cases.start_case(db, "wenshui_fault_review", {}, "zonghe")
    cases.complete_task(db, started["ready_tasks"][0]["id"], intake("2026-12-01"), "zonghe")
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, url, "zonghe")
    row = page.locator("table.inbox tr:has(a:text-is('初步审查'))")
    assert row.count() == 1 and "24:00 前（剩余" in row.inner_text()
    page.screenshot(path=str(SHOTS / "inbox.png"), full_page=True)

    row.locator("a").click()
    page.wait_for_selector("[name='root[preliminary_finding]']")
    page.fill("[name='root[preliminary_finding]']", "投诉事项基本属实。")
    page.click("#submit")
    page.wait_for_selector("#form-errors:not(:empty)")
    assert page.inner_text("#form-errors").startswith("表单填写有误")
    assert "必须填写" in page.inner_text("#editor")
    assert page.input_value("[name='root[preliminary_finding]']") == "投诉事项基本属实。"     # kept
    page.screenshot(path=str(SHOTS / "form-errors.png"), full_page=True)

    page.fill("[name='root[review_completed_on]']", "2026-12-02")
    page.fill("[name='root[reported_to_party_group_on]']", "2026-12-02")
    page.check("[name='root[recommend_filing]']")
    page.click("#submit")
    page.wait_for_selector("#done:not([hidden])")
    page.goto(f"{url}/tasks")
    assert page.locator("table.inbox a:text-is('初步审查')").count() == 0

    other = context.new_page()
    context.clear_cookies()
    _sign_in(other, url, "dangzu")
    assert other.locator("table.inbox a:text-is('局党组决定是否立案')").count() == 1
    context.close()
