"""Decision tables (runner/core/decisions.py, dmn_xml.py, dmn_cells.py): hit policies, cells, deploy errors."""
from __future__ import annotations

import dataclasses
import hashlib
from xml.sax.saxutils import escape

import pytest

from runner.core.decisions import DecisionError, DecisionResult, evaluate, parse_dmn
from runner.errors import DeployError, ScriptError

NS = {
    '1.1': 'http://www.omg.org/spec/DMN/20151101/dmn.xsd',
    '1.2': 'http://www.omg.org/spec/DMN/20180521/MODEL/',
    '1.3': 'https://www.omg.org/spec/DMN/20191111/MODEL/',
    '1.4': 'https://www.omg.org/spec/DMN/20211108/MODEL/',
    '1.5': 'https://www.omg.org/spec/DMN/20230324/MODEL/',
}


def dmn(rules: list[tuple], *, hit_policy: str | None = None, aggregation: str | None = None,
        inputs: tuple = (('Age', 'age'),), outputs: tuple = (('result', None, None),), version: str = '1.3',
        decision_id: str = 'd1') -> bytes:
    """A one-table DMN file. rules: (id, [input cells], [output cells][, annotation]);
    outputs: (name, outputValues text or None, default entry or None)."""
    attrs = ''.join(f' {k}="{v}"' for k, v in (('hitPolicy', hit_policy), ('aggregation', aggregation)) if v)
    cols = ''.join(f'<input id="in{i}" label="{label}"><inputExpression typeRef="string"><text>{escape(expr)}</text>'
                   f'</inputExpression></input>' for i, (label, expr) in enumerate(inputs))
    for i, (name, values, default) in enumerate(outputs):
        cols += (f'<output id="out{i}" name="{name}">'
                 + (f'<outputValues><text>{escape(values)}</text></outputValues>' if values else '')
                 + (f'<defaultOutputEntry><text>{escape(default)}</text></defaultOutputEntry>' if default else '')
                 + '</output>')
    body = ''
    for rule in rules:
        rid, ins, outs = rule[:3]
        note = f'<description>{escape(rule[3])}</description>' if len(rule) > 3 else ''
        body += (f'<rule id="{rid}">{note}'
                 + ''.join(f'<inputEntry><text>{escape(c)}</text></inputEntry>' for c in ins)
                 + ''.join(f'<outputEntry><text>{escape(c)}</text></outputEntry>' for c in outs) + '</rule>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{NS[version]}" id="defs" name="t" '
            f'namespace="http://wenze.example/dmn">\n<decision id="{decision_id}" name="Test decision">\n'
            f'<decisionTable id="dt1"{attrs}>{cols}{body}</decisionTable>\n</decision>\n</definitions>\n'
            ).encode()


def table(xml: bytes, filename: str = 'test.dmn'):
    (only,) = parse_dmn(xml, filename)
    return only


AGE_RULES = [('r_child', ['< 12'], ['"child"']), ('r_teen', ['[12..18)'], ['"teen"']),
             ('r_adult', ['>= 18'], ['"adult"']), ('r_any', ['-'], ['"person"'])]


# ------------------------------------------------------------------------------------------ hit policies

def test_unique_single_match_and_result_shape() -> None:
    t = table(dmn(AGE_RULES[:3]))
    result = evaluate(t, {'age': 15})
    assert isinstance(result, DecisionResult)
    assert result.outputs == {'result': 'teen'} and result.value == 'teen'
    assert result.matched_rules == [{'id': 'r_teen', 'row': 2, 'annotation': None}]
    assert result.inputs == {'Age': 15} and result.decision_id == 'd1' and result.table_hash == t.content_hash


def test_unique_no_match_is_null() -> None:
    result = evaluate(table(dmn(AGE_RULES[:3])), {'age': None})
    assert result.outputs is None and result.value is None and result.matched_rules == []


def test_unique_double_match_names_both_rules() -> None:
    with pytest.raises(DecisionError) as exc:
        evaluate(table(dmn(AGE_RULES)), {'age': 40})
    message = exc.value.message
    assert "'r_adult' (row 3)" in message and "'r_any' (row 4)" in message and 'UNIQUE' in message
    assert exc.value.details['rules'] == [{'id': 'r_adult', 'row': 3}, {'id': 'r_any', 'row': 4}]
    assert isinstance(exc.value, ScriptError)


def test_first_takes_the_first_match() -> None:
    result = evaluate(table(dmn(AGE_RULES, hit_policy='FIRST')), {'age': 40})
    assert result.value == 'adult' and [r['id'] for r in result.matched_rules] == ['r_adult']


