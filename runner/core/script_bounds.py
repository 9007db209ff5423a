"""Bounds on what one piece of diagram code may spend: time, and the size of the numbers, strings and collections
it builds. A script that passes one is stopped, so it can neither hold a case's row lock (and, on SQLite, the whole
database's write lock) nor exhaust the runner's memory.

How: runner/core/sandbox.py compiles diagram code with `BoundingTransformer`, which routes the operations that can
run long or allocate much through the guards below — every loop iteration, function call and lambda `tick()`s
against a deadline; `+ * ** << %` (and their in-place forms), `pow`, `range`, the widening str methods and the
growing collection methods check the size of their result before building it. Each evaluation runs inside
`bounded()`. Exceeding a bound raises `ScriptLimitExceeded`, a BaseException, so the code's own `except Exception`
cannot swallow it (bare `except:` and the BaseException names are refused at compile time); `bounded()` turns it,
and any other BaseException the code raises (SystemExit …), into a ScriptError for the engine to report.

The time limit is wall-clock (time.monotonic), not the runner's injectable clock: it measures the runner's own work.
"""
from __future__ import annotations

import ast
import operator
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar, cast

from RestrictedPython.transformer import RestrictingNodeTransformer

from ..errors import ScriptError


@dataclass(frozen=True)
class ScriptLimits:
    seconds: float = 1.0            # per script, condition, timer expression or decision cell
    max_string: int = 1_000_000     # characters of a str, bytes of a bytes
    max_items: int = 100_000        # elements of a list, tuple, set, dict or range
    max_int_bits: int = 65_536      # about 19,700 decimal digits


_limits = ScriptLimits()


def install(limits: ScriptLimits) -> ScriptLimits:
    """Make `limits` the process's bounds (the shells install the configured ones); returns the previous ones."""
    global _limits
    previous, _limits = _limits, limits
    return previous


def limits() -> ScriptLimits:
    return _limits


class ScriptLimitExceeded(BaseException):
    """Raised inside restricted code that passed a bound (a BaseException: see the module docstring)."""


_deadline: ContextVar[float | None] = ContextVar("wenze_script_deadline", default=None)


@contextmanager
def bounded() -> Iterator[None]:
    """Run one piece of restricted code within the time limit; its overruns and BaseExceptions become ScriptErrors."""
    now = time.monotonic()
    outer = _deadline.get()
    token = _deadline.set(min(outer, now + _limits.seconds) if outer is not None else now + _limits.seconds)
    try:
        yield
    except ScriptLimitExceeded as err:
        raise ScriptError(str(err)) from None
    except KeyboardInterrupt:
        raise                                   # the operator stopping the runner, not the script
    except BaseException as err:
        if isinstance(err, Exception):
            raise
        raise ScriptError(f"the script raised {type(err).__name__}, which Wenze scripts may not raise") from None
    finally:
        _deadline.reset(token)


def tick() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise ScriptLimitExceeded(f"the script ran longer than its limit of {_limits.seconds:g} s and was stopped")


def _too_big(what: str, size: int, limit: int) -> ScriptLimitExceeded:
    return ScriptLimitExceeded(f"the script would build {what} of {size:,} (limit {limit:,}) and was stopped")


