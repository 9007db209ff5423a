"""明山区行政执法过错责任追究 (bpmn/mingshan_fault_accountability.bpmn) walked path by path through the runner.

第十八条: 立案、调查、听取陈述和辩解，作出处理决定. Both start paths (第十九条 主动报告, 第二十条 转报), every early end
(不予立案, 第六条 免予追究, 过错不成立), 第十二条 levels with their measures, 第十三条 appeals against 政纪处分 only, and
第十五条's 年内 restrictions recorded as case data. 第十一条（3）「全年累计发生三次（含三次）以上」 counts come from the fault
registry (earlier cases record their faults when the decision takes effect), never from a typed-in number. 明山 has no
numeric deadline anywhere, so no case ever has a timer. 第十三条 appeals run through the shared call activity
review_appeal, one instance per person with a 政纪处分, every window SILENT (None): the 申诉受理机关 records the appeal
(or that there is none) and its outcome by hand. 第十三条 provides no 复核 at all, so the case sets review_route = False
and review_appeal opens no 复核 route: the 复核机关 never has a task.
Every test runs on SQLite and PostgreSQL with the real bpmn/ and forms/ (the `procedure` fixture).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.procedures.driver import Case, InvalidData, Procedure

PROCESS = "mingshan_fault_accountability"
OFFICE, GROUP = "领导小组办公室", "执法过错责任追究领导小组"
REVIEW_BODY = "复核机关"        # review_appeal's generic 复核 lane: 第十三条 has no 复核, no task ever goes there
# 第十三条 names no body that receives the 申诉: mingshan.json binds review_appeal's 申诉受理机关 to one the office
# designates, and its name says so
APPEAL_BODY = "申诉受理机关（明山 第十三条未规定，由本机关指定）"
WALKED = ("task_completed", "gateway", "script", "end_event")   # the path: user tasks, gateways, scripts, ends


NO_APPEAL = {"appeal_applied": False, "appeal_grounds": "当事人书面表示不申诉。"}


def appeal(on: str) -> dict[str, Any]:
    return {"appeal_applied": True, "appeal_filed_on": on, "appeal_accepted_on": on, "appeal_addressee": "区监察委员会",
            "appeal_grounds": "处分过重。"}


def appeal_decided(outcome: str, on: str) -> dict[str, Any]:
    return {"appeal_outcome": outcome, "appeal_decision_summary": "申诉处理决定。", "appeal_decided_on": on}


# ------------------------------------------------------------------------------------------------ form data

def receive(channel: str) -> dict[str, Any]:
    return {"received_on": "2026-09-29", "report_channel": channel, "report_summary": "行政复议撤销了一起处罚决定。"}


PERSONS = [{"name": "刘伟", "unit": "执法一科", "position": "执法人员"},
           {"name": "孙丽", "unit": "法制科", "position": "审核人员"}]

SELF_REPORT = {"reporter_kind": "unit", "reporter_name": "执法一科", "persons_concerned": PERSONS,
               "art5_items": ["art5_2"], "reported_timely": True, "facts": "处罚决定被复议机关撤销。"}

REFERRAL = {"referral_source": "public_report", "forwarded_by": "城区执法中队", "original_reporter": "王某",
            "persons_concerned": PERSONS[:1], "art5_items": ["art5_8"], "forwarded_timely": True,
            "facts": "群众举报处罚对象错误。"}


def filing(filed: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"legal_finding": "yes" if filed else "not_applicable", "file_case": filed,
                            "filing_reasons": "复议决定已撤销原处罚。" if filed else "举报事项不属实。"}
    if filed:
        data |= {"legal_finding_body": "区人民政府", "legal_finding_document": "明复决〔2026〕7号",
                 "legal_finding_on": "2026-09-20", "filed_on": "2026-09-30", "case_no": "明过〔2026〕3号"}
    return data


INVESTIGATION = {"investigation_facts": "承办人适用法律错误，审核人员未发现。", "evidence": ["复议决定书", "案卷"],
                 "confirmed_art5_items": ["art5_2", "art5_6"], "art8_items": ["art8_6", "art9"],
                 "act_mode": "reviewed_approved", "persons": {"officer": "刘伟", "reviewer": "孙丽"},
                 "officer_concealed": False, "reviewer_missed": True, "approver_irresponsible": False,
                 "superior_decision": False, "party_caused": False, "force_majeure": False,
                 "self_reported": True, "exempt_unclear_law": False, "exempt_law_amended": False,
                 "exempt_new_evidence": False, "officer_fault_item": 6,
                 "person_circumstances": [{"person": "刘伟"}, {"person": "孙丽"}]}

CONCLUSION = {"conclusion": "刘伟适用法律错误，孙丽审核未发现。", "proposed_accountability": "pursue",
              "concluded_on": "2026-10-15"}


def heard(on: str = "2026-10-21", outcome: str = "stated") -> dict[str, Any]:
    """第十八条: one person's 陈述和辩解 (or their refusal or waiver), dated."""
    record: dict[str, Any] = {"outcome": outcome, "on": on, "place": "局会议室", "signed": outcome != "refused",
                              "recorded_by": "办公室 张敏"}
    if outcome == "stated":
        record |= {"statement": "对法条理解有误。", "defence": "案情复杂。"}
    return {"hearing_record": record}


