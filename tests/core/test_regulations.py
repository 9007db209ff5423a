"""The regulation registry (bpmn/regulations/*.json): validated at deploy, stored with it, and the source of each
process's regulation, its fault-counting rule and the demo accounts."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import select

from runner.core import counting, regulations, versions
from runner.core.deploy import build, deploy, deployed_regulations, read_sources
from runner.errors import DeployError, InvalidSetting
from runner.core.users import ADMIN
from runner.store.db import Database
from runner.store.models import ProcessVersion, User
from tests.conftest import FIXTURES, ROOT, seed

MINI = FIXTURES / "mini"


def _mini(tmp_path: Path) -> Path:
    root = tmp_path / "procedures"
    shutil.copytree(MINI, root)
    return root


def _edit(root: Path, change: Callable[[dict[str, Any]], None], name: str = "mini.json") -> None:
    path = root / "bpmn" / "regulations" / name
    entry = json.loads(path.read_text(encoding="utf-8"))
    change(entry)
    path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")


def _versions_by_process(db: Database) -> dict[str, versions.Version]:
    with db.read() as session:
        rows = session.execute(select(ProcessVersion.id, ProcessVersion.process_id)).all()
        return {row.process_id: versions.load(session.connection(), row.id) for row in rows}


def test_every_shipped_process_knows_its_regulation_and_counting_rule(deployed: Database) -> None:
    """The rules of domain.md §X.3, now read from the registry files; 赤峰's interference register counts apart."""
    found = {pid: (v.regulation, v.fault_counting and {k: v.fault_counting[k] for k in
                                                        ("window", "same_type", "count_current_case")})
             for pid, v in _versions_by_process(deployed).items()}
    assert found == {
        "yanchi_fault_accountability": ("yanchi", {"window": "calendar_year", "same_type": False,
                                                   "count_current_case": False}),
        "mingshan_fault_accountability": ("mingshan", {"window": "calendar_year", "same_type": False,
                                                       "count_current_case": False}),
        "chifeng_fault_accountability": ("chifeng", {"window": "lifetime", "same_type": False,
                                                     "count_current_case": False}),
        "chifeng_interference": ("chifeng_interference", {"window": "lifetime", "same_type": False,
                                                          "count_current_case": False}),
        "jinzhai_lost_case_accountability": ("jinzhai", {"window": "one_year", "same_type": True,
                                                         "count_current_case": False}),
        "wenshui_fault_review": ("wenshui", {"window": "lifetime", "same_type": True, "count_current_case": False}),
        "review_appeal": ("review_appeal", None),      # the shared 复核/申诉 call activity records no faults
    }


def test_every_lane_of_the_shipped_diagrams_has_a_demo_account(deployed: Database) -> None:
    with deployed.read() as session:
        registry = deployed_regulations(session)
        roles = {name: roles for name, roles in session.execute(select(User.name, User.roles))}
    lanes = {body.lane for regulation in registry.values() for body in regulation.bodies}
    assert lanes == {role for held in roles.values() for role in held} - {ADMIN}
    assert roles[ADMIN] == [ADMIN]
    # 局党组 is a body of 文水 and of 赤峰; 派驻纪检监察组 of 赤峰 and its interference register: one account each.
    assert roles["dangzu"] == ["局党组"] and roles["jijian"] == ["派驻纪检监察组"]
    assert {regulation.short_name for regulation in registry.values()} >= {"盐池", "明山", "赤峰", "金寨", "文水"}


@pytest.mark.parametrize("change, details", [
    (lambda e: e["fault_counting"].update(window="lifetme"), {"field": "fault_counting/window"}),
    (lambda e: e["fault_counting"].update(windows="lifetime"), {"field": "fault_counting/windows"}),
    (lambda e: e.pop("short_name"), {"field": "short_name"}),
    (lambda e: e.update(key="other"), {"field": "key"}),
    (lambda e: e.update(processes=["minni"]), {"field": "processes/0"}),
    (lambda e: e["bodies"][0].update(lane="综合股"), {"field": "bodies/0/lane"}),
    (lambda e: e["bodies"].pop(), {"field": "bodies"}),
    (lambda e: e["bodies"][0]["accounts"][0].update(name=ADMIN), {"field": "bodies/0/accounts/0/name"}),
    (lambda e: e["bodies"][1]["accounts"][0].update(name="zonghe"), {"field": "bodies"}),
], ids=["window value", "field name", "missing field", "key is not the file name", "unknown process",
        "body that is no lane", "lane without a body", "admin account", "one account, two display names"])
