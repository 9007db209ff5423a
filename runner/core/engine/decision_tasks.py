"""Business rule tasks run Wenze's decision engine instead of SpiffWorkflow's, and record every evaluation.

SpiffWorkflow's parser asks `get_engine(decision_id)` for an object with `result(task)`; Wenze answers with a
DecisionAdapter around its own DecisionTable (all hit policies, FEEL cells). The spec serializer stores only a
reference (decision id + table hash); the tables travel with the process version and are parsed once per process.
"""
from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.spiff.serializer.task_spec import SpiffBpmnTaskConverter

from .. import clock
from ..decisions import DecisionTable, evaluate, parse_dmn

_TABLES: dict[tuple[str, str], DecisionTable] = {}      # (table hash, decision id) -> table; content-addressed


class DecisionAdapter:
    """Stands where SpiffWorkflow expects its DMNEngine."""

    def __init__(self, table: DecisionTable) -> None:
        self.table = table

    def result(self, task: Any) -> dict[str, Any]:
        result = evaluate(self.table, task.data)
        record = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
        task.internal_data["decision"] = record | {"evaluated_at": clock.now().isoformat()}
        outputs = record["outputs"]
        produced = outputs if isinstance(outputs, dict) else {self.table.id: outputs}
        for key in produced:
            task.data.pop(key, None)   # replace earlier outputs: SpiffWorkflow deep-merges lists into stale ones
        return produced


class DecisionTaskConverter(SpiffBpmnTaskConverter):
    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(spec)
        dct["decision"] = {"id": spec.dmnEngine.table.id, "hash": spec.dmnEngine.table.content_hash}
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        ref = dct.pop("decision")
        dct["dmnEngine"] = DecisionAdapter(_TABLES[(ref["hash"], ref["id"])])
        return self.task_spec_from_dict(dct)


def register_tables(sources: dict[str, str]) -> None:
    """Make the decision tables of a stored version known before its specs are restored."""
    for name, xml in sources.items():
        for table in parse_dmn(xml.encode(), name):
            _TABLES.setdefault((table.content_hash, table.id), table)
