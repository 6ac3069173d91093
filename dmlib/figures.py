"""The record of one reproduced figure, and the table that shows figures beside the paper's.

A leaf module: it imports nothing from ``dmlib``, so every paper package can build its figures
without importing the registry. Taught in notebooks/01_infogan.ipynb §8.6 Paper vs ours.
"""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass

__all__ = ["Figure", "format_figures"]

_GOALS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Figure:
    """One reproduced figure: what it is, the paper's value, ours, and the course's goal.

    ``goal`` is an operator and a bound, e.g. ``"<= 0.05"``; :attr:`met` checks ``ours`` against it.
    """

    paper: str  # which paper
    name: str
    paper_value: str
    ours: float
    goal: str

    def __post_init__(self) -> None:
        op, _, bound = self.goal.partition(" ")
        if op not in _GOALS or not bound:
            raise ValueError(f"goal must look like '<= 0.05', got {self.goal!r}")
        float(bound)  # a goal's bound is a number

    @property
    def met(self) -> bool:
        op, bound = self.goal.split(" ")
        return bool(_GOALS[op](self.ours, float(bound)))

    def to_dict(self) -> dict:
        return {**asdict(self), "met": self.met}


def format_figures(figures: list[Figure]) -> str:
    """A text table of figures: paper value, ours, our criterion ("check"), and whether it is met.

    Taught in notebooks/01_infogan.ipynb §8.6 Paper vs ours.
    """
    header = f"{'paper':<8} {'figure':<52} {'paper':>11} {'ours':>7} {'check':>7}  met"
    lines = [header, "-" * len(header)]
    for f in figures:
        met = "yes" if f.met else "NO"
        lines.append(f"{f.paper:<8} {f.name:<52} {f.paper_value:>11} {f.ours:>7.3f} {f.goal:>7}  {met}")
    return "\n".join(lines)
