"""The decision notice (处理决定书) over HTTP, for cases of the shipped procedures brought to a decision by the
procedure driver: what a county legal office checks before it seals and sends one. 文水 第十九条 gives only 申诉
(no 复核); 盐池 第十三条 gives 复核 and 申诉."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from runner.settings import Settings
from runner.store.db import Database
from runner.web.app import create_app
from tests.procedures import (test_chifeng as chifeng, test_jinzhai as jinzhai, test_mingshan as mingshan,
                              test_wenshui as wenshui, test_yanchi as yanchi)
from tests.procedures.driver import Case, Procedure

WENSHUI_APPEAL = "如不服本决定，可在接到处理决定后30日内向上级组织人事部门或监察部门申诉。"
ENGINE_WORDS = re.compile(r"[A-Za-z]{3,}")       # engine notes, table ids, codes: nothing English reaches the page


class _Document(HTMLParser):
    """The text of the <article class="gongwen"> (the document itself, without the page's toolbar)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or (tag == "article" and ("class", "gongwen") in attrs):
            self.depth += tag not in ("br", "meta", "link", "img")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "meta", "link", "img"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def document_text(html: str) -> str:
    parser = _Document()
    parser.feed(html)
    return re.sub(r"\s+", "", "".join(parser.parts))


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts whose glyphs the PDF carries (a font only named would print as tofu)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descendant.get_object()["/BaseFont"]))
    return names


def signed_in(db: Database, user: str) -> FlaskClient:
    client = create_app(db, settings=Settings(secret_key="one key for the tests")).test_client()
    answer = client.post("/api/login", json={"user": user, "password": "wenze"})
    assert answer.status_code == 200, answer.json
    return client


