"""Process versions as use cases need them: immutable, so their specs and forms are cached per content hash.

A step then reads one short column (the hash) instead of the version's whole spec document.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, select

from . import engine, regulations
from ..errors import NotFound
from .forms import FormValidator, compile_schema
from ..store.models import ProcessVersion


@dataclass(frozen=True)
class Version:
    id: int
    process_id: str
    content_hash: str        # what engine.new_workflow / load_workflow know the specs by
    forms: dict[str, Any]
    validators: dict[str, FormValidator]
    starters: tuple[str, ...]     # lanes that may open a case; empty: the start event's lane
    regulation: str | None        # the registry entry (bpmn/regulations/) the process belongs to
    fault_counting: dict[str, Any] | None     # that entry's counting rule as deployed (runner.core.counting)
    start_form: str | None        # the form start data is validated against; None: the process takes none
    notice_tasks: tuple[str, ...]     # user tasks whose submission is the decision its notice prints
    submission_checks: dict[str, tuple[str, ...]]    # user task -> the named checks its submission must pass
    viewers: frozenset[str]       # lanes whose staff may read its cases (runner.core.visibility)
    parties: frozenset[str]       # lanes of persons named in its cases: their own tasks only
    timer_activities: dict[str, str]     # boundary timer element -> the activity element it guards
    start_lane: str | None        # the lane of its start event (who may open a case when `starters` is empty)
    # called process id -> {its lane: the body of this version's regulation that plays it} (registry called_lanes)
    called_lanes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def lane(self, process_id: str, lane: str | None) -> str | None:
        """Who works a task drawn in `lane` of `process_id` in a case of this version: a called process's generic
        lane is played by the body the calling regulation binds to it; any other lane is itself."""
        return regulations.bound_lane(self.called_lanes, process_id, lane)


_CACHE: dict[str, Version] = {}


def load(conn: Connection, version_id: int, content_hash: str | None = None) -> Version:
    """The version with its specs registered in the engine (restored once per process).

    A caller that already read the version's content hash (with the case row) passes it and saves a query."""
    if content_hash is None:
        content_hash = conn.scalar(select(ProcessVersion.content_hash).where(ProcessVersion.id == version_id))
        if content_hash is None:
            raise NotFound(f"unknown process version {version_id}", version=version_id)
    if content_hash not in _CACHE:
        row = conn.execute(select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.content_hash,
                                  ProcessVersion.spec, ProcessVersion.forms)
                           .where(ProcessVersion.id == version_id)).one()
        engine.register_specs(row.content_hash, row.spec)
        validators = {name: compile_schema(schema) for name, schema in row.forms.items()}
        _CACHE[row.content_hash] = Version(row.id, row.process_id, row.content_hash, row.forms, validators,
                                           tuple(row.spec.get("starters", ())), row.spec.get("regulation"),
                                           row.spec.get("fault_counting"), row.spec.get("start_form"),
                                           tuple(row.spec.get("notice_tasks", ())),
                                           {task: tuple(names) for task, names
                                            in row.spec.get("submission_checks", {}).items()},
                                           # A version deployed before these existed: administrators only.
                                           frozenset(row.spec.get("viewers", ())),
                                           frozenset(row.spec.get("parties", ())),
                                           row.spec.get("timer_activities", {}), row.spec.get("start_lane"),
                                           row.spec.get("called_lanes", {}))
    version = _CACHE[content_hash]
    # The same content may carry another id in another database: answer with this database's id.
    return version if version.id == version_id else replace(version, id=version_id)
