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


# ------------------------------------------------------------------------------------- called lanes and remedies

_CALLER = {"key": "caller", "name": "调用方", "short_name": "调用", "processes": ["caller"],
           "bodies": [{"lane": "办公室", "accounts": [{"name": "bangong", "display_name": "办公室 甲"}]},
                      {"lane": "监察部门", "accounts": [{"name": "jiancha", "display_name": "监察部门 乙"}]}],
           "called_lanes": {"shared": {"申诉受理机关": "监察部门"}}}
_LANES = {"caller": {"办公室"}, "shared": {"问责案件主办机构", "申诉受理机关"}}


def _check(entry: dict[str, Any], lanes: dict[str, set[str]] = _LANES) -> regulations.Registry:
    registry = regulations.load([("caller.json", json.dumps(entry, ensure_ascii=False))])
    regulations.check_lanes(registry, lanes)
    return registry


def test_a_body_bound_to_a_called_lane_plays_it_and_needs_no_lane_of_its_own() -> None:
    """文水 第十九条's 上级组织人事部门/监察部门 works review_appeal's 申诉受理机关 lane in 文水 cases; lanes it does not
    bind stay the called process's own."""
    [caller] = _check(_CALLER).values()
    assert caller.bound_lane("shared", "申诉受理机关") == "监察部门"
    assert caller.bound_lane("shared", "问责案件主办机构") == "问责案件主办机构"
    assert caller.bound_lane("caller", "办公室") == "办公室"


@pytest.mark.parametrize("binding, lanes, message, field", [
    ({"shared": {"复核科": "监察部门"}}, _LANES, "'复核科' is no lane of a deployed process 'shared'",
     "called_lanes/shared/复核科"),
    ({"nowhere": {"申诉受理机关": "监察部门"}}, _LANES, "is no lane of a deployed process 'nowhere'",
     "called_lanes/nowhere/申诉受理机关"),
    ({"shared": {"申诉受理机关": "纪委"}}, _LANES, "'纪委' (bound to shared's '申诉受理机关') is not one of its bodies",
     "called_lanes/shared/申诉受理机关"),
    ({}, _LANES, "body '监察部门' is no lane of caller", "bodies/1/lane"),
], ids=["no such lane", "no such process", "not a body of the entry", "a body neither drawn nor bound"])
def test_a_binding_names_a_lane_of_a_deployed_called_process_and_a_body_of_the_entry(
        binding: dict[str, Any], lanes: dict[str, set[str]], message: str, field: str) -> None:
    with pytest.raises(DeployError, match=message.replace("(", r"\(").replace(")", r"\)")) as refused:
        _check(_CALLER | {"called_lanes": binding}, lanes)
    assert refused.value.details == {"file": "caller.json", "field": field}


def test_an_empty_binding_is_refused_by_the_schema() -> None:
    with pytest.raises(DeployError) as refused:
        _check(_CALLER | {"called_lanes": {"shared": {}}})
    assert refused.value.details == {"file": "caller.json", "field": "called_lanes/shared"}


def test_each_regulation_s_cases_give_review_appeal_s_lanes_to_the_bodies_its_text_names(deployed: Database) -> None:
    """盐池 第十三条, 文水 第十九条 name the bodies; 金寨 二十一 refers to 《公务员法》第九十五条; where 赤峰 第十二条 and
    明山 第十三条 name none, the bound body says it is one the office designates. A standalone review_appeal keeps its
    generic lanes."""
    found = {pid: {lane: v.lane("review_appeal", lane) for lane in ("问责案件主办机构", "复核机关", "申诉受理机关")}
             for pid, v in _versions_by_process(deployed).items() if pid != "chifeng_interference"}
    assert found == {
        "yanchi_fault_accountability": {"问责案件主办机构": "局办公室", "复核机关": "局重大执法决定法制审核机构",
                                        "申诉受理机关": "同级主管部门或上级业务主管部门"},
        "wenshui_fault_review": {"问责案件主办机构": "综合股/办公室", "复核机关": "复核机关",    # 第十九条: no 复核
                                 "申诉受理机关": "上级组织人事部门/监察部门"},
        "jinzhai_lost_case_accountability": {"问责案件主办机构": "联席会议办公室", "复核机关": "问责机关",
                                             "申诉受理机关": "同级公务员主管部门或作出问责决定的机关的上一级机关"},
        "chifeng_fault_accountability": {"问责案件主办机构": "派驻纪检监察组",
                                         "复核机关": "复核机关（赤峰 第十二条未规定，由本局指定）",
                                         "申诉受理机关": "受理申诉的有关部门（赤峰 第十二条未具体规定，由本局指定）"},
        "mingshan_fault_accountability": {"问责案件主办机构": "领导小组办公室", "复核机关": "复核机关",  # 第十三条: no 复核
                                          "申诉受理机关": "申诉受理机关（明山 第十三条未规定，由本机关指定）"},
        "review_appeal": {"问责案件主办机构": "问责案件主办机构", "复核机关": "复核机关", "申诉受理机关": "申诉受理机关"},
    }


def _seed(key: str) -> str:
    """The regulation's text (tests/fixtures/seeds/), without white space, with ASCII commas as the text means them."""
    text = (FIXTURES / "seeds" / f"{key}.txt").read_text(encoding="utf-8")
    return "".join(text.split()).replace(",", "，")


def _quoted(registry: regulations.Registry) -> list[tuple[str, str, str]]:
    """(regulation, field, words) of every remedy wording the registry gives as the regulation's own."""
    quoted = []
    for key in ("yanchi", "mingshan", "chifeng", "jinzhai", "wenshui"):
        remedies = registry[key].remedies
        assert remedies is not None, key
        for kind in ("review", "appeal"):
            remedy = remedies[kind]
            if remedy is not None and "source" not in remedy:       # 金寨 二十一 refers to 《公务员法》: not quoted
                quoted += [(key, f"{kind}/{name}", remedy[name]) for name in ("body", "window", "scope") if remedy[name]]
        if remedies["execution"]["source"] == remedies["article"]:    # the text's own rule, not 《公务员法》's
            quoted.append((key, "execution/rule", remedies["execution"]["rule"]))
    return quoted


def test_the_remedies_quote_the_texts_of_the_five_regulations() -> None:
    """What a decision notice tells a person about 复核 and 申诉 is the text's own wording: every body, window and scope
    the registry gives as the regulation's own appears in its text (盐池 第十三条, 明山 第十三条, 赤峰 第十二条, 金寨
    二十一, 文水 第十九条), and the article it cites is where the text says it."""
    registry = regulations.load((p.name, p.read_text(encoding="utf-8"))
                                for p in sorted((ROOT / "bpmn" / "regulations").glob("*.json")))
    quoted = _quoted(registry)
    assert {(key, field) for key, field, _ in quoted} >= {
        ("yanchi", "review/body"), ("yanchi", "appeal/body"), ("yanchi", "appeal/window"), ("yanchi", "execution/rule"),
        ("mingshan", "appeal/scope"), ("chifeng", "review/window"), ("chifeng", "appeal/body"),
        ("jinzhai", "execution/rule"), ("wenshui", "appeal/body"), ("wenshui", "appeal/window")}
    assert [(key, field, words) for key, field, words in quoted if "".join(words.split()) not in _seed(key)] == []
    for key in ("yanchi", "mingshan", "chifeng", "wenshui"):
        article = registry[key].remedies["article"].split()[-1]     # 第十三条 …
        assert article in _seed(key), key
    assert "二十一、责任人员对涉及本人的问责决定不服的" in _seed("jinzhai")
