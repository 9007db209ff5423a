"""明山 (MS) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it."""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import case_maker, rule_row_tests

DECISIONS = ("mingshan_blame", "mingshan_circumstances", "mingshan_levels")


case = case_maker("MS")


B, C, L = DECISIONS
RR = "reviewed_approved"
CASES = [
    # 第八条 officer situations
    case(B, "ms_blame_MB1_officer", "art8(1)", "明山 第八条(1)", {"act_mode": RR, "officer_concealed": True},
         role="officer", grade="liable"),
    case(B, "ms_blame_MB1_approver", "art8(1) SILENT", "明山 第八条(1)", {"act_mode": RR, "officer_fault_item": 1},
         role="approver", grade="undetermined"),
    *[case(B, f"ms_blame_MB{n}_officer", f"art8({n})", f"明山 第八条({n})", {"act_mode": "direct", "officer_fault_item": n},
           True, role="officer", grade="liable") for n in range(2, 7)],
    # 第九条, 第十条
    case(B, "ms_blame_MB7_reviewer", "art9", "明山 第九条", {"act_mode": RR, "reviewer_missed": True},
         role="reviewer", grade="liable"),
    case(B, "ms_blame_MB7_officer", "art9", "明山 第九条", {"act_mode": RR, "reviewer_missed": True},
         role="officer", grade="liable"),
    case(B, "ms_blame_MB8_approver", "art10", "明山 第十条", {"act_mode": "superior_changed", "approver_irresponsible": True},
         role="approver", grade="liable"),
    case(B, "ms_blame_MB8_officer", "art10 SILENT", "明山 第十条",
         {"act_mode": "superior_changed", "approver_irresponsible": True}, role="officer", grade="undetermined"),
    # 第六条(7)
    case(B, "ms_blame_MB9_officer", "art6(7)", "明山 第六条(7)", {"act_mode": "interference", "superior_decision": True},
         role="officer", grade="none"),
    case(B, "ms_blame_MB9_superior", "art6(7) SILENT", "明山 第六条(7)",
         {"act_mode": "interference", "superior_decision": True}, role="superior", grade="undetermined"),
    # defaults and silences by act_mode
    case(B, "ms_blame_MD_reviewed", "art5 art9", "明山 第五条", {"act_mode": RR}, True, role="officer", grade="liable"),
    case(B, "ms_blame_MD_direct", "art8 SILENT", "明山 第八条", {"act_mode": "direct"}, True,
         role="officer", grade="undetermined"),
    case(B, "ms_blame_MD_collective", "art8-10 SILENT", "明山 第八条至第十条", {"act_mode": "collective"}, True,
         role=None, grade="undetermined"),
    case(B, "ms_blame_MD_interference", "art8-10 SILENT", "明山 第八条至第十条", {"act_mode": "interference"}, True,
         role=None, grade="undetermined"),
    case(B, "ms_blame_MD_should_discuss", "art8-10 SILENT", "明山 第八条至第十条",
         {"act_mode": "should_discuss_not_submitted"}, True, role=None, grade="undetermined"),
    case(B, "ms_blame_MD_superior_changed", "art10 SILENT", "明山 第十条", {"act_mode": "superior_changed"}, True,
         role=None, grade="undetermined"),
    case(B, "ms_blame_MD_entrusted", "art8-10 SILENT", "明山 第八条至第十条", {"act_mode": RR, "entrusted": True},
         role="entrusting_head", grade="undetermined"),
    # 第六条 exemptions, 第十一条 aggravation
    case(C, "ms_circ_ME1", "art6(1)", "明山 第六条(1)", {"exempt_unclear_law": True}, True, effect="exempt"),
    case(C, "ms_circ_ME2", "art6(2)", "明山 第六条(2)", {"exempt_law_amended": True}, True, effect="exempt"),
    case(C, "ms_circ_ME3", "art6(3)", "明山 第六条(3)", {"exempt_new_evidence": True}, True, effect="exempt"),
    case(C, "ms_circ_ME4_party", "art6(4)", "明山 第六条(4)", {"party_caused": True}, True, effect="exempt"),
    case(C, "ms_circ_ME4_force", "art6(4)", "明山 第六条(4)", {"force_majeure": True}, True, effect="exempt"),
    case(C, "ms_circ_ME5", "art6(5)", "明山 第六条(5)", {"exempt_minor": True}, True, effect="exempt"),
    case(C, "ms_circ_ME6", "art6(6)", "明山 第六条(6)", {"exempt_self_corrected": True}, True, effect="exempt"),
    case(C, "ms_circ_ME7", "art6(7) officer", "明山 第六条(7)", {"role": "officer", "superior_decision": True}, True,
         effect="exempt"),
    case(C, "ms_circ_ME8", "art6(8)", "明山 第六条(8)", {"exempt_other": True}, True, effect="exempt"),
    case(C, "ms_circ_MA1", "art11(1)", "明山 第十一条(1)", {"aggravate_corruption": True}, True, effect="aggravate"),
    case(C, "ms_circ_MA2", "art11(2)", "明山 第十一条(2)", {"aggravate_lost_litigation": True}, True, effect="aggravate"),
    case(C, "ms_circ_MA3", "art11(3) three incl.", "明山 第十一条(3)", {"prior_same_faults": 3}, True, effect="aggravate"),
    case(C, "ms_circ_MA3_current", "art11(3) current case SILENT", "明山 第十一条(3)", {"prior_same_faults": 2}, True,
         effect="undetermined"),
    case(C, "ms_circ_MA4", "art11(4)", "明山 第十一条(4)", {"aggravate_concealed": True}, True, effect="aggravate"),
    # 第十二条 levels (the level is a human judgement)
    case(L, "ms_lv_L1", "art12(1)", "明山 第十二条(1)", {"level": "L1"}, measures=["批评教育", "责令限期改正"], choice="all"),
    case(L, "ms_lv_L2", "art12(2)", "明山 第十二条(2)", {"level": "L2"}, measures=["责令书面检查", "通报批评"], choice="all"),
    case(L, "ms_lv_L3", "art12(3)", "明山 第十二条(3)", {"level": "L3"},
         measures=["责令停职检查", "暂停执法活动", "警告处分", "严重警告处分"], choice="any"),
    case(L, "ms_lv_L4", "art12(4)", "明山 第十二条(4)", {"level": "L4"}, measures=["记过以上处分", "调离", "辞退", "开除公职"],
         choice="any"),
    case(L, "ms_lv_L5", "art12(5)", "明山 第十二条(5)", {"level": "L5"}, measures=["交由司法部门依法追究刑事责任"]),
]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(CASES, DECISIONS)


