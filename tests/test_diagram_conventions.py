"""House rules every shipped diagram keeps: each element cites its article; lanes are the bodies."""
from __future__ import annotations

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
