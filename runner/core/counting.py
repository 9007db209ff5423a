"""How earlier faults count toward a repeat-offence rule, and the operator's overrides of that rule (pure, no IO).

Each regulation file states its rule (`fault_counting` in bpmn/regulations/<key>.json); deploy stores it with
every process version of that regulation. An operator may override single fields of it per regulation with
WENZE_FAULT_COUNTING, e.g. {"jinzhai": {"window": "calendar_year"}}: the override is merged field by field over
the regulation's own rule.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, StrictBool

Window = Literal["lifetime", "calendar_year", "one_year"]
WINDOWS: tuple[str, ...] = get_args(Window)


class Override(BaseModel):
    """The fields of a regulation's counting rule an operator may change; a field left out keeps the rule's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: Window | None = None
    same_type: StrictBool | None = None
    count_current_case: StrictBool | None = None


FIELDS: tuple[str, ...] = tuple(Override.model_fields)

# The shells (CLI, web app) install the validated WENZE_FAULT_COUNTING once at start. Diagram code reaches the
# rule only through record_fault/prior_faults inside an engine step, which has no settings object to hand, so
# the overrides live here, as the clock does in clock.py. Nothing installed means the regulation files' rules
# exactly as deployed; the environment is never read here.
_installed: Mapping[str, Override] = MappingProxyType({})


def install(overrides: Mapping[str, Override]) -> Mapping[str, Override]:
    """Make `overrides` (regulation key -> Override) the process's overrides; returns the previous ones."""
    global _installed
    previous, _installed = _installed, MappingProxyType(dict(overrides))
    return previous


def current() -> Mapping[str, Override]:
    return _installed


def rule(regulation: str, declared: Mapping[str, Any]) -> dict[str, Any]:
    """The rule a regulation counts by: its declared rule with the installed override's fields merged over it."""
    override = _installed.get(regulation)
    return {**declared, **(override.model_dump(exclude_none=True) if override else {})}