def hear_everyone(case: Case, on: str = "2026-10-21") -> None:
    """The office hears each person the group proposes to hold liable (one task per person)."""
    for task in case.tasks("hearing"):
        case.complete_task(task, heard(on))


def finding(person: str, role: str, **extra: Any) -> dict[str, Any]:
    data = {"person": person, "role": role, "liability_basis": ["art8_6"], "exempted": False,
            "aggravating_items": [], "level": "L3"} | extra
    if data["exempted"]:
        data.pop("level")
    return data


def review(accountability: str = "pursue", findings: list[dict[str, Any]] | None = None, **extra: Any) -> dict:
    return {"meeting_on": "2026-10-20", "members_present": ["局长 周强", "副局长 吴刚", "纪检组长 郑红"],
            "collective_decision_record": "会议一致认定。", "fault_nature": ["art5_6"],
            "accountability": accountability,
            "person_findings": findings or [finding("刘伟", "officer"), finding("孙丽", "reviewer",
                                                                              liability_basis=["art9"])],
            "handling_opinion": "刘伟警告处分，孙丽通报批评。", "proposal_adopted": True} | extra


def decision(*people: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"decision_maker": "执法过错责任追究领导小组", "decision_document_no": "明过决〔2026〕3号",
            "decided_on": "2026-10-23", "person_decisions": list(people), "hearing_considered": "辩解不成立，不予采纳。",
            "compensation_involved": False,
            "disqualification_year": 2026} | extra


def person(name: str, unit: str, level: str, measures: list[str], **extra: Any) -> dict[str, Any]:
    return {"person": name, "unit": unit, "level": level, "measures": measures, "aggravated": False} | extra


def start(procedure: Procedure, channel: str) -> Case:
    case = procedure.start()
    assert case.elements() == ["receive"]
    case.complete("receive", receive(channel))
    return case


def to_review(procedure: Procedure, channel: str = "self_report", concluded_on: str = "2026-10-15") -> Case:
    """Intake through the office's conclusion; the case waits for the leading group."""
    case = start(procedure, channel)
    case.complete("self_report" if channel == "self_report" else "referral",
                  SELF_REPORT if channel == "self_report" else REFERRAL)
    case.complete("file_case", filing())
    case.complete("investigate", INVESTIGATION)
    case.complete("conclude", CONCLUSION | {"concluded_on": concluded_on})
    review_task = case.task("review")
    assert review_task["lane"] == GROUP and review_task["form"] == "mingshan_review.json"
    return case


# ------------------------------------------------------------------------------------------------ scenarios

