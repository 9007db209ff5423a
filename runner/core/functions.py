"""The functions designers may call from scripts, conditions and timer expressions, and the engine that offers them.

Deploy refuses a form field named like one of them (the case data would hide the function from later scripts).
"""
from __future__ import annotations

from typing import Any, Callable

from . import blame, deadlines, engine, faults

FUNCTIONS: dict[str, Callable[..., Any]] = {**deadlines.FUNCTIONS, **faults.FUNCTIONS, **blame.FUNCTIONS}
SCRIPT_ENGINE = engine.restricted_engine(FUNCTIONS)
