"""A business rule task in a running case evaluates Wenze's table and records inputs, matched rules and outputs."""
from __future__ import annotations

import pytest

from runner.core import cases
from runner.store.db import Database
from tests.conftest import FIXTURES, seed


@pytest.fixture
def demo(db: Database, clock) -> Database:
    seed(db, FIXTURES / "decision")
    return db


def _complete(db: Database, element: str, data: dict) -> dict:
    task = next(t for t in cases.list_tasks(db) if t["element"] == element)
    return cases.complete_task(db, task["id"], data, "admin")


def test_every_evaluation_is_recorded_with_its_matched_rules(demo: Database) -> None:
    case_id = cases.start_case(demo, "decide_demo", {}, "admin")["case"]
    _complete(demo, "facts", {"act_mode": "reviewed_approved", "officer_concealed": True})
    _complete(demo, "confirm", {"redo": True})
    _complete(demo, "facts", {"act_mode": "direct"})   # re-evaluated: the old list must not leak in
    _complete(demo, "confirm", {"redo": False})
    case = cases.show_case(demo, case_id)
    first, second = case["decisions"]
    assert first["decision"] == "share" and len(first["table_hash"]) == 64
    assert first["inputs"] == {"行为方式": "reviewed_approved", "承办人隐瞒": True}
    assert [(r["id"], r["row"], r["annotation"]) for r in first["matched_rules"]] == \
        [("r_reviewed_conceal", 2, "第七条(二)"), ("r_reviewed_reviewer", 3, "第七条(三)")]
    assert first["outputs"] == [{"role": "officer", "grade": "primary"}, {"role": "reviewer", "grade": "secondary"}]
    assert [r["id"] for r in second["matched_rules"]] == ["r_direct"]
    assert case["data"]["share"] == [{"role": "officer", "grade": "full"}]
    steps = [e for e in case["events"] if e["kind"] == "decision"]
    assert [s["element"] for s in steps] == ["split", "split"] and steps[0]["matched_rules"] == first["matched_rules"]


def test_an_unknown_decision_id_is_refused_at_deploy(db: Database, tmp_path) -> None:
    import shutil

    from runner.core.deploy import build, read_sources
    from runner.errors import DeployError
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "decision", root)
    (root / "dmn" / "share.dmn").unlink()
    with pytest.raises(DeployError, match='no decision table with id "share"'):
        build(read_sources(root))
