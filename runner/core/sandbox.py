"""The restricted language of every script, condition, timer expression and decision cell.

RestrictedPython refuses names and attributes that start with "_" at compile time (no dunder walks); the builtins
offered here have no __import__, open, getattr, eval. The engine's script environment (runner/core/engine/scripts.py)
compiles and scopes diagram code with `compile_source` and `scope`; decision cells use `evaluate`.
"""
from __future__ import annotations

import ast
import builtins as _builtins
import operator
from functools import lru_cache
from typing import Any, Callable, Literal, Mapping, cast

from RestrictedPython.compile import compile_restricted
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safe_builtins, safe_globals, safer_getattr)

from .errors import ScriptError

_INPLACE: dict[str, Callable[[Any, Any], Any]] = {'+=': operator.iadd, '-=': operator.isub, '*=': operator.imul, '/=': operator.itruediv,
            '//=': operator.ifloordiv, '%=': operator.imod, '**=': operator.ipow,
            '|=': operator.ior, '&=': operator.iand, '^=': operator.ixor}

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
    return None


def _inplace(op: str, x: Any, y: Any) -> Any:
    return _INPLACE[op](x, y)


_GUARDS: dict[str, Any] = {
    '__builtins__': _builtin_table(),
    '_getattr_': safer_getattr,
    '_getitem_': default_guarded_getitem,
    '_getiter_': default_guarded_getiter,
    '_iter_unpack_sequence_': guarded_iter_unpack_sequence,
    '_unpack_sequence_': guarded_unpack_sequence,
    '_write_': full_write_guard,
    '_inplacevar_': _inplace,
}


@lru_cache(maxsize=8192)
def compile_source(source: str, mode: Literal['exec', 'eval']) -> Any:
    """Compile once per distinct source text; a refused construct becomes a ScriptError naming it."""
    try:
        tree = ast.parse(source, '<string>', mode)
        refusal = _refusal(tree)
        if refusal:
            raise ScriptError(refusal, source=source)
        return compile_restricted(cast(ast.Module | ast.Expression, tree), '<string>', mode)
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
    return eval(compile_source(expression, 'eval'), scope(functions or {}, context))
