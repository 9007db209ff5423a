"""The `wenze` command as a user types it (a real subprocess on a temporary SQLite database)."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from runner import cli
from runner.store.migrate import head
from tests.conftest import FIXTURES, ROOT

WENZE = [sys.executable, "-m", "runner.cli"]
Run = Callable[..., subprocess.CompletedProcess]


def _command(cwd: Path, **variables: str) -> Run:
    """`wenze` run in `cwd` with only the given WENZE_* variables (the runner of this checkout, wherever cwd is)."""
    base = {name: value for name, value in os.environ.items() if not name.startswith("WENZE_")}
    env = {**base, "PYTHONPATH": str(ROOT), **variables}

    def run(*args: str, ok: bool = True, **extra: str) -> subprocess.CompletedProcess:
        result = subprocess.run([*WENZE, *args], cwd=cwd, env={**env, **extra}, capture_output=True, text=True,
                                timeout=120)
        assert (result.returncode == 0) == ok, (args, result.stdout, result.stderr)
        return result

    return run


def one_json_error(result: subprocess.CompletedProcess) -> dict[str, Any]:
    """What every failure looks like: exit status 1, nothing on stdout, one JSON object on stderr, no traceback."""
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    error = json.loads(lines[0])
    assert isinstance(error, dict) and error["error"] and error["message"]
    return error


def failures(run: Run, commands: list[tuple[str, ...]], **variables: str) -> list[dict[str, Any]]:
    return [one_json_error(run(*args, ok=False, **variables)) for args in commands]


@pytest.fixture
def wenze(tmp_path: Path) -> Run:
    run = _command(ROOT, WENZE_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
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


def test_bad_input_is_one_json_error_naming_what_was_wrong(wenze: Run, tmp_path: Path) -> None:
    wenze("deploy")
    wenze("users", "demo")
    dmn = str(FIXTURES / "decision" / "dmn" / "share.dmn")
    cases = [
        (("start", "wenshui_fault_review", "--data", "{oops"), "invalid_data", "--data is not valid JSON"),
        (("start", "wenshui_fault_review", "--data", "[1]"), "invalid_data", "--data must be a JSON object"),
        (("start", "nope"), "not_found", "unknown process 'nope' (deployed: chifeng_fault_accountability"),
        (("start", "wenshui_fault_review", "--user", "nobody"), "not_found", "unknown user 'nobody'"),
        (("tasks", "--user", "nobody"), "not_found", "unknown user 'nobody'"),
        (("complete", "nope", "--data", "{}", "--user", "admin"), "not_found", "unknown task 'nope'"),
        (("show", "99"), "not_found", "unknown case 99"),
        (("show", "abc"), "usage", "'abc' is not a valid integer"),
        (("extend", "99", "timer", "--by", "1", "--reason", "r", "--user", "admin"), "not_found", "99"),
        (("blame", "nope", "--facts", "{}"), "not_found",
         "unknown regulation 'nope' (deployed: chifeng, chifeng_interference, jinzhai, mingshan, review_appeal, "
         "wenshui, yanchi)"),
        (("blame", "review_appeal", "--facts", "{}"), "not_found", "no decision table 'review_appeal_blame'"),
        (("blame", "wenshui", "--facts", "[1]"), "invalid_data", "--facts must be a JSON object"),
        (("blame", "wenshui", "--facts", '{"act_mode": 5}'), "invalid_data", "act_mode"),
        (("blame", "wenshui", "--facts", '{"participants": {"person": "甲"}}'), "invalid_data", "participants"),
        (("blame", "wenshui", "--facts", '{"participants": [{"person": 1}]}'), "invalid_data", "participants/0/person"),
        (("decide", dmn, "--input", "[1]"), "invalid_data", "--input must be a JSON object"),
        (("decide", str(tmp_path / "missing.dmn"), "--input", "{}"), "usage", "does not exist"),
        (("deadline", "2026-02-30", "5", "calendar_days"), "invalid_data", "start"),
        (("tokens", "create", "nobody", "--label", "x"), "not_found", "unknown user 'nobody'"),
        (("tokens", "create", "admin", "--label", " "), "invalid_data", "令牌须有"),
        (("tokens", "revoke", "7"), "not_found", "没有编号为 7 的令牌"),
        (("tokens", "revoke", "0"), "usage", "0"),
    ]
    for (args, code, says), error in zip(cases, failures(wenze, [args for args, _code, _says in cases])):
        assert error["error"] == code and says in error["message"], (args, error)


def test_a_token_is_shown_once_listed_without_its_text_and_revoked(wenze: Run) -> None:
    wenze("deploy")
    wenze("users", "demo")
    created = json.loads(wenze("tokens", "create", "zonghe", "--label", "月报脚本").stdout)
    assert created["token"].startswith("wz_") and created["user"] == "zonghe"
    listed = wenze("tokens", "list", "zonghe").stdout
    assert "月报脚本" in listed and created["token"] not in listed
    revoked = json.loads(wenze("tokens", "revoke", str(created["id"])).stdout)
    assert revoked["revoked_at"] is not None


def test_a_bad_setting_stops_every_command_naming_the_variable(wenze: Run) -> None:
    wenze("deploy")
    for variable, value, says, commands in [
            ("WENZE_FAULT_COUNTING", '{"jinzhai": {"window": "calendar_year", "same_type": tru}}', "not valid JSON",
             [("tasks",), ("deadline", "2026-01-01", "1", "calendar_days")]),
            ("WENZE_FAULT_COUNTING", '{"jinzhai": {"windows": "lifetime"}}', "unknown field 'windows'", [("tasks",)]),
            ("WENZE_PORT", "http", "valid integer", [("tasks",)]),
            # A regulation key is checked against the deployed registry, by the commands that open the database.
            ("WENZE_FAULT_COUNTING", '{"jinzai": {"window": "lifetime"}}',
             "unknown regulation 'jinzai': the deployed regulations that count faults are chifeng, "
             "chifeng_interference, jinzhai, mingshan, wenshui, yanchi", [("tasks",), ("fire-timers",)])]:
        for error in failures(wenze, commands, **{variable: value}):
            assert (error["error"], error["variable"]) == ("invalid_setting", variable)
            assert says in error["message"]
    assert wenze("tasks", "--json", WENZE_FAULT_COUNTING='{"jinzhai": {"window": "calendar_year"}}').stdout == "[]\n"


def test_without_a_database_every_command_says_to_migrate_and_creates_none(tmp_path: Path) -> None:
    """Run from another folder: the database is the configured one, never one in the working folder."""
    wenze = _command(tmp_path, WENZE_HOME=str(tmp_path / "home"))
    table = tmp_path / "2027.json"
    table.write_text('{"year": 2027, "source": "x", "holidays": [], "workdays": []}', encoding="utf-8")
    commands = [("deploy",), ("start", "wenshui_fault_review"), ("tasks",), ("show", "1"),
                ("complete", "t", "--data", "{}", "--user", "admin"), ("blame", "wenshui", "--facts", "{}"),
                ("calendar", "load", str(table)), ("extend", "1", "t", "--by", "1", "--reason", "r", "--user", "a"),
                ("fire-timers",), ("users", "demo"), ("users", "add", "x", "--display-name", "X", "--role", "admin",
                                                       "--password", "pw"), ("serve",)]
    for args, error in zip(commands, failures(wenze, commands)):
        assert error["error"] == "not_migrated" and "run `wenze migrate`" in error["message"], (args, error)
    assert not (tmp_path / "home").exists()
    decided = wenze("decide", str(FIXTURES / "decision" / "dmn" / "share.dmn"), "--input", '{"act_mode": "direct"}')
    assert json.loads(decided.stdout)["outputs"] == [{"role": "officer", "grade": "full"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2027.json"]


def test_an_empty_database_file_is_not_migrated(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    wenze = _command(tmp_path, WENZE_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    error = one_json_error(wenze("tasks", ok=False))
    assert error["error"] == "not_migrated" and "has no tables: run `wenze migrate`" in error["message"]


def test_with_nothing_deployed_the_commands_name_wenze_deploy(wenze: Run) -> None:
    wenze("users", "add", "admin", "--display-name", "管理员", "--role", "admin", "--password", "pw")
    assert "run `wenze deploy`" in one_json_error(wenze("start", "wenshui_fault_review", ok=False))["message"]
    for args in [("blame", "wenshui", "--facts", "{}"), ("users", "demo")]:
        error = one_json_error(wenze(*args, ok=False))
        assert error["error"] == "not_deployed" and "run `wenze deploy`" in error["message"]
    assert json.loads(wenze("tasks", "--json").stdout) == []


def test_deadline_is_a_calculation_that_needs_no_database(tmp_path: Path) -> None:
    wenze = _command(tmp_path, WENZE_HOME=str(tmp_path / "home"))
    out = json.loads(wenze("deadline", "2026-09-29", "5", "calendar_days").stdout)
    assert (out["last_day"], out["rolled_from"], out["provisional"]) == ("2026-10-08", "2026-10-04", False)
    assert list(tmp_path.iterdir()) == []


def test_info_names_the_database_and_migrate_says_which_it_migrated(tmp_path: Path) -> None:
    default = json.loads(_command(tmp_path)("info").stdout)
    assert default["database"]["url"] == f"sqlite:///{ROOT / 'var' / 'wenze.sqlite3'}"
    assert default["settings"]["WENZE_HOME"] == str(ROOT / "var")

    wenze = _command(tmp_path, WENZE_HOME=str(tmp_path / "home"), WENZE_SECRET_KEY="do-not-print")
    url = f"sqlite:///{tmp_path / 'home' / 'wenze.sqlite3'}"
    before = json.loads(wenze("info").stdout)
    assert before["database"] == {"url": url, "exists": False, "head": head(), "revision": None, "migrated": False}
    assert json.loads(wenze("migrate").stdout) == {"database": url, "from": None, "to": head()}
    wenze("deploy")
    after = wenze("info").stdout
    info = json.loads(after)
    assert info["database"]["migrated"] and info["database"]["revision"] == head()
    assert "wenshui_fault_review" in info["deployed"]["processes"]
    assert info["deployed"]["regulations"] == ["chifeng", "chifeng_interference", "jinzhai", "mingshan",
                                               "review_appeal", "wenshui", "yanchi"]
    assert info["settings"]["WENZE_SECRET_KEY"] == "***" and "do-not-print" not in after


def test_info_masks_the_password_of_a_database_it_cannot_reach(tmp_path: Path) -> None:
    out = _command(tmp_path, WENZE_DATABASE_URL="postgresql://wenze:s3cret@127.0.0.1:9/wenze")("info").stdout
    info = json.loads(out)
    assert info["database"]["url"] == "postgresql://wenze:***@127.0.0.1:9/wenze"
    assert info["database"]["migrated"] is False and "cannot open" in info["database"]["error"]
    assert "s3cret" not in out


def test_an_unexpected_failure_is_one_json_line_and_a_traceback_only_when_asked(
        sqlite_db, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli.cases, "list_tasks", broken)
    monkeypatch.setenv("WENZE_DATABASE_URL", sqlite_db.url)
    for debug in ("0", "1"):
        monkeypatch.setenv("WENZE_DEBUG", debug)
        caplog.clear()
        with pytest.raises(SystemExit) as exited, caplog.at_level(logging.ERROR, logger="wenze"):
            cli.main(["tasks"], prog_name="wenze")
        assert exited.value.code == 1
        error = json.loads(capsys.readouterr().err)
        assert error["error"] == "internal" and error["message"] == "RuntimeError: a bug"
        logged = [r for r in caplog.records if r.exc_info]
        assert len(logged) == (1 if debug == "1" else 0)


def test_a_sixth_regulation_needs_no_python(tmp_path: Path) -> None:
    """A toy regulation in its own root: a diagram, a form, a blame table and its registry file."""
    root = tmp_path / "toy"
    for folder in ("bpmn/regulations", "dmn", "forms"):
        (root / folder).mkdir(parents=True)
    (root / "bpmn" / "toy_review.bpmn").write_text(TOY_BPMN, encoding="utf-8")
    (root / "forms" / "toy_review.json").write_text(json.dumps(
        {"type": "object", "title": "审查", "required": ["finding"],
         "properties": {"finding": {"type": "string", "title": "审查结论"}}}, ensure_ascii=False), encoding="utf-8")
    (root / "dmn" / "toy_blame.dmn").write_text(TOY_BLAME, encoding="utf-8")
    (root / "bpmn" / "regulations" / "toy.json").write_text(json.dumps(
        {"key": "toy", "name": "玩具县行政执法过错责任追究办法", "short_name": "玩具", "issuer": "玩具县人民政府",
         "processes": ["toy_review"],
         "fault_counting": {"window": "calendar_year", "same_type": False, "count_current_case": False,
                            "basis": "玩具 第三条「全年累计两次」"},
         "bodies": [{"lane": "审查科", "accounts": [{"name": "shencha", "display_name": "审查科 张明"}]}]},
        ensure_ascii=False), encoding="utf-8")
    wenze = _command(tmp_path, WENZE_DATABASE_URL=f"sqlite:///{tmp_path / 'toy.sqlite3'}")
    wenze("migrate")
    assert [d["process_id"] for d in json.loads(wenze("deploy", "--root", str(root)).stdout)] == ["toy_review"]
    assert "shencha     审查科 张明  [审查科]" in wenze("users", "demo").stdout
    blamed = json.loads(wenze("blame", "toy", "--facts", '{"act_mode": "direct", "persons": {"officer": "李某"}}').stdout)
    assert blamed["shares"] == [{"role": "officer", "person": "李某", "grade": "full", "basis": "玩具 第五条"}]
    started = json.loads(wenze("start", "toy_review", "--user", "shencha").stdout)
    [task] = json.loads(wenze("tasks", "--user", "shencha", "--json").stdout)
    assert task["case"] == started["case"] and task["lane"] == "审查科"
    done = json.loads(wenze("complete", task["id"], "--data", '{"finding": "无过错"}', "--user", "shencha").stdout)
    assert done["status"] == "completed"
    assert "toy" in json.loads(wenze("info").stdout)["deployed"]["regulations"]


TOY_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_toy" targetNamespace="http://wenze.test">
  <bpmn:collaboration id="c_toy"><bpmn:participant id="p_toy" processRef="toy_review"/></bpmn:collaboration>
  <bpmn:process id="toy_review" name="玩具 审查" isExecutable="true">
    <bpmn:laneSet id="ls_toy">
      <bpmn:lane id="l_review" name="审查科">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="审查">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="toy_review.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

TOY_BLAME = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_toy_blame" name="toy_blame"
    namespace="http://wenze.test">
  <decision id="toy_blame" name="玩具 第五条 责任划分">
    <decisionTable id="toy_blame_table" hitPolicy="RULE ORDER">
      <input id="in_mode" label="行为方式"><inputExpression id="ie_mode" typeRef="string"><text>act_mode</text>
      </inputExpression></input>
      <output id="out_role" name="role" typeRef="string"/>
      <output id="out_grade" name="grade" typeRef="string"/>
      <output id="out_basis" name="basis" typeRef="string"/>
      <rule id="r_direct"><description>玩具 第五条</description>
        <inputEntry id="r1i1"><text>"direct"</text></inputEntry>
        <outputEntry id="r1o1"><text>"officer"</text></outputEntry><outputEntry id="r1o2"><text>"full"</text></outputEntry>
        <outputEntry id="r1o3"><text>"玩具 第五条"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""
