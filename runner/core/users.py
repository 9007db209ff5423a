"""Staff accounts and their roles. A role is a lane name (the body a person works for) or "admin"."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import Forbidden, NotFound
from ..store.models import User

ADMIN = "admin"
DEMO_PASSWORD = "wenze"

# Demo staff for `scripts/run`: one person per body (lane) of the shipped procedures, plus an administrator.
DEMO_USERS = [
    ("admin", "系统管理员", [ADMIN]),
    # 文水 (民政局)
    ("zonghe", "综合股 王敏", ["综合股/办公室"]),
    ("dangzu", "局党组 李强", ["局党组"]),
    ("diaocha", "调查组 赵磊", ["调查组"]),
    ("beidiaocha", "被调查人 陈晨", ["被调查人"]),
    ("xiangguan", "相关部门 周洁", ["相关部门"]),
    ("jiancha", "监察部门 孙涛", ["上级组织人事部门/监察部门"]),
    # 盐池 (医疗保障局)
    ("fazhi", "法制审核机构 马丽", ["局重大执法决定法制审核机构"]),
    ("jubangong", "局办公室 杨帆", ["局办公室"]),
    ("dangzuhui", "局党组会议 秘书 何静", ["局党组会议"]),
    ("renshi", "机关党委、人事办公室 吴刚", ["局机关党委、人事办公室"]),
    ("sifa", "市政府司法机构 郑伟", ["市政府司法机构"]),
    ("keshi", "被追究人员所在单位 刘洋", ["被追究人员所在单位和科室"]),
    # 明山
    ("lingdaoban", "领导小组办公室 黄磊", ["领导小组办公室"]),
    ("lingdao", "领导小组 林峰", ["执法过错责任追究领导小组"]),
    # 赤峰 (应急管理局) and its interference register
    ("jijian", "派驻纪检监察组 高原", ["派驻纪检监察组"]),
    ("banan", "办案人员 罗斌", ["办案人员"]),
    ("zhuyao", "主要领导 宋健", ["主要领导"]),
    # 金寨 (县人民政府)
    ("xingzheng", "相关行政机关 邓超", ["相关行政机关"]),
    ("fazhiban", "县政府法制办 许晴", ["县政府法制办"]),
    ("lianxiban", "联席会议办公室 曹阳", ["联席会议办公室"]),
    ("chengyuan", "成员单位 彭丽", ["成员单位"]),
    ("lianxi", "联席会议 召集人 曾毅", ["联席会议"]),
    ("jianchaju", "县监察局 蒋华", ["县监察局"]),
    ("jcdiaocha", "县监察局调查组 沈涛", ["县监察局调查组"]),
    ("wenzejiguan", "问责机关 魏东", ["问责机关"]),
    # 复核/申诉 (shared call activity)
    ("zhuban", "问责案件主办机构 田甜", ["问责案件主办机构"]),
    ("fuhe", "复核机关 韩冰", ["复核机关"]),
    ("shensu", "申诉受理机关 冯雪", ["申诉受理机关"]),
]


class Principal(NamedTuple):
    """Who acts in a use case: the name the timeline records and the roles checked against lanes."""

    name: str
    roles: list[Any]


# A user's roles as a column of another query (null for an unknown user), with the name bound as "user".
ROLES = select(User.roles).where(User.name == bindparam("user")).scalar_subquery().label("roles")
_GET = select(ROLES)


def principal(name: str, roles: list[Any] | None) -> Principal:
    if roles is None:
        raise NotFound(f"unknown user '{name}'", user=name)
    return Principal(name, roles)


def get(conn: Connection, name: str) -> Principal:
    return principal(name, conn.execute(_GET, {"user": name}).scalar())


def require_lane(user: Principal | User, lane: str | None, what: str) -> None:
    """Only a member of the lane's body (or an administrator) may act on a task of that lane."""
    require_any_lane(user, (lane,), what)


def require_any_lane(user: Principal | User, lanes: tuple[str | None, ...], what: str) -> None:
    if None in lanes or ADMIN in user.roles or set(lanes) & set(user.roles):
        return
    raise Forbidden(f"user '{user.name}' does not hold the role '{'、'.join(lanes)}' required for {what}",
                    user=user.name, role="、".join(lanes))


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
