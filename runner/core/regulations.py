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

A shared called process names generic lanes (复核机关, 申诉受理机关 …); the regulation whose case calls it says
which of its own bodies plays each (`called_lanes`), because the receiving bodies differ by text (盐池 第十三条
names 局重大执法决定法制审核机构, 文水 第十九条 上级组织人事部门或监察部门):

    "called_lanes": {"review_appeal": {"问责案件主办机构": "综合股/办公室", "申诉受理机关": "上级组织人事部门/监察部门"}}

A bound body is one of the entry's `bodies` (so its demo account exists) even when no own diagram draws it.

`remedies` is what the decision notice (处理决定书) tells the person about 复核 and 申诉, in the text's own words:

    "remedies": {"article": "文水 第十九条",
                 "review": null,                      # the text gives no 复核
                 "appeal": {"body": "上级组织人事部门或监察部门", "window": "在接到处理决定后30日内", "scope": null},
                 "execution": {"rule": "复核、申诉期间，不停止原处理决定的执行", "source": "《公务员法》第九十五条…"}}

`body` or `window` null: the text names none (the notice then names none); `source` says where they come from
when the text refers to another law instead of naming them (金寨 二十一 参照《公务员法》). `scope`: the measures the remedy is
limited to (明山 第十三条: 政纪处分), null for every decision. `execution.source` cites where the rule comes from
when the regulation itself is silent.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
                "party": {"type": "boolean", "description": "true: the lane of persons named in a case (被调查人), "
                                                            "who see their own tasks only, never the whole case"},
            }}},
    },
}
_REMEDY = {
    "oneOf": [{"type": "null", "description": "the regulation gives no such remedy"}, {
        "type": "object", "additionalProperties": False, "required": ["body", "window", "scope"],
        "properties": {
            "body": {"type": ["string", "null"], "minLength": 1,
                     "description": "the receiving body as the text names it; null where it names none"},
            "window": {"type": ["string", "null"], "minLength": 1,
                       "description": "the filing window in the text's words, e.g. 在接到处理决定后30日内; null: none"},
            "scope": {"type": ["string", "null"], "minLength": 1,
                      "description": "the measures it is limited to (明山 第十三条: 政纪处分); null: any decision"},
            "source": {**_TEXT, "description": "where body and window come from when the text only refers to "
                                               "another law (金寨 二十一 参照《公务员法》第九十五条)"},
        }}],
}
SCHEMA["properties"]["called_lanes"] = {
    "type": "object", "description": "called process id -> {its lane: the body of this entry that plays it}",
    "additionalProperties": {"type": "object", "minProperties": 1,
                             "additionalProperties": {"type": "string", "minLength": 1}},
}
SCHEMA["properties"]["remedies"] = {
    "type": "object", "additionalProperties": False, "required": ["article", "review", "appeal", "execution"],
    "properties": {
        "article": {**_TEXT, "description": "the article that grants them, e.g. 盐池 第十三条"},
        "review": _REMEDY,
        "appeal": _REMEDY,
        "execution": {"type": "object", "additionalProperties": False, "required": ["rule", "source"],
                      "properties": {"rule": _TEXT, "source": {
                          **_TEXT, "description": "the article, or the law followed where the text is silent"}}},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


@dataclass(frozen=True)
class Body:
    lane: str
    accounts: tuple[tuple[str, str], ...]      # (login name, display name)
    party: bool = False                        # persons named in a case, not staff of the bodies that run it


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
    called_lanes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    remedies: Mapping[str, Any] | None = None

    def bound_lane(self, process_id: str, lane: str | None) -> str | None:
        """The body of this regulation that plays `lane` of the called process `process_id` (else `lane`)."""
        return bound_lane(self.called_lanes, process_id, lane)


def bound_lane(called_lanes: Mapping[str, Mapping[str, str]], process_id: str, lane: str | None) -> str | None:
    """Who works a task drawn in `lane` of `process_id` under these bindings: the bound body, else the lane itself."""
    return called_lanes.get(process_id, {}).get(lane or "", lane)


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
                      tuple(Body(b["lane"], tuple((a["name"], a["display_name"]) for a in b["accounts"]),
                                 b.get("party", False)) for b in data["bodies"]), file, data.get("called_lanes", {}), data.get("remedies"))


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
    """Every process an entry names is deployed, every body is a lane of its processes or bound to a lane of a
    called process, every lane of its processes is a body (else no demo account could work it), and every binding
    names a lane of a deployed process and a body of the entry. `lanes`: deployed process id -> its lane names."""
    for regulation in registry.values():
        own: set[str] = set()
        for number, process in enumerate(regulation.processes):
            if process not in lanes:
                raise DeployError(f"{regulation.file}: process '{process}' is not defined by any diagram",
                                  file=regulation.file, field=f"processes/{number}")
            own |= lanes[process]
        bodies = {body.lane for body in regulation.bodies}
        for called, binding in regulation.called_lanes.items():
            for lane, body_lane in binding.items():
                where = f"called_lanes/{called}/{lane}"
                if lane not in lanes.get(called, ()):
                    raise DeployError(f"{regulation.file}: '{lane}' is no lane of a deployed process '{called}'",
                                      file=regulation.file, field=where)
                if body_lane not in bodies:
                    raise DeployError(f"{regulation.file}: '{body_lane}' (bound to {called}'s '{lane}') is not "
                                      f"one of its bodies", file=regulation.file, field=where)
            own |= set(binding.values())
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
