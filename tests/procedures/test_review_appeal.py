"""复核与申诉 (bpmn/review_appeal.bpmn): the call activity every regulation's procedure calls, once per person.

What a county legal office checks of it, through the runner's use cases:
- **who receives them**: the bodies the calling regulation's text names, bound to the call activity's generic lanes
  by its registry file (`called_lanes`): 盐池 第十三条 复核 by the 局重大执法决定法制审核机构, 申诉 to the 同级主管部门或
  上级业务主管部门; the generic accounts of the shared lanes have no task of such a case;
- **whose window**: each person's own, counted from their own receipt of the decision (民法典 第二百零一条至第二百零三条:
  the start day not counted, a last day on a rest day rolls forward, 24:00 Beijing time);
- **which day counts**: the day the 申诉/复核 was filed (提出), not the day the body registers it: the window's end is
  recorded but leaves the registration open; a filing after the last day is refused with both dates, and nothing
  changes;
- **whose periods**: the calling regulation's, fixed in its versioned diagram; started on its own the call activity
  takes only the applicant, and no start data (nor any form) can set a period.
文水 (第十九条, 上级组织人事部门/监察部门), 赤峰 (第十二条) and 明山 (第十三条) are walked in their own test modules.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.procedures import test_jinzhai, test_yanchi
from tests.procedures.driver import Case, Conflict, Forbidden, InvalidData, Procedure

PROCESS = "review_appeal"
CASE_OFFICE, REVIEW_BODY, APPEAL_BODY = "问责案件主办机构", "复核机关", "申诉受理机关"     # its generic lanes
YANCHI_REVIEW, YANCHI_APPEAL = "局重大执法决定法制审核机构", "同级主管部门或上级业务主管部门"   # 盐池 第十三条
PERIODS = ("review_route", "review_filing_days", "review_filing_unit", "review_decision_period", "review_decision_unit",
           "appeal_filing_days", "appeal_filing_unit", "appeal_after_review", "appeal_after_review_days",
           "appeal_after_review_unit", "appeal_decision_period", "appeal_decision_unit", "appeal_decision_soft",
           "execution_basis", "review_appeal_windows")


def appeal(filed_on: str, accepted_on: str | None = None, prefix: str = "appeal") -> dict[str, Any]:
    return {f"{prefix}_applied": True, f"{prefix}_filed_on": filed_on, f"{prefix}_accepted_on": accepted_on or filed_on,
            f"{prefix}_addressee": "吴忠市医疗保障局", f"{prefix}_grounds": "不服处理决定。"}


def review(filed_on: str, received_on: str | None = None) -> dict[str, Any]:
    return {"review_applied": True, "review_filed_on": filed_on, "review_applied_on": received_on or filed_on,
            "review_grounds": "认定事实不清，处理过重。"}


def yanchi_delivered(procedure: Procedure, *received: tuple[str, str]) -> Case:
    """A 盐池 case decided for 马某 and 杨某 and delivered to each on their own day (第十三条「接到决定书之日」)."""
    yanchi = Procedure(procedure.db, procedure.clock, test_yanchi.PROCESS)
    case = test_yanchi.decided_case(yanchi, ("马某", ["written_self_criticism"]), ("杨某", ["written_self_criticism"]))
    case.complete("deliver", test_yanchi.deliveries(*received))
    return case


# ------------------------------------------------------------------------------------------- started on its own

def test_started_on_its_own_it_takes_the_applicant_and_nothing_else(procedure: Procedure) -> None:
    """The periods belong to the regulation whose procedure calls 复核/申诉 (盐池 第十三条 15 日, 金寨 二十一 参照
    《公务员法》…): start data naming one is refused with its path and nothing is created; started with the applicant
    only, no regulation fixes any period, so no timer runs and the generic bodies register by hand."""
    party = {"name": "王某", "kind": "person", "decision_received_on": "2026-09-28"}
    for extra, path in [({"appeal_filing_days": 3}, "appeal_filing_days"),
                        ({"review_appeal_windows": {"appeal_filing_days": 3}}, "review_appeal_windows"),
                        ({"review_route": False}, "review_route")]:
        with pytest.raises(InvalidData) as refused:
            procedure.start({"party": party} | extra)
        assert path in [e["path"] for e in refused.value.details["errors"]]
    with pytest.raises(InvalidData) as refused:
        procedure.start({"party": party | {"appeal_filing_days": 3}})
    assert "party/appeal_filing_days" in [e["path"] for e in refused.value.details["errors"]]
    assert procedure.tasks() == []

    case = procedure.start({"party": party})
    assert sorted(case.ready()) == [("register_appeal", APPEAL_BODY), ("register_review", REVIEW_BODY)]
    shown = case.show()
    assert shown["timers"] == []
    assert (shown["data"]["appeal_filing_days"], shown["data"]["review_filing_days"]) == (None, None)
    assert shown["data"]["execution_suspended"] is False


def test_no_form_can_carry_a_period_of_the_call_activity() -> None:
    """No task form and no start form declares a period (or the periods object) of review_appeal: the runner
    accepts only declared fields, so no person can change one (盐池 第十三条, 金寨 二十一, 赤峰 第十二条, 文水 第十九条)."""
    def declared(node: Any) -> set[str]:
        if isinstance(node, dict):
            return set(node.get("properties", {})) | {k for v in node.values() for k in declared(v)}
        return {k for v in node for k in declared(v)} if isinstance(node, list) else set()

    carrying = {path.name: sorted(declared(json.loads(path.read_text(encoding="utf-8"))) & set(PERIODS))
                for path in sorted((ROOT / "forms").glob("*.json"))}
    assert {name: fields for name, fields in carrying.items() if fields} == {}


# ------------------------------------------------------------------------------------------------ 盐池 第十三条

def test_yanchi_art13_the_legal_review_body_reviews_the_generic_review_account_cannot(procedure: Procedure) -> None:
    """盐池 第十三条「向局重大执法决定法制审核机构申请复核…复核决定应在一个月内作出」：复核由法制审核机构登记和决定，
    共用流程通用的「复核机关」账号看不到也办不了；复核申请期未规定（SILENT），没有计时器。"""
    case = yanchi_delivered(procedure, ("马某", "2026-10-13"), ("杨某", "2026-10-13"))
    first, second = case.tasks("register_review")
    assert (first["lane"], second["lane"]) == (YANCHI_REVIEW, YANCHI_REVIEW)
    assert procedure.tasks(user="fuhe") == []
    with pytest.raises(Forbidden):
        case.complete_task(first, review("2026-10-20"), user="fuhe")
    case.complete_task(first, review("2026-10-20"), user="fazhi")
    decide = case.task("decide_review_in_period")
    assert (decide["lane"], case.timer("timer_review_decision")["last_day"]) == (YANCHI_REVIEW, "2026-11-20")
    with pytest.raises(Forbidden):
        case.complete_task(decide, {}, user="fuhe")
    case.complete_task(decide, {"review_outcome": "upheld", "review_decision_summary": "维持。",
                                "review_decided_on": "2026-11-02", "review_decision_received_on": "2026-11-03"},
                       user="fazhi")
    assert [(e["element"], e["actor"]) for e in case.show().events("task_completed")][-2:] == [
        ("register_review", "fazhi"), ("decide_review_in_period", "fazhi")]


def test_yanchi_art13_a_late_review_decision_ends_only_its_own_person_s_explanation_and_supervision(
        procedure: Procedure) -> None:
    """盐池 第十三条「复核决定应在一个月内作出」+ issue 12：马某、杨某各自的复核都逾期，各得提醒、逾期说明和督办；对马某
    作出复核决定后，只撤销马某那一份（时间线写明「所催办的环节已办结」，再办理得 409），杨某的仍在各自的待办里。"""
    case = yanchi_delivered(procedure, ("马某", "2026-10-13"), ("杨某", "2026-10-13"))
    for task in case.tasks("register_review"):
        case.complete_task(task, review("2026-10-20"), user="fazhi")
    assert case.show().timers("timer_review_decision")[0]["last_day"] == "2026-11-20"
    procedure.after_last_day("2026-11-20")
    urging = ("remind_review_decision", "urge_review_decision", "supervise_review_decision")
    for element in urging:
        assert len(case.tasks(element)) == 2
    kept = {element: case.task(element, applicant="杨某")["id"] for element in urging}
    ended = {element: case.task(element, applicant="马某") for element in urging}
    case.complete("decide_review_in_period", {"review_outcome": "upheld", "review_decision_summary": "维持。",
                                              "review_decided_on": "2026-11-23",
                                              "review_decision_received_on": "2026-11-24"}, applicant="马某")
    for element in urging:
        assert [t["id"] for t in case.tasks(element)] == [kept[element]]
    cancelled = case.show().events("task_cancelled")
    assert sorted((e["task"], e["reason"], e["urges"]) for e in cancelled) == sorted(
        (task["id"], "所催办的环节已办结", "decide_review_in_period") for task in ended.values())
    with pytest.raises(Conflict) as refused:
        case.complete_task(ended["urge_review_decision"], {}, user="fazhi")
    assert refused.value.status == 409 and refused.value.message.startswith("任务「复核逾期说明（复核机关）」已撤销")
    assert any(t["id"] == kept["urge_review_decision"] for t in procedure.tasks(user="fazhi"))


def test_yanchi_art13_each_person_s_15_days_run_from_their_own_receipt_and_the_filing_day_counts(
        procedure: Procedure) -> None:
    """盐池 第十三条「在接到决定书之日起15日内向同级主管部门或上级业务主管部门提出申诉」：马某 10-13 接到 → 最后一日
    10-28；杨某 10-15 接到 → 10-30。申诉由上级业务主管部门登记（通用「申诉受理机关」账号不能）。杨某 10-30 寄出、11-02
    才到的申诉在期满后登记，照样受理；马某 10-29 才提出的申诉被拒绝，写明两个日期，案件不变，登记任务仍在。"""
    case = yanchi_delivered(procedure, ("马某", "2026-10-13"), ("杨某", "2026-10-15"))
    windows = case.show().timers("timer_appeal_window")
    assert [(w["start"], w["last_day"]) for w in windows] == [("2026-10-13", "2026-10-28"), ("2026-10-15", "2026-10-30")]
    assert {t["lane"] for t in case.tasks("register_appeal_in_window")} == {YANCHI_APPEAL}
    assert procedure.tasks(user="shensu") == []

    procedure.after_last_day("2026-10-30")                  # both windows end: recorded, the registrations stay
    shown = case.show()
    assert [e["last_day"] for e in shown.events("period_ended")] == ["2026-10-28", "2026-10-30"]
    assert shown["overdue"] is False and shown.events("task_cancelled") == []
    procedure.to("2026-11-02", 10, fire=False)
    late = case.task("register_appeal_in_window", applicant="杨某")
    with pytest.raises(Forbidden):
        case.complete_task(late, appeal("2026-10-30", "2026-11-02"), user="shensu")
    case.complete_task(late, appeal("2026-10-30", "2026-11-02"), user="zhuguan")
    assert case.task("decide_appeal")["lane"] == YANCHI_APPEAL

    before = case.show()
    with pytest.raises(InvalidData) as refused:
        case.complete("register_appeal_in_window", appeal("2026-10-29"), applicant="马某")
    assert str(refused.value) == "申诉期届满后提出的申诉不能登记：申诉提出日期2026年10月29日晚于申诉期最后一日2026年10月28日"
    assert refused.value.details["errors"][0]["path"] == "appeal_filed_on"
    after = case.show()
    assert (after["events"], after["tasks"], after["data"]) == (before["events"], before["tasks"], before["data"])
    assert after["incidents"] == []
    case.complete("register_appeal_in_window", {"appeal_applied": False}, applicant="马某")
    assert sorted(case.elements()) == ["decide_appeal", "implement_unit", "register_review", "register_review"]


# ------------------------------------------------------------------------------------------------ 金寨 二十一

def test_jinzhai_art21_the_periods_borrowed_from_the_civil_servant_law_are_the_procedure_s(
        procedure: Procedure) -> None:
    """金寨 二十一 参照《公务员法》第九十五条、第九十六条：本办法不写期限，流程版本取 30/30/30/15/60 日（注明来源），
    不是案件数据；复核由原处理机关（问责机关），申诉由同级公务员主管部门或上一级机关办理。对复核决定的申诉期自接到复核
    决定之日起十五日（12-21 → 2027-01-05），其后才提出的申诉被拒绝，写明两个日期。"""
    jinzhai = Procedure(procedure.db, procedure.clock, test_jinzhai.PROCESS)
    case = test_jinzhai.decided_case(jinzhai)
    windows = case.show()["data"]["review_appeal_windows"]
    assert {k: windows[k] for k in ("review_filing_days", "review_decision_period", "appeal_filing_days",
                                    "appeal_after_review_days", "appeal_decision_period", "appeal_decision_soft")} == {
        "review_filing_days": 30, "review_decision_period": 30, "appeal_filing_days": 30,
        "appeal_after_review_days": 15, "appeal_decision_period": 60, "appeal_decision_soft": True}
    assert case.lane("register_review_in_window") == "问责机关"
    case.complete("register_review_in_window", review("2026-11-30", "2026-12-01"))
    case.complete("decide_review_in_period", {
        "review_outcome": "upheld", "review_decision_summary": "维持。", "review_decided_on": "2026-12-20",
        "review_decision_received_on": "2026-12-21"})
    post = case.task("register_post_review_appeal_in_window")
    assert post["lane"] == test_jinzhai.APPEAL_BODY
    assert case.timer("timer_post_review_window")["last_day"] == "2027-01-05"
    with pytest.raises(InvalidData, match="对复核决定的申诉提出日期2027年1月6日晚于对复核决定的申诉期最后一日2027年1月5日"):
        case.complete_task(post, appeal("2027-01-06", prefix="post_review_appeal"))
    case.complete_task(post, appeal("2027-01-05", "2027-01-07", prefix="post_review_appeal"))
    assert case.task("decide_post_review_appeal_in_period")["lane"] == test_jinzhai.APPEAL_BODY
