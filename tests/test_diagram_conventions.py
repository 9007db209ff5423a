"""House rules every shipped diagram keeps: each element cites its article; lanes are the bodies."""
from __future__ import annotations

import ast
import re

import pytest
from lxml import etree

from tests.conftest import ROOT

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇0-9]+条")
# Elements that carry meaning for a reader of the procedure (flow nodes, flows, lanes, sub-processes, the process).
CITED = ("process", "lane", "subProcess", "callActivity", "startEvent", "endEvent", "intermediateCatchEvent",
         "intermediateThrowEvent", "boundaryEvent", "userTask", "manualTask", "scriptTask", "businessRuleTask",
         "serviceTask", "task", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
         "sequenceFlow")
DIAGRAMS = sorted((ROOT / "bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.name for d in DIAGRAMS])
def test_every_element_cites_its_article(diagram) -> None:
    tree = etree.parse(str(diagram))
    uncited = []
    for tag in CITED:
        for element in tree.iterfind(f".//bpmn:{tag}", NS):
            documentation = element.findtext("bpmn:documentation", default="", namespaces=NS)
            if not ARTICLE.search(documentation):
                uncited.append(f"{tag} {element.get('id')}")
    assert uncited == []


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.name for d in DIAGRAMS])
def test_lanes_have_chinese_body_names(diagram) -> None:
    names = [lane.get("name", "") for lane in etree.parse(str(diagram)).iterfind(".//bpmn:lane", NS)]
    assert names and all(re.search(r"[\u4e00-\u9fff]", name) for name in names)



CALENDAR_FUNCTIONS = ("deadline", "reminder", "period_end")      # runner.core.deadlines.FUNCTIONS
CALLED = {element.get("calledElement") for diagram in DIAGRAMS
          for element in etree.parse(str(diagram)).iterfind(".//bpmn:callActivity", NS)}


def _not_literal_period_arguments(code: str) -> list[str]:
    """Each argument of a calendar call in `code`, except the day it counts from, that is not a literal."""
    found = []
    for node in ast.walk(ast.parse(code.strip())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALENDAR_FUNCTIONS:
            for argument in [*node.args[1:], *(keyword.value for keyword in node.keywords)]:
                try:
                    ast.literal_eval(argument)
                except ValueError:
                    found.append(ast.unparse(argument))
    return found


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.name for d in DIAGRAMS])
def test_periods_are_written_in_the_diagram_not_read_from_case_data(diagram) -> None:
    """A period a regulation fixes (its count, unit, hard or soft) is part of the versioned procedure: in timers and
    scripts it is a literal, so no start data, task form or earlier step can shorten or lengthen it (盐池 第八条 30 日,
    金寨 第十八条 10 日). Only the day a period counts from is case data. A process called by others (review_appeal)
    is given its periods by its callers' scripts, where this rule applies."""
    found = []
    for process in etree.parse(str(diagram)).iterfind("bpmn:process", NS):
        if process.get("id") in CALLED:
            continue
        for code in [*process.iterfind(".//bpmn:timeDate", NS), *process.iterfind(".//bpmn:timeDuration", NS),
                     *process.iterfind(".//bpmn:script", NS)]:
            found += [f"{process.get('id')}: {argument}" for argument in _not_literal_period_arguments(code.text or "")]
    assert found == []
