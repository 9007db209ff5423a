"""SpiffWorkflow 3.2 wiring: parser, spec-reference serializer, restricted engine, advance loop, timers.

Everything that touches SpiffWorkflow's API lives here, so a version bump is one file's worry
(see ../shared/notes/spiffworkflow/README.md for the behaviours guarded against below).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterator
from uuid import UUID

import orjson

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask
from SpiffWorkflow.task import Task

from . import clock, deadlines, faults
from .decision_tasks import DecisionTaskConverter, register_tables
from .sandbox import script_engine

# SpiffWorkflow attaches task data to every state-change log record unless the level is set (notes §6).
logging.getLogger("spiff").setLevel(logging.WARNING)

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
            return super().to_dict(task)
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


_SpecRefWorkflowConverter.specs = staticmethod(_cached_specs)  # type: ignore[assignment]

# The functions designers may call from scripts, conditions and timer expressions.
FUNCTIONS: dict[str, Callable[..., Any]] = {**deadlines.FUNCTIONS, **faults.FUNCTIONS}
ENGINE = script_engine(FUNCTIONS)


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


def new_workflow(ref: str, data: dict[str, Any]) -> BpmnWorkflow:
    spec, subs = _cached_specs(ref)
    workflow = BpmnWorkflow(spec, subs, script_engine=ENGINE)
    workflow.spec_ref = ref
    workflow.task_tree.set_data(**json.loads(json.dumps(data)))   # a private copy, JSON-clean
    return workflow


def load_workflow(state: str) -> BpmnWorkflow:
    workflow = _instances.deserialize_json(state)
    workflow.script_engine = ENGINE   # not serialized: without this the unrestricted default comes back
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


# ---------------------------------------------------------------------------------------------- running

@dataclass
class Step:
    """Something the engine did on its own, for the case timeline."""

    kind: str
    element_id: str | None
    task_id: str | None
    data: dict[str, Any] = field(default_factory=dict)


_STEP_KINDS = {"ScriptTask": "script", "ExclusiveGateway": "gateway", "ParallelGateway": "gateway",
               "InclusiveGateway": "gateway", "EventBasedGateway": "gateway", "BusinessRuleTask": "decision",
               "EndEvent": "end_event", "CallActivity": "call_activity", "SubWorkflowTask": "sub_process"}


def _describe(task: Any) -> Step | None:
    spec = task.task_spec
    if spec.bpmn_id is None:                      # engine-internal bookkeeping specs
        return None
    name = type(spec).__name__
    data: dict[str, Any] = {"name": spec.bpmn_name or spec.bpmn_id, "type": name}
    if isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, TimerEventDefinition):
        data["due_at"] = _due(task, spec.event_definition)
        data["fired_at"] = clock.now().isoformat()
        return Step("timer_fired", spec.bpmn_id, str(task.id), data)
    if name in _STEP_KINDS:
        if name == "BusinessRuleTask" and "decision" in task.internal_data:
            data.update(task.internal_data["decision"])
        return Step(_STEP_KINDS[name], spec.bpmn_id, str(task.id), data)
    return None


def advance(workflow: BpmnWorkflow) -> list[Step]:
    """Run everything automatic, including timers due by the clock; return what ran.

    do_engine_steps() refreshes timers only at its end, which can leave a fired timer READY but unrun; a case is
    never persisted in that state, or a later user completion would run both paths (notes §3, race C).
    """
    steps: list[Step] = []

    def record(task: Any) -> None:
        step = _describe(task)
        if step is not None:
            steps.append(step)

    while True:
        workflow.refresh_timers()
        workflow.do_engine_steps(did_complete_task=record)
        if not _automatic_work_left(workflow):
            return steps


def _automatic_work_left(workflow: BpmnWorkflow) -> bool:
    """Whether do_engine_steps would find a READY automatic task (in the workflows it runs), by a scan of the task
    maps: SpiffWorkflow's tree iterator costs ten times as much."""
    for process in (workflow, *workflow.get_active_subprocesses()):
        for task in process.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                return True
    return False


def catch_up(workflow: BpmnWorkflow, earliest_due: dt.datetime | None) -> list[Step]:
    """Fire what fell due since the case was saved (a saved case has nothing else left to run).

    `earliest_due` is the earliest due instant of the case's armed timers, as their rows record it."""
    if earliest_due is not None and earliest_due < clock.now():
        return advance(workflow)
    return []


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """The READY manual tasks of the case and its sub-processes, in the order they were created (a scan of the
    task maps, as in _automatic_work_left)."""
    return [task for process in (workflow, *workflow.subprocesses.values()) for task in process.tasks.values()
            if task.state == TaskState.READY and task.task_spec.manual]


def form_of(task_spec: Any) -> str | None:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}).get("formJsonSchemaFilename")


def is_ready(task: Any) -> bool:
    return task.state == TaskState.READY


def state_name(task: Any) -> str:
    return TaskState.get_name(task.state)


def _due(task: Any, definition: TimerEventDefinition) -> str | None:
    value = definition.details(task).value
    if value is None or isinstance(value, dict):
        return None
    if isinstance(definition, TimeDateEventDefinition):
        when = TimerEventDefinition.parse_time_or_duration(value)
    else:
        when = TimerEventDefinition.get_datetime(value)
    return when.astimezone(dt.timezone.utc).isoformat()


def waiting_timers(workflow: BpmnWorkflow) -> Iterator[Any]:
    """Every WAITING timer event task of the case."""
    for task in list(workflow.event_manager.tasks.values()):
        if isinstance(task.task_spec.event_definition, TimerEventDefinition) and task.state == TaskState.WAITING:
            yield task


def timer_due(task: Any) -> dt.datetime | None:
    """When a waiting timer fires (stored by the engine when the timer was reached); None for a cycle."""
    due = _due(task, task.task_spec.event_definition)
    return None if due is None else dt.datetime.fromisoformat(due)


def iter_task_specs(spec: Any, subprocess_specs: dict[str, Any]) -> Iterator[Any]:
    for process in [spec, *subprocess_specs.values()]:
        yield from process.task_specs.values()


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's current data: the final data when done, else the data the open tasks start from."""
    if workflow.is_completed():
        return dict(workflow.data)
    data: dict[str, Any] = {}
    last = workflow.last_task
    if last is not None:
        data.update(last.data)
    for task in ready_user_tasks(workflow):
        data.update(task.data)
    return data


def move_timer(workflow: BpmnWorkflow, task_id: str, due: dt.datetime) -> None:
    """Re-arm a waiting timeDate timer for a new instant (a recomputed or extended deadline)."""
    task = workflow.get_task_from_id(UUID(task_id))
    task.internal_data["event_value"] = due.isoformat()


def lane_of_timer(workflow: BpmnWorkflow, task_id: str) -> str | None:
    """The lane of the activity a boundary timer is attached to (or of the timer itself)."""
    task = workflow.get_task_from_id(UUID(task_id))
    if task.task_spec.lane:
        return task.task_spec.lane
    # A boundary event's parent is the split that also holds the activity it is attached to.
    activities = [c for c in task.parent.children if not isinstance(c.task_spec, CatchingEvent)]
    return activities[0].task_spec.lane if activities else None


def find_task(workflow: BpmnWorkflow, task_id: str) -> Any | None:
    """A task of the workflow or of any of its sub-processes, or None once the engine pruned it."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None
