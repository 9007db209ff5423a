"""复核与申诉 (bpmn/review_appeal.bpmn): the call activity every procedure uses, walked on its own.

The calling procedures (盐池 第十三条, 金寨 第二十一条) write the windows into the case data before the call; here the
tests start `review_appeal` directly with the same data, so every timer is a top-level timer of the case. Periods are
counted per 民法典 第二百零一条至第二百零三条 by analogy (start day not counted, a last day on a rest day rolls
forward, 24:00 Beijing time); 「一个月」 is a calendar month (第二百零二条). None for a window means the regulation is
SILENT: no timer, and the receiving body records the application (or that there is none) by hand. review_route
False means the regulation has no 复核 at all (文水 第十九条, 明山 第十三条): only the 申诉 route opens; left out, it is
True.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import at
from tests.procedures.driver import Case, InvalidData, Procedure

PROCESS = "review_appeal"
CASE_OFFICE, REVIEW_BODY, APPEAL_BODY = "问责案件主办机构", "复核机关", "申诉受理机关"

# 盐池 第十三条: 复核 filing window SILENT, 复核 decided within one month, 申诉 within 15 days of receiving the
# 决定书 (running alongside the 复核), 申诉 decision period SILENT, execution not suspended.
YANCHI = {"review_filing_days": None, "review_filing_unit": "calendar_days",
          "review_decision_period": 1, "review_decision_unit": "months",
          "appeal_filing_days": 15, "appeal_filing_unit": "calendar_days",
          "appeal_after_review": False, "appeal_after_review_days": None, "appeal_after_review_unit": "calendar_days",
          "appeal_decision_period": None, "appeal_decision_unit": "calendar_days", "appeal_decision_soft": False,
          "execution_basis": "盐池 第十三条：复核和申诉期间，不停止原处理决定的执行。"}
# 金寨 第二十一条 by analogy to 公务员法 第九十五条、第九十六条.
JINZHAI = {"review_filing_days": 30, "review_filing_unit": "calendar_days",
           "review_decision_period": 30, "review_decision_unit": "calendar_days",
           "appeal_filing_days": 30, "appeal_filing_unit": "calendar_days",
           "appeal_after_review": True, "appeal_after_review_days": 15, "appeal_after_review_unit": "calendar_days",
           "appeal_decision_period": 60, "appeal_decision_unit": "calendar_days", "appeal_decision_soft": True,
           "execution_basis": "金寨 第二十一条第二款：申请复核、申诉期间，问责决定不停止执行。"}


def start(procedure: Procedure, config: dict[str, Any], received_on: str, name: str = "王某") -> Case:
    return procedure.start(config | {"party": {"name": name, "kind": "person", "decision_received_on": received_on}})


def review_applied(on: str) -> dict[str, Any]:
    return {"review_applied": True, "review_applied_on": on, "review_grounds": "认定事实不清，处理过重。"}


def review_decided(outcome: str, on: str, received_on: str) -> dict[str, Any]:
    return {"review_outcome": outcome, "review_decision_summary": "复核认为原决定适当。" if outcome == "upheld"
            else "变更为通报批评。", "review_decided_on": on, "review_decision_received_on": received_on}


def appeal_filed(prefix: str, on: str) -> dict[str, Any]:
    return {f"{prefix}_applied": True, f"{prefix}_filed_on": on, f"{prefix}_accepted_on": on,
            f"{prefix}_addressee": "上级业务主管部门", f"{prefix}_grounds": "不服处理决定。"}


def appeal_decided(prefix: str, outcome: str, on: str) -> dict[str, Any]:
    return {f"{prefix}_outcome": outcome, f"{prefix}_decision_summary": "申诉处理决定。", f"{prefix}_decided_on": on}


# ------------------------------------------------------------------------------------------------ 盐池 第十三条

def test_yanchi_art13_both_routes_open_at_once_appeal_window_15_days_review_window_silent(procedure: Procedure) -> None:
    """盐池 第十三条：复核与申诉并行；申诉期自接到决定书之日起 15 日（2026-09-16 收到 → 最后一日 2026-10-08，
    国庆顺延）；复核申请期未规定（SILENT）——不设计时器，由复核机关登记。"""
    case = start(procedure, YANCHI, "2026-09-16")
    assert sorted(case.ready()) == [("register_appeal_in_window", APPEAL_BODY), ("register_review", REVIEW_BODY)]
    shown = case.show()
    window = shown.timer("timer_appeal_window")
    assert (window["kind"], window["start"], window["last_day"], window["rolled_from"]) == (
        "period_end", "2026-09-16", "2026-10-08", "2026-10-01")
    assert window["due_at"] == at("2026-10-09").astimezone(dt.timezone.utc).isoformat()
    assert [t["element"] for t in shown["timers"]] == ["timer_appeal_window"]     # no 复核 filing timer: SILENT
    assert shown["data"]["execution_suspended"] is False


def test_yanchi_art13_appeal_window_passes_review_decided_within_one_month(procedure: Procedure) -> None:
    """盐池 第十三条：15 日申诉期届满未申诉，申诉登记取消（不标记逾期）；复核决定应在一个月内作出
    （2026-09-30 收到申请 → 2026-10-30），期限内作出维持决定，结果返回调用流程。"""
    case = start(procedure, YANCHI, "2026-09-28")
    case.complete("register_review", review_applied("2026-09-30"))
    shown = case.show()
    deadline = shown.timer("timer_review_decision")
    assert (deadline["kind"], deadline["unit"], deadline["period"], deadline["last_day"]) == (
        "deadline", "months", 1, "2026-10-30")
    assert shown.timer("timer_review_decision_reminder")["kind"] == "reminder"
    assert shown.timer("timer_appeal_window")["last_day"] == "2026-10-13"         # 09-28 + 15 = 10-13 (Tue)

    procedure.after_last_day("2026-10-13")
    assert case.elements() == ["decide_review_in_period"]        # the appeal registration is gone
    shown = case.show()
    assert shown.path("period_ended") == ["timer_appeal_window"] and shown["overdue"] is False

    case.complete("decide_review_in_period", review_decided("upheld", "2026-10-20", "2026-10-21"))
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    result = shown["data"]["review_appeal_result"]
    assert result == {"applicant": "王某", "kind": "person", "decision_received_on": "2026-09-28",
                      "review_applied": True, "review_outcome": "upheld",
                      "post_review_appeal_applied": False, "post_review_appeal_outcome": None,
                      "appeal_applied": False, "appeal_outcome": None, "decision_changed": False,
                      "execution_suspended": False, "execution_basis": YANCHI["execution_basis"]}
    assert shown.timer("timer_review_decision")["state"] == "cancelled"


def test_yanchi_art13_review_month_passes_review_body_explains_case_office_supervises(procedure: Procedure) -> None:
    """盐池 第十三条「复核决定应在一个月内作出」：届满前一个工作日提醒复核机关；届满未作出的，案件标记逾期，
    复核机关说明原因、问责案件主办机构督办；复核继续，作出变更决定后结果为「决定已变更」。"""
    case = start(procedure, YANCHI, "2026-09-28")
    case.complete("register_appeal_in_window", {"appeal_applied": False, "appeal_grounds": "书面表示不申诉。"})
    case.complete("register_review", review_applied("2026-09-30"))
    procedure.to("2026-10-29", 0, 0, 1)                 # the working day before the last day 2026-10-30
    assert case.lane("remind_review_decision") == REVIEW_BODY
    case.complete("remind_review_decision", {"review_due_noted_on": "2026-10-29", "review_due_plan": "明日上会审议。"})
    procedure.after_last_day("2026-10-30")
    assert sorted(case.ready()) == [("decide_review_in_period", REVIEW_BODY),   # non-interrupting: the review goes on
                                    ("supervise_review_decision", CASE_OFFICE), ("urge_review_decision", REVIEW_BODY)]
    shown = case.show()
    assert shown["overdue"] is True
    assert [(e["element"], e["last_day"]) for e in shown.events("deadline_passed")] == [
        ("timer_review_decision", "2026-10-30")]

    case.complete("urge_review_decision", {"overdue_reason": "材料补充。", "overdue_expected_on": "2026-11-05"})
    case.complete("supervise_review_decision", {"supervised_on": "2026-11-02",
                                                "supervision_measures": "限 11 月 5 日前作出。"})
    case.complete("decide_review_in_period", review_decided("changed", "2026-11-04", "2026-11-04"))
    result = case.show()["data"]["review_appeal_result"]
    assert result["review_outcome"] == "changed" and result["decision_changed"] is True
    assert result["appeal_applied"] is False


def test_yanchi_art13_appeal_within_15_days_handled_without_a_period_silent(procedure: Procedure) -> None:
    """盐池 第十三条：15 日内向同级主管部门或上级业务主管部门申诉；申诉处理期限未规定（SILENT）——不设计时器；
    申请人书面表示不申请复核的，由复核机关登记。"""
    case = start(procedure, YANCHI, "2026-09-28")
    case.complete("register_appeal_in_window", appeal_filed("appeal", "2026-10-09"))
    case.complete("register_review", {"review_applied": False, "review_register_note": "申请人书面表示不申请复核。"})
    assert case.show().timer_states() == {"timer_appeal_window": "cancelled"}
    assert case.ready() == [("decide_appeal", APPEAL_BODY)]
    assert procedure.to("2027-03-01", 9) == 0               # no period: nothing fires, however long it takes
    case.complete("decide_appeal", appeal_decided("appeal", "revoked", "2027-03-01"))
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    result = shown["data"]["review_appeal_result"]
    assert (result["appeal_applied"], result["appeal_outcome"], result["decision_changed"]) == (True, "revoked", True)
    assert result["review_applied"] is False


# ------------------------------------------------------------------------------------------------ 金寨 第二十一条

def test_jinzhai_art21_no_application_both_30_day_windows_close(procedure: Procedure) -> None:
    """金寨 第二十一条参照《公务员法》第九十五条：复核申请期、直接申诉期均为自知道处理之日起三十日
    （2026-09-29 收到 → 2026-10-29）；均届满未申请，程序结束，不标记逾期。"""
    case = start(procedure, JINZHAI, "2026-09-29")
    assert sorted(case.elements()) == ["register_appeal_in_window", "register_review_in_window"]
    assert {t["element"]: (t["kind"], t["last_day"]) for t in case.show()["timers"]} == {
        "timer_review_window": ("period_end", "2026-10-29"), "timer_appeal_window": ("period_end", "2026-10-29")}
    procedure.after_last_day("2026-10-29")                  # one sweep: both windows end at the same instant
    shown = case.show()
    assert shown.timer_states() == {"timer_review_window": "fired", "timer_appeal_window": "fired"}
    assert shown["status"] == "completed" and shown["overdue"] is False
    assert sorted(shown.path("period_ended")) == ["timer_appeal_window", "timer_review_window"]
    result = shown["data"]["review_appeal_result"]
    assert (result["review_applied"], result["appeal_applied"], result["decision_changed"]) == (False, False, False)


def test_jinzhai_art21_review_then_appeal_against_the_review_decision_60_day_soft_period(procedure: Procedure) -> None:
    """金寨 第二十一条参照《公务员法》第九十五条、第九十六条：三十日内申请复核（直接申诉期随之届满）；复核决定
    三十日内作出；对复核决定不服的，自接到之日起十五日内申诉；申诉自受理之日起六十日内处理（弹性期限）。"""
    case = start(procedure, JINZHAI, "2026-09-29")
    case.complete("register_review_in_window", review_applied("2026-10-09"))
    assert case.timer("timer_review_decision")["last_day"] == "2026-11-09"       # 10-09 + 30 = Sun 11-08 → Mon
    case.complete("decide_review_in_period", review_decided("upheld", "2026-10-20", "2026-10-21"))
    window = case.timer("timer_post_review_window")
    assert (window["kind"], window["start"], window["last_day"]) == ("period_end", "2026-10-21", "2026-11-05")
    case.complete("register_post_review_appeal_in_window", appeal_filed("post_review_appeal", "2026-10-26"))
    decision = case.timer("timer_post_review_appeal_decision")
    assert (decision["kind"], decision["soft"], decision["last_day"]) == ("deadline", True, "2026-12-25")

    procedure.after_last_day("2026-10-29")                  # the direct-appeal window closes meanwhile
    procedure.after_last_day("2026-12-25")
    assert case.lane("urge_post_review_appeal") == APPEAL_BODY
    assert case.lane("follow_post_review_appeal") == CASE_OFFICE
    assert case.show()["overdue"] is True
    case.complete("decide_post_review_appeal_in_period", appeal_decided("post_review_appeal", "upheld", "2026-12-28"))
    shown = case.show()
    assert shown["status"] == "running"            # the two 督办 tasks are still open; they do not block the result
    result = shown["data"]["review_appeal_result"]
    assert (result["review_outcome"], result["post_review_appeal_applied"], result["post_review_appeal_outcome"],
            result["appeal_applied"], result["decision_changed"]) == ("upheld", True, "upheld", False, False)


def test_jinzhai_art21_review_window_closes_without_application_but_direct_appeal_filed(procedure: Procedure) -> None:
    """金寨 第二十一条参照《公务员法》第九十五条：不经复核，三十日内直接申诉；复核申请期届满（中断登记任务）。"""
    case = start(procedure, JINZHAI, "2026-09-29")
    case.complete("register_appeal_in_window", appeal_filed("appeal", "2026-10-12"))
    assert case.timer("timer_appeal_decision")["last_day"] == "2026-12-11"           # 10-12 + 60
    procedure.after_last_day("2026-10-29")
    assert case.elements() == ["decide_appeal_in_period"]
    case.complete("decide_appeal_in_period", appeal_decided("appeal", "changed", "2026-11-30"))
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    assert shown["data"]["review_appeal_result"]["decision_changed"] is True


# ------------------------------------------------------------------------------- no 复核 (文水 第十九条, 明山 第十三条)

def test_review_route_false_opens_only_the_appeal_route(procedure: Procedure) -> None:
    """文水 第十九条、明山 第十三条只规定申诉：调用流程置 review_route = False，只开申诉途径——即使给出了复核申请期
    （此处用金寨的期限配置），也没有复核计时器，复核机关没有任务；申诉期届满未申诉，程序即结束，结果中 review_applied
    为 False。"""
    case = start(procedure, JINZHAI | {"review_route": False}, "2026-09-29")
    assert case.ready() == [("register_appeal_in_window", APPEAL_BODY)]
    shown = case.show()
    assert [(t["element"], t["last_day"]) for t in shown["timers"]] == [("timer_appeal_window", "2026-10-29")]
    gateways = shown.path("gateway")
    assert "gm_review_route_done" in gateways and "gw_review_applied" not in gateways

    assert procedure.after_last_day("2026-10-29") == 1
    shown = case.show()
    assert shown["status"] == "completed" and shown["overdue"] is False
    assert shown.path("period_ended") == ["timer_appeal_window"]
    assert shown.lane_tasks(REVIEW_BODY) == []
    result = shown["data"]["review_appeal_result"]
    assert (result["review_applied"], result["review_outcome"], result["post_review_appeal_applied"],
            result["appeal_applied"], result["decision_changed"]) == (False, None, False, False, False)


def test_review_route_left_out_keeps_the_review_route(procedure: Procedure) -> None:
    """盐池 第十三条、金寨 第二十一条：调用流程不给 review_route 的，视为有复核途径（True），与原来一样两条途径并行。"""
    case = start(procedure, JINZHAI, "2026-09-29")
    assert case.show()["data"]["review_route"] is True
    assert sorted(case.elements()) == ["register_appeal_in_window", "register_review_in_window"]


def test_registration_requires_the_date_and_grounds_when_an_application_is_recorded(procedure: Procedure) -> None:
    """盐池 第十三条、金寨 第二十一条：登记申请必须写明收到申请之日（决定期限起算）和理由。"""
    case = start(procedure, JINZHAI, "2026-09-29")
    with pytest.raises(InvalidData) as bad:
        case.complete("register_review_in_window", {"review_applied": True})
    assert [e["path"] for e in bad.value.details["errors"]] == ["review_applied_on", "review_grounds"]
