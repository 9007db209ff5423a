"""赤峰市应急管理局行政执法过错责任追究 (bpmn/chifeng_fault_accountability.bpmn) walked through the runner.

第九条「经确认」 → 调查核实 → 责任划分 and 情节 proposals (decision tables chifeng_blame, chifeng_circumstances) →
责任认定 by a person (第六条 不承担责任 and 第七条 免予 end a case early) → 处理决定 (第十条) → 第十一条 written notice
within 10 days (deadline: reminder, overdue marking, 督办 for 派驻纪检监察组 and 局党组) → 第十二条 复核 within 30 days
of receiving the notice and 申诉 by individuals, through the shared call activity review_appeal (one instance per
recipient). Periods are counted as 民法典 第二百零一条至第二百零三条 by analogy (domain.md §X.7.7). 第八条 2「多次发生」
counts come from the fault registry: a case records the faults of those it found liable once the decision is final
(第十二条 复核/申诉 over), dated with the 第九条 confirmation. SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from runner.core import cases, timers
from runner.core.errors import InvalidData
from runner.store.db import Database
from tests.conftest import after, at

PROCESS = "chifeng_fault_accountability"
INSPECTION, PARTY_GROUP = "派驻纪检监察组", "局党组"
REVIEW_BODY, APPEAL_BODY = "复核机关", "申诉受理机关"        # lanes of the shared review_appeal
USER = "admin"


def ready(db: Database, case: int) -> dict[str, dict[str, Any]]:
    found = [t for t in cases.list_tasks(db) if t["case"] == case]
    return {t["element"]: t for t in found}


def ready_list(db: Database, case: int, element: str) -> list[dict[str, Any]]:
    return [t for t in cases.list_tasks(db) if t["case"] == case and t["element"] == element]


def do(db: Database, case: int, element: str, data: dict[str, Any]) -> dict[str, Any]:
    return cases.complete_task(db, ready(db, case)[element]["id"], data, USER)


def ends(case: dict[str, Any]) -> list[str]:
    """The end events the case reached (the per-person 情节 sub-process has its own, left out)."""
    return [e["element"] for e in case["events"] if e["kind"] == "end_event" and e["element"].startswith("end_")]


def timer(case: dict[str, Any], element: str) -> dict[str, Any]:
    found = [t for t in case["timers"] if t["element"] == element]
    assert len(found) == 1, (element, case["timers"])
    return found[0]


CONFIRM = {"case_no": "赤应急过〔2026〕2号", "source": "行政执法案卷评查", "confirmed_by": "局法规科",
           "confirmed_on": "2026-04-20", "targets": [{"name": "李四", "kind": "individual", "position": "审批人"}],
           "art5_items": ["art5_4"], "is_fault": True, "summary": "擅自改变行政处罚幅度。"}


def investigation(act_mode: str = "reviewed_approved", **extra: Any) -> dict[str, Any]:
    return {"facts": "经审批、审核作出的处罚决定改变了处罚幅度。", "evidence": ["处罚决定书", "审批表"],
            "act_mode": act_mode, "persons": {"officer": "张三", "approver": "李四", "reviewer": "王五"},
            "officer_concealed": False, "head_consented": False, "superior_decision": False,
            "party_caused": False, "force_majeure": False, "officer_not_liable_other": False,
            "discretionary_self_corrected": False, "discretionary_minor": False, "discretionary_other": False,
            "aggravate_corruption": False, "aggravate_serious_consequences": False, "aggravate_other": False} | extra


def determination(accountability: str = "pursue", **extra: Any) -> dict[str, Any]:
    return {"findings": [{"name": "李四", "role": "approver", "grade": "primary", "basis": ["art9_3"]},
                         {"name": "王五", "role": "reviewer", "grade": "primary", "basis": ["art9_3"]},
                         {"name": "张三", "role": "officer", "grade": "secondary", "basis": ["art9_3"]}],
            "mitigation_items": [], "mitigation_effect": "none", "aggravating_items": [],
            "accountability": accountability, "determined_on": "2026-04-23",
            "determination_note": "第九条 3：审批人、审核科室负责人承担主要责任；承办人员份额制度未规定，认定为次要责任。",
            "proposal_adopted": False,
            "proposal_deviation": "决策表对承办人员为 undetermined（第九条 3 未规定），认定为次要责任。"} | extra


def decision(decided_on: str = "2026-04-24") -> dict[str, Any]:
    return {"decision_body": "派驻纪检监察组", "decision_document_no": "赤应急决〔2026〕5号", "decided_on": decided_on,
            "handlings": [{"name": "李四", "kind": "individual", "measure": "诫勉谈话", "discipline_referral": False},
                          {"name": "王五", "kind": "individual", "measure": "书面检查", "discipline_referral": False}],
            "nature_assessment": "性质一般，未造成严重后果。"}


def notice(notified_on: str, received_on: str, *recipients: tuple[str, str]) -> dict[str, Any]:
    return {"notice_no": "赤应急通〔2026〕5号", "notified_on": notified_on, "delivery_method": "in_person",
            "recipients": [{"name": n, "kind": k} for n, k in recipients] or [{"name": "李四", "kind": "person"}],
            "notice_received_on": received_on}


def to_decision(db: Database, clock, *, investigation_data: dict[str, Any] | None = None,
                start_data: dict[str, Any] | None = None) -> int:
    clock.set(at("2026-04-20", 9))
    case = cases.start_case(db, PROCESS, start_data or {}, USER)["case"]
    assert ready(db, case)["confirm"]["lane"] == INSPECTION
    do(db, case, "confirm", CONFIRM)
    do(db, case, "investigate", investigation_data or investigation())
    assert set(ready(db, case)) == {"determine"}
    return case


# ------------------------------------------------------------------------------------------------ scenarios

def test_notice_11_overdue_on_wed_0506_then_review_and_appeal_12(deployed: Database, clock) -> None:
    """第九条 3 proposal (审批人、审核科室负责人 主要; 承办人员 undetermined, SILENT) confirmed by a person; decision
    Fri 2026-04-24 → 第十一条 10 日 ends Mon 05-04 (劳动节) → last day Wed 2026-05-06 (domain.md §X.7.7); a reminder
    the working day before; after 24:00 the case is overdue and 派驻纪检监察组 and 局党组 each get a 督办 task while the
    notice stays open. Notice received 05-08 → 第十二条 30 日 复核 window ends Sun 06-07 → Mon 2026-06-08. 李四 applies
    for 复核 and also 申诉 (个人); both are decided; the result says the decision was changed."""
    case = to_decision(deployed, clock)
    shown = cases.show_case(deployed, case)
    proposals = {(r["role"], r["grade"]) for r in shown["data"]["chifeng_blame"]}
    assert {("approver", "primary"), ("reviewer", "primary"), ("officer", "undetermined")} <= proposals
    assert [a["role"] for a in shown["data"]["circumstance_assessments"]] == ["approver", "officer", "reviewer"]
    with pytest.raises(InvalidData):        # not adopting the proposal needs a reason
        do(deployed, case, "determine", determination(proposal_deviation=None) | {"proposal_deviation": ""})
    do(deployed, case, "determine", determination())
    clock.set(at("2026-04-24", 10))
    do(deployed, case, "decide", decision("2026-04-24"))

    shown = cases.show_case(deployed, case)
    deadline = timer(shown, "timer_notice")
    assert (deadline["kind"], deadline["start"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", "2026-04-24", "2026-05-06", "2026-05-04")
    assert deadline["due_at"] == at("2026-05-07").astimezone(dt.timezone.utc).isoformat()
    reminder = timer(shown, "timer_notice_reminder")
    assert reminder["kind"] == "reminder" and reminder["last_day"] == "2026-05-06"

    clock.set(dt.datetime.fromisoformat(reminder["due_at"]) + dt.timedelta(seconds=1))
    timers.fire_due(deployed)
    due = ready(deployed, case)["remind_notice_due"]
    assert due["lane"] == INSPECTION
    do(deployed, case, "remind_notice_due", {"acknowledged_on": "2026-05-06", "planned_notice_on": "2026-05-06"})
    assert cases.show_case(deployed, case)["overdue"] is False

    clock.set(after("2026-05-06"))
    timers.fire_due(deployed)
    tasks = ready(deployed, case)
    assert tasks["urge_notice"]["lane"] == INSPECTION and tasks["supervise_notice"]["lane"] == PARTY_GROUP
    assert "notify" in tasks                                    # non-interrupting: the notice is still owed
    shown = cases.show_case(deployed, case)
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in shown["events"] if e["kind"] == "deadline_passed"] == [
        ("timer_notice", "2026-05-06")]
    do(deployed, case, "urge_notice", {"overdue_reason": "本人出差。", "expected_notice_on": "2026-05-08"})
    do(deployed, case, "supervise_notice", {"supervision_measures": "限 5 月 8 日前送达。", "supervised_on": "2026-05-07"})

    clock.set(at("2026-05-08", 9))
    do(deployed, case, "notify", notice("2026-05-08", "2026-05-08"))
    shown = cases.show_case(deployed, case)
    window = timer(shown, "timer_review_window")
    assert (window["kind"], window["start"], window["last_day"], window["rolled_from"]) == (
        "period_end", "2026-05-08", "2026-06-08", "2026-06-07")
    assert shown["data"]["review_filing_days"] == 30 and shown["data"]["appeal_filing_days"] is None
    tasks = ready(deployed, case)
    assert tasks["register_review_in_window"]["lane"] == REVIEW_BODY
    assert tasks["register_appeal"]["lane"] == APPEAL_BODY          # 申诉 filing period SILENT: no timer

    do(deployed, case, "register_review_in_window", {"review_applied": True, "review_applied_on": "2026-05-20",
                                                     "review_grounds": "认定的主要责任过重。"})
    do(deployed, case, "register_appeal", {"appeal_applied": True, "appeal_filed_on": "2026-05-21",
                                           "appeal_accepted_on": "2026-05-21", "appeal_addressee": "市纪委监委",
                                           "appeal_grounds": "不服处理决定。"})
    do(deployed, case, "decide_review", {"review_outcome": "changed", "review_decision_summary": "改为次要责任。",
                                         "review_decided_on": "2026-06-10", "review_decision_received_on": "2026-06-11"})
    done = do(deployed, case, "decide_appeal", {"appeal_outcome": "upheld", "appeal_decision_summary": "维持。",
                                                "appeal_decided_on": "2026-07-01"})
    assert done["status"] == "completed"
    result = cases.show_case(deployed, case)["data"]["review_appeal_results"]
    assert len(result) == 1 and result[0]["applicant"] == "李四"
    assert (result[0]["review_outcome"], result[0]["appeal_outcome"], result[0]["decision_changed"]) == (
        "changed", "upheld", True)
    # 第八条 2: the decision is final; everyone found liable enters the registry (a changed decision still finds a
    # fault), dated with the 第九条 confirmation and typed with the first 第五条 item
    shown = cases.show_case(deployed, case)
    assert shown["faults"] == [
        {"person": "李四", "regulation": "chifeng", "fault_type": "art5_4", "confirmed_on": "2026-04-20",
         "role": "approver", "grade": "primary"},
        {"person": "王五", "regulation": "chifeng", "fault_type": "art5_4", "confirmed_on": "2026-04-20",
         "role": "reviewer", "grade": "primary"},
        {"person": "张三", "regulation": "chifeng", "fault_type": "art5_4", "confirmed_on": "2026-04-20",
         "role": "officer", "grade": "secondary"}]
    assert ends(shown) == ["end_notice_due_noted", "end_notice_urged", "end_notice_supervised", "end_final"]


def test_notice_in_time_and_review_window_12_closes_for_every_recipient(deployed: Database, clock) -> None:
    """第十一条 met (no overdue); 第十二条: a person and a unit (科室、单位 may apply for 复核) each get their own
    30-day window from the same receipt date, running at once; nobody applies and the windows close; the unit's
    申诉 route (individuals only) is recorded as not applied."""
    case = to_decision(deployed, clock)
    do(deployed, case, "determine", determination(proposal_adopted=True, proposal_deviation=None)
       | {"proposal_deviation": "—"})
    clock.set(at("2026-04-24", 10))
    do(deployed, case, "decide", decision("2026-04-24"))
    clock.set(at("2026-04-27", 9))
    do(deployed, case, "notify", notice("2026-04-27", "2026-04-28", ("李四", "person"), ("审批科", "unit")))
    shown = cases.show_case(deployed, case)
    assert timer(shown, "timer_notice")["state"] == "cancelled" and shown["overdue"] is False
    windows = [t for t in shown["timers"] if t["element"] == "timer_review_window"]
    assert [(w["last_day"], w["state"]) for w in windows] == [("2026-05-28", "armed"), ("2026-05-28", "armed")]
    for appeal in ready_list(deployed, case, "register_appeal"):
        cases.complete_task(deployed, appeal["id"], {"appeal_applied": False, "appeal_grounds": "未申诉。"}, USER)
    clock.set(after("2026-05-28"))
    timers.fire_due(deployed)
    shown = cases.show_case(deployed, case)
    assert shown["status"] == "completed" and shown["overdue"] is False
    assert [(r["applicant"], r["review_applied"], r["decision_changed"]) for r in shown["data"]["review_appeal_results"]] \
        == [("李四", False, False), ("审批科", False, False)]
    assert shown["data"]["registered_faults"] == ["李四", "王五", "张三"]


def test_not_a_fault_3_5_ends_the_case(deployed: Database, clock) -> None:
    """第三条、第五条: the confirmed facts are not a 行政执法过错; the case ends without investigation."""
    clock.set(at("2026-04-20", 9))
    case = cases.start_case(deployed, PROCESS, {}, USER)["case"]
    done = do(deployed, case, "confirm", CONFIRM | {"is_fault": False, "art5_items": []})
    assert done["status"] == "completed"
    shown = cases.show_case(deployed, case)
    assert ends(shown) == ["end_not_fault"] and shown["faults"] == []


def test_collective_decision_6_2_officer_not_liable_ends_the_case(deployed: Database, clock) -> None:
    """第六条 2: 经过集体讨论、审议、会签同意 → the table proposes 行政执法人员 不承担责任; the others are
    undetermined (SILENT) and a person decides nobody is liable; the case ends at 不承担责任."""
    case = to_decision(deployed, clock, investigation_data=investigation("collective"))
    blame = cases.show_case(deployed, case)["data"]["chifeng_blame"]
    assert ("officer", "none") in {(r["role"], r["grade"]) for r in blame}
    done = do(deployed, case, "determine", determination(
        "not_liable", findings=[{"name": "张三", "role": "officer", "grade": "none", "basis": ["art6_2"]}],
        proposal_adopted=True))
    assert done["status"] == "completed"
    shown = cases.show_case(deployed, case)
    assert ends(shown) == ["end_not_liable"]
    assert shown["timers"] == [] and shown["faults"] == []          # 第六条: nobody is liable, nothing to count


def test_discretionary_exemption_7_1_ends_the_case(deployed: Database, clock) -> None:
    """第七条 1 主动发现并及时纠正: the table says 可以从轻或者免予 (discretionary); the person chooses 免予 and the
    case ends; choosing 免予 without naming a 第七条 item is refused."""
    case = to_decision(deployed, clock, investigation_data=investigation(discretionary_self_corrected=True))
    effects = {c["effect"] for a in cases.show_case(deployed, case)["data"]["circumstance_assessments"]
               for c in a["circumstances"]}
    assert "discretionary_mitigate_or_exempt" in effects
    with pytest.raises(InvalidData):
        do(deployed, case, "determine", determination("exempt", mitigation_effect="exempt"))
    done = do(deployed, case, "determine", determination("exempt", mitigation_effect="exempt",
                                                         mitigation_items=["art7_1"]))
    assert done["status"] == "completed"
    shown = cases.show_case(deployed, case)
    assert ends(shown) == ["end_exempt"] and shown["faults"] == []


def test_roles_follow_the_blame_table_and_counts_are_not_typed_in(deployed: Database, clock) -> None:
    """The 责任认定 roles are the roles chifeng_blame proposes (decision_maker, reviewer), not bureau_leader or
    reviewing_head; the investigation takes 第六条 4 officer_not_liable_other and refuses a typed-in count."""
    clock.set(at("2026-04-20", 9))
    case = cases.start_case(deployed, PROCESS, {}, USER)["case"]
    do(deployed, case, "confirm", CONFIRM)
    with pytest.raises(InvalidData):
        do(deployed, case, "investigate", investigation() | {"prior_same_faults_by_role": {"officer": 2}})
    with pytest.raises(InvalidData):
        do(deployed, case, "investigate", {k: v for k, v in investigation().items() if k != "officer_not_liable_other"})
    do(deployed, case, "investigate", investigation(officer_concealed=True, persons={
        "officer": "张三", "unit_head": "赵六", "decision_maker": "钱局长", "approver": "李四", "reviewer": "王五"}))
    data = cases.show_case(deployed, case)["data"]
    assert {(a["role"], a["person"]) for a in data["circumstance_assessments"]} >= {
        ("officer", "张三"), ("unit_head", "赵六"), ("decision_maker", "钱局长")}
    for legacy in ("bureau_leader", "reviewing_head"):
        with pytest.raises(InvalidData):
            do(deployed, case, "determine", determination(findings=[{"name": "钱局长", "role": legacy,
                                                                     "grade": "some", "basis": ["art9_1"]}]))
    with pytest.raises(InvalidData):
        do(deployed, case, "determine", determination(prior_faults=2))
    do(deployed, case, "determine", determination(findings=[
        {"name": "张三", "role": "officer", "grade": "primary", "basis": ["art9_1"]},
        {"name": "钱局长", "role": "decision_maker", "grade": "some", "basis": ["art9_1"]}]))
    assert set(ready(deployed, case)) == {"decide"}


# ------------------------------------------------------------------------------------------------ fault registry

def closed_case(db: Database, clock, confirmed_on: str, officer: str = "张三", review_outcome: str | None = None) -> int:
    """An earlier case against `officer` (应当审批而未经审批, 第九条 2: 全部责任) run through the runner until the
    decision is final: decided, notified, and the 第十二条 复核 window closed (or the 复核 decided)."""
    day0 = dt.date.fromisoformat(confirmed_on)

    def day(n: int) -> str:
        return (day0 + dt.timedelta(days=n)).isoformat()

    clock.set(at(confirmed_on, 9))
    case = cases.start_case(db, PROCESS, {}, USER)["case"]
    do(db, case, "confirm", CONFIRM | {"confirmed_on": confirmed_on, "case_no": f"赤应急过〔{confirmed_on}〕"})
    do(db, case, "investigate", investigation("unapproved", persons={"officer": officer}))
    do(db, case, "determine", determination(
        findings=[{"name": officer, "role": "officer", "grade": "full", "basis": ["art9_2"]}],
        determined_on=day(1), proposal_adopted=True))
    clock.set(at(day(2), 10))
    do(db, case, "decide", decision(day(2)) | {"handlings": [
        {"name": officer, "kind": "individual", "measure": "诫勉谈话", "discipline_referral": False}]})
    clock.set(at(day(3), 9))
    do(db, case, "notify", notice(day(3), day(3), (officer, "person")))
    do(db, case, "register_appeal", {"appeal_applied": False, "appeal_grounds": "未申诉。"})
    if review_outcome:
        do(db, case, "register_review_in_window", {"review_applied": True, "review_applied_on": day(10),
                                                   "review_grounds": "不服。"})
        do(db, case, "decide_review", {"review_outcome": review_outcome, "review_decision_summary": "复核决定。",
                                       "review_decided_on": day(20), "review_decision_received_on": day(21)})
    else:
        clock.set(at(day(45)))
        timers.fire_due(db)
    shown = cases.show_case(db, case)
    assert shown["status"] == "completed" and ends(shown)[-1] == "end_final"
    return case


@pytest.mark.parametrize("threshold, expected", [(None, "undetermined"), (2, "aggravate")])
def test_repeated_faults_8_2_counted_from_the_registry_threshold_is_configuration(deployed: Database, clock,
                                                                                  threshold, expected) -> None:
    """第八条 2「多次发生行政执法过错的」: two earlier cases against 张三 become final and record his faults; a third
    earlier one is revoked on 复核 (第十二条) and records none. The later case counts 2 from the registry (no time
    window, the current case not counted). 「多次」 is undefined (SILENT): without a configured repeat_threshold the
    table leaves it to a person; with repeat_threshold = 2 in the start data 张三 is proposed for 从重."""
    closed_case(deployed, clock, "2024-06-03")             # no counting window: years ago still counts
    closed_case(deployed, clock, "2025-09-01")
    revoked = closed_case(deployed, clock, "2026-01-05", review_outcome="revoked")
    assert cases.show_case(deployed, revoked)["faults"] == []
    assert cases.show_case(deployed, revoked)["data"]["registered_faults"] == []

    start_data = {} if threshold is None else {"repeat_threshold": threshold}
    case = to_decision(deployed, clock, start_data=start_data, investigation_data=investigation(
        "unapproved", persons={"officer": "张三", "unit_head": "赵六"}))
    officer = next(a for a in cases.show_case(deployed, case)["data"]["circumstance_assessments"]
                   if a["role"] == "officer")
    assert (officer["person"], officer["prior_same_faults"]) == ("张三", 2)
    assert expected in {c["effect"] for c in officer["circumstances"]}
    assert any("第八条 2" in c["basis"] for c in officer["circumstances"])
