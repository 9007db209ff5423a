"""Every shipped diagram passes bpmnlint's recommended rules (the npm package, run by the test suite)."""
from __future__ import annotations

import subprocess

import pytest

from tests.conftest import ROOT

BPMNLINT = ROOT / "node_modules" / ".bin" / "bpmnlint"
DIAGRAMS = sorted((ROOT / "bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.name for d in DIAGRAMS])
def test_diagram_passes_bpmnlint_recommended(diagram) -> None:
    if not BPMNLINT.exists():
        pytest.fail("bpmnlint is missing: scripts/test installs the npm packages (npm ci)")
    result = subprocess.run([str(BPMNLINT), str(diagram.relative_to(ROOT))], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    problems = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and "warning" not in problems, problems
