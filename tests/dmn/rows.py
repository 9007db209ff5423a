"""The one-case-per-rule-row pattern shared by the tests of each regulation's tables."""
from __future__ import annotations

from typing import Any, Callable

import pytest


def case_maker(regulation: str) -> Callable[..., Any]:
    def case(decision: str, rule: str, art: str, cite: str, facts: dict, only: bool = False, **expected: Any) -> Any:
        """One test case: `rule` of `decision` fires on `facts` (alone if `only`) with `expected`, citing `cite`."""
        return pytest.param(decision, rule, cite, facts, expected, only, id=f"{rule} [{regulation} {art}]")
    return case


def rule_row_tests(cases: list[Any], decisions: tuple[str, ...]) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests every table module runs: each case passes, and every rule row has exactly one case."""

    @pytest.mark.parametrize("decision, rule, cite, facts, expected, only", cases)
    def test_rule_row(check_row, decision, rule, cite, facts, expected, only) -> None:
        check_row(decision, rule, cite, facts, expected, only)

    def test_every_rule_row_has_exactly_one_case(all_rule_ids) -> None:
        covered = [p.values[1] for p in cases]
        assert len(covered) == len(set(covered))
        assert set(covered) == all_rule_ids(*decisions)

    return test_rule_row, test_every_rule_row_has_exactly_one_case
