"""Validate bpmn/ dmn/ forms/ and the regulation registry, and store each process as an immutable version keyed
by content hash.

A process's version covers exactly the files it runs on: its diagram, the diagrams of processes it calls, the
decision tables and the forms it references, and the registry file of its regulation (bpmn/regulations/), whose
key and fault-counting rule the version carries. Editing one regulation's diagram or registry entry therefore
leaves the other procedures' versions alone, and redeploying unchanged files creates nothing.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema.exceptions import SchemaError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import case_data, clock, engine, forms, regulations, submission_checks, xmlsafe
from .decisions import DecisionTable, parse_dmn
from ..errors import DeployError, ScriptError
from .sandbox import compile_source
from ..store.db import Database
from ..store.models import Artifact, ProcessVersion

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
KINDS = {"bpmn": ("bpmn", "*.bpmn"), "dmn": ("dmn", "*.dmn"), "form": ("forms", "*.json"),
         "regulation": ("bpmn/regulations", "*.json")}

# What Wenze derives from the same files at deploy (the spec's extra keys). Raised when a new Wenze derives more
# (2: viewers and parties; 3: timer_activities), so deploying unchanged files after an upgrade makes versions
# that carry it.
SPEC_FORMAT = 3


@dataclass(frozen=True)
class Source:
    kind: str          # bpmn | dmn | form | regulation
    name: str          # file name, unique per kind
    content: str

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()


@dataclass(frozen=True)
class ProcessBuild:
    process_id: str
    name: str
    specs: dict[str, Any]
    files: dict[str, str]             # "kind/name" -> content hash
    forms: dict[str, Any]
    content_hash: str


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version_id: int
    content_hash: str
    created: bool

    def to_dict(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "version": self.version_id, "hash": self.content_hash[:12],
                "created": self.created}


def read_sources(root: Path) -> list[Source]:
    sources = []
    for kind, (folder, pattern) in KINDS.items():
        for path in sorted((root / folder).glob(pattern)):
            try:
                sources.append(Source(kind, path.name, path.read_text(encoding="utf-8")))
            except UnicodeDecodeError as err:
                raise DeployError(f"{path.name}: not UTF-8 text ({err.reason})", file=path.name) from None
    return sources


def _load_forms(sources: list[Source]) -> dict[str, Any]:
    loaded = {}
    for source in sources:
        try:
            schema = json.loads(source.content)
            forms.check_schema(schema)
        except json.JSONDecodeError as err:
            raise DeployError(f"{source.name}: malformed JSON: {err.msg}", file=source.name, line=err.lineno) from None
        except SchemaError as err:
            where = "/".join(str(p) for p in err.absolute_path)
            raise DeployError(f"{source.name}: invalid JSON Schema at '{where}': {err.message}",
                              file=source.name, field=where) from None
        loaded[source.name] = schema
    return loaded


def _check_process(process_id: str, spec: Any, subs: dict[str, Any], file_of: dict[str, str],
                   schemas: dict[str, Any]) -> set[str]:
    """Compile every script/condition/timer, check referenced forms exist; return the forms used."""
    used = set()
    for task_spec in engine.iter_task_specs(spec, subs):
        file = file_of.get(engine.process_of(task_spec), file_of[process_id])
        for source, mode in engine.code_of(task_spec):
            try:
                compile_source(source, mode)
            except ScriptError as err:
                raise DeployError(f"{file}: element '{task_spec.bpmn_id}': {err.message}", file=file,
                                  element=task_spec.bpmn_id) from None
        form = engine.form_of(task_spec)
        if form:
            if form not in schemas:
                raise DeployError(f"{file}: user task '{task_spec.bpmn_id}' references form '{form}', "
                                  f"which is not in forms/", file=file, element=task_spec.bpmn_id)
            # A case-data key named like a diagram function would hide it from every later script.
            # Case data under such a name would hide a diagram function, a script builtin or a guard.
            clash = sorted(name for name in forms.declared_fields(schemas[form]) if case_data.reserved(name))
            if clash:
                raise DeployError(f"{form}: field '{clash[0]}' has a name reserved for diagram functions, script "
                                  "builtins and the engine; rename it", file=form, field=clash[0])
            used.add(form)
        checks = submission_checks.named(engine.property_of(task_spec, submission_checks.PROPERTY))
        problems = submission_checks.problems(checks, forms.declared_fields(schemas[form]) if form else None)
        if problems:
            raise DeployError(f"{file}: element '{task_spec.bpmn_id}' {problems[0]}", file=file,
                              element=task_spec.bpmn_id)
    return used


def build(sources: list[Source]) -> list[ProcessBuild]:
    """Validate everything (XML safety, BPMN XSD, SpiffWorkflow parse, scripts, forms) without touching storage."""
    names = [(s.kind, s.name) for s in sources]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise DeployError(f"{duplicate[1]}: given twice", file=duplicate[1])
    by_kind = {kind: [s for s in sources if s.kind == kind] for kind in KINDS}
    schemas = _load_forms(by_kind["form"])
    tables, table_file = _load_tables(by_kind["dmn"])
    diagrams = engine.Diagrams(tables)
    for source in by_kind["bpmn"]:
        diagrams.add(xmlsafe.parse(source.content.encode(), source.name), source.name)
    file_of = diagrams.file_of()
    nodes = diagrams.process_nodes()
    starters = {pid: _starters(node) for pid, node in nodes.items()}
    registry = regulations.load((s.name, s.content) for s in by_kind["regulation"])
    regulations.check_lanes(registry, {pid: _lanes(node) for pid, node in nodes.items()})
    for pid, node in nodes.items():
        _check_urges(node, file_of[pid])
    hashes = {(s.kind, s.name): s.hash for s in sources}
    builds = []
    contents = {(s.kind, s.name): s.content for s in sources}
    for process_id in diagrams.process_ids():
        spec, subs, used_decisions = diagrams.specs(process_id)
        used_forms = _check_process(process_id, spec, subs, file_of, schemas)
        used_dmn = sorted({table_file[decision] for decision in used_decisions})
        # Called processes may live in other files; embedded sub-processes live in this one.
        files = {f"bpmn/{file_of[pid]}": hashes[("bpmn", file_of[pid])] for pid in [process_id, *subs]
                 if pid in file_of}
        files.update({f"forms/{name}": hashes[("form", name)] for name in used_forms})
        files.update({f"dmn/{name}": hashes[("dmn", name)] for name in used_dmn})
        regulation = regulations.of_process(registry, process_id)
        if regulation is not None:
            files[f"bpmn/regulations/{regulation.file}"] = hashes[("regulation", regulation.file)]
        content_hash = hashlib.sha256(json.dumps({**files, "spec_format": SPEC_FORMAT}, sort_keys=True)
                                      .encode()).hexdigest()
        specs = engine.specs_to_dict(spec, subs, {name: contents[("dmn", name)] for name in used_dmn})
        specs["starters"] = starters[process_id]
        specs["start_lane"] = _start_lane(nodes[process_id])
        specs["start_form"] = engine.start_form(spec)
        # The user tasks whose submission is the decision a 处理决定书 prints (property decisionNotice="true").
        specs["notice_tasks"] = sorted({task_spec.bpmn_id for task_spec in engine.iter_task_specs(spec, subs)
                                        if engine.property_of(task_spec, "decisionNotice") == "true"})
        # The named server-side checks each user task's submission must pass (runner/core/submission_checks.py).
        specs["submission_checks"] = {
            task_spec.bpmn_id: list(checks) for task_spec in engine.iter_task_specs(spec, subs)
            if (checks := submission_checks.named(engine.property_of(task_spec, submission_checks.PROPERTY)))}
        specs["regulation"] = regulation.key if regulation else None
        # Who may read a case (runner.core.visibility): the staff of the regulation's bodies; persons named in a
        # case (party bodies) their own part only. Without a registry entry: the lanes of the process.
        specs["viewers"] = sorted(b.lane for b in regulation.bodies if not b.party) if regulation \
            else sorted(_lanes(nodes[process_id]))
        specs["parties"] = sorted(b.lane for b in regulation.bodies if b.party) if regulation else []
        # The activity each boundary timer guards: an inbox shows a task's own deadline next to it.
        specs["timer_activities"] = {timer: activity for pid in [process_id, *subs] if pid in nodes
                                     for timer, activity in _timer_activities(nodes[pid]).items()}
        specs["fault_counting"] = regulation.fault_counting if regulation else None
        # Which of its bodies plays each lane of the processes it calls (the tasks' rows carry the bound lane).
        specs["called_lanes"] = {called: dict(binding) for called, binding in regulation.called_lanes.items()
                                 if called in subs} if regulation else {}
        builds.append(ProcessBuild(process_id, spec.description or process_id, specs, files,
                                   {name: schemas[name] for name in sorted(used_forms)}, content_hash))
    return builds


def _starters(process: Any) -> list[str]:
    """Lanes a process names as allowed to open a case (process property `startableBy`, lanes separated by
    「、」 or commas); empty means the lane of its start event."""
    values = process.xpath('./bpmn:extensionElements/spiff:properties/spiff:property[@name="startableBy"]/@value',
                           namespaces={"bpmn": BPMN_NS, "spiff": SPIFF_NS})
    return [lane.strip() for value in values for lane in re.split(r"[、,，]", value) if lane.strip()]


def _start_lane(process: Any) -> str | None:
    """The lane of the process's (first) start event: who opens a case unless the process names starters."""
    ids = process.xpath("./bpmn:startEvent/@id", namespaces={"bpmn": BPMN_NS})
    lanes = process.xpath(".//bpmn:lane[bpmn:flowNodeRef = $id]/@name", id=ids[0] if ids else "",
                          namespaces={"bpmn": BPMN_NS}) if ids else []
    return str(lanes[0]) if lanes else None


