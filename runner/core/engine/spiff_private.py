"""Every name Wenze uses that SpiffWorkflow does not publish, in one place, with the version it was checked on.

An engine upgrade starts here: `check()` (run by tests/core/engine/test_spiff_private.py) fails naming each entry
the installed SpiffWorkflow no longer has, and each entry says where Wenze relies on it and why.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import version

CHECKED_ON = "3.2.0"


@dataclass(frozen=True)
class PrivateName:
    module: str          # where the owner lives
    owner: str           # class (or "" for a module-level name)
    name: str            # the attribute
    used_in: str         # the Wenze module relying on it
    why: str


PRIVATE_NAMES = (
    PrivateName("SpiffWorkflow.task", "Task", "_children", "engine/serializer.py",
                "a finished task's converted dict is reused while its children are unchanged"),
    PrivateName("SpiffWorkflow.bpmn.serializer.helpers.registry", "DefaultRegistry", "_encoder_mode",
                "engine/serializer.py", "set as serialize_json does, so registered types convert during encoding"),
    PrivateName("SpiffWorkflow.bpmn.script_engine.python_environment", "TaskDataEnvironment",
                "_remove_globals_and_functions_from_context", "engine/scripts.py",
                "the restricted environment drops globals and functions from task data as the stock one does"),
    PrivateName("SpiffWorkflow.specs.base", "TaskSpec", "_wf_spec", "engine/parser.py",
                "deploy names the file of the (called) process a refused script belongs to"),
    PrivateName("SpiffWorkflow.bpmn.specs.event_definitions.timer", "", "datetime", "engine/clock_hook.py",
                "the module-level name replaced so the engine's timers read the runner's clock"),
    PrivateName("SpiffWorkflow.bpmn.specs.event_definitions.timer", "TimeDateEventDefinition", "event_value",
                "engine/running.py", "the internal_data key holding an armed timer's instant (moved deadlines)"),
)


def _present(entry: PrivateName) -> bool:
    module = import_module(entry.module)
    if not entry.owner:
        return hasattr(module, entry.name)
    owner = getattr(module, entry.owner, None)
    if owner is None:
        return False
    # Instance attributes and internal_data keys appear only in the owner's source, not on the class.
    return hasattr(owner, entry.name) or entry.name in inspect.getsource(owner)


def check() -> list[str]:
    """What no longer holds on the installed SpiffWorkflow: a version other than CHECKED_ON, and each missing name."""
    problems = [] if version("SpiffWorkflow") == CHECKED_ON else \
        [f"SpiffWorkflow {version('SpiffWorkflow')} is installed; the names below were checked on {CHECKED_ON}"]
    return problems + [f"{e.module}.{e.owner + '.' if e.owner else ''}{e.name} (used in {e.used_in}: {e.why})"
                       for e in PRIVATE_NAMES if not _present(e)]
