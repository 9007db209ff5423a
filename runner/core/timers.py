"""Claim and fire due timers so that each fires exactly once, whichever runner process gets there first.

A sweep reads only the due rows of the timer table (index on state, due_at): its cost follows the number of due
timers, never the number of waiting cases. Claiming sets a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so
processes never wait on each other; SQLite: the write lock serializes claims). Firing then locks the one case,
re-checks the row inside that lock and commits state, events and the next timers together.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from sqlalchemy import and_, case as sql_case, func, or_, select, update

from . import clock
from ..errors import CaseBroken, ScriptError
from .step import case_step
from ..store.db import Database
from ..store.models import Timer

log = logging.getLogger("wenze.timers")

LEASE = dt.timedelta(seconds=60)
BATCH = 100


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claimable(now: dt.datetime) -> Any:
    # Strictly before now, as the engine compares: a timer due exactly now fires on the next wake.
    return and_(Timer.state == "armed", Timer.due_at < now,
                or_(Timer.lease_until.is_(None), Timer.lease_until < now))


def claim(db: Database, owner: str, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` due timers to `owner`; returns their ids (earliest due first)."""
    now = clock.now()
    with db.write() as session:
        due = select(Timer.id).where(_claimable(now)).order_by(Timer.due_at).limit(limit)
        if not db.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if ids:
            session.execute(update(Timer).where(Timer.id.in_(ids))
                            .values(lease_owner=owner, lease_until=now + LEASE))
        session.commit()
    return ids


def fire(db: Database, timer_id: int, owner: str) -> bool:
    """Fire one claimed timer; False if it was no longer ours to fire (fired, cancelled, or lease lost) or the case
    failed (an incident: on the case's timeline and the administrators' list; the timer leaves the sweep)."""
    try:
        with case_step(db, timer_id=timer_id) as step:
            case_id = step.conn.scalar(select(Timer.case_id).where(Timer.id == timer_id))
            if case_id is None:
                return False
            step.lock(case_id)
            # Read under the case lock: a step that fired or cancelled this timer has committed by now.
            timer = step.conn.execute(select(Timer.task_id, Timer.state, Timer.lease_owner)
                                      .where(Timer.id == timer_id)).one()
            if timer.state != "armed" or timer.lease_owner != owner:
                return False
            step.load()
            step.advance()
            mirror = step.write()
            if timer.task_id in mirror.armed:     # not yet due by the engine's strict comparison: try again later
                step.conn.execute(update(Timer).where(Timer.id == timer_id).values(lease_owner=None, lease_until=None))
            step.commit()
            return timer.task_id in step.fired
    except (ScriptError, CaseBroken):
        return False


def fire_due(db: Database, owner: str | None = None) -> int:
    """Fire every timer due by the clock; returns how many fired here."""
    owner = owner or owner_name()
    fired, seen = 0, set[int]()
    while (ids := claim(db, owner)) and not seen.issuperset(ids):
        seen.update(ids)
        for timer_id in ids:
            try:
                fired += fire(db, timer_id, owner)
            except Exception:       # never let one timer stop the others; its lease lets the next sweep retry
                log.exception("firing timer %s failed", timer_id)
    return fired


def next_due(db: Database) -> dt.datetime | None:
    """When the next sweep can fire something: the earliest due time, or lease expiry for leased timers."""
    ready_at = sql_case((Timer.lease_until > Timer.due_at, Timer.lease_until), else_=Timer.due_at)
    with db.read() as session:
        due: dt.datetime | None = session.scalar(select(func.min(ready_at)).where(Timer.state == "armed"))
        return due
