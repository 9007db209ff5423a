"""Every shipped diagram and decision table opens in bpmn-js / dmn-js (real Chromium) with no import warnings."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from runner.store.db import Database
from runner.web.app import create_app
from tests.conftest import ROOT, seed
from tests.web.conftest import procedure_root

pytest.importorskip("playwright.sync_api")

FILES = sorted([("bpmn", p.name) for p in (ROOT / "bpmn").glob("*.bpmn")]
               + [("dmn", p.name) for p in (ROOT / "dmn").glob("*.dmn")])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'wenze.sqlite3'}")
    from runner.store.migrate import upgrade
    upgrade(db)
    seed(db)
    server = make_server("127.0.0.1", 0, create_app(db), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.dispose()


@pytest.mark.parametrize("kind, name", FILES, ids=[name for _, name in FILES])
def test_diagram_opens_without_import_warnings(site: str, browser, kind: str, name: str) -> None:
    page = browser.new_page()
    outside, refused = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{site}/diagrams/{kind}/{name}")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    status = page.locator("#status")
    assert status.get_attribute("data-warnings") == "0", status.inner_text()
    assert page.locator(".djs-element" if kind == "bpmn" else ".dmn-drd-container, .tjs-table").count() > 0
    assert outside == []                                  # nothing is fetched beyond loopback
    assert refused == []                                  # the page's policy lets the viewer do all it needs
    page.close()


def test_the_index_lists_every_deployed_file(site: str, browser) -> None:
    page = browser.new_page()
    page.goto(f"{site}/diagrams")
    listed = page.locator("td a").all_inner_texts()
    assert sorted(listed) == sorted(name for _, name in FILES)
    page.close()


@pytest.fixture
def hostile_site(tmp_path: Path) -> Iterator[str]:
    """A site whose deployed diagram carries an XHTML <script> in a task's documentation."""
    from runner.store.migrate import upgrade
    db = Database(f"sqlite:///{tmp_path / 'wenze.sqlite3'}")
    upgrade(db)
    seed(db, procedure_root(tmp_path))
    server = make_server("127.0.0.1", 0, create_app(db), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.dispose()


@pytest.mark.parametrize("path", ["/diagrams/bpmn/mini.bpmn/xml", "/diagrams/bpmn/mini.bpmn"])
def test_script_inside_a_diagram_never_runs(hostile_site: str, browser, path: str) -> None:
    """Opened directly or shown in the viewer, the file's <html:script> (fetch /pwned, retitle the page) is inert."""
    page = browser.new_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(hostile_site + path)
    if path.endswith(".bpmn"):
        page.wait_for_selector("body[data-ready='1']", timeout=30000)
    page.wait_for_timeout(500)
    assert page.title() != "PWNED"
    assert not [url for url in asked if "pwned" in url]
    page.close()
