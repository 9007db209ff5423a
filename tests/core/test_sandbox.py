"""Scripts, conditions and timer expressions run restricted; hostile payloads are refused, at deploy and at run."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from runner.core import engine, sandbox, xmlsafe
from runner.core.deploy import Source, build
from runner.core.engine.scripts import RestrictedEnvironment
from runner.errors import DeployError, ScriptError
from runner.core.functions import SCRIPT_ENGINE

TEMPLATE = (Path(__file__).parent.parent / "fixtures" / "hostile.bpmn.template").read_text()

SCRIPT_PAYLOADS = {
    "import statement": "import os\nresult = os.getpid()",
    "from-import": "from os import getpid\nresult = getpid()",
    "__import__ call": "result = __import__('os').getpid()",
    "open a file": "result = open('/etc/hostname').read()",
    "dunder walk to subclasses": "result = ().__class__.__base__.__subclasses__()",
    "getattr dunder": "result = getattr((), '__class__')",
    "eval": "result = eval('1 + 1')",
    "format-string attribute walk": "result = '{0.__class__}'.format(1)",
    "globals": "result = globals()",
}
CONDITION_PAYLOAD = "__import__('os').getpid() > 0"


def _xml(script: str, condition: str = "False") -> str:
    escaped = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return TEMPLATE.replace("PAYLOAD", escaped).replace("CONDITION", condition.replace(">", "&gt;"))


def _workflow(xml: str) -> Any:
    """A workflow of the diagram, parsed without deploy's checks (scripts are not compiled in advance)."""
    diagrams = engine.Diagrams({})
    diagrams.add(xmlsafe.parse(xml.encode(), "hostile.bpmn"), "hostile.bpmn")
    spec, subs, _decisions = diagrams.specs("hostile")
    ref = hashlib.sha256(xml.encode()).hexdigest()
    engine.register_specs(ref, engine.specs_to_dict(spec, subs, {}))
    return engine.new_workflow(ref, {}, SCRIPT_ENGINE)


def _run_bare(xml: str) -> tuple[Any, list[engine.Step]]:
    """Run the diagram on Wenze's engine without deploy's checks, to prove the runtime refuses on its own."""
    workflow = _workflow(xml)
    return workflow, engine.advance(workflow)


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS.values(), ids=SCRIPT_PAYLOADS.keys())
def test_hostile_script_is_refused_at_deploy_naming_the_element(payload: str) -> None:
    with pytest.raises(DeployError) as refused:
        build([Source("bpmn", "hostile.bpmn", _xml(payload))])
    assert refused.value.details["element"] == "probe"
    assert refused.value.details["file"] == "hostile.bpmn"


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS.values(), ids=SCRIPT_PAYLOADS.keys())
def test_hostile_script_is_refused_at_run_time_too(payload: str) -> None:
    with pytest.raises(ScriptError) as refused:
        _run_bare(_xml(payload))
    assert refused.value.details["element"] == "probe"


def test_hostile_gateway_condition_is_refused_at_deploy_and_at_run() -> None:
    with pytest.raises(DeployError) as refused:
        build([Source("bpmn", "hostile.bpmn", _xml("x = 1", CONDITION_PAYLOAD))])
    assert refused.value.details["element"] == "gw"
    with pytest.raises(ScriptError) as refused_at_run:
        _run_bare(_xml("x = 1", CONDITION_PAYLOAD))
    assert refused_at_run.value.details["element"] == "gw"


def test_refusal_messages_say_what_was_refused() -> None:
    with pytest.raises(ScriptError, match="import is not allowed"):
        sandbox.compile_source("import os", "exec")
    with pytest.raises(ScriptError, match="open\\(\\) is not allowed"):
        sandbox.evaluate("open('/etc/hostname')", {})
    with pytest.raises(ScriptError, match="__class__"):
        sandbox.evaluate("().__class__", {})


def test_benign_scripts_still_work() -> None:
    workflow, steps = _run_bare(_xml("total = 0\nfor i in range(4):\n    total += i\nnames = sorted(['b', 'a'])\n"
                                     "label = f'{total}件'", "total > 5"))
    assert engine.is_completed(workflow)
    data = engine.case_data(workflow)
    assert (data["total"], data["names"], data["label"]) == (6, ["a", "b"], "6件")
    assert [step.element_id for step in steps if step.kind == "end_event"] == ["end_a"]


def test_case_data_cannot_replace_a_guard() -> None:
    assert sandbox.evaluate("x[0]", {"x": [7], "_getitem_": lambda *a: "hijacked"}) == 7


def test_restricted_engine_is_reattached_after_every_load() -> None:
    workflow = _workflow(_xml("x = 1"))
    assert engine.load_workflow(engine.dump_workflow(workflow), SCRIPT_ENGINE).script_engine is SCRIPT_ENGINE
    # A case loaded only to be read still gets a restricted environment, never SpiffWorkflow's unrestricted one.
    assert isinstance(engine.load_workflow(engine.dump_workflow(workflow)).script_engine.environment,
                      RestrictedEnvironment)
