"""Submission checks of 复核/申诉 registration and delivery (named in runner/core/submission_checks.py): case data +
submission -> field errors, no IO.

An appeal counts from the day it was filed (提出), not the day the receiving body registers it: the register task
stays open after its window ends (bpmn/review_appeal.bpmn), a filing date inside the window is accepted however late
it is registered, and a filing date after the window's last day is refused with both dates
(「申诉提出日期2026年11月20日晚于申诉期最后一日2026年11月18日」). The last day is counted as the window's timer
counts it: runner/core/deadlines.py with the legal calendar of the step the check runs in (民法典 第二百零一条至第二百零三条,
holidays and make-up working days included).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import deadlines
from .calendar import chinese_date
from ..errors import FieldError




@dataclass(frozen=True)
class FiledInWindow:
    """A filing registered as made (`applied` true) was filed (`filed_on`) by the last day of the window that runs
    `period` `unit` from `start`, keys of the case data the calling regulation's procedure set (review_appeal's
    load_windows). No window (period None: the regulation is silent; or no start date) checks nothing."""

    applied: str
    filed_on: str
    start: str
    period: str
    unit: str
    what: str             # 申诉, 复核申请
    window: str           # 申诉期, 复核申请期

    def __call__(self, data: Mapping[str, Any], submitted: Mapping[str, Any]) -> list[FieldError]:
        start, period, filed = data.get(self.start), data.get(self.period), submitted.get(self.filed_on)
        if submitted.get(self.applied) is not True or start is None or period is None or filed is None:
            return []
        last_day = deadlines.last_day(start, period, data.get(self.unit) or "calendar_days")
        filed_on = dt.date.fromisoformat(filed)
        if filed_on <= last_day:
            return []
        return [FieldError(path=self.filed_on, message=f"{self.what}提出日期{chinese_date(filed_on)}晚于"
                                                       f"{self.window}最后一日{chinese_date(last_day)}")]


REVIEW_FILED_IN_WINDOW = FiledInWindow("review_applied", "review_filed_on", "decision_received_on",
                                       "review_filing_days", "review_filing_unit", "复核申请", "复核申请期")
APPEAL_FILED_IN_WINDOW = FiledInWindow("appeal_applied", "appeal_filed_on", "decision_received_on",
                                       "appeal_filing_days", "appeal_filing_unit", "申诉", "申诉期")
POST_REVIEW_APPEAL_FILED_IN_WINDOW = FiledInWindow(
    "post_review_appeal_applied", "post_review_appeal_filed_on", "review_decision_received_on",
    "appeal_after_review_days", "appeal_after_review_unit", "对复核决定的申诉", "对复核决定的申诉期")


def delivered_to_each_liable(data: Mapping[str, Any], submitted: Mapping[str, Any]) -> list[FieldError]:
    """The delivery record (送达) names every person the decision holds liable (`person_decisions` whose grade is not
    `none`): each one's appeal window counts from their own receipt (文水 第十九条「接到处理决定后」)."""
    delivered = {record.get("person") for record in submitted.get("deliveries") or ()}
    liable = dict.fromkeys(decision.get("person") for decision in data.get("person_decisions") or ()
                           if decision.get("grade") != "none")
    return [FieldError(path="deliveries", message=f"「{name}」没有送达记录（接到处理决定之日）")
            for name in liable if name not in delivered]
