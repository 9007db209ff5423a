"""委托 (delegation): a person away from the office lets a colleague act for them for a period.

The deputy then works the tasks of the person's lanes (the 待办 list shows them, completing one is allowed), and
the timeline records both names (`on_behalf_of`). A delegation is made by the person or an administrator, for whole
Beijing days (from the start of the first to the end of the last), with a reason, and can be revoked; it lends the
lanes only, never the administrator role.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from ..errors import InvalidData, NotFound
from ..store.models import Delegation, User
from . import clock, users
from .calendar import SHANGHAI

_REASON_LENGTH = 200
MAX_DAYS = 366


def _day(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _bad(field)
    except ValueError:
        return _bad(field)


def _bad(field: str) -> dt.date:
    raise InvalidData(f"{field} 须为日期（年-月-日，如 2026-10-09）", field=field)


def create(session: Session, principal: str, deputy: str, first_day: Any, last_day: Any, reason: Any,
           by: str) -> dict[str, Any]:
    """The person (or an administrator for them) lets `deputy` act for them from `first_day` to `last_day`."""
    conn = session.connection()
    actor = users.get(conn, by)
    if by != principal:
        users.require_admin(actor, "为他人设置委托")
    users.get(conn, principal)
    users.get(conn, deputy)
    if deputy == principal:
        raise InvalidData("不能委托给本人", field="deputy")
    start, end = _day(first_day, "from"), _day(last_day, "until")
    if end < start or (end - start).days >= MAX_DAYS:
        raise InvalidData(f"委托期限须从开始日到结束日，最长 {MAX_DAYS} 日", field="until")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > _REASON_LENGTH:
        raise InvalidData(f"委托须说明理由（1 至 {_REASON_LENGTH} 个字）", field="reason")
    row = Delegation(principal=principal, deputy=deputy, reason=reason.strip(), created_by=by,
                     created_at=clock.now(),
                     starts_at=dt.datetime.combine(start, dt.time(0), tzinfo=SHANGHAI),
                     ends_at=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI))
    session.add(row)
    session.flush()
    return _view(row)


def listed(session: Session, user: str) -> list[dict[str, Any]]:
    """The delegations the user made or received, newest first."""
    rows = session.scalars(select(Delegation).where((Delegation.principal == user) | (Delegation.deputy == user))
                           .order_by(Delegation.id.desc()))
    return [_view(row) for row in rows]


def revoke(session: Session, delegation_id: int, by: str) -> dict[str, Any]:
    row = session.get(Delegation, delegation_id)
    if row is None or (by != row.principal and users.ADMIN not in users.get(session.connection(), by).roles):
        raise NotFound(f"没有编号为 {delegation_id} 的委托", delegation=delegation_id)
    if row.revoked_at is None:
        session.execute(update(Delegation).where(Delegation.id == delegation_id).values(revoked_at=clock.now()))
        session.refresh(row)
    return _view(row)


def lent_lanes(conn: Connection, deputy: str) -> dict[str, str]:
    """{lane: the person the deputy acts for} for every delegation to `deputy` in force now (the administrator
    role is never lent)."""
    now = clock.now()
    lent: dict[str, str] = {}
    for principal, roles in conn.execute(
            select(Delegation.principal, User.roles).join(User, User.name == Delegation.principal)
            .where(Delegation.deputy == deputy, Delegation.revoked_at.is_(None), Delegation.starts_at <= now,
                   Delegation.ends_at > now).order_by(Delegation.id)):
        for lane in roles:
            if lane != users.ADMIN:
                lent.setdefault(lane, principal)
    return lent


def _view(row: Delegation) -> dict[str, Any]:
    return {"id": row.id, "principal": row.principal, "deputy": row.deputy,
            "from": row.starts_at.astimezone(SHANGHAI).date().isoformat(),
            "until": (row.ends_at.astimezone(SHANGHAI).date() - dt.timedelta(days=1)).isoformat(),
            "reason": row.reason, "created_by": row.created_by, "revoked_at": row.revoked_at and
            row.revoked_at.isoformat()}
