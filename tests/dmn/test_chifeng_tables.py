"""赤峰 (CF) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it."""
from __future__ import annotations

import pytest

from tests.dmn.rows import case_maker, rule_row_tests

from runner.core.blame import blame, circumstances

DECISIONS = ("chifeng_blame", "chifeng_circumstances")


case = case_maker("CF")


B, C = DECISIONS
RR = "reviewed_approved"
CONCEALED = {"act_mode": RR, "officer_concealed": True}
CASES = [
    # 第九条 1–4
    case(B, "cf_blame_C1_officer", "art9.1", "赤峰 第九条 1", CONCEALED, role="officer", grade="primary"),
    case(B, "cf_blame_C1_unit_head", "art9.1", "赤峰 第九条 1", CONCEALED, role="unit_head", grade="some"),
    case(B, "cf_blame_C1_decision_maker", "art9.1 SILENT", "赤峰 第九条 1", CONCEALED,
         role="decision_maker", grade="undetermined"),
    case(B, "cf_blame_C2_officer", "art9.2", "赤峰 第九条 2", {"act_mode": "unapproved"}, True, role="officer", grade="full"),
    case(B, "cf_blame_C3_unit_head", "art9.2", "赤峰 第九条 2", {"act_mode": "unapproved", "head_consented": True},
         role="unit_head", grade="full"),
    case(B, "cf_blame_C3_officer", "art9.2 SILENT", "赤峰 第九条 2", {"act_mode": "unapproved", "head_consented": True},
         role="officer", grade="undetermined"),
    case(B, "cf_blame_C4_approver", "art9.3", "赤峰 第九条 3", {"act_mode": RR}, role="approver", grade="primary"),
    case(B, "cf_blame_C4_reviewer", "art9.3", "赤峰 第九条 3", {"act_mode": RR}, role="reviewer", grade="primary"),
    case(B, "cf_blame_C4_officer", "art9.3 SILENT", "赤峰 第九条 3", {"act_mode": RR}, role="officer", grade="undetermined"),
    case(B, "cf_blame_C5_superior", "art9.4", "赤峰 第九条 4", {"act_mode": "superior_changed"},
         role="superior", grade="liable"),
    case(B, "cf_blame_C5_officer", "art9.4 SILENT", "赤峰 第九条 4", {"act_mode": "superior_changed"},
         role="officer", grade="undetermined"),
    case(B, "cf_blame_C5_unit_head", "art9.4 SILENT", "赤峰 第九条 4", {"act_mode": "superior_changed"},
         role="unit_head", grade="undetermined"),
    # 第六条 officer not liable
    case(B, "cf_blame_C6_officer", "art6.2", "赤峰 第六条 2", {"act_mode": "collective"}, role="officer", grade="none"),
    case(B, "cf_blame_C6_participant", "art6.2 SILENT", "赤峰 第六条 2", {"act_mode": "collective"},
         role="participant", grade="undetermined"),
    case(B, "cf_blame_C7_officer", "art6.1", "赤峰 第六条 1", {"act_mode": RR, "party_caused": True},
         role="officer", grade="none"),
    case(B, "cf_blame_C8_officer", "art6.3", "赤峰 第六条 3", {"act_mode": "direct", "force_majeure": True},
         role="officer", grade="none"),
    case(B, "cf_blame_C9_officer", "art6.4", "赤峰 第六条 4", {"act_mode": "direct", "officer_not_liable_other": True},
         role="officer", grade="none"),
    case(B, "cf_blame_C6_others", "art6.1/3/4 SILENT", "赤峰 第六条", {"act_mode": RR, "party_caused": True},
         role=None, grade="undetermined"),
    # silences
    case(B, "cf_blame_CD_direct", "art9.2 SILENT", "赤峰 第九条 2", {"act_mode": "direct"}, True,
         role="officer", grade="undetermined"),
    case(B, "cf_blame_CD_interferer", "art9 SILENT, CF-I art9", "赤峰 第九条", {"act_mode": "interference"},
         role="interferer", grade="undetermined"),
    case(B, "cf_blame_CD_interference_officer", "art9 SILENT", "赤峰 第九条", {"act_mode": "interference"},
         role="officer", grade="undetermined"),
    case(B, "cf_blame_CD_should_discuss", "art9 SILENT", "赤峰 第九条", {"act_mode": "should_discuss_not_submitted"}, True,
         role=None, grade="undetermined"),
    case(B, "cf_blame_CD_inaction", "art5.9 art9 SILENT", "赤峰 第五条 9", {"act_mode": "inaction"}, True,
         role="officer", grade="undetermined"),
    case(B, "cf_blame_CD_entrusted", "art9 SILENT", "赤峰 第九条", {"act_mode": "direct", "entrusted": True},
         role="entrusting_head", grade="undetermined"),
    # 第六条–第八条 circumstances
    case(C, "cf_circ_CE1", "art6.1", "赤峰 第六条 1", {"role": "officer", "party_caused": True}, True, effect="exempt"),
    case(C, "cf_circ_CE2", "art6.2", "赤峰 第六条 2", {"role": "officer", "act_mode": "collective"}, True, effect="exempt"),
    case(C, "cf_circ_CE3", "art6.3", "赤峰 第六条 3", {"role": "officer", "force_majeure": True}, True, effect="exempt"),
    case(C, "cf_circ_CE4", "art6.4", "赤峰 第六条 4", {"role": "officer", "officer_not_liable_other": True}, True,
         effect="exempt"),
    case(C, "cf_circ_CL1", "art7.1", "赤峰 第七条 1", {"discretionary_self_corrected": True}, True,
         effect="discretionary_mitigate_or_exempt"),
    case(C, "cf_circ_CL2", "art7.2", "赤峰 第七条 2", {"discretionary_minor": True}, True,
         effect="discretionary_mitigate_or_exempt"),
    case(C, "cf_circ_CL3", "art7.3", "赤峰 第七条 3", {"discretionary_other": True}, True,
         effect="discretionary_mitigate_or_exempt"),
    case(C, "cf_circ_CA1", "art8.1", "赤峰 第八条 1", {"aggravate_corruption": True}, True, effect="aggravate"),
    case(C, "cf_circ_CA2", "art8.2 configured", "赤峰 第八条 2", {"prior_same_faults": 2, "repeat_threshold": 2}, True,
         effect="aggravate"),
    case(C, "cf_circ_CA2_unset", "art8.2 SILENT", "赤峰 第八条 2", {"prior_same_faults": 1}, True, effect="undetermined"),
    case(C, "cf_circ_CA3", "art8.3", "赤峰 第八条 3", {"aggravate_serious_consequences": True}, True, effect="aggravate"),
    case(C, "cf_circ_CA4", "art8.4", "赤峰 第八条 4", {"aggravate_other": True}, True, effect="aggravate"),
]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(CASES, DECISIONS)


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def shares(result: dict) -> dict:
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}


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
