"""The engine behind one door: the only package of Wenze that imports SpiffWorkflow (3.2, pinned).

Everything the runner needs of the engine is named here; an upgrade is this package's worry, and every private
SpiffWorkflow name it relies on is listed in spiff_private.py. An import-linter contract and a test of the import
graph (tests/test_architecture.py) fail if another module imports SpiffWorkflow.

    parser.py          diagrams -> process specs, with Wenze's decision tables and DeployErrors
    decision_tasks.py  business rule tasks run Wenze's decision engine and record each evaluation
    scripts.py         SpiffWorkflow's script environment, restricted by runner/core/sandbox.py
    serializer.py      saving and restoring cases (spec by reference, cached task dicts, orjson)
    running.py         the advance loop, completing a task, what the runner reads of a workflow
    clock_hook.py      the engine's timers read the runner's clock
"""
from __future__ import annotations

from . import clock_hook
from .parser import Diagrams, code_of, form_of, iter_task_specs, process_of, property_of
from .running import (URGED_STEP_CANCELLED, URGED_STEP_DONE, URGES, Step, UserTask, WaitingTimer, advance, case_data, check_data, is_completed, lane_of_timer,
                      move_timer, ready_user_tasks, run_task, start_form, start_lane, task_data, task_state, waiting_timers)
from .scripts import restricted_engine
from .serializer import (dump_workflow, load_workflow, new_workflow, reference_dump, register_specs,
                         specs_to_dict)

clock_hook.install()

__all__ = [
    "URGED_STEP_CANCELLED", "URGED_STEP_DONE", "URGES", "Diagrams", "Step", "UserTask", "WaitingTimer", "advance", "case_data", "check_data", "code_of", "dump_workflow",
    "form_of", "is_completed", "iter_task_specs", "lane_of_timer", "load_workflow", "move_timer", "new_workflow",
    "process_of", "property_of", "ready_user_tasks", "reference_dump", "register_specs", "restricted_engine",
    "run_task", "specs_to_dict", "start_form", "start_lane", "task_data", "task_state", "waiting_timers",
]
