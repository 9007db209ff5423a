"""认领, 释放, 指派 over the JSON API: a claimed task is its claimer's to complete; the lane's supervisor (role
「主管:<lane>」) or an administrator assigns it to a member of the lane; each is on the case timeline."""
from __future__ import annotations

from runner.core import users
from tests.web.conftest import Site, basic


def _member(site: Site, name: str, *roles: str) -> dict[str, str]:
    with site.db.write() as session:
        users.upsert(session, name, name, list(roles), "wenze")
        session.commit()
    return basic(name, "wenze")


def test_a_claimed_task_is_the_claimers_and_the_supervisor_reassigns_it(site: Site) -> None:
    client = site.client()
    li, wang = basic("dangzu", "wenze"), _member(site, "dangzu2", "局党组")
    head = _member(site, "zhuguan", "主管:局党组")
    url = f"/api/tasks/{site.task}"
    assert client.post(f"{url}/claim", headers=li).json["claimed_by"] == "dangzu"
    taken = client.post(f"{url}/claim", headers=wang)
    assert taken.status_code == 409 and taken.json["message"] == "任务「决定」已由 dangzu 认领"
    done = client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=wang)
    assert done.status_code == 409 and "只有认领人可以办理" in done.json["message"]
    assert client.post(f"{url}/release", headers=wang).status_code == 403
    assert client.get(url, headers=li).json["claimed_by"] == "dangzu"

    outsider = client.post(f"{url}/assign", json={"user": "zonghe"}, headers=head)
    assert outsider.status_code == 409 and outsider.json["message"] == "zonghe 不属于「局党组」，不能承办该任务"
    assert client.post(f"{url}/assign", json={"user": "dangzu2"}, headers=li).status_code == 403
    given = client.post(f"{url}/assign", json={"user": "dangzu2", "reason": "李强出差"}, headers=head)
    assert given.status_code == 200 and given.json["claimed_by"] == "dangzu2"
    assert client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=wang).status_code == 200

    events = client.get(f"/api/cases/{site.case}", headers=basic("admin", "wenze")).json["events"]
    oa = [(e["kind"], e["actor"], e.get("to"), e.get("reason")) for e in events if e["kind"].startswith("task_")
          and e["kind"] not in ("task_ready", "task_completed")]
    assert oa == [("task_claimed", "dangzu", None, None), ("task_assigned", "zhuguan", "dangzu2", "李强出差")]
    assert [e["actor"] for e in events if e["kind"] == "task_completed"][-1] == "dangzu2"


def test_the_holder_releases_a_task_back_to_the_lane(site: Site) -> None:
    client, li = site.client(), basic("dangzu", "wenze")
    client.post(f"/api/tasks/{site.task}/claim", headers=li)
    assert client.post(f"/api/tasks/{site.task}/release", headers=li).json["claimed_by"] is None
    assert client.post(f"/api/tasks/{site.task}/claim", headers=_member(site, "dangzu3", "局党组")).status_code == 200


def test_the_holder_hands_a_task_to_a_colleague_with_a_reason(site: Site) -> None:
    client, li, wang = site.client(), basic("dangzu", "wenze"), _member(site, "dangzu2", "局党组")
    url = f"/api/tasks/{site.task}"
    client.post(f"{url}/claim", headers=li)
    assert client.post(f"{url}/transfer", json={"user": "dangzu2", "reason": " "}, headers=li).status_code == 422
    assert client.post(f"{url}/transfer", json={"user": "zonghe", "reason": "出差"}, headers=li).status_code == 409
    assert client.post(f"{url}/transfer", json={"user": "dangzu", "reason": "抢办"}, headers=wang).status_code == 409
    handed = client.post(f"{url}/transfer", json={"user": "dangzu2", "reason": "李强出差，请王同志办理"}, headers=li)
    assert handed.status_code == 200 and handed.json["claimed_by"] == "dangzu2"
    assert client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=li).status_code == 409
    assert client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=wang).status_code == 200
    events = client.get(f"/api/cases/{site.case}", headers=basic("admin", "wenze")).json["events"]
    assert [(e["actor"], e["to"], e["reason"]) for e in events if e["kind"] == "task_transferred"] == [
        ("dangzu", "dangzu2", "李强出差，请王同志办理")]


def test_a_supervisor_urges_and_the_holder_sees_who_and_when(site: Site) -> None:
    client, li = site.client(), basic("dangzu", "wenze")
    head = _member(site, "zhuguan", "主管:局党组")
    url = f"/api/tasks/{site.task}"
    refused = client.post(f"{url}/urge", json={"note": "请尽快"}, headers=li)
    assert refused.status_code == 403 and "主管" in refused.json["message"]
    urged = client.post(f"{url}/urge", json={"note": "期限将至，请今日办结"}, headers=head)
    assert urged.status_code == 200 and urged.json["urged_by"] == "zhuguan"
    assert client.get(url, headers=li).json["urged_by"] == "zhuguan"
    inbox = client.get("/tasks", headers=li).get_data(as_text=True)
    assert "已催办" in inbox and "zhuguan 于" in inbox
    events = client.get(f"/api/cases/{site.case}", headers=basic("admin", "wenze")).json["events"]
    assert [(e["actor"], e["note"]) for e in events if e["kind"] == "task_urged"] == [("zhuguan", "期限将至，请今日办结")]
