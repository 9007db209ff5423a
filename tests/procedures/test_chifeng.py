"""赤峰市应急管理局行政执法过错责任追究 (bpmn/chifeng_fault_accountability.bpmn) walked through the runner.

第九条「经确认」 → 调查核实 → 责任划分 and 情节 proposals (decision tables chifeng_blame, chifeng_circumstances) →
责任认定 by a person (第六条 不承担责任 and 第七条 免予 end a case early) → 处理决定 (第十条) → 第十一条 written notice
within 10 days (deadline: reminder, overdue marking, 督办 for 派驻纪检监察组 and 局党组) → 第十二条 复核 within 30 days
of receiving the notice and 申诉 by individuals, through the shared call activity review_appeal (one instance per
recipient, its 30-day window from that recipient's own receipt of the notice; the 复核 and 申诉 are worked by the
bodies chifeng.json binds: the text names no 复核 body and only 「有关部门」 for 申诉, so both are bodies the 局 designates,
labelled so). Periods are counted as 民法典 第二百零一条至第二百零三条 by analogy (domain.md §X.7.7). 第八条 2「多次发生」
counts come from the fault registry: a case records the faults of those it found liable once the decision is final
(第十二条 复核/申诉 over), dated with the 第九条 confirmation. SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import at
from tests.procedures.driver import Case, Forbidden, InvalidData, Procedure

PROCESS = "chifeng_fault_accountability"
INSPECTION, PARTY_GROUP = "派驻纪检监察组", "局党组"
# review_appeal's 复核机关 and 申诉受理机关 lanes as chifeng.json binds them: 第十二条 names no 复核 body and only
# 「有关部门」 for 申诉, so both are bodies the 局 designates, and say so
REVIEW_BODY = "复核机关（赤峰 第十二条未规定，由本局指定）"
APPEAL_BODY = "受理申诉的有关部门（赤峰 第十二条未具体规定，由本局指定）"


CONFIRM = {"case_no": "赤应急过〔2026〕2号", "source": "行政执法案卷评查", "confirmed_by": "局法规科",
           "confirmed_on": "2026-04-20", "targets": [{"name": "李四", "kind": "individual", "position": "审批人"}],
           "art5_items": ["art5_4"], "is_fault": True, "summary": "擅自改变行政处罚幅度。"}


def investigation(act_mode: str = "reviewed_approved", own: dict[str, dict[str, bool]] | None = None,
                  **extra: Any) -> dict[str, Any]:
    """The 调查核实 form; `own` gives named persons their own 第七条/第八条 circumstances (第八条 2 is counted, not
    typed); every person in `persons` gets a circumstances entry."""
    data = {"facts": "经审批、审核作出的处罚决定改变了处罚幅度。", "evidence": ["处罚决定书", "审批表"],
            "act_mode": act_mode, "persons": {"officer": "张三", "approver": "李四", "reviewer": "王五"},
            "officer_concealed": False, "head_consented": False, "superior_changed_opinion": False,
            "party_caused": False, "force_majeure": False, "officer_not_liable_other": False} | extra
    data.setdefault("person_circumstances", [{"person": name} | (own or {}).get(name, {})
                                             for name in data["persons"].values()])
    return data


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


def notice(notified_on: str, received_on: str, *recipients: tuple[str, ...]) -> dict[str, Any]:
    """The written notice (第十一条); each recipient (name, kind[, own day of receipt]) received it on `received_on`
    unless given its own day (第十二条「接到决定通知之日」)."""
    return {"notice_no": "赤应急通〔2026〕5号", "notified_on": notified_on, "delivery_method": "in_person",
            "recipients": [{"name": r[0], "kind": r[1], "received_on": r[2] if len(r) > 2 else received_on}
                           for r in recipients or [("李四", "person")]]}


def to_decision(procedure: Procedure, *, investigation_data: dict[str, Any] | None = None,
                start_data: dict[str, Any] | None = None) -> Case:
    procedure.to("2026-04-20", 9, fire=False)
    case = procedure.start(start_data)
    assert case.lane("confirm") == INSPECTION
    case.complete("confirm", CONFIRM)
    case.complete("investigate", investigation_data or investigation())
    assert case.elements() == ["determine"]
    return case


# ------------------------------------------------------------------------------------------------ scenarios

def test_notice_11_overdue_on_wed_0506_then_review_and_appeal_12(procedure: Procedure) -> None:
    """第九条 3 proposal (审批人、审核科室负责人 主要; 承办人员 undetermined, SILENT) confirmed by a person; decision
    Fri 2026-04-24 → 第十一条 10 日 ends Mon 05-04 (劳动节) → last day Wed 2026-05-06 (domain.md §X.7.7); a reminder
    the working day before; after 24:00 the case is overdue and 派驻纪检监察组 and 局党组 each get a 督办 task while the
    notice stays open. Notice received 05-08 → 第十二条 30 日 复核 window ends Sun 06-07 → Mon 2026-06-08. 李四 applies
    for 复核 and also 申诉 (个人); both are decided; the result says the decision was changed."""
    case = to_decision(procedure)
    shown = case.show()
    proposals = {(r["role"], r["grade"]) for r in shown["data"]["chifeng_blame"]}
    assert proposals == {("approver", "primary"), ("reviewer", "primary"), ("officer", "undetermined")}
    assert [a["role"] for a in shown["data"]["circumstance_assessments"]] == ["approver", "officer", "reviewer"]
    with pytest.raises(InvalidData):        # not adopting the proposal needs a reason
        case.complete("determine", determination(proposal_deviation=None) | {"proposal_deviation": ""})
    case.complete("determine", determination())
    procedure.to("2026-04-24", 10, fire=False)
    case.complete("decide", decision("2026-04-24"))

    shown = case.show()
    deadline = shown.timer("timer_notice")
    assert (deadline["kind"], deadline["start"], deadline["last_day"], deadline["rolled_from"]) == (
        "deadline", "2026-04-24", "2026-05-06", "2026-05-04")
    assert deadline["due_at"] == at("2026-05-07").astimezone(dt.timezone.utc).isoformat()
    reminder = shown.timer("timer_notice_reminder")
    assert reminder["kind"] == "reminder" and reminder["last_day"] == "2026-05-06"

    procedure.clock.set(dt.datetime.fromisoformat(reminder["due_at"]) + dt.timedelta(seconds=1))
    procedure.fire()
    assert case.lane("remind_notice_due") == INSPECTION
    case.complete("remind_notice_due", {"acknowledged_on": "2026-05-06", "planned_notice_on": "2026-05-06"})
    assert case.show()["overdue"] is False

    procedure.after_last_day("2026-05-06")
    assert case.lane("urge_notice") == INSPECTION and case.lane("supervise_notice") == PARTY_GROUP
    assert "notify" in case.elements()                          # non-interrupting: the notice is still owed
    shown = case.show()
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in shown.events("deadline_passed")] == [
        ("timer_notice", "2026-05-06")]
    case.complete("urge_notice", {"overdue_reason": "本人出差。", "expected_notice_on": "2026-05-08"})
    case.complete("supervise_notice", {"supervision_measures": "限 5 月 8 日前送达。", "supervised_on": "2026-05-07"})

    procedure.to("2026-05-08", 9, fire=False)
    case.complete("notify", notice("2026-05-08", "2026-05-08"))
    shown = case.show()
    window = shown.timer("timer_review_window")
    assert (window["kind"], window["start"], window["last_day"], window["rolled_from"]) == (
        "period_end", "2026-05-08", "2026-06-08", "2026-06-07")
    assert shown["data"]["review_appeal_windows"]["review_filing_days"] == 30
    assert shown["data"]["review_appeal_windows"]["appeal_filing_days"] is None
    assert case.lane("register_review_in_window") == REVIEW_BODY
    assert case.lane("register_appeal") == APPEAL_BODY          # 申诉 filing period SILENT: no timer
    registration = {"review_applied": True, "review_filed_on": "2026-05-19", "review_applied_on": "2026-05-20",
                    "review_grounds": "认定的主要责任过重。"}
    with pytest.raises(Forbidden):                              # the generic 复核机关 account has no 赤峰 case
        case.complete("register_review_in_window", registration, user="fuhe")
    case.complete("register_review_in_window", registration, user="cffuhe")
    case.complete("register_appeal", {"appeal_applied": True, "appeal_filed_on": "2026-05-21",
                                      "appeal_accepted_on": "2026-05-21", "appeal_addressee": "市纪委监委",
                                      "appeal_grounds": "不服处理决定。"})
    case.complete("decide_review", {"review_outcome": "changed", "review_decision_summary": "改为次要责任。",
                                    "review_decided_on": "2026-06-10", "review_decision_received_on": "2026-06-11"})
    done = case.complete("decide_appeal", {"appeal_outcome": "upheld", "appeal_decision_summary": "维持。",
                                           "appeal_decided_on": "2026-07-01"})
    assert done["status"] == "completed"
    shown = case.show()
    result = shown["data"]["review_appeal_results"]
    assert len(result) == 1 and result[0]["applicant"] == "李四"
    assert (result[0]["review_outcome"], result[0]["appeal_outcome"], result[0]["decision_changed"]) == (
        "changed", "upheld", True)
    # 第八条 2: the decision is final; everyone found liable enters the registry (a changed decision still finds a
    # fault), dated with the 第九条 confirmation and typed with the first 第五条 item
    assert shown.faults() == [
        ("李四", "chifeng", "art5_4", "2026-04-20", "approver", "primary"),
        ("王五", "chifeng", "art5_4", "2026-04-20", "reviewer", "primary"),
        ("张三", "chifeng", "art5_4", "2026-04-20", "officer", "secondary")]
    assert shown.ended("end_") == ["end_notice_due_noted", "end_notice_urged", "end_notice_supervised", "end_final"]


def test_notice_in_time_and_review_window_12_closes_for_every_recipient(procedure: Procedure) -> None:
    """第十一条 met (no overdue); 第十二条: a person and a unit (科室、单位 may apply for 复核) each get their own
    30-day window from their own day of receipt (李四 04-28 → 05-28; 审批科 04-30 → Sat 05-30 → Mon 06-01), running
    at once; the closing windows are recorded, and the designated 复核 body registers that nobody applied within
    them; the unit's 申诉 route (individuals only) is recorded as not applied."""
    case = to_decision(procedure)
    case.complete("determine", determination(proposal_adopted=True, proposal_deviation=None)
                  | {"proposal_deviation": "—"})
    procedure.to("2026-04-24", 10, fire=False)
    case.complete("decide", decision("2026-04-24"))
    procedure.to("2026-04-27", 9, fire=False)
    case.complete("notify", notice("2026-04-27", "2026-04-28", ("李四", "person"), ("审批科", "unit", "2026-04-30")))
    shown = case.show()
    assert shown.timer("timer_notice")["state"] == "cancelled" and shown["overdue"] is False
    assert [p["decision_received_on"] for p in shown["data"]["review_parties"]] == ["2026-04-28", "2026-04-30"]
    windows = shown.timers("timer_review_window")
    assert [(w["start"], w["last_day"], w["state"]) for w in windows] == [
        ("2026-04-28", "2026-05-28", "armed"), ("2026-04-30", "2026-06-01", "armed")]
    for appeal in case.tasks("register_appeal"):
        case.complete_task(appeal, {"appeal_applied": False, "appeal_grounds": "未申诉。"})
    procedure.after_last_day("2026-05-28")
    assert [(w["last_day"], w["state"]) for w in case.show().timers("timer_review_window")] == [
        ("2026-05-28", "fired"), ("2026-06-01", "armed")]
    # 李四's window is over, 审批科's is not: a 复核 李四 filed on 05-29 is refused, naming both days
    with pytest.raises(InvalidData, match="复核申请提出日期2026年5月29日晚于复核申请期最后一日2026年5月28日"):
        case.complete("register_review_in_window", {
            "review_applied": True, "review_filed_on": "2026-05-29", "review_applied_on": "2026-05-29",
            "review_grounds": "不服。"}, applicant="李四")
    procedure.after_last_day("2026-06-01")
    for review in case.tasks("register_review_in_window"):
        assert review["lane"] == REVIEW_BODY
        case.complete_task(review, {"review_applied": False, "review_register_note": "申请期内未提出复核申请。"})
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    # the parallel instances report in the order they finish
    assert sorted((r["applicant"], r["review_applied"], r["decision_changed"])
                  for r in shown["data"]["review_appeal_results"]) == [("审批科", False, False), ("李四", False, False)]
    assert shown["data"]["registered_faults"] == ["李四", "王五", "张三"]


