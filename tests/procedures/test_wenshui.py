"""文水县民政局 行政过错责任倒查 (bpmn/wenshui_fault_review.bpmn) walked path by path through the runner's use cases.

Every test starts from the real bpmn/ and forms/ (the `procedure` fixture) on SQLite and PostgreSQL, moves the
ManualClock instead of sleeping, and checks what a case officer would check: who has which task, when each period
ends (民法典 第二百零一条至第二百零三条 by analogy: the start day is not counted, a last day on a rest day rolls
forward, the period ends at 24:00 Beijing time), what the timeline says, and how the case ends.
第十九条's 申诉 runs through the shared call activity review_appeal (one instance per 行政过错责任人): the 30-day
window is its period_end timer, counted from the day that person received the decision (相关部门 records each one's
receipt in 送达处理决定); the 上级组织人事部门/监察部门 the text names (bound to review_appeal's 申诉受理机关 lane by
bpmn/regulations/wenshui.json) registers the written appeal, dated by its filing (提出), and its outcome (the handling
period is SILENT: no timer); the window's end does not cancel the registration. 第十九条 provides no 复核 at all, so the case sets review_route = False and review_appeal opens no
复核 route: the 复核机关 never has a task and nobody records a 复核 that the regulation does not have. The persons
found liable enter the fault registry once the appeal is over (window closed, 不申诉 or 申诉处理完毕).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runner.core.blame import blame, tables_from_sources
from tests.conftest import ROOT, SHANGHAI, at, utc
from tests.procedures.driver import Case, Conflict, Forbidden, InvalidData, Procedure, demo_user

PROCESS = "wenshui_fault_review"
OFFICE, PARTY, GROUP, RESPONDENT, DEPARTMENT = "综合股/办公室", "局党组", "调查组", "被调查人", "相关部门"
REVIEW_BODY = "复核机关"                   # review_appeal's generic 复核 lane: 文水 binds no body to it
APPEAL_BODY = "上级组织人事部门/监察部门"   # 第十九条's body, bound to review_appeal's 申诉受理机关 lane
# 第十九条 has no 复核: review_appeal's 复核机关 lane never holds a Wenshui task


# ------------------------------------------------------------------------------------------------ form data

def intake(received_on: str) -> dict[str, Any]:
    return {"received_on": received_on, "source": "complaint", "reporter_name": "张某",
            "persons_concerned": ["陈晨"], "alleged_fault_items": ["art7_7"],
            "case_summary": "投诉执法人员未告知陈述申辩权即作出处罚。"}


def review(on: str) -> dict[str, Any]:
    return {"preliminary_finding": "投诉事项基本属实，涉嫌第七条（七）违反法定程序进行处罚。",
            "recommend_filing": True, "review_completed_on": on, "reported_to_party_group_on": on}


def filing(decided_on: str, filed: bool = True) -> dict[str, Any]:
    data = {"file_case": filed, "filing_decided_on": decided_on,
            "filing_reasons": "初步审查认定事实清楚，决定立案。" if filed else "不属于行政过错，不予立案。"}
    return data | ({"filed_on": decided_on} if filed else {})


def member(name: str, **declared: bool) -> dict[str, Any]:
    return {"member_name": name, "member_post": "民政局法规股 干部", "member_role": "member",
            "is_party": False, "is_relative": False, "has_other_interest": False} | declared


def group(on: str, *members: dict[str, Any]) -> dict[str, Any]:
    return {"group_formed_on": on, "investigation_group": list(members) or [member("赵磊", member_role="leader")]}


CIRCUMSTANCES = ("aggravate_refused_correction", "aggravate_retaliation", "aggravate_abuse_of_power",
                 "aggravate_serious_harm", "discretionary_admitted_corrected", "discretionary_minor_no_impact",
                 "discretionary_no_harm_remedied")


def person_facts(person: str, fault_type: str = "art7_7", **circumstances: bool) -> dict[str, Any]:
    """One person's 第七条/第八条 item and 第九条/第十条 circumstances, as the 调查组 records them."""
    return {"person": person, "fault_type": fault_type, **{key: False for key in CIRCUMSTANCES}, **circumstances}


def investigation(on: str, fault_type: str = "art7_7", **facts: Any) -> dict[str, Any]:
    """A 承办人 who acted alone (第十一条 首句), admitted the fault and corrected it (第十条(一))."""
    return {"facts_found": "承办人未履行告知程序。", "evidence_list": ["处罚决定书", "询问笔录"],
            "confirmed_fault_items": [fault_type], "act_mode": "direct", "persons": {"officer": "陈晨"},
            "officer_concealed": False, "reviewer_intent": False, "reviewer_changed_correct": False,
            "approver_changed_correct": False, "entrusted": False, "participants": [],
            "person_facts": [person_facts("陈晨", fault_type, discretionary_admitted_corrected=True)],
            "investigation_completed_on": on} | facts


def collective_investigation(on: str) -> dict[str, Any]:
    """第十一条(六): the 局务会 decided the penalty; 赵局长 decided, 钱某 voted for, 孙某 against; 陈晨 handled it."""
    return investigation(
        on, facts_found="局务会集体讨论决定在未告知陈述申辩权的情况下作出处罚。", act_mode="collective",
        persons={"decision_maker": "赵局长", "officer": "陈晨"},
        participants=[{"person": "钱某", "opinion": "wrong", "vote": "for"},
                      {"person": "孙某", "opinion": "correct", "vote": "against"}],
        person_facts=[person_facts("赵局长", aggravate_refused_correction=True),
                      person_facts("钱某", discretionary_admitted_corrected=True),
                      person_facts("陈晨")])


def statement(on: str, outcome: str = "stated") -> dict[str, Any]:
    """第十八条: one 被调查人's opinion and explanation (or their refusal or waiver), dated, as the 调查组 records it."""
    record: dict[str, Any] = {"outcome": outcome, "on": on, "recorded_by": "调查组 赵磊"}
    if outcome == "stated":
        record |= {"statement_mode": "written", "statement_text": "承认未告知，已主动纠正。"}
    return {"hearing_record": record}


def hear_everyone(case: Case, on: str) -> None:
    """The 调查组 hears each 被调查人 (one task per person)."""
    for task in case.tasks("statement"):
        case.complete_task(task, statement(on))


def report(on: str, reward: bool = False) -> dict[str, Any]:
    data = {"investigation_result": "陈晨违反法定程序进行处罚。", "respondent_opinion": "承认并已纠正。",
            "handling_proposal": "责令做出书面检查。", "report_submitted_on": on, "reward_eligible": reward}
    if reward:
        data["reward_nominees"] = [{"person": "王敏", "conduct": "discovered", "conduct_detail": "复查案卷时及时发现。"}]
    return data


def ruling(person: str, role: str, grade: str, fault_type: str = "art7_7", **extra: Any) -> dict[str, Any]:
    """One person's part of the 处理决定 as 相关部门 confirms it (第十一条至第十四条)."""
    data = {"person": person, "role": role, "grade": grade, "grade_basis": "文水 第十一条。",
            "severity_adjustment": "none", "measures": [] if grade == "none" else ["written_self_criticism"],
            "party_discipline_referral": False, "criminal_referral": False, "compensation_recovery": False} | extra
    return data | ({"fault_type": fault_type} if grade != "none" else {})


def decision(decided_on: str, *people: dict[str, Any]) -> dict[str, Any]:
    return {"decision_document_no": "文民责〔2026〕1号", "decision_summary": "责令陈晨做出书面检查。",
            "proposal_reviewed": True,
            "person_decisions": list(people) or [ruling("陈晨", "officer", "liable", severity_adjustment="lighter")],
            "decided_on": decided_on}


def decide(case: Case, form: dict[str, Any], received_on: str | dict[str, str]) -> dict[str, Any]:
    """相关部门 decides (第十八条) and records the delivery: every person decided receives it on `received_on` (or on
    their own day, by name): each one's 30-day 申诉期 counts from it (第十九条)."""
    case.complete("decide", form)
    people = list(dict.fromkeys(d["person"] for d in form["person_decisions"]))
    days = received_on if isinstance(received_on, dict) else dict.fromkeys(people, received_on)
    return case.complete("deliver", {"deliveries": [{"person": p, "received_on": days[p]} for p in people]})


