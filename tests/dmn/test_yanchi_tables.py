"""盐池 (YC) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it.

The rule-row cases are data: tests/dmn/rows/yanchi.toml, read by tests/dmn/rows.py.
"""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import load_rows, rule_row_tests, shares

ROWS = load_rows("yanchi")
B, P, C, M = ROWS.decisions
RR = "reviewed_approved"


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(ROWS)


def test_measure_bodies_as_printed(tables) -> None:
    """第九条(二) names a 市政府司法机构 and (四) a 「人办公室」: kept as printed, flagged in the body text."""
    city = evaluate(tables[M], {"measure": "revoke_certificate"}).outputs
    assert city["body"].startswith("市政府司法机构") and "county" in city["body"]
    sanction = evaluate(tables[M], {"measure": "administrative_sanction"}).outputs
    assert sanction["body"].startswith("局机关党委、人办公室") and sanction["studied_by"].startswith("局党组会议")
    assert evaluate(tables[M], {"measure": "demotion"}).outputs is None  # not a 第八条 measure


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def test_reviewed_act_reviewer_and_approver_named_separately_both_hold_the_combined_share(tables) -> None:
    facts = {"act_mode": RR, "persons": {"officer": "张三", "reviewer": "李四", "approver": "王五"}}
    result = blame("yanchi", facts, tables)
    assert shares(result) == {("reviewer_approver", "李四"): "primary", ("reviewer_approver", "王五"): "primary",
                              ("officer", "张三"): "secondary"}
    assert all(s["basis"].startswith("盐池 第七条(二)") for s in result["shares"])
    assert [r["annotation"].split()[1] for r in result["matched_rules"]] == ["第七条(二)"] * 2


def test_concealment_reverses_the_shares(tables) -> None:
    facts = {"act_mode": RR, "officer_concealed": True, "persons": {"officer": "张三", "reviewer_approver": "李四"}}
    assert shares(blame("yanchi", facts, tables)) == {("officer", "张三"): "primary",
                                                       ("reviewer_approver", "李四"): "secondary"}


def test_collective_discussion_grades_each_participant_by_opinion_not_vote(tables) -> None:
    facts = {"act_mode": "collective", "persons": {"head": "赵局长", "officer": "张三"},
             "participants": [{"person": "钱某", "opinion": "wrong", "vote": "for"},
                              {"person": "孙某", "opinion": "correct", "vote": "for"},
                              {"person": "李某", "vote": "against"}]}
    result = blame("yanchi", facts, tables)
    assert shares(result) == {("head", "赵局长"): "primary", ("participant", "钱某"): "secondary",
                              ("participant", "孙某"): "none", ("participant", "李某"): "undetermined",
                              ("officer", "张三"): "none"}
    participant_rules = [r for r in result["matched_rules"] if r["decision"] == "yanchi_participant"]
    assert [r["participant"] for r in participant_rules] == ["钱某", "孙某", "李某"]


def test_collective_without_participants_leaves_them_to_a_human(tables) -> None:
    result = blame("yanchi", {"act_mode": "collective"}, tables)
    (placeholder,) = [s for s in result["shares"] if s["role"] == "participant"]
    assert placeholder["grade"] == "undetermined" and "yanchi_participant" in placeholder["basis"]


def test_entrusted_organisation_adds_the_entrusting_head(tables) -> None:
    facts = {"act_mode": "direct", "entrusted": True, "persons": {"officer": "张三", "entrusting_head": "周局长"}}
    assert shares(blame("yanchi", facts, tables)) == {("officer", "张三"): "full", ("entrusting_head", "周局长"): "some"}


def test_unknown_situation_is_one_undetermined_share(tables) -> None:
    result = blame("yanchi", {}, tables)
    assert result["shares"] == [{"role": None, "grade": "undetermined", "basis": result["shares"][0]["basis"]}]
    assert "yanchi_blame" in result["shares"][0]["basis"] and result["matched_rules"] == []


def test_exemption_of_article_12_1_needs_all_three_conjuncts(tables) -> None:
    assert circumstances("yanchi", {"exempt_minor": True, "exempt_self_corrected": True}, tables)["effects"] == []
    assert circumstances("yanchi", {"party_caused": True}, tables)["effects"] == []  # 但执法人员没有过错 missing


def test_secondary_share_from_blame_mitigates_and_meeting_aggravation_needs_a_human(tables) -> None:
    result = circumstances("yanchi", {"prior_same_faults": 4}, tables, role="officer", grade="secondary")
    assert [e["effect"] for e in result["effects"]] == ["mitigate", "aggravate"]
    assert result["conflict"] and result["needs_human"]
    plain = circumstances("yanchi", {"aggravate_corruption": True}, tables, grade="primary")
    assert [e["effect"] for e in plain["effects"]] == ["aggravate"] and not plain["needs_human"]


def test_no_invented_grade_for_an_act_without_the_required_approval(tables) -> None:
    """第七条 grades direct acts (一) and reviewed ones (二); an act done without the approval it needed is neither."""
    result = blame("yanchi", {"act_mode": "unapproved", "persons": {"officer": "张三"}}, tables)
    assert shares(result) == {("officer", "张三"): "undetermined"}
    assert result["shares"][0]["basis"].startswith("盐池 第七条") and "SILENT" in result["shares"][0]["basis"]


def test_officer_whose_correct_opinion_was_changed_bears_nothing_7_2(tables) -> None:
    facts = {"act_mode": "superior_changed", "persons": {"officer": "张三", "reviewer": "李四", "approver": "王五"}}
    assert shares(blame("yanchi", facts, tables)) == {("reviewer_approver", "李四"): "primary",
                                                       ("reviewer_approver", "王五"): "primary",
                                                       ("officer", "张三"): "none"}


def test_the_person_who_approved_without_referring_it_for_discussion_is_named_7_3(tables) -> None:
    facts = {"act_mode": "should_discuss_not_submitted", "persons": {"officer": "张三", "decision_maker": "王局长"}}
    assert shares(blame("yanchi", facts, tables)) == {("decision_maker", "王局长"): "primary",
                                                       ("officer", "张三"): "undetermined"}
