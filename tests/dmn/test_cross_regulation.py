"""domain.md §X.1–§X.3 side by side: the same facts under the five regulations give the five documented answers.

The expected answers are transcribed from domain.md as data, not recomputed. Transcription conventions:
SILENT → "undetermined" (a human decides); a grade the text names → that grade; "是行政过错责任人"/"追究" with no
degree → "liable"; stated none → "none". A role the cell of §X.1 does not mention is not in the answer, except
that under 金寨 the 实施主体 is always accountable (第六条) and 第十四条 leaves every person to human weighing
(domain.md JZ.4), and `None` is a share for the whole situation (no role named).

Where domain.md and the seed text differ, the seed text wins, and the cell says so (「text:」): 明山 第五条 pursues the
officer for an act he carried out alone (domain.md: SILENT); 盐池 第七条 has no rule for an act made without the
required approval (domain.md reads it as 第七条(一)); an officer (文水 第十一条(三)(四): and a reviewer) whose correct
opinion was changed is not liable; 盐池 第七条(三) names 批准决定的人员 (the `decision_maker` of its form).
"""
from __future__ import annotations

from typing import Any

import pytest

from runner.core import regulations
from runner.core.blame import blame, circumstances
from tests.conftest import ROOT

# The regulations of the registry that split blame with a table: the five of domain.md.
REGULATIONS = sorted(key for key in regulations.load((p.name, p.read_text(encoding="utf-8"))
                                                     for p in sorted((ROOT / "bpmn" / "regulations").glob("*.json")))
                     if (ROOT / "dmn" / f"{key}_blame.dmn").exists())

BODY = {"implementing_body": "liable"}  # 金寨 第六条: the 实施主体 is the object of accountability in every case
PARTICIPANTS = [{"person": "甲", "opinion": "wrong", "vote": "for"},
                {"person": "乙", "opinion": "correct", "vote": "against"},
                {"person": "丙", "opinion": "correct", "vote": "for"}]


def situation(name: str, facts: dict[str, Any], answers: dict[str, dict], conditional: tuple = ()):
    """answers: regulation → {role or (role, person): grade}; conditional: (regulation, extra facts, answer), for
    §X.1 cells that state a condition ("the reviewer is also liable if 应该发现而没有发现")."""
    assert set(answers) == set(REGULATIONS)
    return pytest.param(facts, answers, conditional, id=name)


