"""The 复核/申诉 submission checks (runner/core/appeal_checks.py): a filing counts by the day it was filed (提出), its
window's last day counted as the window's timer counts it; a delivery record names every person held liable.
No database, no engine."""
from __future__ import annotations

import pytest

from runner.core import deadlines
from runner.core.calendar import WorkCalendar
from runner.core.submission_checks import CHECKS, apply, problems
from runner.errors import InvalidData

# 盐池 第十三条「在接到决定书之日起15日内」: received Wed 2026-09-16 → 10-01 is 国庆, the last day rolls to Thu 10-08
CASE = {"decision_received_on": "2026-09-16", "appeal_filing_days": 15, "appeal_filing_unit": "calendar_days"}


def appeal(filed_on: str) -> dict[str, object]:
    return {"appeal_applied": True, "appeal_filed_on": filed_on}


def test_a_filing_on_the_rolled_forward_last_day_is_in_time_the_day_after_is_refused_with_both_dates() -> None:
    with deadlines.using(WorkCalendar()):
        apply(("appeal_filed_in_window",), CASE, appeal("2026-10-08"))         # passes: returns None
        with pytest.raises(InvalidData) as refused:
            apply(("appeal_filed_in_window",), CASE, appeal("2026-10-09"))
    assert refused.value.status == 422 and refused.value.details["check"] == "appeal_filed_in_window"
    assert refused.value.message == \
        "申诉期届满后提出的申诉不能登记：申诉提出日期2026年10月9日晚于申诉期最后一日2026年10月8日"
    assert [e["path"] for e in refused.value.details["errors"]] == ["appeal_filed_on"]


@pytest.mark.parametrize("data, submitted", [
    (CASE | {"appeal_filing_days": None}, appeal("2027-01-01")),       # the regulation sets no window (SILENT)
    (CASE, {"appeal_applied": False}),                                 # nothing filed: nothing to date
    (CASE | {"decision_received_on": None}, appeal("2027-01-01")),     # no receipt recorded (明山): no window
], ids=["no window", "not applied", "no receipt"])
def test_without_a_window_or_a_filing_there_is_nothing_to_refuse(data: dict[str, object],
                                                                  submitted: dict[str, object]) -> None:
    with deadlines.using(WorkCalendar()):
        apply(("appeal_filed_in_window",), data, submitted)


def test_the_review_and_post_review_windows_count_from_their_own_start() -> None:
    """金寨 二十一 参照《公务员法》第九十五条: 复核 30 days from receiving the decision, the later 申诉 15 days from
    receiving the 复核 decision (12-21 → 2027-01-05)."""
    data = {"decision_received_on": "2026-11-27", "review_filing_days": 30, "review_filing_unit": "calendar_days",
            "review_decision_received_on": "2026-12-21", "appeal_after_review_days": 15,
            "appeal_after_review_unit": "calendar_days"}
    with deadlines.using(WorkCalendar()):
        with pytest.raises(InvalidData, match="复核申请提出日期2026年12月29日晚于复核申请期最后一日2026年12月28日"):
            apply(("review_filed_in_window",), data, {"review_applied": True, "review_filed_on": "2026-12-29"})
        with pytest.raises(InvalidData, match="2027年1月6日晚于对复核决定的申诉期最后一日2027年1月5日"):
            apply(("post_review_appeal_filed_in_window",), data,
                  {"post_review_appeal_applied": True, "post_review_appeal_filed_on": "2027-01-06"})


def test_a_delivery_record_names_every_person_held_liable() -> None:
    """文水 第十九条: each liable person's window counts from their own receipt, so each needs one; a person found not
    liable needs none."""
    data = {"person_decisions": [{"person": "赵局长", "grade": "primary"}, {"person": "孙某", "grade": "none"},
                                 {"person": "钱某", "grade": "secondary"}]}
    with pytest.raises(InvalidData) as refused:
        apply(("delivered_to_each_liable",), data, {"deliveries": [{"person": "赵局长", "received_on": "2026-10-21"}]})
    assert refused.value.message == "每名被认定承担责任的人员都须有送达记录：「钱某」没有送达记录（接到处理决定之日）"
    apply(("delivered_to_each_liable",), data, {"deliveries": [{"person": "赵局长", "received_on": "2026-10-21"},
                                                               {"person": "钱某", "received_on": "2026-10-23"}]})


def test_deploy_refuses_a_window_check_on_a_form_without_the_filing_date() -> None:
    assert set(CHECKS) >= {"review_filed_in_window", "appeal_filed_in_window", "post_review_appeal_filed_in_window",
                           "delivered_to_each_liable"}
    assert problems(("appeal_filed_in_window",), {"appeal_applied"}) == [
        "names the submission check 'appeal_filed_in_window', which reads the field 'appeal_filed_on' its form lacks"]
