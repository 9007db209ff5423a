"""Running a case: the advance loop, completing a user task, and what the runner reads of a workflow.

SpiffWorkflow's exceptions stop here: a failure in diagram code leaves as a ScriptError naming the element
(notes: ../shared/notes/spiffworkflow/ for the behaviours guarded against below).
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException

from .. import clock
from ...errors import ScriptError
from .parser import form_of, process_of, property_of

URGES = "urges"                 # the property of a reminder / 逾期说明 / 督办 user task naming the activity it urges
URGED_STEP_DONE = "所催办的环节已办结"
URGED_STEP_CANCELLED = "所催办的环节已撤销"


@contextmanager
def failures() -> Iterator[None]:
    """Turn what SpiffWorkflow raises while running diagram code into a ScriptError naming the element."""
    try:
        yield
    except WorkflowException as err:
        task = getattr(err, "task", None)
        element = task.task_spec.bpmn_id if task is not None else None
        raise ScriptError(f"element '{element}': {err}" if element else str(err), element=element) from None


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
    """Run everything automatic, including timers due by the clock; return what ran (ScriptError on a failure).

    do_engine_steps() refreshes timers only at its end, which can leave a fired timer READY but unrun; a case is
    never persisted in that state, or a later user completion would run both paths (notes §3, race C).
    """
    steps: list[Step] = []

    def record(task: Any) -> None:
        step = _describe(task)
        if step is not None:
            steps.append(step)

    with failures():
        while True:
            workflow.refresh_timers()
            workflow.do_engine_steps(did_complete_task=record)
            steps += end_urgings(workflow)
            if not _automatic_work_left(workflow):
                return steps


def end_urgings(workflow: BpmnWorkflow) -> list[Step]:
    """Cancel every ready user task that urges an activity (property `urges`, checked at deploy) once the instance
    of that activity whose boundary timer raised it has finished — completed, or cancelled with its branch: a
    reminder, 逾期说明 or 督办 task is only there while the step it urges is open. One `task_cancelled` step each."""
    ended: list[Step] = []
    for task in _ready_manual(workflow):
        urged_id = property_of(task.task_spec, URGES)
        if urged_id is None:
            continue
        urged = _urged_instance(task, urged_id)
        if urged is None or not urged.has_state(TaskState.FINISHED_MASK):
            continue
        task.cancel()                   # public Task API: CANCELLED, its predicted successors dropped
        done = urged.state == TaskState.COMPLETED
        ended.append(Step("task_cancelled", task.task_spec.bpmn_id, str(task.id), {
            "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
            "reason": URGED_STEP_DONE if done else URGED_STEP_CANCELLED,
            "urges": urged_id, "urged_name": urged.task_spec.bpmn_name or urged_id,
            "urged_state": str(TaskState.get_name(urged.state)).lower()}))
    return ended


def _urged_instance(task: Any, urged_id: str) -> Any | None:
    """The instance of activity `urged_id` on whose boundary branch `task` stands: going up the task's ancestors, the
    first with a sibling of that activity (a boundary event and its activity are children of one split)."""
    node = task.parent
    while node is not None and node.parent is not None:
        for sibling in node.parent.children:
            if sibling is not node and sibling.task_spec.bpmn_id == urged_id:
                return sibling
        node = node.parent
    return None


def _automatic_work_left(workflow: BpmnWorkflow) -> bool:
    """Whether do_engine_steps would find a READY automatic task (in the workflows it runs), by a scan of the task
    maps: SpiffWorkflow's tree iterator costs ten times as much."""
    for process in (workflow, *workflow.get_active_subprocesses()):
        for task in process.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                return True
    return False


def run_task(workflow: BpmnWorkflow, task_id: str, data: dict[str, Any]) -> None:
    """Complete a ready user task with `data`, whose values replace the task's (never SpiffWorkflow's list merge)."""
    task = workflow.get_task_from_id(UUID(task_id))
    with failures():
        task.set_data(**data)
        task.run()


class _TaskView:
    """What the runner's rows record of an engine task. Read lazily: a step reads only tasks it has not seen."""

    __slots__ = ("_task", "id")

    def __init__(self, task: Any) -> None:
        self._task = task
        self.id = str(task.id)

    @property
    def element_id(self) -> str:
        return str(self._task.task_spec.bpmn_id)

    @property
    def name(self) -> str:
        return str(self._task.task_spec.bpmn_name or self._task.task_spec.bpmn_id)


class UserTask(_TaskView):
    """A ready user task."""

    __slots__ = ()

    @property
    def lane(self) -> str | None:
        """The lane as drawn in the diagram that holds the task (a called process's own lane)."""
        return self._task.task_spec.lane  # type: ignore[no-any-return]

    @property
    def process(self) -> str:
        """The id of the process (or called process) whose diagram holds the task."""
        return process_of(self._task.task_spec)

    @property
    def form(self) -> str | None:
        return form_of(self._task.task_spec)


