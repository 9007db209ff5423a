"""SpiffWorkflow's script environment, restricted: diagram code compiles and runs through runner/core/sandbox.py.

SpiffWorkflow's default environment is plain exec/eval with full builtins, and a workflow's script engine is not
serialized, so every workflow created or loaded gets one of these (runner/core/engine/serializer.py).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from RestrictedPython.Guards import safe_globals
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (CycleTimerEventDefinition,
                                                              DurationTimerEventDefinition, TimerEventDefinition)

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


class _ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, checking what a timer expression gives before SpiffWorkflow parses it: a
    value that is not a time is the diagram's error, reported on the timer's element (SpiffWorkflow would fail
    later, outside any task, with a bare ValueError)."""

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and expression == definition.expression:
            _check_timer_value(task, definition, value)
        return value


def _check_timer_value(task: Any, definition: TimerEventDefinition, value: Any) -> None:
    try:
        if not isinstance(value, str):
            raise TypeError(type(value).__name__)
        if isinstance(definition, CycleTimerEventDefinition):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        elif isinstance(definition, DurationTimerEventDefinition):
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:
        raise WorkflowTaskException(f"the timer expression '{definition.expression}' gave {value!r}, which is not an "
                                    "ISO 8601 date, time or duration", task=task) from None


def restricted_engine(functions: Mapping[str, Callable[..., Any]]) -> PythonScriptEngine:
    """A script engine whose code sees `functions` (the diagram functions) and nothing unrestricted."""
    return _ScriptEngine(environment=RestrictedEnvironment(functions))


# For workflows loaded only to be read: no functions, still restricted.
BARE_ENGINE = restricted_engine({})