def test_not_a_fault_3_5_ends_the_case(procedure: Procedure) -> None:
    """第三条、第五条: the confirmed facts are not a 行政执法过错; the case ends without investigation."""
    procedure.to("2026-04-20", 9, fire=False)
    case = procedure.start()
    done = case.complete("confirm", CONFIRM | {"is_fault": False, "art5_items": []})
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended("end_") == ["end_not_fault"] and shown["faults"] == []


def test_collective_decision_6_2_officer_not_liable_ends_the_case(procedure: Procedure) -> None:
    """第六条 2: 经过集体讨论、审议、会签同意 → the table proposes 行政执法人员 不承担责任; the others are
    undetermined (SILENT) and a person decides nobody is liable; the case ends at 不承担责任."""
    case = to_decision(procedure, investigation_data=investigation("collective"))
    blame = case.show()["data"]["chifeng_blame"]
    assert ("officer", "none") in {(r["role"], r["grade"]) for r in blame}
    done = case.complete("determine", determination(
        "not_liable", findings=[{"name": "张三", "role": "officer", "grade": "none", "basis": ["art6_2"]}],
        proposal_adopted=True))
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended("end_") == ["end_not_liable"]
    assert shown["timers"] == [] and shown["faults"] == []          # 第六条: nobody is liable, nothing to count


