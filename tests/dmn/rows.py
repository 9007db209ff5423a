"""The one-case-per-rule-row pattern shared by the tests of each regulation's tables.

The cases are data: `tests/dmn/rows/<regulation>.toml` holds `regulation` (the short label of the test ids, e.g.
"WS"), `decisions` (the tables whose every rule row has exactly one case) and one `[[row]]` per case, with

    decision     the table evaluated
    rule         the id of the rule row that must fire
    art          the short article label of the test id "{rule} [{regulation} {art}]"
    cite         what the row's annotation, and its `basis` output if it has one, must start with
    facts        the inputs
    only         (optional, default false) the row fires alone
    expect       the outputs the row gives
    expect_null  (optional) outputs the row gives as null, which TOML cannot write

Comments in the files cite the articles a group of rows transcribes.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

ROWS_DIR = Path(__file__).resolve().with_name("rows")
REQUIRED = {"decision", "rule", "art", "cite", "facts", "expect"}
OPTIONAL = {"only", "expect_null"}


@dataclass(frozen=True)
class RuleRows:
    regulation: str
    decisions: tuple[str, ...]
    cases: list[Any]


def case(regulation: str, decisions: tuple[str, ...], row: dict[str, Any]) -> Any:
    """One test case: `rule` of `decision` fires on `facts` (alone if `only`) with `expect`, citing `cite`."""
    keys = set(row)
    if not REQUIRED <= keys <= REQUIRED | OPTIONAL:
        missing, unknown = REQUIRED - keys, keys - REQUIRED - OPTIONAL
        raise ValueError(f"{row.get('rule')}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
    if row["decision"] not in decisions:
        raise ValueError(f"{row['rule']}: decision {row['decision']} is not one of {decisions}")
    nulls = row.get("expect_null", [])
    if set(nulls) & set(row["expect"]):
        raise ValueError(f"{row['rule']}: {sorted(set(nulls) & set(row['expect']))} both expected and null")
    only = row.get("only", False)
    if not isinstance(only, bool):
        raise ValueError(f"{row['rule']}: only must be true or false")
    expected = {**row["expect"], **dict.fromkeys(nulls)}
    return pytest.param(row["decision"], row["rule"], row["cite"], row["facts"], expected, only,
                        id=f"{row['rule']} [{regulation} {row['art']}]")


def load_rows(name: str) -> RuleRows:
    """The cases of `tests/dmn/rows/<name>.toml`, in the file's order."""
    with (ROWS_DIR / f"{name}.toml").open("rb") as file:
        data = tomllib.load(file)
    decisions = tuple(data["decisions"])
    return RuleRows(data["regulation"], decisions, [case(data["regulation"], decisions, row) for row in data["row"]])


def rule_row_tests(rows: RuleRows) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests every table module runs: each case passes, and every rule row has exactly one case."""

    @pytest.mark.parametrize("decision, rule, cite, facts, expected, only", rows.cases)
    def test_rule_row(check_row, decision, rule, cite, facts, expected, only) -> None:
        check_row(decision, rule, cite, facts, expected, only)

    def test_every_rule_row_has_exactly_one_case(all_rule_ids) -> None:
        covered = [p.values[1] for p in rows.cases]
        assert len(covered) == len(set(covered))
        assert set(covered) == all_rule_ids(*rows.decisions)

    return test_rule_row, test_every_rule_row_has_exactly_one_case


def shares(result: dict[str, Any]) -> dict[tuple[str | None, str | None], str]:
    """blame()'s shares as (role, person) → grade, as the tests of each regulation compare them."""
    return {(s["role"], s.get("person")): s["grade"] for s in result["shares"]}
