"""What the web tests share: a site over a test database (SQLite and PostgreSQL) with a small procedure deployed
and a case waiting, and reading forms as a browser does."""
from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from runner.core import api_tokens, attachments, cases, delegations, incidents
from runner.settings import Settings
from runner.store.db import Database
from runner.web.app import create_app
from tests.conftest import FIXTURES, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

# What a designer's hostile <bpmn:documentation> could hold: XHTML script runs if a browser renders the file as XML.
SCRIPT_IN_DOCUMENTATION = ('<bpmn:documentation>测试 第一条 <html:script xmlns:html="http://www.w3.org/1999/xhtml">'
                           'fetch("/pwned");document.title="PWNED"</html:script></bpmn:documentation>')


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def procedure_root(tmp_path: Path) -> Path:
    """tests/fixtures/mini with its deadline made soft (extendable by 综合股/办公室, by 10 days at most) and an XHTML
    <script> in a task's documentation."""
    root = tmp_path / "procedures"
    shutil.copytree(FIXTURES / "mini", root)
    diagram = root / "bpmn" / "mini.bpmn"
    xml = diagram.read_text(encoding="utf-8")
    xml = xml.replace('period_end(received_on, 5, "calendar_days")',
                      'deadline(received_on, 5, "calendar_days", soft=True, extension_by="综合股/办公室", extension_cap=10)')
    xml = xml.replace('<bpmn:userTask id="decide" name="决定">', f'<bpmn:userTask id="decide" name="决定">{SCRIPT_IN_DOCUMENTATION}')
    diagram.write_text(xml, encoding="utf-8")
    return root


@dataclass
class Site:
    app: Flask
    db: Database
    case: int
    task: str           # the ready task 决定 (局党组), under the soft deadline decide_due
    incident: int       # an open incident of the case (what an administrator would resolve)
    token: int          # the id of an API token of zonghe's
    attachment: int     # a PDF dangzu added to the task
    delegation: int     # zonghe's delegation to dangzu (in 2026-10)

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def signed_in(self, user: str = "admin", password: str = "wenze") -> tuple[FlaskClient, str]:
        """A client signed in through /api/login, and the CSRF token the answer gave it."""
        client = self.client()
        answer = client.post("/api/login", json={"user": user, "password": password})
        assert answer.status_code == 200, answer.json
        return client, answer.json["csrf_token"]


def make_site(db: Database, tmp_path: Path, **settings: Any) -> Site:
    seed(db, procedure_root(tmp_path))
    started = cases.start_case(db, "mini", {}, "zonghe")
    waiting = cases.complete_task(db, started["ready_tasks"][0]["id"], {"who": "王敏", "received_on": "2026-09-29", "tags": []},
                                  "zonghe")
    # evidence files up to 64 KiB: a body past the app's 1 MiB limit is too large for every route, uploads included
    made = Settings(secret_key="one key for the tests",
                    **{"home": tmp_path / "home", "attachment_max_bytes": 64 * 1024, **settings})
    app = create_app(db, settings=made)
    incidents.record(db, started["case"], "script", "测试：一个已登记的故障", None)
    [incident] = incidents.listed(db)
    with db.write() as session:
        token = api_tokens.create(session, "zonghe", "测试脚本")
        session.commit()
    task = waiting["ready_tasks"][0]["id"]
    attachment = attachments.add(db, made.home, made.attachment_max_bytes, task, "dangzu", "询问笔录.pdf", PDF)
    with db.write() as session:
        delegation = delegations.create(session, "zonghe", "dangzu", "2026-10-01", "2026-10-03", "出差", "zonghe")
        session.commit()
    return Site(app, db, started["case"], task, incident["id"], token["id"], attachment["id"], delegation["id"])


@pytest.fixture
def site(db: Database, clock, tmp_path: Path) -> Site:
    return make_site(db, tmp_path)


def basic(user: str, password: str) -> dict[str, str]:
    """The Authorization header of HTTP Basic credentials (what `curl -u` sends)."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class _Tags(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.found = name, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.name:
            self.found.append(dict(attrs))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    """The page's elements `name` (<input>, <script> …), each as its attributes."""
    parser = _Tags(name)
    parser.feed(html)
    return parser.found


def csrf_field(html: str) -> str:
    """The value of the page's hidden csrf_token field (the sign-in and sign-out forms carry one)."""
    [token] = [i["value"] for i in tags(html, "input") if i.get("name") == "csrf_token" and i.get("type") == "hidden"]
    assert token
    return token


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (scripts/test installs it; Playwright downloads no browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/test installs Debian's chromium package")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
