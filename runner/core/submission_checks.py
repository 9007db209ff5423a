"""Named checks a user task's submission must pass on the server, beyond its form (a rule that needs the case's data).

A diagram names them on the user task — `<spiffworkflow:property name="submissionChecks" value="everyone_heard" />`
(several separated by 「、」 or commas) — so they are part of the versioned procedure; deploy refuses a name that is not
registered here, and a task whose form lacks a field the check reads. When a person completes the task, each named
check receives the case data the task starts from (with what running multi-instance activities have collected so
far) and the submission, and returns field errors; any error refuses the submission with InvalidData (422) before the
engine runs anything, so the case stays where it was and the task stays ready. A check is a pure function: a rule
that must change meaning gets a new name, so that cases started on an older version keep the rule they were
started under.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..errors import FieldError, InvalidData
from . import appeal_checks
from .hearings import everyone_heard

PROPERTY = "submissionChecks"


@dataclass(frozen=True)
class SubmissionCheck:
    name: str
    refusal: str                # what the refusal says before naming the fields (Chinese: people read it)
    reads: tuple[str, ...]      # the submission fields it reads: the task's form must declare them
    run: Callable[[Mapping[str, Any], Mapping[str, Any]], list[FieldError]]


CHECKS: dict[str, SubmissionCheck] = {check.name: check for check in (
    SubmissionCheck("everyone_heard", "未经听取陈述和辩解，不能作出处理决定", ("person_decisions", "decided_on"),
                    everyone_heard),
    # An appeal counts from the day it was filed (提出), within the window the calling regulation fixes
    # (runner/core/appeal_checks.py; the last day as the window's timer counts it, with the step's legal calendar).
    SubmissionCheck("review_filed_in_window", "复核申请期届满后提出的复核申请不能登记",
                    ("review_applied", "review_filed_on"), appeal_checks.REVIEW_FILED_IN_WINDOW),
    SubmissionCheck("appeal_filed_in_window", "申诉期届满后提出的申诉不能登记",
                    ("appeal_applied", "appeal_filed_on"), appeal_checks.APPEAL_FILED_IN_WINDOW),
    SubmissionCheck("post_review_appeal_filed_in_window", "对复核决定的申诉期届满后提出的申诉不能登记",
                    ("post_review_appeal_applied", "post_review_appeal_filed_on"),
                    appeal_checks.POST_REVIEW_APPEAL_FILED_IN_WINDOW),
    SubmissionCheck("delivered_to_each_liable", "每名被认定承担责任的人员都须有送达记录", ("deliveries",),
                    appeal_checks.delivered_to_each_liable),
)}


def named(value: str | None) -> tuple[str, ...]:
    """The check names a submissionChecks property lists."""
    return tuple(name.strip() for name in re.split(r"[、,，]", value or "") if name.strip())


def problems(names: tuple[str, ...], form_fields: set[str] | None) -> list[str]:
    """Why a task cannot carry these checks (unknown names, no form, form fields a check reads but the form lacks)."""
    found = []
    for name in names:
        check = CHECKS.get(name)
        if check is None:
            found.append(f"names the unknown submission check '{name}' (known: {', '.join(sorted(CHECKS))})")
        elif form_fields is None:
            found.append(f"names the submission check '{name}' but has no form")
        else:
            found += [f"names the submission check '{name}', which reads the field '{field}' its form lacks"
                      for field in check.reads if field not in form_fields]
    return found


def apply(names: tuple[str, ...], data: Mapping[str, Any], submission: Mapping[str, Any]) -> None:
    """Raise InvalidData listing every field error of the named checks; return None when the submission passes."""
    for name in names:
        check = CHECKS[name]
        errors = check.run(data, submission)
        if errors:
            raise InvalidData(f"{check.refusal}：" + "；".join(error["message"] for error in errors),
                              errors=errors, check=name)