def _timer_activities(process: Any) -> dict[str, str]:
    """{boundary timer event id: the id of the activity it is attached to}, embedded sub-processes included."""
    return {event.get("id"): event.get("attachedToRef") for event in process.xpath(
        ".//bpmn:boundaryEvent[bpmn:timerEventDefinition]", namespaces={"bpmn": BPMN_NS})}


_URGED_KINDS = ("userTask", "subProcess")


def _local(element: Any) -> str:
    """An element's tag without its namespace (userTask, subProcess …)."""
    return str(element.tag).rsplit("}", 1)[-1]


def _check_urges(process: Any, file: str) -> None:
    """A task that urges a step (property `urges`: a reminder, 逾期说明 or 督办 task, cancelled by the engine once the
    step it urges is done) must be a user task standing on a branch of a non-interrupting boundary timer of the
    element it names, which must be a user task or sub-process of the same process (or sub-process)."""
    ns = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}
    for prop in process.xpath(f'.//spiff:property[@name="{engine.URGES}"]', namespaces=ns):
        element = prop.getparent().getparent().getparent()      # property < properties < extensionElements < element
        element_id, urged_id = element.get("id"), (prop.get("value") or "").strip()
        kind = _local(element)

        def refuse(why: str) -> DeployError:
            return DeployError(f"{file}: element '{element_id}' {why}", file=file, line=prop.sourceline,
                               element=element_id)

        if kind != "userTask":
            raise refuse(f"is a {kind}: only a user task can urge a step (property '{engine.URGES}')")
        container = element.getparent()
        urged = container.xpath("./*[@id = $id]", id=urged_id)
        if not urged:
            raise refuse(f"urges '{urged_id}', which is no element of the same process or sub-process")
        if _local(urged[0]) not in _URGED_KINDS:
            raise refuse(f"urges '{urged_id}', which is a {_local(urged[0])}, not a user task or sub-process")
        timers = container.xpath('./bpmn:boundaryEvent[@attachedToRef = $id][@cancelActivity = "false"]'
                                 '[bpmn:timerEventDefinition]/@id', id=urged_id, namespaces=ns)
        flows: dict[str, list[str]] = {}
        for flow in container.xpath("./bpmn:sequenceFlow", namespaces=ns):
            flows.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        reached, todo = set(), list(timers)
        while todo:
            for target in flows.get(todo.pop(), []):
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        if element_id not in reached:
            raise refuse(f"urges '{urged_id}' but stands on no branch of a non-interrupting boundary timer of it")


