"""Scripts are bounded (runner/core/script_bounds.py): time, and the size of what they build. Each probe is what a
hostile or careless process designer could deploy; each must stop with a ScriptError, quickly, and benign code must
still run."""
from __future__ import annotations

import time
from typing import Any

import pytest

from runner.core import sandbox, script_bounds
from runner.core.engine.scripts import restricted_engine
from runner.errors import ScriptError

ENVIRONMENT = restricted_engine({}).environment


def run(script: str) -> dict[str, Any]:
    context: dict[str, Any] = {}
    ENVIRONMENT.execute(script, context)
    return context


@pytest.fixture
def short_limit() -> Any:
    previous = script_bounds.install(script_bounds.ScriptLimits(seconds=0.2))
    yield
    script_bounds.install(previous)


RUNAWAYS = {
    "while True": "x = 0\nwhile True:\n    x += 1",
    "swallowing Exception": "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass",
    "exponential recursion": "def g(n):\n    return g(n - 1) + g(n - 1) if n else 1\nx = g(60)",
    "exponential lambda": "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nx = f(60)",
    "endless comprehension": "def forever():\n    while True:\n        yield 1\nx = [i for i in forever()]",
}


@pytest.mark.parametrize("script", RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_a_runaway_script_is_stopped_at_its_time_limit(short_limit: Any, script: str) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptError, match="ran longer than its limit of 0.2 s"):
        run(script)
    assert time.monotonic() - started < 2


# What each probe would build, and the probes that try.
OVERSIZED = {
    "a number": ["x = 10**10**7", "x = pow(10, 10**7)", "x = 1 << 10**9"],
    "a sequence": ["x = 'a' * 200000000", "s = 'ab'\nfor i in range(40):\n    s = s + s",
                   "s = ['a']\nfor i in range(40):\n    s += s"],
    "a range": ["x = list(range(10**9))"],
    "a string": ["x = 'a'.ljust(10**9)", "x = ('a' * 1000).replace('a', 'b' * 10000)"],
    "a formatted field": ["x = '%2000000000d' % 1"],
    "a collection": ["l = []\nwhile True:\n    l.append(1)", "d = {}\ni = 0\nwhile True:\n    d[i] = i\n    i += 1"],
}


@pytest.mark.parametrize("script, what", [(script, what) for what, scripts in OVERSIZED.items() for script in scripts])
def test_a_script_cannot_build_an_oversized_value(script: str, what: str) -> None:
    with pytest.raises(ScriptError, match=f"would build {what}"):
        run(script)


def test_base_exceptions_cannot_be_named_caught_or_raised() -> None:
    with pytest.raises(ScriptError, match="bare except"):
        sandbox.compile_source("try:\n    x = 1\nexcept:\n    pass", "exec")
    with pytest.raises(NameError):
        run("raise SystemExit")
    with pytest.raises(NameError):
        run("try:\n    x = 1\nexcept BaseException:\n    pass\nraise KeyboardInterrupt")


def test_a_wide_or_computed_f_string_field_is_refused_at_compile_time() -> None:
    with pytest.raises(ScriptError, match="f-string field"):
        sandbox.compile_source("x = f'{1:>2000000000}'", "exec")
    with pytest.raises(ScriptError, match="f-string field"):
        sandbox.compile_source("w = 5\nx = f'{1:>{w}}'", "exec")


def test_decision_cells_are_bounded_too(short_limit: Any) -> None:
    with pytest.raises(ScriptError, match="would build a number"):
        sandbox.evaluate("facts ** 10**7", {"facts": 10})
    with pytest.raises(ScriptError, match="ran longer"):
        sandbox.evaluate("sum(1 for x in range(100000) for y in range(100000))", {})


def test_ordinary_scripts_still_run() -> None:
    assert run("x = [i * 2 for i in range(10)]\ny = sum(x)\nz = 'a' + 'b'\nw = 3 ** 4\nv = '%s-%d' % ('a', 3)\n"
               "u = '-'.join(['甲', '乙'])\nt = f'{y:>6}'") == {
        "x": [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], "y": 90, "z": "ab", "w": 81, "v": "a-3", "u": "甲-乙",
        "t": "    90"}
