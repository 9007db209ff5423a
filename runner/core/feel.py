"""S-FEEL for Wenze's decision tables: a lark grammar plus an evaluator.

dmn-js writes FEEL into decision-table cells, while SpiffWorkflow 3.2 evaluates every cell as Python, and no Python
package evaluates S-FEEL conformantly (shared/notes/feel.md). This module covers what decision tables need:

* simple expressions (input expressions, output cells): literals, names (several words allowed, e.g. `Full Name`),
  dotted paths, `+ - * / **`, comparisons, `and`/`or`/`not(...)`, lists `[..]`, `date("...")`, `time("...")`,
  `duration("P..")` and calls of host functions;
* unary tests (input cells): `-`, literals, `< 3`, `>= limit`, `= x`, `!= x`, intervals `[1..5]`, `(1..5)`,
  `]1..5[`, lists of tests `"a","b"`, `not(...)`, and expressions over `?` (the input value), e.g. `? > 3`.

Semantics follow FEEL where a decision can notice: numbers are decimals (34 digits, so 0.1 + 0.2 = 0.3), a missing
name is null, an operation on null or on mismatched types is null (division by zero too), `and`/`or`/`not` use
three-valued logic, and a test that yields null does not match. Parsed texts are cached, so each distinct cell text
is parsed once per process. Results handed back to Python (`evaluate`, `to_python`) use int/float, never Decimal.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Context, Decimal, DecimalException, DivisionByZero, InvalidOperation, Overflow
from functools import lru_cache
from typing import Any, Callable, Mapping

from lark import Lark, ParseTree, Token
from lark.exceptions import LarkError, UnexpectedInput

from ..errors import ScriptError

_GRAMMAR = r"""
?expression: conjunction | expression "or" conjunction -> or_
?conjunction: comparison | conjunction "and" comparison -> and_
?comparison: sum | sum COMP sum -> compare
?sum: product | sum "+" product -> add | sum "-" product -> sub
?product: power | product "*" power -> mul | product "/" power -> div
?power: unary | power "**" unary -> pow
?unary: postfix | "-" unary -> neg
?postfix: primary | postfix "." name -> path
?primary: NUMBER -> number
        | STRING -> string
        | "true" -> true
        | "false" -> false
        | "null" -> null
        | "?" -> input_value
        | name -> var
        | name "(" [expression ("," expression)*] ")" -> call
        | "not" "(" expression ")" -> not_
        | "[" [expression ("," expression)*] "]" -> list
        | "(" expression ")"
name: NAME+

positive_tests: positive_test ("," positive_test)*
?positive_test: COMP sum -> compare_test
              | interval
              | expression -> expression_test
!interval: ("[" | "(" | "]") sum ".." sum ("]" | ")" | "[")