def test_priority_uses_output_values_not_rule_order() -> None:
    xml = dmn([('r1', ['> 0'], ['"low"']), ('r2', ['> 10'], ['"high"']), ('r3', ['> 5'], ['"medium"'])],
              hit_policy='PRIORITY', outputs=(('level', '"high","medium","low"', None),))
    t = table(xml)
    assert t.outputs[0].allowed_values == ('high', 'medium', 'low')
    result = evaluate(t, {'age': 20})
    assert result.value == 'high' and result.matched_rules[0]['id'] == 'r2'
    assert evaluate(t, {'age': 7}).value == 'medium'


def test_priority_without_output_values_is_refused() -> None:
    with pytest.raises(DeployError, match='PRIORITY needs output values'):
        table(dmn(AGE_RULES, hit_policy='PRIORITY'))


def test_any_accepts_agreeing_rules_and_refuses_disagreeing_ones() -> None:
    xml = dmn([('r1', ['> 0'], ['"ok"']), ('r2', ['> 10'], ['"ok"']), ('r3', ['> 50'], ['"no"'])], hit_policy='ANY')
    t = table(xml)
    result = evaluate(t, {'age': 20})
    assert result.value == 'ok' and [r['id'] for r in result.matched_rules] == ['r1', 'r2']
    with pytest.raises(DecisionError, match=r"ANY.*'r1' \(row 1\), 'r2' \(row 2\), 'r3' \(row 3\)"):
        evaluate(t, {'age': 60})


def test_rule_order_lists_matches_in_rule_order() -> None:
    result = evaluate(table(dmn(AGE_RULES, hit_policy='RULE ORDER')), {'age': 40})
    assert result.outputs == [{'result': 'adult'}, {'result': 'person'}]
    assert result.value == ['adult', 'person']
    assert evaluate(table(dmn(AGE_RULES[:1], hit_policy='RULE ORDER')), {'age': 40}).outputs == []


def test_output_order_sorts_by_output_value_priority() -> None:
    xml = dmn([('r1', ['> 0'], ['"low"', '1']), ('r2', ['> 10'], ['"high"', '2']), ('r3', ['> 5'], ['"low"', '3'])],
              hit_policy='OUTPUT ORDER', outputs=(('level', '"high", "low"', None), ('n', None, None)))
    result = evaluate(table(xml), {'age': 20})
    assert result.outputs == [{'level': 'high', 'n': 2}, {'level': 'low', 'n': 1}, {'level': 'low', 'n': 3}]
    assert [r['row'] for r in result.matched_rules] == [2, 1, 3]
    assert result.value == result.outputs  # two output columns: list of dicts


def test_collect_without_aggregation_is_a_list_of_dicts() -> None:
    xml = dmn([('r1', ['"approved"'], ['"officer"', '0.5']), ('r2', ['"approved"'], ['"board"', '0.5']),
               ('r3', ['"direct"'], ['"officer"', '1.0'])],
              hit_policy='COLLECT', inputs=(('Mode', 'facts.mode'),), outputs=(('role', None, None),
                                                                              ('share', None, None)))
    result = evaluate(table(xml), {'facts': {'mode': 'approved'}})
    assert result.outputs == [{'role': 'officer', 'share': 0.5}, {'role': 'board', 'share': 0.5}]
    assert result.inputs == {'Mode': 'approved'}


@pytest.mark.parametrize('aggregation, age, expected', [
    ('SUM', 40, 0.6), ('SUM', 5, 0.1), ('SUM', 0, None), ('MIN', 40, 0.1), ('MAX', 40, 0.3),
    ('MIN', 0, None), ('COUNT', 40, 3), ('COUNT', 0, 0),
])
def test_collect_with_aggregation_is_a_number(aggregation: str, age: int, expected: object) -> None:
    xml = dmn([('r1', ['> 1'], ['0.1']), ('r2', ['> 10'], ['0.2']), ('r3', ['> 20'], ['0.3'])],
              hit_policy='COLLECT', aggregation=aggregation)
    result = evaluate(table(xml), {'age': age})
    assert result.outputs == expected and result.value == expected  # decimal sums: 0.1 + 0.2 + 0.3 == 0.6


def test_default_output_entries_apply_when_nothing_matches() -> None:
    xml = dmn([('r1', ['> 10'], ['"yes"', '1'])], outputs=(('answer', None, '"no"'), ('n', None, None)))
    assert evaluate(table(xml), {'age': 1}).outputs == {'answer': 'no', 'n': None}
    assert evaluate(table(xml), {'age': 11}).outputs == {'answer': 'yes', 'n': 1}


