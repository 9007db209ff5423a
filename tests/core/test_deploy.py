"""Deploy validates bpmn/ dmn/ forms/ and versions each process by content; bad files change nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runner.core.deploy import Source, build, deploy, read_sources
from runner.errors import DeployError
from runner.store.db import Database
from runner.store.models import Artifact, ProcessVersion
from tests.conftest import FIXTURES, ROOT

MINI = FIXTURES / "mini"
SHIPPED = ["chifeng_fault_accountability", "chifeng_interference", "jinzhai_lost_case_accountability",
           "mingshan_fault_accountability", "review_appeal", "wenshui_fault_review", "yanchi_fault_accountability"]


def _copy(tmp_path: Path, source: Path = MINI) -> Path:
    target = tmp_path / "procedures"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules"))
    return target


def _versions(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessVersion))


def _refused(db: Database, root: Path) -> DeployError:
    """Deploying `root` is refused, and nothing is stored."""
    with pytest.raises(DeployError) as refused:
        deploy(db, read_sources(root))
    assert _versions(db) == 0
    return refused.value


def test_the_shipped_procedures_deploy_and_redeploying_creates_nothing(db: Database) -> None:
    first = deploy(db, read_sources(ROOT))
    assert sorted(d.process_id for d in first) == SHIPPED and all(d.created for d in first)
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


def test_malformed_xml_is_refused_with_file_and_line(db: Database, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "bpmn" / "broken.bpmn").write_text(
        "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<bpmn:process>", encoding="utf-8")
    refused = _refused(db, root)
    assert refused.details == {"file": "broken.bpmn", "line": 2}
    assert refused.message.startswith("broken.bpmn: malformed XML: ")


# A billion-laughs payload small enough for libxml2's own amplification limit to let it through (the full ten levels
# are stopped by libxml2 as "malformed XML: Maximum entity amplification factor exceeded" whatever Wenze does): only
# Wenze's DOCTYPE refusal keeps its expansion out of a deployed diagram. libxml2 expands entity references inside
# attribute values even with resolve_entities=False, so a task named "&lol2;" would deploy as 100 "lol"s.
LAUGHS = '<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' \
         '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
XXE = '<!ENTITY xxe SYSTEM "file:///etc/passwd">'
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
HOSTILE_DIAGRAMS = {      # (internal DTD subset, the intake task's name, its documentation)
    "doctype": (None, "受理登记", None),
    "billion_laughs": (LAUGHS, "&lol2;", None),
    "xxe": (XXE, "受理登记", "&xxe;"),
}


def _hostile(xml: str, root_tag: str, subset: str | None, replacements: dict[str, str]) -> str:
    """A valid file with a DOCTYPE (and internal subset) inserted after its XML declaration, and `replacements`."""
    doctype = f"<!DOCTYPE {root_tag}{f' [{subset}]' if subset else ''}>\n"
    assert xml.startswith(XML_DECLARATION)
    xml = xml.replace(XML_DECLARATION, XML_DECLARATION + doctype, 1)
    for old, new in replacements.items():
        assert xml.count(old) == 1, old
        xml = xml.replace(old, new)
    return xml


def _intake(name: str, documentation: str | None) -> dict[str, str]:
    task = '<bpmn:userTask id="intake" name="受理登记">'
    doc = f"\n      <bpmn:documentation>{documentation}</bpmn:documentation>" if documentation else ""
    return {task: f'<bpmn:userTask id="intake" name="{name}">{doc}'}


@pytest.mark.parametrize("payload", sorted(HOSTILE_DIAGRAMS))
def test_a_doctype_or_entities_in_an_otherwise_valid_diagram_are_refused(db: Database, tmp_path: Path,
                                                                         payload: str) -> None:
    """A DOCTYPE, a billion-laughs internal subset or an external entity (XXE) in mini.bpmn, which deploys without
    them: the deployment is refused for the DOCTYPE itself, naming the file, and nothing is stored."""
    subset, name, documentation = HOSTILE_DIAGRAMS[payload]
    root = _copy(tmp_path)
    diagram = root / "bpmn" / "mini.bpmn"
    diagram.write_text(_hostile(diagram.read_text(encoding="utf-8"), "bpmn:definitions", subset,
                                _intake(name, documentation)), encoding="utf-8")
    refused = _refused(db, root)
    assert (refused.message, refused.details) == ("mini.bpmn: DOCTYPE declarations are not allowed",
                                                  {"file": "mini.bpmn", "line": 1})


def test_without_the_doctype_the_hostile_diagrams_are_valid(tmp_path: Path) -> None:
    """The refusal above is the DOCTYPE's: the same diagram with the entities written out (the task named with the
    100 "lol"s, the documentation text in place of &xxe;) builds."""
    root = _copy(tmp_path)
    diagram = root / "bpmn" / "mini.bpmn"
    [(task, expanded)] = _intake("lol" * 100, "/etc/passwd").items()
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(task, expanded), encoding="utf-8")
    [built] = build(read_sources(root))
    assert built.process_id == "mini"
    assert built.specs["spec"]["task_specs"]["intake"]["bpmn_name"] == "lol" * 100


# The same for decision tables: share.dmn deploys as it is (tests/core/test_decision_tasks.py); an input label
# "&lol2;" would deploy expanded, an external entity in a rule's description would be read from the disk.
HOSTILE_TABLES = {
    "doctype": (None, {}),
    "billion_laughs": (LAUGHS, {'label="行为方式"': 'label="&lol2;"'}),
    "xxe": (XXE, {"<description>第七条(一)</description>": "<description>&xxe;</description>"}),
}


@pytest.mark.parametrize("payload", sorted(HOSTILE_TABLES))
def test_a_doctype_or_entities_in_an_otherwise_valid_decision_table_are_refused(db: Database, tmp_path: Path,
                                                                                payload: str) -> None:
    subset, replacements = HOSTILE_TABLES[payload]
    root = _copy(tmp_path, FIXTURES / "decision")
    table = root / "dmn" / "share.dmn"
    table.write_text(_hostile(table.read_text(encoding="utf-8"), "definitions", subset, replacements),
                     encoding="utf-8")
    refused = _refused(db, root)
    assert (refused.message, refused.details) == (
        "share.dmn: DOCTYPE and entity declarations are not allowed in DMN files", {"file": "share.dmn", "line": 1})


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
    text = bpmn.read_text(encoding="utf-8")
    bpmn.write_text(text.replace("<bpmn:endEvent", "<bpmn:endEvnt").replace("</bpmn:endEvent>", "</bpmn:endEvnt>"),
                    encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    end_event_line = 1 + text[:text.index("<bpmn:endEvent")].count("\n")
    assert refused.value.details == {"file": "mini.bpmn", "line": end_event_line}
    assert refused.value.message.startswith(f"mini.bpmn (line {end_event_line}): Element "
                                            "'{http://www.omg.org/spec/BPMN/20100524/MODEL}endEvnt': "
                                            "This element is not expected.")


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


def _with_checks(root: Path, element: str, value: str) -> None:
    """Name submission checks on one user task of mini.bpmn."""
    bpmn = root / "bpmn" / "mini.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    anchor = f'<bpmn:userTask id="{element}"'
    properties = text.index("<spiffworkflow:properties>", text.index(anchor)) + len("<spiffworkflow:properties>")
    bpmn.write_text(text[:properties] + f'<spiffworkflow:property name="submissionChecks" value="{value}"/>'
                    + text[properties:], encoding="utf-8")


def test_the_shipped_decisions_name_the_hearing_check() -> None:
    """明山 第十八条 and 文水 第十八条: the decision tasks carry everyone_heard in their versions."""
    checks = {b.process_id: b.specs["submission_checks"] for b in build(read_sources(ROOT))}
    assert checks["mingshan_fault_accountability"]["decide"] == ["everyone_heard"]
    assert checks["wenshui_fault_review"]["decide"] == ["everyone_heard"]
    # 盐池 gives no hearing right: none of its tasks checks hearings (its appeal registrations check windows)
    assert all("everyone_heard" not in names for names in checks["yanchi_fault_accountability"].values())


def test_an_unknown_submission_check_is_refused_naming_the_task(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _with_checks(root, "decide", "everyone_heard、nobody_asked")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.bpmn", "element": "decide"}
    assert "unknown submission check 'nobody_asked'" in refused.value.message
    _with_checks(_copy(tmp_path / "known"), "decide", "everyone_heard")    # the mini decision form has its fields
    assert build(read_sources(tmp_path / "known" / "procedures"))[0].specs["submission_checks"] == {
        "decide": ["everyone_heard"]}


def test_a_check_on_a_form_without_the_fields_it_reads_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _with_checks(root, "intake", "everyone_heard")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.bpmn", "element": "intake"}
    assert "reads the field 'person_decisions' its form lacks" in refused.value.message


def _shipped_copy(tmp_path: Path) -> Path:
    """The shipped procedures (bpmn/ with its registry, dmn/, forms/) in a folder of their own."""
    root = tmp_path / "procedures"
    for folder in ("bpmn", "dmn", "forms"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def _urging(root: Path, task: str, urged: str) -> None:
    """Make the shipped 文水 task `task` urge `urged`."""
    bpmn = root / "bpmn" / "wenshui_fault_review.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    start = text.index(f'<bpmn:userTask id="{task}"')
    at = text.index('<spiffworkflow:property name="urges" value="', start)
    end = text.index('"', at + len('<spiffworkflow:property name="urges" value="'))
    bpmn.write_text(text[:at] + f'<spiffworkflow:property name="urges" value="{urged}' + text[end:], encoding="utf-8")


def test_every_reminder_and_supervision_task_names_the_step_it_urges() -> None:
    """issue 12: each reminder, 逾期说明, 督办 and 跟进 task on a boundary timer's branch ends with the step it urges;
    the shipped diagrams name that step on each of them (property `urges`)."""
    from lxml import etree
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    named = {}
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        for task in etree.parse(str(path)).xpath("//bpmn:userTask", namespaces=ns):
            if task.get("id").split("_")[0] in ("remind", "urge", "supervise", "follow"):
                named[task.get("id")] = task.xpath('.//spiff:property[@name="urges"]/@value', namespaces=ns)
    assert len(named) == 24 and all(len(urged) == 1 for urged in named.values()), named
    assert named["urge_preliminary_review"] == ["preliminary_review"]
    assert named["supervise_investigation"] == ["wenshui_investigation"]


@pytest.mark.parametrize(("urged", "why"), [
    ("preliminary_reveiw", "urges 'preliminary_reveiw', which is no element of the same process or sub-process"),
    ("gw_file_case", "urges 'gw_file_case', which is a exclusiveGateway, not a user task or sub-process"),
    ("decide_filing", "urges 'decide_filing' but stands on no branch of a non-interrupting boundary timer of it"),
    ("investigate", "urges 'investigate', which is no element of the same process or sub-process"),
])
def test_a_task_urging_what_it_cannot_urge_is_refused_naming_it(tmp_path: Path, urged: str, why: str) -> None:
    root = _shipped_copy(tmp_path)
    _urging(root, "urge_preliminary_review", urged)
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.message == f"wenshui_fault_review.bpmn: element 'urge_preliminary_review' {why}"
    assert refused.value.details["element"] == "urge_preliminary_review"
    assert refused.value.details["file"] == "wenshui_fault_review.bpmn" and refused.value.details["line"] > 0
