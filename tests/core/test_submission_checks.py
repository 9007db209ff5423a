"""The registry of named submission checks (runner/core/submission_checks.py): what deploy refuses, and the 422 a
refused submission gets. No database, no engine."""
from __future__ import annotations

import pytest

from runner.core.submission_checks import CHECKS, apply, named, problems
from runner.errors import InvalidData


def decision(*people: str) -> dict[str, object]:
    return {"decided_on": "2026-10-23", "person_decisions": [{"person": p} for p in people]}


def test_the_registry_names_checks_and_refuses_unknown_ones_and_missing_fields() -> None:
    assert named("everyone_heard、other, third，") == ("everyone_heard", "other", "third")
    assert named(None) == ()
    assert problems(("everyone_heard",), {"person_decisions", "decided_on"}) == []
    assert problems(("everyone_heard",), {"decided_on"}) == [
        "names the submission check 'everyone_heard', which reads the field 'person_decisions' its form lacks"]
    assert problems(("everyone_heard",), None) == ["names the submission check 'everyone_heard' but has no form"]
    assert problems(("no_such",), set())[0].startswith("names the unknown submission check 'no_such'")
    assert set(CHECKS) >= {"everyone_heard"}


def test_apply_refuses_with_422_naming_every_person() -> None:
    with pytest.raises(InvalidData) as refused:
        apply(("everyone_heard",), {}, decision("刘伟", "孙丽"))
    assert refused.value.status == 422 and refused.value.details["check"] == "everyone_heard"
    assert refused.value.message.startswith("未经听取陈述和辩解，不能作出处理决定：「刘伟」")
    assert "「孙丽」" in refused.value.message
    assert [e["path"] for e in refused.value.details["errors"]] == ["person_decisions/0/person",
                                                                    "person_decisions/1/person"]
    apply(("everyone_heard",), {"statements": {"刘伟": {"outcome": "stated", "on": "2026-10-21"}}}, decision("刘伟"))     # passes: returns None
