"""The server's verdict on a form is read by staff next to the field they filled in: it speaks Chinese."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runner.core import forms
from runner.errors import InvalidData

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _errors(form: str, data: dict[str, Any]) -> InvalidData:
    validator = forms.compile_schema(json.loads((FORMS / form).read_text(encoding="utf-8")))
    with pytest.raises(InvalidData) as refused:
        forms.validate(validator, data)
    return refused.value


def test_a_missing_field_and_a_wrong_date_are_named_by_title_in_chinese() -> None:
    refused = _errors("wenshui_preliminary_review.json", {
        "preliminary_finding": "已核实", "recommend_filing": True, "review_completed_on": "2026-13-40"})
    by_path = {e["path"]: e for e in refused.details["errors"]}
    assert by_path["review_completed_on"]["title"] == "初步审查完成日期"
    assert by_path["review_completed_on"]["message"] == "应为日期（年-月-日，如 2026-10-09）"
    assert by_path["reported_to_party_group_on"]["message"] == "必须填写"
    assert str(refused).startswith("表单填写有误（共 2 处）：「")


def test_empty_text_wrong_type_and_a_foreign_field() -> None:
    refused = _errors("wenshui_preliminary_review.json", {
        "preliminary_finding": "", "recommend_filing": "是", "review_completed_on": "2026-10-09",
        "reported_to_party_group_on": "2026-10-09", "reporter_phone": "13800000000"})
    assert str(refused) == "表单填写有误（共 3 处）：「reporter_phone」不是本表单的字段"
    assert {e["path"]: e["message"] for e in refused.details["errors"]} == {
        "reporter_phone": "「reporter_phone」不是本表单的字段", "preliminary_finding": "不能为空",
        "recommend_filing": "应为是或否"}


def test_choices_and_lists_name_what_may_be_chosen() -> None:
    refused = _errors("chifeng_confirm.json", {
        "case_no": "赤应急〔2026〕1号", "source": "案卷评查", "confirmed_by": "派驻纪检监察组",
        "confirmed_on": "2026-10-09", "targets": [{"name": "张三", "kind": "person"}], "art5_items": [],
        "is_fault": True, "summary": "未履行告知义务"})
    messages = {e["path"]: e["message"] for e in refused.details["errors"]}
    assert messages["targets/0/kind"] == "只能选择：个人、科室、所属事业单位"
    assert all("property" not in m and "is not" not in m for m in messages.values())
