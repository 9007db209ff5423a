"""The unit of work every use case on a case runs in: lock → load → act → record → commit → cache.

    with case_step(db, actor=user_name) as step:
        step.lock(case_id)                 # or step.adopt(row) after a locking query of the use case's own
        step.load()                        # version, workflow and the mirror of its rows (live cache or rows)
        step.advance()                     # act: run_task, catch_up, move_timer … inside the engine scope
        return step.commit()               # write the difference, commit, keep the workflow for the next step

A step owns one write connection. The engine runs inside its scope: the runner's clock, the legal calendar (built
on first use from the loaded holiday years), the fault registry of the case's regulation and the restricted script
engine. What the engine did, computed and recorded is written with the case in one transaction (record.sync_case).
If diagram code fails (or runs past its bounds), or the case's state cannot be read, the step rolls back and the
failure becomes an incident (runner/core/incidents.py: the case timeline and the administrators' list), written in a
transaction of its own; the user gets a clear error, and a timer that failed leaves the sweep. Other cases never
notice. Use cases (runner/core/cases.py, timers.py, deadline_changes.py) are short functions over
this module; a new one (send back, reassign, retry, migrate) belongs next to them, written the same way.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import Connection, insert

from . import clock, deadlines, engine, faults, incidents, versions
from .calendar import WorkCalendar, work_calendar
from ..errors import CaseBroken, NotFound, ScriptError, WenzeError
from .functions import SCRIPT_ENGINE
from .live import LIVE
from .record import ArmedTimer, CaseRef, Mirror, StepOutcome, case_ref, lock_case, read_mirror, sync_case
from .timeline import Timeline
from ..store.db import Database
from ..store.holidays import year_tables
from ..store.models import Case


class CaseStep:
    """One use case's work on one case, in one transaction. Build it with `case_step`."""

    def __init__(self, db: Database, conn: Connection, actor: str | None) -> None:
        self.db, self.conn, self.actor = db, conn, actor
        self.timeline = Timeline(clock.now())
        self.case: CaseRef | None = None
        self.version: versions.Version | None = None
        self.workflow: Any = None
        self.before = Mirror({}, {})        # what the case's rows show before this step
        self.mirror: Mirror | None = None   # what they show after it, once written
        self.fired: set[str] = set()        # engine ids of the timers that fired in this step, once written
        self._outcome = StepOutcome([], {}, [], {})
        self._calendar: WorkCalendar | None = None
        self.created = False

    @property
    def now(self) -> dt.datetime:
        return self.timeline.now

    # ------------------------------------------------------------------------------------------- the case row

    def lock(self, case_id: int) -> CaseRef:
        """Lock an existing case's row (NotFound if there is none)."""
        case = lock_case(self.conn, case_id)
        if case is None:
            raise NotFound(f"unknown case {case_id}", case=case_id)
        self.case = case
        return case

    def adopt(self, row: Any) -> CaseRef:
        """Take the case from a row the use case already read with the row lock (record.CASE_COLUMNS)."""
        self.case = case_ref(row)
        return self.case

    def load(self) -> versions.Version:
        """The locked case's version and workflow, with the mirror of its rows: the live ones if saved at this
        revision, else from the rows."""
        case = self._locked()
        self.version = versions.load(self.conn, case.version_id, case.content_hash)
        live = LIVE.take(self.db, case.id, case.revision)
        if live is not None:
            self.workflow, self.before = live
        else:
            state, self.before = read_mirror(self.conn, case.id)
            try:
                self.workflow = engine.load_workflow(state, SCRIPT_ENGINE)
            except Exception as err:        # a state document the engine cannot read: this case only
                raise CaseBroken(f"case {case.id} cannot be loaded ({type(err).__name__}: {err}); an incident is "
                                 "open for administrators", case=case.id, incident="load") from err
        return self.version

    def start(self, version: versions.Version, data: dict[str, Any]) -> None:
        """A new workflow of `version` with its start data; the case row is created by `create` after it ran."""
        self.version = version
        self.workflow = engine.new_workflow(version.content_hash, data, SCRIPT_ENGINE)

    def create(self, started_by: str) -> CaseRef:
        """Insert the row of the case `start` began (once its first advance succeeded)."""
        version = self._version()
        case_id = self.conn.execute(insert(Case.__table__).returning(Case.__table__.c.id).values(
            process_version_id=version.id, process_id=version.process_id, status="running", state="", revision=1,
            started_by=started_by, overdue=False, created_at=self.now, updated_at=self.now)).scalar_one()
        self.case = CaseRef(case_id, version.process_id, version.id, version.content_hash, 1, "running", False)
        self.created = True
        return self.case

    # ---------------------------------------------------------------------------------------------- acting

    @contextmanager
    def _engine_scope(self) -> Iterator[None]:
        """The scope diagram code runs in: the legal calendar and the fault registry of the case's regulation."""
        version = self._version()
        case_id = self.case.id if self.case is not None else None
        with deadlines.using(self._work_calendar) as computed, \
                faults.using(self.conn, case_id, version) as recorded:
            try:
                yield
            except WenzeError:
                raise
            except Exception as err:        # a failure inside the engine that is not the diagram's code
                raise CaseBroken(f"case {case_id} could not be advanced ({type(err).__name__}: {err}); an incident "
                                 "is open for administrators", case=case_id, incident="engine") from err
            finally:
                self._outcome.computed.update(computed)
                self._outcome.faults.extend(recorded)

    def _work_calendar(self) -> WorkCalendar:
        if self._calendar is None:          # most steps compute no deadline: read the holiday years on first use
            self._calendar = work_calendar(year_tables(self.conn))
        return self._calendar

    def advance(self) -> None:
        """Run everything automatic, timers due by the clock included."""
        with self._engine_scope():
            self._outcome.steps += engine.advance(self.workflow)

    def catch_up(self) -> None:
        """Fire what fell due since the case was saved, before the user's own act. A saved case has nothing else left
        to run, and most steps find nothing due (its rows' earliest due instant says so without the engine)."""
        earliest = self.before.earliest_due()
        if earliest is not None and earliest < clock.now():
            self.advance()

    def run_task(self, task_id: str, data: dict[str, Any]) -> None:
        """Complete a ready user task with `data` and run what follows it."""
        with self._engine_scope():
            engine.run_task(self.workflow, task_id, data)
            self._outcome.steps += engine.advance(self.workflow)

    def task_state(self, task_id: str) -> str | None:
        return engine.task_state(self.workflow, task_id)

    def calendar(self) -> WorkCalendar:
        """The legal calendar of this step (the loaded holiday years), as the diagrams' deadline functions use it."""
        return self._work_calendar()

    def close_task(self, task_id: str) -> None:
        """The use case closed this task's row itself (completed by a person): the mirror no longer shows it."""
        del self.before.ready[task_id]

    def move_timer(self, task_id: str, due: dt.datetime, detail: dict[str, Any]) -> None:
        """Re-time an armed timer (an extended or recomputed deadline): the engine's and its row together."""
        engine.move_timer(self.workflow, task_id, due)
        timer = self.before.armed[task_id]
        self._outcome.moved[task_id] = ArmedTimer(timer.element_id, timer.name, due, detail)

    def moved(self, task_id: str) -> ArmedTimer:
        """An armed timer as this step re-timed it."""
        return self._outcome.moved[task_id]

    # ------------------------------------------------------------------------------------------- recording

    def write(self) -> Mirror:
        """Write the step into the case's rows (events, records, tasks, timers, state); not yet committed."""
        self.mirror, self.fired = sync_case(self.conn, self._locked(), self.workflow, self.before, self._outcome,
                                            self.timeline, self._version().lane)
        self._outcome = StepOutcome([], {}, [], {})   # written once; never insert the step's records twice
        return self.mirror

    def commit(self) -> Mirror:
        """Write (if not yet written) and commit the step, then keep the workflow for the case's next step."""
        mirror = self.mirror if self.mirror is not None else self.write()
        self.conn.commit()
        case = self._locked()
        if case.status != "completed":      # a completed case has no next step to serve
            LIVE.put(self.db, case.id, case.revision, self.workflow, mirror)
        return mirror

    def _locked(self) -> CaseRef:
        if self.case is None:
            raise RuntimeError("a case step must lock, adopt or create its case first")
        return self.case

    def _version(self) -> versions.Version:
        if self.version is None:
            raise RuntimeError("a case step must load or start its workflow first")
        return self.version


@contextmanager
def case_step(db: Database, actor: str | None = None, timer_id: int | None = None) -> Iterator[CaseStep]:
    """Run one use case on one case in one transaction (see the module docstring). `timer_id`: the timer this step
    fires, parked if the step fails."""
    with db.connect_write() as conn:
        step = CaseStep(db, conn, actor)
        try:
            yield step
        except (ScriptError, CaseBroken) as err:
            conn.rollback()
            if step.case is not None and not step.created:      # a case created by this step is gone with it
                kind = err.details.get("incident", "script")
                incidents.record(db, step.case.id, kind if isinstance(kind, str) else "script", err, actor, timer_id)
            raise
