"""runner.core.notice: what a 处理决定书 says, from the deciding step's submission, earlier findings and the registry."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from runner.core import calendar, notice, regulations
from tests.conftest import ROOT

REGISTRY = regulations.load((p.name, p.read_text(encoding="utf-8"))
                            for p in sorted((ROOT / "bpmn" / "regulations").glob("*.json")))
DECIDED_AT = dt.datetime(2026, 10, 8, 17, 30, tzinfo=dt.timezone.utc)      # 2026-10-09 01:30 Beijing time

DECIDE_FORM: dict[str, Any] = {"title": "作出处理决定", "properties": {
    "decision_document_no": {"type": "string", "title": "处理决定文号"},
    "decision_body": {"type": "string", "title": "作出决定的机关"},
    "decided_on": {"type": "string", "format": "date", "title": "决定日期"},
    "delivered_on": {"type": "string", "format": "date", "title": "送达日期"},
    "reviewed": {"type": "boolean", "title": "已审阅责任认定建议"},
    "summary": {"type": "string", "title": "处理决定内容"},
    "person_decisions": {"type": "array", "title": "逐人处理", "items": {"type": "object", "properties": {
        "person": {"type": "string", "title": "姓名"},
        "measures": {"type": "array", "title": "处理形式", "items": {"type": "string", "oneOf": [
            {"const": "written_self_criticism", "title": "第十三条（一）责令做出书面检查"},
            {"const": "circulated_criticism", "title": "第十三条（二）通报批评"}]}},
        "criminal_referral": {"type": "boolean", "title": "提请司法机关追究刑事责任"},
        "correction_due_on": {"type": "string", "format": "date", "title": "限期改正的期限"},
        "basis": {"type": "string", "title": "认定依据和理由"}}}},
    "deliveries": {"type": "array", "title": "送达", "items": {"type": "object", "properties": {
        "person": {"type": "string", "title": "姓名"},
        "received_on": {"type": "string", "format": "date", "title": "收到决定之日"}}}}}}
INVESTIGATE_FORM: dict[str, Any] = {"title": "调查", "properties": {
    "facts_found": {"type": "string", "title": "查明的事实"},
    "person_facts": {"type": "array", "items": {"type": "object", "properties": {
        "person": {"type": "string", "title": "姓名"},
        "fault_type": {"type": "string", "title": "该人员的过错情形", "oneOf": [
            {"const": "art7_7", "title": "第七条（七）违反法定程序进行处罚的"}]},
        "aggravate": {"type": "boolean", "title": "拒不改正"},
        "grounds": {"type": "string", "title": "认定依据和理由"}}}}}}


def decided(**data: Any) -> notice.Submission:
    return notice.Submission(DECIDE_FORM, {
        "decision_document_no": "文民发〔2026〕3号", "decided_on": "2026-10-09", "delivered_on": "2026-10-10",
        "reviewed": True, "summary": "责令陈晨做出书面检查。",
        "person_decisions": [{"person": "陈晨", "measures": ["written_self_criticism", "circulated_criticism"],
                              "criminal_referral": True, "correction_due_on": "2026-11-01",
                              "basis": "文水 第十一条"}],
        "deliveries": [{"person": "陈晨", "received_on": "2026-10-10"}]} | data, DECIDED_AT)


INVESTIGATED = notice.Submission(INVESTIGATE_FORM, {
    "facts_found": "承办人未履行告知程序。\n当事人因此未能陈述申辩。",
    "person_facts": [{"person": "陈晨", "fault_type": "art7_7", "aggravate": True, "grounds": "调查组的意见"},
                     {"person": "王五", "fault_type": "art7_7"}]}, DECIDED_AT)


def test_chinese_dates_and_numbers() -> None:
    assert calendar.chinese_date(dt.date(2026, 10, 9)) == "2026年10月9日"
    assert [notice.chinese_number(n) for n in (1, 9, 10, 11, 20, 21)] == ["一", "九", "十", "十一", "二十", "二十一"]


def test_the_notice_prints_the_decision_per_person_under_the_forms_titles() -> None:
    built = notice.build(7, decided(), [INVESTIGATED], REGISTRY["wenshui"])
    assert (built.issuer, built.document_no, built.title, built.date) == (
        "文水县民政局", "文民发〔2026〕3号", "处理决定书", "2026年10月9日")
    assert built.facts == ("承办人未履行告知程序。", "当事人因此未能陈述申辩。")
    [party] = built.parties                              # 王五 was investigated but not decided on: not addressed
    assert party.name == "陈晨" and built.addressees == "陈晨"
    # 认定依据和理由 as the decision states it replaces the 调查组's; yes/no circumstances are not findings printed
    assert party.facts == (notice.Line("该人员的过错情形", "第七条（七）违反法定程序进行处罚的"),)
    assert party.decided == (notice.Line("处理形式", "第十三条（一）责令做出书面检查；第十三条（二）通报批评"),
                             notice.Line("提请司法机关追究刑事责任", ""),
                             notice.Line("限期改正的期限", "2026年11月1日"),
                             notice.Line("认定依据和理由", "文水 第十一条"))
    assert party.articles == ("第七条（七）", "第十三条（一）", "第十三条（二）", "第十一条")
    # The step's own records (已审阅, 送达日期, the delivery list) are not what is decided.
    assert built.decided == (notice.Line("处理决定内容", "责令陈晨做出书面检查。"),)
    assert built.problems == ()


def test_the_deciding_body_the_step_recorded_heads_the_notice_else_the_regulations_issuer() -> None:
    assert notice.build(1, decided(decision_body="派驻纪检监察组"), [], REGISTRY["chifeng"]).issuer == "派驻纪检监察组"
    # The registry names 赤峰's issuer with the regulation's own 文号: the 版头 carries the body only.
    assert notice.build(1, decided(), [], REGISTRY["chifeng"]).issuer == "赤峰市应急管理局"
    nameless = notice.build(1, decided(), [], None)
    assert nameless.issuer is None and any("发文机关" in problem for problem in nameless.problems)


@pytest.mark.parametrize("number", [None, "", "文民发〔2026〕003号", "文民发〔2026〕第3号", "文民发[2026]3号", "文民发2026年3号"])
def test_a_missing_or_malformed_number_is_never_made_up_but_reported(number: str | None) -> None:
    built = notice.build(1, decided(decision_document_no=number), [], REGISTRY["wenshui"])
    assert built.document_no is None
    assert len(built.problems) == 1 and "文号" in built.problems[0]


def test_the_date_falls_back_to_the_beijing_day_the_step_was_completed() -> None:
    data = dict(decided().data)
    data.pop("decided_on")
    built = notice.build(1, notice.Submission(DECIDE_FORM, data, DECIDED_AT), [], REGISTRY["wenshui"])
    assert built.date == "2026年10月9日"


def test_an_engine_note_copied_into_a_form_is_left_out_and_reported() -> None:
    copied = decided(person_decisions=[{"person": "陈晨", "measures": ["written_self_criticism"],
                                        "basis": "文水 第十条 但书 (VAGUE) reading not decided"}])
    built = notice.build(1, copied, [], REGISTRY["wenshui"])
    assert [line.title for line in built.parties[0].decided] == ["处理形式"]
    assert len(built.problems) == 1 and "认定依据和理由" in built.problems[0]


def test_the_title_is_the_texts_own_word_for_the_decision() -> None:
    for form_title, title in (("作出问责决定", "问责决定书"), ("作出追究责任决定", "追究责任决定书"), ("决定", "处理决定书")):
        submission = notice.Submission({**DECIDE_FORM, "title": form_title}, decided().data, DECIDED_AT)
        assert notice.build(1, submission, [], None).title == title


# ------------------------------------------------------------------ remedies, as each shipped regulation words them

def test_wenshui_19_appeal_only() -> None:
    assert notice.remedy_sentences(REGISTRY["wenshui"].remedies or {}) == (
        "如不服本决定，可在接到处理决定后30日内向上级组织人事部门或监察部门申诉。",
        "申诉期间，不停止原处理决定的执行。")


def test_yanchi_13_review_by_the_legal_review_body_and_appeal_within_15_days() -> None:
    assert notice.remedy_sentences(REGISTRY["yanchi"].remedies or {}) == (
        "如不服本决定，可向局重大执法决定法制审核机构申请复核。",
        "如不服本决定，也可在接到决定书之日起15日内向同级主管部门或上级业务主管部门申诉。",
        "复核和申诉期间，不停止原处理决定的执行。")


def test_chifeng_12_review_within_30_days_names_no_body() -> None:
    assert notice.remedy_sentences(REGISTRY["chifeng"].remedies or {})[:2] == (
        "如不服本决定，可在接到决定通知之日起30日内申请复核。", "如不服本决定，也可向有关部门申诉。")


def test_mingshan_13_appeal_only_against_disciplinary_sanctions_with_no_body_or_window() -> None:
    sentences = notice.remedy_sentences(REGISTRY["mingshan"].remedies or {})
    assert sentences[0] == "对本决定给予的政纪处分不服的，可提出申诉。"
    assert not any("复核" in sentence for sentence in sentences)


def test_jinzhai_21_cites_the_civil_service_law_it_refers_to() -> None:
    review, appeal, execution = notice.remedy_sentences(REGISTRY["jinzhai"].remedies or {})
    assert review.startswith("如不服本决定，可自知道该问责决定之日起30日内向原处理机关申请复核（金寨 二十一")
    assert "《公务员法》第九十五条" in review and "向同级公务员主管部门或者作出该问责决定的机关的上一级机关申诉" in appeal
    assert execution == "申请复核、申诉期间，问责决定不停止执行。"
