"""S-FEEL expressions and unary tests (runner/core/feel.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from runner.core import feel
from runner.errors import ScriptError
from runner.core.feel import FeelError, compile_expression, compile_unary_tests, evaluate, matches

CONTEXT = {
    'Full Name': 'Zhang San',
    'facts': {'act_mode': 'approved', 'loss': {'amount': 12000}},
    'limit': 5,
    'rate': 0.1,
    'flag': True,
    'nothing': None,
    'modes': ['direct', 'approved'],
    'filed': date(2026, 3, 2),
}


@pytest.mark.parametrize('text, expected', [
    ('1 + 2 * 3', 7),
    ('(1 + 2) * 3', 9),
    ('0.1 + 0.2', 0.3),  # decimals, not binary floats
    ('10 / 4', 2.5),
    ('2 ** 10', 1024),
    ('10 ** -2', 0.01),
    ('-10 - -5', -5),
    ('1.2 * 10 ** 3', 1200.0),
    ('rate * 3', 0.3),
    ('"Hello " + Full Name', 'Hello Zhang San'),
    ('facts.act_mode', 'approved'),
    ('facts.loss.amount / 1000', 12),
    ('"横綱"', '横綱'),
    ('"say \\"hi\\"\\n"', 'say "hi"\n'),
    ('[1, "a", true, null]', [1, 'a', True, None]),
    ('[]', []),
    ('date("2026-01-31")', date(2026, 1, 31)),
    ('date("2026-03-02") = filed', True),
    ('filed.year', 2026),
    ('duration("P30D")', timedelta(days=30)),
    ('filed + duration("P30D")', date(2026, 4, 1)),
    ('filed - date("2026-03-01")', timedelta(days=1)),
    ('limit >= 5 and facts.act_mode = "approved"', True),
    ('limit != 5 or false', False),
    ('not(flag)', False),
    ('"b" > "a"', True),
])
def test_expressions(text: str, expected: object) -> None:
    result = evaluate(text, CONTEXT)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize('text', [
    'missing', 'facts.missing.deeper', 'null + 10', '10 * nothing', '(10 + 20) / 0', '0 / 0',
    '"a" + 1', 'date("2026-02-30")', 'date("not a date")', '1 < "a"', 'true < false', 'not(5)',
    '1 = "1"', '- "a"',
])
def test_null_results(text: str) -> None:
    assert evaluate(text, CONTEXT) is None


@pytest.mark.parametrize('a, b, and_, or_', [
    (True, True, True, True), (True, False, False, True), (True, None, None, True),
    (False, False, False, False), (False, None, False, None), (None, None, None, None),
    (None, True, None, True), (None, False, False, None), ('x', True, None, True),
])
def test_three_valued_logic(a: object, b: object, and_: object, or_: object) -> None:
    assert evaluate('A and B', {'A': a, 'B': b}) is and_
    assert evaluate('A or B', {'A': a, 'B': b}) is or_
    assert evaluate('B and A', {'A': a, 'B': b}) is and_


def test_equality_with_null() -> None:
    assert evaluate('null = null', {}) is True
    assert evaluate('nothing = 1', CONTEXT) is False
    assert evaluate('nothing != 1', CONTEXT) is True


@pytest.mark.parametrize('tests, value, expected', [
    ('-', 'anything', True), ('', None, True), ('  -  ', 3, True),
    ('"a"', 'a', True), ('"a"', 'b', False), ('"a"', None, False),
    ('5', 5, True), ('5', 5.0, True), ('5', '5', False),
    ('true', True, True), ('true', False, False), ('false', False, True), ('false', None, False),
    ('null', None, True), ('null', 0, False),
    ('< 3', 2, True), ('< 3', 3, False), ('<= 3', 3, True), ('> 3', 3, False), ('>= 3', 3, True),
    ('< 3', None, False), ('< 3', 'a', False),
    ('= 3', 3, True), ('!= 3', 3, False), ('!= 3', 4, True),
    ('[1..5]', 1, True), ('[1..5]', 5, True), ('[1..5]', 6, False),
    ('(1..5)', 1, False), ('(1..5)', 2, True), (']1..5[', 5, False), (']1..5[', 4.9, True),
    ('[1..5)', 5, False), ('[1..5)', 1, True), ('(1..5]', 5, True),
    ('"a","b"', 'b', True), ('"a", "b"', 'c', False), ('< 0, > 10', 11, True), ('< 0, > 10', 5, False),
    ('not("a","b")', 'c', True), ('not("a", "b")', 'a', False), ('not(< 3)', 5, True), ('not ( [1..5] )', 3, False),
    ('< limit', 4, True), ('< limit', 5, False), ('[limit..limit * 2]', 10, True),
    ('facts.act_mode', 'approved', True), ('modes', 'direct', True), ('modes', 'other', False),
    ('? > 3 and ? < 10', 5, True), ('? > 3 and ? < 10', 10, False), ('? = "x"', 'x', True),
    ('>= date("2026-01-01")', date(2026, 5, 1), True), ('< date("2026-01-01")', date(2026, 5, 1), False),
    ('[date("2026-01-01")..date("2026-12-31")]', date(2026, 5, 1), True),
    ('> filed', date(2026, 3, 3), True), ('>= 3', '4', False),
])
def test_unary_tests(tests: str, value: object, expected: bool) -> None:
    assert matches(tests, value, CONTEXT) is expected


def test_not_negates_the_whole_cell_only() -> None:
    # `not(flag) = false` is an expression compared with the input, not a negated test list.
    assert matches('not(flag) = false', True, CONTEXT) is True


def test_parsing_is_cached_per_text() -> None:
    assert compile_expression('limit * 2') is compile_expression('limit * 2')
    assert compile_unary_tests('< 3') is compile_unary_tests('< 3')


def test_compiled_reports_names_calls_and_input_use() -> None:
    code = compile_unary_tests('? > limit and date("2026-01-01") < Full Name')
    assert code.uses_input and code.names == {'limit', 'Full Name'} and code.calls == {'date'}


@pytest.mark.parametrize('text', ['1 +', 'a ==  b', '"open', '1 <= x <= 5', "'single'", '? in (1, 2)',
                                  '__import__("os")', '[1..]'])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(FeelError) as exc:
        compile_expression(text) if '..' not in text else compile_unary_tests(text)
    assert isinstance(exc.value, ScriptError) and exc.value.details['source'] == text


def test_host_functions_get_python_values() -> None:
    seen = []

    def workdays(start: date, n: int) -> date:
        seen.append((start, n))
        return start + timedelta(days=n)
    assert evaluate('workdays(filed, 2 + 3)', CONTEXT, {'workdays': workdays}) == date(2026, 3, 7)
    assert seen == [(date(2026, 3, 2), 5)] and type(seen[0][1]) is int


def test_unknown_function_is_an_error() -> None:
    with pytest.raises(FeelError, match=r'unknown function len\(\)'):
        evaluate('len(modes)', CONTEXT)


def test_python_values_round_trip() -> None:
    assert feel.to_python(feel.from_python({'a': [1, 2.5, None]})) == {'a': [1, 2.5, None]}
    assert feel.from_python(float('nan')) is None
    assert type(evaluate('limit', CONTEXT)) is int and type(evaluate('rate', CONTEXT)) is float
