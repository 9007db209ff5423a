"""Who may see what, walked with every demo account: a case is read whole by the staff of the bodies that run its
procedure and by administrators; a person named in it (文水's 被调查人) gets their own tasks only; everyone else,
the staff of the other four regulations included, gets 403 — in the JSON API and on the notice page."""
from __future__ import annotations

import pytest

from runner.core import regulations, users
from runner.core.deploy import deployed_regulations
from runner.settings import Settings
from runner.store.db import Database
from runner.web.app import create_app
from tests.procedures.driver import Procedure
from tests.procedures.test_wenshui import open_case
from tests.web.conftest import basic


@pytest.fixture
def wenshui(deployed: Database, clock):
    case = open_case(Procedure(deployed, clock, "wenshui_fault_review"), "2026-10-09")   # reporter: 张某
    with deployed.read() as session:
        registry = deployed_regulations(session)
    app = create_app(deployed, settings=Settings(secret_key="one key for the tests"))
    return app.test_client(), case, registry


def test_every_demo_account_against_a_wenshui_case(wenshui) -> None:
    client, case, registry = wenshui
    staff = {body.lane for body in registry["wenshui"].bodies if not body.party}
    [task] = [t for t in case.show()["tasks"] if t["state"] == "ready"]
    seen = {}
    for account in [users.ADMIN_ACCOUNT, *regulations.demo_accounts(registry)]:
        auth = basic(account.name, users.DEMO_PASSWORD)
        whole = client.get(f"/api/cases/{case.id}", headers=auth)
        own = client.get(f"/api/tasks/{task['id']}", headers=auth)
        may = account.name == users.ADMIN or bool(staff & set(account.roles))
        assert whole.status_code == (200 if may else 403), (account, whole.json)
        assert own.status_code == (200 if may else 403), (account, own.json)
        if may:
            assert own.json["data"]["reporter_name"] == "张某"
        else:
            assert whole.json["message"].startswith(f"无权查看案件 {case.id}")
            assert "张某" not in whole.get_data(as_text=True) + own.get_data(as_text=True)
        seen[account.name] = may
    # 文水's own staff, its 上级组织人事部门/监察部门 and the administrator; not its 被调查人, not 盐池's 局办公室
    assert seen["admin"] and seen["zonghe"] and seen["jiancha"] and seen["xiangguan"]
    assert not seen["beidiaocha"] and not any(seen[a.name] for a in regulations.demo_accounts(registry)
                                               if set(a.roles) <= {"局办公室", "联席会议办公室"})


def test_a_party_reads_only_the_fields_of_their_own_task(wenshui) -> None:
    client, case, _registry = wenshui
    auth = basic("beidiaocha", users.DEMO_PASSWORD)
    refused = client.get(f"/api/cases/{case.id}", headers=auth)
    assert refused.status_code == 403 and "被调查人等当事人只能查看交给本人办理的任务" in refused.json["message"]
    # the preliminary review is not the party's task, and its data holds the reporter's name
    [task] = [t for t in case.show()["tasks"] if t["state"] == "ready"]
    other = client.get(f"/api/tasks/{task['id']}", headers=auth)
    assert other.status_code == 403 and "张某" not in other.get_data(as_text=True)
