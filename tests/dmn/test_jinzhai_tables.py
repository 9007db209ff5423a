"""金寨 (JZ) tables in dmn/: one case per rule row, each citing its item; blame() as a case officer reads it.

The rule-row cases are data: tests/dmn/rows/jinzhai.toml, read by tests/dmn/rows.py.

金寨 numbers its items 「一、」…「二十三、」 without 「第X条」; like domain.md, the tables write item N as 第N条.
"""
from __future__ import annotations


from runner.core.blame import blame, circumstances
from runner.core.decisions import evaluate
from tests.dmn.rows import load_rows, rule_row_tests, shares

ROWS = load_rows("jinzhai")
B, C, M = ROWS.decisions
RR = "reviewed_approved"
PERSON_ONLY = ["admonition", "transfer", "suspension", "resignation_or_removal", "dismissal", "other_lawful"]


test_rule_row, test_every_rule_row_has_exactly_one_case = rule_row_tests(ROWS)


def test_agencies_get_only_items_one_to_three(tables) -> None:
    agency = [row["label"] for row in evaluate(tables[M], {"target": "agency"}).outputs]
    assert agency == ["责令书面检查", "通报批评", "责令公开道歉"]
    person = [row["measure"] for row in evaluate(tables[M], {"target": "person"}).outputs]
    assert len(person) == 10 and person[3:9] == PERSON_ONLY
    assert evaluate(tables[M], {}).outputs == []


# ------------------------------------------------------------------------------- blame() as a case officer reads it

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
