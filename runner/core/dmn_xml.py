"""Reading DMN files into frozen decision tables; every cell is compiled here, so a bad cell fails at deploy time.

The XML parser is hardened (no DTD, no entities, no network, no huge trees) and a DOCTYPE is refused outright:
DMN never needs one, and entity tricks are the usual way to make an XML parser read files or eat memory.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import feel
from .dmn_cells import Cell, compile_cell
from ..errors import DeployError, ScriptError

DMN_NAMESPACES = {
    'http://www.omg.org/spec/DMN/20151101/dmn.xsd': '1.1',
    'http://www.omg.org/spec/DMN/20180521/MODEL/': '1.2',
    'https://www.omg.org/spec/DMN/20191111/MODEL/': '1.3',
    'https://www.omg.org/spec/DMN/20211108/MODEL/': '1.4',
    'https://www.omg.org/spec/DMN/20230324/MODEL/': '1.5',
}
HIT_POLICIES = ('UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER')
AGGREGATIONS = ('SUM', 'MIN', 'MAX', 'COUNT')
# The DMN expression kinds a decision's logic can be (the substitution group of <expression>).
_LOGIC = {'decisionTable', 'literalExpression', 'context', 'invocation', 'relation', 'list', 'functionDefinition',
          'conditional', 'filter', 'for', 'every', 'some'}


@dataclass(frozen=True)
class InputClause:
    id: str
    label: str | None
    expression: str
    type_ref: str | None
    compiled: Cell = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        """How the input is named in results and messages: its label, else its expression."""
        return self.label or self.expression


@dataclass(frozen=True)
class OutputClause:
    id: str
    name: str
    label: str | None
    type_ref: str | None
    allowed_values: tuple[Any, ...]  # plain Python values of <outputValues>, in priority order
    default: Cell | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Rule:
    id: str
    row: int  # 1-based, as the designer sees it
    inputs: tuple[Cell, ...]
    outputs: tuple[Cell, ...]
    annotation: str | None


@dataclass(frozen=True)
class DecisionTable:
    id: str  # the decision's id: what a business-rule task's calledDecisionId names
    name: str | None
    hit_policy: str
    aggregation: str | None
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[Rule, ...]
    content_hash: str  # sha256 of the whole source file
    file: str

    @property
    def single_output(self) -> bool:
        return len(self.outputs) == 1


def _xml_root(xml: bytes, filename: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)  # one parser per call: lxml parsers are not thread-safe
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        raise DeployError(f"{filename}:{err.lineno}: malformed XML: {err.msg}", file=filename,
                          line=err.lineno) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise DeployError(f"{filename}: DOCTYPE and entity declarations are not allowed in DMN files",
                          file=filename, line=1)
    return root


def _text(element: etree._Element | None) -> str | None:
    """The text of an element's <text> child, or None when there is none."""
    if element is None:
        return None
    node = element.find('{*}text')
    return None if node is None else ''.join(node.itertext())


