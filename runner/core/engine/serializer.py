"""Saving and restoring cases: SpiffWorkflow's own document, with the spec stored once per process version.

A case's state names its version by content hash (`spec_ref`) instead of embedding the spec; loading re-attaches
the spec objects restored once per process (`register_specs`). Finished tasks' dicts are converted once, not on
every save (`_CachingTaskConverter`), and the document is encoded with orjson. `reference_dump` builds the same
document with SpiffWorkflow's stock converters, for the test suite to compare every save against.
"""
from __future__ import annotations

import json
from types import ModuleType
from typing import Any, Callable
from uuid import UUID

import orjson
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask
from SpiffWorkflow.task import Task

from .decision_tasks import DecisionTaskConverter, register_tables
from .scripts import BARE_ENGINE

Specs = tuple[Any, dict[str, Any]]          # (BpmnProcessSpec, {called process id: spec})


class _SpecRefWorkflowConverter(BpmnWorkflowConverter):
    """Serializes an instance without its spec: the spec is stored once per process version.

    The JSON names the version by content hash (`spec_ref`); loading re-attaches the cached spec objects.
    """

    specs: Callable[[str], Specs]

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = self._process_dict(workflow)
        dct["spec_ref"] = workflow.spec_ref
        dct["subprocesses"] = {str(task_id): self._process_dict(sub) | {
            "parent_task_id": str(sub.parent_task_id), "spec": sub.spec.name, "typename": "BpmnSubWorkflow"}
            for task_id, sub in workflow.subprocesses.items()}
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def _process_dict(self, process: Any) -> dict[str, Any]:
        """WorkflowConverter.to_dict, with the tasks converted by _CachingTaskConverter directly: a case's save
        then skips the registry's dispatch for each of its tasks."""
        tasks = _TASKS.convert
        return {"data": self.registry.convert(self.registry.clean(process.data)),
                "correlations": process.correlations,
                "last_task": str(process.last_task.id) if process.last_task is not None else None,
                "success": process.success, "completed": process.completed,
                "tasks": {str(task_id): tasks(task) for task_id, task in process.tasks.items()},
                "root": str(process.task_tree.id)}

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = self.specs(dct["spec_ref"])
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.spec_ref = dct["spec_ref"]
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class _CachingTaskConverter(TaskConverter):
    """Converts a task again only when something its dict is made of changed, not on every save of its case.

    A task's dict holds its own fields and its data as a delta against its parent's data. SpiffWorkflow changes the
    data and internal data only of unfinished tasks (a multi-instance task merging its children, a timer being
    re-armed, a task inheriting data as it becomes ready), so two kinds of task are converted once per key:
    - a finished task under a finished parent: keyed by state, state-change time, triggered flag and children;
    - a task with no data and no internal data yet (a predicted one): the same, plus its parent's data keys,
      which its delta lists as deleted.
    The suite compares every save with the stock converter (tests/conftest.py).
    """

    def convert(self, task: Any) -> dict[str, Any]:
        """The task's dict as the registry would give it (with its typename), without the registry's dispatch."""
        return self.to_dict(task) | {"typename": self.typename}

    def to_dict(self, task: Any) -> dict[str, Any]:
        parent = task.parent
        if task.state & TaskState.FINISHED_MASK and (parent is None or parent.state & TaskState.FINISHED_MASK):
            key: tuple[Any, ...] = (task.state, task.last_state_change, task.triggered, tuple(task._children))
        elif not task.data and not task.internal_data:
            key = (task.state, task.last_state_change, task.triggered, tuple(task._children),
                   tuple(parent.data) if parent is not None else ())
        else:
            return super().to_dict(task)  # type: ignore[no-any-return]   # SpiffWorkflow is untyped
        converted: dict[UUID, tuple[Any, dict[str, Any]]] = task.workflow.__dict__.setdefault("_wenze_converted", {})
        hit = converted.get(task.id)
        if hit is None or hit[0] != key:
            hit = converted[task.id] = (key, super().to_dict(task))
        return hit[1]


