"""The unit of work (runner/core/step.py): one transaction per step, a cache never served stale, nothing left behind
by a step that did not commit. Use cases themselves are tested in test_cases.py, test_timers.py and
test_deadline_changes.py."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from runner.core import cases, live, step as step_module
from runner.errors import NotFound
from runner.core.step import case_step
from runner.store.db import Database
from runner.store.models import Event, Task
from tests.core.conftest import INTAKE, only_task


def _events(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def test_a_step_that_does_not_commit_leaves_nothing_behind(mini: Database) -> None:
    case_id = cases.start_case(mini, "mini", {}, "zonghe")["case"]
    intake = only_task(mini, "intake")
    events = _events(mini)
    with pytest.raises(RuntimeError, match="crash"):
        with case_step(mini, "zonghe") as step:
            step.lock(case_id)
            step.load()
            step.run_task(intake["id"], INTAKE | {"tags": []})
            step.write()                        # rows written, not committed
            raise RuntimeError("crash before commit")
    assert _events(mini) == events
    assert [t["element"] for t in cases.list_tasks(mini)] == ["intake"]
    assert live.LIVE.take(mini, case_id, 3) is None      # nothing cached for a revision that never committed
    # The case goes on from its committed state.
    assert cases.complete_task(mini, intake["id"], INTAKE | {"tags": []}, "zonghe")["ready_tasks"][0]["element"] == \
        "decide"


def test_another_process_write_is_never_served_from_a_stale_cached_workflow(
        mini: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = cases.start_case(mini, "mini", {}, "zonghe")["case"]      # this process caches revision 2
    intake = only_task(mini, "intake")
    with monkeypatch.context() as other_process:                        # another runner, with its own cache
        other_process.setattr(step_module, "LIVE", live.LiveWorkflows())
        cases.complete_task(mini, intake["id"], INTAKE | {"tags": []}, "zonghe")
    # Our cache still holds revision 2, where 审议 does not exist yet: the step must read revision 3 from the rows.
    done = cases.complete_task(mini, only_task(mini, "decide")["id"], {"outcome": "立案"}, "dangzu")
    assert done["status"] == "completed"
    assert cases.show_case(mini, case_id)["data"]["summary"] == "受理人 王敏，结论 立案"


def test_a_committed_step_serves_the_next_one_from_the_cache(mini: Database) -> None:
    case_id = cases.start_case(mini, "mini", {}, "zonghe")["case"]
    cached = live.LIVE.take(mini, case_id, 2)      # inserted as 1, saved as 2
    assert cached is not None and list(cached[1].ready.values())[0].element_id == "intake"


def test_a_step_on_an_unknown_case_is_not_found_and_writes_nothing(mini: Database) -> None:
    with pytest.raises(NotFound, match="unknown case 99"):
        with case_step(mini) as step:
            step.lock(99)
    with mini.read() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_a_step_must_lock_its_case_before_loading(mini: Database) -> None:
    with pytest.raises(RuntimeError, match="lock, adopt or create"):
        with case_step(mini) as step:
            step.load()