def test_a_bad_registry_entry_is_refused_naming_file_and_field(tmp_path: Path, change: Callable[..., Any],
                                                               details: dict[str, str]) -> None:
    root = _mini(tmp_path)
    _edit(root, lambda e: e.update(fault_counting={"window": "lifetime", "same_type": False,
                                                   "count_current_case": False, "basis": "第一条"}))
    build(read_sources(root))
    _edit(root, change)
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.json", **details}


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    root = _mini(tmp_path)
    (root / "bpmn" / "regulations" / "mini.json").write_text('{"key": "mini",\n "name": }', encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "mini.json", "line": 2}


def test_a_process_claimed_by_two_entries_is_refused(tmp_path: Path) -> None:
    root = _mini(tmp_path)
    shutil.copy(root / "bpmn" / "regulations" / "mini.json", root / "bpmn" / "regulations" / "twin.json")
    _edit(root, lambda e: e.update(key="twin"), "twin.json")
    with pytest.raises(DeployError, match="already belongs to mini.json") as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "twin.json", "field": "processes/0"}


def test_a_deployment_may_not_contradict_the_registry_deployed_before(db: Database, tmp_path: Path) -> None:
    """A deployment adds and replaces files: an entry deployed earlier still claims its processes."""
    deploy(db, read_sources(MINI))
    root = _mini(tmp_path)
    (root / "bpmn" / "regulations" / "mini.json").rename(root / "bpmn" / "regulations" / "twin.json")
    _edit(root, lambda e: e.update(key="twin"), "twin.json")
    with pytest.raises(DeployError, match="process 'mini' already belongs to mini.json"):
        deploy(db, read_sources(root))
    with db.read() as session:
        assert list(deployed_regulations(session)) == ["mini"]


def test_editing_a_registry_entry_versions_only_its_processes(db: Database, tmp_path: Path) -> None:
    root = _mini(tmp_path)
    (root / "bpmn" / "other.bpmn").write_text((root / "bpmn" / "mini.bpmn").read_text(encoding="utf-8")
                                              .replace('id="mini"', 'id="other"').replace('"mini"', '"other"'),
                                              encoding="utf-8")
    before = {d.process_id: d.version_id for d in deploy(db, read_sources(root))}
    _edit(root, lambda e: e["bodies"][0]["accounts"][0].update(display_name="综合股 王敏（新）"))
    after = {d.process_id: (d.version_id, d.created) for d in deploy(db, read_sources(root))}
    assert after["other"] == (before["other"], False)
    assert after["mini"][1] and after["mini"][0] != before["mini"]


def test_a_rolled_back_entry_is_the_deployed_one_again(db: Database, tmp_path: Path) -> None:
    root = _mini(tmp_path)
    deploy(db, read_sources(root))
    original = (root / "bpmn" / "regulations" / "mini.json").read_text(encoding="utf-8")
    _edit(root, lambda e: e.update(name="改过的名称"))
    deploy(db, read_sources(root))
    (root / "bpmn" / "regulations" / "mini.json").write_text(original, encoding="utf-8")
    deploy(db, read_sources(root))
    with db.read() as session:
        assert deployed_regulations(session)["mini"].name == "最小受理立案程序（测试用）"


def test_the_registry_is_stored_with_the_deployment_and_feeds_the_demo_accounts(db: Database) -> None:
    seed(db, MINI)
    with db.read() as session:
        registry = deployed_regulations(session)
        accounts = dict(session.execute(select(User.name, User.roles)).all())
    assert list(registry) == ["mini"] and registry["mini"].processes == ("mini",)
    assert accounts == {ADMIN: [ADMIN], "zonghe": ["综合股/办公室"], "dangzu": ["局党组"]}


def test_counting_overrides_may_name_only_deployed_regulations_that_count_faults() -> None:
    registry = regulations.load((p.name, p.read_text(encoding="utf-8"))
                                for p in sorted((ROOT / "bpmn" / "regulations").glob("*.json")))
    regulations.check_overrides(registry, {"jinzhai": counting.Override(window="calendar_year")})
    for key in ("jinzai", "review_appeal"):
        with pytest.raises(InvalidSetting, match=f"unknown regulation '{key}'.*jinzhai") as refused:
            regulations.check_overrides(registry, {key: counting.Override()})
        assert refused.value.details == {"variable": "WENZE_FAULT_COUNTING"}
