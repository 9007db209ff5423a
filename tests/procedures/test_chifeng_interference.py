"""赤峰市应急管理局内部人员干预执法办案记录和责任追究 (bpmn/chifeng_interference.bpmn) walked through the runner.

第五条: the 《内部人员过问案件办理行为登记表》 (who, position, time, place, content, channel) with the evidence each
channel requires, reported directly to the 主要领导; 第十一条: filed into the 个人廉政档案 and 执法档案; 第九条: the
interferer's discipline; 第十条: not recording or not truthfully recording → 通报批评, 两次以上 (含本数) → 纪律处分,
主管领导授意 → 从重. The count of earlier non-recording findings comes from the fault registry (its own key,
chifeng_interference): each finding is recorded once it is sanctioned, dated with the day it was found. No deadlines
(none in the text). SQLite and PostgreSQL.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.procedures.driver import Case, Forbidden, InvalidData, Procedure

PROCESS = "chifeng_interference"
OFFICER, LEADER, INSPECTION = "办案人员", "主要领导", "派驻纪检监察组"


def register(channel: str, **evidence: Any) -> dict[str, Any]:
    return {"case_no": "赤应急罚〔2026〕18号", "case_name": "某煤矿安全生产违法案", "handling_officer": "赵六",
            "registered_on": "2026-09-29", "interferer_name": "钱七", "interferer_position": "某科科长",
            "occurred_at": "2026-09-28 16:20", "place": "办案科室办公室", "content": "要求对当事人从轻处罚。",
            "channel": channel, "officer_response": "refused", "violation_items": ["cfi7_6"]} | evidence


def instruction(**extra: Any) -> dict[str, Any]:
    return {"instruction": "登记属实，归档。", "instructed_on": "2026-09-30", "violation_confirmed_items": ["cfi7_6"],
            "refer_interferer": False, "record_truthful": True} | extra


FILING = {"archive_entries": [{"person": "钱七", "archive": "integrity", "record_reference": "廉-2026-031"},
                              {"person": "赵六", "archive": "enforcement", "record_reference": "执-2026-112"}],
          "filed_on": "2026-10-09", "archive_keeper": "派驻纪检监察组"}


def finding(instigated: bool = False, found_on: str = "2026-10-12", officer: str = "赵六") -> dict[str, Any]:
    data = {"officer": officer, "interference_case_no": "赤应急罚〔2026〕18号", "finding": "not_recorded",
            "how_detected": "当事人信访反映", "found_on": found_on, "supervisor_instigated": instigated}
    return data | ({"supervisor_name": "孙八"} if instigated else {})


NON_RECORDING = {"report_kind": "non_recording"}     # a case the 派驻纪检监察组 opens (第十条)
NR_FILING = {"archive_entries": [{"person": "赵六", "archive": "enforcement", "record_reference": "执-2026-120"}],
             "filed_on": "2026-10-20", "archive_keeper": "派驻纪检监察组"}


def test_phone_interference_5_registered_with_recording_instructed_and_filed_11(procedure: Procedure) -> None:
    """第五条: a phone call must be written down and, where recording was possible, recorded; the form goes straight
    to the 主要领导; 第十一条: both archives receive an entry (the form refuses a filing that misses one)."""
    case = procedure.start()
    assert case.lane("register") == OFFICER
    with pytest.raises(InvalidData):
        case.complete("register", register("phone", written_record="电话要求从轻。", recording_possible=True))
    case.complete("register", register("phone", written_record="电话要求从轻。", recording_possible=True,
                                       audio_recording="录音 TEL-0928-01"))
    assert case.lane("instruct") == LEADER
    case.complete("instruct", instruction())
    assert case.lane("file") == INSPECTION
    with pytest.raises(InvalidData):
        case.complete("file", FILING | {"archive_entries": FILING["archive_entries"][:1]})
    done = case.complete("file", FILING)
    shown = case.show()
    assert done["status"] == "completed" and shown.ended() == ["end_filed"]
    assert shown["data"]["report_kind"] == "registration" and shown["data"]["audio_recording"] == "录音 TEL-0928-01"
    assert shown["timers"] == []


@pytest.mark.parametrize("channel, evidence, missing", [
    ("electronic", {"electronic_message": "微信截图 WX-0928"}, "electronic_message"),
    ("paper", {"paper_material": "便笺原件 PAPER-0928"}, "paper_material"),
    ("oral", {"written_record": "当面要求从轻。", "recording_possible": False}, "written_record")])
def test_each_channel_5_requires_its_own_evidence(procedure: Procedure, channel: str, evidence: dict[str, Any],
                                                  missing: str) -> None:
    """第五条: 电子信息 → the message; 纸质文字 → the paper; 口头 → a written record (no recording where none was
    possible)."""
    case = procedure.start()
    with pytest.raises(InvalidData) as refused:
        case.complete("register", register(channel, **{k: v for k, v in evidence.items() if k != missing}))
    assert [e["path"] for e in refused.value.details["errors"]] == [missing]
    case.complete("register", register(channel, **evidence))
    assert case.elements() == ["instruct"]


def test_interferer_disciplined_9_and_untruthful_record_10_first_time_circulated_criticism(
        procedure: Procedure) -> None:
    """第九条: the 主要领导 refers the interferer, who is disciplined; he also finds the record untruthful: a first
    finding (no earlier ones) → 第十条 通报批评, then the finding is filed (第十一条)."""
    case = procedure.start()
    case.complete("register", register("electronic", electronic_message="短信截图 SMS-0928"))
    with pytest.raises(InvalidData):     # an untruthful record must say what was untruthful
        case.complete("instruct", instruction(refer_interferer=True, record_truthful=False))
    case.complete("instruct", instruction(refer_interferer=True, record_truthful=False,
                                          untruthful_reason="漏记了当面转递的材料。"))
    case.complete("file", FILING)
    case.complete("discipline_interferer", {"interferer_name": "钱七", "consequence": "consequence",
                                            "discipline": "党内警告", "judicial_referral": False,
                                            "handled_on": "2026-10-15"})
    assert case.elements() == ["non_recording"]
    with pytest.raises(InvalidData):     # the count is not typed in
        case.complete("non_recording", finding() | {"finding": "untruthful", "prior_non_recording_findings": 1})
    case.complete("non_recording", finding() | {"finding": "untruthful"})
    assert case.show()["data"]["prior_non_recording_findings"] == 0     # from the registry
    assert case.elements() == ["criticism"]
    case.complete("criticism", {"criticism_document_no": "赤应急通报〔2026〕3号", "criticised_on": "2026-10-16",
                                "criticism_scope": "局机关各科室"})
    done = case.complete("file_non_recording", NR_FILING)
    shown = case.show()
    assert done["status"] == "completed" and shown.ended()[-1] == "end_non_recording"
    assert "officer_discipline" not in [t["element"] for t in shown["tasks"]]
    assert shown.faults() == [("赵六", "chifeng_interference", "不记录或者不如实记录", "2026-10-12", "officer", None)]


def criticised_case(procedure: Procedure, found_on: str, officer: str = "赵六") -> Case:
    """An earlier case started for non-recording, run through the runner: a first finding, 通报批评, filed."""
    case = procedure.start(NON_RECORDING, lane=INSPECTION)
    case.complete("non_recording", finding(found_on=found_on, officer=officer))
    assert case.elements() == ["criticism"]
    case.complete("criticism", {"criticism_document_no": "赤应急通报〔2026〕1号", "criticised_on": found_on,
                                "criticism_scope": "局机关各科室"})
    case.complete("file_non_recording", NR_FILING)
    shown = case.show()
    assert shown["status"] == "completed" and [f["confirmed_on"] for f in shown["faults"]] == [found_on]
    return case


def test_not_recorded_10_second_time_disciplined_and_instigating_supervisor_aggravated(procedure: Procedure) -> None:
    """第十条: an earlier case found 赵六 not recording once (通报批评) and recorded that finding; a case started for
    non-recording (report_kind = "non_recording") counts it from the registry, so this is the second (两次以上
    includes two) → 纪律处分; the 主管领导 told him not to record → 从重追究主管领导责任. Another officer's finding
    and a finding dated after this one do not count."""
    criticised_case(procedure, "2025-03-02")
    criticised_case(procedure, "2025-05-06", officer="孙九")
    case = procedure.start(NON_RECORDING, lane=INSPECTION)
    assert case.elements() == ["non_recording"]
    with pytest.raises(InvalidData):     # an instigating supervisor must be named
        case.complete("non_recording", finding(instigated=True) | {"supervisor_name": ""})
    case.complete("non_recording", finding(instigated=True))
    assert case.show()["data"]["prior_non_recording_findings"] == 1
    assert case.elements() == ["officer_discipline"]
    case.complete("officer_discipline", {"officer_discipline": "记过", "discipline_basis": "civil_service",
                                         "disciplined_on": "2026-10-18"})
    assert case.elements() == ["supervisor_aggravated"]
    case.complete("supervisor_aggravated", {"supervisor_measure": "从重给予记大过处分",
                                            "supervisor_handled_on": "2026-10-19"})
    done = case.complete("file_non_recording", NR_FILING)
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.path("gateway", "end_event") == ["gw_kind", "join_non_recording", "gw_count", "join_sanction",
                                                  "gw_supervisor", "join_supervisor", "end_non_recording"]
    assert [(f["person"], f["confirmed_on"]) for f in shown["faults"]] == [("赵六", "2026-10-12")]  # not 孙八

    # a later finding counts both earlier ones; a finding dated between them counts only the one before it
    third = procedure.start(NON_RECORDING, lane=INSPECTION)
    third.complete("non_recording", finding(found_on="2026-12-01"))
    assert third.show()["data"]["prior_non_recording_findings"] == 2
    assert third.elements() == ["officer_discipline"]
    between = procedure.start(NON_RECORDING, lane=INSPECTION)
    between.complete("non_recording", finding(found_on="2025-08-01"))
    assert between.show()["data"]["prior_non_recording_findings"] == 1


def test_the_officer_or_the_inspection_group_may_open_a_case_and_nobody_else(procedure: Procedure) -> None:
    """第五条 (the officer registers) and 第十条 (派驻纪检监察组 finds a failure to record): the process names both
    bodies in its `startableBy` property; a 局党组 member may not open such a case."""
    assert procedure.start(user="banan").started["status"] == "running"
    assert procedure.start({"report_kind": "non_recording"}, user="jijian").started["status"] == "running"
    with pytest.raises(Forbidden, match="办案人员、派驻纪检监察组"):
        procedure.start(user="dangzu")
