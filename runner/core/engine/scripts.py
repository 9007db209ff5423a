"""SpiffWorkflow's script environment, restricted: diagram code compiles and runs through runner/core/sandbox.py.

SpiffWorkflow's default environment is plain exec/eval with full builtins, and a workflow's script engine is not
serialized, so every workflow created or loaded gets one of these (runner/core/engine/serializer.py).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from RestrictedPython.Guards import safe_globals
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .. import sandbox, script_bounds


class RestrictedEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment whose evaluate/execute compile with RestrictedPython."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        # SpiffWorkflow keeps these names out of the case data after a script and refuses data that would hide them.
        super().__init__({**safe_globals, **functions})
        self._functions = dict(functions)

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        code = sandbox.compile_source(expression, 'eval')
        with script_bounds.bounded():
            return eval(code, sandbox.scope(self._functions, external_context, context))

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        self.check_for_overwrite(context, external_context or {})
        code = sandbox.compile_source(script, 'exec')
        context.update(sandbox.scope(self._functions, external_context))
        try:
            with script_bounds.bounded():
                exec(code, context)
        finally:
            for name in sandbox.GUARD_NAMES:
                context.pop(name, None)
            # Private to SpiffWorkflow (listed in spiff_private.py): drops the globals and functions from the data.
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def restricted_engine(functions: Mapping[str, Callable[..., Any]]) -> PythonScriptEngine:
    """A script engine whose code sees `functions` (the diagram functions) and nothing unrestricted."""
    return PythonScriptEngine(environment=RestrictedEnvironment(functions))


# For workflows loaded only to be read: no functions, still restricted.
BARE_ENGINE = restricted_engine({})