def _localname(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ''


class _TableReader:
    """Reads one <decision>; every error names the file, the decision and where in it."""

    def __init__(self, decision: etree._Element, ns: str, filename: str, digest: str) -> None:
        self.el, self.ns, self.file, self.digest = decision, ns, filename, digest
        self.id = decision.get('id') or ''
        self.name = decision.get('name')
        self.where = f"{filename}: decision {self.id!r}" + (f" ({self.name})" if self.name else '')

    def fail(self, what: str, element: etree._Element, **details: Any) -> DeployError:
        return DeployError(f"{self.where}: {what}", file=self.file, line=element.sourceline, element=self.id,
                           decision=self.id, **details)

    def q(self, tag: str) -> str:
        return f'{{{self.ns}}}{tag}'

    def cell(self, text: str | None, role: str, where: str, element: etree._Element, **details: Any) -> Cell:
        try:
            return compile_cell(text, role)
        except ScriptError as err:
            raise self.fail(f"{where}: cell {text!r} {err.message}", element, **details) from None

    def read(self) -> DecisionTable:
        if not self.id:
            raise self.fail('the decision has no id', self.el)
        logic = next((c for c in self.el if _localname(c) in _LOGIC), None)
        if logic is None or _localname(logic) != 'decisionTable':
            what = _localname(logic) if logic is not None else 'no decision logic'
            raise self.fail(f"its logic is {what}; Wenze evaluates only decision tables",
                            logic if logic is not None else self.el,
                            logic=what)
        table = logic
        hit_policy = (table.get('hitPolicy') or 'UNIQUE').strip().upper()
        if hit_policy not in HIT_POLICIES:
            raise self.fail(f"unsupported hit policy {table.get('hitPolicy')!r}", table, hit_policy=hit_policy)
        aggregation = (table.get('aggregation') or '').strip().upper() or None
        if aggregation and (hit_policy != 'COLLECT' or aggregation not in AGGREGATIONS):
            raise self.fail(f"unsupported aggregation {table.get('aggregation')!r} with hit policy {hit_policy}",
                            table, aggregation=aggregation)
        inputs = tuple(self.input(i, el) for i, el in enumerate(table.iterchildren(self.q('input')), 1))
        outputs = tuple(self.output(el, table) for el in table.iterchildren(self.q('output')))
        if not outputs:
            raise self.fail('the decision table has no output column', table)
        if aggregation in ('SUM', 'MIN', 'MAX') and len(outputs) != 1:
            raise self.fail(f"aggregation {aggregation} needs exactly one output column", table)
        if hit_policy in ('PRIORITY', 'OUTPUT ORDER') and not any(o.allowed_values for o in outputs):
            raise self.fail(f"hit policy {hit_policy} needs output values (a priority list) on an output column",
                            table)
        rules = tuple(self.rule(row, el, inputs, outputs) for row, el in
                      enumerate(table.iterchildren(self.q('rule')), 1))
        return DecisionTable(self.id, self.name, hit_policy, aggregation, inputs, outputs, rules, self.digest,
                             self.file)

    def input(self, index: int, el: etree._Element) -> InputClause:
        expr_el = el.find(self.q('inputExpression'))
        text = _text(expr_el)
        label = el.get('label') or None
        column = label or text or f'input {index}'
        if expr_el is None or text is None or not text.strip():
            raise self.fail(f"input column {column!r} has no input expression", el, column=column)
        compiled = self.cell(text, 'expression', f"input column {column!r}, input expression", el, column=column)
        return InputClause(el.get('id') or f'input{index}', label, text.strip(), expr_el.get('typeRef'), compiled)

    def output(self, el: etree._Element, table: etree._Element) -> OutputClause:
        label = el.get('label') or None
        name = (el.get('name') or label or table.get('outputLabel') or self.name or el.get('id') or 'output')
        allowed: tuple[Any, ...] = ()
        values_text = _text(el.find(self.q('outputValues')))
        if values_text and values_text.strip():
            try:  # a list of literals; anything richer (ranges) gives no priority order
                code = feel.compile_expression(f'[{values_text}]')
                if not code.names and not code.calls:
                    allowed = tuple(feel.to_python(code.evaluate({})))
            except ScriptError:
                allowed = ()
        default_el = el.find(self.q('defaultOutputEntry'))
        default = None
        if default_el is not None:
            default = self.cell(_text(default_el), 'expression', f"output column {name!r}, default output entry",
                                default_el, column=name)
        return OutputClause(el.get('id') or name, name, label, el.get('typeRef'), allowed, default)

    def rule(self, row: int, el: etree._Element, inputs: tuple[InputClause, ...],
             outputs: tuple[OutputClause, ...]) -> Rule:
        rule_id = el.get('id') or f'row{row}'
        where = f"rule {rule_id!r} (row {row})"
        entries = list(el.iterchildren(self.q('inputEntry')))
        out_entries = list(el.iterchildren(self.q('outputEntry')))
        if len(entries) != len(inputs) or len(out_entries) != len(outputs):
            raise self.fail(f"{where} has {len(entries)} input and {len(out_entries)} output entries; the table has "
                            f"{len(inputs)} input and {len(outputs)} output columns", el, rule=rule_id, row=row)
        in_cells = tuple(self.cell(_text(e), 'tests', f"{where}, input {c.key!r}", e, rule=rule_id, row=row,
                                   column=c.key) for e, c in zip(entries, inputs))
        out_cells = tuple(self.cell(_text(e), 'expression', f"{where}, output {c.label or c.name!r}", e,
                                    rule=rule_id, row=row, column=c.label or c.name)
                          for e, c in zip(out_entries, outputs))
        notes = [_text(a) for a in el.iterchildren(self.q('annotationEntry'))]
        description = el.find(self.q('description'))
        if description is not None and description.text:
            notes.insert(0, description.text)
        annotation = '; '.join(n.strip() for n in notes if n and n.strip()) or None
        return Rule(rule_id, row, in_cells, out_cells, annotation)


def parse_dmn(xml: bytes | str, filename: str) -> list[DecisionTable]:
    """All decisions of a DMN 1.1-1.5 file as decision tables, cells compiled. Raises DeployError naming the file
    and line for malformed XML, DOCTYPEs, decisions that are not decision tables, unsupported hit policies or
    aggregations, and cells that are neither FEEL nor allowed Python."""
    data = xml.encode('utf-8') if isinstance(xml, str) else bytes(xml)
    root = _xml_root(data, filename)
    ns = etree.QName(root).namespace or ''
    if _localname(root) != 'definitions' or ns not in DMN_NAMESPACES:
        raise DeployError(f"{filename}: not a DMN 1.1-1.5 file (root element {root.tag!r})", file=filename,
                          line=root.sourceline)
    digest = hashlib.sha256(data).hexdigest()
    tables: list[DecisionTable] = []
    for decision in root.iterchildren(f'{{{ns}}}decision'):
        table = _TableReader(decision, ns, filename, digest).read()
        if any(t.id == table.id for t in tables):
            raise DeployError(f"{filename}: decision id {table.id!r} is used twice", file=filename,
                              line=decision.sourceline, element=table.id)
        tables.append(table)
    return tables
