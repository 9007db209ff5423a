"""API tokens: how scripts sign in (README "Security").

HTTP Basic makes the runner check a password hash on every request (a deliberately slow hash: tens of
milliseconds each); a token is checked with one indexed lookup of its SHA-256. A token is created by its owner
(or an administrator), shown once, listed by label and creation time, and revoked at any time; a revoked token
signs nobody in from the next request on, in every runner process. Tokens do not end with a sign-out or a
password change (a script keeps running while its owner signs out of the browser): revoke them explicitly.
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from ..errors import InvalidData, NotFound
from ..store.models import ApiToken
from . import clock, users

PREFIX = "wz_"          # lets secret scanners and people recognise a Wenze token
_LABEL_LENGTH = 100     # ApiToken.label


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(session: Session, owner: str, label: object) -> dict[str, Any]:
    """A new token for `owner`; the returned `token` is the only time its text exists outside the caller."""
    label = label.strip() if isinstance(label, str) else ""
    if not label or len(label) > _LABEL_LENGTH:
        raise InvalidData(f"令牌须有 1 至 {_LABEL_LENGTH} 个字的名称（用途）", field="label")
    users.get(session.connection(), owner)          # NotFound for an unknown account
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_name=owner, label=label, token_hash=_digest(token), created_at=clock.now())
    session.add(row)
    session.flush()
    return {**_view(row), "token": token}


def listed(session: Session, owner: str) -> list[dict[str, Any]]:
    """The owner's tokens, newest first, without their text (which is not kept)."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_name == owner)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [_view(row) for row in rows]


def revoke(session: Session, by: str, token_id: int) -> dict[str, Any]:
    """Revoke a token, as its owner or an administrator (revoking a revoked one changes nothing). Someone else's
    token is answered as unknown: its existence is not theirs to learn."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_name != by and users.ADMIN not in users.get(session.connection(), by).roles):
        raise NotFound(f"没有编号为 {token_id} 的令牌", token=token_id)
    if row.revoked_at is None:
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=clock.now()))
        session.refresh(row)
    return _view(row)


def owner(conn: Connection, token: str) -> str | None:
    """Whose live token `token` is, or None (unknown, revoked, or not a Wenze token at all)."""
    if not token.startswith(PREFIX):
        return None
    name: str | None = conn.scalar(select(ApiToken.user_name).where(ApiToken.token_hash == _digest(token),
                                                                     ApiToken.revoked_at.is_(None)))
    return name


def _view(row: ApiToken) -> dict[str, Any]:
    return {"id": row.id, "user": row.user_name, "label": row.label, "created_at": row.created_at.isoformat(),
            "revoked_at": row.revoked_at and row.revoked_at.isoformat()}