X1 = [
    situation("act made directly by the officer", {"act_mode": "direct"}, {
        "yanchi": {"officer": "full"},                       # 第七条(一)
        "mingshan": {"officer": "liable"},                   # text: 第五条 应当追究责任 (domain.md: SILENT)
        "chifeng": {"officer": "undetermined"},              # only where approval was required (第九条 2)
        "jinzhai": {"officer": "undetermined", **BODY},      # factors only (第十四条)
        "wenshui": {"officer": "liable"},                    # 第十一条: all of 承办/审核/批准 liable, shares by size
    }, conditional=(
        ("chifeng", {"act_mode": "unapproved"}, {"officer": "full"}),                              # 第九条 2
        ("chifeng", {"act_mode": "unapproved", "head_consented": True},                             # 第九条 2
         {"unit_head": "full", "officer": "undetermined"}),
        ("yanchi", {"act_mode": "unapproved"}, {"officer": "undetermined"}),     # text: 第七条 SILENT (not (一))
        ("mingshan", {"act_mode": "unapproved"}, {"officer": "liable"}),                           # 第五条
    )),
    situation("normal review and approval", {"act_mode": "reviewed_approved"}, {
        "yanchi": {"reviewer_approver": "primary", "officer": "secondary"},             # 第七条(二)
        "mingshan": {"officer": "liable"},                                              # 第九条 (officer is the default target)
        "chifeng": {"approver": "primary", "reviewer": "primary", "officer": "undetermined"},  # 第九条 3, officer SILENT
        "jinzhai": {"officer": "undetermined", "reviewer": "undetermined", "approver": "undetermined", **BODY},
        "wenshui": {"officer": "liable", "reviewer": "liable", "approver": "liable"},   # 第十一条, shares VAGUE
    }, conditional=(
        ("mingshan", {"reviewer_missed": True}, {"officer": "liable", "reviewer": "liable"}),          # 第九条
        ("mingshan", {"approver_irresponsible": True}, {"approver": "liable", "officer": "undetermined"}),  # 第十条
    )),
    situation("officer concealed or falsified facts", {"act_mode": "reviewed_approved", "officer_concealed": True}, {
        "yanchi": {"officer": "primary", "reviewer_approver": "secondary"},             # 第七条(二) 但书
        "mingshan": {"officer": "liable", "approver": "undetermined"},                  # 第八条(1); superiors SILENT
        "chifeng": {"officer": "primary", "unit_head": "some", "decision_maker": "undetermined"},  # 第九条 1; 局领导 SILENT
        "jinzhai": {"officer": "undetermined", "reviewer": "undetermined", "approver": "undetermined", **BODY},
        "wenshui": {"officer": "liable", "reviewer": "undetermined", "approver": "undetermined"},  # 第十一条(一)
    }),
    situation("reviewer or approver changed a correct opinion",
              {"act_mode": "superior_changed", "approver_changed_correct": True, "approver_irresponsible": True}, {
        "yanchi": {"reviewer_approver": "primary", "officer": "none"},   # 第七条(二) default; text: overruled officer none
        "mingshan": {"approver": "liable", "officer": "undetermined"},           # 第十条
        "chifeng": {"superior": "liable", "officer": "undetermined", "unit_head": "undetermined"},  # 第九条 4
        "jinzhai": {"officer": "undetermined", "reviewer": "undetermined", "approver": "undetermined", **BODY},
        "wenshui": {"approver": "liable", "officer": "none", "reviewer": "none"},  # 第十一条(四): both overruled
    }, conditional=(
        ("wenshui", {"approver_changed_correct": False, "reviewer_changed_correct": True},           # 第十一条(三)
         {"reviewer": "liable", "officer": "none", "approver": "undetermined"}),
    )),
    situation("collective discussion", {"act_mode": "collective", "participants": PARTICIPANTS}, {
        # 甲 argued wrong and voted for; 乙 argued correct and voted against; 丙 argued correct but voted for
        "yanchi": {"head": "primary", ("participant", "甲"): "secondary", ("participant", "乙"): "none",
                   ("participant", "丙"): "none", "officer": "none"},                  # 第七条(三): by opinion
        "mingshan": {None: "undetermined"},                                            # SILENT
        "chifeng": {"officer": "none", ("participant", "甲"): "undetermined", ("participant", "乙"): "undetermined",
                    ("participant", "丙"): "undetermined"},                            # 第六条 2: nobody else assigned
        "jinzhai": {"officer": "undetermined", ("participant", "甲"): "undetermined",
                    ("participant", "乙"): "undetermined", ("participant", "丙"): "undetermined", **BODY},  # SILENT
        "wenshui": {"decision_maker": "primary", ("participant", "甲"): "secondary", ("participant", "乙"): "none",
                    ("participant", "丙"): "secondary", "officer": "undetermined"},    # 第十一条(六): by vote
    }),
    situation("should have been discussed but was not", {"act_mode": "should_discuss_not_submitted"}, {
        "yanchi": {"decision_maker": "primary", "officer": "undetermined"},  # 第七条(三) 末句 批准决定的人员; others SILENT
        "mingshan": {None: "undetermined"},
        "chifeng": {None: "undetermined"},
        "jinzhai": {"officer": "undetermined", **BODY},
        "wenshui": {None: "undetermined"},
    }),
    situation("leader instruction or interference", {"act_mode": "interference", "superior_decision": True}, {
        "yanchi": {"interferer": "full", "officer": "undetermined"},                   # 第七条(四)
        "mingshan": {"officer": "none", "superior": "undetermined"},                   # 第六条(7); superior not assigned
        "chifeng": {"interferer": "undetermined", "officer": "undetermined"},          # CF-I 第九条 discipline only
        "jinzhai": {"interferer": "undetermined", "officer": "undetermined", **BODY},  # SILENT
        "wenshui": {"interferer": "direct", "officer": "undetermined"},                # 第十一条(五)
    }),
    situation("entrusted organisation", {"act_mode": "direct", "entrusted": True}, {
        "yanchi": {"officer": "full", "entrusting_head": "some"},                      # 第七条(四) 第二句
        "mingshan": {"officer": "liable", "entrusting_head": "undetermined"},         # 第五条; entrusted SILENT
        "chifeng": {"officer": "undetermined", "entrusting_head": "undetermined"},
        "jinzhai": {"implementing_body": "liable", "nominal_body": "undetermined", "officer": "undetermined"},  # 第六条
        "wenshui": {"officer": "liable", "entrusting_head": "undetermined"},
    }),
    situation("inaction", {"act_mode": "inaction"}, {
        "yanchi": {"officer": "undetermined"},      # 错案 scope only (第五条(八)), no allocation
        "mingshan": {"officer": "undetermined"},    # scope items only
        "chifeng": {"officer": "undetermined"},     # scope item 9
        "jinzhai": {"officer": "undetermined", **BODY},
        "wenshui": {None: "undetermined"},          # 第十二条 根据岗位责任确定
    }),
]