_SPECS: dict[str, Specs] = {}              # content hash -> specs; versions are immutable, so never stale

_spec_config = dict(SPIFF_CONFIG)
_spec_config[BusinessRuleTask] = DecisionTaskConverter
_config = dict(_spec_config)
_config[BpmnWorkflow] = _SpecRefWorkflowConverter
_instances = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
_TASKS = _CachingTaskConverter(Task, _instances.registry)     # registers itself in place of the stock converter
_specs_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_spec_config))


def _cached_specs(ref: str) -> Specs:
    try:
        return _SPECS[ref]
    except KeyError:
        raise LookupError(f"process version {ref} is not loaded") from None


_SpecRefWorkflowConverter.specs = staticmethod(_cached_specs)

def specs_to_dict(spec: Any, subprocess_specs: dict[str, Any], decisions: dict[str, str]) -> dict[str, Any]:
    """A process version's executable content: specs plus the DMN sources its business rule tasks use."""
    return {"spec": _specs_serializer.to_dict(spec),
            "subprocesses": {name: _specs_serializer.to_dict(sub) for name, sub in subprocess_specs.items()},
            "decisions": decisions}


def register_specs(ref: str, stored: dict[str, Any]) -> Specs:
    """Restore a stored version's specs once per process; later loads share the objects."""
    if ref not in _SPECS:
        register_tables(stored.get("decisions", {}))
        spec = _specs_serializer.from_dict(stored["spec"])
        subs = {name: _specs_serializer.from_dict(sub) for name, sub in stored["subprocesses"].items()}
        _SPECS[ref] = (spec, subs)
    return _SPECS[ref]


def new_workflow(ref: str, data: dict[str, Any], script_engine: PythonScriptEngine) -> BpmnWorkflow:
    spec, subs = _cached_specs(ref)
    workflow = BpmnWorkflow(spec, subs, script_engine=script_engine)
    workflow.spec_ref = ref
    workflow.task_tree.set_data(**json.loads(json.dumps(data)))   # a private copy, JSON-clean
    return workflow


def load_workflow(state: str, script_engine: PythonScriptEngine = BARE_ENGINE) -> BpmnWorkflow:
    """A saved case. The script engine is not part of the document: without one given here SpiffWorkflow's
    unrestricted default would come back, so a case read only for display still gets a restricted one."""
    workflow = _instances.deserialize_json(state)
    workflow.script_engine = script_engine
    return workflow


def _encode_other(obj: Any) -> Any:
    """What SpiffWorkflow's JSON encoder does with values orjson does not take as they are."""
    typename = _instances.registry.typenames.get(type(obj))
    if typename is not None:
        return _instances.registry.convert_to_dict[typename](obj)
    if callable(obj) or isinstance(obj, ModuleType):
        return None
    if isinstance(obj, set):
        return list(obj)
    raise TypeError(f"cannot store a value of type {type(obj).__name__} in case data")


_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | \
    orjson.OPT_PASSTHROUGH_DATACLASS


def dump_workflow(workflow: BpmnWorkflow) -> str:
    """serialize_json's document, encoded by orjson (a tenth of json.dumps's time on case-sized states)."""
    registry = _instances.registry
    registry._encoder_mode = True      # as serialize_json: registered types convert as the encoder meets them
    try:
        dct = _instances.to_dict(workflow)
    finally:
        registry._encoder_mode = False
    dct[_instances.VERSION_KEY] = _instances.VERSION
    return orjson.dumps(dct, default=_encode_other, option=_ORJSON).decode()


class _StockSpecRefConverter(_SpecRefWorkflowConverter):
    """The spec-reference document as SpiffWorkflow's own converters build it (no reused task dicts)."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["spec_ref"] = workflow.spec_ref
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


_stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**_config, BpmnWorkflow: _StockSpecRefConverter}))


def reference_dump(workflow: BpmnWorkflow) -> str:
    """What SpiffWorkflow's stock serialize_json stores for this case: `dump_workflow` must store the same."""
    return str(_stock.serialize_json(workflow))


