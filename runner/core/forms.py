"""Server-side validation of task submissions against their JSON Schema, with field paths."""
from __future__ import annotations

from typing import Any, Iterable

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from .errors import InvalidData

_FORMATS = FormatChecker()


def check_schema(schema: Any) -> None:
    """Raises jsonschema's SchemaError for a schema that cannot validate anything."""
    Draft202012Validator.check_schema(schema)
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise SchemaError('a task form must be a JSON Schema of "type": "object"')


def _title(schema: dict[str, Any], path: list[Any]) -> str | None:
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
    return node.get("title") if isinstance(node, dict) else None


def compile_schema(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=_FORMATS)


def validate(validator: Draft202012Validator, data: Any) -> None:
    """Raise InvalidData listing every violated field as {path, title, message}; return None when valid."""
    if not isinstance(data, dict):
        raise InvalidData("submitted data must be a JSON object", errors=[{"path": "", "message": "not an object"}])
    schema = validator.schema
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = [*path, missing]
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = [*path, *extra[:1]]
        entry = {"path": "/".join(str(p) for p in path), "message": error.message}
        title = _title(schema, path)
        if title:
            entry["title"] = title
        if error.schema.get("description") and error.validator in ("const", "not"):
            entry["reason"] = error.schema["description"]   # e.g. the 第十六条 exclusion a member violates
        errors.append(entry)
    if errors:
        first = errors[0]
        raise InvalidData(f"invalid field {first['path'] or '(root)'}: {first['message']}", errors=errors)


def choice_labels(schemas: Iterable[dict[str, Any]]) -> dict[str, str]:
    """{stored code: Chinese title} for every `oneOf: [{const, title}]` choice in the given forms."""
    labels: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for option in node.get("oneOf", []):
                if isinstance(option, dict) and "const" in option and "title" in option:
                    labels.setdefault(str(option["const"]), option["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in schemas:
        walk(schema)
    return labels
