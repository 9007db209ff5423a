"""Nobody is sanctioned unheard: the submission check `everyone_heard` (pure, no IO).

明山 第十八条「立案、调查、听取陈述和辩解，作出处理决定」(with 第二条: accountability that breaks the procedure is
void) and 文水 第十八条「调查组在调查过程中应充分听取被调查人的意见，被调查人员有权对自己的行为做出解释」. A diagram
hears each person in a multi-instance user task over `hearing_subjects` ({name: …}), whose output collection
`statements` holds one record per person, keyed by name: {"outcome": stated | refused | waived, "on": date, …}.
A refusal (拒绝陈述) or a waiver (放弃陈述) recorded with its date is a hearing; an absent record is not.

The check refuses a decision that holds liable a person without a record dated on or before the decision's date,
or that leaves a person proposed liable (in `hearing_subjects`) unheard.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import FieldError

HEARD = frozenset({"stated", "refused", "waived"})
NOT_LIABLE = "none"     # a decision's grade for a person it clears (文水 「不承担责任」)


def everyone_heard(data: Mapping[str, Any], submission: Mapping[str, Any]) -> list[FieldError]:
    """One error per person the submission would decide on unheard (`person_decisions[*].person`, dated
    `decided_on`), and per person proposed liable (`hearing_subjects`) still unheard, in that order."""
    statements = data.get("statements")
    statements = statements if isinstance(statements, Mapping) else {}
    decided_on = submission.get("decided_on")
    errors: list[FieldError] = []
    named: set[str] = set()
    for index, decision in enumerate(submission.get("person_decisions") or []):
        name = decision.get("person")
        if not isinstance(name, str) or decision.get("grade") == NOT_LIABLE:
            continue
        named.add(name)
        problem = _unheard(name, statements.get(name), decided_on)
        if problem:
            errors.append({"path": f"person_decisions/{index}/person", "title": "姓名", "message": problem})
    subjects = data.get("hearing_subjects")
    for name in subjects if isinstance(subjects, Mapping) else ():
        problem = None if name in named else _unheard(name, statements.get(name), decided_on)
        if problem:
            errors.append({"path": "person_decisions", "title": "逐人处理", "message": f"拟追究责任的人员{problem}"})
    return errors


def _unheard(name: str, record: Any, decided_on: Any) -> str | None:
    """Why `name` counts as unheard for a decision dated `decided_on` (None: heard in time)."""
    if not isinstance(record, Mapping) or record.get("outcome") not in HEARD or not isinstance(record.get("on"), str):
        return f"「{name}」没有陈述、申辩的记录（也没有拒绝陈述或放弃陈述的记录），不能对其作出处理决定"
    if isinstance(decided_on, str) and record["on"] > decided_on:    # ISO dates compare as text
        return (f"「{name}」的陈述、申辩记录日期 {record['on']} 晚于决定日期 {decided_on}："
                "应先听取陈述和辩解，再作出处理决定")
    return None