def test_self_report_19_through_decision_and_appeal_13_records_the_15_restrictions(procedure: Procedure) -> None:
    """第十九条 主动报告 → 立案 → 调查 → 听取陈述和辩解 → 审查认定 → 处理决定 (第十二条 L3 警告 and L2 通报批评) →
    第十五条 年内 restrictions for both people and both units → 第十三条 申诉 by the one with a 政纪处分."""
    case = to_review(procedure)
    shown = case.show()
    for element in ("receive", "self_report", "file_case", "investigate", "conclude"):
        assert next(t for t in shown["tasks"] if t["element"] == element)["lane"] == OFFICE
    proposal = shown["data"]
    # 第八条（6）/第九条 (decision table mingshan_blame): the officer and the reviewer are proposed as liable
    assert {(r["role"], r["grade"]) for r in proposal["mingshan_blame"]} == {("officer", "liable"),
                                                                             ("reviewer", "liable")}
    assert [(a["person"], a["role"], a["facts_recorded"]) for a in proposal["circumstance_assessments"]] == [
        ("刘伟", "officer", True), ("孙丽", "reviewer", True)]
    case.complete("review", review(findings=[
        finding("刘伟", "officer"), finding("孙丽", "reviewer", liability_basis=["art9"], level="L2")]))
    offered = case.show()
    # 第十二条 (decision table mingshan_levels): each level offers its own measures, one list per person
    assert offered["data"]["finding_levels"] == ["L3", "L2"]
    assert offered["data"]["offered_measures"] == [["责令停职检查", "暂停执法活动", "警告处分", "严重警告处分"],
                                                   ["责令书面检查", "通报批评"]]
    assert [d["decision"] for d in offered["decisions"]] == ["mingshan_blame", "mingshan_circumstances",
                                                             "mingshan_circumstances", "mingshan_levels",
                                                             "mingshan_levels"]
    assert case.lane("decide") == GROUP
    hear_everyone(case)
    case.complete("decide", decision(person("刘伟", "执法一科", "L3", ["warning", "suspend_enforcement"]),
                                     person("孙丽", "法制科", "L2", ["circulated_criticism"])))
    shown = case.show()
    data = shown["data"]
    assert data["disqualified_persons"] == [
        {"person": "刘伟", "unit": "执法一科", "year": 2026, "no_advanced_award": True, "no_promotion": True,
         "basis": "明山 第十五条", "decision_document_no": "明过决〔2026〕3号"},
        {"person": "孙丽", "unit": "法制科", "year": 2026, "no_advanced_award": True, "no_promotion": True,
         "basis": "明山 第十五条", "decision_document_no": "明过决〔2026〕3号"}]
    assert data["disqualified_units"] == [
        {"unit": "执法一科", "year": 2026, "no_advanced_rating": True, "basis": "明山 第十五条",
         "decision_document_no": "明过决〔2026〕3号"},
        {"unit": "法制科", "year": 2026, "no_advanced_rating": True, "basis": "明山 第十五条",
         "decision_document_no": "明过决〔2026〕3号"}]
    assert data["appealable_persons"] == ["刘伟"]            # 警告 is a 政纪处分; 通报批评 is not (第十三条)
    # 第十三条 through review_appeal: one instance, for 刘伟 only; every window SILENT, so no timer and the appeal
    # waits for a registration by hand; 第十三条 has no 复核, so there is no 复核 route (review_route = False)
    assert data["review_parties"] == [{"name": "刘伟", "kind": "person", "decision_received_on": None}]
    assert data["review_route"] is False
    assert case.ready() == [("register_appeal", APPEAL_BODY)]
    assert shown["timers"] == [] and shown["faults"] == []   # not final while the appeal may still change it

    case.complete("register_appeal", appeal("2026-10-30"), applicant="刘伟")
    assert case.ready() == [("decide_appeal", APPEAL_BODY)]
    assert case.show()["faults"] == []
    done = case.complete("decide_appeal", appeal_decided("upheld", "2026-11-20"), applicant="刘伟")
    assert done["status"] == "completed"
    shown = case.show()
    [result] = shown["data"]["review_appeal_results"]
    assert (result["applicant"], result["appeal_applied"], result["appeal_outcome"], result["review_applied"],
            result["decision_changed"]) == ("刘伟", True, "upheld", False, False)
    assert result["execution_basis"].startswith("明山 第十三条")
    assert shown["data"]["person_decisions"][0]["level"] == "L3"
    walked = shown.path(*WALKED)
    # no 复核 route: gw_review_window goes straight to the route's end; every 申诉 window SILENT: the 未规定 branches
    # lead to the tasks without a timer
    assert walked[walked.index("record_restrictions"):] == [
        "record_restrictions", "gw_appealable", "set_appeal_windows", "load_windows", "fork_routes", "init_review",
        "init_appeal", "gw_review_window", "gw_appeal_window", "gm_review_route_done", "register_appeal",
        "gm_appeal_registered", "gw_appeal_applied", "gw_appeal_period", "decide_appeal", "gm_appeal_decided",
        "gm_appeal_route_done", "join_routes", "record_result", "end", "join_effective", "record_faults",
        "end_effective"]
    assert shown.lane_tasks(REVIEW_BODY) == []
    # 第十一条（3）: once the decision takes effect (here: the appeal upheld it) both faults enter the registry, dated
    # with the decision (第十八条) and typed with the first 第五条 item the group found
    assert shown.faults() == [
        ("刘伟", "mingshan", "art5_6", "2026-10-23", "officer", "L3"),
        ("孙丽", "mingshan", "art5_6", "2026-10-23", "reviewer", "L2")]
    assert shown["data"]["registered_faults"] == ["刘伟", "孙丽"]
    assert [e["kind"] for e in shown["events"]].count("fault_recorded") == 2
    assert shown["timers"] == [] and shown["overdue"] is False   # 明山 sets no numeric deadline at all


