"""Scripts, conditions and timer expressions run restricted; hostile payloads are refused, at deploy and at run."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from runner.core import engine, sandbox
from runner.core.deploy import Source, build
from runner.core.errors import DeployError, ScriptError

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


def _run_bare(xml: str) -> BpmnWorkflow:
    """Run the diagram on Wenze's engine without deploy's checks, to prove the runtime refuses on its own."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode())
    workflow = BpmnWorkflow(parser.get_spec("hostile"), script_engine=engine.ENGINE)
    engine.advance(workflow)
    return workflow


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS.values(), ids=SCRIPT_PAYLOADS.keys())
def test_hostile_script_is_refused_at_deploy_naming_the_element(payload: str) -> None:
    with pytest.raises(DeployError) as refused:
        build([Source("bpmn", "hostile.bpmn", _xml(payload))])
    assert refused.value.details["element"] == "probe"
    assert refused.value.details["file"] == "hostile.bpmn"


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS.values(), ids=SCRIPT_PAYLOADS.keys())
def test_hostile_script_is_refused_at_run_time_too(payload: str) -> None:
    with pytest.raises(WorkflowTaskException) as refused:
        _run_bare(_xml(payload))
    assert refused.value.task.task_spec.bpmn_id == "probe"


def test_hostile_gateway_condition_is_refused_at_deploy_and_at_run() -> None:
    with pytest.raises(DeployError) as refused:
        build([Source("bpmn", "hostile.bpmn", _xml("x = 1", CONDITION_PAYLOAD))])
    assert refused.value.details["element"] == "gw"
    with pytest.raises(WorkflowTaskException):
        _run_bare(_xml("x = 1", CONDITION_PAYLOAD))


def test_refusal_messages_say_what_was_refused() -> None:
    with pytest.raises(ScriptError, match="import is not allowed"):
        sandbox.compile_source("import os", "exec")
    with pytest.raises(ScriptError, match="open\\(\\) is not allowed"):
        sandbox.evaluate("open('/etc/hostname')", {})
    with pytest.raises(ScriptError, match="__class__"):
        sandbox.evaluate("().__class__", {})


def test_benign_scripts_still_work() -> None:
    workflow = _run_bare(_xml("total = 0\nfor i in range(4):\n    total += i\nnames = sorted(['b', 'a'])\n"
                              "label = f'{total}件'", "total > 5"))
    assert workflow.is_completed()
    assert workflow.data["total"] == 6 and workflow.data["names"] == ["a", "b"] and workflow.data["label"] == "6件"
    assert [t.task_spec.bpmn_id for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_a"
            and engine.state_name(t) == "COMPLETED"] == ["end_a"]


def test_case_data_cannot_replace_a_guard() -> None:
    assert sandbox.evaluate("x[0]", {"x": [7], "_getitem_": lambda *a: "hijacked"}) == 7


def test_restricted_engine_is_reattached_after_every_load() -> None:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(_xml("x = 1").encode())
    spec = parser.get_spec("hostile")
    engine.register_specs("hostile-test", engine.specs_to_dict(spec, {}, {}))
    workflow = engine.new_workflow("hostile-test", {})
    restored = engine.load_workflow(engine.dump_workflow(workflow))
    assert restored.script_engine is engine.ENGINE
    assert isinstance(restored.script_engine.environment, sandbox.RestrictedEnvironment)
