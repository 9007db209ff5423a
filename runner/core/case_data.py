"""What a person's data must be before it enters a case: JSON the stores can hold, under names the case may use.

Every value a person submits (start data, task forms) passes here before the engine sees it:
- numbers are finite (JSON has no NaN or Infinity; Python reads 1e400 as infinity, and a silent null is data lost);
- strings hold no NUL and no lone surrogate (PostgreSQL cannot store NUL in text or JSON, no store can store a lone
  surrogate), keys are strings;
- top-level names are not reserved: the functions diagrams call, the builtins of the script language, or a name
  starting with "_" (the restricted engine's guards) — case data under such a name would hide them from every
  later script (deploy refuses form fields with these names for the same reason);
- no object, at any depth, has a key named "typename" (SpiffWorkflow's serializer would read it back as a typed
  engine object);
- integers fit in 64 bits (what the JSON columns and SpiffWorkflow's serializer can round-trip).
Every violation is reported with its field path; nothing is stored.
"""
from __future__ import annotations

import math
from typing import Any

import orjson

from ..errors import FieldError, InvalidData
from .functions import FUNCTIONS
from .sandbox import SCRIPT_BUILTINS

RESERVED = frozenset(FUNCTIONS) | SCRIPT_BUILTINS
# SpiffWorkflow's serializer reads any saved dict holding this key as a typed engine object: a person's value under
# it would come back as something else, or break the case on its next load.
ENGINE_TYPE_KEY = "typename"
_TYPE_KEY = ENGINE_TYPE_KEY.encode()

_INT64 = 2 ** 63


def reserved(name: str) -> bool:
    return name in RESERVED or name.startswith("_")


def clean(data: Any, what: str = "data") -> dict[str, Any]:
    """A private copy of `data` (a JSON object) that the case may hold; InvalidData naming every offending path
    otherwise."""
    if not isinstance(data, dict):
        raise InvalidData(f"{what} must be a JSON object", errors=[{"path": "", "message": "不是 JSON 对象"}])
    quick = _quick_copy(data)
    if quick is not None:
        return quick
    errors: list[FieldError] = []
    copy = _clean(data, "", errors)
    errors += [{"path": name, "message": f"「{name}」是保留名称（流程函数、脚本内置名或以下划线开头），不能作为数据字段"}
               for name in data if isinstance(name, str) and reserved(name)]
    if errors:
        raise InvalidData(f"{what} cannot be stored: " + "; ".join(f"{e['path'] or '/'}: {e['message']}"
                                                                    for e in errors[:5]), errors=errors[:50])
    return copy  # type: ignore[no-any-return]   # a dict in, a dict out


def storable_copy(document: Any) -> Any | None:
    """A JSON copy of `document` when orjson shows in one C pass that every value can be stored (the usual case,
    paid on every step and request): it refuses non-string keys, lone surrogates and integers beyond 64 bits itself,
    writes NaN and infinity as null (so the copy differs), and escapes NUL as \\u0000; the text also shows whether
    ENGINE_TYPE_KEY occurs. None: something may not be stored as it is (a walk then names it)."""
    try:
        text = orjson.dumps(document)
    except orjson.JSONEncodeError:
        return None
    copy = orjson.loads(text)
    return copy if copy == document and b"\\u0000" not in text and b'"%s"' % _TYPE_KEY not in text else None


def _quick_copy(data: dict[str, Any]) -> dict[str, Any] | None:
    """The copy when nothing needs the walk below (which names each problem): storable, no engine type key at any
    depth, no reserved top-level name."""
    copy = storable_copy(data)
    if copy is None or any(map(reserved, copy)):
        return None
    return copy  # type: ignore[no-any-return]   # a dict in, a dict out


def _clean(value: Any, path: str, errors: list[FieldError]) -> Any:
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append({"path": path, "message": f"字段名必须是文字，不能是 {type(key).__name__}"})
                continue
            _check_text(key, _join(path, key), errors)
            if key == ENGINE_TYPE_KEY:
                errors.append({"path": _join(path, key), "message": f"「{key}」是流程引擎保存数据时使用的保留字段名"})
            copy[key] = _clean(item, _join(path, key), errors)
        return copy
    if isinstance(value, (list, tuple)):
        return [_clean(item, _join(path, str(index)), errors) for index, item in enumerate(value)]
    if isinstance(value, str):
        _check_text(value, path, errors)
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            errors.append({"path": path, "message": "整数超出可保存的范围（64 位）"})
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            errors.append({"path": path, "message": "数值必须是有限数（不能是 NaN 或无穷大）"})
        return value
    errors.append({"path": path, "message": f"不是 JSON 数据（{type(value).__name__}）"})
    return None


def _check_text(text: str, path: str, errors: list[FieldError]) -> None:
    if "\x00" in text:
        errors.append({"path": path, "message": "文字中含有空字符（\\u0000），无法保存"})
    elif _has_lone_surrogate(text):
        errors.append({"path": path, "message": "文字中含有无效的 Unicode 代理字符，无法保存"})


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _join(path: str, key: str) -> str:
    return f"{path}/{key}" if path else key