def test_referral_20_not_filed_ends_the_case(procedure: Procedure) -> None:
    """第二十条 转报 → 第十七条（1） the office does not open a case → 不予立案 ends it."""
    case = start(procedure, "referral")
    assert case.elements() == ["referral"]
    case.complete("referral", REFERRAL)
    case.complete("file_case", filing(filed=False))
    done = case.complete("close_not_filed", {"closed_on": "2026-10-08", "reporter_informed": True})
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.path(*WALKED) == ["receive", "gw_channel", "referral", "join_channel", "file_case", "gw_file",
                                   "close_not_filed", "end_not_filed"]
    assert "disqualified_persons" not in shown["data"] and shown["faults"] == []


def test_exemption_6_ends_the_case_before_any_decision(procedure: Procedure) -> None:
    """第六条（7）: the fault was mainly decided by a superior; the group exempts everyone and the case ends, with no
    处理决定 and no 第十五条 restriction."""
    case = to_review(procedure, "referral")
    with pytest.raises(InvalidData):     # an exemption must name the 第六条 item it rests on
        case.complete("review", review("exempt", [finding("刘伟", "officer", exempted=True)]))
    done = case.complete("review", review(
        "exempt", [finding("刘伟", "officer", exempted=True, exemption_items=["art6_7"])],
        exemption_items=["art6_7"]))
    assert done["status"] == "completed"
    shown = case.show()
    data = shown["data"]
    assert shown.path(*WALKED)[-3:] == ["review", "gw_pursue", "end_exempt"]
    assert "person_decisions" not in data and "disqualified_persons" not in data
    assert shown["faults"] == []          # 第六条: an exempted person has no fault to count


def test_fault_not_established_7_ends_the_case(procedure: Procedure) -> None:
    """第七条: the group finds no 过错; the case ends at 过错不成立."""
    case = to_review(procedure)
    done = case.complete("review", review("not_established", fault_nature=[]))
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.path(*WALKED)[-1] == "end_not_established"
    assert shown["faults"] == []


def test_level_1_measures_only_and_no_appeal_without_a_disciplinary_sanction_13(procedure: Procedure) -> None:
    """第十二条（1） 性质轻微: only 批评教育 and 责令限期改正 may be chosen (the form refuses a 警告 at L1, and a
    限期改正 without its date); without a 政纪处分 there is no 第十三条 appeal step and the decision is executed."""
    case = to_review(procedure)
    case.complete("review", review(findings=[finding("刘伟", "officer")]))
    hear_everyone(case)
    with pytest.raises(InvalidData):
        case.complete("decide", decision(person("刘伟", "执法一科", "L1", ["warning"])))
    with pytest.raises(InvalidData) as missing:
        case.complete("decide", decision(person("刘伟", "执法一科", "L1", ["order_correction"])))
    assert [e["path"] for e in missing.value.details["errors"]] == ["person_decisions/0/correction_due_on"]
    done = case.complete("decide", decision(person("刘伟", "执法一科", "L1", ["criticism_education", "order_correction"],
                                                   correction_due_on="2026-11-30")))
    assert done["status"] == "completed"
    shown = case.show()
    data = shown["data"]
    assert data["appealable_persons"] == []
    assert data["disqualified_units"] == [{"unit": "执法一科", "year": 2026, "no_advanced_rating": True,
                                           "basis": "明山 第十五条", "decision_document_no": "明过决〔2026〕3号"}]
    assert shown.path(*WALKED)[-5:] == ["record_restrictions", "gw_appealable", "join_effective", "record_faults",
                                        "end_effective"]
    assert [(f["person"], f["grade"]) for f in shown["faults"]] == [("刘伟", "L1")]


@pytest.mark.parametrize("level, measures", [("L4", ["demerit", "transfer"]), ("L5", ["judicial_referral"])])
def test_levels_4_and_5_offer_their_own_measures_12(procedure: Procedure, level: str, measures: list[str]) -> None:
    """第十二条（4） 记过以上处分直至调离、辞退和开除公职; 第十二条（5） 交由司法部门. A level refuses another level's
    measures; 记过 is a 政纪处分 (appealable), 交司法部门 is not."""
    case = to_review(procedure)
    case.complete("review", review(findings=[finding("刘伟", "officer", aggravating_items=["art11_1"])]))
    hear_everyone(case)
    with pytest.raises(InvalidData):
        case.complete("decide", decision(person("刘伟", "执法一科", level, ["circulated_criticism"])))
    case.complete("decide", decision(person("刘伟", "执法一科", level, measures, aggravated=True)))
    data = case.show()["data"]
    assert data["appealable_persons"] == (["刘伟"] if level == "L4" else [])
    assert data["person_decisions"][0]["measures"] == measures


