"""The restricted script environment: every script, condition, timer expression and decision cell runs here.

SpiffWorkflow's default environment is plain exec/eval with full builtins, and it is not serialized, so the engine
re-attaches this one after every load (runner/core/engine.py). RestrictedPython refuses names and attributes that
start with "_" at compile time (no dunder walks); the builtins offered here have no __import__, open, getattr, eval.
"""
from __future__ import annotations

import ast
import builtins as _builtins
import copy
import operator
from functools import lru_cache
from typing import Any, Callable, Mapping

from RestrictedPython import compile_restricted, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safe_builtins, safer_getattr)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .errors import ScriptError

_INPLACE = {'+=': operator.iadd, '-=': operator.isub, '*=': operator.imul, '/=': operator.itruediv,
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


_GUARDS: dict[str, Any] = {
    '__builtins__': _builtin_table(),
    '_getattr_': safer_getattr,
    '_getitem_': default_guarded_getitem,
    '_getiter_': default_guarded_getiter,
    '_iter_unpack_sequence_': guarded_iter_unpack_sequence,
    '_unpack_sequence_': guarded_unpack_sequence,
    '_write_': full_write_guard,
    '_inplacevar_': lambda op, x, y: _INPLACE[op](x, y),
}


@lru_cache(maxsize=8192)
def compile_source(source: str, mode: str) -> Any:
    """Compile once per distinct source text; a refused construct becomes a ScriptError naming it."""
    try:
        tree = ast.parse(source, '<string>', mode)
        refusal = _refusal(tree)
        if refusal:
            raise ScriptError(refusal, source=source)
        return compile_restricted(tree, '<string>', mode)
    except SyntaxError as err:
        reason = '; '.join(err.msg) if isinstance(err.msg, tuple) else err.msg
        raise ScriptError(f"refused or invalid {'expression' if mode == 'eval' else 'script'}: {reason}",
                          source=source) from None


class RestrictedEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment whose evaluate/execute compile with RestrictedPython."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        globals_ = dict(safe_globals)
        globals_.update(functions or {})
        super().__init__(globals_)

    def _scope(self, context: Mapping[str, Any], external_context: Mapping[str, Any] | None) -> dict[str, Any]:
        scope = copy.copy(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(_GUARDS)  # last: case data can never replace a guard
        return scope

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        return eval(compile_source(expression, 'eval'), self._scope(context, external_context))

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        self.check_for_overwrite(context, external_context or {})
        code = compile_source(script, 'exec')
        context.update(self._scope({}, external_context))
        try:
            exec(code, context)
        finally:
            for name in _GUARDS:
                context.pop(name, None)
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def script_engine(functions: Mapping[str, Callable[..., Any]] | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(functions))


def evaluate(expression: str, context: Mapping[str, Any],
             functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """Evaluate one restricted Python expression outside a workflow (decision cells, `wenze decide`)."""
    scope = dict(safe_globals)
    scope.update(functions or {})
    scope.update(context)
    scope.update(_GUARDS)
    return eval(compile_source(expression, 'eval'), scope)
