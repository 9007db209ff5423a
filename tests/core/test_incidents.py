"""One broken case never touches another (runner/core/incidents.py): a case that cannot be loaded, or whose diagram
code fails or runs away while a timer fires, becomes an incident for administrators, and every other due timer still
fires in the same sweep."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from runner.core import cases, incidents, live, script_bounds, timers
from runner.errors import CaseBroken, ScriptError
from runner.store.db import Database
from runner.store.models import Case, Timer
from tests.conftest import SHANGHAI, seed
from tests.core.conftest import INTAKE, MINI, only_task

AFTER_DUE = dt.datetime(2026, 10, 9, 0, 0, 1, tzinfo=SHANGHAI)     # the 5-day window of received_on 9-29 closed


@pytest.fixture
def short_scripts() -> object:
    previous = script_bounds.install(script_bounds.ScriptLimits(seconds=0.2))
    yield
    script_bounds.install(previous)


def _waiting(db: Database, process: str, received_on: str) -> int:
    started = cases.start_case(db, process, {}, "zonghe")
    cases.complete_task(db, started["ready_tasks"][0]["id"], INTAKE | {"tags": [], "received_on": received_on},
                        "zonghe")
    return int(started["case"])


def _break(db: Database, case_id: int) -> None:
    """What a storage fault or an engine upgrade could leave: a state document the engine cannot read."""
    with db.write() as session:
        session.execute(update(Case).where(Case.id == case_id).values(state='{"spec_ref": "gone", "tasks": 1}'))
        session.commit()
    live.LIVE.clear()


@pytest.fixture
def runaway_root(tmp_path: Path) -> Path:
    """mini, plus a copy `mini_runaway` whose deadline script never ends."""
    root = tmp_path / "procedures"
    shutil.copytree(MINI, root)
    diagram = (root / "bpmn" / "mini.bpmn").read_text(encoding="utf-8")
    runaway = diagram.replace('id="mini"', 'id="mini_runaway"').replace('"mini"', '"mini_runaway"') \
        .replace('outcome = "超期未决"', 'n = 0\nwhile True:\n    n += 1')
    (root / "bpmn" / "mini_runaway.bpmn").write_text(runaway, encoding="utf-8")
    registry = root / "bpmn" / "regulations" / "mini.json"
    registry.write_text(registry.read_text(encoding="utf-8").replace('"mini"]', '"mini", "mini_runaway"]'),
                        encoding="utf-8")
    return root


def test_a_broken_and_a_runaway_case_first_in_the_due_order_do_not_stop_the_other_deadlines(
        db: Database, clock, runaway_root: Path, short_scripts: object) -> None:
    seed(db, runaway_root)
    broken = _waiting(db, "mini", "2026-09-27")           # due first
    runaway = _waiting(db, "mini_runaway", "2026-09-28")   # due second
    healthy = [_waiting(db, "mini", "2026-09-29") for _ in range(3)]
    _break(db, broken)
    clock.set(AFTER_DUE)

    assert timers.fire_due(db) == 3
    for case_id in healthy:
        assert cases.show_case(db, case_id)["status"] == "completed"
    opened = {(i["case"], i["kind"], i["element"]): i for i in incidents.listed(db)}
    assert set(opened) == {(broken, "load", None), (runaway, "script", "timeout_note")}
    assert "ran longer than its limit" in opened[(runaway, "script", "timeout_note")]["message"]
    # The failed timers left the sweep: nothing fires again, nothing is counted twice.
    assert timers.fire_due(db) == 0
    assert [i["count"] for i in incidents.listed(db)] == [1, 1]
    runaway_case = cases.show_case(db, runaway)
    assert runaway_case["status"] == "running" and [t["state"] for t in runaway_case["timers"]] == ["incident"]
    assert runaway_case["events"][-1]["kind"] == "error" and runaway_case["events"][-1]["element"] == "timeout_note"


def test_a_broken_case_still_shows_and_answers_a_clear_error(mini: Database) -> None:
    case_id = _waiting(mini, "mini", "2026-09-29")
    decide = only_task(mini, "decide")
    _break(mini, case_id)
    shown = cases.show_case(mini, case_id)
    assert shown["data"] is None and [t["element"] for t in shown["tasks"] if t["state"] == "ready"] == ["decide"]
    with pytest.raises(CaseBroken, match=f"case {case_id} cannot be loaded"):
        cases.complete_task(mini, decide["id"], {"outcome": "立案"}, "dangzu")
    assert [(i["kind"], i["actor"]) for i in cases.show_case(mini, case_id)["incidents"]] == [("load", "dangzu")]
    other = _waiting(mini, "mini", "2026-09-29")         # another case is untouched
    assert cases.show_case(mini, other)["data"]["who"] == "王敏"


def test_a_script_failing_under_a_user_is_an_incident_and_resolving_it_closes_it(mini: Database) -> None:
    case_id = _waiting(mini, "mini", "2026-09-29")
    decide = only_task(mini, "decide")
    for _ in range(2):
        with pytest.raises(ScriptError, match="summarise"):
            cases.complete_task(mini, decide["id"], {"outcome": "BOOM"}, "dangzu")
    [incident] = incidents.listed(mini)
    assert (incident["case"], incident["kind"], incident["element"], incident["count"]) == \
        (case_id, "script", "summarise", 2)
    assert "ZeroDivisionError" in incident["message"]
    resolved = incidents.resolve(mini, incident["id"], "admin")
    assert resolved["resolved_by"] == "admin" and incidents.listed(mini) == []
    assert cases.complete_task(mini, decide["id"], {"outcome": "立案"}, "dangzu")["status"] == "completed"


def test_resolving_re_arms_the_parked_timer(db: Database, clock, runaway_root: Path, short_scripts: object) -> None:
    seed(db, runaway_root)
    case_id = _waiting(db, "mini_runaway", "2026-09-29")
    clock.set(AFTER_DUE)
    assert timers.fire_due(db) == 0
    [incident] = incidents.listed(db)
    incidents.resolve(db, incident["id"], "admin")
    with db.read() as session:
        assert [t.state for t in session.query(Timer).filter(Timer.case_id == case_id)] == ["armed"]


@pytest.mark.parametrize("expression", ['"not a date"', "42", "None"])
def test_a_timer_expression_that_gives_no_date_is_a_script_error_on_the_case(
        db: Database, clock, tmp_path: Path, expression: str) -> None:
    root = tmp_path / "procedures"
    shutil.copytree(MINI, root)
    diagram = root / "bpmn" / "mini.bpmn"
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        'period_end(received_on, 5, "calendar_days")', expression.replace('"', "&quot;")), encoding="utf-8")
    seed(db, root)
    started = cases.start_case(db, "mini", {}, "zonghe")
    with pytest.raises(ScriptError, match="not an ISO 8601 date") as refused:
        cases.complete_task(db, started["ready_tasks"][0]["id"], INTAKE | {"tags": []}, "zonghe")
    assert refused.value.details["element"] == "decide_due"
    assert [(i["kind"], i["element"]) for i in incidents.listed(db)] == [("script", "decide_due")]
    assert [t["element"] for t in cases.list_tasks(db)] == ["intake"]          # the step was rolled back