def _lanes(process: Any) -> set[str]:
    """The lane names of a process, its embedded sub-processes' lanes included."""
    return set(process.xpath(".//bpmn:lane/@name", namespaces={"bpmn": BPMN_NS}))


def _load_tables(sources: list[Source]) -> tuple[dict[str, DecisionTable], dict[str, str]]:
    """Every decision table by decision id (what calledDecisionId names), and the file each came from."""
    tables: dict[str, DecisionTable] = {}
    table_file: dict[str, str] = {}
    for source in sources:
        for table in parse_dmn(source.content.encode(), source.name):
            if table.id in tables:
                raise DeployError(f"{source.name}: decision id '{table.id}' is also defined in "
                                  f"{table_file[table.id]}", file=source.name, element=table.id)
            tables[table.id], table_file[table.id] = table, source.name
    return tables, table_file


def deploy(db: Database, sources: list[Source]) -> list[Deployed]:
    """Store new versions for changed processes; unchanged ones report their current version."""
    builds = build(sources)
    with db.write() as session:
        _check_registry(session, sources)
        results = _store(session, sources, builds)
        session.commit()
    return results


def _check_registry(session: Session, sources: list[Source]) -> None:
    """The registry as it will read once deployed, this deployment's files over the ones deployed before (a
    deployment adds and replaces files, it removes none), must hold together."""
    files = {artifact.name: artifact.content for artifact in latest_artifacts(session, "regulation")}
    files.update({source.name: source.content for source in sources if source.kind == "regulation"})
    regulations.load(sorted(files.items()))


