"""Wenze's decision engine: DMN decision tables with every DMN hit policy, FEEL or Python cells, no SpiffWorkflow.

SpiffWorkflow 3.2 honours only UNIQUE (without checking it) and COLLECT (ignoring aggregation) and runs every other
hit policy as FIRST (shared/notes/spiffworkflow/README.md §2); this module implements the DMN semantics instead.

    tables = parse_dmn(xml_bytes, 'blame_split.dmn')       # DeployError on anything that cannot run
    result = evaluate(tables[0], case_data, functions=...)  # DecisionError when the hit policy is violated

Result shapes (`DecisionResult.outputs`):

* UNIQUE, FIRST, PRIORITY, ANY: a dict {output name: value}; with no matching rule, the dict of the columns'
  default output entries if any column has one, else None (FEEL null, as the DMN TCK expects);
* RULE ORDER, OUTPUT ORDER, COLLECT: a list of such dicts (empty when nothing matches);
* COLLECT with SUM/MIN/MAX: a number over the single output column (None when nothing matches or a value is
  null); COLLECT with COUNT: the number of matching rules.

`DecisionResult.value` is the DMN result proper: for a table with one output column the bare value (or list of
values) instead of one-key dicts. Values are plain Python: numbers are int or float, never Decimal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, TypedDict

from . import feel
from .dmn_xml import DecisionTable, InputClause, OutputClause, Rule, parse_dmn
from ..errors import ScriptError

__all__ = ['DecisionError', 'DecisionResult', 'DecisionTable', 'InputClause', 'MatchedRule', 'OutputClause', 'Rule',
           'evaluate', 'parse_dmn']

Functions = Mapping[str, Callable[..., Any]]


class DecisionError(ScriptError):
    """The table's hit policy was violated (UNIQUE with several matches, ANY with differing outputs)."""

    code = "decision_error"


class MatchedRule(TypedDict):
    """A rule that makes up a decision's result, as audit records and `wenze decide` show it."""

    id: str
    row: int  # 1-based, as the designer sees it
    annotation: str | None


@dataclass(frozen=True)
class DecisionResult:
    decision_id: str
    table_hash: str
    inputs: dict[str, Any]  # input label (or expression) → evaluated value
    matched_rules: list[MatchedRule]
    outputs: Any  # see the module docstring
    output_names: tuple[str, ...] = field(default=(), repr=False)
    aggregated: bool = field(default=False, repr=False)

    @property
    def value(self) -> Any:
        """The DMN decision value: bare values for a single-output table, else the same as `outputs`."""
        if self.aggregated or len(self.output_names) != 1 or self.outputs is None:
            return self.outputs
        (name,) = self.output_names
        if isinstance(self.outputs, list):
            return [row[name] for row in self.outputs]
        return self.outputs[name]

    def to_dict(self) -> dict[str, Any]:
        """For audit records: everything needed to see why the decision came out as it did."""
        return {'decision_id': self.decision_id, 'table_hash': self.table_hash, 'inputs': self.inputs,
                'matched_rules': self.matched_rules, 'outputs': self.outputs}


class _Evaluation:
    def __init__(self, table: DecisionTable, context: Mapping[str, Any], functions: Functions | None) -> None:
        self.table, self.context, self.functions = table, context, functions

    def run(self, where: str, method: Callable[..., Any], *args: Any, **details: Any) -> Any:
        """Run one cell's test or value; a failure inside it becomes a ScriptError naming table, rule and column."""
        try:
            return method(*args, self.context, self.functions)
        except ScriptError as err:
            raise ScriptError(f"decision {self.table.id!r} ({self.table.file}), {where}: {err.message}",
                              decision=self.table.id, **details, **err.details) from err

    def input_values(self) -> list[Any]:
        return [self.run(f"input {c.key!r}", c.compiled.value, column=c.key) for c in self.table.inputs]

    def matches(self, rule: Rule, values: list[Any]) -> bool:
        for cell, clause, value in zip(rule.inputs, self.table.inputs, values):
            if cell.matches_anything:
                continue
            if not self.run(f"rule {rule.id!r} (row {rule.row}), input {clause.key!r}", cell.test, value,
                            rule=rule.id, row=rule.row, column=clause.key):
                return False
        return True

    def outputs(self, rule: Rule) -> dict[str, Any]:
        return {clause.name: self.run(f"rule {rule.id!r} (row {rule.row}), output {clause.name!r}", cell.value,
                                      rule=rule.id, row=rule.row, column=clause.name)
                for cell, clause in zip(rule.outputs, self.table.outputs)}

    def defaults(self) -> dict[str, Any] | None:
        if not any(c.default is not None for c in self.table.outputs):
            return None
        return {c.name: None if c.default is None else
                self.run(f"default of output {c.name!r}", c.default.value, column=c.name)
                for c in self.table.outputs}


