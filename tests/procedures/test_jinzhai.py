"""金寨县行政败诉案件过错责任追究 (bpmn/jinzhai_lost_case_accountability.bpmn) walked path by path.

The real bpmn/ dmn/ forms/ are deployed (SQLite and PostgreSQL); the ManualClock stands at Tue 2026-09-29 09:00
Beijing time until a test moves it. Periods follow 民法典 第二百零一条至第二百零三条 by analogy (domain.md §X.7).
The items of the 办法 are cited as 第N条 (item N), as in domain.md. Each task is worked by its lane's demo user.
第十七条(一)'s count of earlier 同类 faults comes from the fault registry the cases write (record_fault once 复核/申诉
are over and the 问责决定 is final, prior_faults before the circumstance table), never from a typed-in number.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import at, utc
from tests.procedures.driver import Case, Forbidden, InvalidData, Procedure

PROCESS = "jinzhai_lost_case_accountability"
AGENCY, LEGAL_OFFICE, JOINT_OFFICE, MEMBERS, JOINT_MEETING, SUPERVISION, GROUP, ACCOUNTABILITY = (
    "相关行政机关", "县政府法制办", "联席会议办公室", "成员单位", "联席会议", "县监察局", "县监察局调查组", "问责机关")
APPEAL_BODY = "同级公务员主管部门或作出问责决定的机关的上一级机关"     # 二十一 参照《公务员法》第九十五条
UNITS = ["县监察局", "县政府法制办", "县人民法院", "县人民检察院"]
ARTICLE_3, ARTICLE_4 = {"case_basis": "art3"}, {"case_basis": "art4"}     # the start form's 案件依据


# ------------------------------------------------------------------------------------------------ form data

def register(received_on: str) -> dict[str, Any]:
    return {"agency": "县自然资源局", "entrusted": False, "implementing_bodies": 1, "document_type": "judgment",
            "document_no": "（2026）皖1524行初12号", "outcome_item": "art3_1", "received_on": received_on,
            "effective_on": received_on, "case_summary": "行政处罚决定因主要事实不清被判决撤销。"}


def filed(on: str) -> dict[str, Any]:
    return {"filed_on": on, "report_basic_facts": "原告诉请撤销处罚决定。", "report_loss_causes": "主要证据不足。",
            "report_problems": "现场勘验记录缺失。", "report_suggestions": "加强证据收集培训。",
            "fault_types": ["art5_1"], "persons_involved": [{"person": "周某", "role": "officer"},
                                                            {"person": "吴某", "role": "approver"}]}


def schedule(meeting_on: str) -> dict[str, Any]:
    return {"meeting_on": meeting_on, "agenda": "筛选 2026 年第三季度败诉案件。", "consulted_units": UNITS,
            "member_units": UNITS}


def sent(on: str) -> dict[str, Any]:
    return {"materials_deliveries": [{"unit": u, "delivered_on": on} for u in UNITS]}


def screened(pursue: bool = True) -> dict[str, Any]:
    return {"meeting_held_on": "2026-10-15", "attendees": UNITS, "pursue": pursue,
            "intent_or_gross_negligence": "gross_negligence" if pursue else "neither",
            "written_opinion": "拟对本案问责。" if pursue else "不予问责。"}


def subject(person: str, role: str, **facts: Any) -> dict[str, Any]:
    return {"person": person, "role": role, "duties": "负责现场勘验。", "harm": "处罚被撤销，赔偿 2 万元。",
            "fault_circumstances": "未制作勘验记录。", "responsibility_size": "较大", "fault_type": "art5_1"} | facts


def investigation(*subjects: dict[str, Any]) -> dict[str, Any]:
    return {"facts_found": "承办人未勘验即作出处罚，批准人未审查。", "evidence_list": ["案卷", "判决书"],
            "act_mode": "reviewed_approved", "intent_or_gross_negligence": "gross_negligence", "party_caused": False,
            "force_majeure": False, "persons": {"officer": "周某", "approver": "吴某"},
            "circumstance_subjects": list(subjects) or [subject("周某", "officer"), subject("吴某", "approver")],
            "investigated_on": "2026-11-10"}


OPINION = {"person_opinions": [{"person": "周某", "proposed_responsibility": "主要责任",
                                "proposed_measures": ["written_self_criticism", "admonition"]}],
           "agency_opinions": [{"agency": "县自然资源局", "proposed_measures": ["circulated_criticism"]}],
           "supervision_recommendation": "建议对周某诫勉，对县自然资源局通报批评。", "opinion_on": "2026-11-12",
           "feedback_on": "2026-11-13"}


def findings(*people: tuple[str, bool, str], agency_liable: bool = True) -> dict[str, Any]:
    return {"determined_on": "2026-11-20",
            "person_findings": [{"person": p, "liable": liable, "effect": effect, "basis": "金寨 第十四条"}
                                for p, liable, effect in people],
            "agency_findings": [{"agency": "县自然资源局", "liable": agency_liable, "basis": "金寨 第六条第一款"}]}


def decision(*, compensation: bool = False, received_on: str = "2026-11-27") -> dict[str, Any]:
    return {"decision_document_no": "金问责〔2026〕3号", "deciding_body": "金寨县人民政府",
            "person_measures": [{"person": "周某", "measures": ["written_self_criticism", "admonition"]}],
            "agency_measures": [{"agency": "县自然资源局", "measures": ["circulated_criticism"]}],
            "decided_on": "2026-11-25", "deliveries": [{"person": "周某", "received_on": received_on}],
            "compensation_paid": compensation}


# ------------------------------------------------------------------------------------------------ steps

def cosign_all(case: Case, agreed: bool = True) -> None:
    """Every member unit co-signs the written opinion (第十条); with `agreed` False the first one refuses."""
    found = case.by_element()["cosign"]
    assert len(found) == len(UNITS) and {t["lane"] for t in found} == {MEMBERS}
    for number, task in enumerate(found):
        case.complete_task(task, {"cosign_result": {
            "unit": UNITS[number], "agreed": agreed or number > 0, "signed_on": "2026-10-16"}})


def filed_case(procedure: Procedure, received_on: str = "2026-09-22", filed_on: str = "2026-09-29") -> Case:
    """登记 and 备案 done (第十八条); the 法制办 has the filing."""
    case = procedure.start(ARTICLE_3)
    assert [(t["element"], t["lane"]) for t in case.started["ready_tasks"]] == [("register", AGENCY)]
    case.complete("register", register(received_on))
    case.complete("file", filed(filed_on))
    case.complete("receive_filing", {"filing_received_on": filed_on, "report_complete": True})
    return case


def screened_case(procedure: Procedure, meeting_on: str = "2026-10-15") -> Case:
    """Filed, meeting scheduled, materials sent in time, screened: the members co-sign (第十条)."""
    case = filed_case(procedure)
    case.complete("schedule_meeting", schedule(meeting_on))
    case.complete("send_materials", sent("2026-10-09"))
    case.complete("screen", screened())
    return case


def investigated_case(procedure: Procedure, *subjects: dict[str, Any], group: bool = False) -> Case:
    """Screened, co-signed, archived and transferred; 立案 and investigated (第十条、第十一条)."""
    case = screened_case(procedure)
    cosign_all(case)
    case.complete("archive", {"archived_on": "2026-10-16", "archive_ref": "联席〔2026〕7号",
                              "transferred_on": "2026-10-16"})
    assert case.lane("open_case") == SUPERVISION
    case.complete("open_case", {"case_filed_on": "2026-10-19", "case_no": "金监立〔2026〕5号",
                                "form_group": group})
    if group:
        case.complete("form_group", {"group_formed_on": "2026-10-20",
                                     "group_members": [{"name": "郑某", "unit": "县监察局"}]})
        assert case.lane("investigate_group") == GROUP
        case.complete("investigate_group", investigation(*subjects))
    else:
        assert case.lane("investigate_bureau") == SUPERVISION
        case.complete("investigate_bureau", investigation(*subjects))
    return case


def determined_case(procedure: Procedure) -> Case:
    """Investigated; the 监察局's opinion, no 法制办 proposal; the 联席会议 holds 周某 liable, 吴某 not (第八条)."""
    case = investigated_case(procedure)
    case.complete("opinion", OPINION)
    case.complete("legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    case.complete("determine", findings(("周某", True, "none"), ("吴某", False, "none")))
    return case


def decided_case(procedure: Procedure, compensation: bool = False) -> Case:
    case = determined_case(procedure)
    case.complete("decide", decision(compensation=compensation))
    return case


def referral(item: str = "art4_4") -> dict[str, Any]:
    return {"referral_item": item, "agency": "县自然资源局", "entrusted": False, "implementing_bodies": 1,
            "source_document": "金检行公建〔2026〕2号检察建议书", "learned_on": "2026-09-22",
            "case_summary": "检察建议书要求三个月内整改，逾期未整改也未反馈。"}


def referral_decision(refer: bool = True) -> dict[str, Any]:
    return {"refer": refer, "referral_decided_on": "2026-09-30",
            "referral_manner": "参照第九条(二)、第十条提请联席会议筛选，此后按第十条至第二十一条办理。" if refer
            else "已由行政机关内部处理，不参照本办法问责。"}


# ------------------------------------------------------------------------------------------------ 第十八条 备案

def test_art18_worked_example_10_day_filing_from_2026_09_22_ends_2026_10_08(procedure: Procedure) -> None:
    """第十八条 + domain.md §X.7.7：2026-09-22 收到判决 → 10 日届满 2026-10-02（国庆）→ 顺延至 2026-10-08，24 时截止；
    届满前一个工作日（节前最后一个工作日 2026-09-30）提醒。"""
    case = procedure.start(ARTICLE_3)
    case.complete("register", register("2026-09-22"))
    assert case.lane("file") == AGENCY
    shown = case.show()
    deadline = shown.timer("timer_filing")
    assert (deadline["kind"], deadline["start"], deadline["period"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", "2026-09-22", 10, "2026-10-08", "2026-10-02")
    assert deadline["due_at"] == utc(at("2026-10-09"))
    assert shown.timer("timer_filing_reminder")["due_at"] == utc(at("2026-09-30"))
    procedure.to("2026-09-30", 9)
    assert case.lane("remind_filing") == AGENCY
    case.complete("file", filed("2026-10-08"))                      # on the last day: in time
    assert "remind_filing" not in case.elements()                   # the reminder left open ends with the filing
    [ended] = case.show().events("task_cancelled")
    assert (ended["element"], ended["reason"], ended["urges"]) == ("remind_filing", "所催办的环节已办结", "file")
    case.complete("receive_filing", {"filing_received_on": "2026-10-08", "report_complete": True})
    shown = case.show()
    assert shown["data"]["filed_in_time"] is True and shown["overdue"] is False
    assert shown.timer("timer_filing")["state"] == "cancelled"


def test_art18_filing_late_marks_the_case_overdue_agency_explains_legal_office_supervises(
        procedure: Procedure) -> None:
    """第十八条：10 日届满仍未备案的，案件标记逾期，行政机关说明原因、县政府法制办督办（纳入依法行政考核）；备案仍须完成，
    记为逾期报备。"""
    case = procedure.start(ARTICLE_3)
    case.complete("register", register("2026-09-22"))
    procedure.after_last_day("2026-10-08")
    shown = case.show()
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in shown.events("deadline_passed")] == [
        ("timer_filing", "2026-10-08")]
    assert case.lane("urge_filing") == AGENCY
    assert case.lane("supervise_filing") == LEGAL_OFFICE
    case.complete("supervise_filing", {"filing_supervised_on": "2026-10-09",
                                       "filing_supervision_measures": "限当日报备。",
                                       "filing_appraisal_note": "逾期报备，考核扣分。"})
    assert case.lane("urge_filing") == AGENCY                       # the agency has not explained yet
    case.complete("file", filed("2026-10-09"))
    assert "urge_filing" not in case.elements()                     # …and need not once it has filed
    assert [(e["element"], e["reason"]) for e in case.show().events("task_cancelled")] == [
        ("remind_filing", "所催办的环节已办结"), ("urge_filing", "所催办的环节已办结")]
    case.complete("receive_filing", {"filing_received_on": "2026-10-09", "report_complete": True})
    assert case.show()["data"]["filed_in_time"] is False
    assert case.lane("schedule_meeting") == JOINT_OFFICE


def test_art18_the_analysis_report_needs_its_four_sections(procedure: Procedure) -> None:
    """第十八条：分析报告应包括案件基本情况、败诉原因分析、存在问题及工作建议。"""
    case = procedure.start(ARTICLE_3)
    case.complete("register", register("2026-09-22"))
    with pytest.raises(InvalidData) as bad:
        case.complete("file", {"filed_on": "2026-09-29", "report_basic_facts": "……"})
    assert {e["path"] for e in bad.value.details["errors"]} == {
        "report_loss_causes", "report_problems", "report_suggestions"}


@pytest.mark.parametrize("start_data, fields", [
    ({}, ["case_basis"]),
    (ARTICLE_3 | {"filing_days": 20}, ["filing_days"]),
    (ARTICLE_3 | {"config": {"filing_days": 20, "review_filing_days": 60}}, ["config"]),
    ({"case_basis": "art5"}, ["case_basis"])])
def test_art3_art4_art18_start_data_is_the_case_basis_only_never_a_period(
        procedure: Procedure, start_data: dict[str, Any], fields: list[str]) -> None:
    """第十八条「10日」和第二十一条的复核、申诉期限是流程版本的一部分：启动数据按启动表单校验，只能是案件依据（第三条或
    第四条），其他字段（包括任何期限）一律拒绝（422，指明字段），不产生案件。"""
    with pytest.raises(InvalidData) as refused:
        procedure.start(start_data)
    assert refused.value.status == 422
    assert [e["path"] for e in refused.value.details["errors"]] == fields
    assert procedure.tasks() == []


def test_art18_art21_no_task_form_can_change_the_10_days_or_the_review_periods(procedure: Procedure) -> None:
    """第十八条 10 日、第二十一条参照《公务员法》的复核、申诉期限：登记和问责决定的表单都不接受期限字段（422，指明
    字段，案件停在原处）；行政机关看到的备案期限仍是 2026-09-22 收到 → 2026-10-08（国庆顺延），责任人员的复核期和
    直接申诉期仍是 2026-11-27 收到之日起 30 日 → 2026-12-28（周日顺延）。"""
    case = procedure.start(ARTICLE_3)
    with pytest.raises(InvalidData) as refused:
        case.complete("register", register("2026-09-22") | {"filing_days": 20, "filing_unit": "working_days"})
    assert refused.value.status == 422
    assert [e["path"] for e in refused.value.details["errors"]] == ["filing_days", "filing_unit"]
    assert case.lane("register") == AGENCY and case.show()["timers"] == []       # nothing changed
    case.complete("register", register("2026-09-22"))
    filing = case.timer("timer_filing")
    assert (filing["start"], filing["period"], filing["unit"], filing["soft"], filing["last_day"]) == (
        "2026-09-22", 10, "calendar_days", False, "2026-10-08")

    case = determined_case(procedure)
    with pytest.raises(InvalidData) as refused:
        case.complete("decide", decision() | {"review_filing_days": 60, "appeal_decision_period": 90})
    assert [e["path"] for e in refused.value.details["errors"]] == ["review_filing_days", "appeal_decision_period"]
    assert case.lane("decide") == ACCOUNTABILITY
    case.complete("decide", decision(received_on="2026-11-27"))
    shown = case.show()
    for element in ("timer_review_window", "timer_appeal_window"):
        window = shown.timer(element)
        assert (window["start"], window["period"], window["unit"], window["last_day"]) == (
            "2026-11-27", 30, "calendar_days", "2026-12-28"), element


# ------------------------------------------------------------------------------------------------ 第四条 参照问责

def test_art4_a_case_that_may_refer_to_the_measures_has_its_own_entry_without_the_art18_filing(
        procedure: Procedure) -> None:
    """第四条「可以参照本办法进行问责」的案件（此处：检察建议书未整改，第四条(四)）有自己的入口：联席会议办公室启动并登记，
    没有第十八条只对第三条法律文书规定的 10 日备案、分析报告和报备考核——行政机关不接到备案任务，过了 10 日也不逾期；
    是否参照、如何参照本办法由联席会议办公室决定并写明；参照的，提请联席会议研究（第十条会前 3 天送达照常适用），
    此后与第三条案件同样办理，第六条的实施主体取自第四条登记。"""
    case = procedure.start(ARTICLE_4, lane=JOINT_OFFICE)
    assert [(t["element"], t["lane"]) for t in case.started["ready_tasks"]] == [("register_referral", JOINT_OFFICE)]
    with pytest.raises(InvalidData) as refused:                     # 第四条 names no 第三条 outcome
        case.complete("register_referral", referral() | {"outcome_item": "art3_1"})
    assert [e["path"] for e in refused.value.details["errors"]] == ["outcome_item"]
    case.complete("register_referral", referral())
    assert case.lane("decide_referral") == JOINT_OFFICE
    case.complete("decide_referral", referral_decision())
    assert case.lane("schedule_meeting") == JOINT_OFFICE
    procedure.after_last_day("2026-10-08")                           # a 第三条 filing would be overdue now
    shown = case.show()
    assert shown["overdue"] is False and shown["timers"] == []
    assert shown.lane_tasks(AGENCY) == [] and shown.lane_tasks(LEGAL_OFFICE) == []
    assert "filed_in_time" not in shown["data"]                     # no 报备 to appraise (第十八条)
    assert shown["data"]["referral_manner"].startswith("参照第九条(二)、第十条")

    case.complete("schedule_meeting", schedule("2026-10-15"))
    assert case.timer("timer_materials")["last_day"] == "2026-10-12"   # 第十条 still applies to the meeting
    case.complete("send_materials", sent("2026-10-12"))
    case.complete("screen", screened())
    cosign_all(case)
    case.complete("archive", {"archived_on": "2026-10-16", "archive_ref": "联席〔2026〕7号",
                              "transferred_on": "2026-10-16"})
    case.complete("open_case", {"case_filed_on": "2026-10-19", "case_no": "金监立〔2026〕6号", "form_group": False})
    case.complete("investigate_bureau", investigation())
    (blame,) = case.show().decisions("jinzhai_blame")
    assert {r["role"]: r["grade"] for r in blame["outputs"]}["implementing_body"] == "liable"   # 第六条第一款
    assert case.lane("opinion") == SUPERVISION


def test_art4_the_office_may_decide_not_to_refer_and_the_case_ends(procedure: Procedure) -> None:
    """第四条「可以」：联席会议办公室决定不参照本办法问责的，写明理由，本案终结，没有期限、没有登记的过错。行政机关也可以
    启动第四条案件，登记仍由联席会议办公室办理；成员单位不能启动。"""
    with pytest.raises(Forbidden):
        procedure.start(ARTICLE_4, lane=MEMBERS)
    case = procedure.start(ARTICLE_4)                                # as the 相关行政机关
    assert case.ready() == [("register_referral", JOINT_OFFICE)]
    case.complete("register_referral", referral("art4_6"))
    with pytest.raises(InvalidData) as refused:                      # the decision is written down
        case.complete("decide_referral", {"refer": False, "referral_decided_on": "2026-09-30"})
    assert [e["path"] for e in refused.value.details["errors"]] == ["referral_manner"]
    done = case.complete("decide_referral", referral_decision(refer=False))
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended() == ["end_not_referred"]
    assert shown["timers"] == [] and shown["faults"] == [] and shown["overdue"] is False


def test_art3_the_joint_office_may_open_a_case_the_agency_still_registers_and_files(procedure: Procedure) -> None:
    """第十八条：第三条案件无论由行政机关还是联席会议办公室启动，都由行政机关登记收到的法律文书并在 10 日内备案。"""
    case = procedure.start(ARTICLE_3, lane=JOINT_OFFICE)
    assert case.ready() == [("register", AGENCY)]
    case.complete("register", register("2026-09-22"))
    assert case.lane("file") == AGENCY and case.timer("timer_filing")["last_day"] == "2026-10-08"


# ------------------------------------------------------------------------------------------------ 第十条 联席会议

@pytest.mark.parametrize("meeting_on, due_on", [("2026-10-15", "2026-10-12"), ("2026-10-08", "2026-09-30"),
                                                ("2026-10-12", "2026-10-09")])
def test_art10_materials_due_three_days_before_the_meeting_moved_back_to_a_working_day(
        procedure: Procedure, meeting_on: str, due_on: str) -> None:
    """第十条「会议召开前3天，将会议资料送达成员单位」：最迟送达日 = 会议日前 3 日；该日为休息日的提前到此前最后
    一个工作日（10-08 开会：10-05 是国庆假日 → 09-30）。"""
    case = filed_case(procedure)
    case.complete("schedule_meeting", schedule(meeting_on))
    shown = case.show()
    assert shown["data"]["materials_due_on"] == due_on
    deadline = shown.timer("timer_materials")
    assert (deadline["kind"], deadline["start"], deadline["period"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", due_on, 0, due_on, None)
    assert case.lane("send_materials") == JOINT_OFFICE


def test_art10_materials_late_office_explains_legal_office_supervises(procedure: Procedure) -> None:
    """第十条：会议资料未在会前 3 天送达的，案件标记逾期，联席会议办公室说明原因、县政府法制办督办。"""
    case = filed_case(procedure)
    case.complete("schedule_meeting", schedule("2026-10-15"))
    procedure.after_last_day("2026-10-12")
    shown = case.show()
    assert shown["overdue"] is True
    assert case.lane("urge_materials") == JOINT_OFFICE
    assert case.lane("supervise_materials") == LEGAL_OFFICE
    case.complete("urge_materials", {"materials_overdue_reason": "材料未齐。",
                                     "materials_remedy": "会议推迟至 10 月 20 日。"})
    case.complete("send_materials", sent("2026-10-13"))
    assert case.lane("screen") == JOINT_MEETING


def test_art10_a_member_unit_does_not_cosign_the_meeting_rediscusses_and_decides_not_to_pursue(
        procedure: Procedure) -> None:
    """第十条：书面意见须经成员单位会签同意（每个成员单位一个会签任务）；未获一致的（制度未规定，SILENT）重新提请联席会议
    研究；联席会议未确定问责的，归档后本案终结（第三条「可以进行问责」）。"""
    case = screened_case(procedure)
    cosign_all(case, agreed=False)
    assert case.lane("screen") == JOINT_MEETING
    shown = case.show()
    assert shown["data"]["previous_cosign_results"][0]["agreed"] is False
    case.complete("screen", screened(pursue=False))
    cosign_all(case)
    done = case.complete("archive", {"archived_on": "2026-10-20", "archive_ref": "联席〔2026〕8号"})
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended() == ["end_not_pursued"]
    assert len(shown["data"]["cosign_results"]) == len(UNITS) and shown["data"]["all_agreed"] is True


# ------------------------------------------------------------------------------------------------ 第十一条至第十七条

def test_art11_investigation_group_blame_and_circumstance_tables_then_proposals(procedure: Procedure) -> None:
    """第十一条：县监察局可以根据需要抽调人员组成调查组；第六条、第十四条：决策表给出问责对象（实施主体问责，承办人、
    批准人的责任由人综合认定）；第十五条至第十七条：逐人给出情节建议；县监察局提出问责意见，法制办可以提出问责建议。"""
    case = investigated_case(procedure, subject("周某", "officer", aggravate_obstruction=True),
                             subject("吴某", "approver", mitigate_self_corrected=True), group=True)
    shown = case.show()
    (blame,) = shown.decisions("jinzhai_blame")
    grades = {r["role"]: r["grade"] for r in blame["outputs"]}
    assert grades["implementing_body"] == "liable"
    assert grades["officer"] == grades["approver"] == "undetermined"       # 第十四条: factors only, a person decides
    proposals = {p["person"]: [e["effect"] for e in p["effects"]] for p in shown["data"]["circumstance_proposals"]}
    assert proposals == {"周某": ["aggravate"], "吴某": ["mitigate"]}   # 第十七条(二), 第十六条(二)
    assert [p["prior_same_faults"] for p in shown["data"]["circumstance_proposals"]] == [0, 0]   # empty registry
    assert len(shown.decisions("jinzhai_circumstances")) == 2
    assert case.lane("opinion") == SUPERVISION
    case.complete("opinion", OPINION)
    assert case.lane("legal_proposal") == LEGAL_OFFICE
    with pytest.raises(InvalidData):                                        # a proposal needs its text
        case.complete("legal_proposal", {"legal_proposal_made": True, "legal_proposal_on": "2026-11-14"})
    case.complete("legal_proposal", {"legal_proposal_made": True, "legal_proposal_on": "2026-11-14",
                                     "legal_proposal_text": "建议对周某诫勉。"})
    assert case.lane("determine") == JOINT_MEETING


def test_art15_everyone_exempt_ends_the_case(procedure: Procedure) -> None:
    """第十五条(六)：非因故意或者重大过失导致败诉的，免予问责；行政机关亦不问责的，本案终结。"""
    case = investigated_case(procedure, subject("周某", "officer", exempt_no_intent_or_gross_negligence=True))
    shown = case.show()
    assert [e["effect"] for e in shown["data"]["circumstance_proposals"][0]["effects"]] == ["exempt"]
    case.complete("opinion", OPINION | {"person_opinions": [], "agency_opinions": []})
    case.complete("legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    done = case.complete("determine", findings(("周某", True, "exempt"), agency_liable=False))
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended() == ["end_exempt"]
    assert shown["faults"] == []                                            # 免予问责: nothing to count later


# ------------------------------------------------------------------------------------------------ 第十三条、第二十条、第二十一条

def test_art13_agencies_only_take_measures_1_to_3(procedure: Procedure) -> None:
    """第十三条：第一项至第三项规定的问责方式适用于行政机关——对行政机关诫勉被拒绝；决策表记录两类对象可用的方式。"""
    case = investigated_case(procedure)
    case.complete("opinion", OPINION)
    case.complete("legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    case.complete("determine", findings(("周某", True, "none")))
    assert case.lane("decide") == ACCOUNTABILITY
    shown = case.show()
    persons = [m["measure"] for m in shown["data"]["measures_allowed_for_persons"]]
    agencies = [m["measure"] for m in shown["data"]["measures_allowed_for_agencies"]]
    assert agencies == ["written_self_criticism", "circulated_criticism", "public_apology"]
    assert persons == agencies + ["admonition", "transfer", "suspension", "resignation_or_removal", "dismissal",
                                  "other_lawful", "discipline_or_legal"]
    bad = decision() | {"agency_measures": [{"agency": "县自然资源局", "measures": ["admonition"]}]}
    with pytest.raises(InvalidData) as refused:
        case.complete("decide", bad)
    assert refused.value.details["errors"][0]["path"].startswith("agency_measures/0/measures")


def test_art20_art21_execution_recovery_and_review_run_together_nobody_appeals(procedure: Procedure) -> None:
    """第二十条：已实施国家赔偿的，责令责任人员承担部分或全部赔偿费用；第二十一条：责任人员可参照《公务员法》申请复核、
    申诉（2026-11-27 收到 → 复核、直接申诉期 2026-12-27 周日 → 顺延 2026-12-28），期间问责决定不停止执行；通报后办结。"""
    case = decided_case(procedure, compensation=True)
    assert case.lane("execute") == ACCOUNTABILITY
    # 二十一 参照《公务员法》第九十五条 (jinzhai.json's binding): the 原处理机关 reviews, the 公务员主管部门 or the body
    # above takes the 申诉; the generic accounts of the shared call activity have no 金寨 task
    assert case.lane("register_review_in_window") == ACCOUNTABILITY
    assert case.lane("register_appeal_in_window") == APPEAL_BODY
    assert [t["element"] for t in procedure.tasks(user="fuhe")] == []
    assert [t["element"] for t in procedure.tasks(user="shensu")] == []
    shown = case.show()
    assert shown["data"]["review_parties"] == [
        {"name": "周某", "kind": "person", "decision_received_on": "2026-11-27"}]
    assert shown["faults"] == []                     # not final while 复核/申诉 may still change it (第二十一条)
    windows = {t["element"]: t for t in shown["timers"]}
    assert (windows["timer_review_window"]["last_day"], windows["timer_review_window"]["rolled_from"]) == (
        "2026-12-28", "2026-12-27")
    assert windows["timer_appeal_window"]["last_day"] == "2026-12-28"

    case.complete("execute", {"executed_on": "2026-11-30", "execution_note": "已诫勉谈话、通报。"})
    assert case.lane("recover") == AGENCY
    case.complete("recover", {"compensation_amount": 20000, "recovery_ordered_on": "2026-12-01",
                              "recovery_items": [{"person": "周某", "share": "partial", "amount": 5000}]})
    assert "circulate" not in case.elements()            # waits for 复核/申诉 windows
    procedure.after_last_day("2026-12-28")
    assert "circulate" not in case.elements()            # the bodies record that nothing was filed in time
    case.complete("register_review_in_window", {"review_applied": False})
    case.complete("register_appeal_in_window", {"appeal_applied": False})
    assert case.lane("circulate") == JOINT_MEETING
    done = case.complete("circulate", {"circulated_on": "2027-01-05", "circulation_summary": "通报全县。",
                                       "exchanged_with_court_procuratorate": True})
    assert done["status"] == "completed"
    shown = case.show()
    (result,) = shown["data"]["review_appeal_results"]
    assert (result["applicant"], result["review_applied"], result["appeal_applied"], result["execution_suspended"]) == (
        "周某", False, False, False)
    assert shown["data"]["decision_changed"] is False
    # 第十七条(一): the final decision recorded 周某's fault, dated by the 联席会议 认定 (第九条(三)); 吴某 was not liable
    assert shown.faults() == [("周某", "jinzhai", "art5_1", "2026-11-20", "officer", None)]
    assert shown["data"]["registered_faults"] == ["周某"]


def test_art21_review_changes_the_decision_and_the_accountability_body_adjusts_it(procedure: Procedure) -> None:
    """第二十一条：周某三十日内申请复核，问责机关三十日内作出变更决定；对复核决定不服可在十五日内申诉（未申诉）；
    问责机关按复核结果调整；执行分支不等待复核（不停止执行）。"""
    case = decided_case(procedure)
    case.complete("register_review_in_window", {"review_applied": True, "review_filed_on": "2026-11-30",
                                                "review_applied_on": "2026-12-01",
                                                "review_grounds": "诫勉过重。"})
    case.complete("execute", {"executed_on": "2026-12-02", "execution_note": "已通报、已诫勉。"})
    shown = case.show()
    assert [t["last_day"] for t in shown.timers("timer_review_decision")] == ["2026-12-31"]
    case.complete("decide_review_in_period", {
        "review_outcome": "changed", "review_decision_summary": "撤销诫勉，保留责令书面检查。",
        "review_decided_on": "2026-12-20", "review_decision_received_on": "2026-12-21"})
    case.complete("register_post_review_appeal_in_window", {"post_review_appeal_applied": False})
    procedure.after_last_day("2026-12-28")             # the direct-appeal window closes: nobody appealed in it
    case.complete("register_appeal_in_window", {"appeal_applied": False})
    assert case.lane("adjust_decision") == ACCOUNTABILITY
    case.complete("adjust_decision", {"adjusted_on": "2026-12-29", "adjustment": "撤销诫勉。"})
    case.complete("circulate", {"circulated_on": "2027-01-05", "circulation_summary": "通报全县。",
                                "exchanged_with_court_procuratorate": False})
    shown = case.show()
    assert shown["status"] == "completed" and shown["data"]["decision_changed"] is True
    assert [f["person"] for f in shown["faults"]] == ["周某"]           # changed, not revoked: the fault stands


# ------------------------------------------------------------------------------------------------ 第十七条(一) registry

def accountable_case(procedure: Procedure, received_on: str, fault_type: str,
                     person: str = "周某") -> tuple[Case, dict[str, Any]]:
    """One 败诉 case run through the runner until its 问责决定 is final, every date following `received_on` (the clock
    stands on that day): investigated on day 40, 认定 by the 联席会议 on day 50 (第九条(三)), decided on day 55,
    neither 复核 nor 申诉 applied for (第二十一条). Returns the case and the circumstance proposal the table made for
    `person` before the 认定."""
    def day(n: int) -> str:
        return (dt.date.fromisoformat(received_on) + dt.timedelta(days=n)).isoformat()

    procedure.to(received_on, 9, fire=False)
    case = procedure.start(ARTICLE_3)
    case.complete("register", register(received_on))
    case.complete("file", filed(day(5)))
    case.complete("receive_filing", {"filing_received_on": day(5), "report_complete": True})
    case.complete("schedule_meeting", schedule(day(20)))
    case.complete("send_materials", sent(day(10)))
    case.complete("screen", screened() | {"meeting_held_on": day(20)})
    for unit, task in zip(UNITS, case.by_element()["cosign"]):
        case.complete_task(task, {"cosign_result": {"unit": unit, "agreed": True, "signed_on": day(21)}})
    case.complete("archive", {"archived_on": day(22), "archive_ref": "联席〔2026〕9号",
                              "transferred_on": day(22)})
    case.complete("open_case", {"case_filed_on": day(23), "case_no": "金监立〔2026〕9号",
                                "form_group": False})
    case.complete("investigate_bureau",
                  investigation(subject(person, "officer", fault_type=fault_type)) | {"investigated_on": day(40)})
    (proposal,) = case.show()["data"]["circumstance_proposals"]
    case.complete("opinion", OPINION | {"opinion_on": day(41), "feedback_on": day(42)})
    case.complete("legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": day(43)})
    effect = "aggravate" if "aggravate" in [e["effect"] for e in proposal["effects"]] else "none"
    case.complete("determine", findings((person, True, effect)) | {"determined_on": day(50)})
    case.complete("decide", decision(received_on=day(57)) | {"decided_on": day(55)})
    case.complete("register_review_in_window", {"review_applied": False})
    case.complete("register_appeal_in_window", {"appeal_applied": False})
    return case, proposal


def test_art17_1_earlier_faults_of_the_same_kind_within_one_year_come_from_the_fault_registry(
        procedure: Procedure) -> None:
    """第十七条(一)「同一责任人员一年内出现两次（含）以上同类过错行为的」应当从重：每案问责决定确定（复核、申诉办结）后
    把被问责的责任人员登记入过错登记簿（类型为第五条情形，日期为联席会议认定之日），后案的情节表从登记簿取本人此前同类过错数（基准日为
    调查完成之日），不由人填写。默认口径：「一年内」为基准日及以前十二个月，「同类」为同一第五条情形，本案不计入。
    不同情形的过错、一年以前的过错不计；此前一次的，本案是否计入（SILENT）交联席会议认定；此前两次的，建议从重。"""
    history = [("2025-04-22", "art5_1", 0),      # 认定 2025-06-11
               ("2026-01-06", "art5_1", 1),      # investigated 2026-02-15: 2025-06-11 lies within the year
               ("2026-04-11", "art5_3", 0),      # another 第五条 item: not 同类
               ("2026-06-10", "art5_1", 1)]      # investigated 2026-07-20: 2025-06-11 is more than a year back
    for received_on, fault_type, prior in history:
        case, proposal = accountable_case(procedure, received_on, fault_type)
        assert proposal["prior_same_faults"] == prior, received_on
        effects = [e["effect"] for e in proposal["effects"]]
        assert "aggravate" not in effects
        assert ("undetermined" in effects) == (prior == 1)            # jz_circ_JA1_current: whether this case counts
        determined_on = (dt.date.fromisoformat(received_on) + dt.timedelta(days=50)).isoformat()
        assert case.show()["faults"] == [
            {"person": "周某", "regulation": "jinzhai", "fault_type": fault_type, "confirmed_on": determined_on,
             "role": "officer", "grade": None}]

    # investigated 2026-11-01: the 同类 faults 认定 2026-02-25 and 2026-07-30 count; 2025-06-11 and art5_3 do not
    case, proposal = accountable_case(procedure, "2026-09-22", "art5_1")
    assert proposal["prior_same_faults"] == 2
    assert [e["effect"] for e in proposal["effects"]] == ["aggravate"]
    assert proposal["effects"][0]["basis"].startswith("金寨 第十七条(一)")
    shown = case.show()
    (table,) = shown.decisions("jinzhai_circumstances")
    assert [value for label, value in table["inputs"].items() if label.startswith("第十七条(一)")] == [2]
    assert [e["person"] for e in shown.events("fault_recorded")] == ["周某"]

    _, other = accountable_case(procedure, "2026-09-23", "art5_1", person="吴某")    # per person
    assert other["prior_same_faults"] == 0


def test_art11_only_the_county_supervision_bureau_group_works_the_group_investigation(procedure: Procedure) -> None:
    """第十一条：调查组由县监察局抽调人员组成——泳道（角色）是「县监察局调查组」，文水的「调查组」成员不能办理。"""
    case = screened_case(procedure)
    cosign_all(case)
    case.complete("archive", {"archived_on": "2026-10-16", "archive_ref": "联席〔2026〕7号",
                              "transferred_on": "2026-10-16"})
    case.complete("open_case", {"case_filed_on": "2026-10-19", "case_no": "金监立〔2026〕5号",
                                "form_group": True})
    case.complete("form_group", {"group_formed_on": "2026-10-20",
                                 "group_members": [{"name": "郑某", "unit": "县监察局"}]})
    task = case.task("investigate_group")
    assert task["lane"] == "县监察局调查组"
    assert procedure.tasks(user="diaocha") == []             # 文水 调查组
    with pytest.raises(Forbidden):
        case.complete_task(task, investigation(), user="diaocha")
    assert [t["element"] for t in procedure.tasks(user="jcdiaocha")] == ["investigate_group"]
    case.complete_task(task, investigation(), user="jcdiaocha")
    assert case.lane("opinion") == SUPERVISION


def test_art21_a_person_whose_decision_is_revoked_on_review_is_not_recorded(procedure: Procedure) -> None:
    """第二十一条：复核撤销问责决定的，该责任人员的过错不成立，不登记入过错登记簿（第十七条(一)不计）。"""
    case = decided_case(procedure)
    case.complete("register_review_in_window", {"review_applied": True, "review_filed_on": "2026-11-30",
                                                "review_applied_on": "2026-12-01",
                                                "review_grounds": "不应问责。"})
    case.complete("register_appeal_in_window", {"appeal_applied": False})
    case.complete("decide_review_in_period", {
        "review_outcome": "revoked", "review_decision_summary": "撤销问责决定。",
        "review_decided_on": "2026-12-20", "review_decision_received_on": "2026-12-21"})
    case.complete("register_post_review_appeal_in_window", {"post_review_appeal_applied": False})
    shown = case.show()
    assert shown["faults"] == [] and shown["data"]["registered_faults"] == []
    assert case.lane("adjust_decision") == ACCOUNTABILITY