def test_discretionary_exemption_7_1_ends_the_case(procedure: Procedure) -> None:
    """第七条 1 主动发现并及时纠正: the table says 可以从轻或者免予 (discretionary); the person chooses 免予 and the
    case ends; choosing 免予 without naming a 第七条 item is refused."""
    case = to_decision(procedure, investigation_data=investigation(own={"张三": {"discretionary_self_corrected": True}}))
    effects = {c["effect"] for a in case.show()["data"]["circumstance_assessments"] for c in a["circumstances"]}
    assert "discretionary_mitigate_or_exempt" in effects
    with pytest.raises(InvalidData):
        case.complete("determine", determination("exempt", mitigation_effect="exempt"))
    done = case.complete("determine", determination("exempt", mitigation_effect="exempt", mitigation_items=["art7_1"]))
    assert done["status"] == "completed"
    shown = case.show()
    assert shown.ended("end_") == ["end_exempt"] and shown["faults"] == []


def test_roles_follow_the_blame_table_and_counts_are_not_typed_in(procedure: Procedure) -> None:
    """The 责任认定 roles are the roles chifeng_blame proposes (decision_maker, reviewer), not bureau_leader or
    reviewing_head; the investigation takes 第六条 4 officer_not_liable_other and refuses a typed-in count."""
    procedure.to("2026-04-20", 9, fire=False)
    case = procedure.start()
    case.complete("confirm", CONFIRM)
    with pytest.raises(InvalidData):
        case.complete("investigate", investigation() | {"prior_same_faults_by_role": {"officer": 2}})
    with pytest.raises(InvalidData):
        case.complete("investigate", {k: v for k, v in investigation().items() if k != "officer_not_liable_other"})
    case.complete("investigate", investigation(officer_concealed=True, persons={
        "officer": "张三", "unit_head": "赵六", "decision_maker": "钱局长", "approver": "李四", "reviewer": "王五"}))
    data = case.show()["data"]
    assert [(a["role"], a["person"]) for a in data["circumstance_assessments"]] == [
        ("decision_maker", "钱局长"), ("officer", "张三"), ("unit_head", "赵六")]
    for legacy in ("bureau_leader", "reviewing_head"):
        with pytest.raises(InvalidData):
            case.complete("determine", determination(findings=[{"name": "钱局长", "role": legacy,
                                                                "grade": "some", "basis": ["art9_1"]}]))
    with pytest.raises(InvalidData):
        case.complete("determine", determination(prior_faults=2))
    case.complete("determine", determination(findings=[
        {"name": "张三", "role": "officer", "grade": "primary", "basis": ["art9_1"]},
        {"name": "钱局长", "role": "decision_maker", "grade": "some", "basis": ["art9_1"]}]))
    assert case.elements() == ["decide"]


