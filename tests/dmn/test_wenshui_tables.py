"""文水 (WS) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it."""
from __future__ import annotations

import pytest

from tests.dmn.rows import case_maker, rule_row_tests

from runner.core.blame import blame, circumstances

DECISIONS = ("wenshui_blame", "wenshui_participant", "wenshui_circumstances")


case = case_maker("WS")


B, P, C = DECISIONS
RR = "reviewed_approved"
LENIENT = ["discretionary_admitted_corrected", "discretionary_minor_no_impact", "discretionary_no_harm_remedied"]
CN = "一二三四五"
CASES = [
    # 第十一条 first sentence: 承办人、审核人、批准人均属行政过错责任人
    *[case(B, f"ws_blame_W0_{role}", "art11", "文水 第十一条", {"act_mode": RR}, role=role, grade="liable")
      for role in ("officer", "reviewer", "approver")],
    case(B, "ws_blame_W0_direct", "art11", "文水 第十一条", {"act_mode": "direct"}, True, role="officer", grade="liable"),
    # 第十一条(一)–(四)
    case(B, "ws_blame_W1_officer", "art11(1)", "文水 第十一条(一)", {"act_mode": RR, "officer_concealed": True},
         role="officer", grade="liable"),
    case(B, "ws_blame_W2_reviewer", "art11(2)", "文水 第十一条(二)", {"act_mode": RR, "reviewer_intent": True},
         role="reviewer", grade="liable"),
    case(B, "ws_blame_W3_reviewer", "art11(3)", "文水 第十一条(三)", {"act_mode": RR, "reviewer_changed_correct": True},
         role="reviewer", grade="liable"),
    case(B, "ws_blame_W4_approver", "art11(4)", "文水 第十一条(四)",
         {"act_mode": "superior_changed", "approver_changed_correct": True}, role="approver", grade="liable"),
    case(B, "ws_blame_W1_4_officer", "art11(2)-(4) VAGUE", "文水 第十一条", {"act_mode": RR, "reviewer_intent": True},
         role="officer", grade="undetermined"),
    case(B, "ws_blame_W1_4_reviewer", "art11(1)(4) VAGUE", "文水 第十一条", {"act_mode": RR, "officer_concealed": True},
         role="reviewer", grade="undetermined"),
    case(B, "ws_blame_W1_4_approver", "art11(1)-(3) VAGUE", "文水 第十一条", {"act_mode": RR, "officer_concealed": True},
         role="approver", grade="undetermined"),
    # 第十一条(五)(六), 第十二条
    case(B, "ws_blame_W5_interferer", "art11(5)", "文水 第十一条(五)", {"act_mode": "interference"},
         role="interferer", grade="direct"),
    case(B, "ws_blame_W5_officer", "art11(5) SILENT", "文水 第十一条(五)", {"act_mode": "interference"},
         role="officer", grade="undetermined"),
    case(B, "ws_blame_W6_decision_maker", "art11(6)", "文水 第十一条(六)", {"act_mode": "collective"},
         role="decision_maker", grade="primary"),
    case(B, "ws_blame_W6_participant", "art11(6)", "文水 第十一条(六)", {"act_mode": "collective"}, role="participant"),
    case(B, "ws_blame_W6_officer", "art11(6) SILENT", "文水 第十一条(六)", {"act_mode": "collective"},
         role="officer", grade="undetermined"),
    case(B, "ws_blame_W7_inaction", "art12 post duties", "文水 第十二条", {"act_mode": "inaction"}, True,
         role=None, grade="undetermined"),
    case(B, "ws_blame_W8_should_discuss", "art11 SILENT", "文水 第十一条", {"act_mode": "should_discuss_not_submitted"},
         True, role=None, grade="undetermined"),
    case(B, "ws_blame_W9_entrusted", "art11 SILENT", "文水 第十一条", {"act_mode": "direct", "entrusted": True},
         role="entrusting_head", grade="undetermined"),
    # 第十一条(六) participants, graded by their vote
    case(P, "ws_part_for", "art11(6)", "文水 第十一条(六)", {"vote": "for", "opinion": "correct"}, grade="secondary"),
    case(P, "ws_part_against", "art11(6)", "文水 第十一条(六)", {"vote": "against", "opinion": "wrong"}, grade="none"),
    case(P, "ws_part_other", "art11(6) abstention SILENT", "文水 第十一条(六)", {"vote": "abstain"}, grade="undetermined"),
    # 第九条 aggravation
    case(C, "ws_circ_WA1", "art9(1)", "文水 第九条(一)", {"aggravate_refused_correction": True}, True, effect="aggravate"),
    case(C, "ws_circ_WA2", "art9(2)", "文水 第九条(二)", {"aggravate_retaliation": True}, True, effect="aggravate"),
    case(C, "ws_circ_WA3", "art9(3) two incl.", "文水 第九条(三)", {"prior_same_faults": 2}, True, effect="aggravate"),
    case(C, "ws_circ_WA3_current", "art9(3) current case SILENT", "文水 第九条(三)", {"prior_same_faults": 1}, True,
         effect="undetermined"),
    case(C, "ws_circ_WA4", "art9(4)", "文水 第九条(四)", {"aggravate_abuse_of_power": True}, True, effect="aggravate"),
    case(C, "ws_circ_WA5", "art9(5)", "文水 第九条(五)", {"aggravate_serious_harm": True}, True, effect="aggravate"),
    # 第十条 可以从轻、减轻或免于, 但有第七条规定情形的除外
    *[case(C, f"ws_circ_WL{n}", f"art10({n})", f"文水 第十条({CN[n - 1]})", {key: True}, True,
           effect="discretionary_mitigate_or_exempt") for n, key in enumerate(LENIENT, 1)],
    *[case(C, f"ws_circ_WL{n}_not_literal", f"art10({n}) owner reading", f"文水 第十条({CN[n - 1]})",
           {key: True, "article7_fault": True, "article10_exclusion": "not_literal"}, True,
           effect="discretionary_mitigate_or_exempt") for n, key in enumerate(LENIENT, 1)],
    case(C, "ws_circ_WLX_literal", "art10 proviso literal", "文水 第十条 但书",
         {"discretionary_minor_no_impact": True, "article7_fault": True, "article10_exclusion": "literal"}, True,
         effect="excluded"),
    case(C, "ws_circ_WLX_undecided", "art10 proviso VAGUE", "文水 第十条 但书",
         {"discretionary_admitted_corrected": True, "article7_fault": True}, True, effect="undetermined"),
]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(CASES, DECISIONS)


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def shares(result: dict) -> dict:
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}


