"""Evidence files: added to a ready task by whoever may work it, recognised by content (not by name or claimed
type), stored once by hash under WENZE_HOME, listed on the case and downloadable only by those who may read it."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.web.conftest import PDF, Site, basic, make_site
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def files_site(db, clock, tmp_path: Path) -> Site:
    return make_site(db, tmp_path, attachment_max_bytes=4096)


def _upload(site: Site, user: str, name: str, content: bytes, kind: str = "application/pdf"):
    return site.client().post(f"/api/tasks/{site.task}/attachments", headers=basic(user, "wenze"),
                              data={"file": (io.BytesIO(content), name, kind)}, content_type="multipart/form-data")


def test_a_file_is_kept_once_listed_on_the_case_and_downloaded_by_who_may_read_it(files_site: Site,
                                                                                 tmp_path: Path) -> None:
    added = _upload(files_site, "dangzu", "../../询问笔录.pdf", PDF)          # the same bytes as the site's own
    assert added.status_code == 201, added.json
    assert (added.json["file_name"], added.json["media_type"]) == ("询问笔录.pdf", "application/pdf")
    digest = hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "home" / "attachments" / digest[:2] / digest).read_bytes() == PDF
    assert _upload(files_site, "dangzu", "副本.pdf", PDF).status_code == 201        # same bytes: one file
    assert len(list((tmp_path / "home" / "attachments").rglob("*"))) == 2          # the folder and the file
    listed = files_site.client().get(f"/api/cases/{files_site.case}/attachments", headers=basic("zonghe", "wenze"))
    assert [a["file_name"] for a in listed.json] == ["询问笔录.pdf", "询问笔录.pdf", "副本.pdf"]  # the site's own first
    download = files_site.client().get(f"/api/attachments/{added.json['id']}", headers=basic("zonghe", "wenze"))
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    events = files_site.client().get(f"/api/cases/{files_site.case}", headers=basic("admin", "wenze")).json["events"]
    assert [(e["actor"], e["file_name"]) for e in events if e["kind"] == "attachment_added"] == \
        [("dangzu", "询问笔录.pdf"), ("dangzu", "询问笔录.pdf"), ("dangzu", "副本.pdf")]


def test_what_is_refused_changes_nothing(files_site: Site, tmp_path: Path) -> None:
    cases = [("dangzu", "说明.pdf", b"just text, named .pdf", 422, "不接受该类型的文件「说明.pdf」"),
             ("dangzu", "空.pdf", b"", 422, "文件「空.pdf」是空的"),
             ("dangzu", "大.png", PNG + b"\x00" * 5000, 413, "过大"),
             ("zonghe", "越权.pdf", PDF, 403, "局党组"),
             ("dangzu", "脚本.html", b"<html><script>alert(1)</script></html>", 422, "只接受 PDF")]
    for user, name, content, status, says in cases:
        answer = _upload(files_site, user, name, content)
        assert answer.status_code == status and says in answer.json["message"], (name, answer.json)
    stored = [p for p in (tmp_path / "home" / "attachments").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [PDF]                  # only the site's own 询问笔录
    assert len(files_site.client().get(f"/api/cases/{files_site.case}/attachments",
                                       headers=basic("admin", "wenze")).json) == 1
    missing = files_site.client().post(f"/api/tasks/{files_site.task}/attachments", headers=basic("dangzu", "wenze"),
                                       data={"note": "x"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file 字段" in missing.json["message"]
