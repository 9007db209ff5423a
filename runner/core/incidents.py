"""Incidents: a case that could not be loaded, advanced or fired, recorded for administrators.

A failed step is rolled back; its failure is then written in a transaction of its own: an `error` event on the
case timeline (who was acting, which element, what failed) and an open incident, one per case, element and kind
(a failure that repeats counts up). A timer whose firing failed leaves the sweep (state "incident") so it neither
fails again every round nor holds up the other cases' deadlines; resolving the incident re-arms it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, update

from . import clock, users
from ..errors import NotFound, WenzeError
from .timeline import Timeline
from ..store.db import Database
from ..store.models import Case, Incident, Timer

KINDS = ("script", "load", "engine")    # diagram code failed or ran away; state unreadable; the engine failed


def record(db: Database, case_id: int, kind: str, error: WenzeError | str, actor: str | None,
           timer_id: int | None = None) -> None:
    """Put a failure on the case's timeline and open (or count up) its incident; park the timer that failed."""
    message = error if isinstance(error, str) else error.message
    element = None if isinstance(error, str) else error.details.get("element")
    element_id = element if isinstance(element, str) else None
    with db.connect_write() as conn:
        if conn.scalar(select(Case.id).where(Case.id == case_id)) is None:
            return                            # the case itself was rolled back (a start that failed)
        now = clock.now()
        timeline = Timeline(now)
        timeline.add("error", element_id, actor=actor, message=message, incident=kind)
        timeline.write(conn, case_id)
        _open(conn, case_id, kind, element_id, message, actor, now)
        if timer_id is not None:
            conn.execute(update(Timer).where(Timer.id == timer_id, Timer.state == "armed")
                         .values(state="incident", lease_owner=None, lease_until=None))
        conn.commit()


def _open(conn: Connection, case_id: int, kind: str, element_id: str | None, message: str, actor: str | None,
          now: dt.datetime) -> None:
    same = (Incident.case_id == case_id, Incident.kind == kind, Incident.resolved_at.is_(None),
            Incident.element_id.is_(None) if element_id is None else Incident.element_id == element_id)
    counted = conn.execute(update(Incident).where(*same).values(count=Incident.count + 1, last_at=now,
                                                                message=message, actor=actor))
    if counted.rowcount == 0:
        conn.execute(Incident.__table__.insert().values(
            case_id=case_id, kind=kind, element_id=element_id, message=message, actor=actor, first_at=now,
            last_at=now, count=1))


def listed(db: Database, *, open_only: bool = True, case_id: int | None = None) -> list[dict[str, Any]]:
    """Incidents, newest first (open ones only unless asked)."""
    query = select(Incident, Case.process_id).join(Case).order_by(Incident.last_at.desc(), Incident.id.desc())
    if open_only:
        query = query.where(Incident.resolved_at.is_(None))
    if case_id is not None:
        query = query.where(Incident.case_id == case_id)
    with db.read() as session:
        return [view(incident, process_id) for incident, process_id in session.execute(query)]


def for_administrator(db: Database, user_name: str, *, open_only: bool = True) -> list[dict[str, Any]]:
    """The incident list as an administrator reads it (anyone else: Forbidden)."""
    with db.read() as session:
        users.require_admin(users.get(session.connection(), user_name), "查看故障")
    return listed(db, open_only=open_only)


def view(incident: Incident, process_id: str) -> dict[str, Any]:
    return {"id": incident.id, "case": incident.case_id, "process": process_id, "kind": incident.kind,
            "element": incident.element_id, "message": incident.message, "actor": incident.actor,
            "first_at": incident.first_at.isoformat(), "last_at": incident.last_at.isoformat(),
            "count": incident.count, "resolved_at": incident.resolved_at and incident.resolved_at.isoformat(),
            "resolved_by": incident.resolved_by}


def resolve(db: Database, incident_id: int, user_name: str) -> dict[str, Any]:
    """Close an incident (an administrator fixed its cause) and re-arm the timers its case parked, to fire again."""
    with db.write() as session:
        users.require_admin(users.get(session.connection(), user_name), "关闭故障")
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"unknown incident {incident_id}", incident=incident_id)
        if incident.resolved_at is None:
            incident.resolved_at, incident.resolved_by = clock.now(), user_name
            session.execute(update(Timer).where(Timer.case_id == incident.case_id, Timer.state == "incident")
                            .values(state="armed"))
            timeline = Timeline(clock.now())
            timeline.add("incident_resolved", incident.element_id, actor=user_name, incident=incident.id)
            timeline.write(session.connection(), incident.case_id)
        session.commit()
        process_id = session.scalar(select(Case.process_id).where(Case.id == incident.case_id)) or ""
        return view(incident, process_id)