def _store(session: Session, sources: list[Source], builds: list[ProcessBuild]) -> list[Deployed]:
    now = clock.now()
    known = set(session.scalars(select(Artifact.hash).where(Artifact.hash.in_([s.hash for s in sources]))))
    current = {(a.kind, a.name): a.hash for a in latest_artifacts(session)}
    for source in sources:
        if source.hash not in known:
            session.add(Artifact(hash=source.hash, kind=source.kind, name=source.name, content=source.content,
                                 created_at=now))
            known.add(source.hash)
        elif current.get((source.kind, source.name)) != source.hash:
            # Content deployed before and since replaced (an edit rolled back): it is the file's content again.
            session.execute(update(Artifact).where(Artifact.hash == source.hash).values(created_at=now))
    results = []
    for item in builds:
        existing = session.scalar(select(ProcessVersion).where(ProcessVersion.content_hash == item.content_hash))
        if existing is None:
            existing = ProcessVersion(process_id=item.process_id, name=item.name, content_hash=item.content_hash,
                                      spec=item.specs, files=item.files, forms=item.forms, created_at=now)
            session.add(existing)
            session.flush()
            results.append(Deployed(item.process_id, existing.id, item.content_hash, True))
        else:
            results.append(Deployed(item.process_id, existing.id, item.content_hash, False))
    return results


def latest_artifacts(session: Session, kind: str | None = None) -> list[Artifact]:
    """The most recently deployed content of every file (optionally of one kind), by kind and name."""
    newest = select(Artifact.kind, Artifact.name, func.max(Artifact.created_at).label("at")) \
        .group_by(Artifact.kind, Artifact.name).subquery()
    query = select(Artifact).join(newest, (Artifact.kind == newest.c.kind) & (Artifact.name == newest.c.name)
                                  & (Artifact.created_at == newest.c.at)).order_by(Artifact.kind, Artifact.name)
    if kind:
        query = query.where(Artifact.kind == kind)
    return list(session.scalars(query))


def deployed_decisions(db: Database) -> dict[str, DecisionTable]:
    """Every decision table as last deployed, by decision id."""
    with db.read() as session:
        return _load_tables([Source("dmn", a.name, a.content) for a in latest_artifacts(session, "dmn")])[0]


def deployed_regulations(session: Session) -> dict[str, regulations.Regulation]:
    """The regulation registry as last deployed, by key (empty when nothing is deployed)."""
    return regulations.load((a.name, a.content) for a in latest_artifacts(session, "regulation"))


def deployed_processes(session: Session) -> list[str]:
    """The ids of every deployed process."""
    return list(session.scalars(select(ProcessVersion.process_id).distinct().order_by(ProcessVersion.process_id)))
