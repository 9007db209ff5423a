"""Use cases on a small fixture procedure, on SQLite and PostgreSQL: start, complete, bad input, races, crashes."""
from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runner.core import cases, timers
from runner.errors import Conflict, Forbidden, InvalidData, NotFound, ScriptError
from runner.store.db import Database
from runner.store.models import Case, Event, Task
from tests.conftest import seed
from tests.core.conftest import INTAKE, MINI, only_task as _only_task


def _counts(db: Database) -> tuple[int, int, str]:
    with db.read() as session:
        events = session.scalar(select(func.count()).select_from(Event))
        ready = session.scalar(select(func.count()).select_from(Task).where(Task.state == "ready"))
        state = session.scalar(select(Case.state))
    return events, ready, state


def test_a_case_runs_start_to_end_and_its_timeline_says_who_did_what(mini: Database) -> None:
    started = cases.start_case(mini, "mini", {"tags": ["初始"]}, "zonghe")
    assert [t["name"] for t in started["ready_tasks"]] == ["受理登记"]
    intake = _only_task(mini, "intake")
    assert intake["lane"] == "综合股/办公室" and intake["form"] == "mini_intake.json"
    cases.complete_task(mini, intake["id"], INTAKE | {"tags": ["甲", "乙"]}, "zonghe")
    decide = _only_task(mini, "decide")
    assert cases.list_tasks(mini, lane="局党组") == [decide]
    assert cases.list_tasks(mini, user_name="zonghe") == []
    done = cases.complete_task(mini, decide["id"], {"outcome": "立案"}, "dangzu")
    assert done["status"] == "completed" and done["ready_tasks"] == []

    case = cases.show_case(mini, started["case"])
    assert case["data"]["summary"] == "受理人 王敏，结论 立案"
    assert case["data"]["tags"] == ["甲", "乙"]          # replaced, not merged with ["初始"]
    kinds = [(e["kind"], e["element"], e["actor"]) for e in case["events"]]
    assert kinds == [("started", "mini", "zonghe"), ("task_ready", "intake", None),
                     ("task_completed", "intake", "zonghe"), ("task_ready", "decide", None),
                     ("task_completed", "decide", "dangzu"), ("script", "summarise", None),
                     ("end_event", "end", None), ("completed", None, None)]
    completed = next(e for e in case["events"] if e["kind"] == "task_completed" and e["element"] == "decide")
    assert completed["data"] == {"outcome": "立案"}
    assert [t["state"] for t in case["timers"]] == ["cancelled"]


def test_form_submission_replaces_lists_instead_of_merging(mini: Database) -> None:
    cases.start_case(mini, "mini", {"tags": ["a", "b", "c"]}, "zonghe")
    cases.complete_task(mini, _only_task(mini, "intake")["id"], INTAKE | {"tags": ["x"]}, "zonghe")
    done = cases.complete_task(mini, _only_task(mini, "decide")["id"], {"outcome": "立案"}, "dangzu")
    assert cases.show_case(mini, done["case"])["data"]["tag_count"] == 1


def test_invalid_data_names_the_field_and_changes_nothing(mini: Database) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    task = _only_task(mini, "intake")
    before = _counts(mini)
    with pytest.raises(InvalidData) as bad:
        cases.complete_task(mini, task["id"], {"who": 3, "received_on": "2026-02-30", "extra": 1}, "zonghe")
    paths = {e["path"] for e in bad.value.details["errors"]}
    assert paths == {"who", "received_on", "extra"}
    assert next(e for e in bad.value.details["errors"] if e["path"] == "who")["title"] == "受理人"
    with pytest.raises(InvalidData) as refused:
        cases.complete_task(mini, task["id"], INTAKE | {"members": [{"name": "李四", "is_relative": True}]}, "zonghe")
    error = refused.value.details["errors"][0]
    assert error["path"] == "members/0/is_relative" and "第十六条" in error["reason"]
    assert _counts(mini) == before


def test_data_json_cannot_hold_is_refused_and_changes_nothing(mini: Database) -> None:
    with pytest.raises(InvalidData, match="64 位"):
        cases.start_case(mini, "mini", {"tags": [2 ** 70]}, "zonghe")
    assert _counts(mini) == (0, 0, None)


@pytest.mark.parametrize("task_id, user, error", [("no-such-task", "zonghe", NotFound),
                                                   (None, "dangzu", Forbidden), (None, "nobody", NotFound)])
def test_unknown_task_wrong_role_or_unknown_user_is_refused(mini: Database, task_id, user, error) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    before = _counts(mini)
    with pytest.raises(error):
        cases.complete_task(mini, task_id or _only_task(mini, "intake")["id"], INTAKE, user)
    assert _counts(mini) == before