def test_annotations_and_missing_inputs() -> None:
    xml = dmn([('r1', ['"x"'], ['1'], '第一条 direct fault'), ('r2', ['-'], ['2'], 'fallback')], hit_policy='FIRST',
              inputs=(('Mode', 'facts.mode'),))
    result = evaluate(table(xml), {})  # facts is missing: the input is null, not an error
    assert result.inputs == {'Mode': None}
    assert result.matched_rules == [{'id': 'r2', 'row': 2, 'annotation': 'fallback'}]


def test_annotation_entries_of_dmn_13() -> None:
    xml = dmn([('r1', ['-'], ['1'])]).replace(b'<rule id="r1">', b'<rule id="r1"><description>old</description>'
                                              b'<annotationEntry><text>note A</text></annotationEntry>')
    assert table(xml).rules[0].annotation == 'old; note A'


# ------------------------------------------------------------------------------------------ Python cells

@pytest.mark.parametrize('cell, value, expected', [
    ('? in ("a", "b")', 'b', True), ('? in ("a", "b")', 'c', False), ('1 <= ? <= 5', 5, True),
    ('1 <= ? <= 5', 6, False), ('== 5', 5, True), (' in (4, 5, 6)', 5, True), ('not in ("x", "y")', 'z', True),
    ('"?" == ?', '?', True), ("'a'", 'a', True), ('True', True, True), ('? is None', None, True),
    ('len(?) > 2', 'abc', True),
])
def test_python_input_cells(cell: str, value: object, expected: bool) -> None:
    t = table(dmn([('r1', [cell], ['"hit"'])]))
    assert t.rules[0].inputs[0].language == 'python'
    assert (evaluate(t, {'age': value}).outputs == {'result': 'hit'}) is expected


def test_feel_cells_stay_feel() -> None:
    t = table(dmn([('r1', ['> 3'], ['age * 0.1']), ('r2', ['"a","b"'], ['date("2026-01-01")'])], hit_policy='FIRST'))
    assert [c.language for r in t.rules for c in r.inputs + r.outputs] == ['feel'] * 4
    assert evaluate(t, {'age': 5}).value == 0.5


def test_python_output_cells_and_functions() -> None:
    xml = dmn([('r1', ['-'], ['f"{who} pays {share(age)}"'])])
    result = evaluate(table(xml), {'age': 10, 'who': '张三'}, functions={'share': lambda n: n * 2})
    assert result.value == '张三 pays 20'


def test_feel_cells_may_call_host_functions() -> None:
    result = evaluate(table(dmn([('r1', ['< cap(10)'], ['"under"'])])), {'age': 15}, functions={'cap': lambda n: n * 2})
    assert result.value == 'under'


def test_python_missing_name_is_none() -> None:
    assert evaluate(table(dmn([('r1', ['-'], ['missing is None'])])), {'age': 1}).value is True


def test_failing_cell_names_rule_and_column() -> None:
    t = table(dmn([('r1', ['-'], ['"x"']), ('r2', ['? // 0 > 1'], ['"y"'])], hit_policy='RULE ORDER'))
    with pytest.raises(ScriptError) as exc:
        evaluate(t, {'age': 1})
    assert "rule 'r2' (row 2), input 'Age'" in exc.value.message and 'ZeroDivisionError' in exc.value.message
    assert exc.value.details['rule'] == 'r2' and exc.value.details['row'] == 2


# ------------------------------------------------------------------------------------------ parsing

@pytest.mark.parametrize('version', sorted(NS))
def test_all_dmn_namespaces(version: str) -> None:
    t = table(dmn(AGE_RULES[:3], version=version))
    assert t.hit_policy == 'UNIQUE' and evaluate(t, {'age': 3}).value == 'child'


def test_table_model_is_frozen_and_complete() -> None:
    xml = dmn(AGE_RULES, hit_policy='COLLECT', aggregation='COUNT')
    t = table(xml, 'ages.dmn')
    assert (t.id, t.name, t.hit_policy, t.aggregation, t.file) == ('d1', 'Test decision', 'COLLECT', 'COUNT',
                                                                    'ages.dmn')
    assert t.content_hash == hashlib.sha256(xml).hexdigest()
    assert (t.inputs[0].id, t.inputs[0].label, t.inputs[0].expression) == ('in0', 'Age', 'age')
    assert [(r.id, r.row) for r in t.rules] == [('r_child', 1), ('r_teen', 2), ('r_adult', 3), ('r_any', 4)]
    assert t.rules[1].inputs[0].text == '[12..18)' and t.rules[1].outputs[0].text == '"teen"'
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.hit_policy = 'FIRST'  # type: ignore[misc]


def test_malformed_xml_names_file_and_line() -> None:
    xml = dmn(AGE_RULES).replace(b'<rule id="r_teen">', b'<rule id="r_teen"><oops>')
    with pytest.raises(DeployError) as exc:
        parse_dmn(xml, 'broken.dmn')
    assert exc.value.details == {'file': 'broken.dmn', 'line': 4}      # the decision table's line
    assert exc.value.message.startswith(f"broken.dmn:{exc.value.details['line']}: malformed XML")


