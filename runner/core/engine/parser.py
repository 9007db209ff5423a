"""Reading diagrams into process specs: SpiffWorkflow's parser, with Wenze's decision tables and error messages.

Deploy (runner/core/deploy.py) feeds parsed, already safety-checked XML trees in and gets specs out; every parser
failure becomes a DeployError naming the file, line and element.
"""
from __future__ import annotations

from typing import Any, Iterator, Literal

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from ..decisions import DecisionTable
from ...errors import DeployError
from .decision_tasks import DecisionAdapter



class _WenzeParser(SpiffBpmnParser):
    """SpiffBpmnParser whose business rule tasks use Wenze's decision tables."""

    def __init__(self, tables: dict[str, DecisionTable]) -> None:
        super().__init__(validator=VALIDATOR)     # the BPMN XSD
        self.tables = tables
        self.used_decisions: set[str] = set()

    def get_engine(self, decision_ref: str, node: Any) -> DecisionAdapter:
        if decision_ref not in self.tables:
            raise ValidationException(f'no decision table with id "{decision_ref}" in dmn/ (known: '
                                      f'{", ".join(sorted(self.tables)) or "none"})', node=node)
        self.used_decisions.add(decision_ref)
        return DecisionAdapter(self.tables[decision_ref])


def _deploy_error(err: ValidationException) -> DeployError:
    where = ", ".join(f"{k} {v}" for k, v in (("line", err.line_number), ("element", err.id)) if v)
    message = str(err).split("\n")[0]
    return DeployError(f"{err.file_name or '?'}{' (' + where + ')' if where else ''}: {message}",
                       file=err.file_name or None, line=err.line_number or None, element=err.id or None)


class Diagrams:
    """The diagrams of one deployment, parsed together (call activities may name processes of other files)."""

    def __init__(self, tables: dict[str, DecisionTable]) -> None:
        self._parser = _WenzeParser(tables)

    def add(self, root: Any, file_name: str) -> None:
        """Add one diagram (an lxml root element); raises DeployError if SpiffWorkflow or the XSD refuses it."""
        try:
            self._parser.add_bpmn_xml(root.getroottree(), filename=file_name)
        except ValidationException as err:
            raise _deploy_error(err) from None

    def process_ids(self) -> list[str]:
        """The executable processes, sorted."""
        return sorted(self._parser.get_process_ids())

    def file_of(self) -> dict[str, str]:
        """Every process id (executable or called) -> the file defining it."""
        return {pid: p.filename for pid, p in self._parser.process_parsers.items()}

    def process_nodes(self) -> dict[str, Any]:
        """Every process id -> its <bpmn:process> element (for properties the engine does not read)."""
        return {pid: p.node for pid, p in self._parser.process_parsers.items()}

    def specs(self, process_id: str) -> tuple[Any, dict[str, Any], set[str]]:
        """The process's spec, the specs of the processes it calls, and the decision ids it uses."""
        self._parser.used_decisions.clear()
        try:
            spec = self._parser.get_spec(process_id)
            subs = self._parser.get_subprocess_specs(process_id)
        except ValidationException as err:
            raise _deploy_error(err) from None
        return spec, subs, set(self._parser.used_decisions)


def iter_task_specs(spec: Any, subprocess_specs: dict[str, Any]) -> Iterator[Any]:
    for process in [spec, *subprocess_specs.values()]:
        yield from process.task_specs.values()


def process_of(task_spec: Any) -> str:
    """The id of the process (or called process) a task spec belongs to."""
    return str(task_spec._wf_spec.name)     # private to SpiffWorkflow: listed in spiff_private.py


def code_of(task_spec: Any) -> list[tuple[str, Literal["exec", "eval"]]]:
    """(source, mode) of every piece of code a task spec will run: scripts, pre/post scripts, gateway conditions,
    timer expressions."""
    code: list[tuple[str, Literal["exec", "eval"]]] = []
    if getattr(task_spec, "script", None):
        code.append((task_spec.script, "exec"))
    extensions = getattr(task_spec, "extensions", None) or {}
    code += [(extensions[key], "exec") for key in ("preScript", "postScript") if extensions.get(key)]
    for condition, _target in getattr(task_spec, "cond_task_specs", []):
        if condition is not None:
            code.append((condition.args[0], "eval"))
    expression = getattr(getattr(task_spec, "event_definition", None), "expression", None)
    if expression:
        code.append((expression, "eval"))
    return code


def property_of(task_spec: Any, name: str) -> str | None:
    """A spiffworkflow:property of an element (SpiffArena's extension properties), if it has it."""
    value = (getattr(task_spec, "extensions", None) or {}).get("properties", {}).get(name)
    return str(value) if value else None


def form_of(task_spec: Any) -> str | None:
    """The JSON Schema file a user or start event names (SpiffArena's formJsonSchemaFilename property)."""
    return property_of(task_spec, "formJsonSchemaFilename")