# ------------------------------------------------------------------------------------------------ fault registry

def closed_case(procedure: Procedure, confirmed_on: str, officer: str = "张三",
                review_outcome: str | None = None) -> Case:
    """An earlier case against `officer` (应当审批而未经审批, 第九条 2: 全部责任) run through the runner until the
    decision is final: decided, notified, and the 第十二条 复核 window closed (or the 复核 decided)."""
    day0 = dt.date.fromisoformat(confirmed_on)

    def day(n: int) -> str:
        return (day0 + dt.timedelta(days=n)).isoformat()

    procedure.to(confirmed_on, 9, fire=False)
    case = procedure.start()
    case.complete("confirm", CONFIRM | {"confirmed_on": confirmed_on, "case_no": f"赤应急过〔{confirmed_on}〕"})
    case.complete("investigate", investigation("unapproved", persons={"officer": officer}))
    case.complete("determine", determination(
        findings=[{"name": officer, "role": "officer", "grade": "full", "basis": ["art9_2"]}],
        determined_on=day(1), proposal_adopted=True))
    procedure.to(day(2), 10, fire=False)
    case.complete("decide", decision(day(2)) | {"handlings": [
        {"name": officer, "kind": "individual", "measure": "诫勉谈话", "discipline_referral": False}]})
    procedure.to(day(3), 9, fire=False)
    case.complete("notify", notice(day(3), day(3), (officer, "person")))
    case.complete("register_appeal", {"appeal_applied": False, "appeal_grounds": "未申诉。"})
    if review_outcome:
        case.complete("register_review_in_window", {"review_applied": True, "review_filed_on": day(10),
                                                    "review_applied_on": day(10), "review_grounds": "不服。"})
        case.complete("decide_review", {"review_outcome": review_outcome, "review_decision_summary": "复核决定。",
                                        "review_decided_on": day(20), "review_decision_received_on": day(21)})
    else:
        procedure.to(day(45))                   # the window ends; nobody applied within it
        case.complete("register_review_in_window", {"review_applied": False})
    shown = case.show()
    assert shown["status"] == "completed" and shown.ended("end_")[-1] == "end_final"
    return case


