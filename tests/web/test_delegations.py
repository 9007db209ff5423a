"""委托: a person away lets a colleague act for them for whole Beijing days; the deputy sees and completes the
person's tasks, the timeline names both; outside the days, or once revoked, the deputy is refused again."""
from __future__ import annotations

import datetime as dt

from runner.core.calendar import SHANGHAI
from tests.web.conftest import Site, basic


def test_a_deputy_acts_for_the_person_away_and_the_timeline_names_both(site: Site, clock) -> None:
    today = clock.now().astimezone(SHANGHAI).date()
    client, li, wang = site.client(), basic("dangzu", "wenze"), basic("zonghe", "wenze")
    url = f"/api/tasks/{site.task}"
    refused = client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=wang)
    assert refused.status_code == 403
    bad = client.post("/api/delegations", json={"deputy": "zonghe", "from": str(today), "until": "昨天",
                                                "reason": "出差"}, headers=li)
    assert bad.status_code == 422 and "until 须为日期" in bad.json["message"]
    assert client.post("/api/delegations", json={"deputy": "zonghe", "from": str(today), "until": str(today),
                                                 "reason": "出差", "principal": "admin"},
                       headers=li).status_code == 403                  # only an administrator sets another's
    made = client.post("/api/delegations", json={"deputy": "zonghe", "from": str(today),
                                                 "until": str(today + dt.timedelta(days=2)),
                                                 "reason": "李强出差三天"}, headers=li)
    assert made.status_code == 201 and (made.json["principal"], made.json["deputy"]) == ("dangzu", "zonghe")
    assert "决定" in client.get("/tasks", headers=wang).get_data(as_text=True)         # in the deputy's 待办
    done = client.post(f"{url}/complete", json={"data": {"outcome": "立案"}}, headers=wang)
    assert done.status_code == 200, done.json
    events = client.get(f"/api/cases/{site.case}", headers=basic("admin", "wenze")).json["events"]
    [completed] = [e for e in events if e["kind"] == "task_completed" and e["element"] == "decide"]
    assert (completed["actor"], completed["on_behalf_of"]) == ("zonghe", "dangzu")


def test_outside_its_days_or_once_revoked_a_delegation_lends_nothing(site: Site, clock) -> None:
    today = clock.now().astimezone(SHANGHAI).date()
    client, li, wang = site.client(), basic("dangzu", "wenze"), basic("zonghe", "wenze")
    later = client.post("/api/delegations", json={"deputy": "zonghe", "from": str(today + dt.timedelta(days=1)),
                                                  "until": str(today + dt.timedelta(days=1)), "reason": "明日外出"},
                        headers=li)
    assert later.status_code == 201
    assert "决定" not in client.get("/tasks", headers=wang).get_data(as_text=True)
    now = client.post("/api/delegations", json={"deputy": "zonghe", "from": str(today), "until": str(today),
                                                "reason": "今日外出"}, headers=li).json
    assert client.delete(f"/api/delegations/{now['id']}", headers=wang).status_code == 404   # not the deputy's
    assert client.delete(f"/api/delegations/{now['id']}", headers=li).json["revoked_at"]
    assert client.post(f"/api/tasks/{site.task}/complete", json={"data": {"outcome": "立案"}},
                       headers=wang).status_code == 403
    # zonghe sees what was lent to them and what they lent (the site's own, to dangzu in October)
    assert [d["reason"] for d in client.get("/api/delegations", headers=wang).json] == ["今日外出", "明日外出", "出差"]
