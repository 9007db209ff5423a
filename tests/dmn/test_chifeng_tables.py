"""赤峰 (CF) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it.

The rule-row cases are data: tests/dmn/rows/chifeng.toml, read by tests/dmn/rows.py.
"""
from __future__ import annotations

import pytest

from tests.dmn.rows import load_rows, rule_row_tests, shares

from runner.core.blame import blame, circumstances

ROWS = load_rows("chifeng")
RR = "reviewed_approved"
CONCEALED = {"act_mode": RR, "officer_concealed": True}


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(ROWS)


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def test_concealment_officer_primary_unit_head_some_misled_leaders_open(tables) -> None:
    facts = {**CONCEALED, "persons": {"officer": "张三", "unit_head": "李科长", "decision_maker": "王局长",
                                      "approver": "王局长"}}
    assert shares(blame("chifeng", facts, tables)) == {("officer", "张三"): "primary", ("unit_head", "李科长"): "some",
                                                        ("decision_maker", "王局长"): "undetermined"}


def test_unapproved_act_the_consenting_head_bears_it_all(tables) -> None:
    assert shares(blame("chifeng", {"act_mode": "unapproved", "persons": {"officer": "张三"}}, tables)) == {
        ("officer", "张三"): "full"}
    facts = {"act_mode": "unapproved", "head_consented": True, "persons": {"officer": "张三", "unit_head": "李科长"}}
    assert shares(blame("chifeng", facts, tables)) == {("unit_head", "李科长"): "full", ("officer", "张三"): "undetermined"}


def test_party_caused_exonerates_the_officer_only_and_leaves_the_rest_open(tables) -> None:
    result = blame("chifeng", {"act_mode": RR, "party_caused": True, "persons": {"officer": "张三"}}, tables)
    assert shares(result) == {("officer", "张三"): "none", (None, None): "undetermined"}


def test_collective_officer_none_and_each_participant_open(tables) -> None:
    facts = {"act_mode": "collective", "persons": {"officer": "张三"},
             "participants": [{"person": "钱某", "opinion": "wrong", "vote": "for"},
                              {"person": "孙某", "opinion": "correct", "vote": "against"}]}
    assert shares(blame("chifeng", facts, tables)) == {("officer", "张三"): "none", ("participant", "钱某"): "undetermined",
                                                        ("participant", "孙某"): "undetermined"}


@pytest.mark.parametrize("prior, threshold, effects", [
    (2, 3, []), (3, 3, ["aggravate"]), (0, None, []), (1, None, ["undetermined"]), (5, None, ["undetermined"]),
], ids=["below-threshold", "at-threshold", "no-history", "unset-1", "unset-5"])
def test_repeat_threshold_is_configuration_not_invented(tables, prior, threshold, effects) -> None:
    facts = {"prior_same_faults": prior, "repeat_threshold": threshold}
    assert [e["effect"] for e in circumstances("chifeng", facts, tables)["effects"]] == effects


def test_discretionary_leniency_goes_to_a_human(tables) -> None:
    result = circumstances("chifeng", {"discretionary_minor": True}, tables, role="officer")
    assert result["needs_human"] and not result["conflict"]


def test_superior_who_changed_the_proposal_answers_for_the_changed_act_9_4(tables) -> None:
    """第九条 4: the recorded fact that a 上级领导 changed the proposal names him for the changed act, whatever way
    the act was then made; without that fact nobody is named under 第九条 4."""
    persons = {"officer": "张三", "approver": "王局长", "reviewer": "李科长", "superior": "赵副局长"}
    changed = blame("chifeng", {"act_mode": RR, "superior_changed_opinion": True, "persons": persons}, tables)
    assert shares(changed)[("superior", "赵副局长")] == "liable"
    assert [s["basis"] for s in changed["shares"] if s["role"] == "superior"][0].startswith("赤峰 第九条 4")
    assert ("superior", "赵副局长") not in shares(blame("chifeng", {"act_mode": RR, "persons": persons}, tables))
    by_mode = blame("chifeng", {"act_mode": "superior_changed", "persons": persons}, tables)
    assert shares(by_mode)[("superior", "赵副局长")] == "liable"


def test_collective_decision_with_concealment_is_left_to_a_person_citing_both(tables) -> None:
    """第六条 2 (集体讨论: the officer bears nothing) against 第九条 1 (concealment: the officer bears 主要): never a
    silent pick; and the 第六条 2 exemption is not proposed as settled either."""
    facts = {"act_mode": "collective", "officer_concealed": True, "persons": {"officer": "张三"}}
    result = blame("chifeng", facts, tables)
    (officer,) = [s for s in result["shares"] if s["role"] == "officer"]
    assert officer["grade"] == "undetermined" and officer["basis"].startswith("赤峰 第六条 2、第九条 1")
    assert circumstances("chifeng", {"act_mode": "collective", "officer_concealed": True}, tables,
                         role="officer")["effects"] == []
