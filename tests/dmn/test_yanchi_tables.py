"""盐池 (YC) tables in dmn/: one case per rule row, each citing its article; blame() as a case officer reads it."""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import case_maker, rule_row_tests

DECISIONS = ("yanchi_blame", "yanchi_participant", "yanchi_circumstances", "yanchi_measure_body")


case = case_maker("YC")


B, P, C, M = DECISIONS
RR = "reviewed_approved"
CASES = [
    # 第七条 blame
    case(B, "yc_blame_Y1_officer", "art7(1)", "盐池 第七条(一)", {"act_mode": "unapproved"}, role="officer", grade="full"),
    case(B, "yc_blame_Y2_reviewer_approver", "art7(2)", "盐池 第七条(二)", {"act_mode": RR},
         role="reviewer_approver", grade="primary"),
    case(B, "yc_blame_Y2_officer", "art7(2)", "盐池 第七条(二)", {"act_mode": RR}, role="officer", grade="secondary"),
    case(B, "yc_blame_Y3_officer", "art7(2) proviso", "盐池 第七条(二) 但书", {"act_mode": RR, "officer_concealed": True},
         role="officer", grade="primary"),
    case(B, "yc_blame_Y3_reviewer_approver", "art7(2) proviso", "盐池 第七条(二) 但书",
         {"act_mode": RR, "officer_concealed": True}, role="reviewer_approver", grade="secondary"),
    case(B, "yc_blame_Y2c_reviewer_approver", "art7(2)", "盐池 第七条(二)", {"act_mode": "superior_changed"},
         role="reviewer_approver", grade="primary"),
    case(B, "yc_blame_Y2c_officer", "art7(2) SILENT", "盐池 第七条(二)", {"act_mode": RR, "approver_changed_correct": True},
         role="officer", grade="undetermined"),
    case(B, "yc_blame_Y4_head", "art7(3)", "盐池 第七条(三)", {"act_mode": "collective"}, role="head", grade="primary"),
    case(B, "yc_blame_Y4_participant", "art7(3)", "盐池 第七条(三)", {"act_mode": "collective"}, role="participant"),
    case(B, "yc_blame_Y4_officer", "art7(3)", "盐池 第七条(三)", {"act_mode": "collective"}, role="officer", grade="none"),
    case(B, "yc_blame_Y5_approver", "art7(3) last", "盐池 第七条(三)", {"act_mode": "should_discuss_not_submitted"},
         role="approver", grade="primary"),
    case(B, "yc_blame_Y5_officer", "art7(3) SILENT", "盐池 第七条(三)", {"act_mode": "should_discuss_not_submitted"},
         role="officer", grade="undetermined"),
    case(B, "yc_blame_Y6_interferer", "art7(4)", "盐池 第七条(四)", {"act_mode": "interference"},
         role="interferer", grade="full"),
    case(B, "yc_blame_Y6_officer", "art7(4) SILENT", "盐池 第七条(四)", {"act_mode": "interference"},
         role="officer", grade="undetermined"),
    case(B, "yc_blame_Yx_inaction", "art5(8) SILENT", "盐池 第五条(八)", {"act_mode": "inaction"}, only=True,
         role="officer", grade="undetermined"),
    case(B, "yc_blame_Y7_entrusting_head", "art7(4) 2nd sentence", "盐池 第七条(四)", {"entrusted": True}, only=True,
         role="entrusting_head", grade="some"),
    # 第七条(三) participants, graded by the opinion they argued
    case(P, "yc_part_wrong", "art7(3)", "盐池 第七条(三)", {"opinion": "wrong", "vote": "against"}, grade="secondary"),
    case(P, "yc_part_correct", "art7(3)", "盐池 第七条(三)", {"opinion": "correct", "vote": "for"}, grade="none"),
    case(P, "yc_part_unknown", "art7(3) no opinion", "盐池 第七条(三)", {"vote": "for"}, grade="undetermined"),
    # 第十条–第十二条 circumstances
    case(C, "yc_circ_YE1", "art12(1)", "盐池 第十二条(一)",
         {"exempt_minor": True, "exempt_self_corrected": True, "exempt_no_harm": True}, True, effect="exempt"),
    case(C, "yc_circ_YE2_party", "art12(2)", "盐池 第十二条(二)",
         {"party_caused": True, "exempt_officer_faultless": True}, True, effect="exempt"),
    case(C, "yc_circ_YE2_force", "art12(2)", "盐池 第十二条(二)",
         {"force_majeure": True, "exempt_officer_faultless": True}, True, effect="exempt"),
    case(C, "yc_circ_YM1", "art11(1)", "盐池 第十一条(一)", {"mitigate_admitted_corrected": True}, True, effect="mitigate"),
    case(C, "yc_circ_YM2", "art11(2)", "盐池 第十一条(二)", {"mitigate_minor": True}, True, effect="mitigate"),
    case(C, "yc_circ_YM3", "art11(3)", "盐池 第十一条(三)", {"grade": "secondary"}, True, effect="mitigate"),
    case(C, "yc_circ_YM4", "art11(4)", "盐池 第十一条(四)", {"mitigate_difficult_case": True}, True, effect="mitigate"),
    case(C, "yc_circ_YA1", "art10(1)", "盐池 第十条(一)", {"aggravate_corruption": True}, True, effect="aggravate"),
    case(C, "yc_circ_YA2", "art10(2)", "盐池 第十条(二)", {"aggravate_embezzlement_assault": True}, True,
         effect="aggravate"),
    case(C, "yc_circ_YA3", "art10(3)", "盐池 第十条(三)", {"aggravate_retaliation": True}, True, effect="aggravate"),
    case(C, "yc_circ_YA4", "art10(4) three incl.", "盐池 第十条(四)", {"prior_same_faults": 3}, True, effect="aggravate"),
    case(C, "yc_circ_YA4_current", "art10(4) current case SILENT", "盐池 第十条(四)", {"prior_same_faults": 2}, True,
         effect="undetermined"),
    case(C, "yc_circ_YA5", "art10(5)", "盐池 第十条(五)", {"aggravate_other_serious": True}, True, effect="aggravate"),
    # 第九条 implementing bodies
    case(M, "yc_mb_written_self_criticism", "art9(1)", "盐池 第九条(一)", {"measure": "written_self_criticism"},
         body="被追究人员所在单位和科室", proposed_by=None),
    case(M, "yc_mb_recovery", "art9(1)", "盐池 第九条(一)", {"measure": "recovery"}, label="依法予以追偿",
         body="被追究人员所在单位和科室"),
    case(M, "yc_mb_circulated_criticism", "art9(2)", "盐池 第九条(二)", {"measure": "circulated_criticism"},
         label="通报批评"),
    case(M, "yc_mb_order_correction", "art9(2)", "盐池 第九条(二)", {"measure": "order_correction"}, label="责令改正"),
    case(M, "yc_mb_revoke_certificate", "art9(2)", "盐池 第九条(二)", {"measure": "revoke_certificate"},
         label="收回执法证"),
    case(M, "yc_mb_transfer_from_post", "art9(3)", "盐池 第九条(三)", {"measure": "transfer_from_post"},
         proposed_by="被追究人员所在单位和科室", studied_by="局党组会议"),
    case(M, "yc_mb_dismissal", "art9(3)", "盐池 第九条(三)", {"measure": "dismissal"},
         proposed_by="被追究人员所在单位和科室", studied_by="局党组会议"),
    case(M, "yc_mb_administrative_sanction", "art9(4)", "盐池 第九条(四)", {"measure": "administrative_sanction"},
         proposed_by="被追究人员所在单位和科室"),
    case(M, "yc_mb_criminal_liability", "art8", "盐池 第八条", {"measure": "criminal_liability"}, body="司法机关"),
]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(CASES, DECISIONS)


def test_measure_bodies_as_printed(tables) -> None:
    """第九条(二) names a 市政府司法机构 and (四) a 「人办公室」: kept as printed, flagged in the body text."""
    city = evaluate(tables[M], {"measure": "revoke_certificate"}).outputs
    assert city["body"].startswith("市政府司法机构") and "county" in city["body"]
    sanction = evaluate(tables[M], {"measure": "administrative_sanction"}).outputs
    assert sanction["body"].startswith("局机关党委、人办公室") and sanction["studied_by"].startswith("局党组会议")
    assert evaluate(tables[M], {"measure": "demotion"}).outputs is None  # not a 第八条 measure


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def shares(result: dict) -> dict:
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}


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
