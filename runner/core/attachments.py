"""Evidence files (证据材料) added to a task: what is accepted, who may add and read them (README "Staff
workbench").

Only the kinds of file an office files as evidence are accepted, recognised by their content, never by the name
or the type the browser claims: PDF, JPEG, PNG, Word and Excel (old and new formats) and OFD (the national
e-document format, a ZIP package named .ofd). Whoever may work the task (its lane, and its claimer once claimed)
adds files while it is ready; whoever may read the case whole lists and downloads them. Each addition is a
timeline event.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import puremagic
from sqlalchemy import insert, select

from ..errors import Conflict, InvalidData, NotFound, TooLarge
from ..store import files
from ..store.db import Database
from ..store.models import Attachment, Case, Task
from . import clock, users, versions, visibility
from .timeline import Timeline

ACCEPTED = {
    "application/pdf": "PDF", "image/jpeg": "JPEG 图片", "image/png": "PNG 图片",
    "application/msword": "Word 文档", "application/vnd.ms-excel": "Excel 表格",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
}
OFD = "application/ofd"
_NAME_LENGTH = 200


def _media_type(content: bytes, file_name: str) -> str:
    try:
        found = str(puremagic.from_string(content, mime=True))
    except puremagic.PureError:
        found = ""
    if found in ACCEPTED:
        return found
    if found == "application/zip" and file_name.lower().endswith(".ofd"):
        return OFD
    kinds = "、".join(dict.fromkeys([*ACCEPTED.values(), "OFD"]))
    raise InvalidData(f"不接受该类型的文件「{file_name}」：只接受 {kinds}", field="file")


def _clean_name(name: str) -> str:
    """The file's own name, without a client's folders or control characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    if not base or base in (".", ".."):
        raise InvalidData("文件须有名称", field="file")
    return base[-_NAME_LENGTH:]


def add(db: Database, home: Path, limit: int, task_id: str, user_name: str, file_name: str,
        content: bytes) -> dict[str, Any]:
    """Add a file to a ready task the user may work; refused (changing nothing) if it is empty, too large or of a
    kind not accepted."""
    name = _clean_name(file_name)
    if not content:
        raise InvalidData(f"文件「{name}」是空的", field="file")
    if len(content) > limit:
        raise TooLarge(f"文件「{name}」过大：最多 {limit} 字节", limit=limit)
    media_type = _media_type(content, name)
    with db.connect_write() as conn:
        task = conn.execute(select(Task.case_id, Task.element_id, Task.name, Task.lane, Task.state, Task.claimed_by)
                            .where(Task.id == task_id).with_for_update()).first()
        if task is None:
            raise NotFound(f"unknown task '{task_id}'", task=task_id)
        user = users.get(conn, user_name)
        users.require_lane(user, task.lane, f"任务「{task.name}」")
        if task.state != "ready":
            raise Conflict(f"任务「{task.name}」已不在待办中，不能再添加材料", task=task_id)
        if task.claimed_by not in (None, user.name) and users.ADMIN not in user.roles:
            raise Conflict(f"任务「{task.name}」已由 {task.claimed_by} 认领", task=task_id)
        sha256 = files.store(home, content)
        now = clock.now()
        attachment_id = conn.execute(insert(Attachment).returning(Attachment.id).values(
            case_id=task.case_id, task_id=task_id, file_name=name, media_type=media_type, size=len(content),
            sha256=sha256, added_by=user.name, added_at=now)).scalar_one()
        timeline = Timeline(now)
        timeline.add("attachment_added", task.element_id, task_id, user.name, attachment=attachment_id,
                     file_name=name, size=len(content), sha256=sha256)
        timeline.write(conn, task.case_id)
        conn.commit()
    return {"id": attachment_id, "case": task.case_id, "task": task_id, "file_name": name,
            "media_type": media_type, "size": len(content), "sha256": sha256, "added_by": user.name,
            "added_at": now.isoformat()}


def _view(row: Attachment) -> dict[str, Any]:
    return {"id": row.id, "case": row.case_id, "task": row.task_id, "file_name": row.file_name,
            "media_type": row.media_type, "size": row.size, "sha256": row.sha256, "added_by": row.added_by,
            "added_at": row.added_at.isoformat()}


def _readable_case(session: Any, case_id: int, viewer: str) -> None:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"unknown case {case_id}", case=case_id)
    version = versions.load(session.connection(), case.process_version_id)
    visibility.require_whole(users.get(session.connection(), viewer), version, case_id)


def listed(db: Database, case_id: int, viewer: str) -> list[dict[str, Any]]:
    with db.read() as session:
        _readable_case(session, case_id, viewer)
        rows = session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id))
        return [_view(row) for row in rows]


def opened(db: Database, home: Path, attachment_id: int, viewer: str) -> tuple[dict[str, Any], Path]:
    """An attachment the viewer may read, and where its bytes are."""
    with db.read() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(f"没有编号为 {attachment_id} 的材料", attachment=attachment_id)
        _readable_case(session, row.case_id, viewer)
        return _view(row), files.path(home, row.sha256)


