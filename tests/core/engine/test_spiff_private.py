"""Every private SpiffWorkflow name Wenze relies on is listed, and the installed engine still has each one."""
from __future__ import annotations

import re

from runner.core.engine import spiff_private
from tests.conftest import ROOT


def test_the_installed_spiffworkflow_has_every_listed_private_name() -> None:
    assert spiff_private.check() == []


def test_a_missing_name_is_reported_with_where_it_is_used() -> None:
    missing = spiff_private.PrivateName("SpiffWorkflow.task", "Task", "_no_such_name", "engine/x.py", "a probe")
    assert not spiff_private._present(missing)


def test_every_private_engine_name_used_in_the_engine_package_is_listed() -> None:
    listed = {entry.name for entry in spiff_private.PRIVATE_NAMES}
    used = set()
    for path in (ROOT / "runner" / "core" / "engine").glob("*.py"):
        # Attribute reads of SpiffWorkflow objects that start with one underscore (not our own self._… names).
        used |= {name for name in re.findall(r"(?<!self)\.(_[a-z][a-z_]*)\b", path.read_text(encoding="utf-8"))
                 if not name.startswith("__")}
    assert used - listed - {"_cached_specs", "_process_dict"} == set()