@pytest.mark.parametrize('prolog', [
    '<!DOCTYPE definitions>',
    '<!DOCTYPE definitions [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_doctype_and_entities_are_refused(prolog: str) -> None:
    xml = dmn(AGE_RULES).replace(b'?>\n', f'?>\n{prolog}\n'.encode(), 1)
    if 'ENTITY' in prolog:
        xml = xml.replace(b'"child"', b'"&' + (b'xxe' if b'xxe' in xml else b'lol2') + b';"')
    with pytest.raises(DeployError) as refused:
        parse_dmn(xml, 'evil.dmn')
    assert refused.value.message == 'evil.dmn: DOCTYPE and entity declarations are not allowed in DMN files'
    assert refused.value.details == {'file': 'evil.dmn', 'line': 1}


def test_refused_cell_names_table_rule_and_column() -> None:
    xml = dmn([('r1', ['< 3'], ['"a"']), ('r2', ['>> 3 <<'], ['"b"'])])
    with pytest.raises(DeployError) as exc:
        parse_dmn(xml, 'cells.dmn')
    message = exc.value.message
    assert "decision 'd1'" in message and "rule 'r2' (row 2)" in message and "input 'Age'" in message
    assert 'neither FEEL' in message and exc.value.details['column'] == 'Age' and exc.value.details['row'] == 2
    assert exc.value.details['file'] == 'cells.dmn' and exc.value.details['line'] == 4


def test_refused_output_cell_names_its_column() -> None:
    with pytest.raises(DeployError, match=r"rule 'r1' \(row 1\), output 'result'"):
        parse_dmn(dmn([('r1', ['-'], ['lambda: 1 +'])]), 'x.dmn')


@pytest.mark.parametrize('cell, reason', [
    ('__import__("os").system("true")', 'invalid variable name'), ('? .__class__', 'invalid attribute name'),
    ('open("/etc/passwd")', 'open() is not allowed'), ('"{0.__class__}".format(?)', 'format'),
])
def test_dangerous_python_cells_are_refused_at_deploy(cell: str, reason: str) -> None:
    with pytest.raises(DeployError, match=r"rule 'r1' \(row 1\), input 'Age'") as exc:
        parse_dmn(dmn([('r1', [cell], ['"a"'])]), 'evil.dmn')
    assert reason in exc.value.message and exc.value.details['row'] == 1


def test_import_in_python_output_cell_is_refused_at_deploy() -> None:
    with pytest.raises(DeployError, match='__import__'):
        parse_dmn(dmn([('r1', ['-'], ['__import__("os")'])]), 'evil.dmn')


def test_decision_without_table_is_refused() -> None:
    xml = (f'<definitions xmlns="{NS["1.5"]}" id="x" name="x" namespace="n"><decision id="lit" name="Lit">'
           '<literalExpression><text>1 + 1</text></literalExpression></decision></definitions>').encode()
    with pytest.raises(DeployError, match=r"decision 'lit' \(Lit\): its logic is literalExpression") as exc:
        parse_dmn(xml, 'lit.dmn')
    assert exc.value.details['decision'] == 'lit'


@pytest.mark.parametrize('kwargs, match', [
    ({'hit_policy': 'BOGUS'}, "unsupported hit policy 'BOGUS'"),
    ({'hit_policy': 'FIRST', 'aggregation': 'SUM'}, 'unsupported aggregation'),
    ({'hit_policy': 'COLLECT', 'aggregation': 'AVG'}, "unsupported aggregation 'AVG'"),
    ({'hit_policy': 'COLLECT', 'aggregation': 'SUM', 'outputs': (('a', None, None), ('b', None, None))},
     'SUM needs exactly one output column'),
])
def test_unsupported_hit_policies_and_aggregations(kwargs: dict, match: str) -> None:
    outs = len(kwargs.get('outputs', ((),)))
    with pytest.raises(DeployError, match=match) as exc:
        parse_dmn(dmn([('r1', ['-'], ['1'] * outs)], **kwargs), 'hp.dmn')
    assert exc.value.details['decision'] == 'd1' and exc.value.details['file'] == 'hp.dmn'


def test_wrong_number_of_entries_is_refused() -> None:
    with pytest.raises(DeployError, match=r"rule 'r1' \(row 1\) has 2 input"):
        parse_dmn(dmn([('r1', ['-', '-'], ['1'])]), 'n.dmn')


def test_not_dmn_is_refused() -> None:
    with pytest.raises(DeployError, match='not a DMN'):
        parse_dmn(b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', 'x.bpmn')
