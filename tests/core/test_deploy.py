"""Deploy validates bpmn/ dmn/ forms/ and versions each process by content; bad files change nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runner.core.deploy import Source, build, deploy, read_sources
from runner.core.errors import DeployError
from runner.store.db import Database
from runner.store.models import Artifact, ProcessVersion
from tests.conftest import FIXTURES, ROOT

MINI = FIXTURES / "mini"


def _copy(tmp_path: Path, source: Path = MINI) -> Path:
    target = tmp_path / "procedures"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules"))
    return target


def _versions(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessVersion))


def test_the_shipped_procedures_deploy_and_redeploying_creates_nothing(db: Database) -> None:
    first = deploy(db, read_sources(ROOT))
    assert {d.process_id for d in first} >= {"wenshui_fault_review"} and all(d.created for d in first)
    again = deploy(db, read_sources(ROOT))
    assert [d.version_id for d in again] == [d.version_id for d in first] and not any(d.created for d in again)


def test_changing_a_form_versions_only_the_processes_using_it(db: Database, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "bpmn" / "other.bpmn").write_text((root / "bpmn" / "mini.bpmn").read_text(encoding="utf-8")
                                              .replace('id="mini"', 'id="other"').replace('"mini"', '"other"')
                                              .replace("mini_intake.json", "other_intake.json"), encoding="utf-8")
    shutil.copy(root / "forms" / "mini_intake.json", root / "forms" / "other_intake.json")
    before = {d.process_id: d.version_id for d in deploy(db, read_sources(root))}
    form = root / "forms" / "mini_intake.json"
    form.write_text(form.read_text(encoding="utf-8").replace("受理人", "受理人员"), encoding="utf-8")
    after = {d.process_id: (d.version_id, d.created) for d in deploy(db, read_sources(root))}
    assert after["other"] == (before["other"], False)
    assert after["mini"][1] and after["mini"][0] != before["mini"]


@pytest.mark.parametrize("name, content, expected", [
    ("broken.bpmn", "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<bpmn:process>",
     {"file": "broken.bpmn", "line": 2}),
    ("laughs.bpmn", '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<x>&b;</x>',
     {"file": "laughs.bpmn"}),
    ("xxe.bpmn", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', {"file": "xxe.bpmn"}),
])
def test_malformed_or_hostile_xml_is_refused_with_file_and_line(db: Database, tmp_path: Path, name: str,
                                                               content: str, expected: dict) -> None:
    root = _copy(tmp_path)
    (root / "bpmn" / name).write_text(content, encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        deploy(db, read_sources(root))
    assert expected.items() <= refused.value.details.items()
    assert _versions(db) == 0


def test_a_missing_form_names_the_user_task(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "forms" / "mini_decide.json").unlink()
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.bpmn", "element": "decide"}
    assert "mini_decide.json" in refused.value.message


def test_an_invalid_form_names_the_file_and_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "forms" / "mini_decide.json").write_text('{"type": "object",\n "properties": {,}}', encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini_decide.json", "line": 2}
    (root / "forms" / "mini_decide.json").write_text('{"type": "object", "properties": {"a": {"type": "nope"}}}',
                                                     encoding="utf-8")
    with pytest.raises(DeployError, match="properties/a/type"):
        build(read_sources(root))


def test_a_schema_invalid_diagram_names_the_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    bpmn = root / "bpmn" / "mini.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace("<bpmn:endEvent", "<bpmn:endEvnt")
                    .replace("</bpmn:endEvent>", "</bpmn:endEvnt>"), encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details["file"] == "mini.bpmn" and refused.value.details["line"] > 1


def test_a_syntax_error_in_a_condition_names_the_element(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    bpmn = root / "bpmn" / "mini.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('period_end(received_on, 5, "calendar_days")',
                                                             'period_end(received_on, 5,'), encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.bpmn", "element": "decide_due"}


def test_artifacts_are_stored_once_per_content(db: Database) -> None:
    deploy(db, read_sources(MINI))
    deploy(db, read_sources(MINI))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Artifact)) == len(read_sources(MINI))


def test_the_same_file_given_twice_is_refused() -> None:
    source = Source("form", "a.json", "{}")
    with pytest.raises(DeployError, match="given twice"):
        build([source, source])