def answer(result: dict) -> dict:
    out = {}
    for share in result["shares"]:
        key = (share["role"], share["person"]) if "person" in share else share["role"]
        assert key not in out, f"{result['regulation']}: two grades for {key}"
        out[key] = share["grade"]
    return out


@pytest.mark.parametrize("facts, answers, conditional", X1)
def test_x1_same_facts_five_documented_answers(tables, facts, answers, conditional) -> None:
    given = {reg: answer(blame(reg, facts, tables)) for reg in REGULATIONS}
    assert given == answers
    for reg, extra, expected in conditional:
        assert answer(blame(reg, {**facts, **extra}, tables)) == expected, (reg, extra)


def test_every_documented_share_cites_its_own_regulation(tables) -> None:
    names = {"yanchi": "盐池", "mingshan": "明山", "chifeng": "赤峰", "jinzhai": "金寨", "wenshui": "文水"}
    for param in X1:
        facts = param.values[0]
        for reg in REGULATIONS:
            for share in blame(reg, facts, tables)["shares"]:
                assert share["basis"].startswith(names[reg]), (reg, share)


# ---------------------------------------------------------------------------- §X.2 exemption and mitigation

def effects(reg: str, facts: dict, tables, role: str = "officer") -> list[str]:
    return [e["effect"] for e in circumstances(reg, facts, tables, role=role)["effects"]]


