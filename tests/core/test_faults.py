"""Repeat-offence counts come from the fault registry that cases write, never from a typed-in number."""
from __future__ import annotations

import pytest

from runner.core import cases
from runner.store.db import Database
from tests.conftest import FIXTURES, seed


@pytest.fixture
def registry(db: Database, clock) -> Database:
    seed(db, FIXTURES / "faults")
    return db


def _confirm(db: Database, process: str, person: str, fault_type: str, on: str) -> dict:
    started = cases.start_case(db, process, {}, "admin")
    cases.complete_task(db, started["ready_tasks"][0]["id"],
                        {"person": person, "fault_type": fault_type, "confirmed_on": on}, "admin")
    return cases.show_case(db, started["case"])


def test_wenshui_counts_earlier_faults_of_the_same_type_without_a_window(registry: Database) -> None:
    """文水 第九条(三)「两次或两次以上发生同类型的行政过错行为」: same type, no time window."""
    counts = [_confirm(registry, "wenshui_repeat_test", "张三", "第七条(三)", on)["data"]["prior_same_faults"]
              for on in ("2020-03-01", "2024-05-01", "2026-09-01")]
    assert counts == [0, 1, 2]
    other = _confirm(registry, "wenshui_repeat_test", "张三", "第八条(二)", "2026-09-02")
    assert other["data"]["prior_same_faults"] == 0
    assert other["faults"] == [{"person": "张三", "regulation": "wenshui", "fault_type": "第八条(二)",
                                "confirmed_on": "2026-09-02", "role": "officer", "grade": "full"}]
    assert [(e["person"], e["fault_type"], e["confirmed_on"]) for e in other["events"]
            if e["kind"] == "fault_recorded"] == [("张三", "第八条(二)", "2026-09-02")]


def test_jinzhai_counts_only_the_year_before(registry: Database) -> None:
    """金寨 第十七条(一)「同一责任人员一年内出现两次（含）以上同类过错行为」."""
    _confirm(registry, "jinzhai_repeat_test", "李四", "第五条(一)", "2025-09-01")
    _confirm(registry, "jinzhai_repeat_test", "李四", "第五条(一)", "2025-10-15")
    later = _confirm(registry, "jinzhai_repeat_test", "李四", "第五条(一)", "2026-10-01")
    assert later["data"]["prior_same_faults"] == 1        # 2025-09-01 lies outside 「一年内」


def test_registries_of_different_regulations_do_not_mix(registry: Database) -> None:
    _confirm(registry, "wenshui_repeat_test", "王五", "x", "2026-01-01")
    assert _confirm(registry, "jinzhai_repeat_test", "王五", "x", "2026-02-01")["data"]["prior_same_faults"] == 0


def test_where_configured_the_current_case_counts(registry: Database, overrides) -> None:
    overrides({"wenshui": {"count_current_case": True}})
    first = _confirm(registry, "wenshui_repeat_test", "赵六", "第七条(一)", "2026-01-01")
    assert first["data"]["prior_same_faults"] == 1           # the fault being assessed is the first


def test_an_override_changes_only_the_fields_it_names(registry: Database, overrides) -> None:
    """WENZE_FAULT_COUNTING {"jinzhai": {"window": "calendar_year"}}: 金寨 still counts only the same type."""
    overrides({"jinzhai": {"window": "calendar_year"}})
    _confirm(registry, "jinzhai_repeat_test", "孙七", "第五条(一)", "2025-12-01")
    _confirm(registry, "jinzhai_repeat_test", "孙七", "第五条(二)", "2026-02-01")
    later = _confirm(registry, "jinzhai_repeat_test", "孙七", "第五条(一)", "2026-03-01")
    assert later["data"]["prior_same_faults"] == 0    # 2025-12-01 is in another calendar year; 第五条(二) another type


def test_a_process_outside_the_registry_cannot_record_faults(db: Database, clock, tmp_path) -> None:
    import shutil

    from runner.errors import ScriptError
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "faults", root)
    (root / "bpmn" / "regulations" / "wenshui.json").unlink()
    seed(db, root)
    started = cases.start_case(db, "wenshui_repeat_test", {}, "admin")
    with pytest.raises(ScriptError, match="belongs to no regulation"):
        cases.complete_task(db, started["ready_tasks"][0]["id"],
                            {"person": "周八", "fault_type": "x", "confirmed_on": "2026-01-01"}, "admin")


def test_a_form_field_named_like_a_diagram_function_is_refused(tmp_path) -> None:
    import shutil

    from runner.core.deploy import build, read_sources
    from runner.errors import DeployError
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "faults", root)
    form = root / "forms" / "fault.json"
    form.write_text(form.read_text(encoding="utf-8").replace('"fault_type": {', '"prior_faults": {"type": "integer"}, "fault_type": {'),
                    encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        build(read_sources(root))
    assert refused.value.details == {"file": "fault.json", "field": "prior_faults"}
