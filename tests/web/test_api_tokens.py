"""API tokens: how a script signs in without a slow password check on every request — created by their owner,
shown once, stored hashed, revocable, and refused by every runner process once revoked."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from sqlalchemy import select

from runner.store.models import ApiToken
from tests.conftest import ROOT
from tests.web.conftest import Site, basic


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_signs_a_script_in_and_completes_a_task_without_a_csrf_token(site: Site) -> None:
    browser, csrf = site.signed_in("dangzu")
    created = browser.post("/api/tokens", json={"label": "夜间批处理"}, headers={"X-CSRFToken": csrf})
    assert created.status_code == 201 and created.json["label"] == "夜间批处理"
    token = created.json["token"]
    script = site.client()              # no cookie: only the header names the user
    assert script.get("/api/session", headers=_bearer(token)).json["user"] == "dangzu"
    done = script.post(f"/api/tasks/{site.task}/complete", json={"data": {"outcome": "立案"}}, headers=_bearer(token))
    assert done.status_code == 200, done.json
    completed = [e for e in site.client().get(f"/api/cases/{site.case}", headers=_bearer(token)).json["events"]
                 if e["kind"] == "task_completed"]
    assert completed[-1]["actor"] == "dangzu"


def test_the_database_keeps_only_the_hash_and_the_list_never_shows_the_text(site: Site) -> None:
    token = site.client().post("/api/tokens", json={"label": "报表"}, headers=basic("zonghe", "wenze")).json["token"]
    with site.db.read() as session:
        stored = session.scalars(select(ApiToken.token_hash).where(ApiToken.label == "报表")).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    listed = site.client().get("/api/tokens", headers=_bearer(token)).json
    assert [t["label"] for t in listed] == ["报表", "测试脚本"] and token not in json.dumps(listed)


def test_a_revoked_or_unknown_token_is_refused_in_chinese(site: Site) -> None:
    token = site.client().post("/api/tokens", json={"label": "临时"}, headers=basic("zonghe", "wenze")).json
    revoked = site.client().delete(f"/api/tokens/{token['id']}", headers=_bearer(token["token"]))
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    for text in (token["token"], "wz_guessed", "not-a-wenze-token"):
        refused = site.client().get("/api/tasks", headers=_bearer(text))
        assert (refused.status_code, refused.json["message"]) == (403, "API 令牌无效或已撤销")


def test_only_an_administrator_manages_another_users_tokens(site: Site) -> None:
    mine = site.client().post("/api/tokens", json={"label": "mine"}, headers=basic("zonghe", "wenze")).json
    other = site.client()
    assert other.get("/api/tokens?user=zonghe", headers=basic("dangzu", "wenze")).status_code == 403
    assert other.delete(f"/api/tokens/{mine['id']}", headers=basic("dangzu", "wenze")).status_code == 404
    assert other.delete(f"/api/tokens/{site.token}", headers=basic("admin", "wenze")).json["revoked_at"]
    assert other.post("/api/tokens", json={"label": "x", "user": "zonghe"},
                      headers=basic("dangzu", "wenze")).status_code == 403
    by_admin = other.post("/api/tokens", json={"label": "代建", "user": "zonghe"}, headers=basic("admin", "wenze"))
    assert by_admin.status_code == 201 and by_admin.json["user"] == "zonghe"
    assert [t["label"] for t in other.get("/api/tokens?user=zonghe", headers=basic("admin", "wenze")).json] == \
        ["代建", "mine", "测试脚本"]
    assert other.get("/api/tokens?user=zonghe", headers=basic("admin", "wenze")).json[-1]["revoked_at"]


def test_a_label_is_required(site: Site) -> None:
    for label in ("", "   ", 7, "长" * 101):
        answer = site.client().post("/api/tokens", json={"label": label}, headers=basic("zonghe", "wenze"))
        assert answer.status_code == 422 and "令牌须有" in answer.json["message"]