@pytest.mark.parametrize("threshold, expected", [(None, "undetermined"), (2, "aggravate")])
def test_repeated_faults_8_2_counted_from_the_registry_threshold_is_configuration(procedure: Procedure,
                                                                                  threshold, expected) -> None:
    """第八条 2「多次发生行政执法过错的」: two earlier cases against 张三 become final and record his faults; a third
    earlier one is revoked on 复核 (第十二条) and records none. The later case counts 2 from the registry (no time
    window, the current case not counted). 「多次」 is undefined (SILENT): without a configured repeat_threshold the
    table leaves it to a person; with repeat_threshold = 2 in the start data 张三 is proposed for 从重."""
    closed_case(procedure, "2024-06-03")             # no counting window: years ago still counts
    closed_case(procedure, "2025-09-01")
    revoked = closed_case(procedure, "2026-01-05", review_outcome="revoked").show()
    assert revoked["faults"] == []
    assert revoked["data"]["registered_faults"] == []

    start_data = {} if threshold is None else {"repeat_threshold": threshold}
    case = to_decision(procedure, start_data=start_data, investigation_data=investigation(
        "unapproved", persons={"officer": "张三", "unit_head": "赵六"}))
    officer = next(a for a in case.show()["data"]["circumstance_assessments"] if a["role"] == "officer")
    assert (officer["person"], officer["prior_same_faults"]) == ("张三", 2)
    assert [c["effect"] for c in officer["circumstances"]] == [expected]
    assert officer["circumstances"][0]["basis"].startswith("赤峰 第八条 2：")


# ------------------------------------------------------------------------------------------------ own circumstances

def test_corruption_of_one_person_aggravates_that_person_only_8_1(procedure: Procedure) -> None:
    """第八条 1「因…贪污受贿…等原因造成行政执法过错的」 is one person's own: 李四 (审批人) took bribes, 王五 (审核科室负责人)
    did not and found and corrected the fault himself (第七条 1). Only 李四 is proposed for 从重, only 王五 for 可以从轻或者
    免予; 张三 has neither. A circumstance recorded for the whole case is refused."""
    procedure.to("2026-04-20", 9, fire=False)
    case = procedure.start()
    case.complete("confirm", CONFIRM)
    with pytest.raises(InvalidData) as refused:
        case.complete("investigate", investigation() | {"aggravate_corruption": True})
    assert "aggravate_corruption" in str(refused.value.details)
    case.complete("investigate", investigation(own={"李四": {"aggravate_corruption": True},
                                                    "王五": {"discretionary_self_corrected": True}}))
    assessments = {a["person"]: a for a in case.show()["data"]["circumstance_assessments"]}
    assert {name: [(c["effect"], c["basis"].split("：")[0]) for c in a["circumstances"]]
            for name, a in assessments.items()} == {
        "李四": [("aggravate", "赤峰 第八条 1")], "王五": [("discretionary_mitigate_or_exempt", "赤峰 第七条 1")], "张三": []}
    assert all(a["facts_recorded"] for a in assessments.values())


def test_superior_who_changed_the_proposal_is_named_for_the_changed_act_9_4(procedure: Procedure) -> None:
    """第九条 4: the investigation records that 上级领导 赵副局长 changed the unit's proposal; the proposal names him
    for the changed act, and he is assessed like anyone proposed."""
    with pytest.raises(InvalidData) as refused:        # the superior who changed it must be named
        to_decision(procedure, investigation_data=investigation(superior_changed_opinion=True))
    assert [e["path"] for e in refused.value.details["errors"]] == ["persons/superior"]
    case = to_decision(procedure, investigation_data=investigation(superior_changed_opinion=True, persons={
        "officer": "张三", "approver": "李四", "reviewer": "王五", "superior": "赵副局长"}))
    data = case.show()["data"]
    assert ("superior", "liable") in [(r["role"], r["grade"]) for r in data["chifeng_blame"]]
    [superior] = [a for a in data["circumstance_assessments"] if a["role"] == "superior"]
    assert (superior["person"], superior["facts_recorded"]) == ("赵副局长", True)
