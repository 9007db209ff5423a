"""Who answers for an enforcement fault, and at what grade, under one regulation of the registry (pure: no IO).

The rules live in the decision tables of dmn/ (`<reg>_blame`, `<reg>_participant`, `<reg>_circumstances`); this
module only runs them and shapes the answer a case officer reads:

    tables = tables_from_sources((p.name, p.read_bytes()) for p in sorted(Path('dmn').glob('*.dmn')))
    blame('wenshui', {'act_mode': 'collective', 'participants': [...], 'persons': {...}}, tables)
    → {'regulation': 'wenshui',
       'shares': [{'role': 'decision_maker', 'person': '赵局长', 'grade': 'primary', 'basis': '文水 第十一条(六)：…'},
                  {'role': 'participant', 'person': '钱某', 'grade': 'secondary', 'basis': '…'}, …],
       'matched_rules': [{'decision': 'wenshui_blame', 'id': …, 'row': …, 'annotation': '文水 第十一条(六) …'}, …]}

`blame` checks the facts' types first (FACTS): a fact of the wrong type is InvalidData naming its path.

Grades: full 全部, primary 主要, secondary 次要, some 一定责任, direct 直接责任, liable (named liable, no degree),
none (expressly not liable), undetermined (the regulation is silent or vague: a human decides). A share with grade
`undetermined` is never a default to apply: it is a question for a person, and its basis says why.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def _share(role: str | None, person: str | None, grade: str, basis: str) -> dict[str, Any]:
    share: dict[str, Any] = {"role": role}
    if person is not None:
        share["person"] = person
    share.update(grade=grade, basis=basis)
    return share


def _merge(shares: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One share per (role, person, grade): two articles naming the same person liable give one share citing both."""
    merged: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for share in shares:
        key = (share["role"], share.get("person"), share["grade"])
        if key not in merged:
            merged[key] = dict(share)
        elif share["basis"] not in merged[key]["basis"].split("；"):
            merged[key]["basis"] += "；" + share["basis"]
    return list(merged.values())


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
    persons = facts.get("persons") or {}
    participants = list(facts.get("participants") or [])
    result = evaluate(table, facts)
    matched = _rules(result)
    shares: list[dict[str, Any]] = []
    for row in result.outputs:
        role, grade, basis = row["role"], row["grade"], row["basis"]
        if role == "participant" and participants:
            for number, participant in enumerate(participants, 1):
                name = participant.get("person")
                if participant_table is None:
                    shares.append(_share(role, name, grade, basis))
                    continue
                graded = evaluate(participant_table, {**facts, **participant})
                matched += _rules(graded, participant=name if name is not None else number)
                if graded.outputs:
                    shares.append(_share(role, name, graded.outputs["grade"], graded.outputs["basis"]))
                else:
                    shares.append(_share(role, name, "undetermined",
                                         f"no rule of {participant_table.id} grades this participant: "
                                         "a human decides"))
            continue
        for person in _persons(role, persons):
            shares.append(_share(role, person, grade, basis))
    if not shares:
        shares.append(_share(None, None, "undetermined",
                             f"no rule of {table.id} ({table.name or table.file}) covers these facts "
                             f"(act_mode {facts.get('act_mode')!r}): the regulation does not settle the case, "
                             "a human decides"))
    return {"regulation": regulation, "shares": _merge(shares), "matched_rules": matched}


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
