"""Loading a year's holiday table settles provisional deadlines of running cases; soft deadlines extend."""
from __future__ import annotations

import pytest

from runner.core import cases, deadline_changes
from runner.errors import Conflict, InvalidData
from runner.store.db import Database
from tests.conftest import FIXTURES, seed

# A made-up 2027 schedule for the test (no official 2027 notice exists yet).
YEAR_2027 = {"year": 2027, "source": "测试用假定安排（非官方）",
             "holidays": [{"name": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]}],
             "workdays": []}


@pytest.fixture
def waiting(db: Database, clock) -> tuple[Database, int]:
    seed(db, FIXTURES / "mini")
    started = cases.start_case(db, "mini", {}, "zonghe")
    cases.complete_task(db, started["ready_tasks"][0]["id"], {"who": "王敏", "received_on": "2026-12-28"}, "zonghe")
    return db, started["case"]


def test_loading_a_year_recomputes_provisional_deadlines_and_says_so(waiting) -> None:
    db, case_id = waiting
    timer = cases.show_case(db, case_id)["timers"][0]
    # 2026-12-28 + 5 = Sat 2027-01-02; without 2027 data only weekends count: Mon 01-04, provisional.
    assert (timer["last_day"], timer["provisional"], timer["rolled_from"]) == ("2027-01-04", True, "2027-01-02")
    result = deadline_changes.load_year(db, YEAR_2027, "admin")
    assert (result["cases_checked"], result["timers_moved"]) == (1, 1)
    case = cases.show_case(db, case_id)
    timer = case["timers"][0]
    assert (timer["last_day"], timer["provisional"], timer["state"]) == ("2027-01-05", False, "armed")
    assert timer["due_at"] == "2027-01-05T16:00:00+00:00"         # 24:00 Beijing time of the last day
    recomputed = [e for e in case["events"] if e["kind"] == "deadline_recomputed"]
    assert len(recomputed) == 1 and recomputed[0]["year"] == 2027 and recomputed[0]["actor"] == "admin"
    assert deadline_changes.load_year(db, YEAR_2027, "admin")["timers_moved"] == 0    # loading again changes nothing


def test_a_bad_table_is_refused_and_nothing_moves(waiting) -> None:
    db, case_id = waiting
    with pytest.raises(InvalidData):
        deadline_changes.load_year(db, {**YEAR_2027, "workdays": ["2027-01-06"]}, "admin")   # a Wednesday
    assert cases.show_case(db, case_id)["timers"][0]["provisional"] is True


def test_a_fixed_window_cannot_be_extended(waiting) -> None:
    db, case_id = waiting
    with pytest.raises(Conflict):
        deadline_changes.extend_deadline(db, case_id, "decide_due", 5, "材料补充", "dangzu")
