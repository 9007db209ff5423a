"""The `wenze` command as a user types it (a real subprocess on a temporary SQLite database)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

WENZE = [sys.executable, "-m", "runner.cli"]


@pytest.fixture
def wenze(tmp_path: Path):
    env = {**os.environ, "WENZE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*WENZE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert (result.returncode == 0) == ok, result.stderr
        return result

    run("migrate")
    return run


def test_deadline_prints_the_legal_computation(wenze) -> None:
    out = json.loads(wenze("deadline", "2026-01-15", "30", "calendar_days").stdout)
    # 民法典 第二百零三条: Sat 2026-02-14 is an official make-up working day, so the last day does not move.
    assert out == {"start": "2026-01-15", "unit": "calendar_days", "period": 30, "last_day": "2026-02-14",
                   "due_at": "2026-02-15T00:00:00+08:00", "provisional": False, "rolled_from": None}
    error = json.loads(wenze("deadline", "2026-02-30", "5", "calendar_days", ok=False).stderr)
    assert error["error"] == "invalid_data" and error["errors"][0]["path"] == "start"


def test_loading_a_year_settles_provisional_deadlines(wenze, tmp_path: Path) -> None:
    before = json.loads(wenze("deadline", "2026-12-02", "30", "calendar_days").stdout)
    assert before["provisional"] and before["last_day"] == "2027-01-01"
    table = tmp_path / "2027.json"
    table.write_text(json.dumps({"year": 2027, "source": "测试用假定安排（非官方）",
                                 "holidays": [{"name": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"]}],
                                 "workdays": []}, ensure_ascii=False), encoding="utf-8")
    loaded = json.loads(wenze("calendar", "load", str(table)).stdout)
    assert loaded["year"] == 2027 and loaded["rest_days"] == 3
    after = json.loads(wenze("deadline", "2026-12-02", "30", "calendar_days").stdout)
    assert not after["provisional"] and after["last_day"] == "2027-01-04" and after["rolled_from"] == "2027-01-01"


def test_decide_prints_outputs_and_matched_rules(wenze) -> None:
    out = json.loads(wenze("decide", str(FIXTURES / "decision" / "dmn" / "share.dmn"),
                           "--input", '{"act_mode": "direct"}').stdout)
    assert out == {"decision": "share", "outputs": [{"role": "officer", "grade": "full"}],
                   "matched_rules": [{"id": "r_direct", "row": 1, "annotation": "第七条(一)"}]}


def test_blame_uses_the_deployed_table(wenze) -> None:
    wenze("deploy")
    facts = {"act_mode": "collective", "persons": {"decision_maker": "丙"},
             "participants": [{"person": "甲", "opinion": "wrong", "vote": "for"},
                              {"person": "乙", "opinion": "correct", "vote": "against"}]}
    out = json.loads(wenze("blame", "wenshui", "--facts", json.dumps(facts, ensure_ascii=False)).stdout)
    shares = {(s["role"], s.get("person")): s["grade"] for s in out["shares"]}
    # 文水 第十一条(六): 决策人 主要; 赞成者 次要; 反对者 不承担责任.
    assert shares[("decision_maker", "丙")] == "primary"
    assert shares[("participant", "甲")] == "secondary" and shares[("participant", "乙")] == "none"


def test_bad_json_and_unknown_things_are_clear_errors(wenze) -> None:
    assert json.loads(wenze("start", "wenshui_fault_review", "--data", "{oops", ok=False).stderr)["error"] == \
        "invalid_data"
    assert json.loads(wenze("show", "99", ok=False).stderr)["error"] == "not_found"
    assert json.loads(wenze("complete", "nope", "--data", "{}", "--user", "admin", ok=False).stderr)["error"] == \
        "not_found"
