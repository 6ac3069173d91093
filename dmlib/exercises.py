"""What every paper's exercise checkers share: the call protocol and the numeric comparison.

A checker (``dmlib/<paper>/exercises.py``) calls the reader's function on seeded random inputs and
compares it with dmlib's reference within 1e-6. It returns ``True`` when every case agrees,
``False`` (with a hint) while the function still raises ``NotImplementedError``, and raises
``AssertionError`` naming the first failing input otherwise.

Solutions live in ``dmlib/<paper>/solutions.py``, out of the notebook's sight: :func:`reveal` prints one
on request. Taught in the Exercises section of every notebook (01 §9, 02 §13, 03 §11, 04 §10).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["checker", "compare", "reveal"]


def checker(check: Callable[[Callable, int], None]) -> Callable[..., bool]:
    """Turn ``check(fn, trials)`` (raises ``AssertionError`` on a wrong answer) into a checker."""

    @functools.wraps(check)
    def run(fn: Callable, trials: int | None = None) -> bool:
        if not callable(fn):
            raise ValueError(f"fn must be a function, got {type(fn).__name__}")
        try:
            check(fn) if trials is None else check(fn, trials)
        except NotImplementedError:
            print("Not attempted yet: write your code in the cell above (exercises.reveal shows a solution).")
            return False
        return True

    return run


def compare(name: str, got: Any, expected: float, case: Any) -> None:
    """Raise ``AssertionError`` showing ``case`` unless ``got`` equals ``expected`` within 1e-6."""
    if not np.isclose(float(got), expected, rtol=1e-6, atol=1e-6):
        shown = np.round(np.asarray(case, dtype=float), 4)
        raise AssertionError(f"{name}: for input\n{shown}\nexpected {expected:.6f}, got {float(got):.6f}")


def reveal(solution: Callable) -> str:
    """Print (and return) the source of a solution from ``dmlib/<paper>/solutions.py``, its docstring
    included: the derivation or the explanation of an experiment is written there."""
    if not callable(solution):
        raise ValueError(f"solution must be a function of a solutions module, got {type(solution).__name__}")
    source = inspect.getsource(solution)
    print(source)
    return source
