"""The tables. Case state, its events, tasks, timers and decisions are written in one transaction per use case."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import JSONDoc, UTCDateTime


MAX_ID = 2 ** 31 - 1      # the largest integer primary key PostgreSQL's `integer` holds (ids start at 1 on both stores)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONDoc, list[Any]: JSONDoc}

    if TYPE_CHECKING:
        # Every class here is mapped to a Table of its own (declared with __tablename__), where SQLAlchemy can
        # only promise some FromClause; the core statements (insert, update, with_for_update) need the Table.
        __table__: ClassVar[Table]


class Artifact(Base):
    """One deployed file's content, stored once per content hash (bpmn, dmn, form or regulation)."""

    __tablename__ = "artifact"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]     # when this content last became its file's deployed content


class ProcessVersion(Base):
    """An immutable deployed version of one process: its spec (stored once) and the files it was built from."""

    __tablename__ = "process_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Large documents, read once per process (runner.core.versions), never on a hot path.
    spec: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    files: Mapped[dict[str, Any]] = mapped_column(deferred=True)     # {"kind/file name": artifact hash}
    forms: Mapped[dict[str, Any]] = mapped_column(deferred=True)     # {form file name: JSON Schema}
    created_at: Mapped[dt.datetime]


class User(Base):
    __tablename__ = "user_account"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list[Any]]           # lane names, plus "admin"
    password_hash: Mapped[str] = mapped_column(String(200))
    # Signed session cookies carry the version they were issued under; signing out and setting a password bump
    # it, so every cookie issued before stops working (a copied cookie cannot be replayed).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Case(Base):
    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)   # running | completed | error
    state: Mapped[str] = mapped_column(Text)                      # SpiffWorkflow instance JSON, without the spec
    revision: Mapped[int] = mapped_column(Integer)
    started_by: Mapped[str] = mapped_column(String(100))
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)   # an obligation deadline passed
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    # Optimistic concurrency: every UPDATE checks and bumps the revision it read.
    __mapper_args__ = {"version_id_col": revision}


class Task(Base):
    """A user task of a case as the inbox sees it; mirrors the engine's READY manual tasks."""

    __tablename__ = "task"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)   # SpiffWorkflow task UUID
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(100))
    form: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))                  # ready | completed | cancelled
    created_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    # Who took the task (认领) or was given it by the lane's supervisor (指派): only they may complete it.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # The last 催办: a supervisor urged the task (its holder sees who and when in the inbox).
    urged_by: Mapped[str | None] = mapped_column(String(100))
    urged_at: Mapped[dt.datetime | None]

    __table_args__ = (Index("ix_task_state_lane", "state", "lane"),)

    @property
    def ready_since(self) -> dt.datetime:
        return self.created_at


class _OfCase:
    """A row that belongs to one case, found by it (timeline events, timers, decision records, incidents)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)


class _OfEngineTask(_OfCase):
    """A row about one engine task of a case: its SpiffWorkflow task id and diagram element."""

    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))


class Event(_OfCase, Base):
    """The append-only case timeline."""

    __tablename__ = "event"
    at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(36))
    actor: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]]


class Timer(_OfEngineTask, Base):
    """An armed engine timer; the scheduler claims due rows with a lease so each fires once."""

    __tablename__ = "timer"
    name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(20))                  # armed | fired | cancelled | incident
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None]
    fired_at: Mapped[dt.datetime | None]
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]

    __table_args__ = (UniqueConstraint("task_id"), Index("ix_timer_state_due", "state", "due_at"))


class HolidayTable(Base):
    """A year's official holiday schedule loaded by an administrator (years chinesecalendar does not cover)."""

    __tablename__ = "holiday_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table: Mapped[dict[str, Any]]       # the file as loaded (calendar.HolidayYear.to_dict())
    loaded_by: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[dt.datetime]


class DecisionRecord(_OfEngineTask, Base):
    """One evaluation of a decision table in a case: what went in, which rules matched, what came out."""

    __tablename__ = "decision_record"
    decision_id: Mapped[str] = mapped_column(String(200))
    table_hash: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]]
    matched_rules: Mapped[list[Any]]
    outputs: Mapped[dict[str, Any]]     # {"value": ...}: a dict, list or number depending on the hit policy
    at: Mapped[dt.datetime]


class FaultRecord(Base):
    """A confirmed fault of a person, recorded by a case: what repeat-offence rules count."""

    __tablename__ = "fault_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(100))
    regulation: Mapped[str] = mapped_column(String(40))
    fault_type: Mapped[str | None] = mapped_column(String(100))    # e.g. the scope-list item 第七条(三)
    confirmed_on: Mapped[dt.date] = mapped_column(Date)
    role: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[str | None] = mapped_column(String(40))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    recorded_at: Mapped[dt.datetime]

    __table_args__ = (Index("ix_fault_person", "regulation", "person", "confirmed_on"),)


class Incident(_OfCase, Base):
    """A case that could not be loaded, advanced or fired: what failed, where, how often; open until resolved.

    One open incident per case, element and kind: a failure that repeats counts up instead of adding rows."""

    __tablename__ = "incident"
    kind: Mapped[str] = mapped_column(String(20))          # script | load | timer
    element_id: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))  # who was acting when it failed (None: the scheduler)
    first_at: Mapped[dt.datetime]
    last_at: Mapped[dt.datetime]
    count: Mapped[int] = mapped_column(Integer)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100))


class LoginFailure(Base):
    """One failed sign-in, counted per account and per network address to refuse password guessing; kept in the
    database so that every runner process sharing it counts the same failures."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))       # account | address
    key: Mapped[str] = mapped_column(String(200))        # the account name as typed, or the client's address
    at: Mapped[dt.datetime] = mapped_column(index=True)

    __table_args__ = (Index("ix_login_failure_key", "scope", "key", "at"),)


class ApiToken(Base):
    """A script's credential: a random token shown once to its owner; only its SHA-256 is kept, so a copy of the
    database signs nobody in. A token has 256 random bits, which is why a fast hash suffices (a password needs a
    slow one because people choose guessable ones)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("user_account.name", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class Attachment(Base):
    """An evidence file added to a task (证据材料): its bytes live under WENZE_HOME/attachments by SHA-256 (the
    same file added twice is stored once); this row says whose, which case and task, and how it was named."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime]


class Delegation(Base):
    """委托: while away, a person lets a colleague act for them — the deputy works the tasks of the person's lanes
    from `starts_at` to `ends_at` (both Beijing days whole), and the timeline names both."""

    __tablename__ = "delegation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal: Mapped[str] = mapped_column(ForeignKey("user_account.name", ondelete="CASCADE"))
    deputy: Mapped[str] = mapped_column(ForeignKey("user_account.name", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
