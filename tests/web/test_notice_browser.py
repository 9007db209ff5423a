"""The decision notice in a real browser (Debian's Chromium): its Chinese is drawn with CJK glyphs (never tofu),
the page runs under the site's Content-Security-Policy without a refusal, and printing shows the document only."""
from __future__ import annotations

import threading
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from runner.settings import Settings
from runner.store.db import Database
from runner.web.app import create_app
from tests.procedures import test_wenshui as wenshui
from tests.procedures.driver import Procedure

pytest.importorskip("playwright.sync_api")


@pytest.fixture
def notice_url(deployed: Database, clock) -> Iterator[str]:
    """A 文水 case decided on 2026-09-29, served on loopback: the URL of its notice."""
    case = wenshui.decided_case(Procedure(deployed, clock, wenshui.PROCESS), "2026-09-29")
    server = make_server("127.0.0.1", 0, create_app(deployed, settings=Settings(secret_key="browser test")),
                         threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/cases/{case.id}/notice"
    server.shutdown()


def platform_fonts(page: Any, selector: str) -> dict[str, int]:
    """{font family: glyphs drawn} for the text directly inside `selector`, as Chromium rendered it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return {font["familyName"]: font["glyphCount"]
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}


def test_the_notice_renders_in_cjk_glyphs_and_prints_only_the_document(notice_url: str, browser) -> None:
    page = browser.new_page()
    outside, refused = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(notice_url)                                   # the sign-in form first, then back to the notice
    page.fill("input[name=user]", "dangzu")
    page.fill("input[name=password]", "wenze")
    page.click("button[type=submit]")
    page.wait_for_selector(".gongwen")
    assert page.locator(".issuer").inner_text() == "文水县民政局"
    assert page.locator(".docno").inner_text() == "文民责〔2026〕1号"
    assert page.locator(".signature .date").inner_text() == "2026年9月29日"
    for selector in (".issuer", ".title", ".remedy"):
        fonts = platform_fonts(page, selector)
        assert fonts and all("CJK" in family or family in ("方正小标宋简体", "仿宋", "仿宋_GB2312", "FangSong")
                             for family in fonts), (selector, fonts)
    assert page.locator(".issuer").evaluate("e => getComputedStyle(e).color") == "rgb(230, 0, 18)"   # red 版头
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible() and not page.locator(".notice-tools").is_visible()
    assert page.locator(".gongwen").is_visible()
    assert outside == [] and refused == []
    page.close()
