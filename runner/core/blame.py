"""Who answers for an enforcement fault, and at what grade, under one regulation of the registry (pure: no IO).

The rules live in the decision tables of dmn/ (`<reg>_blame`, `<reg>_participant`, `<reg>_circumstances`); this
module only runs them and shapes the answer a case officer reads:

    tables = tables_from_sources((p.name, p.read_bytes()) for p in sorted(Path('dmn').glob('*.dmn')))
    blame('wenshui', {'act_mode': 'collective', 'participants': [...], 'persons': {...}}, tables)
    → {'regulation': 'wenshui',
       'shares': [{'role': 'decision_maker', 'person': '赵局长', 'grade': 'primary', 'basis': '文水 第十一条(六)：…'},
                  {'role': 'participant', 'person': '钱某', 'grade': 'secondary', 'basis': '…'}, …],
       'matched_rules': [{'decision': 'wenshui_blame', 'id': …, 'row': …, 'annotation': '文水 第十一条(六) …'}, …]}

`blame` checks the facts' types first (FACTS): a fact of the wrong type is InvalidData naming its path. The rows
become shares of named people by `blame_shares`, which diagrams call too (盐池, 文水 compose their proposal with it), so
a case and `wenze blame` name and merge shares by one rule: two articles giving one person different grades make one
`undetermined` share citing both, never a pick by row order.

Grades: full 全部, primary 主要, secondary 次要, some 一定责任, direct 直接责任, liable (named liable, no degree),
none (expressly not liable), undetermined (the regulation is silent or vague: a human decides). A share with grade
`undetermined` is never a default to apply: it is a question for a person, and its basis says why.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import forms
from .decisions import DecisionResult, DecisionTable, evaluate, parse_dmn
from ..errors import DeployError, InvalidData, NotFound

_BOOLEAN = {"type": ["boolean", "null"]}
_NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
# The case-facts contract as the blame and participant tables read it: the types of the facts they name.
# Other keys pass through (a procedure's case data carries more than the tables read).
FACTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "act_mode": {"type": "string"},
        **{name: _BOOLEAN for name in (
            "officer_concealed", "officer_not_liable_other", "reviewer_intent", "reviewer_missed",
            "reviewer_changed_correct", "approver_changed_correct", "approver_irresponsible", "head_consented",
            "superior_decision", "superior_changed_opinion", "entrusted", "party_caused", "force_majeure")},
        "officer_fault_item": {"type": ["integer", "null"]},
        "implementing_bodies": {"type": ["integer", "null"]},
        "persons": {"type": "object", "additionalProperties": _NAMES},
        "participants": {"type": "array", "items": {"type": "object", "properties": {
            "person": {"type": ["string", "null"]}, "opinion": {"type": "string"}, "vote": {"type": "string"}}}},
    },
}
_FACTS = forms.compile_schema(FACTS, closed=False)

# Yanchi's combined 审核、批准人: when the facts name the reviewer and the approver separately, each of them holds
# the combined role's share (第七条(二) does not split it between them).
_PERSON_FALLBACK = {"reviewer_approver": ("reviewer", "approver")}
# Effects whose precedence no regulation settles (domain.md §X.2): if both kinds apply, a human decides.
_LENIENT = {"exempt", "mitigate", "discretionary_mitigate_or_exempt"}
_HUMAN_EFFECTS = {"undetermined", "discretionary_mitigate_or_exempt"}
_GRADE_NAMES = {"full": "全部责任", "primary": "主要责任", "secondary": "次要责任", "some": "一定责任",
                "direct": "直接责任", "liable": "追究责任", "none": "不承担责任", "undetermined": "待定"}


def tables_from_sources(sources: Iterable[tuple[str, bytes | str]]) -> dict[str, DecisionTable]:
    """Parse (file name, content) pairs into {decision id: table}. Raises DeployError on a bad file or on a
    decision id defined twice."""
    tables: dict[str, DecisionTable] = {}
    for name, content in sources:
        for table in parse_dmn(content, name):
            if table.id in tables:
                raise DeployError(f"{name}: decision id '{table.id}' is also defined in {tables[table.id].file}",
                                  file=name, element=table.id)
            tables[table.id] = table
    return tables


def _table(regulation: str, kind: str, tables: Mapping[str, DecisionTable]) -> DecisionTable:
    decision = f"{regulation}_{kind}"
    if decision not in tables:
        raise NotFound(f"regulation '{regulation}' has no decision table '{decision}' deployed", decision=decision)
    return tables[decision]


def _rules(result: DecisionResult, **extra: Any) -> list[dict[str, Any]]:
    return [{"decision": result.decision_id, **rule, **extra} for rule in result.matched_rules]


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _persons(role: str | None, persons: Mapping[str, Any]) -> list[str | None]:
    """The people holding `role` according to facts['persons'] (a name or a list of names); [None] if unknown."""
    if role is None:
        return [None]
    names = _as_list(persons.get(role))
    if not names:
        names = list(dict.fromkeys(n for key in _PERSON_FALLBACK.get(role, ()) for n in _as_list(persons.get(key))))
    return list(names) or [None]


def _merge(shares: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One share per (role, person). Two articles giving one person the same grade: one share citing both. Two
    articles giving one person different grades (明山 第六条(7) against 第八条(2)): one `undetermined` share citing
    every one of them, for a person to decide: the order of a table's rows never picks a winner silently."""
    merged: dict[tuple[Any, Any], dict[str, Any]] = {}
    grades: dict[tuple[Any, Any], set[str]] = {}
    for share in shares:
        key = (share["role"], share["person"])
        grades.setdefault(key, set()).add(share["grade"])
        if key not in merged:
            merged[key] = dict(share)
        elif share["basis"] not in merged[key]["basis"].split("；"):
            merged[key]["basis"] += "；" + share["basis"]
    for key, found in grades.items():
        if len(found) > 1:
            merged[key]["grade"] = "undetermined"
            merged[key]["basis"] += ("；以上条文对同一人的责任指向不同（" + "、".join(_GRADE_NAMES[g] for g in sorted(found))
                                     + "），哪一条优先制度未规定：由人决定")
    return list(merged.values())


