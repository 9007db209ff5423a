"""Staff accounts and their roles. A role is a lane name (the body a person works for) or "admin"."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Forbidden, NotFound
from ..store.models import User

ADMIN = "admin"
DEMO_PASSWORD = "wenze"


class DemoAccount(NamedTuple):
    """A demo staff account: one per body (lane) of the deployed regulation registry, plus the administrator."""

    name: str
    display_name: str
    roles: list[str]


ADMIN_ACCOUNT = DemoAccount(ADMIN, "系统管理员", [ADMIN])


class Principal(NamedTuple):
    """Who acts in a use case: the name the timeline records and the roles checked against lanes."""

    name: str
    roles: list[Any]


# A user's roles as a column of another query (null for an unknown user), with the name bound as "user".
ROLES = select(User.roles).where(User.name == bindparam("user")).scalar_subquery().label("roles")
_GET = select(ROLES)
_SESSION_VERSION = select(User.session_version).where(User.name == bindparam("user"))


def principal(name: str, roles: list[Any] | None) -> Principal:
    if roles is None:
        raise NotFound(f"unknown user '{name}'", user=name)
    return Principal(name, roles)


def get(conn: Connection, name: str) -> Principal:
    return principal(name, conn.execute(_GET, {"user": name}).scalar())


def require_admin(user: Principal | User, what: str) -> None:
    if ADMIN not in user.roles:
        raise Forbidden(f"只有管理员可以{what}；{user.name} 不是管理员", user=user.name, role=ADMIN)


def require_lane(user: Principal | User, lane: str | None, what: str) -> None:
    """Only a member of the lane's body (or an administrator) may act on a task of that lane."""
    require_any_lane(user, (lane,), what)


def require_any_lane(user: Principal | User, lanes: tuple[str | None, ...], what: str) -> None:
    named = [lane for lane in lanes if lane is not None]
    if len(named) < len(lanes) or ADMIN in user.roles or set(named) & set(user.roles):
        return       # a task outside any lane may be worked by anyone signed in
    raise Forbidden(f"{user.name} 不属于「{'、'.join(named)}」，不能办理{what}", user=user.name, role="、".join(named))


def upsert(session: Session, name: str, display_name: str, roles: list[str], password: str) -> User:
    return _upsert_hashed(session, name, display_name, roles, generate_password_hash(password))


def _upsert_hashed(session: Session, name: str, display_name: str, roles: list[str], password_hash: str) -> User:
    """Create the account, or update it and set its password: every path that sets a password comes here, and
    setting one ends the account's sessions (whoever held the old password may hold a session too)."""
    user = session.get(User, name)
    if user is None:
        user = User(name=name, display_name=display_name, roles=list(roles), password_hash=password_hash,
                    session_version=0)
        session.add(user)
    else:
        user.session_version += 1
    user.display_name, user.roles, user.password_hash = display_name, list(roles), password_hash
    return user


@lru_cache(maxsize=1)
def _demo_hash() -> str:
    return generate_password_hash(DEMO_PASSWORD)


def seed_demo(session: Session, accounts: Iterable[DemoAccount]) -> list[DemoAccount]:
    """Create or refresh the administrator and `accounts` (regulations.demo_accounts of the deployed registry),
    all with the password DEMO_PASSWORD (hashed once per process); returns the accounts written."""
    written = [ADMIN_ACCOUNT, *accounts]
    for name, display_name, roles in written:
        _upsert_hashed(session, name, display_name, roles, _demo_hash())
    return written


@lru_cache(maxsize=1)
def _absent_hash() -> str:
    """A hash no password matches, made like the real ones: an unknown name costs the same check as a wrong
    password, so the answer's timing does not tell which accounts exist."""
    return generate_password_hash(secrets.token_hex(32))


def authenticate(session: Session, name: str, password: str) -> User:
    user = session.get(User, name)
    known = check_password_hash(user.password_hash if user else _absent_hash(), password)
    if user is None or not known:
        raise Forbidden("用户名或密码错误", user=name)
    return user


def session_version(conn: Connection | Session, name: str) -> int | None:
    """The account's current session version; None if there is no such account (any more)."""
    version: int | None = conn.execute(_SESSION_VERSION, {"user": name}).scalar()
    return version


def end_sessions(session: Session, name: str) -> None:
    """Invalidate every session issued to the account so far (signing out: a copied cookie stops working)."""
    session.execute(update(User).where(User.name == name).values(session_version=User.session_version + 1))