def test_appeal_13_not_filed_leaves_the_decision_in_force(procedure: Procedure) -> None:
    """第十三条: the person with a 政纪处分 does not appeal (no appeal period exists: the 申诉受理机关 records it by hand);
    第十三条 has no 复核, so nothing else is waited for: the decision takes effect and the fault is recorded."""
    case = to_review(procedure)
    case.complete("review", review(findings=[finding("刘伟", "officer")]))
    hear_everyone(case)
    case.complete("decide", decision(person("刘伟", "执法一科", "L3", ["serious_warning"])))
    with pytest.raises(InvalidData) as refused:     # an appeal says when it was filed and accepted, where, and why
        case.complete("register_appeal", {"appeal_applied": True}, applicant="刘伟")
    assert [e["path"] for e in refused.value.details["errors"]] == [
        "appeal_filed_on", "appeal_accepted_on", "appeal_addressee", "appeal_grounds"]
    assert case.elements() == ["register_appeal"]      # the only task: no 复核 route
    done = case.complete("register_appeal", NO_APPEAL, applicant="刘伟")
    assert done["status"] == "completed" and done["ready_tasks"] == []
    shown = case.show()
    assert shown.lane_tasks(REVIEW_BODY) == []
    assert shown.path(*WALKED)[-4:] == ["end", "join_effective", "record_faults", "end_effective"]
    [result] = shown["data"]["review_appeal_results"]
    assert (result["appeal_applied"], result["review_applied"], result["decision_changed"]) == (False, False, False)
    assert [f["person"] for f in shown["faults"]] == ["刘伟"] and shown["timers"] == []


def test_nobody_is_sanctioned_unheard_18(procedure: Procedure) -> None:
    """第十八条「听取陈述和辩解，作出处理决定」 with 第二条第二款 (accountability that breaks the procedure is void): the
    office hears each person the group proposes to hold liable, one task each, while the group prepares the
    decision; the decision is refused, naming the person, while anyone it concerns has no statement (or recorded
    refusal) dated on or before it, and the case stays exactly where it was."""
    case = to_review(procedure)
    case.complete("review", review())           # 刘伟 and 孙丽 proposed liable
    hearings = case.tasks("hearing")
    assert [(t["lane"], t["form"]) for t in hearings] == [(OFFICE, "mingshan_hearing.json")] * 2
    assert sorted(case.task("hearing", hearing_subject=name)["id"] for name in ("刘伟", "孙丽")) == \
        sorted(t["id"] for t in hearings)        # one task per person, not one for the group
    assert case.lane("decide") == GROUP         # prepared in parallel
    with pytest.raises(InvalidData) as silent:  # a hearing that was not refused or waived records what was said
        case.complete("hearing", {"hearing_record": heard()["hearing_record"] | {"statement": ""}}, hearing_subject="刘伟")
    assert [e["path"] for e in silent.value.details["errors"]] == ["hearing_record/statement"]
    case.complete("hearing", heard("2026-10-21"), hearing_subject="刘伟")

    before = case.show()
    both = decision(person("刘伟", "执法一科", "L3", ["warning"]), person("孙丽", "法制科", "L2", ["circulated_criticism"]))
    with pytest.raises(InvalidData) as refused:
        case.complete("decide", both)
    assert refused.value.status == 422 and refused.value.details["check"] == "everyone_heard"
    assert [e["path"] for e in refused.value.details["errors"]] == ["person_decisions/1/person"]
    assert "「孙丽」没有陈述、申辩的记录" in refused.value.message and "刘伟" not in refused.value.message
    with pytest.raises(InvalidData) as left_out:    # leaving her out of the decision does not skip her hearing
        case.complete("decide", decision(person("刘伟", "执法一科", "L3", ["warning"])))
    assert [e["message"] for e in left_out.value.details["errors"]] == [
        "拟追究责任的人员「孙丽」没有陈述、申辩的记录（也没有拒绝陈述或放弃陈述的记录），不能对其作出处理决定"]
    after = case.show()
    assert after == before and after["incidents"] == []     # nothing written, no incident
    assert sorted(case.ready()) == [("decide", GROUP), ("hearing", OFFICE)]     # both still ready

    case.complete("hearing", heard("2026-10-24", outcome="refused"), hearing_subject="孙丽")   # after the 23rd
    with pytest.raises(InvalidData) as early:       # a decision dated before her refusal was recorded
        case.complete("decide", both)
    assert "「孙丽」的陈述、申辩记录日期 2026-10-24 晚于决定日期 2026-10-23" in early.value.message
    case.complete("decide", both | {"decided_on": "2026-10-24"})
    shown = case.show()
    assert {name: (r["outcome"], r["on"]) for name, r in shown["data"]["statements"].items()} == {
        "刘伟": ("stated", "2026-10-21"), "孙丽": ("refused", "2026-10-24")}
    walked = shown.path(*WALKED)
    assert walked[walked.index("review"):walked.index("record_restrictions") + 1] == [
        "review", "gw_pursue", "list_levels", "list_hearing_subjects", "fork_hearing", "hearing", "hearing", "decide",
        "join_hearing", "record_restrictions"]
    assert case.ready() == [("register_appeal", APPEAL_BODY)]     # 警告 is a 政纪处分 (第十三条)