def test_starting_an_unknown_process_lists_the_deployed_ones(mini: Database) -> None:
    with pytest.raises(NotFound, match="deployed: mini"):
        cases.start_case(mini, "nope", {}, "zonghe")


def test_only_the_start_lane_may_open_a_case(mini: Database) -> None:
    with pytest.raises(Forbidden):
        cases.start_case(mini, "mini", {}, "dangzu")


def test_completing_a_task_twice_is_a_conflict(mini: Database) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    task = _only_task(mini, "intake")
    cases.complete_task(mini, task["id"], INTAKE, "zonghe")
    with pytest.raises(Conflict, match="already completed by zonghe"):
        cases.complete_task(mini, task["id"], INTAKE, "zonghe")


def test_two_racing_completions_exactly_one_wins(mini: Database) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    task = _only_task(mini, "intake")
    barrier, outcomes = threading.Barrier(4), []

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            cases.complete_task(mini, task["id"], INTAKE | {"who": f"第{i}人"}, "zonghe")
            outcomes.append(("ok", f"第{i}人"))
        except Conflict as lost:
            outcomes.append(("conflict", lost.message))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "conflict", "conflict", "ok"]
    [winner] = [who for kind, who in outcomes if kind == "ok"]
    # each loser is told that the task is already done, and by whom
    assert [message.startswith("task '受理登记' is already completed by zonghe at ") for kind, message in outcomes
            if kind == "conflict"] == [True, True, True]
    # one 决定 task waits for 局党组, and the case holds the winner's data only
    decide = _only_task(mini, "decide")
    assert (decide["case"], decide["name"], decide["lane"], decide["form"]) == (1, "决定", "局党组", "mini_decide.json")
    case = cases.show_case(mini, 1)
    assert case["data"]["who"] == winner
    assert [(e["element"], e["actor"], e["data"]["who"]) for e in case["events"] if e["kind"] == "task_completed"] \
        == [("intake", "zonghe", winner)]


def test_a_failing_script_rolls_the_step_back_and_records_the_error(mini: Database) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    cases.complete_task(mini, _only_task(mini, "intake")["id"], INTAKE | {"tags": []}, "zonghe")
    decide = _only_task(mini, "decide")
    events, ready, state = _counts(mini)
    with pytest.raises(ScriptError) as failed:
        cases.complete_task(mini, decide["id"], {"outcome": "BOOM"}, "dangzu")
    assert failed.value.details["element"] == "summarise"
    assert _counts(mini) == (events + 1, ready, state)      # only the error event was added
    case = cases.show_case(mini, 1)
    assert case["events"][-1]["kind"] == "error" and "ZeroDivisionError" in case["events"][-1]["message"]
    assert cases.complete_task(mini, decide["id"], {"outcome": "立案"}, "dangzu")["status"] == "completed"


def test_a_deadline_that_fired_wins_over_a_late_completion(mini: Database, clock) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    cases.complete_task(mini, _only_task(mini, "intake")["id"], INTAKE | {"tags": []}, "zonghe")
    decide = _only_task(mini, "decide")
    case = cases.show_case(mini, 1)
    assert case["timers"][0]["last_day"] == "2026-10-08"             # 9/29 + 5 = 10/4 (国庆) → 10/8
    clock.set(dt.datetime(2026, 10, 9, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    # Nobody swept yet (race D): the completion must still lose to the deadline.
    with pytest.raises(Conflict, match="deadline fired first"):
        cases.complete_task(mini, decide["id"], {"outcome": "立案"}, "dangzu")
    case = cases.show_case(mini, 1)
    assert case["status"] == "completed" and case["data"]["outcome"] == "超期未决"
    assert [e["kind"] for e in case["events"] if e["kind"].startswith(("period", "task_c"))][-2:] == \
        ["task_cancelled", "period_ended"]
    assert timers.fire_due(mini) == 0


def test_a_case_keeps_the_version_it_started_on(mini: Database, tmp_path: Path) -> None:
    old = cases.start_case(mini, "mini", {}, "zonghe")
    changed = tmp_path / "changed"
    shutil.copytree(MINI, changed)
    for f in changed.rglob("*.*"):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace('"name": "决定"', '"name": "决定(新)"').replace('name="决定"', 'name="决定（新版）"'),
                     encoding="utf-8")
    seed(mini, changed)
    new = cases.start_case(mini, "mini", {}, "zonghe")
    for started in (old, new):
        cases.complete_task(mini, next(t["id"] for t in started["ready_tasks"]), INTAKE, "zonghe")
    names = {t["case"]: t["name"] for t in cases.list_tasks(mini) if t["element"] == "decide"}
    assert names == {old["case"]: "决定", new["case"]: "决定（新版）"}
    assert cases.show_case(mini, old["case"])["version"] != cases.show_case(mini, new["case"])["version"]
