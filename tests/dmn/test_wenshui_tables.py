"""文水 (WS) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it.

The rule-row cases are data: tests/dmn/rows/wenshui.toml, read by tests/dmn/rows.py.
"""
from __future__ import annotations

import pytest

from tests.dmn.rows import load_rows, rule_row_tests, shares

from runner.core.blame import blame, circumstances

ROWS = load_rows("wenshui")
B, P, C = ROWS.decisions
RR = "reviewed_approved"


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(ROWS)


# ------------------------------------------------------------------------------- blame() as a case officer reads it

PERSONS = {"officer": "张三", "reviewer": "李四", "approver": "王五", "decision_maker": "赵局长", "interferer": "周副局长"}


def test_default_all_three_are_liable_shares_left_to_a_human(tables) -> None:
    result = blame("wenshui", {"act_mode": RR, "persons": PERSONS}, tables)
    assert shares(result) == {("officer", "张三"): "liable", ("reviewer", "李四"): "liable", ("approver", "王五"): "liable"}
    assert all("VAGUE" in s["basis"] for s in result["shares"])


def test_approver_changed_both_correct_opinions_11_4(tables) -> None:
    """第十一条(四): the approver who changed them is the 责任人; the officer and reviewer whose opinions were correct
    are not."""
    facts = {"act_mode": "superior_changed", "approver_changed_correct": True, "persons": PERSONS}
    assert shares(blame("wenshui", facts, tables)) == {("approver", "王五"): "liable", ("officer", "张三"): "none",
                                                        ("reviewer", "李四"): "none"}


def test_two_named_persons_never_also_undetermined(tables) -> None:
    facts = {"act_mode": RR, "officer_concealed": True, "reviewer_intent": True, "persons": PERSONS}
    assert shares(blame("wenshui", facts, tables)) == {("officer", "张三"): "liable", ("reviewer", "李四"): "liable",
                                                        ("approver", "王五"): "undetermined"}


def test_collective_decision_graded_by_vote(tables) -> None:
    facts = {"act_mode": "collective", "persons": PERSONS,
             "participants": [{"person": "钱某", "vote": "for", "opinion": "wrong"},
                              {"person": "孙某", "vote": "against", "opinion": "correct"},
                              {"person": "李某", "vote": "for", "opinion": "correct"},
                              {"person": "吴某"}]}
    assert shares(blame("wenshui", facts, tables)) == {
        ("decision_maker", "赵局长"): "primary", ("participant", "钱某"): "secondary", ("participant", "孙某"): "none",
        ("participant", "李某"): "secondary", ("participant", "吴某"): "undetermined", ("officer", "张三"): "undetermined"}


def test_leader_interference_is_direct_responsibility(tables) -> None:
    assert shares(blame("wenshui", {"act_mode": "interference", "persons": PERSONS}, tables)) == {
        ("interferer", "周副局长"): "direct", ("officer", "张三"): "undetermined"}


@pytest.mark.parametrize("extra, effects", [
    ({}, ["discretionary_mitigate_or_exempt"]),
    ({"article7_fault": True}, ["excluded"]),
    ({"article7_fault": True, "article10_exclusion": "not_literal"}, ["excluded"]),
], ids=["article8-fault", "article7-fault", "article7-fault-no-switch"])
def test_article_10_proviso_is_the_text_not_an_option(tables, extra, effects) -> None:
    """第十条 但书「但有第七条规定情形的除外」: a 第七条 fault is never offered 第十条 leniency; no setting turns it off."""
    result = circumstances("wenshui", {"discretionary_admitted_corrected": True, **extra}, tables)
    assert [e["effect"] for e in result["effects"]] == effects
    assert all(e["basis"].startswith("文水 第十条") for e in result["effects"])


def test_wenshui_has_no_mandatory_exemption(tables) -> None:
    """WS.5: no 不予/免予 list at all (unlike YC, MS, CF and JZ)."""
    assert not any(rule.outputs[0].value({}) == "exempt" for rule in tables[C].rules)
    assert circumstances("wenshui", {"party_caused": True, "force_majeure": True}, tables)["effects"] == []
