"""The staff workbench over HTTP: staff land on 待办, which lists the ready tasks of their lanes with the deadline
that guards each (Beijing time, the deadline's own unit), and open a task page that carries its form."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from runner.core import inbox
from runner.core.calendar import work_calendar
from runner.settings import Settings
from runner.store.db import Database
from runner.web.app import create_app
from tests.procedures.driver import Procedure
from tests.procedures.test_wenshui import open_case
from tests.web.conftest import basic, csrf_field


@pytest.fixture
def wenshui(deployed: Database, clock):
    procedure = Procedure(deployed, clock, "wenshui_fault_review")
    procedure.to("2026-09-29", 9)
    case = open_case(procedure, "2026-09-29")       # 第十五条: 初步审查 within 5 days of receipt
    procedure.to("2026-10-02", 10, fire=False)
    app = create_app(deployed, settings=Settings(secret_key="one key for the tests"))
    return app.test_client(), case


def test_staff_land_on_their_inbox_with_each_tasks_deadline(wenshui) -> None:
    client, case = wenshui
    form = client.get("/login").get_data(as_text=True)
    landed = client.post("/login", data={"user": "zonghe", "password": "wenze", "csrf_token": csrf_field(form)})
    assert landed.headers["Location"] == "/tasks"
    page = client.get("/tasks").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(.*?)</tr>", page.split("<tbody>")[1], re.S).group(1)
    assert "初步审查" in row and f"第 {case.id} 号" in row
    # received 9月29日: the fifth day, 10月4日, falls in 国庆, so the last day is 10月8日 (民法典 第二百零三条),
    # ending at 24:00 Beijing time; on 10月2日 six days are left
    assert "2026年10月8日 24:00 前（剩余 6 日）" in row and "2026年9月29日 09:00" in row


def test_an_account_of_another_lane_sees_no_such_task_and_cannot_open_it(wenshui) -> None:
    client, case = wenshui
    [task] = [t for t in case.show()["tasks"] if t["state"] == "ready"]
    assert "初步审查" not in client.get("/tasks", headers=basic("dangzu", "wenze")).get_data(as_text=True)
    assert client.get(f"/tasks/{task['id']}", headers=basic("beidiaocha", "wenze")).status_code == 403
    opened = client.get(f"/tasks/{task['id']}", headers=basic("zonghe", "wenze")).get_data(as_text=True)
    state = json.loads(re.search(r'<script type="application/json" id="form-state">(.*?)</script>', opened,
                                 re.S).group(1))
    assert state["schema"]["title"] == "初步审查" and state["ready"] is True


def test_working_days_left_skip_the_holiday_and_count_the_adjusted_saturday() -> None:
    calendar = work_calendar({})
    # 2026 as chinesecalendar holds the official schedule: 国庆 10月1日–7日 rest, Saturday 10月10日 an adjusted working day
    assert calendar.is_workday(dt.date(2026, 10, 10))[0] and not calendar.is_workday(dt.date(2026, 10, 5))[0]
    assert inbox.days_left(dt.date(2026, 9, 30), dt.date(2026, 10, 12), "working_days", calendar) == 4
    assert inbox.days_left(dt.date(2026, 10, 12), dt.date(2026, 9, 30), "working_days", calendar) == -4
    assert inbox.days_left(dt.date(2026, 9, 30), dt.date(2026, 10, 12), "calendar_days", calendar) == 12


def test_a_new_case_is_offered_only_of_procedures_the_users_lanes_may_start(wenshui) -> None:
    client, _case = wenshui
    offered = client.get("/cases/new", headers=basic("zonghe", "wenze")).get_data(as_text=True)
    assert "文水县民政局行政过错责任倒查" in offered and "/cases/new/wenshui_fault_review" in offered
    assert "/cases/new/wenshui_fault_review" not in client.get("/cases/new", headers=basic("beidiaocha", "wenze")) \
        .get_data(as_text=True)
    form = client.get("/cases/new/wenshui_fault_review", headers=basic("zonghe", "wenze")).get_data(as_text=True)
    state = json.loads(re.search(r'id="form-state">(.*?)</script>', form, re.S).group(1))
    assert state["url"] == "/api/cases" and state["extra"] == {"process": "wenshui_fault_review"}
    refused = client.get("/cases/new/wenshui_fault_review", headers={**basic("beidiaocha", "wenze"),
                                                                     "Accept": "text/html"})
    assert refused.status_code == 404 and "没有可由您发起的程序" in refused.get_data(as_text=True)


def test_done_started_and_closed_lists(wenshui) -> None:
    client, case = wenshui
    zonghe = basic("zonghe", "wenze")
    done = client.get("/tasks?list=done", headers=zonghe).get_data(as_text=True)     # zonghe did the 受理登记
    assert f"第 {case.id} 号" in done and "办理中" in done
    assert f"第 {case.id} 号" in client.get("/tasks?list=started", headers=zonghe).get_data(as_text=True)
    assert f"第 {case.id} 号" not in client.get("/tasks?list=closed", headers=zonghe).get_data(as_text=True)
    assert f"第 {case.id} 号" not in client.get("/tasks?list=done", headers=basic("dangzu", "wenze")) \
        .get_data(as_text=True)
    unknown = client.get("/tasks?list=drafts", headers={**zonghe, "Accept": "text/html"})
    assert unknown.status_code == 404 and "没有「drafts」这个列表" in unknown.get_data(as_text=True)
