"""Who may read a case, and how much of it (README "Who may see what").

- administrators: every case, whole;
- staff of the bodies that run the procedure (the non-party bodies of its regulation registry entry, deployed with
  the version as `viewers`): the whole case;
- persons named in a case (a `party` body such as 文水's 被调查人): their own tasks only — the task's own form
  fields, never the rest of the case data (the reporter's identity above all), never the case page;
- everyone else: refused (403), in the pages and in the JSON API alike.

Pure: the caller reads the user's roles and the case's version; nothing here touches the database.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from ..errors import Forbidden
from .forms import declared_fields
from .users import ADMIN, Principal
from .versions import Version


class Access(Enum):
    WHOLE = "whole"             # the case page, its data, every task
    OWN_TASKS = "own_tasks"     # the tasks of the user's own (party) lane, each with its own fields only


def access(user: Principal, version: Version, case_id: int) -> Access:
    """How much of a case of `version` the user may read; Forbidden if nothing."""
    roles = set(user.roles)
    if ADMIN in roles or roles & version.viewers:
        return Access.WHOLE
    if roles & version.parties:
        return Access.OWN_TASKS
    raise Forbidden(f"无权查看案件 {case_id}：只有承办本程序各机构的人员和管理员可以查看", case=case_id)


def require_whole(user: Principal, version: Version, case_id: int) -> None:
    if access(user, version, case_id) is not Access.WHOLE:
        raise Forbidden(f"无权查看案件 {case_id} 的全部内容：被调查人等当事人只能查看交给本人办理的任务",
                        case=case_id)


def task_data(user: Principal, version: Version, case_id: int, lane: str | None, form: str | None,
              data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a task's data `user` may read: all of it for staff; for a party, only on a task of their own
    lane, and only the fields of that task's form."""
    if access(user, version, case_id) is Access.WHOLE:
        return data
    if lane is None or lane not in user.roles:
        raise Forbidden(f"无权查看该任务：它不是交给「{'、'.join(map(str, user.roles))}」办理的", case=case_id)
    fields = declared_fields(version.forms.get(form)) if form else set()
    return None if data is None else {name: value for name, value in data.items() if name in fields}