def _priority(outputs: tuple[OutputClause, ...]) -> Callable[[dict[str, Any]], tuple[int, ...]]:
    """Sort key: position of each value in its column's output values, columns in order; unlisted values last."""
    ranked = [(c.name, [feel.from_python(v) for v in c.allowed_values]) for c in outputs if c.allowed_values]

    def key(row: dict[str, Any]) -> tuple[int, ...]:
        return tuple(next((i for i, v in enumerate(values) if feel.feel_equal(row[name], v) is True), len(values))
                     for name, values in ranked)
    return key


def _rule_refs(rules: list[Rule]) -> str:
    return ', '.join(f"{r.id!r} (row {r.row})" for r in rules)


def _aggregate(table: DecisionTable, rows: list[dict[str, Any]]) -> Any:
    if table.aggregation == 'COUNT':
        return len(rows)
    values = [row[table.outputs[0].name] for row in rows]
    if not values or any(v is None for v in values):  # FEEL sum/min/max of an empty list or with null: null
        return None
    if table.aggregation == 'SUM':
        total = values[0]
        for v in values[1:]:
            total = feel.arithmetic('+', total, v)
        return total
    if not all(feel.compare('<=', values[0], v) is not None for v in values):
        raise DecisionError(f"decision {table.id!r}: {table.aggregation} over values that cannot be compared",
                            decision=table.id)
    return min(values) if table.aggregation == 'MIN' else max(values)


def evaluate(table: DecisionTable, context: Mapping[str, Any], functions: Functions | None = None) -> DecisionResult:
    """Evaluate one decision table against `context` (case data; missing names are null).

    `functions` are host callables offered to Python cells and to FEEL calls of functions FEEL does not define.
    Raises DecisionError when UNIQUE matches several rules or ANY's matches disagree; ScriptError when a cell fails.
    """
    ev = _Evaluation(table, context, functions)
    values = ev.input_values()
    policy = table.hit_policy
    matched: list[Rule] = []
    for rule in table.rules:
        if ev.matches(rule, values):
            matched.append(rule)
            if policy == 'FIRST':
                break
    if policy == 'UNIQUE' and len(matched) > 1:
        raise DecisionError(f"decision {table.id!r} ({table.file}) has hit policy UNIQUE but rules "
                            f"{_rule_refs(matched)} all match", decision=table.id,
                            rules=[{'id': r.id, 'row': r.row} for r in matched])
    rows = [ev.outputs(rule) for rule in matched]
    used = matched
    outputs: Any
    if policy in ('UNIQUE', 'FIRST', 'ANY', 'PRIORITY'):
        if policy == 'ANY' and any(any(feel.feel_equal(row[k], rows[0][k]) is not True for k in row)
                                   for row in rows[1:]):
            raise DecisionError(f"decision {table.id!r} ({table.file}) has hit policy ANY but rules "
                                f"{_rule_refs(matched)} give different outputs", decision=table.id,
                                rules=[{'id': r.id, 'row': r.row} for r in matched])
        if policy == 'PRIORITY' and rows:
            best = min(range(len(rows)), key=lambda i: _priority(table.outputs)(rows[i]))
            rows, used = [rows[best]], [matched[best]]
        outputs = rows[0] if rows else ev.defaults()
    elif table.aggregation:
        outputs = _aggregate(table, rows)
    else:
        if policy == 'OUTPUT ORDER':
            key = _priority(table.outputs)
            order = sorted(range(len(rows)), key=lambda i: key(rows[i]))  # stable: ties stay in rule order
            rows, used = [rows[i] for i in order], [matched[i] for i in order]
        outputs = rows
    return DecisionResult(
        decision_id=table.id, table_hash=table.content_hash,
        inputs={c.key: feel.to_python(v) for c, v in zip(table.inputs, values)},
        matched_rules=[{'id': r.id, 'row': r.row, 'annotation': r.annotation} for r in used],
        outputs=feel.to_python(outputs), output_names=tuple(c.name for c in table.outputs),
        aggregated=bool(table.aggregation))