COMP: "<=" | ">=" | "!=" | "<" | ">" | "="
NUMBER: /\d+(\.\d+)?|\.\d+/
STRING: /"(\\.|[^"\\])*"/
NAME: /[^\W\d_]\w*/
%ignore /\s+/
"""

# LALR: linear time and no ambiguity; the contextual lexer turns the keywords above into their own tokens.
_PARSER = Lark(_GRAMMAR, parser='lalr', start=['expression', 'positive_tests'], maybe_placeholders=True)

# Decimal128, as FEEL prescribes; overflow, 1/0 and 0/0 trap and become null.
_DEC = Context(prec=34, Emax=6144, Emin=-6143, traps=[InvalidOperation, DivisionByZero, Overflow])


class FeelError(ScriptError):
    """A FEEL text that does not parse, or a call of a function nobody provides."""


# ---------------------------------------------------------------------------------------------------- values

def from_python(value: Any) -> Any:
    """Python data → FEEL values: every number becomes a Decimal (floats through their shortest repr)."""
    if value is None or isinstance(value, (bool, str, Decimal)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [from_python(v) for v in value]
    return value  # dates, durations, mappings (converted when a path reads them)


def to_python(value: Any) -> Any:
    """FEEL values → plain Python: a Decimal written without a fraction becomes int, any other one float."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        exponent = value.as_tuple().exponent  # an int for a finite Decimal ('n', 'N', 'F' mark NaN and infinity)
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, list):
        return [to_python(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_python(v) for k, v in value.items()}
    return value


def _kind(v: Any) -> str:
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'boolean'
    if isinstance(v, (Decimal, int, float)):
        return 'number'
    for kind, types in (('string', str), ('datetime', datetime), ('date', date), ('time', time),
                        ('duration', timedelta), ('list', (list, tuple)), ('context', Mapping)):
        if isinstance(v, types):
            return kind
    return type(v).__name__


_ORDERED = {'number', 'string', 'datetime', 'date', 'time', 'duration'}
_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {'<': operator.lt, '<=': operator.le, '>': operator.gt,
                                                     '>=': operator.ge}


def feel_equal(a: Any, b: Any) -> bool | None:
    """FEEL `=`: null equals only null; values of different types are not comparable (null)."""
    if a is None or b is None:
        return a is None and b is None
    kind = _kind(a)
    if kind != _kind(b):
        return None
    if kind == 'list':
        if len(a) != len(b):
            return False
        results = [feel_equal(x, y) for x, y in zip(a, b)]
        return False if False in results else (None if None in results else True)
    if kind == 'context':
        if set(a) != set(b):
            return False
        return all(feel_equal(from_python(a[k]), from_python(b[k])) is True for k in a)
    try:
        return bool(a == b)
    except TypeError:  # e.g. aware vs naive datetimes
        return None


def compare(op: str, a: Any, b: Any) -> bool | None:
    if op in ('=', '!='):
        eq = feel_equal(a, b)
        return eq if op == '=' or eq is None else not eq
    kind = _kind(a)
    if a is None or b is None or kind != _kind(b) or kind not in _ORDERED:
        return None
    try:
        return _ORDER_OPS[op](a, b)
    except TypeError:
        return None


def _decimal(op: Callable[[Decimal, Decimal], Decimal], a: Decimal, b: Decimal) -> Decimal | None:
    try:
        return op(a, b)
    except DecimalException:
        return None


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _decimal(_DEC.add, a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    if isinstance(b, timedelta) and isinstance(a, (date, timedelta)):
        return a + b
    if isinstance(a, timedelta) and isinstance(b, date):
        return b + a
    return None


def _sub(a: Any, b: Any) -> Any:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _decimal(_DEC.subtract, a, b)
    date_minus_date = _kind(a) == _kind(b) and _kind(a) in ('date', 'datetime')  # gives a duration
    if date_minus_date or (isinstance(a, (date, timedelta)) and isinstance(b, timedelta)):
        try:
            return a - b
        except TypeError:  # aware minus naive datetime
            return None
    return None


def _numeric(op: Callable[[Decimal, Decimal], Decimal]) -> Callable[[Any, Any], Any]:
    return lambda a, b: _decimal(op, a, b) if isinstance(a, Decimal) and isinstance(b, Decimal) else None


def _neg(a: Any) -> Any:
    if isinstance(a, Decimal):
        return _DEC.minus(a)
    return -a if isinstance(a, timedelta) else None


_ARITHMETIC = {'add': _add, 'sub': _sub, 'mul': _numeric(_DEC.multiply), 'div': _numeric(_DEC.divide),
               'pow': _numeric(_DEC.power)}


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """FEEL `a op b` for op in + - * / ** on FEEL values (null on null or mismatched types)."""
    return _ARITHMETIC[{'+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow'}[op]](a, b)


def _and(a: Any, b: Any) -> bool | None:
    if a is False or b is False:
        return False
    return True if a is True and b is True else None


def _or(a: Any, b: Any) -> bool | None:
    if a is True or b is True:
        return True
    return False if a is False and b is False else None


def _member(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return from_python(value.get(key))
    if isinstance(value, (date, time)) and key in ('year', 'month', 'day', 'hour', 'minute', 'second'):
        return from_python(getattr(value, key, None))
    return None


# ---------------------------------------------------------------------------------------------------- built-ins

_DATE_RE = re.compile(r'-?\d{4,9}-\d\d-\d\d')
_TIME_RE = re.compile(r'\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?')
_DURATION_RE = re.compile(r'(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?')


def _date(*args: Any) -> date | None:
    if len(args) == 1:
        (arg,) = args
        if isinstance(arg, datetime):
            return arg.date()
        if isinstance(arg, date):
            return arg
        if isinstance(arg, str) and _DATE_RE.fullmatch(arg):
            try:
                return date.fromisoformat(arg)
            except ValueError:
                return None
    if len(args) == 3 and all(isinstance(a, Decimal) and a == a.to_integral_value() for a in args):
        try:
            return date(*(int(a) for a in args))
        except ValueError:
            return None
    return None


def _time(*args: Any) -> time | None:
    if len(args) == 1 and isinstance(args[0], str) and _TIME_RE.fullmatch(args[0]):
        return time.fromisoformat(args[0].replace('Z', '+00:00'))
    return None


def _duration(text: Any) -> timedelta | None:
    """Days-and-time durations only (`P30D`, `PT36H`); year-month durations have no fixed length."""
    m = _DURATION_RE.fullmatch(text) if isinstance(text, str) else None
    if not m or text.rstrip('-').endswith(('P', 'T')):
        return None
    sign, days, hours, minutes, seconds = m.groups()
    delta = timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                      seconds=float(seconds or 0))
    return -delta if sign else delta


BUILTINS: dict[str, Callable[..., Any]] = {'date': _date, 'time': _time, 'duration': _duration}


# ---------------------------------------------------------------------------------------------------- compiling

class _Env:
    """What one evaluation sees: the context, the host functions and the input value bound to `?`."""

    __slots__ = ('context', 'functions', 'input')

    def __init__(self, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None,
                 input_value: Any) -> None:
        self.context, self.functions, self.input = context, functions or {}, input_value


Fn = Callable[[_Env], Any]


@dataclass(frozen=True)
class Compiled:
    """A parsed FEEL text. `names`/`calls` let a caller see which variables and functions it refers to."""

    text: str
    kind: str  # 'expression' | 'unary_tests'
    run: Fn
    uses_input: bool
    names: frozenset[str]
    calls: frozenset[str]

    def evaluate(self, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None,
                 input_value: Any = None) -> Any:
        """Raw FEEL result (Decimals); for a unary-tests text, True/False/None with `input_value` tested."""
        try:
            return self.run(_Env(context, functions, from_python(input_value)))
        except RecursionError:
            raise FeelError('FEEL expression nested too deeply', source=self.text) from None


class _Compiler:
    """Turns a lark tree into nested closures once, so evaluating a cell never walks the tree again."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.calls: set[str] = set()
        self.uses_input = False

    def compile(self, node: ParseTree) -> Fn:
        # Only trees are compiled: the grammar aliases every terminal that is a value (NUMBER -> number, ...).
        compile_node: Callable[..., Fn] = getattr(self, '_' + node.data)
        return compile_node(*node.children)

    @staticmethod
    def _name(name: ParseTree) -> str:
        """The words of a `name` node (one or more NAME tokens), joined by single spaces."""
        return ' '.join(str(w) for w in name.children)

    def _number(self, tok: Token) -> Fn:
        value = Decimal(str(tok))
        return lambda env: value

    def _string(self, tok: Token) -> Fn:
        value = _unescape(str(tok)[1:-1])
        return lambda env: value

    def _true(self) -> Fn:
        return lambda env: True

    def _false(self) -> Fn:
        return lambda env: False

    def _null(self) -> Fn:
        return lambda env: None

    def _input_value(self) -> Fn:
        self.uses_input = True
        return lambda env: env.input

    def _var(self, name: ParseTree) -> Fn:
        key = self._name(name)
        self.names.add(key)
        return lambda env: from_python(env.context.get(key))

    def _path(self, base: ParseTree, name: ParseTree) -> Fn:
        get, key = self.compile(base), self._name(name)
        return lambda env: _member(get(env), key)

    def _list(self, *items: ParseTree | None) -> Fn:
        parts = [self.compile(i) for i in items if i is not None]
        return lambda env: [p(env) for p in parts]

    def _call(self, name: ParseTree, *args: ParseTree | None) -> Fn:
        fname = self._name(name)
        self.calls.add(fname)
        parts = [self.compile(a) for a in args if a is not None]
        builtin = BUILTINS.get(fname)

        def call(env: _Env) -> Any:
            values = [p(env) for p in parts]
            if builtin is not None:
                return builtin(*values)
            host = env.functions.get(fname)
            if host is None:
                raise FeelError(f"unknown function {fname}()", function=fname)
            return from_python(host(*(to_python(v) for v in values)))
        return call

    def _not_(self, arg: ParseTree) -> Fn:
        get = self.compile(arg)

        def negate(env: _Env) -> Any:
            value = get(env)
            return (not value) if isinstance(value, bool) else None
        return negate

    def _binary(self, fn: Callable[[Any, Any], Any], left: ParseTree, right: ParseTree) -> Fn:
        a, b = self.compile(left), self.compile(right)
        return lambda env: fn(a(env), b(env))

    def _and_(self, left: ParseTree, right: ParseTree) -> Fn:
        a, b = self.compile(left), self.compile(right)
        return lambda env: (lambda x: False if x is False else _and(x, b(env)))(a(env))

    def _or_(self, left: ParseTree, right: ParseTree) -> Fn:
        a, b = self.compile(left), self.compile(right)
        return lambda env: (lambda x: True if x is True else _or(x, b(env)))(a(env))

    def _compare(self, left: ParseTree, op: Token, right: ParseTree) -> Fn:
        return self._binary(lambda x, y: compare(str(op), x, y), left, right)

    def _neg(self, arg: ParseTree) -> Fn:
        get = self.compile(arg)
        return lambda env: _neg(get(env))

    # --- unary tests: each returns True / False / None (null: no match)

    def _positive_tests(self, *tests: ParseTree) -> Fn:
        parts = [self.compile(t) for t in tests]

        def any_of(env: _Env) -> bool | None:
            results = [p(env) for p in parts]
            return True if True in results else (None if None in results else False)
        return any_of

    def _compare_test(self, op: Token, endpoint: ParseTree) -> Fn:
        get, op_ = self.compile(endpoint), str(op)
        return lambda env: compare(op_, env.input, get(env))

    def _interval(self, start: Token, low: ParseTree, _dots: Token, high: ParseTree, end: Token) -> Fn:
        lo, hi = self.compile(low), self.compile(high)
        lo_op, hi_op = ('>=' if start == '[' else '>'), ('<=' if end == ']' else '<')
        return lambda env: _and(compare(lo_op, env.input, lo(env)), compare(hi_op, env.input, hi(env)))

    def _expression_test(self, expr: ParseTree) -> Fn:
        before = self.uses_input
        self.uses_input = False
        get = self.compile(expr)
        mentions_input, self.uses_input = self.uses_input, before or self.uses_input
        if mentions_input:  # `? > 3`: the expression itself is the test
            return lambda env: (lambda r: r if isinstance(r, bool) else None)(get(env))

        def equal_or_member(env: _Env) -> bool | None:
            # Equality, or membership when the expression is a list (FEEL 1.2+). A boolean result is compared,
            # never taken as the verdict, so the cell `true` does not match the input false.
            value = get(env)
            eq = feel_equal(env.input, value)
            if eq is not True and isinstance(value, list):
                return True if any(feel_equal(env.input, v) is True for v in value) else eq
            return eq
        return equal_or_member


for _op in _ARITHMETIC:
    setattr(_Compiler, '_' + _op, lambda self, left, right, _fn=_ARITHMETIC[_op]: self._binary(_fn, left, right))

_ESCAPES = {'"': '"', "'": "'", '\\': '\\', 'n': '\n', 'r': '\r', 't': '\t'}


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] in 'uU':
            return chr(int(esc[1:], 16))
        return _ESCAPES.get(esc, '\\' + esc)
    return re.sub(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{6}|.)', one, body)


def _parse(text: str, start: str) -> ParseTree:
    try:
        return _PARSER.parse(text, start=start)
    except UnexpectedInput as err:
        raise FeelError(f"FEEL syntax error at column {err.column}: {text!r}", source=text,
                        column=err.column) from None
    except (LarkError, RecursionError) as err:
        raise FeelError(f"FEEL syntax error: {text!r} ({err.__class__.__name__})", source=text) from None


def _build(text: str, kind: str, tree: ParseTree, negate: bool = False) -> Compiled:
    compiler = _Compiler()
    try:
        run = compiler.compile(tree)
    except RecursionError:
        raise FeelError('FEEL expression nested too deeply', source=text) from None
    if negate:
        positive = run

        def run(env: _Env) -> bool | None:
            result = positive(env)
            return None if result is None else not result
    return Compiled(text, kind, run, compiler.uses_input, frozenset(compiler.names), frozenset(compiler.calls))


@lru_cache(maxsize=8192)
def compile_expression(text: str) -> Compiled:
    """Parse a simple expression (input expression, output cell). Raises FeelError on a syntax error."""
    return _build(text, 'expression', _parse(text, 'expression'))


_STRING_RE = re.compile(r'"(\\.|[^"\\])*"')


def _closing_paren(text: str, open_at: int) -> int:
    """Index of the parenthesis closing text[open_at], skipping string literals; -1 if unbalanced."""
    depth, i = 0, open_at
    while i < len(text):
        ch = text[i]
        if ch == '"':
            m = _STRING_RE.match(text, i)
            if not m:
                return -1
            i = m.end()
            continue
        depth += {'(': 1, ')': -1}.get(ch, 0)
        if depth == 0:
            return i
        i += 1
    return -1


@lru_cache(maxsize=8192)
def compile_unary_tests(text: str) -> Compiled:
    """Parse an input cell: `-`/empty match anything; a whole-cell `not(...)` negates the tests inside."""
    stripped = text.strip()
    if stripped in ('', '-'):
        return Compiled(text, 'unary_tests', lambda env: True, False, frozenset(), frozenset())
    # `not(...)` spanning the whole cell is the negated test list, not the boolean function; the grammar cannot
    # tell them apart with one token of look-ahead, so it is split off here.
    m = re.match(r'not\s*\(', stripped)
    if m and _closing_paren(stripped, m.end() - 1) == len(stripped) - 1:
        return _build(text, 'unary_tests', _parse(stripped[m.end():-1], 'positive_tests'), negate=True)
    return _build(text, 'unary_tests', _parse(stripped, 'positive_tests'))


def evaluate(text: str, context: Mapping[str, Any],
             functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """Evaluate a FEEL simple expression against `context`; returns plain Python (int/float, never Decimal)."""
    return to_python(compile_expression(text).evaluate(context, functions))


def matches(text: str, value: Any, context: Mapping[str, Any] | None = None,
         functions: Mapping[str, Callable[..., Any]] | None = None) -> bool:
    """Does `value` pass the unary tests `text`? A null verdict (incomparable types, null input) is no match."""
    return compile_unary_tests(text).evaluate(context or {}, functions, value) is True