def test_waiver_18_is_recorded_with_its_date(procedure: Procedure) -> None:
    """第十八条: a person may waive the hearing; the waiver is recorded with its date (a record without a date is
    refused), and only the persons the group proposes to hold liable are heard (an exempted one is not)."""
    case = to_review(procedure)
    case.complete("review", review(findings=[finding("刘伟", "officer"), finding(
        "孙丽", "reviewer", exempted=True, exemption_items=["art6_5"])]))
    assert [case.task("hearing")["id"]] == [case.task("hearing", hearing_subject="刘伟")["id"]]
    undated = heard(outcome="waived")
    del undated["hearing_record"]["on"]
    with pytest.raises(InvalidData) as refused:
        case.complete("hearing", undated)
    assert [e["path"] for e in refused.value.details["errors"]] == ["hearing_record/on"]
    case.complete("hearing", heard("2026-10-22", outcome="waived"))
    case.complete("decide", decision(person("刘伟", "执法一科", "L2", ["circulated_criticism"])))
    statements = case.show()["data"]["statements"]
    assert statements == {"刘伟": {"outcome": "waived", "on": "2026-10-22", "place": "局会议室", "signed": True,
                                   "recorded_by": "办公室 张敏"}}


def test_counts_are_not_typed_in_11_3(procedure: Procedure) -> None:
    """The forms no longer take a count: the office's investigation and the group's findings refuse one."""
    case = start(procedure, "self_report")
    case.complete("self_report", SELF_REPORT)
    case.complete("file_case", filing())
    with pytest.raises(InvalidData):
        case.complete("investigate", INVESTIGATION | {"prior_same_faults_by_role": {"officer": 2}})
    case.complete("investigate", INVESTIGATION)
    case.complete("conclude", CONCLUSION)
    with pytest.raises(InvalidData):
        case.complete("review", review(findings=[finding("刘伟", "officer", prior_faults_this_year=2)]))


# ------------------------------------------------------------------------------------------------ fault registry

def decided_case(procedure: Procedure, decided_on: str, level: str = "L2",
                 measures: tuple[str, ...] = ("circulated_criticism",)) -> Case:
    """An earlier case against 刘伟 run through the runner until its decision takes effect (L2 通报批评 is not a
    政纪处分, so there is no 第十三条 appeal and the decision is effective at once)."""
    concluded_on = (dt.date.fromisoformat(decided_on) - dt.timedelta(days=8)).isoformat()
    case = to_review(procedure, "referral", concluded_on=concluded_on)
    case.complete("review", review(findings=[finding("刘伟", "officer", level=level)],
                                   meeting_on=(dt.date.fromisoformat(decided_on) - dt.timedelta(days=3)).isoformat()))
    hear_everyone(case, on=decided_on)
    case.complete("decide", decision(person("刘伟", "执法一科", level, list(measures)), decided_on=decided_on,
                                     disqualification_year=int(decided_on[:4])))
    shown = case.show()
    assert shown["status"] == "completed", shown.path(*WALKED)
    assert [(f["person"], f["confirmed_on"]) for f in shown["faults"]] == [("刘伟", decided_on)]
    return case


def assessment(case: Case, name: str) -> dict[str, Any]:
    return next(a for a in case.show()["data"]["circumstance_assessments"] if a["person"] == name)