X2 = [
    # circumstance, per regulation: (that regulation's facts for it, documented effect)
    pytest.param({
        "yanchi": ({"party_caused": True, "exempt_officer_faultless": True}, ["exempt"]),   # 第十二条(二)
        "mingshan": ({"party_caused": True}, ["exempt"]),                                   # 第六条(4)
        "chifeng": ({"party_caused": True}, ["exempt"]),                                    # 第六条 1 (officer)
        "jinzhai": ({"party_caused": True}, ["exempt"]),                                    # 第十五条(二)
        "wenshui": ({"party_caused": True}, []),                                            # SILENT
    }, id="party fraud or fault"),
    pytest.param({
        "yanchi": ({"force_majeure": True, "exempt_officer_faultless": True}, ["exempt"]),  # 第十二条(二)
        "mingshan": ({"force_majeure": True}, ["exempt"]),                                  # 第六条(4)
        "chifeng": ({"force_majeure": True}, ["exempt"]),                                   # 第六条 3 (officer)
        "jinzhai": ({"force_majeure": True}, ["undetermined"]),   # 第十五条(五) 免予 or 第十六条(一) 从轻/减轻: say which
        "wenshui": ({"force_majeure": True}, []),                                           # SILENT
    }, id="force majeure"),
    pytest.param({
        "yanchi": ({"mitigate_difficult_case": True}, ["mitigate"]),                        # 第十一条(四)
        "mingshan": ({"exempt_unclear_law": True}, ["exempt"]),                             # 第六条(1)
        "chifeng": ({"discretionary_other": True}, ["discretionary_mitigate_or_exempt"]),   # catch-all 第七条 3 only
        "jinzhai": ({"exempt_unclear_basis": True}, ["exempt"]),                            # 第十五条(三)
        "wenshui": ({}, []),                                                                # SILENT
    }, id="unclear law or difficult case"),
    pytest.param({
        "yanchi": ({"mitigate_admitted_corrected": True}, ["mitigate"]),                    # 第十一条(一)
        "mingshan": ({"exempt_self_corrected": True}, ["exempt"]),                          # 第六条(6)
        "chifeng": ({"discretionary_self_corrected": True}, ["discretionary_mitigate_or_exempt"]),  # 第七条 1
        "jinzhai": ({"mitigate_self_corrected": True}, ["mitigate"]),                       # 第十六条(二), never exempt
        "wenshui": ({"discretionary_admitted_corrected": True}, ["discretionary_mitigate_or_exempt"]),  # 第十条(一)
    }, id="self-discovered and corrected"),
    pytest.param({
        "yanchi": ({"mitigate_minor": True}, ["mitigate"]),                                 # 第十一条(二)
        "mingshan": ({"exempt_minor": True}, ["exempt"]),                                   # 第六条(5)
        "chifeng": ({"discretionary_minor": True}, ["discretionary_mitigate_or_exempt"]),   # 第七条 2
        "jinzhai": ({"exempt_minor": True}, ["exempt"]),                                    # 第十五条(一)
        "wenshui": ({"discretionary_minor_no_impact": True}, ["discretionary_mitigate_or_exempt"]),  # 第十条(二)
    }, id="minor circumstances"),
]


@pytest.mark.parametrize("answers", X2)
def test_x2_exemption_and_mitigation_side_by_side(tables, answers) -> None:
    assert {reg: effects(reg, facts, tables) for reg, (facts, _) in answers.items()} == {
        reg: expected for reg, (_, expected) in answers.items()}


def test_x2_secondary_share_in_a_joint_fault_mitigates_only_in_yanchi(tables) -> None:
    assert {reg: [e["effect"] for e in circumstances(reg, {}, tables, role="officer", grade="secondary")["effects"]]
            for reg in REGULATIONS} == {"yanchi": ["mitigate"], "mingshan": [], "chifeng": [], "jinzhai": [],
                                        "wenshui": []}


# ---------------------------------------------------------------------------- §X.3 count-based aggravation

# Earlier faults of this person (current case not counted) → effect. Thresholds: YC ≥3 (三次以上 incl. 3),
# MS ≥3 (含三次), CF 「多次」 undefined (no threshold configured here), JZ ≥2 (含), WS ≥2. Whether the current case
# counts is SILENT everywhere, so one short of the threshold is undetermined.
X3 = {
    "yanchi": {0: [], 1: [], 2: ["undetermined"], 3: ["aggravate"], 4: ["aggravate"]},
    "mingshan": {0: [], 1: [], 2: ["undetermined"], 3: ["aggravate"], 4: ["aggravate"]},
    "chifeng": {0: [], 1: ["undetermined"], 2: ["undetermined"], 3: ["undetermined"], 4: ["undetermined"]},
    "jinzhai": {0: [], 1: ["undetermined"], 2: ["aggravate"], 3: ["aggravate"], 4: ["aggravate"]},
    "wenshui": {0: [], 1: ["undetermined"], 2: ["aggravate"], 3: ["aggravate"], 4: ["aggravate"]},
}


def test_x3_repeat_offence_thresholds_side_by_side(tables) -> None:
    assert {reg: {n: effects(reg, {"prior_same_faults": n}, tables) for n in range(5)} for reg in REGULATIONS} == X3


def test_x3_chifeng_threshold_once_configured(tables) -> None:
    assert [effects("chifeng", {"prior_same_faults": n, "repeat_threshold": 2}, tables) for n in range(4)] == [
        [], [], ["aggravate"], ["aggravate"]]
