"""The regulation registry: one declarative JSON file per regulation, deployed with its diagrams (pure, no IO).

`bpmn/regulations/<key>.json` says what the runner must know of a regulation beyond its diagrams and tables:

    {"key": "wenshui", "name": "文水县民政局 监管执法责任倒查机制", "short_name": "文水", "issuer": "文水县民政局",
     "processes": ["wenshui_fault_review"],
     "fault_counting": {"window": "lifetime", "same_type": true, "count_current_case": false,
                        "basis": "文水 第九条(三)「两次或两次以上发生同类型的行政过错行为的」"},
     "bodies": [{"lane": "综合股/办公室", "accounts": [{"name": "zonghe", "display_name": "综合股 王敏"}]}, …]}

`processes` are the process ids that belong to it (a process belongs to at most one entry); `fault_counting` is
how its repeat-offence rules count earlier faults (runner.core.counting); `bodies` are the lanes of its
processes, each with the demo accounts `wenze users demo` creates. An entry without `fault_counting` records no
faults: the shared 复核/申诉 call activity (`review_appeal.json`) is such an entry, with its own bodies.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .counting import WINDOWS, Override
from ..errors import DeployError, InvalidSetting
from .users import ADMIN, DemoAccount

_TEXT = {"type": "string", "minLength": 1}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Wenze regulation registry entry (bpmn/regulations/<key>.json)",
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "name", "short_name", "processes", "bodies"],
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$",
                "description": "lowercase letters, digits and _, at most 40; the file is named <key>.json"},
        "name": {**_TEXT, "description": "the regulation's full Chinese title"},
        "short_name": {**_TEXT, "description": "how the articles are cited, e.g. 文水"},
        "issuer": {**_TEXT, "description": "the issuing body"},
        "processes": {"type": "array", "minItems": 1, "uniqueItems": True,
                      "items": {"type": "string", "minLength": 1}},
        "fault_counting": {
            "type": "object", "additionalProperties": False,
            "required": ["window", "same_type", "count_current_case", "basis"],
            "properties": {
                "window": {"enum": list(WINDOWS), "description": "which earlier faults count, by date"},
                "same_type": {"type": "boolean", "description": "only faults of the same type count"},
                "count_current_case": {"type": "boolean",
                                       "description": "the fault under assessment is one of the count"},
                "basis": {**_TEXT, "description": "the article the rule implements, quoted"},
            },
        },
        "bodies": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["lane", "accounts"],
            "properties": {
                "lane": {**_TEXT, "description": "a lane name of the regulation's diagrams"},
                "accounts": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["name", "display_name"],
                    "properties": {
                        "name": {"type": "string", "pattern": "^[a-z][a-z0-9_.-]{0,99}$", "not": {"const": ADMIN},
                                 "description": f"a login name (lowercase letters, digits, _ . -); "
                                                f"'{ADMIN}' is built in"},
                        "display_name": _TEXT,
                    }}},
            }}},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


@dataclass(frozen=True)
class Body:
    lane: str
    accounts: tuple[tuple[str, str], ...]      # (login name, display name)


@dataclass(frozen=True)
class Regulation:
    key: str
    name: str
    short_name: str
    issuer: str | None
    processes: tuple[str, ...]
    fault_counting: dict[str, Any] | None
    bodies: tuple[Body, ...]
    file: str


Registry = Mapping[str, Regulation]


def _schema_error(file: str, error: ValidationError) -> DeployError:
    schema = error.schema if isinstance(error.schema, dict) else {}
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        path.append(error.message.split("'")[1])
    elif error.validator == "additionalProperties":
        extra = set(error.instance if isinstance(error.instance, dict) else {}) - set(schema.get("properties", {}))
        path.append(sorted(extra)[0])
    field = "/".join(path)
    hint = f" ({schema['description']})" if schema.get("description") else ""
    return DeployError(f"{file}: field '{field or '(root)'}': {error.message}{hint}", file=file, field=field)


def parse(file: str, content: str) -> Regulation:
    """One registry file, validated against SCHEMA; DeployError names the file and the field."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as err:
        raise DeployError(f"{file}: malformed JSON: {err.msg}", file=file, line=err.lineno) from None
    error = best_match(_VALIDATOR.iter_errors(data))
    if error is not None:
        raise _schema_error(file, error)
    if file != f"{data['key']}.json":
        raise DeployError(f"{file}: key '{data['key']}' must be the file's name ({data['key']}.json)",
                          file=file, field="key")
    return Regulation(data["key"], data["name"], data["short_name"], data.get("issuer"), tuple(data["processes"]),
                      data.get("fault_counting"),
                      tuple(Body(b["lane"], tuple((a["name"], a["display_name"]) for a in b["accounts"]))
                            for b in data["bodies"]), file)