def _check_size(value: Any) -> Any:
    """The result of an operation, refused if it is larger than the bounds (for results only known afterwards)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _limits.max_int_bits:
            raise _too_big("a number", value.bit_length(), _limits.max_int_bits)
    elif isinstance(value, (str, bytes)):
        if len(value) > _limits.max_string:
            raise _too_big("a string", len(value), _limits.max_string)
    elif isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > _limits.max_items:
        raise _too_big("a collection", len(value), _limits.max_items)
    return value


def _length_limit(value: Any) -> int | None:
    if isinstance(value, (str, bytes)):
        return _limits.max_string
    if isinstance(value, (list, tuple)):
        return _limits.max_items
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Each check runs before the operation: it must refuse what would allocate too much before it is allocated.
def _check_add(left: Any, right: Any) -> None:
    limit = _length_limit(left)
    if limit is not None and _length_limit(right) is not None and len(left) + len(right) > limit:
        raise _too_big("a sequence", len(left) + len(right), limit)


def _check_mult(left: Any, right: Any) -> None:
    if _whole(left) and _whole(right):
        if left.bit_length() + right.bit_length() > _limits.max_int_bits:
            raise _too_big("a number", left.bit_length() + right.bit_length(), _limits.max_int_bits)
        return
    sequence, times = (left, right) if _whole(right) else (right, left)
    limit = _length_limit(sequence)
    if limit is not None and _whole(times) and len(sequence) * times > limit:
        raise _too_big("a sequence", len(sequence) * times, limit)


def _check_pow(base: Any, exponent: Any, _modulus: Any = None) -> None:
    if _modulus is None and _whole(base) and _whole(exponent) and abs(base) > 1 and exponent > 0:
        bits = (abs(base).bit_length() - 1) * exponent
        if bits > _limits.max_int_bits:
            raise _too_big("a number", bits, _limits.max_int_bits)


def _check_lshift(left: Any, right: Any) -> None:
    if _whole(left) and _whole(right) and left and left.bit_length() + right > _limits.max_int_bits:
        raise _too_big("a number", left.bit_length() + right, _limits.max_int_bits)


_PRINTF_SIZES = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_mod(left: Any, _right: Any) -> None:
    if isinstance(left, (str, bytes)):
        text = left if isinstance(left, str) else left.decode("latin-1")
        for width, precision in _PRINTF_SIZES.findall(text):
            for size in (width, precision):
                if size == "*" or (size and int(size) > _limits.max_string):
                    raise _too_big("a formatted field", _limits.max_string + 1, _limits.max_string)


_BINARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], None]]] = {
    "+": (operator.add, _check_add), "*": (operator.mul, _check_mult), "**": (operator.pow, _check_pow),
    "<<": (operator.lshift, _check_lshift), "%": (operator.mod, _check_mod),
}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor,
}


def binary(op: str, left: Any, right: Any) -> Any:
    """`left op right` for the operators that can build large values, refused before it would pass a bound."""
    compute, check = _BINARY[op]
    check(left, right)
    return _check_size(compute(left, right))


def inplace(op: str, target: Any, value: Any) -> Any:
    """`target op= value`, with the same bounds as the plain operator."""
    check = _BINARY.get(op[:-1])
    if check is not None:
        check[1](target, value)
    return _check_size(_INPLACE[op](target, value))


def bounded_pow(base: Any, exponent: Any, modulus: Any = None) -> Any:
    _check_pow(base, exponent, modulus)
    return pow(base, exponent, modulus)


def bounded_range(*args: int) -> range:
    span = range(*args)
    if len(span) > _limits.max_items:
        raise _too_big("a range", len(span), _limits.max_items)
    return span


def ticking(iterable: Iterable[Any]) -> Iterator[Any]:
    """What a `for` loop or comprehension iterates over: the same items, with the deadline checked as it goes."""
    tick()
    for count, item in enumerate(iterable, 1):
        if not count & 63:
            tick()
        yield item


def _checked_method(obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """A str, bytes or collection method whose result could pass a bound, checked before it runs."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if name in ("ljust", "rjust", "center", "zfill") and args and _whole(args[0]) \
                and args[0] > _limits.max_string:
            raise _too_big("a string", args[0], _limits.max_string)
        if name == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            if _whole(tabsize) and len(obj) * max(tabsize, 1) > _limits.max_string:
                raise _too_big("a string", len(obj) * tabsize, _limits.max_string)
        if name == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            grows = (obj.count(old) if old else len(obj) + 1) * max(len(new) - len(old), 0)
            if len(obj) + grows > _limits.max_string:
                raise _too_big("a string", len(obj) + grows, _limits.max_string)
        if name == "join" and args:
            parts = list(ticking(args[0]))
            size = sum(len(part) for part in parts if isinstance(part, (str, bytes))) + len(obj) * len(parts)
            if size > _limits.max_string:
                raise _too_big("a string", size, _limits.max_string)
            args = (parts, *args[1:])
        if name in ("extend", "update"):
            grows = len(args[0]) if args and hasattr(args[0], "__len__") else 0
            if len(obj) + grows > _limits.max_items:
                raise _too_big("a collection", len(obj) + grows, _limits.max_items)
        if name in ("append", "insert", "add", "setdefault") and len(obj) >= _limits.max_items:
            raise _too_big("a collection", len(obj) + 1, _limits.max_items)
        return _check_size(method(*args, **kwargs))

    return call


_STRING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join"})
_COLLECTION_METHODS = frozenset({"extend", "update", "append", "insert", "add", "setdefault"})


def checked_attribute(obj: Any, name: str, value: Any) -> Any:
    """The attribute `name` of `obj` as restricted code gets it (already through RestrictedPython's checks)."""
    if isinstance(obj, (str, bytes)) and name in _STRING_METHODS or \
            isinstance(obj, (list, dict, set)) and name in _COLLECTION_METHODS:
        return _checked_method(obj, name, value)
    return value


def checked_write(obj: Any) -> Any:
    """`obj[key] = value` and `obj.attr = value` go through this: a dict or list may not outgrow the bound."""
    if isinstance(obj, (dict, list)) and len(obj) >= _limits.max_items:
        raise _too_big("a collection", len(obj) + 1, _limits.max_items)
    return obj


_Node = TypeVar("_Node", bound=ast.AST)


def _located(new: _Node, at: ast.AST) -> _Node:
    """A node made by the transformer, with the source position of the code it stands for (as compile needs)."""
    return ast.fix_missing_locations(ast.copy_location(new, at))


class BoundingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's transformer, plus the calls that keep code within its bounds (see the module docstring)."""

    _BINOPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = cast(ast.BinOp, super().visit_BinOp(node))
        symbol = self._BINOPS.get(type(node.op))
        if symbol is None:
            return node
        return _located(ast.Call(ast.Name("_binary_", ast.Load()), [ast.Constant(symbol), node.left, node.right],
                                 []), node)

    def _ticked(self, body: list[ast.stmt], at: ast.AST) -> list[ast.stmt]:
        return [_located(ast.Expr(ast.Call(ast.Name("_tick_", ast.Load()), [], [])), at), *body]

    def visit_While(self, node: ast.While) -> ast.AST:
        node = cast(ast.While, super().visit_While(node))
        node.body = self._ticked(node.body, node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body = self._ticked(node.body, node)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        # `_tick_() or body`: _tick_ returns None, so the lambda's value is its body's.
        node.body = _located(ast.BoolOp(ast.Or(), [ast.Call(ast.Name("_tick_", ast.Load()), [], []), node.body]),
                             node.body)
        return node


GUARDS: dict[str, Any] = {"_binary_": binary, "_tick_": tick}
BUILTINS: dict[str, Any] = {"pow": bounded_pow, "range": bounded_range}
# Names of BaseExceptions: code that cannot name them cannot catch the bound's own exception or raise them.
UNNAMEABLE = ("BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit")
