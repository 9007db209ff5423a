"""盐池县医疗保障局 行政执法过错责任追究 (bpmn/yanchi_fault_accountability.bpmn) walked path by path.

The real bpmn/ dmn/ forms/ are deployed (SQLite and PostgreSQL); the ManualClock stands at Tue 2026-09-29 09:00
Beijing time until a test moves it. Periods follow 民法典 第二百零一条至第二百零三条 by analogy (domain.md §X.7):
the start day is not counted, a last day that is a rest day rolls forward (an official 调休 working day does not),
the period ends at 24:00 Beijing time. Each task is worked by its lane's demo user.
第十条(四)'s count of earlier 错案 comes from the fault registry the cases write (record_fault once 复核/申诉 are over
and the decision is final, prior_faults before the circumstance table), never from a number typed into a form.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import at, utc
from tests.procedures.driver import Case, Conflict, Forbidden, InvalidData, Procedure, demo_user

PROCESS = "yanchi_fault_accountability"
OFFICE, LEGAL, PARTY_GROUP, UNIT, JUDICIAL, HR = (
    "局办公室", "局重大执法决定法制审核机构", "局党组会议", "被追究人员所在单位和科室", "市政府司法机构",
    "局机关党委、人事办公室")
APPEAL_BODY = "同级主管部门或上级业务主管部门"     # 第十三条's 申诉 body, bound to review_appeal's 申诉受理机关 lane


# ------------------------------------------------------------------------------------------------ form data

REGISTER = {"source_item": "art5_5", "source_document": "投诉材料（2026-09-20 收）",
            "source_received_on": "2026-09-20", "act_description": "盐医保罚〔2026〕3号行政处罚决定",
            "persons_concerned": [{"person": "马某", "unit": "稽核室"}, {"person": "杨某", "unit": "稽核室"}],
            "case_summary": "投诉处罚决定认定事实不清。"}


def subject(person: str, **facts: Any) -> dict[str, Any]:
    return {"person": person, "fault_type": "art5_5"} | facts


def investigation(act_mode: str = "reviewed_approved", subjects: list[dict[str, Any]] | None = None,
                  **facts: Any) -> dict[str, Any]:
    return {"facts_found": "主要证据失实。", "evidence_list": ["处罚案卷", "询问笔录"], "fault_conduct": ["art6_1"],
            "act_mode": act_mode, "officer_concealed": False, "reviewer_changed_correct": False,
            "approver_changed_correct": False, "entrusted": False, "party_caused": False, "force_majeure": False,
            "persons": {"officer": "马某", "reviewer_approver": "杨某"}, "participants": [],
            "circumstance_subjects": subjects or [subject("马某"), subject("杨某")],
            "investigated_on": "2026-09-28"} | facts


def confirmation(confirmed_on: str | None) -> dict[str, Any]:
    if confirmed_on is None:
        return {"case_confirmed": False, "reviewed_on": "2026-09-30", "confirmation_reasons": "处罚决定并无错误。"}
    return {"case_confirmed": True, "reviewed_on": confirmed_on, "confirmed_on": confirmed_on,
            "confirmation_reasons": "认定事实的主要证据失实，确认为错案。"}


def shares(*rows: tuple[str, str, str]) -> dict[str, Any]:
    return {"confirmed_shares": [{"person": p, "role": r, "grade": g, "basis": "盐池 第七条(二)"} for p, r, g in rows],
            "blame_confirmed_on": "2026-10-09"}


def circumstances(*rows: tuple[str, str]) -> dict[str, Any]:
    return {"person_circumstances": [{"person": p, "effect": e, "basis": "盐池 第十一条、第十二条"} for p, e in rows],
            "circumstances_confirmed_on": "2026-10-10"}


def decision(*rows: tuple[str, list[str]], on: str = "2026-10-12") -> dict[str, Any]:
    return {"decision_document_no": "盐医保追〔2026〕1号",
            "person_decisions": [{"person": p, "measures": m} for p, m in rows], "decided_on": on}


def deliveries(*rows: tuple[str, str]) -> dict[str, Any]:
    return {"deliveries": [{"person": p, "received_on": d} for p, d in rows]}


# ------------------------------------------------------------------------------------------------ steps

def confirmed_case(procedure: Procedure, confirmed_on: str = "2026-09-30", **investigated: Any) -> Case:
    """Registered, investigated and confirmed as a 错案 on `confirmed_on` (第三条、第五条、第七条)."""
    case = procedure.start()
    assert [(t["element"], t["lane"]) for t in case.started["ready_tasks"]] == [("register", OFFICE)]
    case.complete("register", REGISTER)
    case.complete("investigate", investigation(**investigated))
    assert case.lane("confirm_case") == LEGAL
    case.complete("confirm_case", confirmation(confirmed_on))
    return case


def decided_case(procedure: Procedure, *rows: tuple[str, list[str]], confirmed_on: str = "2026-09-30") -> Case:
    """Confirmed; blame confirmed per 第七条(二); no circumstances; decided with `rows`."""
    case = confirmed_case(procedure, confirmed_on)
    case.complete("confirm_blame", shares(("杨某", "reviewer_approver", "primary"),
                                          ("马某", "officer", "secondary")))
    case.complete("confirm_circumstances", circumstances(("杨某", "none"), ("马某", "mitigate_lighter")))
    case.complete("decide", decision(*rows))
    return case


# ------------------------------------------------------------------------------------------------ paths

def test_art7_legal_review_body_does_not_confirm_the_case_and_the_office_closes_it(procedure: Procedure) -> None:
    """第七条：只有经局重大执法决定法制审核机构审核确认为错案的才划分责任；未确认的（后果 SILENT）由局办公室登记结案。"""
    case = procedure.start()
    case.complete("register", REGISTER)
    case.complete("investigate", investigation())
    case.complete("confirm_case", confirmation(None))
    assert case.lane("close_not_confirmed") == OFFICE
    done = case.complete("close_not_confirmed", {"not_confirmed_closed_on": "2026-09-30",
                                                 "not_confirmed_note": "不属于错案。"})
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended() == ["end_not_confirmed"]
    assert shown["timers"] == [] and shown["decisions"] == [] and shown["faults"] == []


def test_art7_art8_blame_proposal_per_7_2_then_30_day_clock_from_confirmation(procedure: Procedure) -> None:
    """第七条(二)：经审核、批准做出的，审核、批准人承担主要责任，执法人员承担次要责任——决策表建议，法制审核机构
    确认；第八条：自错案被确认之日起 30 日内作出处理（2026-09-30 确认 → 最后一日 2026-10-30），届满前一个工作日提醒。"""
    case = confirmed_case(procedure, "2026-09-30")
    shown = case.show()
    blame = shown.decisions("yanchi_blame")
    assert len(blame) == 1
    assert {(r["role"], r["grade"]) for r in blame[0]["outputs"]} == {("reviewer_approver", "primary"),
                                                                      ("officer", "secondary")}
    assert case.lane("confirm_blame") == LEGAL
    deadline = shown.timer("timer_decision")
    assert (deadline["kind"], deadline["start"], deadline["period"], deadline["unit"], deadline["last_day"]) == (
        "deadline", "2026-09-30", 30, "calendar_days", "2026-10-30")
    assert deadline["due_at"] == utc(at("2026-10-31"))
    assert shown.timer("timer_decision_reminder")["due_at"] == utc(at("2026-10-29"))

    # 第十一条(三): the 次要 share drives the mitigation proposal, person by person
    case.complete("confirm_blame", shares(("杨某", "reviewer_approver", "primary"),
                                          ("马某", "officer", "secondary")))
    shown = case.show()
    proposals = {p["person"]: p for p in shown["data"]["circumstance_proposals"]}
    assert proposals["马某"]["grade"] == "secondary"
    assert proposals["马某"]["prior_same_faults"] == proposals["杨某"]["prior_same_faults"] == 0   # empty registry
    [mitigation] = proposals["马某"]["effects"]
    assert mitigation["effect"] == "mitigate" and mitigation["basis"].startswith("盐池 第十一条(三)：")
    assert proposals["杨某"]["effects"] == []
    assert len(shown.decisions("yanchi_circumstances")) == 2          # evaluated once per person
    assert "subject" not in shown["data"] and "circumstance_index" not in shown["data"]


def test_art8_worked_example_30_days_from_2026_01_15_end_on_a_make_up_working_saturday(procedure: Procedure) -> None:
    """第八条 + domain.md §X.7.7：2026-01-15 确认 → 30 日届满 2026-02-14（周六），该日是调休上班日，不顺延，24 时截止；
    期限早已届满，一进入处理即触发：局办公室说明原因、局党组会议督办，处理继续。"""
    case = confirmed_case(procedure, "2026-01-15")
    shown = case.show()
    fired = {e["element"]: e["due_at"] for e in shown.events("timer_fired")}
    assert fired == {"timer_decision": utc(at("2026-02-15")),                 # end of Sat 2026-02-14, no roll
                     "timer_decision_reminder": utc(at("2026-02-13"))}        # the working day before: Fri 02-13
    assert case.lane("urge_decision") == OFFICE
    assert case.lane("supervise_decision") == PARTY_GROUP
    assert case.lane("remind_decision") == OFFICE
    assert "confirm_blame" in case.elements()                         # non-interrupting


def test_art8_a_deadline_already_past_on_confirmation_marks_the_case_overdue(procedure: Procedure) -> None:
    """第八条：确认之日起 30 日早已届满的，案件应标记逾期并在时间线上记为「期限届满」。"""
    case = confirmed_case(procedure, "2026-01-15")
    shown = case.show()
    assert shown["overdue"] is True
    assert shown.timer("timer_decision")["last_day"] == "2026-02-14"


def test_art8_deadline_passes_while_deciding_reminder_then_overdue_supervision(procedure: Procedure) -> None:
    """第八条：届满前一个工作日（2026-10-29）提醒；2026-10-30 24 时届满未作出处理的，案件标记逾期、局办公室说明
    原因、局党组会议督办；之后作出的决定照常送达执行。"""
    case = confirmed_case(procedure, "2026-09-30")
    case.complete("confirm_blame", shares(("杨某", "reviewer_approver", "primary"),
                                          ("马某", "officer", "secondary")))
    procedure.to("2026-10-29", 0, 0, 1)
    case.complete("remind_decision", {"decision_due_noted_on": "2026-10-29",
                                      "decision_due_plan": "明日作出决定。"})
    assert case.show()["overdue"] is False
    procedure.after_last_day("2026-10-30")
    shown = case.show()
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in shown.events("deadline_passed")] == [
        ("timer_decision", "2026-10-30")]
    case.complete("supervise_decision", {"decision_supervised_on": "2026-11-02",
                                         "decision_supervision_measures": "限期三日内作出。"})
    case.complete("urge_decision", {"decision_overdue_reason": "情节认定分歧。",
                                    "decision_expected_on": "2026-11-04"})
    case.complete("confirm_circumstances", circumstances(("杨某", "none"), ("马某", "none")))
    case.complete("decide", decision(("杨某", ["written_self_criticism"]), on="2026-11-04"))
    assert "deliver" in case.elements()


def test_art8_decision_made_late_ends_the_reminder_explanation_and_supervision(procedure: Procedure) -> None:
    """第八条 + issue 12：30 日届满后，局办公室的逾期说明、局党组会议的督办和仍未处理的提醒都在各自的待办里；处理决定作出
    （30 日内作出处理的子流程办结）后三者随之撤销，离开待办，时间线记明「所催办的环节已办结」，再办理得 409。"""
    case = confirmed_case(procedure, "2026-09-30")
    case.complete("confirm_blame", shares(("杨某", "reviewer_approver", "primary"),
                                          ("马某", "officer", "secondary")))
    procedure.to("2026-10-29", 0, 0, 1)
    procedure.after_last_day("2026-10-30")
    urging = {"remind_decision": OFFICE, "urge_decision": OFFICE, "supervise_decision": PARTY_GROUP}
    opened = {element: case.task(element) for element in urging}
    for element, lane in urging.items():
        assert (case.id, element) in procedure.inbox(demo_user(lane))
    case.complete("confirm_circumstances", circumstances(("杨某", "none"), ("马某", "none")))
    assert set(urging) <= set(case.elements())                       # still deciding: still urged
    case.complete("decide", decision(("杨某", ["written_self_criticism"]), on="2026-11-04"))
    assert not set(urging) & set(case.elements())
    for lane in set(urging.values()):
        assert not {element for c, element in procedure.inbox(demo_user(lane)) if c == case.id} & set(urging)
    cancelled = case.show().events("task_cancelled")
    assert sorted(e["element"] for e in cancelled) == sorted(urging)
    assert {(e["reason"], e["urges"], e["urged_state"]) for e in cancelled} == {
        ("所催办的环节已办结", "handle_within_30_days", "completed")}
    with pytest.raises(Conflict) as refused:
        case.complete_task(opened["supervise_decision"], {"decision_supervised_on": "2026-11-05",
                                                          "decision_supervision_measures": "限期作出。"})
    assert refused.value.status == 409 and "已撤销" in refused.value.message
    assert "deliver" in case.elements()


@pytest.mark.parametrize("start_data", [{"config": {"decision_days": 60, "decision_unit": "working_days"}},
                                        {"decision_days": 10}])
def test_art8_no_start_data_can_shorten_or_lengthen_the_30_days(procedure: Procedure,
                                                                start_data: dict[str, Any]) -> None:
    """第八条「自错案被确认之日起30日内」是制度定的期限，写在流程版本里，不是案件数据：盐池的启动事件不带表单，带任何
    启动数据（包括想把 30 日改成 60 日或 10 个工作日的期限字段）启动都被拒绝（422，指明字段），不产生案件。"""
    with pytest.raises(InvalidData) as refused:
        procedure.start(start_data)
    assert refused.value.status == 422
    assert [e["path"] for e in refused.value.details["errors"]] == list(start_data)
    assert procedure.tasks() == []


def test_art8_art13_no_task_form_can_change_the_30_days_or_the_15_day_appeal_window(procedure: Procedure) -> None:
    """第八条 30 日、第十三条「在接到决定书之日起15日内」申诉：登记、确认错案和送达决定书的表单都不接受期限字段（422，
    指明字段，案件停在原处），局办公室看到的期限仍是制度的：2026-09-30 确认 → 2026-10-30；2026-10-13 收到决定书 →
    2026-10-28。"""
    case = procedure.start()
    with pytest.raises(InvalidData) as refused:
        case.complete("register", REGISTER | {"config": {"decision_days": 60}})
    assert refused.value.status == 422 and [e["path"] for e in refused.value.details["errors"]] == ["config"]
    case.complete("register", REGISTER)
    case.complete("investigate", investigation())
    with pytest.raises(InvalidData) as refused:
        case.complete("confirm_case", confirmation("2026-09-30") | {"decision_days": 60,
                                                                    "decision_unit": "working_days"})
    assert refused.value.status == 422
    assert [e["path"] for e in refused.value.details["errors"]] == ["decision_days", "decision_unit"]
    assert case.lane("confirm_case") == LEGAL and case.show()["timers"] == []     # nothing changed
    case.complete("confirm_case", confirmation("2026-09-30"))
    deadline = case.timer("timer_decision")
    assert (deadline["start"], deadline["period"], deadline["unit"], deadline["soft"], deadline["last_day"]) == (
        "2026-09-30", 30, "calendar_days", False, "2026-10-30")

    case.complete("confirm_blame", shares(("杨某", "reviewer_approver", "primary"), ("马某", "officer", "secondary")))
    case.complete("confirm_circumstances", circumstances(("杨某", "none"), ("马某", "none")))
    case.complete("decide", decision(("杨某", ["written_self_criticism"])))
    with pytest.raises(InvalidData) as refused:
        case.complete("deliver", deliveries(("杨某", "2026-10-13")) | {"appeal_filing_days": 30})
    assert [e["path"] for e in refused.value.details["errors"]] == ["appeal_filing_days"]
    case.complete("deliver", deliveries(("杨某", "2026-10-13")))
    window = case.timer("timer_appeal_window")
    assert (window["start"], window["period"], window["unit"], window["last_day"]) == (
        "2026-10-13", 15, "calendar_days", "2026-10-28")


def test_art12_everyone_exempt_ends_the_case_without_a_decision(procedure: Procedure) -> None:
    """第十二条(一)：违法行为轻微并自行及时纠正且没有造成危害后果的，不予追究——决策表建议，局办公室认定；
    全部不予追究的，登记结案，30 日期限撤销。"""
    exempt = dict(exempt_minor=True, exempt_self_corrected=True, exempt_no_harm=True)
    case = confirmed_case(procedure, "2026-09-30", act_mode="direct",
                          subjects=[subject("马某", **exempt)], persons={"officer": "马某"})
    case.complete("confirm_blame", shares(("马某", "officer", "full")))
    shown = case.show()
    assert [e["effect"] for e in shown["data"]["circumstance_proposals"][0]["effects"]] == ["exempt"]
    case.complete("confirm_circumstances", circumstances(("马某", "exempt")))
    assert case.elements() == ["close_exempt"]
    done = case.complete("close_exempt", {"exempt_closed_on": "2026-10-10",
                                          "exempt_note": "符合第十二条(一)，不予追究。"})
    assert done["status"] == "completed" and done["overdue"] is False
    shown = case.show()
    assert shown.ended()[-1] == "end_exempt"
    assert shown.timer_states() == {"timer_decision": "cancelled",
                                    "timer_decision_reminder": "cancelled"}
    assert shown["faults"] == []                                       # 第十二条: not a 错案 of his to count


def test_art9_1_and_2_measures_go_to_the_unit_and_the_judicial_office_while_appeal_windows_run(
        procedure: Procedure) -> None:
    """第九条(一)：书面检查、追偿由所在单位和科室实施；(二)：通报批评由市政府司法机构实施；第十三条：同时开启复核、
    申诉（申诉期自收到决定书之日起 15 日：2026-10-13 收到 → 2026-10-28），执行不停止；期满未申诉的结案。"""
    case = decided_case(procedure, ("马某", ["written_self_criticism", "recovery"]),
                        ("杨某", ["circulated_criticism"]))
    case.complete("deliver", deliveries(("马某", "2026-10-13"), ("杨某", "2026-10-13")))
    shown = case.show()
    routes = {r["measure"]: r for r in shown["data"]["measure_routes"]}
    assert set(routes) == {"circulated_criticism", "recovery", "written_self_criticism"}
    assert routes["recovery"]["body"] == "被追究人员所在单位和科室"
    assert routes["circulated_criticism"]["body"].startswith("市政府司法机构")
    assert len(shown.decisions("yanchi_measure_body")) == 3
    tasks = case.by_element()
    assert tasks["implement_unit"][0]["lane"] == UNIT and tasks["implement_judicial"][0]["lane"] == JUDICIAL
    assert not {"opinion_transfer", "opinion_sanction", "refer_judicial"} & set(tasks)
    # 复核/申诉 per person, in parallel with execution (第十三条: 不停止原处理决定的执行)
    assert len(tasks["register_review"]) == 2 and len(tasks["register_appeal_in_window"]) == 2
    windows = shown.timers("timer_appeal_window")
    assert [(w["kind"], w["start"], w["last_day"]) for w in windows] == [("period_end", "2026-10-13", "2026-10-28")] * 2
    assert shown["data"]["review_parties"] == [
        {"name": "马某", "kind": "person", "decision_received_on": "2026-10-13"},
        {"name": "杨某", "kind": "person", "decision_received_on": "2026-10-13"}]
    assert shown["faults"] == []                     # not final while 复核/申诉 may still change it (第十三条)

    case.complete("implement_unit", {"unit_implemented_on": "2026-10-15",
                                     "unit_implementation": "马某已提交书面检查，追偿 500 元。",
                                     "unit_recovered_amount": 500})
    case.complete("implement_judicial", {"judicial_implemented_on": "2026-10-16",
                                         "judicial_implementation": "已通报批评。"})
    procedure.after_last_day("2026-10-28")
    tasks = case.by_element()
    assert len(tasks["register_appeal_in_window"]) == 2 and len(tasks["register_review"]) == 2
    for task in tasks["register_appeal_in_window"]:     # the window ended: the receiving body records none was filed
        assert task["lane"] == APPEAL_BODY
        case.complete_task(task, {"appeal_applied": False})
    tasks = case.by_element()
    for task in tasks["register_review"]:                 # 复核申请期 SILENT: the review body records it
        case.complete_task(task, {"review_applied": False, "review_register_note": "书面表示不申请复核。"})
    case.complete("close_case", {"closed_on": "2026-11-02", "archive_ref": "盐医保档〔2026〕9号"})
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    results = shown["data"]["review_appeal_results"]
    assert sorted(r["applicant"] for r in results) == ["杨某", "马某"]
    assert all(r["execution_suspended"] is False and not r["decision_changed"] for r in results)
    assert shown["data"]["decision_changed"] is False
    # 第十条(四): the final decision recorded both 错案, dated by the 第七条 confirmation (2026-09-30)
    assert shown.faults() == [
        ("马某", "yanchi", "art5_5", "2026-09-30", "officer", "secondary"),
        ("杨某", "yanchi", "art5_5", "2026-09-30", "reviewer_approver", "primary")]
    assert shown["data"]["registered_faults"] == ["马某", "杨某"]
    assert [e["person"] for e in shown.events("fault_recorded")] == ["马某", "杨某"]


def test_art9_3_and_4_transfer_and_sanction_go_through_unit_opinion_and_party_group_art8_criminal_referral(
        procedure: Procedure) -> None:
    """第九条(三)：调离、辞退由所在单位和科室提出意见，经局党组会议研究，依照管理权限实施（实施机关 VAGUE，局办公室
    登记）；(四)：行政处分经局党组会议研究作出处分决定，由局机关党委、人事办公室组织实施；第八条：构成犯罪的移送司法机关。"""
    case = decided_case(procedure, ("马某", ["transfer_from_post", "criminal_liability"]),
                        ("杨某", ["administrative_sanction"]))
    case.complete("deliver", deliveries(("马某", "2026-10-13"), ("杨某", "2026-10-14")))
    tasks = case.by_element()
    assert tasks["opinion_transfer"][0]["lane"] == UNIT and tasks["opinion_sanction"][0]["lane"] == UNIT
    assert tasks["refer_judicial"][0]["lane"] == OFFICE
    assert not {"implement_unit", "implement_judicial"} & set(tasks)
    case.complete("opinion_transfer", {"transfer_opinion": "建议调离执法岗位。",
                                       "transfer_opinion_on": "2026-10-15"})
    assert case.lane("study_transfer") == PARTY_GROUP
    case.complete("study_transfer", {"transfer_studied_on": "2026-10-20", "transfer_study_result": "agreed",
                                     "transfer_study_minutes": "党组会议纪要〔2026〕12号"})
    assert case.lane("implement_transfer") == OFFICE
    case.complete("implement_transfer", {"transfer_implemented_on": "2026-10-22",
                                         "transfer_implementation": "已调离执法岗位。",
                                         "transfer_implementing_body": "局人事办公室"})
    case.complete("opinion_sanction", {"sanction_opinion": "建议给予警告处分。",
                                       "sanction_opinion_on": "2026-10-15"})
    assert case.lane("study_sanction") == PARTY_GROUP
    case.complete("study_sanction", {"sanction_decided_on": "2026-10-20",
                                     "sanction_decision_no": "盐医保党〔2026〕5号", "sanction_kind": "警告",
                                     "sanction_study_minutes": "党组会议纪要〔2026〕12号"})
    assert case.lane("implement_sanction") == HR
    case.complete("implement_sanction", {"sanction_implemented_on": "2026-10-23",
                                         "sanction_implementation": "已宣布处分决定并归档。"})
    case.complete("refer_judicial", {"criminal_referred_on": "2026-10-16",
                                     "criminal_referred_to": "盐池县公安局",
                                     "criminal_referral_note": "涉嫌滥用职权罪。"})
    shown = case.show()
    routes = {r["measure"]: r for r in shown["data"]["measure_routes"]}
    assert routes["transfer_from_post"]["studied_by"] == "局党组会议"
    assert routes["criminal_liability"]["body"] == "司法机关"
    # execution is done; the case waits only for 复核/申诉 (第十三条)
    assert set(case.by_element()) == {"register_review", "register_appeal_in_window"}


def test_art13_appeal_changes_the_decision_and_the_office_adjusts_it_execution_was_not_suspended(
        procedure: Procedure) -> None:
    """第十三条：杨某在 15 日内申诉，申诉处理期限未规定（SILENT，无计时器）；申诉变更原决定的，局办公室按结果调整处理；
    执行分支不等待申诉（不停止原处理决定的执行）。"""
    case = decided_case(procedure, ("杨某", ["circulated_criticism"]))
    case.complete("deliver", deliveries(("杨某", "2026-10-13")))
    case.complete("register_appeal_in_window", {
        "appeal_applied": True, "appeal_filed_on": "2026-10-20", "appeal_accepted_on": "2026-10-21",
        "appeal_addressee": "吴忠市医疗保障局", "appeal_grounds": "处理过重。"})
    case.complete("implement_judicial", {"judicial_implemented_on": "2026-10-22",
                                         "judicial_implementation": "已通报批评。"})  # not suspended
    case.complete("register_review", {"review_applied": False})
    case.complete("decide_appeal", {"appeal_outcome": "changed",
                                    "appeal_decision_summary": "改为责令写出书面检查。",
                                    "appeal_decided_on": "2026-12-01"})
    assert case.lane("adjust_decision") == OFFICE
    case.complete("adjust_decision", {"adjusted_on": "2026-12-02", "adjustment": "撤回通报，改为书面检查。"})
    case.complete("close_case", {"closed_on": "2026-12-03", "archive_ref": "盐医保档〔2026〕10号"})
    shown = case.show()
    assert shown["status"] == "completed" and shown["data"]["decision_changed"] is True
    assert [f["person"] for f in shown["faults"]] == ["杨某"]            # changed, not revoked: the 错案 stands
    (result,) = shown["data"]["review_appeal_results"]
    assert (result["applicant"], result["appeal_outcome"], result["execution_basis"]) == (
        "杨某", "changed", "盐池 第十三条：复核和申诉期间，不停止原处理决定的执行。")


def test_art13_appeal_window_inside_the_call_activity_is_recorded_as_ended(procedure: Procedure) -> None:
    """第十三条：15 日申诉期届满应在案件时间线上记为「申诉期届满」。"""
    case = decided_case(procedure, ("杨某", ["circulated_criticism"]))
    case.complete("deliver", deliveries(("杨某", "2026-10-13")))
    procedure.after_last_day("2026-10-28")
    shown = case.show()
    assert shown.timer("timer_appeal_window")["state"] == "fired"
    assert [e["element"] for e in shown.events("period_ended")] == ["timer_appeal_window"]


def test_art3_art7_art9_each_body_works_only_its_own_tasks(procedure: Procedure) -> None:
    """第三条（局办公室登记、调查）、第七条（法制审核机构确认）、第九条（实施机构）：任务只能由其泳道所代表机构的人员办理。"""
    case = procedure.start(user="jubangong")
    task = case.task("register")
    with pytest.raises(Forbidden):
        case.complete_task(task, REGISTER, user="fazhi")
    case.complete_task(task, REGISTER, user="jubangong")
    case.complete("investigate", investigation(), user="jubangong")
    task = case.task("confirm_case")
    with pytest.raises(Forbidden):
        case.complete_task(task, confirmation("2026-09-30"), user="jubangong")
    case.complete_task(task, confirmation("2026-09-30"), user="fazhi")
    assert [t["element"] for t in procedure.tasks(user="fazhi")] == ["confirm_blame"]
    assert procedure.tasks(user="keshi") == []


# ------------------------------------------------------------------------------------------------ 第十条(四) registry

def officer_case(procedure: Procedure, confirmed_on: str, fault_type: str, person: str = "马某") -> Case:
    """第七条(一)：`person` alone made the act, confirmed as a 错案 on `confirmed_on` (the clock stands on that
    day), 全部责任; the circumstance table has run for him."""
    procedure.to(confirmed_on, 9, fire=False)
    case = confirmed_case(procedure, confirmed_on, act_mode="direct", persons={"officer": person},
                          subjects=[subject(person, fault_type=fault_type)])
    case.complete("confirm_blame", shares((person, "officer", "full")))
    return case


def proposal(case: Case) -> dict[str, Any]:
    (only,) = case.show()["data"]["circumstance_proposals"]
    return only


def decide_alone(case: Case, effect: str, on: str) -> dict[str, Any]:
    """Decided, delivered, and 马某 applies for neither 复核 nor 申诉 (第十三条): the decision is final."""
    case.complete("confirm_circumstances", circumstances(("马某", effect)))
    case.complete("decide", decision(("马某", ["written_self_criticism"]), on=on))
    case.complete("deliver", deliveries(("马某", on)))
    case.complete("register_review", {"review_applied": False})
    case.complete("register_appeal_in_window", {"appeal_applied": False})
    return case.show()


def test_art10_4_earlier_errors_come_from_the_fault_registry_counted_per_calendar_year(
        procedure: Procedure) -> None:
    """第十条(四)「全年累计发生三次以上错案的」应从重：每案处理决定确定（复核、申诉办结）后把被追究人员的错案登记入
    过错登记簿（登记日期为第七条确认错案之日），后案的情节表从登记簿取本人此前的错案数，不由人填写。默认口径：确认之日所在自然年、不分类型、
    本案不计入。2025 年的错案不计入 2026 年；2026 年此前两次的，本案是第三次——恰在「三次以上」的边界，本案是否计入
    制度未规定（SILENT），决策表交局办公室认定（本例认定从重）；此前三次的，决策表直接建议从重。"""
    history = [("2025-12-15", "art5_5"), ("2026-02-10", "art5_1"), ("2026-05-20", "art5_8")]
    counts = []
    for confirmed_on, fault_type in history:
        case = officer_case(procedure, confirmed_on, fault_type)
        counts.append(proposal(case)["prior_same_faults"])
        shown = decide_alone(case, "none", confirmed_on)
        assert shown["faults"] == [{"person": "马某", "regulation": "yanchi", "fault_type": fault_type,
                                    "confirmed_on": confirmed_on, "role": "officer", "grade": "full"}]
    assert counts == [0, 0, 1]                  # 2025-12-15 lies in another calendar year; other types count too

    third = officer_case(procedure, "2026-09-30", "art5_5")
    shown = third.show()
    inputs = shown.decisions("yanchi_circumstances")[-1]["inputs"]              # keyed by the column labels
    assert [value for label, value in inputs.items() if label.startswith("第十条(四)")] == [2]
    found = proposal(third)
    assert found["prior_same_faults"] == 2
    assert [e["effect"] for e in found["effects"]] == ["undetermined"]       # 第十条(四) and the current case: SILENT
    assert "第十条(四)" in found["effects"][0]["basis"]
    assert len(decide_alone(third, "aggravate", "2026-10-12")["faults"]) == 1

    fourth = officer_case(procedure, "2026-11-16", "art5_2")
    found = proposal(fourth)
    assert found["prior_same_faults"] == 3
    assert [e["effect"] for e in found["effects"]] == ["aggravate"]
    assert found["effects"][0]["basis"].startswith("盐池 第十条(四)")

    other = officer_case(procedure, "2026-11-17", "art5_5", person="杨某")      # per person
    assert proposal(other)["prior_same_faults"] == 0


def test_art13_a_person_whose_decision_is_revoked_on_appeal_is_not_recorded(procedure: Procedure) -> None:
    """第十三条：申诉撤销原决定的，该人的错案责任不成立，不登记入过错登记簿；未申请的仍登记（第十条(四)）。"""
    case = decided_case(procedure, ("马某", ["written_self_criticism"]), ("杨某", ["circulated_criticism"]))
    case.complete("deliver", deliveries(("马某", "2026-10-13"), ("杨某", "2026-10-13")))
    for task in case.by_element()["register_review"]:
        case.complete_task(task, {"review_applied": False})
    first, second = case.by_element()["register_appeal_in_window"]     # one per person
    case.complete_task(first, {"appeal_applied": False})
    case.complete_task(second, {
        "appeal_applied": True, "appeal_filed_on": "2026-10-20", "appeal_accepted_on": "2026-10-21",
        "appeal_addressee": "吴忠市医疗保障局", "appeal_grounds": "不应追究。"})
    case.complete("decide_appeal", {"appeal_outcome": "revoked", "appeal_decision_summary": "撤销原决定。",
                                    "appeal_decided_on": "2026-12-01"})
    shown = case.show()
    (revoked,) = [r for r in shown["data"]["review_appeal_results"] if r["appeal_outcome"] == "revoked"]
    kept = {"马某", "杨某"} - {revoked["applicant"]}
    assert [f["person"] for f in shown["faults"]] == sorted(kept) == shown["data"]["registered_faults"]
    assert case.lane("adjust_decision") == OFFICE


def test_art10_4_configured_to_count_the_current_case_the_third_error_aggravates(
        procedure: Procedure, overrides) -> None:
    """第十条(四)：本案是否计入「全年累计三次」是配置（bpmn/regulations/yanchi.json fault_counting，WENZE_FAULT_COUNTING
    覆盖）。配置为计入时，本年度此前两次错案的人员，本案即第三次，决策表直接建议从重；上一年度的错案仍不计入。"""
    overrides({"yanchi": {"count_current_case": True}})
    for confirmed_on in ("2025-12-15", "2026-02-10", "2026-05-20"):
        decide_alone(officer_case(procedure, confirmed_on, "art5_5"), "none", confirmed_on)
    found = proposal(officer_case(procedure, "2026-09-30", "art5_5"))
    assert found["prior_same_faults"] == 3                             # 2026-02-10, 2026-05-20 and this case
    assert [e["effect"] for e in found["effects"]] == ["aggravate"]


# ------------------------------------------------------------------------------------------------ 第七条 per person

def test_art7_3_collective_decision_grades_each_participant_by_opinion_and_names_everyone(procedure: Procedure) -> None:
    """第七条(三)：经过集体讨论做出的，行政执法主体负责人 主要；主张错误意见的其他人员 次要；主张正确意见的 不承担；
    行政执法人员 不承担。The procedure grades each participant with yanchi_participant and hands the 法制审核机构 a
    proposal by name; a collective case without its participants is refused."""
    with pytest.raises(InvalidData) as refused:
        confirmed_case(procedure, act_mode="collective")
    assert [e["path"] for e in refused.value.details["errors"]] == ["participants"]
    case = confirmed_case(procedure, act_mode="collective", persons={"officer": "马某", "head": "王局长"},
                          participants=[{"person": "甲某", "opinion": "wrong"}, {"person": "乙某", "opinion": "correct"}])
    shown = case.show()
    assert [(list(d["inputs"].values()), d["outputs"]["grade"]) for d in shown.decisions("yanchi_participant")] == [
        (["wrong"], "secondary"), (["correct"], "none")]
    assert [(s["person"], s["role"], s["grade"], s["basis"][:9]) for s in shown["data"]["blame_proposal"]] == [
        ("王局长", "head", "primary", "盐池 第七条(三)"), ("甲某", "participant", "secondary", "盐池 第七条(三)"),
        ("乙某", "participant", "none", "盐池 第七条(三)"), ("马某", "officer", "none", "盐池 第七条(三)")]
    assert case.elements() == ["confirm_blame"]


def test_art7_3_the_person_who_approved_without_referring_it_for_discussion_is_named(procedure: Procedure) -> None:
    """第七条(三)末句「应当集体讨论的案件不报请讨论的，由批准决定的人员承担主要责任」: the investigation must name that
    person, and the proposal names him; the 行政执法人员's share is SILENT (undetermined)."""
    with pytest.raises(InvalidData) as refused:
        confirmed_case(procedure, act_mode="should_discuss_not_submitted")
    assert [e["path"] for e in refused.value.details["errors"]] == ["persons/decision_maker"]
    case = confirmed_case(procedure, act_mode="should_discuss_not_submitted",
                          persons={"officer": "马某", "decision_maker": "王局长"})
    assert [(s["person"], s["role"], s["grade"]) for s in case.show()["data"]["blame_proposal"]] == [
        ("王局长", "decision_maker", "primary"), ("马某", "officer", "undetermined")]


def test_art7_is_silent_on_an_act_done_without_the_required_approval(procedure: Procedure) -> None:
    """第七条 has no rule for an act done without the approval it needed: the proposal is undetermined and says so,
    never 全部 by analogy with 第七条(一)."""
    case = confirmed_case(procedure, act_mode="unapproved")
    [share] = case.show()["data"]["blame_proposal"]
    assert (share["person"], share["grade"]) == ("马某", "undetermined")
    assert share["basis"].startswith("盐池 第七条") and "SILENT" in share["basis"]