PERSONS = {"officer": "张三", "reviewer": "李四", "approver": "王五", "decision_maker": "赵局长", "interferer": "周副局长"}


def test_default_all_three_are_liable_shares_left_to_a_human(tables) -> None:
    result = blame("wenshui", {"act_mode": RR, "persons": PERSONS}, tables)
    assert shares(result) == {("officer", "张三"): "liable", ("reviewer", "李四"): "liable", ("approver", "王五"): "liable"}
    assert all("VAGUE" in s["basis"] for s in result["shares"])


def test_approver_changed_both_correct_opinions(tables) -> None:
    facts = {"act_mode": "superior_changed", "approver_changed_correct": True, "persons": PERSONS}
    assert shares(blame("wenshui", facts, tables)) == {("approver", "王五"): "liable", ("officer", "张三"): "undetermined",
                                                        ("reviewer", "李四"): "undetermined"}


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
    ({"article7_fault": True}, ["undetermined"]),
    ({"article7_fault": True, "article10_exclusion": "literal"}, ["excluded"]),
    ({"article7_fault": True, "article10_exclusion": "not_literal"}, ["discretionary_mitigate_or_exempt"]),
], ids=["article8-fault", "article7-undecided", "article7-literal", "article7-not-literal"])
def test_article_10_proviso_is_not_resolved_silently(tables, extra, effects) -> None:
    result = circumstances("wenshui", {"discretionary_admitted_corrected": True, **extra}, tables)
    assert [e["effect"] for e in result["effects"]] == effects


def test_wenshui_has_no_mandatory_exemption(tables) -> None:
    """WS.5: no 不予/免予 list at all (unlike YC, MS, CF and JZ)."""
    assert not any(rule.outputs[0].value({}) == "exempt" for rule in tables[C].rules)
    assert circumstances("wenshui", {"party_caused": True, "force_majeure": True}, tables)["effects"] == []