def appeal(on: str) -> dict[str, Any]:
    """第十九条: the written appeal as the 申诉受理机关 registers it in review_appeal."""
    return {"appeal_applied": True, "appeal_filed_on": on, "appeal_accepted_on": on,
            "appeal_addressee": "文水县监察委员会", "appeal_grounds": "处理过重。"}


NO_APPEAL = {"appeal_applied": False, "appeal_grounds": "本人书面表示不申诉。"}
NONE_FILED = {"appeal_applied": False}          # the window ended and no appeal filed within it reached the body


def appeal_decided(outcome: str, on: str) -> dict[str, Any]:
    return {"appeal_outcome": outcome, "appeal_decision_summary": "申诉处理决定。", "appeal_decided_on": on}


# ------------------------------------------------------------------------------------------------ steps

def accept_decision(case: Case, *names: str) -> dict[str, Any]:
    """Each liable person states in writing not to appeal: the decision takes effect and the faults are recorded."""
    done = {}
    for name in names or ("陈晨",):
        done = case.complete("register_appeal_in_window", NO_APPEAL, applicant=name)
    return done


def open_case(procedure: Procedure, received_on: str = "2026-09-29") -> Case:
    """受理登记 done: the case waits for the 初步审查 (第十五条)."""
    case = procedure.start()
    assert [(t["element"], t["lane"]) for t in case.started["ready_tasks"]] == [("intake", OFFICE)]
    case.complete("intake", intake(received_on))
    return case


def filed_case(procedure: Procedure, filed_on: str, received_on: str = "2026-09-29") -> Case:
    """Received, reviewed, filed and the group formed: the 调查 sub-process runs (第十五条、第十六条)."""
    case = open_case(procedure, received_on)
    case.complete("preliminary_review", review(received_on))
    case.complete("decide_filing", filing(filed_on))
    case.complete("form_investigation_group", group(filed_on))
    return case


def reported_case(procedure: Procedure, day: str, reward: bool = False, fault_type: str = "art7_7",
                  investigated: dict[str, Any] | None = None) -> Case:
    """Received, filed, investigated, heard and reported on `day`: the tables have proposed, 相关部门 decides."""
    case = filed_case(procedure, day, received_on=day)
    case.complete("investigate", investigated or investigation(day, fault_type))
    hear_everyone(case, day)
    case.complete("write_report", report(day, reward))
    return case


def decided_case(procedure: Procedure, day: str, reward: bool = False, fault_type: str = "art7_7") -> Case:
    """Received, filed, investigated, heard, reported and decided on `day` (the clock's day); the decision is
    delivered that day, so the 申诉期 runs from it (第十八条、第十九条). With a reward the decision is left open."""
    case = reported_case(procedure, day, reward, fault_type)
    if not reward:
        decide(case, decision(day, ruling("陈晨", "officer", "liable", fault_type)), day)
    return case


def rule_ids(record: dict[str, Any]) -> list[str]:
    return [rule["id"] for rule in record["matched_rules"]]


def table_input(record: dict[str, Any], name: str) -> Any:
    """The value a decision record stored for the input column whose label names `name` (e.g. "[vote: …]")."""
    [value] = [v for label, v in record["inputs"].items() if f"[{name}:" in label or f"[{name};" in label]
    return value


def assessment(shown: dict[str, Any], person: str) -> dict[str, Any]:
    [found] = [a for a in shown["data"]["circumstance_assessments"] if a["person"] == person]
    return found


