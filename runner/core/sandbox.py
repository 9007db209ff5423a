"""The restricted language of every script, condition, timer expression and decision cell.

RestrictedPython refuses names and attributes that start with "_" at compile time (no dunder walks); the builtins
offered here have no __import__, open, getattr, eval. Code is compiled with runner/core/script_bounds.py's
transformer and runs within its bounds (time, sizes of what it builds). The engine's script environment
(runner/core/engine/scripts.py) compiles and scopes diagram code with `compile_source` and `scope` and runs it in
`script_bounds.bounded()`; decision cells use `evaluate`.
"""
from __future__ import annotations

import ast
import builtins as _builtins
import re
from functools import lru_cache
from typing import Any, Callable, Literal, Mapping, cast

from RestrictedPython.compile import compile_restricted
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safe_builtins, safe_globals, safer_getattr)

from . import script_bounds
from ..errors import ScriptError

_EXTRA_BUILTINS = ('dict', 'list', 'set', 'sum', 'min', 'max', 'any', 'all', 'enumerate', 'map', 'filter',
                   'sorted', 'reversed', 'zip')


def _refused(name: str) -> Callable[..., Any]:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise ScriptError(f"{name} is not allowed in Wenze scripts")
    return refuse


_REFUSED_NAMES = ('open', 'eval', 'exec', 'compile', 'getattr', 'globals', 'locals', 'vars')
_REFUSED_ATTRIBUTES = ('format', 'format_map')   # str.format walks attributes: '{0.__class__}'.format(x)


def _builtin_table() -> dict[str, Any]:
    table = dict(safe_builtins)
    table.update({name: getattr(_builtins, name) for name in _EXTRA_BUILTINS})
    # Named refusals give a clear message if code reaches them at run time despite the compile-time check.
    table['__import__'] = _refused('import')
    table.update({name: _refused(f'{name}()') for name in _REFUSED_NAMES})
    table.update(script_bounds.BUILTINS)
    for name in script_bounds.UNNAMEABLE:
        del table[name]
    return table


def _refusal(tree: ast.AST) -> str | None:
    """What a piece of code uses that Wenze refuses before it ever runs, or None."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return f"import is not allowed in Wenze scripts (line {node.lineno})"
        if isinstance(node, ast.Name) and node.id in _REFUSED_NAMES:
            return f"{node.id}() is not allowed in Wenze scripts (line {node.lineno})"
        if isinstance(node, ast.Attribute) and node.attr in _REFUSED_ATTRIBUTES:
            return f".{node.attr}() is not allowed in Wenze scripts (line {node.lineno}); use f-strings"
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            return f"a bare except: is not allowed in Wenze scripts (line {node.lineno}); name the exception"
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and _wide(node.format_spec):
            return (f"an f-string field wider than {script_bounds.limits().max_string:,} characters, or with a "
                    f"computed format, is not allowed in Wenze scripts (line {node.lineno})")
    return None


def _wide(spec: ast.expr) -> bool:
    """Whether an f-string format spec is computed, or names a width or precision past the string bound."""
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if not all(isinstance(part, ast.Constant) for part in parts):
        return True
    text = "".join(str(part.value) for part in parts if isinstance(part, ast.Constant))
    return any(int(size) > script_bounds.limits().max_string for size in re.findall(r"\d+", text))


_safer_getattr: Callable[..., Any] = safer_getattr      # RestrictedPython's attribute checks (untyped)


def _getattr(obj: Any, name: str, *default: Any) -> Any:
    return script_bounds.checked_attribute(obj, name, _safer_getattr(obj, name, *default))


def _write(obj: Any) -> Any:
    return full_write_guard(script_bounds.checked_write(obj))


_GUARDS: dict[str, Any] = {
    '__builtins__': _builtin_table(),
    '_getattr_': _getattr,
    '_getitem_': default_guarded_getitem,
    '_getiter_': script_bounds.ticking,
    '_iter_unpack_sequence_': guarded_iter_unpack_sequence,
    '_unpack_sequence_': guarded_unpack_sequence,
    '_write_': _write,
    '_inplacevar_': script_bounds.inplace,
    **script_bounds.GUARDS,
}


@lru_cache(maxsize=8192)
def compile_source(source: str, mode: Literal['exec', 'eval']) -> Any:
    """Compile once per distinct source text; a refused construct becomes a ScriptError naming it."""
    try:
        tree = ast.parse(source, '<string>', mode)
        refusal = _refusal(tree)
        if refusal:
            raise ScriptError(refusal, source=source)
        return compile_restricted(cast(ast.Module | ast.Expression, tree), '<string>', mode,
                                  policy=script_bounds.BoundingTransformer)
    except SyntaxError as err:
        message: Any = err.msg       # RestrictedPython's SyntaxError carries a tuple of messages
        reason = '; '.join(message) if isinstance(message, tuple) else message
        raise ScriptError(f"refused or invalid {'expression' if mode == 'eval' else 'script'}: {reason}",
                          source=source) from None


GUARD_NAMES = frozenset(_GUARDS)


def scope(functions: Mapping[str, Any], *layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The names restricted code sees: safe globals, the diagram functions, then each layer (later ones win), then
    the guards, last, so case data can never replace a guard."""
    names = dict(safe_globals)
    names.update(functions)
    for layer in layers:
        names.update(layer or {})
    names.update(_GUARDS)
    return names


def evaluate(expression: str, context: Mapping[str, Any],
             functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """Evaluate one restricted Python expression outside a workflow (decision cells, `wenze decide`)."""
    code = compile_source(expression, 'eval')
    with script_bounds.bounded():
        return eval(code, scope(functions or {}, context))


# The builtins of the script language: case data under one of their names would hide it (runner/core/case_data.py).
SCRIPT_BUILTINS = frozenset(_GUARDS['__builtins__'])