def test_repeat_offence_11_3_counts_the_calendar_year_from_the_registry(procedure: Procedure) -> None:
    """第十一条（3）「全年累计发生三次（含三次）以上」: earlier cases record 刘伟's faults when their decisions take effect;
    a later case counts them from the registry, by calendar year (the configured default for 「全年」), the current
    case not counted. One fault from 2025 and two from 2026 → 2 earlier faults in 2026: with this case that is three,
    but whether the current case counts is SILENT, so the table answers undetermined and the group decides 从重.
    Once that third fault is recorded, a fourth case the same year gets 3 and the table itself answers 从重; in 2027
    the count starts again at 0."""
    decided_case(procedure, "2025-12-18")                 # previous calendar year: does not count in 2026
    decided_case(procedure, "2026-03-10")
    decided_case(procedure, "2026-06-10")

    third = to_review(procedure, concluded_on="2026-10-15")
    liu, sun = assessment(third, "刘伟"), assessment(third, "孙丽")
    assert (liu["prior_same_faults"], sun["prior_same_faults"]) == (2, 0)
    assert [c["effect"] for c in liu["circumstances"]] == ["undetermined"]
    assert "第十一条(3)" in liu["circumstances"][0]["basis"] and sun["circumstances"] == []
    rules = [[r["id"] for r in d["matched_rules"]] for d in third.show().decisions("mingshan_circumstances")]
    assert rules == [["ms_circ_MA3_current"], []]       # 刘伟 (officer), 孙丽 (reviewer)
    third.complete("review", review(findings=[finding("刘伟", "officer", aggravating_items=["art11_3"], level="L4"),
                                              finding("孙丽", "reviewer", liability_basis=["art9"], level="L2")]))
    hear_everyone(third)
    third.complete("decide", decision(person("刘伟", "执法一科", "L4", ["demerit"], aggravated=True),
                                      person("孙丽", "法制科", "L2", ["circulated_criticism"])))
    third.complete("register_appeal", NO_APPEAL, applicant="刘伟")    # 记过 is a 政纪处分: 刘伟 could appeal, did not
    assert [(f["person"], f["confirmed_on"], f["grade"]) for f in third.show()["faults"]] == [
        ("刘伟", "2026-10-23", "L4"), ("孙丽", "2026-10-23", "L2")]

    fourth = to_review(procedure, concluded_on="2026-11-20")
    liu = assessment(fourth, "刘伟")
    assert liu["prior_same_faults"] == 3
    assert [c["effect"] for c in liu["circumstances"]] == ["aggravate"]     # 三次（含三次）以上: 应从重追究
    assert assessment(fourth, "孙丽")["prior_same_faults"] == 1

    next_year = to_review(procedure, concluded_on="2027-01-12")
    assert assessment(next_year, "刘伟")["prior_same_faults"] == 0
    assert assessment(next_year, "刘伟")["circumstances"] == []


def test_revoked_sanction_on_appeal_13_is_not_counted(procedure: Procedure) -> None:
    """第十三条: both have a 政纪处分, so each has a review_appeal instance; 刘伟's appeal revokes his 政纪处分, 孙丽 does not
    appeal. Only the decision that stays in force enters the registry, so a later case finds no earlier fault of 刘伟."""
    case = to_review(procedure, concluded_on="2026-03-02")
    case.complete("review", review())
    hear_everyone(case, on="2026-03-09")
    case.complete("decide", decision(person("刘伟", "执法一科", "L3", ["warning"]),
                                     person("孙丽", "法制科", "L3", ["serious_warning"]), decided_on="2026-03-10"))
    assert [p["name"] for p in case.show()["data"]["review_parties"]] == ["刘伟", "孙丽"]
    case.complete("register_appeal", appeal("2026-03-15") | {"appeal_grounds": "事实不清。"}, applicant="刘伟")
    case.complete("register_appeal", NO_APPEAL, applicant="孙丽")
    assert case.show()["faults"] == []          # 孙丽's is not recorded before 刘伟's appeal ends
    case.complete("decide_appeal", appeal_decided("revoked", "2026-04-20"), applicant="刘伟")
    shown = case.show()
    assert shown["status"] == "completed" and shown["data"]["registered_faults"] == ["孙丽"]
    assert {r["applicant"]: r["appeal_outcome"] for r in shown["data"]["review_appeal_results"]} == {
        "刘伟": "revoked", "孙丽": None}
    assert [f["person"] for f in shown["faults"]] == ["孙丽"]
    later = to_review(procedure, concluded_on="2026-10-15")
    assert (assessment(later, "刘伟")["prior_same_faults"],
            assessment(later, "孙丽")["prior_same_faults"]) == (0, 1)