class WaitingTimer(_TaskView):
    """A waiting timer event."""

    __slots__ = ()

    def due(self) -> dt.datetime | None:
        """When the timer fires (the engine stored it when the timer was reached); None for a cycle."""
        due = _due(self._task, self._task.task_spec.event_definition)
        return None if due is None else dt.datetime.fromisoformat(due)


def _ready_manual(workflow: BpmnWorkflow) -> list[Any]:
    """The READY manual tasks of the case and its sub-processes, in the order they were created (a scan of the
    task maps, as in _automatic_work_left)."""
    return [task for process in (workflow, *workflow.subprocesses.values()) for task in process.tasks.values()
            if task.state == TaskState.READY and task.task_spec.manual]


def ready_user_tasks(workflow: BpmnWorkflow) -> list[UserTask]:
    return [UserTask(task) for task in _ready_manual(workflow)]


def task_state(workflow: BpmnWorkflow, task_id: str) -> str | None:
    """The engine's state name of a task (READY, COMPLETED, CANCELLED …), None once the engine pruned it."""
    task = _find(workflow, task_id)
    return None if task is None else str(TaskState.get_name(task.state))


def task_data(workflow: BpmnWorkflow, task_id: str) -> dict[str, Any] | None:
    """The data a task starts from (or ended with), None once the engine pruned it."""
    task = _find(workflow, task_id)
    return None if task is None else dict(task.data)


def check_data(workflow: BpmnWorkflow, task_id: str) -> dict[str, Any]:
    """What a submission check of a ready task sees: the data the task starts from, with the output collection of
    every multi-instance activity as it last stood (running, or done and waiting at a join) — so that a check sees the
    hearings a parallel branch records while the decision waits."""
    data = task_data(workflow, task_id) or {}
    latest: dict[str, Any] = {}
    for process in (workflow, *workflow.subprocesses.values()):
        for task in process.tasks.values():
            spec = task.task_spec
            if isinstance(spec, MultiInstanceTask) and spec.data_output is not None \
                    and task.state in (TaskState.STARTED, TaskState.READY, TaskState.COMPLETED) \
                    and spec.data_output.bpmn_id in task.data:
                name = spec.data_output.bpmn_id
                if name not in latest or task.last_state_change > latest[name].last_state_change:
                    latest[name] = task
    data.update({name: task.data[name] for name, task in latest.items()})
    return data


def _due(task: Any, definition: TimerEventDefinition) -> str | None:
    value = definition.details(task).value
    if value is None or isinstance(value, dict):
        return None
    if isinstance(definition, TimeDateEventDefinition):
        when = TimerEventDefinition.parse_time_or_duration(value)
    else:
        when = TimerEventDefinition.get_datetime(value)
    return str(when.astimezone(dt.timezone.utc).isoformat())


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Every WAITING timer event of the case."""
    return [WaitingTimer(task) for task in list(workflow.event_manager.tasks.values())
            if isinstance(task.task_spec.event_definition, TimerEventDefinition) and task.state == TaskState.WAITING]


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's current data: the final data when done, else the data the open tasks start from."""
    if workflow.is_completed():
        return dict(workflow.data)
    data: dict[str, Any] = {}
    last = workflow.last_task
    if last is not None:
        data.update(last.data)
    for task in _ready_manual(workflow):
        data.update(task.data)
    return data


def move_timer(workflow: BpmnWorkflow, task_id: str, due: dt.datetime) -> None:
    """Re-arm a waiting timeDate timer for a new instant (a recomputed or extended deadline)."""
    task = workflow.get_task_from_id(UUID(task_id))
    task.internal_data["event_value"] = due.isoformat()   # where TimerEventDefinition keeps the armed instant


def lane_of_timer(workflow: BpmnWorkflow, task_id: str) -> tuple[str, str | None]:
    """The process holding a timer and the lane of the activity it is attached to (or of the timer itself)."""
    task = workflow.get_task_from_id(UUID(task_id))
    process = process_of(task.task_spec)
    if task.task_spec.lane:
        return process, str(task.task_spec.lane)
    # A boundary event's parent is the split that also holds the activity it is attached to.
    activities = [c for c in task.parent.children if not isinstance(c.task_spec, CatchingEvent)]
    return process, activities[0].task_spec.lane if activities else None


def start_lane(workflow: BpmnWorkflow) -> str | None:
    """The lane of the process's start event (who opens a case unless the process names its starters)."""
    outputs = workflow.spec.start.outputs
    return outputs[0].lane if outputs else None


def start_form(spec: Any) -> str | None:
    """The form of the process's start event (its start data), if it names one."""
    outputs = spec.start.outputs
    return form_of(outputs[0]) if outputs else None


def is_completed(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.is_completed())


def _find(workflow: BpmnWorkflow, task_id: str) -> Any | None:
    """A task of the workflow or of any of its sub-processes, or None once the engine pruned it."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None
