"""Fixtures for the tests of dmn/: the real decision tables, and a check that one rule row fires as its article says."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.core.blame import tables_from_sources
from runner.core.decisions import DecisionTable, evaluate

DMN_DIR = Path(__file__).resolve().parents[2] / "dmn"


@pytest.fixture(scope="session")
def tables() -> dict[str, DecisionTable]:
    return tables_from_sources((p.name, p.read_bytes()) for p in sorted(DMN_DIR.glob("*.dmn")))


@pytest.fixture
def check_row(tables: dict[str, DecisionTable]) -> Callable[..., dict[str, Any]]:
    """check(decision, rule_id, citation, facts, expected, only=False): evaluating `decision` on `facts` fires
    rule `rule_id` (alone, if `only`), that row gives `expected`, and its annotation and basis cite `citation`."""

    def check(decision: str, rule_id: str, citation: str, facts: dict[str, Any], expected: dict[str, Any],
              only: bool = False) -> dict[str, Any]:
        result = evaluate(tables[decision], facts)
        ids = [rule["id"] for rule in result.matched_rules]
        assert rule_id in ids, f"{rule_id} did not fire on {facts}; fired: {ids}"
        if only:
            assert ids == [rule_id]
        index = ids.index(rule_id)
        outputs = result.outputs[index] if isinstance(result.outputs, list) else result.outputs
        assert {key: outputs[key] for key in expected} == expected
        assert result.matched_rules[index]["annotation"].startswith(citation)
        if "basis" in outputs:
            assert outputs["basis"].startswith(citation)
        return outputs

    return check


def rule_ids(tables: dict[str, DecisionTable], *decisions: str) -> set[str]:
    return {rule.id for decision in decisions for rule in tables[decision].rules}


@pytest.fixture
def all_rule_ids(tables: dict[str, DecisionTable]) -> Callable[..., set[str]]:
    return lambda *decisions: rule_ids(tables, *decisions)
