"""金寨 (JZ) tables in dmn/: one case per rule row, each citing its item; blame() as a case officer reads it.

金寨 numbers its items 「一、」…「二十三、」 without 「第X条」; like domain.md, the tables write item N as 第N条.
"""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import case_maker, rule_row_tests

DECISIONS = ("jinzhai_blame", "jinzhai_circumstances", "jinzhai_measures")


case = case_maker("JZ")


B, C, M = DECISIONS
RR = "reviewed_approved"
CN = "一二三四五六七八九"
EXEMPT = ["exempt_minor", "party_caused", "exempt_unclear_basis", "exempt_prior_act_error", "exempt_force_majeure",
          "exempt_no_intent_or_gross_negligence", "exempt_other"]
MITIGATE = ["mitigate_force_majeure", "mitigate_self_corrected", "mitigate_other"]
AGGRAVATE = ["aggravate_obstruction", "aggravate_retaliation", "aggravate_serious_loss", "aggravate_other"]
PERSON_ONLY = ["admonition", "transfer", "suspension", "resignation_or_removal", "dismissal", "other_lawful"]
CASES = [
    # 第六条 agencies, 第十四条 persons
    case(B, "jz_blame_J1_body", "item6 para1", "金寨 第六条第一款", {"act_mode": "direct"},
         role="implementing_body", grade="liable"),
    case(B, "jz_blame_J2_body", "item6 para2", "金寨 第六条第二款", {"entrusted": True},
         role="implementing_body", grade="liable"),
    case(B, "jz_blame_J2_nominal", "item6 para2", "金寨 第六条第二款", {"entrusted": True},
         role="nominal_body", grade="undetermined"),
    case(B, "jz_blame_J3_bodies", "item6 para3", "金寨 第六条第三款", {"implementing_bodies": 2},
         role="implementing_body", grade="liable"),
    case(B, "jz_blame_J4_officer", "item14 factors", "金寨 第十四条", {"act_mode": "direct"},
         role="officer", grade="undetermined"),
    case(B, "jz_blame_J4_reviewer", "item14 factors", "金寨 第十四条", {"act_mode": RR},
         role="reviewer", grade="undetermined"),
    case(B, "jz_blame_J4_approver", "item14 factors", "金寨 第十四条", {"act_mode": "superior_changed"},
         role="approver", grade="undetermined"),
    case(B, "jz_blame_J5_participant", "item14 SILENT", "金寨 第十四条", {"act_mode": "collective"},
         role="participant", grade="undetermined"),
    case(B, "jz_blame_J6_interferer", "item14 SILENT", "金寨 第十四条", {"act_mode": "interference"},
         role="interferer", grade="undetermined"),
    # 第十五条 exemption, 第十六条 mitigation, 第十七条 aggravation
    *[case(C, f"jz_circ_JE{n}", f"item15({n})", f"金寨 第十五条({CN[n - 1]})", {key: True}, True, effect="exempt")
      for n, key in enumerate(EXEMPT, 1)],
    *[case(C, f"jz_circ_JL{n}", f"item16({n})", f"金寨 第十六条({CN[n - 1]})", {key: True}, True, effect="mitigate")
      for n, key in enumerate(MITIGATE, 1)],
    case(C, "jz_circ_JF", "item15(5)/16(1) which?", "金寨 第十五条(五)", {"force_majeure": True}, True,
         effect="undetermined"),
    case(C, "jz_circ_JA1", "item17(1) two incl.", "金寨 第十七条(一)", {"prior_same_faults": 2}, True, effect="aggravate"),
    case(C, "jz_circ_JA1_current", "item17(1) current case SILENT", "金寨 第十七条(一)", {"prior_same_faults": 1}, True,
         effect="undetermined"),
    *[case(C, f"jz_circ_JA{n}", f"item17({n})", f"金寨 第十七条({CN[n - 1]})", {key: True}, True, effect="aggravate")
      for n, key in enumerate(AGGRAVATE, 2)],
    # 第十三条 measures
    case(M, "jz_m_written_self_criticism", "item13(1)", "金寨 第十三条(一)", {"target": "agency"},
         measure="written_self_criticism", label="责令书面检查"),
    case(M, "jz_m_circulated_criticism", "item13(2)", "金寨 第十三条(二)", {"target": "agency"}, label="通报批评"),
    case(M, "jz_m_public_apology", "item13(3)", "金寨 第十三条(三)", {"target": "agency"}, label="责令公开道歉"),
    *[case(M, f"jz_m_{key}", f"item13({n})", f"金寨 第十三条({CN[n - 1]})", {"target": "person"}, measure=key)
      for n, key in enumerate(PERSON_ONLY, 4)],
    case(M, "jz_m_discipline_or_legal", "item13 para3", "金寨 第十三条第三款", {"target": "person"},
         label="党纪政纪或法律责任"),
]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(CASES, DECISIONS)


def test_agencies_get_only_items_one_to_three(tables) -> None:
    agency = [row["label"] for row in evaluate(tables[M], {"target": "agency"}).outputs]
    assert agency == ["责令书面检查", "通报批评", "责令公开道歉"]
    person = [row["measure"] for row in evaluate(tables[M], {"target": "person"}).outputs]
    assert len(person) == 10 and person[3:9] == PERSON_ONLY
    assert evaluate(tables[M], {}).outputs == []


# ------------------------------------------------------------------------------- blame() as a case officer reads it

def shares(result: dict) -> dict:
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}


def test_persons_are_weighed_by_a_human_the_agency_is_accountable(tables) -> None:
    facts = {"act_mode": RR, "persons": {"officer": "张三", "reviewer": "李四", "approver": "王五",
                                         "implementing_body": "县市场监管局"}}
    result = blame("jinzhai", facts, tables)
    assert shares(result) == {("implementing_body", "县市场监管局"): "liable", ("officer", "张三"): "undetermined",
                              ("reviewer", "李四"): "undetermined", ("approver", "王五"): "undetermined"}
    assert all("危害结果、过错情节、责任大小" in s["basis"] for s in result["shares"] if s["role"] != "implementing_body")


def test_entrusted_implementing_body_accountable_nominal_body_only_if_at_fault(tables) -> None:
    facts = {"act_mode": "direct", "entrusted": True}
    assert shares(blame("jinzhai", facts, tables)) == {("implementing_body", None): "liable",
                                                        ("nominal_body", None): "undetermined",
                                                        ("officer", None): "undetermined"}


def test_one_implementing_body_stated_explicitly(tables) -> None:
    result = blame("jinzhai", {"act_mode": "direct", "implementing_bodies": 1}, tables)
    assert [r["id"] for r in result["matched_rules"]] == ["jz_blame_J1_body", "jz_blame_J4_officer"]


def test_force_majeure_must_say_which_article(tables) -> None:
    exempt = circumstances("jinzhai", {"force_majeure": True, "exempt_force_majeure": True}, tables)
    assert [e["effect"] for e in exempt["effects"]] == ["exempt"]
    worse = circumstances("jinzhai", {"force_majeure": True, "mitigate_force_majeure": True}, tables)
    assert [e["effect"] for e in worse["effects"]] == ["mitigate"]
    assert circumstances("jinzhai", {"force_majeure": True}, tables)["needs_human"]
