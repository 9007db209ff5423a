"""Staff accounts and their roles. A role is a lane name (the body a person works for) or "admin"."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Forbidden, NotFound
from ..store.models import User

ADMIN = "admin"
DEMO_PASSWORD = "wenze"

# Demo staff for `scripts/run`: one person per body of the shipped procedures, plus an administrator.
DEMO_USERS = [
    ("admin", "系统管理员", [ADMIN]),
    ("zonghe", "综合股 王敏", ["综合股/办公室"]),
    ("dangzu", "局党组 李强", ["局党组"]),
    ("diaocha", "调查组 赵磊", ["调查组"]),
    ("beidiaocha", "被调查人 陈晨", ["被调查人"]),
    ("xiangguan", "相关部门 周洁", ["相关部门"]),
    ("jiancha", "监察部门 孙涛", ["上级组织人事部门/监察部门"]),
]


def get(session: Session, name: str) -> User:
    user = session.get(User, name)
    if user is None:
        raise NotFound(f"unknown user '{name}'", user=name)
    return user


def require_lane(user: User, lane: str | None, what: str) -> None:
    """Only a member of the lane's body (or an administrator) may act on a task of that lane."""
    if lane is None or ADMIN in user.roles or lane in user.roles:
        return
    raise Forbidden(f"user '{user.name}' does not hold the role '{lane}' required for {what}",
                    user=user.name, role=lane)


def upsert(session: Session, name: str, display_name: str, roles: list[str], password: str) -> User:
    return _upsert_hashed(session, name, display_name, roles, generate_password_hash(password))


def _upsert_hashed(session: Session, name: str, display_name: str, roles: list[str], password_hash: str) -> User:
    user = session.get(User, name)
    if user is None:
        user = User(name=name, display_name=display_name, roles=list(roles), password_hash=password_hash)
        session.add(user)
    user.display_name, user.roles, user.password_hash = display_name, list(roles), password_hash
    return user


@lru_cache(maxsize=1)
def _demo_hash() -> str:
    return generate_password_hash(DEMO_PASSWORD)


def seed_demo(session: Session) -> None:
    """Create or refresh the demo accounts (password DEMO_PASSWORD; hashed once per process)."""
    for name, display_name, roles in DEMO_USERS:
        _upsert_hashed(session, name, display_name, roles, _demo_hash())


def authenticate(session: Session, name: str, password: str) -> User:
    user = session.get(User, name)
    if user is None or not check_password_hash(user.password_hash, password):
        raise Forbidden("unknown user or wrong password", user=name)
    return user