def load(files: Iterable[tuple[str, str]]) -> dict[str, Regulation]:
    """(file name, content) pairs into {key: Regulation}. A process claimed by two entries, or a demo account
    given two display names, is a DeployError."""
    registry: dict[str, Regulation] = {}
    owner: dict[str, Regulation] = {}
    for file, content in files:
        regulation = parse(file, content)
        for number, process in enumerate(regulation.processes):
            if process in owner:
                raise DeployError(f"{file}: process '{process}' already belongs to {owner[process].file}",
                                  file=file, field=f"processes/{number}")
            owner[process] = regulation
        registry[regulation.key] = regulation
    demo_accounts(registry)
    return registry


def check_lanes(registry: Registry, lanes: Mapping[str, set[str]]) -> None:
    """Every process an entry names is deployed, every body is a lane of its processes, and every lane of its
    processes is a body (else no demo account could work it). `lanes`: deployed process id -> its lane names."""
    for regulation in registry.values():
        own: set[str] = set()
        for number, process in enumerate(regulation.processes):
            if process not in lanes:
                raise DeployError(f"{regulation.file}: process '{process}' is not defined by any diagram",
                                  file=regulation.file, field=f"processes/{number}")
            own |= lanes[process]
        for number, body in enumerate(regulation.bodies):
            if body.lane not in own:
                raise DeployError(f"{regulation.file}: body '{body.lane}' is no lane of "
                                  f"{', '.join(regulation.processes)}", file=regulation.file,
                                  field=f"bodies/{number}/lane")
        missing = sorted(own - {body.lane for body in regulation.bodies})
        if missing:
            raise DeployError(f"{regulation.file}: lane '{missing[0]}' has no entry in bodies",
                              file=regulation.file, field="bodies")


def of_process(registry: Registry, process_id: str) -> Regulation | None:
    return next((r for r in registry.values() if process_id in r.processes), None)


def demo_accounts(registry: Registry) -> list[DemoAccount]:
    """One account per login name, holding every lane that names it (a body shared by two regulations, such as
    局党组, has one account); the same name with two display names is a DeployError."""
    accounts: dict[str, DemoAccount] = {}
    for regulation in registry.values():
        for body in regulation.bodies:
            for name, display_name in body.accounts:
                known = accounts.setdefault(name, DemoAccount(name, display_name, []))
                if known.display_name != display_name:
                    raise DeployError(f"{regulation.file}: account '{name}' is also named "
                                      f"'{known.display_name}' elsewhere, not '{display_name}'",
                                      file=regulation.file, field="bodies")
                if body.lane not in known.roles:
                    known.roles.append(body.lane)
    return list(accounts.values())


def check_overrides(registry: Registry, overrides: Mapping[str, Override]) -> None:
    """WENZE_FAULT_COUNTING may only name deployed regulations that count faults."""
    counted = sorted(key for key, regulation in registry.items() if regulation.fault_counting)
    unknown = sorted(set(overrides) - set(counted))
    if unknown:
        raise InvalidSetting(f"unknown regulation '{unknown[0]}': the deployed regulations that count faults are "
                             f"{', '.join(counted) or 'none'}", variable="WENZE_FAULT_COUNTING")
