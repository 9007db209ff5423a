"""Checks a user task's submission must pass beyond its form (pure, no IO): case data + submission -> field errors.

A user task names its checks with the property `submissionChecks` (names separated by 「、」 or commas). Deploy
refuses a name that is not in CHECKS; `cases.complete_task` runs them after the form and before the engine, so a
refused submission is a 422 `invalid_data` naming the field, nothing changes and the task stays ready (a script that
raised would be an incident instead).

    <spiffworkflow:property name="submissionChecks" value="appeal_filed_in_window" />

An appeal counts from the day it was filed (提出), not the day the receiving body registers it: the register task
stays open after its window ends (bpmn/review_appeal.bpmn), a filing date inside the window is accepted however
late it is registered, and a filing date after the window's last day is refused with both dates
(「申诉提出日期2026年11月20日晚于申诉期最后一日2026年11月18日」). The last day is counted as the window's timer counts
it (runner/core/calendar.py: 民法典 第二百零一条至第二百零三条, holidays included).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .calendar import WorkCalendar, compute_deadline
from ..errors import DeployError, FieldError

Check = Callable[[Mapping[str, Any], Mapping[str, Any], WorkCalendar], list[FieldError]]
PROPERTY = "submissionChecks"


def chinese_date(day: dt.date) -> str:
    """A date as Chinese documents write it: 2026年11月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class FiledInWindow:
    """A filing registered as made (`applied` true) must have been filed (`filed_on`) by the last day of the window
    that runs `period` `unit` from `start` (keys of the case data the calling regulation's procedure set). No
    window (period None: the regulation is silent, or no start date) checks nothing."""

    applied: str
    filed_on: str
    title: str            # the filing date field's title, as the form shows it
    start: str
    period: str
    unit: str
    what: str             # 申诉, 复核申请
    window: str           # 申诉期, 复核申请期

    def __call__(self, data: Mapping[str, Any], submitted: Mapping[str, Any],
                 calendar: WorkCalendar) -> list[FieldError]:
        start, period, filed = data.get(self.start), data.get(self.period), submitted.get(self.filed_on)
        if submitted.get(self.applied) is not True or start is None or period is None or filed is None:
            return []
        window = compute_deadline(start, period, data.get(self.unit) or "calendar_days", calendar)
        filed_on = dt.date.fromisoformat(filed)
        if filed_on <= window.last_day:
            return []
        message = (f"{self.what}提出日期{chinese_date(filed_on)}晚于{self.window}最后一日"
                   f"{chinese_date(window.last_day)}")
        return [FieldError(path=self.filed_on, title=self.title, message=message, reason=message)]


def delivered_to_each_liable(data: Mapping[str, Any], submitted: Mapping[str, Any],
                             calendar: WorkCalendar) -> list[FieldError]:
    """A delivery record (送达) names every person the decision holds liable (`person_decisions` whose grade is not
    `none`): each one's appeal window counts from their own receipt, so nobody may be left without one."""
    delivered = {record.get("person") for record in submitted.get("deliveries") or ()}
    missing = [name for name in dict.fromkeys(decision.get("person") for decision in data.get("person_decisions") or ()
                                              if decision.get("grade") != "none") if name not in delivered]
    if not missing:
        return []
    message = f"处理决定认定承担责任的{'、'.join(map(str, missing))}没有送达记录（接到处理决定之日）"
    return [FieldError(path="deliveries", title="送达记录", message=message, reason=message)]


CHECKS: dict[str, Check] = {
    "delivered_to_each_liable": delivered_to_each_liable,
    "review_filed_in_window": FiledInWindow(
        "review_applied", "review_filed_on", "提出复核申请之日", "decision_received_on", "review_filing_days",
        "review_filing_unit", "复核申请", "复核申请期"),
    "appeal_filed_in_window": FiledInWindow(
        "appeal_applied", "appeal_filed_on", "提出申诉之日", "decision_received_on", "appeal_filing_days",
        "appeal_filing_unit", "申诉", "申诉期"),
    "post_review_appeal_filed_in_window": FiledInWindow(
        "post_review_appeal_applied", "post_review_appeal_filed_on", "提出申诉之日", "review_decision_received_on",
        "appeal_after_review_days", "appeal_after_review_unit", "对复核决定的申诉", "对复核决定的申诉期"),
}


def names(value: str | None) -> list[str]:
    """The check names a `submissionChecks` property lists."""
    return [name.strip() for name in re.split(r"[、,，]", value or "") if name.strip()]


def check_names(file: str, element: str, listed: Iterable[str]) -> None:
    """Deploy: every name a task lists is a known check."""
    for name in listed:
        if name not in CHECKS:
            raise DeployError(f"{file}: user task '{element}' names unknown submission check '{name}' "
                              f"(known: {', '.join(sorted(CHECKS))})", file=file, element=element)


def errors(listed: Iterable[str], data: Mapping[str, Any], submitted: Mapping[str, Any],
           calendar: WorkCalendar) -> list[FieldError]:
    """Every field error the listed checks find in a submission made on a task whose case data is `data`."""
    return [error for name in listed for error in CHECKS[name](data, submitted, calendar)]
