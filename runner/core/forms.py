"""Server-side validation of task submissions against their JSON Schema, with field paths.

A submission may carry only the fields its form declares (a step never writes another step's keys).

Each form is compiled twice: jsonschema-rs decides (a few microseconds per submission, against python-jsonschema's
tenths of a millisecond) and, when it refuses, python-jsonschema lists every violated field with its title.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from ..errors import FieldError, InvalidData
from . import form_messages

_FORMATS = FormatChecker()


def check_schema(schema: Any) -> None:
    """Raises jsonschema's SchemaError for a schema that cannot validate anything."""
    Draft202012Validator.check_schema(schema)
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise SchemaError('a task form must be a JSON Schema of "type": "object"')


def _title(schema: Mapping[str, Any] | bool, path: list[str | int]) -> str | None:
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
    return node.get("title") if isinstance(node, dict) else None


@dataclass(frozen=True)
class FormValidator:
    check: jsonschema_rs.Validator      # decides
    explain: Draft202012Validator       # names the violated fields when `check` refuses
    declared: frozenset[str] | None     # the top-level fields a submission may carry (None: any)


def compile_schema(schema: dict[str, Any], *, closed: bool = True) -> FormValidator:
    """A validator for a task form (`closed`: only its declared fields) or for a contract other keys may pass."""
    return FormValidator(jsonschema_rs.validator_for(schema, validate_formats=True),
                         Draft202012Validator(schema, format_checker=_FORMATS),
                         frozenset(declared_fields(schema)) if closed else None)


def declared_fields(schema: Any) -> set[str]:
    """The top-level field names a form declares, in its properties or in those of its conditional parts."""
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            names |= declared_fields(part)
    for key in ("if", "then", "else"):
        names |= declared_fields(schema.get(key))
    for part in schema.get("dependentSchemas", {}).values():
        names |= declared_fields(part)
    return names


def undeclared(data: Mapping[str, Any], declared: Iterable[str]) -> list[FieldError]:
    """The top-level names of `data` its form does not declare: a step may write only its own fields, whatever
    the schema says about additional properties."""
    known = set(declared)
    return [{"path": name, "message": f"「{name}」不是本表单的字段"} for name in data if name not in known]


def validate(validator: FormValidator, data: Any) -> None:
    """Raise InvalidData listing every violated field as {path, title, message}; return None when valid."""
    if not isinstance(data, dict):
        raise InvalidData("提交的数据应为一组字段（JSON 对象）", errors=[{"path": "", "message": "应为一组字段"}])
    errors = undeclared(data, validator.declared) if validator.declared is not None else []
    if not errors and validator.check.is_valid(data):
        return
    if not validator.check.is_valid(data):
        named = {error["path"] for error in errors}
        errors += [error for error in _explained(validator.explain, data) or [
            FieldError(path="/".join(map(str, error.instance_path)), message="不符合表单要求")
            for error in validator.check.iter_errors(data)] if error["path"] not in named]
    first = errors[0]
    name = first.get("title") or first["path"]
    field = f"「{name}」" if name and name not in first["message"] else ""
    more = f"（共 {len(errors)} 处）" if len(errors) > 1 else ""
    raise InvalidData(f"表单填写有误{more}：{field}{first['message']}", errors=errors)


def _explained(validator: Draft202012Validator, data: dict[str, Any]) -> list[FieldError]:
    schema = validator.schema
    errors: list[FieldError] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = [*path, missing]
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = [*path, *extra[:1]]
        entry: FieldError = {"path": "/".join(str(p) for p in path), "message": form_messages.message(error)}
        title = _title(schema, path)
        if title:
            entry["title"] = title
        if error.schema.get("description") and error.validator in ("const", "not", "pattern"):
            # e.g. the 第十六条 exclusion a member violates, the form a 发文字号 takes
            entry["reason"] = error.schema["description"]
        errors.append(entry)
    return errors
