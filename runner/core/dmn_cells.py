"""One decision-table cell, compiled once as FEEL or, failing that, as a SpiffWorkflow-style Python expression.

Designers edit tables in dmn-js, which writes FEEL, but Wenze's older tables were written for SpiffWorkflow, whose
cells are Python (`? in ("a", "b")`, `1 <= ? <= 5`, `x * 0.1`). A cell is read as FEEL when it parses as FEEL and
looks like FEEL; it is read as Python when FEEL refuses it, or when it parses as FEEL but only makes sense as Python
(it names `True`/`None`/`in`/`is` or calls a function FEEL does not define, such as `len(...)`) and Python accepts
it. Python cells run in the restricted sandbox (runner/core/sandbox.py) and see plain Python values.
"""
from __future__ import annotations

import ast
import builtins
import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import feel, sandbox
from ..errors import ScriptError

# The input value of a Python input cell. RestrictedPython refuses names starting with "_", so it is a plain name.
INPUT_NAME = 'wenze_cell_input'

Functions = Mapping[str, Callable[..., Any]]

_QUESTION = re.compile(r'''("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|\?''')
_LEADING_OPERATOR = re.compile(r'(<=|>=|==|!=|<|>|in\b|not\s+in\b|is\b)')
_PYTHON_WORDS = frozenset(keyword.kwlist)


@dataclass(frozen=True)
class Cell:
    """`text` as written; `language` 'feel' or 'python'; `role` 'tests' (input entry) or 'expression'."""

    text: str
    language: str
    role: str
    feel_code: feel.Compiled | None = field(default=None, repr=False, compare=False)
    python_source: str | None = field(default=None, repr=False, compare=False)
    python_names: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def matches_anything(self) -> bool:
        return self.role == 'tests' and self.text.strip() in ('', '-')

    def test(self, value: Any, context: Mapping[str, Any], functions: Functions | None = None) -> bool:
        """Does the input value (a FEEL value) pass this input entry?"""
        if self.feel_code is not None:
            return self.feel_code.evaluate(context, functions, value) is True
        return bool(self._python(context, functions, {INPUT_NAME: feel.to_python(value)}))

    def value(self, context: Mapping[str, Any], functions: Functions | None = None) -> Any:
        """The FEEL value of an expression cell (an empty output entry is null)."""
        if self.feel_code is not None:
            return self.feel_code.evaluate(context, functions)
        if self.python_source is None:
            return None
        return feel.from_python(self._python(context, functions, {}))

    def _python(self, context: Mapping[str, Any], functions: Functions | None, extra: dict[str, Any]) -> Any:
        source = self.python_source
        if source is None:  # compile_cell gives every input entry FEEL or Python code; only a hand-made Cell has none
            raise ScriptError("the cell has no code to run", source=self.text)
        functions = functions or {}
        # FEEL reads a missing name as null; give Python the same rule instead of a NameError.
        scope = {name: None for name in self.python_names
                 if name not in context and name not in functions and not hasattr(builtins, name)}
        scope.update(context)
        scope.update(extra)
        try:
            return sandbox.evaluate(source, scope, functions)
        except ScriptError:
            raise
        except Exception as err:  # noqa: BLE001 - any failure of designer code is a script error
            raise ScriptError(f"{type(err).__name__}: {err}", source=self.text) from None


def _pythonic(code: feel.Compiled) -> bool:
    """FEEL parsed it, but the text reads as Python: `True`, `x is None`, `len(x)`."""
    words = {w for name in code.names | code.calls for w in name.split()}
    return bool(words & _PYTHON_WORDS) or bool(code.calls - feel.BUILTINS.keys())


def _python_test_source(text: str) -> str:
    """SpiffWorkflow's input-entry conventions: `?` stands for the input; a leading operator applies to it;
    anything else is compared with `==`."""
    stripped = text.strip()
    questions = [m for m in _QUESTION.finditer(stripped) if not m.group(1)]
    if questions:
        return _QUESTION.sub(lambda m: m.group(1) or INPUT_NAME, stripped)
    if _LEADING_OPERATOR.match(stripped):
        return f'{INPUT_NAME} {stripped}'
    return f'{INPUT_NAME} == ({stripped})'


def _compile_python(text: str, role: str) -> Cell:
    """Raises SyntaxError when Python cannot read the text, ScriptError when the sandbox refuses it."""
    source = _python_test_source(text) if role == 'tests' else text.strip()
    tree = ast.parse(source, mode='eval')
    sandbox.compile_source(source, 'eval')
    names = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return Cell(text, 'python', role, python_source=source, python_names=names)


def compile_cell(text: str | None, role: str) -> Cell:
    """Compile an input entry (role 'tests') or an input expression / output entry (role 'expression').

    Raises ScriptError when neither FEEL nor Python accepts the text, or when it is Python the sandbox refuses
    (`open(...)`, `__import__(...)`), even if FEEL could have read it as a call. The message completes the phrase
    "cell '...' ...".
    """
    text = text or ''
    if role == 'expression' and not text.strip():
        return Cell(text, 'feel', role)  # empty output entry: null
    try:
        code = feel.compile_unary_tests(text) if role == 'tests' else feel.compile_expression(text)
        feel_reason = ''
    except feel.FeelError as err:
        code, feel_reason = None, err.message
    if code is not None and not _pythonic(code):
        return Cell(text, 'feel', role, feel_code=code)
    try:
        return _compile_python(text, role)
    except SyntaxError as err:
        if code is not None:  # FEEL only, e.g. a host function call with a multi-word name
            return Cell(text, 'feel', role, feel_code=code)
        python_reason = f"invalid syntax: {err.msg}"
    except ScriptError as err:
        if code is not None:
            raise ScriptError(f"is refused by the Python sandbox: {err.message}", source=text) from None
        python_reason = err.message
    raise ScriptError(f"is neither FEEL ({feel_reason}) nor allowed Python ({python_reason})", source=text)