def test_mingshan_assigns_no_degrees(tables) -> None:
    """MS.4: 明山 names whose responsibility is pursued but never 全部/主要/次要."""
    grade = [o.name for o in tables[B].outputs].index("grade")
    assert {rule.outputs[grade].value({}) for rule in tables[B].rules} == {"liable", "none", "undetermined"}


def test_level_is_a_human_judgement_unknown_level_gives_nothing(tables) -> None:
    assert evaluate(tables[L], {}).outputs is None
    assert "严重警告" in evaluate(tables[L], {"level": "L3"}).outputs["basis"]  # party-discipline type, flagged


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def shares(result: dict) -> dict:
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}


def test_officer_pursued_under_two_articles_gets_one_share_citing_both(tables) -> None:
    facts = {"act_mode": RR, "officer_fault_item": 2, "reviewer_missed": True,
             "persons": {"officer": "张三", "reviewer": "李四"}}
    result = blame("mingshan", facts, tables)
    assert shares(result) == {("officer", "张三"): "liable", ("reviewer", "李四"): "liable"}
    (officer,) = [s for s in result["shares"] if s["role"] == "officer"]
    assert officer["basis"].startswith("明山 第八条(2)") and "；明山 第九条" in officer["basis"]


def test_superior_decision_displaces_the_officer_situations(tables) -> None:
    facts = {"act_mode": "direct", "officer_fault_item": 5, "superior_decision": True, "persons": {"officer": "张三"}}
    assert shares(blame("mingshan", facts, tables)) == {("officer", "张三"): "none", ("superior", None): "undetermined"}


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
