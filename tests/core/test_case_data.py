"""Data in is data declared (runner/core/case_data.py, runner/core/forms.py): what a person submits to start a case
or complete a task is refused, with its field path, unless its form declares it and the stores can hold it; no value
can come back as something else."""
from __future__ import annotations

import pytest

from runner.core import case_data, cases
from runner.errors import InvalidData
from runner.store.db import Database
from tests.core.conftest import INTAKE, only_task


@pytest.mark.parametrize("data, path, says", [
    ({"tags": [float("nan")]}, "tags/0", "有限数"),
    ({"tags": [float("inf")]}, "tags/0", "有限数"),
    ({"tags": ["a\x00b"]}, "tags/0", "空字符"),
    ({"tags": ["\ud800"]}, "tags/0", "代理字符"),
    ({"tags": [2 ** 64]}, "tags/0", "64 位"),
    ({"deadline": "x"}, "deadline", "保留名称"),
    ({"len": 1}, "len", "保留名称"),
    ({"_getattr_": 1}, "_getattr_", "保留名称"),
    ({"x": {"typename": "nope"}}, "x/typename", "保留字段名"),
])
def test_what_the_stores_cannot_hold_or_the_engine_reserves_is_refused_by_path(data: dict, path: str, says: str) -> None:
    with pytest.raises(InvalidData) as refused:
        case_data.clean(data)
    assert [(e["path"], says in e["message"]) for e in refused.value.details["errors"]] == [(path, True)]


def test_names_that_only_look_special_round_trip_unchanged(mini: Database) -> None:
    odd = {"__class__": "x", "__init__": {"__dict__": [1, 2]}, "spec_ref": "y", "name": "张三"}
    case_id = cases.start_case(mini, "mini", {"tags": ["甲"]}, "zonghe")["case"]
    cases.complete_task(mini, only_task(mini, "intake")["id"],
                        INTAKE | {"tags": [], "members": [{"name": "李四", **odd}]}, "zonghe")
    assert cases.show_case(mini, case_id)["data"]["members"] == [{"name": "李四", **odd}]


def test_start_data_is_validated_against_the_start_form(mini: Database) -> None:
    with pytest.raises(InvalidData) as refused:
        cases.start_case(mini, "mini", {"x": {"typename": "nope"}, "tags": "not a list"}, "zonghe")
    assert [e["path"] for e in refused.value.details["errors"]] == ["x/typename"]     # refused before the form
    with pytest.raises(InvalidData) as undeclared:
        cases.start_case(mini, "mini", {"x": 1, "tags": "not a list"}, "zonghe")
    assert [e["path"] for e in undeclared.value.details["errors"]] == ["x", "tags"]
    assert cases.list_tasks(mini) == []                                       # nothing was started


def test_a_submission_may_carry_only_its_own_fields(mini: Database) -> None:
    cases.start_case(mini, "mini", {}, "zonghe")
    intake = only_task(mini, "intake")
    with pytest.raises(InvalidData) as refused:                 # 决定's field, written by 受理登记: refused
        cases.complete_task(mini, intake["id"], INTAKE | {"tags": [], "outcome": "立案"}, "zonghe")
    assert refused.value.details["errors"] == [{"path": "outcome", "message": "「outcome」不是本表单的字段"}]
    assert only_task(mini, "intake")["id"] == intake["id"]
