"""明山 (MS) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it.

The rule-row cases are data: tests/dmn/rows/mingshan.toml, read by tests/dmn/rows.py.
"""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import load_rows, rule_row_tests, shares

ROWS = load_rows("mingshan")
B, C, L = ROWS.decisions
RR = "reviewed_approved"


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(ROWS)


def test_mingshan_assigns_no_degrees(tables) -> None:
    """MS.4: 明山 names whose responsibility is pursued but never 全部/主要/次要."""
    grade = [o.name for o in tables[B].outputs].index("grade")
    assert {rule.outputs[grade].value({}) for rule in tables[B].rules} == {"liable", "none", "undetermined"}


def test_level_is_a_human_judgement_unknown_level_gives_nothing(tables) -> None:
    assert evaluate(tables[L], {}).outputs is None
    assert "严重警告" in evaluate(tables[L], {"level": "L3"}).outputs["basis"]  # party-discipline type, flagged


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def test_officer_pursued_under_two_articles_gets_one_share_citing_both(tables) -> None:
    facts = {"act_mode": RR, "officer_fault_item": 2, "reviewer_missed": True,
             "persons": {"officer": "张三", "reviewer": "李四"}}
    result = blame("mingshan", facts, tables)
    assert shares(result) == {("officer", "张三"): "liable", ("reviewer", "李四"): "liable"}
    (officer,) = [s for s in result["shares"] if s["role"] == "officer"]
    assert officer["basis"].startswith("明山 第八条(2)") and "；明山 第九条" in officer["basis"]


def test_superior_decision_against_an_article_8_situation_is_left_to_the_group(tables) -> None:
    """第六条(7) does not pursue the officer, 第八条(2) pursues him: neither wins silently, the share cites both."""
    facts = {"act_mode": "direct", "officer_fault_item": 2, "superior_decision": True, "persons": {"officer": "张三"}}
    result = blame("mingshan", facts, tables)
    assert shares(result) == {("officer", "张三"): "undetermined", ("superior", None): "undetermined"}
    (officer,) = [s for s in result["shares"] if s["role"] == "officer"]
    assert officer["basis"].startswith("明山 第六条(7)、第八条") and "第八条(2)" in officer["basis"]


def test_superior_decision_alone_exempts_the_officer(tables) -> None:
    facts = {"act_mode": "direct", "superior_decision": True, "persons": {"officer": "张三"}}
    assert shares(blame("mingshan", facts, tables)) == {("officer", "张三"): "none", ("superior", None): "undetermined"}


def test_an_act_the_officer_carried_out_alone_is_pursued_5(tables) -> None:
    """第五条「应当追究责任」: a direct act, or one made without the approval it needed, is the officer's own, as a
    reviewed act is (第九条)."""
    for mode in ("direct", "unapproved", RR):
        result = blame("mingshan", {"act_mode": mode, "persons": {"officer": "张三"}}, tables)
        assert shares(result) == {("officer", "张三"): "liable"}, mode
        assert result["shares"][0]["basis"].startswith("明山 第五条")


def test_approver_irresponsible_on_a_proper_proposal(tables) -> None:
    facts = {"act_mode": RR, "approver_irresponsible": True, "persons": {"officer": "张三", "approver": "王五"}}
    assert shares(blame("mingshan", facts, tables)) == {("approver", "王五"): "liable",
                                                         ("officer", "张三"): "undetermined"}


def test_superior_decision_exempts_the_officer_only(tables) -> None:
    facts = {"superior_decision": True}
    assert [e["effect"] for e in circumstances("mingshan", facts, tables, role="officer")["effects"]] == ["exempt"]
    assert circumstances("mingshan", facts, tables, role="reviewer")["effects"] == []


def test_mingshan_has_no_leniency_list(tables) -> None:
    """MS.5: no 从轻/减轻 list; the only effects are 免予 and 从重."""
    effects = {rule.outputs[0].value({}) for rule in tables[C].rules}
    assert effects == {"exempt", "aggravate", "undetermined"}