def table_shares(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """What runner.core.blame composes from the same facts with the shipped tables (the diagram must agree)."""
    tables = tables_from_sources((p.name, p.read_bytes()) for p in sorted((ROOT / "dmn").glob("wenshui_*.dmn")))
    return [{"role": s["role"], "person": s.get("person"), "grade": s["grade"], "basis": s["basis"]}
            for s in blame("wenshui", facts, tables)["shares"]]


# ------------------------------------------------------------------------------------------------ paths

def test_art15_party_group_decides_not_to_file_and_the_office_closes_the_case(procedure: Procedure) -> None:
    """第十五条：综合股/办公室初步审查，报局党组决定是否立案；不予立案的，登记结案。"""
    case = open_case(procedure)
    assert case.lane("preliminary_review") == OFFICE
    with pytest.raises(Forbidden):                         # the review belongs to 综合股/办公室
        case.complete("preliminary_review", review("2026-09-29"), user="dangzu")
    case.complete("preliminary_review", review("2026-09-29"))
    assert case.lane("decide_filing") == PARTY
    case.complete("decide_filing", filing("2026-09-30", filed=False))
    assert case.lane("close_not_filed") == OFFICE
    done = case.complete("close_not_filed", {"not_filed_closed_on": "2026-09-30",
                                             "not_filed_notice": "已电话告知投诉人。"})
    assert done["status"] == "completed" and done["ready_tasks"] == [] and done["overdue"] is False

    shown = case.show()
    assert shown.ended() == ["end_not_filed"]
    assert shown["data"]["file_case"] is False and shown["data"]["not_filed_closed_on"] == "2026-09-30"
    # the 5-day review's deadline and reminder were withdrawn when the review was done in time
    assert shown.timer_states() == {
        "timer_preliminary_review": "cancelled", "timer_preliminary_review_reminder": "cancelled"}
    assert not shown.events("deadline_passed") and not shown.events("deadline_reminder")


def test_art15_to_art19_a_filed_case_runs_investigation_hearing_report_decision_and_appeal(
        procedure: Procedure) -> None:
    """第十五条立案、成立调查组（第十六条回避）→ 调查 → 第十八条被调查人陈述、调查报告 → 第十一条(六)责任认定建议、
    第九条/第十条逐人情节建议 → 相关部门确认并作出处理决定 → 第十九条申诉（review_appeal，每名责任人一个实例）及其
    处理 → 处理决定确定后登记过错责任人。"""
    case = open_case(procedure)
    case.complete("preliminary_review", review("2026-09-29"))
    case.complete("decide_filing", filing("2026-09-30"))

    # 第十六条: a relative of the person concerned may not sit on the group; the refusal says why, nothing changes
    form_group = case.task("form_investigation_group")
    before = case.show()
    with pytest.raises(InvalidData) as refused:
        case.complete_task(form_group, group("2026-09-30", member("赵磊", member_role="leader"),
                                             member("陈小明", is_relative=True)))
    error = next(e for e in refused.value.details["errors"] if e["path"] == "investigation_group/1/is_relative")
    assert "第十六条" in error["reason"] and "亲属" in error["reason"]
    after = case.show()
    assert (after["events"], after["tasks"], after["data"]) == (before["events"], before["tasks"], before["data"])
    assert case.tasks() == [form_group]

    case.complete_task(form_group, group("2026-09-30", member("赵磊", member_role="leader")))
    # one 30-day deadline and one reminder on the 调查 sub-process, counted from 立案 (第十五条)
    shown = case.show()
    deadline = shown.timer("timer_investigation", "armed")
    assert (deadline["kind"], deadline["soft"], deadline["start"], deadline["last_day"]) == (
        "deadline", True, "2026-09-30", "2026-10-30")
    assert shown.timer("timer_investigation_reminder", "armed")["due_at"] == utc(at("2026-10-29"))
    assert len(shown.timers(state="armed")) == 2

    # inside the sub-process every task keeps its own body's lane
    investigate = case.task("investigate")
    assert investigate["lane"] == GROUP
    with pytest.raises(Forbidden):
        case.complete_task(investigate, collective_investigation("2026-10-12"), user="beidiaocha")
    case.complete_task(investigate, collective_investigation("2026-10-12"))
    # 第十八条: the 调查组 hears each 被调查人 named by the investigation, one task each (a lane is a role, not a
    # person: the 被调查人 account could see and submit another person's task, and a refusal needs a recorder)
    hearings = case.tasks("statement")
    assert [t["lane"] for t in hearings] == [GROUP] * 4
    assert {case.task("statement", hearing_subject=name)["id"] for name in ("赵局长", "陈晨", "钱某", "孙某")} == \
        {t["id"] for t in hearings}
    with pytest.raises(Forbidden):
        case.complete_task(hearings[0], statement("2026-10-13"), user="beidiaocha")
    assert case.elements() == ["statement"] * 4             # the report waits for every 被调查人's opinion
    hear_everyone(case, "2026-10-13")
    assert case.lane("write_report") == GROUP
    case.complete("write_report", report("2026-10-14"))

    shown = case.show()
    assert shown.timer_states() == {
        "timer_preliminary_review": "cancelled", "timer_preliminary_review_reminder": "cancelled",
        "timer_investigation": "cancelled", "timer_investigation_reminder": "cancelled"}
    assert shown["data"]["respondent_opinion"] == "承认并已纠正。"   # the report's data left the sub-process

    # 第十一条(六) (wenshui_blame, then wenshui_participant per participant): who, at what grade, under which article
    proposal = shown["data"]["blame_proposal"]
    assert [(s["role"], s["person"], s["grade"]) for s in proposal] == [
        ("decision_maker", "赵局长", "primary"),            # 决策人为行政过错主要责任人
        ("participant", "钱某", "secondary"),               # 参加讨论并持赞成意见的其他人员为次要责任人
        ("participant", "孙某", "none"),                    # 持反对意见的人员不承担责任
        ("officer", "陈晨", "undetermined")]                # the 承办人 is not mentioned (SILENT): a human decides
    assert all(s["basis"].startswith("文水 第十一条(六)") for s in proposal)
    assert "主要责任人" in proposal[0]["basis"] and "次要责任人" in proposal[1]["basis"]
    assert "不承担责任" in proposal[2]["basis"] and "a human decides" in proposal[3]["basis"]
    facts = collective_investigation("2026-10-12")
    assert proposal == table_shares(facts)                  # the diagram composes the tables as runner.core.blame does

    # every evaluation is on the case with the rows that matched, each citing its article
    assert [(d["element"], d["decision"]) for d in shown["decisions"]] == [
        ("propose_blame", "wenshui_blame"), ("wenshui_grade_rule", "wenshui_participant"),
        ("wenshui_grade_rule", "wenshui_participant"), ("wenshui_assess_rule", "wenshui_circumstances"),
        ("wenshui_assess_rule", "wenshui_circumstances"), ("wenshui_assess_rule", "wenshui_circumstances")]
    [blame_record] = shown.decisions("wenshui_blame")
    assert rule_ids(blame_record) == ["ws_blame_W6_decision_maker", "ws_blame_W6_participant", "ws_blame_W6_officer"]
    assert all(r["annotation"].startswith("文水 第十一条(六)") for r in blame_record["matched_rules"])
    assert table_input(blame_record, "act_mode") == "collective"
    assert [(table_input(d, "vote"), rule_ids(d), d["outputs"]["grade"])
            for d in shown.decisions("wenshui_participant")] == [("for", ["ws_part_for"], "secondary"), ("against", ["ws_part_against"], "none")]
    assert shown["data"]["participant_grades"] == [
        {"person": "钱某", "vote": "for", "grade": "secondary", "basis": proposal[1]["basis"]},
        {"person": "孙某", "vote": "against", "grade": "none", "basis": proposal[2]["basis"]}]

    # 第九条、第十条 per person who may answer for the fault (孙某 voted against: no assessment); nobody has an
    # earlier fault in the registry
    assert [(a["person"], a["roles"], a["grades"], a["fault_type"], a["prior_same_faults"])
            for a in shown["data"]["circumstance_assessments"]] == [
        ("赵局长", ["decision_maker"], ["primary"], "art7_7", 0), ("钱某", ["participant"], ["secondary"], "art7_7", 0),
        ("陈晨", ["officer"], ["undetermined"], "art7_7", 0)]
    boss, voter, officer = shown["data"]["circumstance_assessments"]
    assert [(e["effect"], e["basis"][:9]) for e in boss["effects"]] == [("aggravate", "文水 第九条(一)")]
    assert boss["needs_human"] is False
    # 第十条(一) for a 第七条 fault: 「但有第七条规定情形的除外」 is the text, so no leniency is offered
    assert voter["article7_fault"] is True and "article10_exclusion" not in voter
    assert [(e["effect"], e["basis"][:9]) for e in voter["effects"]] == [("excluded", "文水 第十条 但书")]
    assert voter["needs_human"] is False
    assert officer["effects"] == [] and officer["needs_human"] is False
    assert [rule_ids(d) for d in shown.decisions("wenshui_circumstances")] == [
        ["ws_circ_WA1"], ["ws_circ_WLX"], []]
    assert shown["faults"] == []                              # nothing is recorded before 相关部门 decides

    decide_task = case.task("decide")
    assert decide_task["lane"] == DEPARTMENT and decide_task["form"] == "wenshui_decide.json"
    confirmed = [ruling("赵局长", "decision_maker", "primary", severity_adjustment="heavier"),
                 ruling("钱某", "participant", "secondary"),
                 ruling("孙某", "participant", "none", grade_basis="文水 第十一条(六)：持反对意见。"),
                 ruling("陈晨", "officer", "none", grade_basis="执行集体讨论决定，无个人过错。")]
    # undetermined is a question for the person deciding, never an answer the form accepts; a person found liable
    # needs the 第七条/第八条 item the registry compares (第九条(三) 同类型); the proposal must have been looked at
    liable_without_item = {k: v for k, v in ruling("陈晨", "officer", "liable").items() if k != "fault_type"}
    for refused_data, path in [
            (decision("2026-10-20", *confirmed[:3], ruling("陈晨", "officer", "undetermined")),
             "person_decisions/3/grade"),
            (decision("2026-10-20", *confirmed[:3], liable_without_item), "person_decisions/3/fault_type"),
            (decision("2026-10-20", *confirmed) | {"proposal_reviewed": False}, "proposal_reviewed")]:
        with pytest.raises(InvalidData) as refused:
            case.complete_task(decide_task, refused_data)
        assert path in [e["path"] for e in refused.value.details["errors"]]
    assert case.show()["faults"] == []
    # each person receives the decision on their own day (第十九条「接到处理决定后」): 钱某 two days after the others
    decide(case, decision("2026-10-20", *confirmed),
           {"赵局长": "2026-10-21", "钱某": "2026-10-23", "孙某": "2026-10-21", "陈晨": "2026-10-21"})

    # the decision is compared with the proposal at once; the faults wait for the 第十九条 appeal (an appeal may
    # revoke the decision, and a recorded fault cannot be taken back)
    shown = case.show()
    assert shown["data"]["proposal_outcome"] == [
        {"person": "赵局长", "role": "decision_maker", "proposed_grade": "primary", "decided_grade": "primary"},
        {"person": "钱某", "role": "participant", "proposed_grade": "secondary", "decided_grade": "secondary"},
        {"person": "孙某", "role": "participant", "proposed_grade": "none", "decided_grade": "none"},
        {"person": "陈晨", "role": "officer", "proposed_grade": "undetermined", "decided_grade": "none"}]
    assert shown["faults"] == [] and not shown.events("fault_recorded")

    # 第十九条 through review_appeal: one instance per 行政过错责任人 (孙某 and 陈晨 bear no liability), each with its
    # own 30-day window from their own receipt (10-21 → 11-20; 10-23 → Sun 11-22 → Mon 11-23); there is no 复核
    # route (review_route = False)
    assert shown["data"]["review_parties"] == [
        {"name": "赵局长", "kind": "person", "decision_received_on": "2026-10-21"},
        {"name": "钱某", "kind": "person", "decision_received_on": "2026-10-23"}]
    windows = shown.timers(state="armed")
    assert [(w["element"], w["kind"], w["start"], w["last_day"]) for w in windows] == [
        ("timer_appeal_window", "period_end", "2026-10-21", "2026-11-20"),
        ("timer_appeal_window", "period_end", "2026-10-23", "2026-11-23")]
    assert shown["data"]["review_route"] is False
    assert sorted(case.ready()) == [
        ("register_appeal_in_window", APPEAL_BODY), ("register_appeal_in_window", APPEAL_BODY)]
    appeal_task = case.task("register_appeal_in_window", applicant="赵局长")
    for other in ("beidiaocha", "shensu"):     # only the body 第十九条 names registers it, not the generic 申诉受理机关
        with pytest.raises(Forbidden):
            case.complete_task(appeal_task, appeal("2026-11-02"), user=other)
    assert [t["element"] for t in procedure.tasks(user="shensu")] == []
    assert [t["element"] for t in procedure.tasks(user="jiancha")] == ["register_appeal_in_window"] * 2
    case.complete_task(appeal_task, appeal("2026-11-02"))
    case.complete("register_appeal_in_window", NO_APPEAL, applicant="钱某")
    # 第十九条 sets no handling period (SILENT): no timer, the 申诉受理机关 records the outcome whenever it comes
    decide_appeal = case.task("decide_appeal")
    assert decide_appeal["lane"] == APPEAL_BODY
    shown = case.show()
    assert shown.timers(state="armed") == [] and shown["faults"] == []
    assert procedure.to("2027-03-01", 9) == 0
    done = case.complete_task(decide_appeal, appeal_decided("upheld", "2027-03-01"))
    assert done["status"] == "completed" and done["overdue"] is False

    shown = case.show()
    assert shown.ended("end_") == ["end_appeal_concluded"]
    results = {r["applicant"]: r for r in shown["data"]["review_appeal_results"]}
    assert (results["赵局长"]["appeal_applied"], results["赵局长"]["appeal_outcome"]) == (True, "upheld")
    assert (results["钱某"]["appeal_applied"], results["钱某"]["appeal_outcome"]) == (False, None)
    assert all(r["review_applied"] is False and r["decision_changed"] is False for r in results.values())
    assert results["赵局长"]["execution_basis"].startswith("文水 第十九条")
    assert shown.lane_tasks(REVIEW_BODY) == []
    # 第九条(三): the appeal upheld the decision, so both liable persons are recorded, dated with the decision
    assert shown.faults() == [
        ("赵局长", "wenshui", "art7_7", "2026-10-20", "decision_maker", "primary"),
        ("钱某", "wenshui", "art7_7", "2026-10-20", "participant", "secondary")]
    assert [(e["person"], e["fault_type"], e["confirmed_on"]) for e in shown.events("fault_recorded")] == [
        ("赵局长", "art7_7", "2026-10-20"), ("钱某", "art7_7", "2026-10-20")]
    assert shown["data"]["registered_faults"] == ["赵局长", "钱某"]
    assert {t["element"]: t["state"] for t in shown.timers("timer_appeal_window")} == {
        "timer_appeal_window": "cancelled"}
    assert [(e["element"], e["actor"]) for e in shown.events("task_completed")] == [
        ("intake", "zonghe"), ("preliminary_review", "zonghe"), ("decide_filing", "dangzu"),
        ("form_investigation_group", "dangzu"), ("investigate", "diaocha"), *[("statement", "diaocha")] * 4,
        ("write_report", "diaocha"), ("decide", "xiangguan"), ("deliver", "xiangguan"),
        ("register_appeal_in_window", "jiancha"), ("register_appeal_in_window", "jiancha"), ("decide_appeal", "jiancha")]


def test_art18_each_respondent_is_heard_and_nobody_is_held_liable_unheard(procedure: Procedure) -> None:
    """第十八条「调查组在调查过程中应充分听取被调查人的意见，被调查人员有权对自己的行为做出解释」: one task per
    被调查人 (the 承办人 and the 审核人 the investigation names), in the 调查组's lane; a refusal and a waiver are
    recorded with their dates; the report waits for all of them. 相关部门's decision is refused, naming the person,
    when it holds liable someone without a record (here one the investigation never named) or dates itself before a
    record; nothing changes until it names only persons heard."""
    case = filed_case(procedure, "2026-10-09", received_on="2026-10-09")
    case.complete("investigate", investigation("2026-10-12", persons={"officer": "陈晨", "reviewer": "李某"}))
    hearings = case.tasks("statement")
    assert [t["lane"] for t in hearings] == [GROUP, GROUP]
    assert {case.task("statement", hearing_subject=name)["id"] for name in ("陈晨", "李某")} == {t["id"] for t in hearings}
    case.complete("statement", statement("2026-10-13"), hearing_subject="陈晨")
    assert case.ready() == [("statement", GROUP)]            # 李某 not yet heard: no report
    with pytest.raises(InvalidData) as undated:
        case.complete("statement", {"hearing_record": {"outcome": "refused", "recorded_by": "调查组 赵磊"}})
    assert [e["path"] for e in undated.value.details["errors"]] == ["hearing_record/on"]
    case.complete("statement", statement("2026-10-14", outcome="refused"), hearing_subject="李某")
    case.complete("write_report", report("2026-10-15"))
    statements = case.show()["data"]["statements"]
    assert statements == {"陈晨": statement("2026-10-13")["hearing_record"],
                          "李某": {"outcome": "refused", "on": "2026-10-14", "recorded_by": "调查组 赵磊"}}

    before = case.show()
    outsider = ruling("王某", "other", "liable", grade_basis="相关部门认为王某应承担责任。")
    with pytest.raises(InvalidData) as refused:
        case.complete("decide", decision("2026-10-20", ruling("陈晨", "officer", "liable"),
                                         ruling("李某", "reviewer", "none"), outsider))
    assert refused.value.status == 422 and refused.value.details["check"] == "everyone_heard"
    assert [(e["path"], e["message"]) for e in refused.value.details["errors"]] == [
        ("person_decisions/2/person",
         "「王某」没有陈述、申辩的记录（也没有拒绝陈述或放弃陈述的记录），不能对其作出处理决定")]
    with pytest.raises(InvalidData) as early:            # dated before 李某's refusal was recorded
        case.complete("decide", decision("2026-10-13", ruling("陈晨", "officer", "liable")))
    assert "「李某」的陈述、申辩记录日期 2026-10-14 晚于决定日期 2026-10-13" in early.value.message
    after = case.show()
    assert after == before and after["incidents"] == [] and case.ready() == [("decide", DEPARTMENT)]

    case.complete("decide", decision("2026-10-20", ruling("陈晨", "officer", "liable"),
                                     ruling("李某", "reviewer", "none"), ruling("王某", "other", "none")))
    assert case.ready() == [("deliver", DEPARTMENT)]
    assert case.show().lane_tasks(RESPONDENT) == []


def test_art18_a_waiver_is_recorded_with_its_date(procedure: Procedure) -> None:
    """第十八条: explaining is the person's right; one who waives it has the waiver and its date on the record, and
    the case goes on."""
    case = filed_case(procedure, "2026-10-09", received_on="2026-10-09")
    case.complete("investigate", investigation("2026-10-12"))
    case.complete("statement", statement("2026-10-13", outcome="waived"), hearing_subject="陈晨")
    assert case.show()["data"]["statements"] == {
        "陈晨": {"outcome": "waived", "on": "2026-10-13", "recorded_by": "调查组 赵磊"}}
    assert case.ready() == [("write_report", GROUP)]


@pytest.mark.parametrize("delivered_on, calendar_end, last_day", [
    ("2026-09-29", "2026-10-29", "2026-10-29"),      # a Thursday: no roll-forward
    ("2026-10-01", "2026-10-31", "2026-11-02"),      # Sat 10-31 is a rest day: the window ends Mon 11-02
    ("2026-09-07", "2026-10-07", "2026-10-08"),      # 10-07 is 国庆: the window ends Thu 10-08
])
def test_art19_without_appeal_the_decision_takes_effect_when_the_30_day_window_closes(
        procedure: Procedure, delivered_on: str, calendar_end: str, last_day: str) -> None:
    """第十九条：接到处理决定后 30 日内可申诉；期满记入时间线（民法典第二百零一条、第二百零三条计算），登记任务不取消
    （期内提出、期后才到的申诉仍可登记）；监察部门登记期内未提出申诉，处理决定生效，过错责任人此时登记入过错登记簿。
    申诉期是 review_appeal 中的 period_end 计时器，自本人接到处理决定之日起算；第十九条未规定复核，没有复核途径：
    不设计时器，也没有人登记「不申请复核」。"""
    procedure.to(delivered_on, 9, fire=False)
    case = decided_case(procedure, delivered_on)
    shown = case.show()
    assert shown["data"]["review_parties"] == [{"name": "陈晨", "kind": "person", "decision_received_on": delivered_on}]
    window = shown.timer("timer_appeal_window", "armed")
    assert (window["kind"], window["start"], window["last_day"]) == ("period_end", delivered_on, last_day)
    assert window["rolled_from"] == (calendar_end if calendar_end != last_day else None)
    assert window["due_at"] == utc(at(last_day) + dt.timedelta(days=1))
    assert [t["element"] for t in shown.timers(state="armed")] == ["timer_appeal_window"]  # no 复核 timer
    assert case.ready() == [("register_appeal_in_window", APPEAL_BODY)]
    assert shown["faults"] == []                            # the decision is not final while the window runs

    assert procedure.to(last_day, 23, 59, 59) == 0                   # the last day runs to 24:00: still open
    assert case.lane("register_appeal_in_window") == APPEAL_BODY

    assert procedure.after_last_day(last_day) == 1
    shown = case.show()
    assert shown["status"] == "running" and shown["overdue"] is False   # a closing window is not a missed obligation
    closed = shown.events("period_ended")
    assert [(e["element"], e["last_day"]) for e in closed] == [("timer_appeal_window", last_day)]
    assert shown.events("task_cancelled") == []             # the registration stays open for a timely filing
    assert case.ready() == [("register_appeal_in_window", APPEAL_BODY)]
    case.complete("register_appeal_in_window", NONE_FILED)
    shown = case.show()
    assert shown["status"] == "completed"
    # the review_appeal instance ended its window and its 申诉 route (no 复核 route), then the decision took effect
    assert shown.ended() == ["investigation_end", "wenshui_assess_end", "end_appeal_window_ended", "end",
                             "end_decision_effective"]
    assert case.tasks() == []
    [result] = shown["data"]["review_appeal_results"]
    assert (result["applicant"], result["appeal_applied"], result["review_applied"]) == ("陈晨", False, False)
    assert shown["faults"] == [{"person": "陈晨", "regulation": "wenshui", "fault_type": "art7_7",
                                "confirmed_on": delivered_on, "role": "officer", "grade": "liable"}]
    assert shown.lane_tasks(REVIEW_BODY) == []


def test_art15_preliminary_review_5_days_rolls_over_national_day_reminds_then_goes_overdue(
        procedure: Procedure) -> None:
    """第十五条：5 日内初步审查。9-29 收到 → 10-04 落在国庆假期，顺延至 10-08（domain.md §X.7.7）；届满前一个工作日
    （9-30）提醒综合股/办公室；10-09 00:00 起逾期：案件标记逾期，综合股/办公室和局党组各得一项督办，初步审查仍可完成。"""
    case = open_case(procedure, "2026-09-29")
    shown = case.show()
    deadline = shown.timer("timer_preliminary_review")
    assert (deadline["kind"], deadline["soft"], deadline["unit"], deadline["period"]) == (
        "deadline", False, "calendar_days", 5)
    assert (deadline["last_day"], deadline["rolled_from"], deadline["provisional"]) == (
        "2026-10-08", "2026-10-04", False)
    assert deadline["due_at"] == utc(at("2026-10-09"))
    reminder = shown.timer("timer_preliminary_review_reminder")
    assert (reminder["kind"], reminder["last_day"]) == ("reminder", "2026-10-08")
    assert reminder["due_at"] == utc(at("2026-09-30"))   # Wed 9-30: the working day before 10-08

    assert procedure.to("2026-09-29", 23, 59, 59) == 0
    assert procedure.to("2026-09-30", 0, 0, 1) == 1
    shown = case.show()
    assert shown["overdue"] is False
    assert [e["element"] for e in shown.events("deadline_reminder")] == ["timer_preliminary_review_reminder"]
    assert case.ready() == [
        ("preliminary_review", OFFICE), ("remind_preliminary_review_due", OFFICE)]
    case.complete("remind_preliminary_review_due",
                  {"review_due_noted_on": "2026-09-30", "review_due_plan": "10-08 前报局党组。"})

    assert procedure.to("2026-10-08", 23, 59, 59) == 0               # 国庆 is over, the last day runs to 24:00
    assert case.show()["overdue"] is False

    assert procedure.after_last_day("2026-10-08") == 1
    shown = case.show()
    assert shown["overdue"] is True and shown["status"] == "running"
    passed = shown.events("deadline_passed")
    assert [(e["element"], e["last_day"], e["soft"]) for e in passed] == [
        ("timer_preliminary_review", "2026-10-08", False)]
    assert sorted(case.ready()) == [
        ("preliminary_review", OFFICE), ("supervise_preliminary_review", PARTY), ("urge_preliminary_review", OFFICE)]

    # the review can still be done late: the case goes on to the 局党组 and stays marked overdue
    case.complete("urge_preliminary_review",
                  {"review_reminder_handled_on": "2026-10-09", "review_delay_reason": "国庆假期后材料未齐。"})
    done = case.complete("supervise_preliminary_review",
                         {"review_supervised_on": "2026-10-09", "review_supervision_measures": "约谈综合股负责人。"})
    assert done["overdue"] is True
    done = case.complete("preliminary_review", review("2026-10-09"))
    assert [t["element"] for t in done["ready_tasks"]] == ["decide_filing"]
    shown = case.show()
    assert shown.ended() == ["end_preliminary_review_due_noted", "end_preliminary_review_urged",
                             "end_preliminary_review_supervised"]
    assert shown.events("task_cancelled") == []


URGED_DONE = "所催办的环节已办结"


def test_art15_late_review_done_ends_its_reminder_explanation_and_supervision(procedure: Procedure) -> None:
    """第十五条 + issue 12「只显示能办的」：初步审查逾期后，提醒（已触发未办）、综合股/办公室的逾期说明和局党组的督办都在
    各自的待办里；初步审查一办结，三者随之撤销：离开每个待办和任务列表，时间线记明原因「所催办的环节已办结」，再办理得
    409（中文说明）；主流程照常进入局党组立案决定。"""
    case = open_case(procedure, "2026-09-29")
    procedure.to("2026-09-30", 0, 0, 1)                               # the reminder fires and is left open
    procedure.after_last_day("2026-10-08")                            # the 5 days pass: 逾期说明 and 督办
    urging = {"remind_preliminary_review_due": OFFICE, "urge_preliminary_review": OFFICE,
              "supervise_preliminary_review": PARTY}
    opened = {element: case.task(element) for element in urging}
    for element, lane in urging.items():
        assert opened[element]["lane"] == lane
        assert (case.id, element) in procedure.inbox(demo_user(lane))
        assert element in [t["element"] for t in procedure.tasks(user=demo_user(lane))]

    done = case.complete("preliminary_review", review("2026-10-09"))
    assert [t["element"] for t in done["ready_tasks"]] == ["decide_filing"]
    assert done["overdue"] is True                                    # the late step stays recorded as late
    for lane in (OFFICE, PARTY):
        assert [e for c, e in procedure.inbox(demo_user(lane)) if c == case.id] == (
            ["decide_filing"] if lane == PARTY else [])
        assert [t["element"] for t in procedure.tasks(user=demo_user(lane)) if t["case"] == case.id] == (
            ["decide_filing"] if lane == PARTY else [])
    shown = case.show()
    cancelled = shown.events("task_cancelled")
    assert sorted(e["element"] for e in cancelled) == sorted(urging)
    assert {(e["reason"], e["urges"], e["urged_name"], e["urged_state"]) for e in cancelled} == {
        (URGED_DONE, "preliminary_review", "初步审查", "completed")}
    assert {t["element"]: t["state"] for t in shown["tasks"] if t["element"] in urging} == dict.fromkeys(
        urging, "cancelled")
    assert shown.ended(prefix="end_preliminary_review") == []         # none of the three branches ran to its end

    for element, task in opened.items():
        with pytest.raises(Conflict) as refused:
            case.complete_task(task, {})
        assert refused.value.status == 409
        assert str(refused.value.message) == f"任务「{task['name']}」已撤销，不能再办理：{URGED_DONE}（「初步审查」）"
    case.complete("decide_filing", filing("2026-10-10", filed=False))  # the case goes on, and can end: nothing
    done = case.complete("close_not_filed", {"not_filed_closed_on": "2026-10-10",  # urges a step that is done
                                             "not_filed_notice": "已电话告知投诉人。"})
    assert done["status"] == "completed" and done["ready_tasks"] == []


def test_art15_review_done_before_its_deadline_creates_no_reminder_or_supervision(procedure: Procedure) -> None:
    """第十五条：初步审查在提醒之前办结的，两个边界计时器随之撤销，日后什么也不产生。"""
    case = open_case(procedure, "2026-09-29")
    case.complete("preliminary_review", review("2026-09-29"))
    shown = case.show()
    assert shown.timer("timer_preliminary_review")["state"] == "cancelled"
    assert shown.timer("timer_preliminary_review_reminder")["state"] == "cancelled"
    assert procedure.after_last_day("2026-10-08") == 0
    assert case.elements() == ["decide_filing"]
    assert case.show()["overdue"] is False and case.show().events("task_cancelled", "deadline_passed") == []


def test_art15_review_completed_after_its_deadline_before_any_sweep_leaves_no_supervision_behind(
        procedure: Procedure) -> None:
    """第十五条：5 日届满后、计时器扫描之前完成初步审查的，先触发期限（案件标记逾期），督办随即因初步审查办结而撤销，都在
    同一事务里：谁的待办里都没有出现过督办，时间线写明原因。"""
    case = open_case(procedure, "2026-09-29")
    procedure.after_last_day("2026-10-08", fire=False)
    done = case.complete("preliminary_review", review("2026-10-09"))
    assert done["overdue"] is True and [t["element"] for t in done["ready_tasks"]] == ["decide_filing"]
    shown = case.show()
    assert [e["element"] for e in shown.events("deadline_passed")] == ["timer_preliminary_review"]
    assert sorted((e["element"], e["reason"]) for e in shown.events("task_cancelled")) == [
        ("remind_preliminary_review_due", URGED_DONE), ("supervise_preliminary_review", URGED_DONE),
        ("urge_preliminary_review", URGED_DONE)]
    assert not [t for t in shown["tasks"] if t["element"] != "decide_filing" and t["state"] != "completed"]


def test_art15_late_investigation_done_ends_its_explanation_and_supervision(procedure: Procedure) -> None:
    """第十五条：调查（子流程）逾期后的逾期说明和督办，在调查结束（调查报告形成、子流程办结）时随之撤销。"""
    case = filed_case(procedure, "2026-09-07", received_on="2026-09-07")
    procedure.after_last_day("2026-10-08")
    assert {"remind_investigation_due", "urge_investigation", "supervise_investigation"} <= set(case.elements())
    case.complete("investigate", investigation("2026-10-09"))
    hear_everyone(case, "2026-10-09")
    assert {"remind_investigation_due", "urge_investigation", "supervise_investigation"} <= set(case.elements())
    case.complete("write_report", report("2026-10-09"))               # the 调查 sub-process ends
    assert not {"remind_investigation_due", "urge_investigation", "supervise_investigation"} & set(case.elements())
    cancelled = [e for e in case.show().events("task_cancelled") if e["urges"] == "wenshui_investigation"]
    assert sorted(e["element"] for e in cancelled) == [
        "remind_investigation_due", "supervise_investigation", "urge_investigation"]
    assert {(e["reason"], e["urged_name"], e["urged_state"]) for e in cancelled} == {(URGED_DONE, "调查", "completed")}


def test_art15_investigation_30_days_is_soft_and_extends_with_a_reason_the_5_day_review_does_not(
        procedure: Procedure) -> None:
    """第十五条：「调查组工作一般应在立案后 30 日内结束」——「一般」：可说明理由延长（timer 与提醒一起顺延，理由记入时间线）；
    「5 日内进行初步审查」是固定期限，不能延长。9-07 立案 → 10-07 国庆 → 10-08；延长 10 日 → 10-17（周六）→ 10-19。"""
    procedure.to("2026-09-07", 9, fire=False)
    case = filed_case(procedure, "2026-09-07", received_on="2026-09-07")
    procedure.to("2026-09-29", 10, fire=False)
    shown = case.show()
    deadline = shown.timer("timer_investigation", "armed")
    assert (deadline["kind"], deadline["soft"], deadline["start"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", True, "2026-09-07", "2026-10-08", "2026-10-07")
    assert shown.timer("timer_investigation_reminder", "armed")["due_at"] == utc(at("2026-09-30"))

    with pytest.raises(Forbidden, match="cannot extend its own deadline"):   # the body it binds
        case.extend("timer_investigation", 10, "需调取外地证据。", "diaocha")
    with pytest.raises(Forbidden):                         # nor can an unrelated body
        case.extend("timer_investigation", 10, "需调取外地证据。", "zonghe")
    with pytest.raises(InvalidData, match="at most 30"):   # the modelled cap: 30 days in all
        case.extend("timer_investigation", 31, "需调取外地证据。", "dangzu")
    extended = case.extend("timer_investigation", 10, "需调取外地证据，局党组批准延长 10 日。", "dangzu")
    assert extended["last_day"] == "2026-10-19"

    shown = case.show()
    deadline = shown.timer("timer_investigation", "armed")
    assert (deadline["period"], deadline["extended_by"], deadline["last_day"], deadline["rolled_from"]) == (
        40, 10, "2026-10-19", "2026-10-17")
    assert deadline["due_at"] == utc(at("2026-10-20"))
    reminder = shown.timer("timer_investigation_reminder", "armed")
    assert (reminder["last_day"], reminder["due_at"]) == ("2026-10-19", utc(at("2026-10-16")))
    [record] = shown.events("deadline_extended")
    assert (record["element"], record["actor"], record["extra"], record["unit"], record["last_day"]) == (
        "timer_investigation", "dangzu", 10, "calendar_days", "2026-10-19")
    assert record["reason"] == "需调取外地证据，局党组批准延长 10 日。"

    # the original dates pass quietly; the moved reminder and deadline fire on the new dates
    assert procedure.after_last_day("2026-10-08") == 0
    assert procedure.to("2026-10-16", 0, 0, 1) == 1
    assert case.ready() == [
        ("investigate", GROUP), ("remind_investigation_due", GROUP)]
    assert procedure.after_last_day("2026-10-19") == 1
    shown = case.show()
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"], e["soft"]) for e in shown.events("deadline_passed")] == [
        ("timer_investigation", "2026-10-19", True)]
    assert sorted(case.ready()) == [
        ("investigate", GROUP), ("remind_investigation_due", GROUP), ("supervise_investigation", PARTY),
        ("urge_investigation", GROUP)]
    case.complete("urge_investigation",
                  {"investigation_reminder_handled_on": "2026-10-20", "investigation_delay_reason": "证据仍未调取到位。"})
    case.complete("supervise_investigation",
                  {"investigation_supervised_on": "2026-10-20", "investigation_supervision_measures": "限期 10-30 前结束。"})
    case.complete("investigate", investigation("2026-10-21"))
    assert case.elements() == ["remind_investigation_due", "statement"]

    # a fixed deadline: the 5-day preliminary review of another case cannot be extended
    procedure.to("2026-10-21", 9, fire=False)
    other = open_case(procedure, "2026-10-20")
    with pytest.raises(Conflict, match="fixed by the regulation"):
        other.extend("timer_preliminary_review", 5, "材料较多。", "zonghe")
    shown = other.show()
    assert shown.timer("timer_preliminary_review")["last_day"] == "2026-10-26"
    assert not shown.events("deadline_extended")


def test_art19_the_delivery_names_every_liable_person_each_window_from_their_own_receipt(procedure: Procedure) -> None:
    """第十九条「接到处理决定后 30 日内」：每名责任人的申诉期自本人接到之日起算，送达记录必须逐人写明；漏记责任人的送达
    记录被拒绝并点名（422），案件不变。"""
    case = reported_case(procedure, "2026-09-29")
    case.complete("decide", decision("2026-09-29", ruling("陈晨", "officer", "liable")))
    assert case.lane("deliver") == DEPARTMENT
    with pytest.raises(InvalidData) as refused:
        case.complete("deliver", {"deliveries": [{"person": "王敏", "received_on": "2026-09-30"}]})
    assert str(refused.value) == "每名被认定承担责任的人员都须有送达记录：「陈晨」没有送达记录（接到处理决定之日）"
    assert case.elements() == ["deliver"]
    case.complete("deliver", {"deliveries": [{"person": "陈晨", "received_on": "2026-10-01"}]})
    window = case.timer("timer_appeal_window")
    assert (window["start"], window["last_day"]) == ("2026-10-01", "2026-11-02")     # 10-31 is a Saturday


def test_art19_an_appeal_filed_in_time_counts_though_registered_after_the_window(procedure: Procedure) -> None:
    """第十九条「在接到处理决定后 30 日内…申诉」：以提出之日为准。9-29 接到 → 最后一日 10-29；10-29 寄出、11-03 才送到
    监察部门的申诉，在申诉期届满后登记，照样受理并处理；期满不取消登记任务。"""
    case = decided_case(procedure, "2026-09-29")
    procedure.after_last_day("2026-10-29")
    assert case.show().path("period_ended") == ["timer_appeal_window"]
    procedure.to("2026-11-03", 10, fire=False)
    case.complete("register_appeal_in_window", appeal("2026-10-29") | {"appeal_accepted_on": "2026-11-03"})
    shown = case.show()
    assert case.ready() == [("decide_appeal", APPEAL_BODY)]
    assert [(e["element"], e["actor"]) for e in shown.events("task_completed")][-1] == (
        "register_appeal_in_window", "jiancha")
    done = case.complete("decide_appeal", appeal_decided("upheld", "2026-12-01"))
    assert done["status"] == "completed"
    [result] = case.show()["data"]["review_appeal_results"]
    assert (result["appeal_applied"], result["appeal_outcome"]) == (True, "upheld")


@pytest.mark.parametrize("swept", [True, False])
def test_art19_an_appeal_filed_after_the_last_day_is_refused_with_both_dates(procedure: Procedure, swept: bool) -> None:
    """第十九条：提出日期晚于申诉期最后一日的登记被拒绝（422），提示写明两个日期；案件不变，登记任务仍在，受理机关可以
    改登记为期内未提出申诉。无论定时扫描是否已记录期满，结果相同。"""
    case = decided_case(procedure, "2026-09-29")
    procedure.after_last_day("2026-10-29", fire=swept)
    before = case.show()
    with pytest.raises(InvalidData) as refused:
        case.complete("register_appeal_in_window", appeal("2026-10-30"))
    assert str(refused.value) == "申诉期届满后提出的申诉不能登记：申诉提出日期2026年10月30日晚于申诉期最后一日2026年10月29日"
    assert refused.value.status == 422 and refused.value.details["check"] == "appeal_filed_in_window"
    assert [e["path"] for e in refused.value.details["errors"]] == ["appeal_filed_on"]
    after = case.show()
    assert (after["events"], after["tasks"], after["status"]) == (before["events"], before["tasks"], "running")
    assert after["incidents"] == []                              # a refused submission, not a broken case
    assert case.ready() == [("register_appeal_in_window", APPEAL_BODY)]
    case.complete("register_appeal_in_window", NONE_FILED)
    shown = case.show()
    assert shown["status"] == "completed" and shown.ended()[-1] == "end_decision_effective"
    assert [f["person"] for f in shown["faults"]] == ["陈晨"]


def test_art19_has_no_review_the_window_closing_ends_the_case_without_anyone_recording_one(
        procedure: Procedure) -> None:
    """第十九条只规定申诉，未规定复核：载入申诉期限时 review_route = False，review_appeal 不开复核途径——复核机关没有
    任务，没有人登记「不申请复核」。30 日申诉期届满未申诉，案件即以「处理决定生效」结束，过错责任人登记。"""
    case = decided_case(procedure, "2026-09-29")
    shown = case.show()
    assert shown["data"]["review_route"] is False
    assert case.ready() == [("register_appeal_in_window", APPEAL_BODY)]
    assert shown.lane_tasks(REVIEW_BODY) == []
    # review_appeal's 复核 route ended at once: from its first gateway straight to the route's end, no registration
    walked = shown.path("gateway", "script", "task_completed")
    review_route = ("init_review", "gw_review_window", "gw_review_applied", "gw_review_period", "gw_post_review_appeal",
                    "gm_review_registered", "gm_review_route_done")
    assert [e for e in walked if e in review_route] == ["init_review", "gw_review_window", "gm_review_route_done"]

    assert procedure.after_last_day("2026-10-29") == 1                  # the 30-day 申诉期, the only timer
    case.complete("register_appeal_in_window", NONE_FILED)
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    assert shown.ended()[-1] == "end_decision_effective"
    assert case.tasks() == [] and shown.lane_tasks(REVIEW_BODY) == []
    # after the decision and its delivery only the 监察部门 acted: nobody recorded a 复核
    assert [e["actor"] for e in shown.events("task_completed")][-3:] == ["xiangguan", "xiangguan", "jiancha"]
    [result] = shown["data"]["review_appeal_results"]
    assert (result["review_applied"], result["review_outcome"], result["appeal_applied"]) == (False, None, False)
    assert [(f["person"], f["confirmed_on"]) for f in shown["faults"]] == [("陈晨", "2026-09-29")]


def test_art19_an_appeal_that_revokes_the_decision_keeps_the_appellant_out_of_the_registry(
        procedure: Procedure) -> None:
    """第十九条、第九条(三)：两名责任人都申诉（处理期限未规定，SILENT，无计时器）；撤销处理决定的申诉人不登记入过错
    登记簿，变更处理的仍登记原认定的角色和责任（过错已经认定）；以后的案件只计已登记的过错。"""
    case = reported_case(procedure, "2026-09-29", investigated=collective_investigation("2026-09-29"))
    decide(case, decision("2026-09-29", ruling("赵局长", "decision_maker", "primary"),
                          ruling("钱某", "participant", "secondary"), ruling("孙某", "participant", "none"),
                          ruling("陈晨", "officer", "none")), "2026-09-30")
    for name in ("赵局长", "钱某"):
        case.complete("register_appeal_in_window", appeal("2026-10-20"), applicant=name)
    assert [t["state"] for t in case.show().timers("timer_appeal_window")] == ["cancelled", "cancelled"]
    assert procedure.to("2026-12-15", 9) == 0
    case.complete("decide_appeal", appeal_decided("revoked", "2026-12-15"), applicant="赵局长")
    assert case.show()["faults"] == []          # not before every appeal is over
    done = case.complete("decide_appeal", appeal_decided("changed", "2026-12-16"), applicant="钱某")
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended()[-1] == "end_appeal_concluded"
    results = {r["applicant"]: (r["appeal_outcome"], r["decision_changed"])
               for r in shown["data"]["review_appeal_results"]}
    assert results == {"赵局长": ("revoked", True), "钱某": ("changed", True)}
    assert shown["data"]["registered_faults"] == ["钱某"]
    assert shown.faults() == [("钱某", "wenshui", "art7_7", "2026-09-29", "participant", "secondary")]

    procedure.to("2026-12-20", 9, fire=False)
    later = reported_case(procedure, "2026-12-20", investigated=collective_investigation("2026-12-20")).show()
    assert (assessment(later, "赵局长")["prior_same_faults"], assessment(later, "钱某")["prior_same_faults"]) == (0, 1)


def test_art19_nobody_liable_nobody_to_appeal_the_decision_takes_effect_at_once(procedure: Procedure) -> None:
    """第十九条「行政过错责任人」：处理决定认定无人承担责任的，没有申诉人，review_appeal 没有实例，处理决定即生效，
    不登记过错。"""
    case = reported_case(procedure, "2026-09-29")
    done = decide(case, decision("2026-09-29", ruling("陈晨", "officer", "none", grade_basis="无过错。")),
                  "2026-09-30")
    assert done["status"] == "completed" and done["ready_tasks"] == []
    shown = case.show()
    assert shown["data"]["review_parties"] == [] and shown["data"]["review_appeal_results"] == []
    assert shown.ended()[-1] == "end_decision_effective"
    assert shown["faults"] == [] and shown["data"]["registered_faults"] == []
    assert not shown.timers("timer_appeal_window")


def test_art6_a_reward_runs_beside_the_decision_and_both_must_finish(procedure: Procedure) -> None:
    """第六条：对及时发现、制止、纠正行政过错有突出表现的工作人员，应给予表彰奖励——与第十八条处理决定并行。"""
    case = decided_case(procedure, "2026-09-29", reward=True)
    assert sorted(case.ready()) == [("decide", DEPARTMENT), ("reward_nomination", PARTY)]
    case.complete("reward_nomination",
                  {"reward_proposals": [{"person": "王敏", "conduct_detail": "复查案卷时及时发现。", "proposed_reward": "通报表扬"}],
                   "reward_nominated_on": "2026-09-30"})
    decide(case, decision("2026-09-30"), "2026-09-30")
    accept_decision(case)                                    # 陈晨 does not appeal (第十九条)
    assert case.show()["status"] == "running"      # the reward is not yet recorded
    done = case.complete("reward_record",
                         {"reward_results": [{"person": "王敏", "granted": True, "reward_given": "通报表扬"}],
                          "reward_decided_on": "2026-10-09"})
    assert done["status"] == "completed"
    shown = case.show()
    assert sorted(shown.ended("end_")) == ["end_decision_effective", "end_reward"]
    assert shown["data"]["reward_results"][0]["person"] == "王敏"


def test_art9_3_repeat_faults_of_the_same_type_are_counted_from_the_registry_the_decisions_write(
        procedure: Procedure) -> None:
    """第九条(三)「两次或两次以上发生同类型的行政过错行为的，应当从重追究责任」: prior_same_faults is what the fault
    registry holds for the person (same 第七条/第八条 item, no time window, this case not counted), never a typed-in
    number. One earlier fault plus this one are two only if this case counts, which the text leaves open (SILENT):
    the table answers undetermined and 相关部门 decides; with two earlier faults it answers 应当从重."""
    first = decided_case(procedure, "2026-09-29")
    assert first.show()["faults"] == []        # recorded once the 第十九条 appeal is over
    accept_decision(first)
    shown = first.show()
    assert assessment(shown, "陈晨")["prior_same_faults"] == 0
    assert shown.faults() == [("陈晨", "wenshui", "art7_7", "2026-09-29", "officer", "liable")]

    procedure.to("2026-11-02", 9, fire=False)
    second = reported_case(procedure, "2026-11-02")
    shown = second.show()
    chen = assessment(shown, "陈晨")
    assert (chen["fault_type"], chen["prior_same_faults"]) == ("art7_7", 1)
    repeat = [e for e in chen["effects"] if e["basis"].startswith("文水 第九条(三)")]
    assert [e["effect"] for e in repeat] == ["undetermined"] and "a human decides" in repeat[0]["basis"]
    assert "aggravate" not in [e["effect"] for e in chen["effects"]] and chen["needs_human"] is True
    [record] = shown.decisions("wenshui_circumstances")
    assert table_input(record, "prior_same_faults") == 1
    assert "ws_circ_WA3_current" in rule_ids(record) and "ws_circ_WA3" not in rule_ids(record)
    decide(second, decision("2026-11-02", ruling(
        "陈晨", "officer", "liable", severity_adjustment="heavier", grade_basis="文水 第九条(三)：本案计入，两次同类型过错。")),
        "2026-11-02")
    accept_decision(second)
    assert [(f["fault_type"], f["confirmed_on"]) for f in second.show()["faults"]] == [
        ("art7_7", "2026-11-02")]

    # 同类型: the same person's 第八条(二) fault is another type, so nothing earlier counts
    procedure.to("2026-11-03", 9, fire=False)
    other = reported_case(procedure, "2026-11-03", fault_type="art8_2").show()
    chen = assessment(other, "陈晨")
    assert (chen["fault_type"], chen["prior_same_faults"], chen["article7_fault"]) == ("art8_2", 0, False)
    assert not [e for e in chen["effects"] if e["basis"].startswith("文水 第九条(三)")]

    # a third 第七条(七) fault: two earlier ones in the registry, 应当从重
    procedure.to("2026-11-04", 9, fire=False)
    third = reported_case(procedure, "2026-11-04").show()
    chen = assessment(third, "陈晨")
    assert chen["prior_same_faults"] == 2
    assert [e["effect"] for e in chen["effects"] if e["basis"].startswith("文水 第九条(三)")] == ["aggravate"]
    [record] = third.decisions("wenshui_circumstances")
    assert "ws_circ_WA3" in rule_ids(record) and "ws_circ_WA3_current" not in rule_ids(record)


@pytest.mark.parametrize("fault_type, rule, effect", [
    ("art7_7", "ws_circ_WLX", "excluded"),
    ("art8_2", "ws_circ_WL1", "discretionary_mitigate_or_exempt"),
], ids=["art7-fault", "art8-fault"])
def test_art10_proviso_is_the_text_not_a_setting(procedure: Procedure, fault_type: str, rule: str,
                                                 effect: str) -> None:
    """第十条「可以从轻、减轻或免于追究责任，但有第七条规定情形的除外」: article7_fault follows from the person's fault
    item and the 但书 applies as written: a 第七条 fault is offered no 第十条 leniency. No start data can switch it
    off: the process takes none."""
    with pytest.raises(InvalidData):
        procedure.start({"config": {"article10_exclusion": "not_literal"}})
    case = reported_case(procedure, "2026-09-29", fault_type=fault_type)
    shown = case.show()
    chen = assessment(shown, "陈晨")
    assert chen["article7_fault"] is fault_type.startswith("art7_")
    assert [e["effect"] for e in chen["effects"]] == [effect]
    assert chen["effects"][0]["basis"].startswith("文水 第十条")
    assert [rule_ids(d) for d in shown.decisions("wenshui_circumstances")] == [[rule]]
    assert chen["needs_human"] is (effect != "excluded")


def test_art9_3_a_person_without_a_recorded_fault_item_is_left_to_the_department(procedure: Procedure) -> None:
    """第九条(三)「同类型」needs the person's 第七条/第八条 item: for a person the 调查组 did not record, the diagram does
    not guess a type or count every type: the count stays empty and the assessment goes to 相关部门."""
    investigated = collective_investigation("2026-09-29")
    investigated["person_facts"] = [f for f in investigated["person_facts"] if f["person"] != "钱某"]
    shown = reported_case(procedure, "2026-09-29", investigated=investigated).show()
    voter = assessment(shown, "钱某")
    assert (voter["facts_recorded"], voter["fault_type"], voter["prior_same_faults"]) == (False, None, None)
    assert voter["effects"] == [] and voter["needs_human"] is True
    assert assessment(shown, "赵局长")["facts_recorded"] is True


# ------------------------------------------------------------------------------------------------ the CLI

def test_art15_the_not_filed_path_through_the_wenze_command(tmp_path: Path) -> None:
    """第十五条 不予立案，经 `wenze` 命令行走完（系统时钟：收到日期取北京时间今天）。"""
    wenze = Path(sys.executable).parent / "wenze"
    env = {**os.environ, "WENZE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "PYTHONPATH": str(ROOT)}
    env.pop("WENZE_USER", None)

    def run(*args: str) -> Any:
        done = subprocess.run([str(wenze), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def run_json(*args: str) -> Any:
        return json.loads(run(*args))

    def complete_via_cli(element: str, data: dict[str, Any], user: str) -> dict[str, Any]:
        [task] = [t for t in run_json("tasks", "--json") if t["element"] == element]
        return run_json("complete", task["id"], "--data", json.dumps(data, ensure_ascii=False), "--user", user)

    today = dt.datetime.now(SHANGHAI).date().isoformat()
    run("migrate")
    assert sorted(d["process_id"] for d in run_json("deploy")) == [
        "chifeng_fault_accountability", "chifeng_interference", "jinzhai_lost_case_accountability",
        "mingshan_fault_accountability", "review_appeal", "wenshui_fault_review", "yanchi_fault_accountability"]
    run("users", "demo")
    started = run_json("start", PROCESS, "--user", "zonghe")
    assert [t["element"] for t in started["ready_tasks"]] == ["intake"]
    complete_via_cli("intake", intake(today), "zonghe")
    complete_via_cli("preliminary_review", review(today), "zonghe")
    complete_via_cli("decide_filing", filing(today, filed=False), "dangzu")
    done = complete_via_cli("close_not_filed", {"not_filed_closed_on": today}, "zonghe")
    assert done["status"] == "completed"
    assert run_json("tasks", "--json") == []

    case = run_json("show", str(started["case"]), "--json")
    assert case["status"] == "completed" and case["overdue"] is False
    assert [e["element"] for e in case["events"] if e["kind"] == "end_event"] == ["end_not_filed"]
    review_deadline = next(t for t in case["timers"] if t["element"] == "timer_preliminary_review")
    assert review_deadline["start"] == today and review_deadline["state"] == "cancelled"


def test_art11_4_an_overridden_correct_opinion_is_not_liable_and_who_changed_it_is_named(procedure: Procedure) -> None:
    """第十一条（四）「批准人改变了具体工作人员和审核人的正确意见…批准人是行政过错责任人」: 张局长 (批准人) is proposed
    liable, 陈晨 and 李审核 whose opinions he changed are not. An investigation that says a superior changed the
    opinion but not who (审核人 or 批准人) is refused: the superior must be named."""
    changed = investigation("2026-09-29", act_mode="superior_changed",
                            persons={"officer": "陈晨", "reviewer": "李审核", "approver": "张局长"},
                            person_facts=[person_facts("陈晨"), person_facts("李审核"), person_facts("张局长")])
    with pytest.raises(InvalidData):
        filed_case(procedure, "2026-09-29", received_on="2026-09-29").complete("investigate", changed)
    case = reported_case(procedure, "2026-09-29", investigated=changed | {"approver_changed_correct": True})
    proposal = case.show()["data"]["blame_proposal"]
    assert {(s["person"], s["grade"]) for s in proposal} == {("张局长", "liable"), ("陈晨", "none"), ("李审核", "none")}
    assert all(s["basis"].startswith("文水 第十一条(四)") for s in proposal)