def test_blame_rows_without_a_role_are_not_assessed(procedure: Procedure) -> None:
    """集体讨论 (SILENT in 第八条至第十条): mingshan_blame adds a row with role null next to the named roles; only named
    roles get a person, a registry count and a 情节 assessment."""
    case = start(procedure, "self_report")
    case.complete("self_report", SELF_REPORT)
    case.complete("file_case", filing())
    case.complete("investigate", INVESTIGATION | {"act_mode": "collective", "participants": [
        {"person": "周强", "opinion": "wrong", "vote": "for"}]})
    case.complete("conclude", CONCLUSION)
    data = case.show()["data"]
    assert None in [r["role"] for r in data["mingshan_blame"]]
    assert [(a["person"], a["role"], a["prior_same_faults"]) for a in data["circumstance_assessments"]] == [
        ("刘伟", "officer", 0), ("孙丽", "reviewer", 0)]
    assert case.elements() == ["review"]


# ------------------------------------------------------------------------------------------------ own circumstances

def test_bribery_of_one_person_aggravates_that_person_only_11_1(procedure: Procedure) -> None:
    """第十一条（1）「因索贿受贿…等原因出现过错的」 and 第十一条（4）「故意隐瞒不报」 are each person's own: 刘伟 took
    bribes, 孙丽 hid nothing and corrected what she could (第六条（6）). Each assessment carries only that person's
    circumstances: 刘伟 从重, 孙丽 免予; neither is given the other's."""
    case = start(procedure, "self_report")
    case.complete("self_report", SELF_REPORT)
    case.complete("file_case", filing())
    with pytest.raises(InvalidData) as refused:        # circumstances are recorded per person, never for the case
        case.complete("investigate", INVESTIGATION | {"aggravate_corruption": True})
    assert "aggravate_corruption" in str(refused.value.details)
    case.complete("investigate", INVESTIGATION | {"person_circumstances": [
        {"person": "刘伟", "aggravate_corruption": True, "aggravate_concealed": True},
        {"person": "孙丽", "exempt_self_corrected": True}]})
    case.complete("conclude", CONCLUSION)
    liu, sun = assessment(case, "刘伟"), assessment(case, "孙丽")
    assert [(c["effect"], c["basis"].split("：")[0]) for c in liu["circumstances"]] == [
        ("aggravate", "明山 第十一条(1)"), ("aggravate", "明山 第十一条(4)")]
    assert [(c["effect"], c["basis"].split("：")[0]) for c in sun["circumstances"]] == [("exempt", "明山 第六条(6)")]
    rules = [[r["id"] for r in d["matched_rules"]] for d in case.show().decisions("mingshan_circumstances")]
    assert rules == [["ms_circ_MA1", "ms_circ_MA4"], ["ms_circ_ME6"]]      # 刘伟 (officer), 孙丽 (reviewer)


def test_a_person_without_recorded_circumstances_is_left_to_the_group(procedure: Procedure) -> None:
    """A person proposed liable for whom the office recorded no circumstances is not assumed to have none: the
    assessment says so (facts_recorded false) for the leading group (第七条) to weigh."""
    case = start(procedure, "self_report")
    case.complete("self_report", SELF_REPORT)
    case.complete("file_case", filing())
    case.complete("investigate", INVESTIGATION | {"person_circumstances": [{"person": "刘伟"}]})
    case.complete("conclude", CONCLUSION)
    assert (assessment(case, "刘伟")["facts_recorded"], assessment(case, "孙丽")["facts_recorded"]) == (True, False)
    assert assessment(case, "孙丽")["circumstances"] == []


def test_a_superior_who_changed_the_proposal_is_named_for_the_group_6_7_10(procedure: Procedure) -> None:
    """明山 has no rule of its own for a proposal changed by a superior (第十条 needs 不负责任或故意, 第六条(7) a fault
    mainly the superior's): the superior must be named, and both he and the officer go to the group undetermined,
    each assessed on their own circumstances."""
    case = start(procedure, "self_report")
    case.complete("self_report", SELF_REPORT)
    case.complete("file_case", filing())
    changed = INVESTIGATION | {"act_mode": "superior_changed", "reviewer_missed": False, "officer_fault_item": None}
    del changed["officer_fault_item"]
    with pytest.raises(InvalidData) as refused:
        case.complete("investigate", changed)
    assert [e["path"] for e in refused.value.details["errors"]] == ["persons/superior"]
    case.complete("investigate", changed | {"persons": {"officer": "刘伟", "superior": "周强"},
                                            "person_circumstances": [{"person": "刘伟"}, {"person": "周强"}]})
    case.complete("conclude", CONCLUSION)
    data = case.show()["data"]
    assert {(r["role"], r["grade"]) for r in data["mingshan_blame"]} == {("superior", "undetermined"),
                                                                         ("officer", "undetermined")}
    assert [(a["person"], a["role"]) for a in data["circumstance_assessments"]] == [("刘伟", "officer"),
                                                                                    ("周强", "superior")]