def test_wenshui_notice_names_issuer_number_date_articles_measures_and_only_the_appeal(
        deployed: Database, clock) -> None:
    procedure = Procedure(deployed, clock, wenshui.PROCESS)
    case = wenshui.decided_case(procedure, "2026-09-29")
    client = signed_in(deployed, "dangzu")

    page = client.get(f"/cases/{case.id}/notice")
    assert page.status_code == 200
    text = document_text(page.get_data(as_text=True))
    assert text.startswith("文水县民政局文民责〔2026〕1号处理决定书陈晨：")      # 版头, 发文字号, title, 主送
    assert "经调查查明：承办人未履行告知程序。" in text
    assert "一、陈晨" in text
    assert "该人员的过错情形：第七条（七）违反法定程序进行处罚的" in text      # the fact, as the 调查组 recorded it
    assert "责任认定：行政过错责任人（第十一条）" in text
    assert "处理形式：第十三条（一）责令做出书面检查" in text
    assert "适用条款：《文水县民政局监管执法责任倒查机制》第七条（七）、第十一条、第十三条（一）。" in text
    assert WENSHUI_APPEAL in text
    assert "复核" not in text                          # 第十九条 gives no 复核
    assert "申诉期间，不停止原处理决定的执行" in text
    assert text.endswith("文水县民政局2026年9月29日")   # 署名 and 成文日期
    assert not ENGINE_WORDS.search(text), ENGINE_WORDS.findall(text)
    assert "本决定书尚不能印发" not in page.get_data(as_text=True)

    pdf = client.get(f"/cases/{case.id}/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    extracted = pdf_text(pdf.data)
    for expected in ("文水县民政局", "文民责〔2026〕1号", "处理决定书", "2026年9月29日", "第十三条（一）责令做出书面检查",
                     "第七条（七）", WENSHUI_APPEAL, "—1—"):
        assert expected in extracted, expected
    assert "复核" not in extracted and not ENGINE_WORDS.search(extracted.replace("—", ""))
    assert any("CJK" in name for name in embedded_fonts(pdf.data)), embedded_fonts(pdf.data)


def test_yanchi_notice_gives_review_and_appeal_in_the_texts_words_for_each_person(deployed: Database, clock) -> None:
    procedure = Procedure(deployed, clock, yanchi.PROCESS)
    case = yanchi.decided_case(procedure, ("马某", ["written_self_criticism"]),
                               ("杨某", ["circulated_criticism", "order_correction"]))
    client = signed_in(deployed, "dangzuhui")

    text = document_text(client.get(f"/cases/{case.id}/notice").get_data(as_text=True))
    assert text.startswith("盐池县医疗保障局盐医保追〔2026〕1号追究责任决定书马某、杨某：")
    assert "经调查查明：主要证据失实。" in text
    one, two = text.index("一、马某"), text.index("二、杨某")
    assert "处理措施：责令写出书面检查（第九条(一)）" in text[one:two]
    assert "处理措施：通报批评（第九条(二)）；责令改正（第九条(二)）" in text[two:]
    assert "如不服本决定，可向局重大执法决定法制审核机构申请复核。" in text
    assert "如不服本决定，也可在接到决定书之日起15日内向同级主管部门或上级业务主管部门申诉。" in text
    assert "复核和申诉期间，不停止原处理决定的执行。" in text
    assert text.endswith("盐池县医疗保障局2026年10月12日")
    assert not ENGINE_WORDS.search(text), ENGINE_WORDS.findall(text)

    extracted = pdf_text(client.get(f"/cases/{case.id}/notice.pdf").data)
    for expected in ("盐池县医疗保障局", "盐医保追〔2026〕1号", "2026年10月12日", "马某", "杨某", "通报批评（第九条(二)）",
                     "向局重大执法决定法制审核机构申请复核", "在接到决定书之日起15日内向同级主管部门或上级业务主管部门申诉"):
        assert expected in extracted, expected


def test_a_case_without_a_decision_has_no_notice_and_says_so_in_chinese(deployed: Database, clock) -> None:
    procedure = Procedure(deployed, clock, wenshui.PROCESS)
    case = wenshui.reported_case(procedure, "2026-09-29")          # investigated and heard, not yet decided
    client = signed_in(deployed, "dangzu")
    for page in (f"/cases/{case.id}/notice", f"/cases/{case.id}/notice.pdf", "/cases/999999/notice"):
        answer = client.get(page)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 404 and answer.mimetype == "text/html", page
        assert "尚无处理决定书" in html and "陈晨" not in html and "文民责" not in html


def test_only_the_bodies_of_the_cases_regulation_may_read_its_notice(deployed: Database, clock) -> None:
    procedure = Procedure(deployed, clock, wenshui.PROCESS)
    case = wenshui.decided_case(procedure, "2026-09-29")
    outsider = signed_in(deployed, "fazhi")                 # 盐池's 法制审核机构: no body of 文水
    for page in (f"/cases/{case.id}/notice", f"/cases/{case.id}/notice.pdf"):
        answer = outsider.get(page)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 403 and "无权查看" in html and "陈晨" not in html, page
    # The 监察部门 that receives the appeal (第十九条) and an administrator may.
    assert signed_in(deployed, "jiancha").get(f"/cases/{case.id}/notice.pdf").status_code == 200
    assert signed_in(deployed, "admin").get(f"/cases/{case.id}/notice").status_code == 200
    anonymous = create_app(deployed, settings=Settings(secret_key="k")).test_client()
    answer = anonymous.get(f"/cases/{case.id}/notice.pdf")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("number", [None, "文民责〔2026〕第1号", "文民责〔2026〕001号", "文民责[2026]1号", "2026-1"])
def test_the_deciding_step_records_a_proper_document_number_or_nothing_is_decided(
        deployed: Database, clock, number: str | None) -> None:
    """The 文号 comes from the deciding step (GB/T 9704-2012 7.2.4: 〔年份〕, no 虚位 zeros, no 第); the product never
    makes one up, so a decision without a well-formed one is refused and the case stays where it was."""
    procedure = Procedure(deployed, clock, wenshui.PROCESS)
    case = wenshui.reported_case(procedure, "2026-09-29")
    data = wenshui.decision("2026-09-29", "2026-09-29", wenshui.ruling("陈晨", "officer", "liable"))
    data.pop("decision_document_no")
    if number is not None:
        data["decision_document_no"] = number
    client = signed_in(deployed, "xiangguan")
    answer = client.post(f"/api/tasks/{case.task('decide')['id']}/complete", json={"data": data},
                         headers={"X-CSRFToken": client.get("/api/session").json["csrf_token"]})
    assert answer.status_code == 422 and answer.json["errors"][0]["path"] == "decision_document_no", answer.json
    error = answer.json["errors"][0]
    assert error["title"] == "处理决定文号"
    if number is not None:                                # what a well-formed one looks like, next to the field
        assert "文民发〔2026〕3号" in error["reason"] and "六角括号" in error["reason"]
    assert case.elements() == ["decide"]
    assert client.get(f"/cases/{case.id}/notice").status_code == 404


def _chifeng(procedure: Procedure) -> Case:
    case = chifeng.to_decision(procedure)
    case.complete("determine", chifeng.determination())
    case.complete("decide", chifeng.decision("2026-04-24"))
    return case


def _mingshan(procedure: Procedure) -> Case:
    case = mingshan.to_review(procedure)
    case.complete("review", mingshan.review(findings=[
        mingshan.finding("刘伟", "officer"), mingshan.finding("孙丽", "reviewer", liability_basis=["art9"], level="L2")]))
    mingshan.hear_everyone(case)        # 第十八条: each is heard before the decision
    case.complete("decide", mingshan.decision(mingshan.person("刘伟", "执法一科", "L3", ["warning"]),
                                              mingshan.person("孙丽", "法制科", "L2", ["circulated_criticism"])))
    return case


# (module, user of one of its bodies, how a case reaches its decision, what its 版头 and 文号 say, a remedy sentence)
EVERY_REGULATION = [
    (wenshui, "dangzu", lambda p: wenshui.decided_case(p, "2026-09-29"), "文水县民政局", "文民责〔2026〕1号",
     WENSHUI_APPEAL),
    (yanchi, "dangzuhui", lambda p: yanchi.decided_case(p, ("马某", ["written_self_criticism"])), "盐池县医疗保障局",
     "盐医保追〔2026〕1号", "如不服本决定，可向局重大执法决定法制审核机构申请复核。"),
    (chifeng, "jijian", _chifeng, "派驻纪检监察组", "赤应急决〔2026〕5号",
     "如不服本决定，可在接到决定通知之日起30日内申请复核。"),
    (jinzhai, "wenzejiguan", jinzhai.decided_case, "金寨县人民政府", "金问责〔2026〕3号",
     "如不服本决定，可自知道该问责决定之日起30日内向原处理机关申请复核"),
    (mingshan, "lingdao", _mingshan, "执法过错责任追究领导小组", "明过决〔2026〕3号",
     "对本决定给予的政纪处分不服的，可提出申诉。"),
]


@pytest.mark.parametrize("module, user, decide, issuer, number, remedy", EVERY_REGULATION,
                         ids=[entry[0].PROCESS for entry in EVERY_REGULATION])
def test_every_regulations_notice_is_issuable_and_free_of_engine_notes(
        deployed: Database, clock, module, user, decide, issuer, number, remedy) -> None:
    case = decide(Procedure(deployed, clock, module.PROCESS))
    page = signed_in(deployed, user).get(f"/cases/{case.id}/notice")
    html = page.get_data(as_text=True)
    text = document_text(html)
    assert page.status_code == 200 and text.startswith(issuer + number)
    assert remedy in text and "一、" in text
    assert not ENGINE_WORDS.search(text), ENGINE_WORDS.findall(text)
    assert "本决定书尚不能印发" not in html
