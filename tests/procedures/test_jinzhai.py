"""金寨县行政败诉案件过错责任追究 (bpmn/jinzhai_lost_case_accountability.bpmn) walked path by path.

The real bpmn/ dmn/ forms/ are deployed (SQLite and PostgreSQL); the ManualClock stands at Tue 2026-09-29 09:00
Beijing time until a test moves it. Periods follow 民法典 第二百零一条至第二百零三条 by analogy (domain.md §X.7).
The items of the 办法 are cited as 第N条 (item N), as in domain.md. All tasks are worked by "admin" until the demo
users for these lanes exist. 第十七条(一)'s count of earlier 同类 faults comes from the fault registry the cases write
(record_fault once 复核/申诉 are over and the 问责决定 is final, prior_faults before the circumstance table), never
from a typed-in number.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from runner.core import cases, timers
from runner.core.errors import InvalidData
from runner.store.db import Database
from tests.conftest import after, at, utc

PROCESS = "jinzhai_lost_case_accountability"
AGENCY, LEGAL_OFFICE, JOINT_OFFICE, MEMBERS, JOINT_MEETING, SUPERVISION, GROUP, ACCOUNTABILITY = (
    "相关行政机关", "县政府法制办", "联席会议办公室", "成员单位", "联席会议", "县监察局", "县监察局调查组", "问责机关")
USER = "admin"
UNITS = ["县监察局", "县政府法制办", "县人民法院", "县人民检察院"]


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


# ------------------------------------------------------------------------------------------------ helpers

def tasks_by_element(db: Database, case_id: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for t in cases.list_tasks(db):
        if t["case"] == case_id:
            found.setdefault(t["element"], []).append(t)
    return found


def lane(db: Database, case_id: int, element: str) -> str:
    (task,) = tasks_by_element(db, case_id)[element]
    return task["lane"]


def complete(db: Database, case_id: int, element: str, data: dict[str, Any]) -> dict[str, Any]:
    found = tasks_by_element(db, case_id).get(element, [])
    assert len(found) == 1, (element, sorted(tasks_by_element(db, case_id)))
    return cases.complete_task(db, found[0]["id"], data, USER)


def cosign_all(db: Database, case_id: int, agreed: bool = True) -> None:
    found = tasks_by_element(db, case_id)["cosign"]
    assert len(found) == len(UNITS) and {t["lane"] for t in found} == {MEMBERS}
    for number, task in enumerate(found):
        cases.complete_task(db, task["id"], {"cosign_result": {
            "unit": UNITS[number], "agreed": agreed or number > 0, "signed_on": "2026-10-16"}}, USER)


def timer(case: dict[str, Any], element: str) -> dict[str, Any]:
    found = [t for t in case["timers"] if t["element"] == element]
    assert len(found) == 1, (element, case["timers"])
    return found[0]


def filed_case(db: Database, received_on: str = "2026-09-22", filed_on: str = "2026-09-29") -> int:
    """登记 and 备案 done (第十八条); the 法制办 has the filing."""
    started = cases.start_case(db, PROCESS, {}, USER)
    assert [(t["element"], t["lane"]) for t in started["ready_tasks"]] == [("register", AGENCY)]
    case_id = started["case"]
    complete(db, case_id, "register", register(received_on))
    complete(db, case_id, "file", filed(filed_on))
    complete(db, case_id, "receive_filing", {"filing_received_on": filed_on, "report_complete": True})
    return case_id


def screened_case(db: Database, meeting_on: str = "2026-10-15") -> int:
    """Filed, meeting scheduled, materials sent in time, screened: the members co-sign (第十条)."""
    case_id = filed_case(db)
    complete(db, case_id, "schedule_meeting", schedule(meeting_on))
    complete(db, case_id, "send_materials", sent("2026-10-09"))
    complete(db, case_id, "screen", screened())
    return case_id


def investigated_case(db: Database, *subjects: dict[str, Any], group: bool = False) -> int:
    """Screened, co-signed, archived and transferred; 立案 and investigated (第十条、第十一条)."""
    case_id = screened_case(db)
    cosign_all(db, case_id)
    complete(db, case_id, "archive", {"archived_on": "2026-10-16", "archive_ref": "联席〔2026〕7号",
                                      "transferred_on": "2026-10-16"})
    assert lane(db, case_id, "open_case") == SUPERVISION
    complete(db, case_id, "open_case", {"case_filed_on": "2026-10-19", "case_no": "金监立〔2026〕5号",
                                        "form_group": group})
    if group:
        complete(db, case_id, "form_group", {"group_formed_on": "2026-10-20",
                                             "group_members": [{"name": "郑某", "unit": "县监察局"}]})
        assert lane(db, case_id, "investigate_group") == GROUP
        complete(db, case_id, "investigate_group", investigation(*subjects))
    else:
        assert lane(db, case_id, "investigate_bureau") == SUPERVISION
        complete(db, case_id, "investigate_bureau", investigation(*subjects))
    return case_id


def decided_case(db: Database, compensation: bool = False) -> int:
    case_id = investigated_case(db)
    complete(db, case_id, "opinion", OPINION)
    complete(db, case_id, "legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    complete(db, case_id, "determine", findings(("周某", True, "none"), ("吴某", False, "none")))
    complete(db, case_id, "decide", decision(compensation=compensation))
    return case_id


# ------------------------------------------------------------------------------------------------ 第十八条 备案

def test_art18_worked_example_10_day_filing_from_2026_09_22_ends_2026_10_08(deployed: Database, clock) -> None:
    """第十八条 + domain.md §X.7.7：2026-09-22 收到判决 → 10 日届满 2026-10-02（国庆）→ 顺延至 2026-10-08，24 时截止；
    届满前一个工作日（节前最后一个工作日 2026-09-30）提醒。"""
    started = cases.start_case(deployed, PROCESS, {}, USER)
    case_id = started["case"]
    complete(deployed, case_id, "register", register("2026-09-22"))
    assert lane(deployed, case_id, "file") == AGENCY
    case = cases.show_case(deployed, case_id)
    deadline = timer(case, "timer_filing")
    assert (deadline["kind"], deadline["start"], deadline["period"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", "2026-09-22", 10, "2026-10-08", "2026-10-02")
    assert deadline["due_at"] == utc(at("2026-10-09"))
    assert timer(case, "timer_filing_reminder")["due_at"] == utc(at("2026-09-30"))
    clock.set(at("2026-09-30", 9))
    timers.fire_due(deployed)
    assert lane(deployed, case_id, "remind_filing") == AGENCY
    complete(deployed, case_id, "file", filed("2026-10-08"))                      # on the last day: in time
    complete(deployed, case_id, "receive_filing", {"filing_received_on": "2026-10-08", "report_complete": True})
    case = cases.show_case(deployed, case_id)
    assert case["data"]["filed_in_time"] is True and case["overdue"] is False
    assert timer(case, "timer_filing")["state"] == "cancelled"


def test_art18_filing_late_marks_the_case_overdue_agency_explains_legal_office_supervises(
        deployed: Database, clock) -> None:
    """第十八条：10 日届满仍未备案的，案件标记逾期，行政机关说明原因、县政府法制办督办（纳入依法行政考核）；备案仍须完成，
    记为逾期报备。"""
    case_id = cases.start_case(deployed, PROCESS, {}, USER)["case"]
    complete(deployed, case_id, "register", register("2026-09-22"))
    clock.set(after("2026-10-08"))
    timers.fire_due(deployed)
    case = cases.show_case(deployed, case_id)
    assert case["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in case["events"] if e["kind"] == "deadline_passed"] == [
        ("timer_filing", "2026-10-08")]
    assert lane(deployed, case_id, "urge_filing") == AGENCY
    assert lane(deployed, case_id, "supervise_filing") == LEGAL_OFFICE
    complete(deployed, case_id, "supervise_filing", {"filing_supervised_on": "2026-10-09",
                                                     "filing_supervision_measures": "限当日报备。",
                                                     "filing_appraisal_note": "逾期报备，考核扣分。"})
    complete(deployed, case_id, "file", filed("2026-10-09"))
    complete(deployed, case_id, "receive_filing", {"filing_received_on": "2026-10-09", "report_complete": True})
    assert cases.show_case(deployed, case_id)["data"]["filed_in_time"] is False
    assert lane(deployed, case_id, "schedule_meeting") == JOINT_OFFICE


def test_art18_the_analysis_report_needs_its_four_sections(deployed: Database) -> None:
    """第十八条：分析报告应包括案件基本情况、败诉原因分析、存在问题及工作建议。"""
    case_id = cases.start_case(deployed, PROCESS, {}, USER)["case"]
    complete(deployed, case_id, "register", register("2026-09-22"))
    with pytest.raises(InvalidData) as bad:
        complete(deployed, case_id, "file", {"filed_on": "2026-09-29", "report_basic_facts": "……"})
    assert {e["path"] for e in bad.value.details["errors"]} == {
        "report_loss_causes", "report_problems", "report_suggestions"}


# ------------------------------------------------------------------------------------------------ 第十条 联席会议

@pytest.mark.parametrize("meeting_on, due_on", [("2026-10-15", "2026-10-12"), ("2026-10-08", "2026-09-30"),
                                                ("2026-10-12", "2026-10-09")])
def test_art10_materials_due_three_days_before_the_meeting_moved_back_to_a_working_day(
        deployed: Database, meeting_on: str, due_on: str) -> None:
    """第十条「会议召开前3天，将会议资料送达成员单位」：最迟送达日 = 会议日前 3 日；该日为休息日的提前到此前最后
    一个工作日（10-08 开会：10-05 是国庆假日 → 09-30）。"""
    case_id = filed_case(deployed)
    complete(deployed, case_id, "schedule_meeting", schedule(meeting_on))
    case = cases.show_case(deployed, case_id)
    assert case["data"]["materials_due_on"] == due_on
    deadline = timer(case, "timer_materials")
    assert (deadline["kind"], deadline["start"], deadline["period"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", due_on, 0, due_on, None)
    assert lane(deployed, case_id, "send_materials") == JOINT_OFFICE


def test_art10_materials_late_office_explains_legal_office_supervises(deployed: Database, clock) -> None:
    """第十条：会议资料未在会前 3 天送达的，案件标记逾期，联席会议办公室说明原因、县政府法制办督办。"""
    case_id = filed_case(deployed)
    complete(deployed, case_id, "schedule_meeting", schedule("2026-10-15"))
    clock.set(after("2026-10-12"))
    timers.fire_due(deployed)
    case = cases.show_case(deployed, case_id)
    assert case["overdue"] is True
    assert lane(deployed, case_id, "urge_materials") == JOINT_OFFICE
    assert lane(deployed, case_id, "supervise_materials") == LEGAL_OFFICE
    complete(deployed, case_id, "urge_materials", {"materials_overdue_reason": "材料未齐。",
                                                   "materials_remedy": "会议推迟至 10 月 20 日。"})
    complete(deployed, case_id, "send_materials", sent("2026-10-13"))
    assert lane(deployed, case_id, "screen") == JOINT_MEETING


def test_art10_a_member_unit_does_not_cosign_the_meeting_rediscusses_and_decides_not_to_pursue(
        deployed: Database) -> None:
    """第十条：书面意见须经成员单位会签同意（每个成员单位一个会签任务）；未获一致的（制度未规定，SILENT）重新提请联席会议
    研究；联席会议未确定问责的，归档后本案终结（第三条「可以进行问责」）。"""
    case_id = screened_case(deployed)
    cosign_all(deployed, case_id, agreed=False)
    assert lane(deployed, case_id, "screen") == JOINT_MEETING
    case = cases.show_case(deployed, case_id)
    assert case["data"]["previous_cosign_results"][0]["agreed"] is False
    complete(deployed, case_id, "screen", screened(pursue=False))
    cosign_all(deployed, case_id)
    done = complete(deployed, case_id, "archive", {"archived_on": "2026-10-20", "archive_ref": "联席〔2026〕8号"})
    assert done["status"] == "completed"
    case = cases.show_case(deployed, case_id)
    assert [e["element"] for e in case["events"] if e["kind"] == "end_event"] == ["end_not_pursued"]
    assert len(case["data"]["cosign_results"]) == len(UNITS) and case["data"]["all_agreed"] is True


# ------------------------------------------------------------------------------------------------ 第十一条至第十七条

def test_art11_investigation_group_blame_and_circumstance_tables_then_proposals(deployed: Database) -> None:
    """第十一条：县监察局可以根据需要抽调人员组成调查组；第六条、第十四条：决策表给出问责对象（实施主体问责，承办人、
    批准人的责任由人综合认定）；第十五条至第十七条：逐人给出情节建议；县监察局提出问责意见，法制办可以提出问责建议。"""
    case_id = investigated_case(deployed, subject("周某", "officer", aggravate_obstruction=True),
                                subject("吴某", "approver", mitigate_self_corrected=True), group=True)
    case = cases.show_case(deployed, case_id)
    (blame,) = [d for d in case["decisions"] if d["decision"] == "jinzhai_blame"]
    grades = {r["role"]: r["grade"] for r in blame["outputs"]}
    assert grades["implementing_body"] == "liable"
    assert grades["officer"] == grades["approver"] == "undetermined"       # 第十四条: factors only, a person decides
    proposals = {p["person"]: [e["effect"] for e in p["effects"]] for p in case["data"]["circumstance_proposals"]}
    assert proposals == {"周某": ["aggravate"], "吴某": ["mitigate"]}   # 第十七条(二), 第十六条(二)
    assert [p["prior_same_faults"] for p in case["data"]["circumstance_proposals"]] == [0, 0]   # empty registry
    assert len([d for d in case["decisions"] if d["decision"] == "jinzhai_circumstances"]) == 2
    assert lane(deployed, case_id, "opinion") == SUPERVISION
    complete(deployed, case_id, "opinion", OPINION)
    assert lane(deployed, case_id, "legal_proposal") == LEGAL_OFFICE
    with pytest.raises(InvalidData):                                        # a proposal needs its text
        complete(deployed, case_id, "legal_proposal", {"legal_proposal_made": True, "legal_proposal_on": "2026-11-14"})
    complete(deployed, case_id, "legal_proposal", {"legal_proposal_made": True, "legal_proposal_on": "2026-11-14",
                                                   "legal_proposal_text": "建议对周某诫勉。"})
    assert lane(deployed, case_id, "determine") == JOINT_MEETING


def test_art15_everyone_exempt_ends_the_case(deployed: Database) -> None:
    """第十五条(六)：非因故意或者重大过失导致败诉的，免予问责；行政机关亦不问责的，本案终结。"""
    case_id = investigated_case(deployed, subject("周某", "officer", exempt_no_intent_or_gross_negligence=True))
    case = cases.show_case(deployed, case_id)
    assert [e["effect"] for e in case["data"]["circumstance_proposals"][0]["effects"]] == ["exempt"]
    complete(deployed, case_id, "opinion", OPINION | {"person_opinions": [], "agency_opinions": []})
    complete(deployed, case_id, "legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    done = complete(deployed, case_id, "determine", findings(("周某", True, "exempt"), agency_liable=False))
    assert done["status"] == "completed"
    case = cases.show_case(deployed, case_id)
    assert [e["element"] for e in case["events"] if e["kind"] == "end_event"] == ["end_exempt"]
    assert case["faults"] == []                                            # 免予问责: nothing to count later


# ------------------------------------------------------------------------------------------------ 第十三条、第二十条、第二十一条

def test_art13_agencies_only_take_measures_1_to_3(deployed: Database) -> None:
    """第十三条：第一项至第三项规定的问责方式适用于行政机关——对行政机关诫勉被拒绝；决策表记录两类对象可用的方式。"""
    case_id = investigated_case(deployed)
    complete(deployed, case_id, "opinion", OPINION)
    complete(deployed, case_id, "legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": "2026-11-14"})
    complete(deployed, case_id, "determine", findings(("周某", True, "none")))
    assert lane(deployed, case_id, "decide") == ACCOUNTABILITY
    case = cases.show_case(deployed, case_id)
    persons = [m["measure"] for m in case["data"]["measures_allowed_for_persons"]]
    agencies = [m["measure"] for m in case["data"]["measures_allowed_for_agencies"]]
    assert agencies == ["written_self_criticism", "circulated_criticism", "public_apology"]
    assert {"admonition", "dismissal"} <= set(persons) and len(persons) > len(agencies)
    bad = decision() | {"agency_measures": [{"agency": "县自然资源局", "measures": ["admonition"]}]}
    with pytest.raises(InvalidData) as refused:
        complete(deployed, case_id, "decide", bad)
    assert refused.value.details["errors"][0]["path"].startswith("agency_measures/0/measures")


def test_art20_art21_execution_recovery_and_review_run_together_nobody_appeals(deployed: Database, clock) -> None:
    """第二十条：已实施国家赔偿的，责令责任人员承担部分或全部赔偿费用；第二十一条：责任人员可参照《公务员法》申请复核、
    申诉（2026-11-27 收到 → 复核、直接申诉期 2026-12-27 周日 → 顺延 2026-12-28），期间问责决定不停止执行；通报后办结。"""
    case_id = decided_case(deployed, compensation=True)
    tasks = tasks_by_element(deployed, case_id)
    assert tasks["execute"][0]["lane"] == ACCOUNTABILITY
    assert tasks["register_review_in_window"][0]["lane"] == "复核机关"
    assert tasks["register_appeal_in_window"][0]["lane"] == "申诉受理机关"
    case = cases.show_case(deployed, case_id)
    assert case["data"]["review_parties"] == [{"name": "周某", "kind": "person", "decision_received_on": "2026-11-27"}]
    assert case["faults"] == []                     # not final while 复核/申诉 may still change it (第二十一条)
    windows = {t["element"]: t for t in case["timers"]}
    assert (windows["timer_review_window"]["last_day"], windows["timer_review_window"]["rolled_from"]) == (
        "2026-12-28", "2026-12-27")
    assert windows["timer_appeal_window"]["last_day"] == "2026-12-28"

    complete(deployed, case_id, "execute", {"executed_on": "2026-11-30", "execution_note": "已诫勉谈话、通报。"})
    assert lane(deployed, case_id, "recover") == AGENCY
    complete(deployed, case_id, "recover", {"compensation_amount": 20000, "recovery_ordered_on": "2026-12-01",
                                            "recovery_items": [{"person": "周某", "share": "partial", "amount": 5000}]})
    assert "circulate" not in tasks_by_element(deployed, case_id)          # waits for 复核/申诉 windows
    clock.set(after("2026-12-28"))
    timers.fire_due(deployed)
    assert lane(deployed, case_id, "circulate") == JOINT_MEETING
    done = complete(deployed, case_id, "circulate", {"circulated_on": "2027-01-05", "circulation_summary": "通报全县。",
                                                     "exchanged_with_court_procuratorate": True})
    assert done["status"] == "completed"
    case = cases.show_case(deployed, case_id)
    (result,) = case["data"]["review_appeal_results"]
    assert (result["applicant"], result["review_applied"], result["appeal_applied"], result["execution_suspended"]) == (
        "周某", False, False, False)
    assert case["data"]["decision_changed"] is False
    # 第十七条(一): the final decision recorded 周某's fault, dated by the 联席会议 认定 (第九条(三)); 吴某 was not liable
    assert case["faults"] == [{"person": "周某", "regulation": "jinzhai", "fault_type": "art5_1",
                               "confirmed_on": "2026-11-20", "role": "officer", "grade": None}]
    assert case["data"]["registered_faults"] == ["周某"]


def test_art21_review_changes_the_decision_and_the_accountability_body_adjusts_it(deployed: Database, clock) -> None:
    """第二十一条：周某三十日内申请复核，问责机关三十日内作出变更决定；对复核决定不服可在十五日内申诉（未申诉）；
    问责机关按复核结果调整；执行分支不等待复核（不停止执行）。"""
    case_id = decided_case(deployed)
    complete(deployed, case_id, "register_review_in_window", {"review_applied": True, "review_applied_on": "2026-12-01",
                                                               "review_grounds": "诫勉过重。"})
    complete(deployed, case_id, "execute", {"executed_on": "2026-12-02", "execution_note": "已通报、已诫勉。"})
    case = cases.show_case(deployed, case_id)
    assert [t["last_day"] for t in case["timers"] if t["element"] == "timer_review_decision"] == ["2026-12-31"]
    complete(deployed, case_id, "decide_review_in_period", {
        "review_outcome": "changed", "review_decision_summary": "撤销诫勉，保留责令书面检查。",
        "review_decided_on": "2026-12-20", "review_decision_received_on": "2026-12-21"})
    complete(deployed, case_id, "register_post_review_appeal_in_window", {"post_review_appeal_applied": False})
    clock.set(after("2026-12-28"))                     # the direct-appeal window closes
    timers.fire_due(deployed)
    assert lane(deployed, case_id, "adjust_decision") == ACCOUNTABILITY
    complete(deployed, case_id, "adjust_decision", {"adjusted_on": "2026-12-29", "adjustment": "撤销诫勉。"})
    complete(deployed, case_id, "circulate", {"circulated_on": "2027-01-05", "circulation_summary": "通报全县。",
                                              "exchanged_with_court_procuratorate": False})
    case = cases.show_case(deployed, case_id)
    assert case["status"] == "completed" and case["data"]["decision_changed"] is True
    assert [f["person"] for f in case["faults"]] == ["周某"]           # changed, not revoked: the fault stands


# ------------------------------------------------------------------------------------------------ 第十七条(一) registry

def accountable_case(db: Database, clock, received_on: str, fault_type: str,
                     person: str = "周某") -> tuple[int, dict[str, Any]]:
    """One 败诉 case run through the runner until its 问责决定 is final, every date following `received_on` (the clock
    stands on that day): investigated on day 40, 认定 by the 联席会议 on day 50 (第九条(三)), decided on day 55,
    neither 复核 nor 申诉 applied for (第二十一条). Returns the case and the circumstance proposal the table made for
    `person` before the 认定."""
    def day(n: int) -> str:
        return (dt.date.fromisoformat(received_on) + dt.timedelta(days=n)).isoformat()

    clock.set(at(received_on, 9))
    case_id = cases.start_case(db, PROCESS, {}, USER)["case"]
    complete(db, case_id, "register", register(received_on))
    complete(db, case_id, "file", filed(day(5)))
    complete(db, case_id, "receive_filing", {"filing_received_on": day(5), "report_complete": True})
    complete(db, case_id, "schedule_meeting", schedule(day(20)))
    complete(db, case_id, "send_materials", sent(day(10)))
    complete(db, case_id, "screen", screened() | {"meeting_held_on": day(20)})
    for unit, task in zip(UNITS, tasks_by_element(db, case_id)["cosign"]):
        cases.complete_task(db, task["id"], {"cosign_result": {"unit": unit, "agreed": True, "signed_on": day(21)}},
                            USER)
    complete(db, case_id, "archive", {"archived_on": day(22), "archive_ref": "联席〔2026〕9号",
                                      "transferred_on": day(22)})
    complete(db, case_id, "open_case", {"case_filed_on": day(23), "case_no": "金监立〔2026〕9号",
                                        "form_group": False})
    complete(db, case_id, "investigate_bureau",
             investigation(subject(person, "officer", fault_type=fault_type)) | {"investigated_on": day(40)})
    (proposal,) = cases.show_case(db, case_id)["data"]["circumstance_proposals"]
    complete(db, case_id, "opinion", OPINION | {"opinion_on": day(41), "feedback_on": day(42)})
    complete(db, case_id, "legal_proposal", {"legal_proposal_made": False, "legal_proposal_on": day(43)})
    effect = "aggravate" if "aggravate" in [e["effect"] for e in proposal["effects"]] else "none"
    complete(db, case_id, "determine", findings((person, True, effect)) | {"determined_on": day(50)})
    complete(db, case_id, "decide", decision(received_on=day(57)) | {"decided_on": day(55)})
    complete(db, case_id, "register_review_in_window", {"review_applied": False})
    complete(db, case_id, "register_appeal_in_window", {"appeal_applied": False})
    return case_id, proposal


def test_art17_1_earlier_faults_of_the_same_kind_within_one_year_come_from_the_fault_registry(
        deployed: Database, clock) -> None:
    """第十七条(一)「同一责任人员一年内出现两次（含）以上同类过错行为的」应当从重：每案问责决定确定（复核、申诉办结）后
    把被问责的责任人员登记入过错登记簿（类型为第五条情形，日期为联席会议认定之日），后案的情节表从登记簿取本人此前同类过错数（基准日为
    调查完成之日），不由人填写。默认口径：「一年内」为基准日及以前十二个月，「同类」为同一第五条情形，本案不计入。
    不同情形的过错、一年以前的过错不计；此前一次的，本案是否计入（SILENT）交联席会议认定；此前两次的，建议从重。"""
    history = [("2025-04-22", "art5_1", 0),      # 认定 2025-06-11
               ("2026-01-06", "art5_1", 1),      # investigated 2026-02-15: 2025-06-11 lies within the year
               ("2026-04-11", "art5_3", 0),      # another 第五条 item: not 同类
               ("2026-06-10", "art5_1", 1)]      # investigated 2026-07-20: 2025-06-11 is more than a year back
    for received_on, fault_type, prior in history:
        case_id, proposal = accountable_case(deployed, clock, received_on, fault_type)
        assert proposal["prior_same_faults"] == prior, received_on
        effects = [e["effect"] for e in proposal["effects"]]
        assert "aggravate" not in effects
        assert ("undetermined" in effects) == (prior == 1)            # jz_circ_JA1_current: whether this case counts
        determined_on = (dt.date.fromisoformat(received_on) + dt.timedelta(days=50)).isoformat()
        assert cases.show_case(deployed, case_id)["faults"] == [
            {"person": "周某", "regulation": "jinzhai", "fault_type": fault_type, "confirmed_on": determined_on,
             "role": "officer", "grade": None}]

    # investigated 2026-11-01: the 同类 faults 认定 2026-02-25 and 2026-07-30 count; 2025-06-11 and art5_3 do not
    case_id, proposal = accountable_case(deployed, clock, "2026-09-22", "art5_1")
    assert proposal["prior_same_faults"] == 2
    assert [e["effect"] for e in proposal["effects"]] == ["aggravate"]
    assert proposal["effects"][0]["basis"].startswith("金寨 第十七条(一)")
    case = cases.show_case(deployed, case_id)
    (table,) = [d for d in case["decisions"] if d["decision"] == "jinzhai_circumstances"]
    assert [value for label, value in table["inputs"].items() if label.startswith("第十七条(一)")] == [2]
    assert [e["person"] for e in case["events"] if e["kind"] == "fault_recorded"] == ["周某"]

    _, other = accountable_case(deployed, clock, "2026-09-23", "art5_1", person="吴某")    # per person
    assert other["prior_same_faults"] == 0


def test_art11_only_the_county_supervision_bureau_group_works_the_group_investigation(deployed: Database) -> None:
    """第十一条：调查组由县监察局抽调人员组成——泳道（角色）是「县监察局调查组」，文水的「调查组」成员不能办理。"""
    from runner.core.errors import Forbidden
    case_id = screened_case(deployed)
    cosign_all(deployed, case_id)
    complete(deployed, case_id, "archive", {"archived_on": "2026-10-16", "archive_ref": "联席〔2026〕7号",
                                            "transferred_on": "2026-10-16"})
    complete(deployed, case_id, "open_case", {"case_filed_on": "2026-10-19", "case_no": "金监立〔2026〕5号",
                                              "form_group": True})
    complete(deployed, case_id, "form_group", {"group_formed_on": "2026-10-20",
                                               "group_members": [{"name": "郑某", "unit": "县监察局"}]})
    (task,) = tasks_by_element(deployed, case_id)["investigate_group"]
    assert task["lane"] == "县监察局调查组"
    assert cases.list_tasks(deployed, user_name="diaocha") == []             # 文水 调查组
    with pytest.raises(Forbidden):
        cases.complete_task(deployed, task["id"], investigation(), "diaocha")
    assert [t["element"] for t in cases.list_tasks(deployed, user_name="jcdiaocha")] == ["investigate_group"]
    cases.complete_task(deployed, task["id"], investigation(), "jcdiaocha")
    assert lane(deployed, case_id, "opinion") == SUPERVISION


def test_art21_a_person_whose_decision_is_revoked_on_review_is_not_recorded(deployed: Database) -> None:
    """第二十一条：复核撤销问责决定的，该责任人员的过错不成立，不登记入过错登记簿（第十七条(一)不计）。"""
    case_id = decided_case(deployed)
    complete(deployed, case_id, "register_review_in_window", {"review_applied": True, "review_applied_on": "2026-12-01",
                                                               "review_grounds": "不应问责。"})
    complete(deployed, case_id, "register_appeal_in_window", {"appeal_applied": False})
    complete(deployed, case_id, "decide_review_in_period", {
        "review_outcome": "revoked", "review_decision_summary": "撤销问责决定。",
        "review_decided_on": "2026-12-20", "review_decision_received_on": "2026-12-21"})
    complete(deployed, case_id, "register_post_review_appeal_in_window", {"post_review_appeal_applied": False})
    case = cases.show_case(deployed, case_id)
    assert case["faults"] == [] and case["data"]["registered_faults"] == []
    assert lane(deployed, case_id, "adjust_decision") == ACCOUNTABILITY