def blame_shares(rows: Any, persons: Any, participant_grades: Any = None, uncovered: str = "") -> list[dict[str, Any]]:
    """The rows a `<reg>_blame` table gave (role, grade, basis) as shares of named people, as blame() reads them and
    as diagrams call it (a diagram function): each row's role is looked up in `persons` (role → a name or a list
    of names; none: person None), a `participant` row becomes `participant_grades` (person, grade, basis: what
    `<reg>_participant` gave each participant) when there are any, and shares are merged per person (_merge).
    No row at all: one undetermined share with the basis `uncovered`."""
    persons = persons or {}
    graded = list(participant_grades or [])
    shares: list[dict[str, Any]] = []
    for row in rows or []:
        role = row["role"]
        if role == "participant" and graded:
            shares += [{"role": role, "person": g.get("person"), "grade": g["grade"], "basis": g["basis"]}
                       for g in graded]
            continue
        shares += [{"role": role, "person": person, "grade": row["grade"], "basis": row["basis"]}
                   for person in _persons(role, persons)]
    if not shares:
        shares.append({"role": None, "person": None, "grade": "undetermined", "basis": uncovered})
    return _merge(shares)


def blame(regulation: str, facts: Any, tables: Mapping[str, DecisionTable]) -> dict[str, Any]:
    """Split responsibility for one fault under `regulation` (a registry key: 'wenshui', …) with its
    `<regulation>_blame` table.

    `facts` follow the case-facts contract (act_mode, the booleans, participants, persons); `tables` maps decision
    ids to tables (see tables_from_sources). Each `participant` row of `<reg>_blame` becomes one share per entry of
    facts['participants'], graded by `<reg>_participant` where the regulation grades participants individually.
    When no rule matches, the answer is a single undetermined share saying so. Raises InvalidData for facts of
    the wrong type, NotFound for a missing table, ScriptError from the engine if a table is broken.
    """
    if not isinstance(facts, Mapping):
        raise InvalidData("facts must be a JSON object", errors=[{"path": "", "message": "not an object"}])
    forms.validate(_FACTS, dict(facts))
    table = _table(regulation, "blame", tables)
    participant_table = tables.get(f"{regulation}_participant")
    participants = list(facts.get("participants") or [])
    result = evaluate(table, facts)
    matched = _rules(result)
    participant_rows = [row for row in result.outputs if row["role"] == "participant"]
    grades: list[dict[str, Any]] = []
    for number, participant in enumerate(participants if participant_rows else [], 1):
        name = participant.get("person")
        if participant_table is None:
            grades += [{"person": name, "grade": row["grade"], "basis": row["basis"]} for row in participant_rows]
            continue
        graded = evaluate(participant_table, {**facts, **participant})
        matched += _rules(graded, participant=name if name is not None else number)
        grades.append({"person": name, **(graded.outputs or {
            "grade": "undetermined", "basis": f"no rule of {participant_table.id} grades this participant: "
                                              "a human decides"})})
    uncovered = (f"no rule of {table.id} ({table.name or table.file}) covers these facts "
                 f"(act_mode {facts.get('act_mode')!r}): the regulation does not settle the case, a human decides")
    shares = [{k: v for k, v in share.items() if k != "person" or v is not None}
              for share in blame_shares(result.outputs, facts.get("persons"), grades, uncovered)]
    return {"regulation": regulation, "shares": shares, "matched_rules": matched}


FUNCTIONS: dict[str, Callable[..., Any]] = {"blame_shares": blame_shares}


def circumstances(regulation: str, facts: Mapping[str, Any], tables: Mapping[str, DecisionTable], *,
                  role: str | None = None, grade: str | None = None) -> dict[str, Any]:
    """Exemption, mitigation and aggravation for ONE person under `regulation` (`<reg>_circumstances`).

    `facts` carry that person's circumstance booleans and prior_same_faults; `role` and `grade` are the person's
    share from blame() (some rules apply to the officer only, 盐池 第十一条(三) to a secondary share).
    `needs_human` is true when an effect is undetermined or discretionary (「可以」), or when a lenient and an
    aggravating effect meet, whose precedence no regulation settles (domain.md §X.2: `conflict`).
    """
    table = _table(regulation, "circumstances", tables)
    context = dict(facts)
    if role is not None:
        context["role"] = role
    if grade is not None:
        context["grade"] = grade
    result = evaluate(table, context)
    effects = [{"effect": row["effect"], "basis": row["basis"]} for row in result.outputs]
    kinds = {e["effect"] for e in effects}
    conflict = bool(kinds & _LENIENT) and "aggravate" in kinds
    return {"regulation": regulation, "effects": effects, "matched_rules": _rules(result), "conflict": conflict,
            "needs_human": conflict or bool(kinds & _HUMAN_EFFECTS)}
