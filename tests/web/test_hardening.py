"""Issue 10 through HTTP, on SQLite and PostgreSQL: data in is data declared, a broken case or a runaway script
becomes an incident without touching other cases, and a deadline is extended only by the body the diagram names."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update

from runner.core import live
from runner.store.models import Case
from tests.web.conftest import Site


def _post(site: Site, user: str, path: str, body: Any) -> tuple[int, Any]:
    client, token = site.signed_in(user)
    answer = client.post(path, json=body, headers={"X-CSRFToken": token})
    return answer.status_code, answer.json


def test_start_data_must_be_declared_by_the_start_form(site: Site) -> None:
    for data, path in [({"x": {"typename": "nope"}}, "x/typename"), ({"deadline": "x"}, "deadline"),
                       ({"tags": ["ok"], "reporter": "张某"}, "reporter")]:
        status, body = _post(site, "zonghe", "/api/cases", {"process": "mini", "data": data})
        assert status == 422 and path in [e["path"] for e in body["errors"]], body
    status, body = _post(site, "zonghe", "/api/cases", {"process": "mini", "data": {"tags": ["甲"]}})
    assert status == 201


def test_a_form_may_write_only_its_own_fields(site: Site) -> None:
    status, body = _post(site, "dangzu", f"/api/tasks/{site.task}/complete",
                         {"data": {"outcome": "立案", "who": "冒名"}})
    assert status == 422 and body["errors"] == [{"path": "who", "message": "「who」不是本表单的字段"}]


def test_a_failing_script_answers_a_clear_error_and_an_administrator_sees_the_incident(site: Site) -> None:
    # mini's summarise script divides by zero for BOOM (runaways end the same way: tests/core/test_incidents.py).
    status, body = _post(site, "dangzu", f"/api/tasks/{site.task}/complete", {"data": {"outcome": "BOOM"}})
    assert status == 422 and body["error"] == "script_error" and body["element"] == "summarise"
    client, _token = site.signed_in("zonghe")
    assert client.get("/api/incidents").status_code == 403           # administrators only
    admin, token = site.signed_in("admin")
    listed = admin.get("/api/incidents").json
    assert [(i["case"], i["kind"], i["element"]) for i in listed] == [
        (site.case, "script", "summarise"), (site.case, "script", None)]
    resolved = admin.post(f"/api/incidents/{listed[0]['id']}/resolve", headers={"X-CSRFToken": token})
    assert resolved.status_code == 200 and resolved.json["resolved_by"] == "admin"


def test_a_broken_case_answers_409_and_still_shows_while_others_go_on(site: Site) -> None:
    status, other = _post(site, "zonghe", "/api/cases", {"process": "mini", "data": {}})
    with site.db.write() as session:
        session.execute(update(Case).where(Case.id == site.case).values(state="{}"))
        session.commit()
    live.LIVE.clear()
    status, body = _post(site, "dangzu", f"/api/tasks/{site.task}/complete", {"data": {"outcome": "立案"}})
    assert status == 409 and body["error"] == "case_broken"
    client, _token = site.signed_in("admin")
    shown = client.get(f"/api/cases/{site.case}").json
    assert shown["data"] is None and "load" in [i["kind"] for i in shown["incidents"]]
    task = other["ready_tasks"][0]["id"]
    status, _body = _post(site, "zonghe", f"/api/tasks/{task}/complete",
                          {"data": {"who": "王敏", "received_on": "2026-09-29", "tags": []}})
    assert status == 200


def test_only_the_named_supervisor_extends_a_soft_deadline_within_its_cap(site: Site) -> None:
    path = f"/api/cases/{site.case}/deadlines/decide_due/extend"
    assert _post(site, "dangzu", path, {"by": 2, "reason": "自己延长"})[0] == 403    # the lane it binds
    assert _post(site, "zonghe", path, {"by": 11, "reason": "超过上限"})[0] == 422    # the cap is 10 days
    status, body = _post(site, "zonghe", path, {"by": 4, "reason": "补充材料"})
    assert status == 200 and body["reason"] == "补充材料"
    assert _post(site, "zonghe", path, {"by": 7, "reason": "再延"})[0] == 422         # 4 + 7 > 10
