"""everyone_heard (runner/core/hearings.py): 明山 第十八条「听取陈述和辩解，作出处理决定」, 文水 第十八条 — nobody is
decided on without their own statement, refusal or waiver, dated on or before the decision. No database, no engine."""
from __future__ import annotations

from typing import Any

import pytest

from runner.core.hearings import everyone_heard


def record(outcome: str = "stated", on: str = "2026-10-21") -> dict[str, Any]:
    return {"outcome": outcome, "on": on}


def decision(*people: str, on: str = "2026-10-23", **grades: str) -> dict[str, Any]:
    return {"decided_on": on, "person_decisions": [{"person": p} | ({"grade": grades[p]} if p in grades else {})
                                                   for p in people]}


def messages(data: dict[str, Any], submission: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["path"], e["message"]) for e in everyone_heard(data, submission)]


@pytest.mark.parametrize("outcome", ["stated", "refused", "waived"])
def test_a_statement_a_refusal_or_a_waiver_dated_before_the_decision_is_a_hearing(outcome: str) -> None:
    data = {"hearing_subjects": {"刘伟": "刘伟"}, "statements": {"刘伟": record(outcome)}}
    assert everyone_heard(data, decision("刘伟")) == []
    assert everyone_heard(data, decision("刘伟", on="2026-10-21")) == []      # the same day is before the decision


def test_a_person_held_liable_without_a_record_is_named_at_their_row() -> None:
    data = {"hearing_subjects": {"刘伟": "刘伟", "孙丽": "孙丽"}, "statements": {"刘伟": record()}}
    assert messages(data, decision("刘伟", "孙丽")) == [
        ("person_decisions/1/person", "「孙丽」没有陈述、申辩的记录（也没有拒绝陈述或放弃陈述的记录），不能对其作出处理决定")]


def test_a_person_proposed_liable_but_left_out_of_the_decision_still_needs_a_hearing() -> None:
    data = {"hearing_subjects": {"刘伟": "刘伟", "孙丽": "孙丽"}, "statements": {"刘伟": record()}}
    assert messages(data, decision("刘伟")) == [
        ("person_decisions", "拟追究责任的人员「孙丽」没有陈述、申辩的记录（也没有拒绝陈述或放弃陈述的记录），不能对其作出处理决定")]


def test_a_record_dated_after_the_decision_does_not_count() -> None:
    data = {"statements": {"刘伟": record("refused", "2026-10-24")}}
    assert messages(data, decision("刘伟")) == [("person_decisions/0/person",
        "「刘伟」的陈述、申辩记录日期 2026-10-24 晚于决定日期 2026-10-23：应先听取陈述和辩解，再作出处理决定")]


def test_a_person_the_decision_clears_needs_no_hearing_and_a_malformed_record_is_none() -> None:
    assert everyone_heard({}, decision("王某", 王某="none")) == []      # 文水 「不承担责任」
    assert len(everyone_heard({"statements": {"刘伟": {"outcome": "maybe", "on": "2026-10-01"}}},
                              decision("刘伟"))) == 1
    assert len(everyone_heard({"statements": {"刘伟": {"outcome": "stated"}}}, decision("刘伟"))) == 1   # no date
    assert len(everyone_heard({"statements": "刘伟"}, decision("刘伟"))) == 1
