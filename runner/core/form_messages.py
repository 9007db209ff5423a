"""What a violated JSON Schema keyword means, said in Chinese to the person who filled in the form.

python-jsonschema words its messages in English for developers ("'x' is a required property"); staff read the
server's verdict next to the field they typed into, so each keyword gets a sentence of its own here. The field's
title is shown beside the message by the caller, so the sentence does not repeat it.
"""
from __future__ import annotations

from typing import Any

from jsonschema.exceptions import ValidationError

_TYPES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "是或否", "array": "列表",
          "object": "一组字段", "null": "空值"}
_FORMATS = {"date": "日期（年-月-日，如 2026-10-09）", "date-time": "日期和时间（如 2026-10-09T09:30:00+08:00）",
            "time": "时间（如 09:30:00）", "email": "电子邮件地址", "uri": "网址"}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _choices(options: Any) -> str | None:
    """The titles of a `oneOf: [{const, title}]` choice list, or None when the options are not such a list."""
    if not isinstance(options, list) or not all(isinstance(o, dict) and "const" in o for o in options):
        return None
    return "、".join(str(o.get("title", _value(o["const"]))) for o in options)


def _type(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return "或".join(_TYPES.get(str(name), str(name)) for name in names)


def message(error: ValidationError) -> str:
    """One Chinese sentence for one violated keyword."""
    keyword: Any = error.validator        # None for a `false` subschema, though typed as a string
    value: Any = error.validator_value
    if keyword == "required":
        return "必须填写"
    if keyword == "type":
        return f"应为{_type(value)}"
    if keyword == "minLength":
        return "不能为空" if value == 1 else f"至少 {value} 个字"
    if keyword == "maxLength":
        return f"最多 {value} 个字"
    if keyword == "minimum":
        return f"不能小于 {_value(value)}"
    if keyword == "maximum":
        return f"不能大于 {_value(value)}"
    if keyword == "exclusiveMinimum":
        return f"应大于 {_value(value)}"
    if keyword == "exclusiveMaximum":
        return f"应小于 {_value(value)}"
    if keyword == "multipleOf":
        return f"应为 {_value(value)} 的倍数"
    if keyword == "enum":
        return "只能是：" + "、".join(_value(v) for v in value)
    if keyword == "const":
        return f"只能是「{_value(value)}」"
    if keyword == "format":
        return f"应为{_FORMATS.get(str(value), f'{value} 格式')}"
    if keyword == "pattern":
        return "格式不符合要求"
    if keyword == "minItems":
        return "至少填写 1 项" if value == 1 else f"至少填写 {value} 项"
    if keyword == "maxItems":
        return f"最多填写 {value} 项"
    if keyword == "uniqueItems":
        return "各项不能重复"
    if keyword == "oneOf":
        choices = _choices(value)
        return f"只能选择：{choices}" if choices else "应符合且只符合其中一种情形"
    if keyword == "anyOf":
        choices = _choices(value)
        return f"只能选择：{choices}" if choices else "应至少符合其中一种情形"
    if keyword == "not":
        return "不允许填写此项或此值"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return "不是本表单的字段"
    if keyword == "dependentRequired":
        return "填写此项时，相关各项也必须填写"
    if keyword is None:                     # a `false` subschema: nothing may stand here
        return "不允许填写此项"
    return f"不符合表单要求（{keyword}）"
