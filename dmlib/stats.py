"""Statistics over seeds: the mean with its spread, and the paired interval behind "A beats B".

Taught in notebooks/04_modality_hallucination.ipynb §7 Results. With n seeds, each arm's figure is
the mean and the sample standard deviation (ddof = 1). When two arms share a seed (same data order,
same stage-1 networks), their difference per seed removes what the seed does to both, and

    d̄ ± t_{0.975, n−1} · s_d / √n

is the 95 % confidence interval for the mean difference (Student's t). "A beats B" is supported
when the whole interval is above zero.

A learning curve that is still falling at the end of a budget is summarised by a power law,
loss(t) ≈ a + b·t^(−c): ``a`` is where it levels off, and the law says how many steps a target needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

__all__ = [
    "Paired",
    "PowerLaw",
    "Proportions",
    "fit_power_law",
    "mean_sd",
    "paired_interval",
    "proportion_difference",
]


def _values(values: Sequence[float], name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) < 2:
        raise ValueError(f"{name} needs at least two values (one per seed), got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {array.tolist()}")
    return array


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof = 1) of per-seed values."""
    array = _values(values, "values")
    return float(array.mean()), float(array.std(ddof=1))


class _Interval:
    """What an interval of A − B lets a slide say, and how it prints: shared by both interval kinds."""

    mean: float
    low: float
    high: float

    def _unresolved(self) -> str:  # "not separated with …", in the unit of the evidence
        raise NotImplementedError

    def verdict(self) -> str:
        """A higher, A lower, or not separated (the whole interval must sit on one side of zero)."""
        if self.low > 0:
            return "A higher"
        if self.high < 0:
            return "A lower"
        return self._unresolved()

    def __str__(self) -> str:
        return f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"


@dataclass(frozen=True)
class Paired(_Interval):
    """A − B per seed, its mean and the confidence interval of the mean."""

    differences: tuple[float, ...]
    mean: float
    low: float
    high: float
    level: float

    @property
    def above_zero(self) -> bool:
        """True when the whole interval is above zero: the data support "A beats B"."""
        return self.low > 0

    def _unresolved(self) -> str:
        return f"not separated with {len(self.differences)} seeds"


def paired_interval(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> Paired:
    """The ``level`` confidence interval of mean(a − b) for values paired by seed (Student's t)."""
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must pair up seed by seed, got {len(a)} and {len(b)} values")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    differences = a - b
    mean, sd = differences.mean(), differences.std(ddof=1)
    half_width = stats.t.ppf((1 + level) / 2, len(differences) - 1) * sd / np.sqrt(len(differences))
    return Paired(
        tuple(differences.tolist()), float(mean), float(mean - half_width), float(mean + half_width), level
    )


@dataclass(frozen=True)
class Proportions(_Interval):
    """p_a − p_b of two independent samples (class purity after two training lengths) and its interval."""

    mean: float
    low: float
    high: float
    samples: tuple[int, int]

    def _unresolved(self) -> str:
        return f"not separated with {self.samples[0]} and {self.samples[1]} samples"


def proportion_difference(p_a: float, n_a: int, p_b: float, n_b: int, level: float = 0.95) -> Proportions:
    """Interval of p_a − p_b for two independent samples of sizes n_a, n_b (normal approximation):

    (p_a − p_b) ± z · sqrt(p_a (1 − p_a) / n_a + p_b (1 − p_b) / n_b).

    Taught in notebooks/03_pixelrnn.ipynb §10 (부록 D: class purity after each training length).
    """
    for p, n, name in ((p_a, n_a, "a"), (p_b, n_b, "b")):
        if not 0 <= p <= 1 or int(n) != n or n < 1:
            raise ValueError(f"sample {name}: need a proportion in [0, 1] and a positive count, got {p}, {n}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    spread = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    half_width = stats.norm.ppf((1 + level) / 2) * spread
    difference = p_a - p_b
    low, high = difference - half_width, difference + half_width
    return Proportions(float(difference), float(low), float(high), (n_a, n_b))


@dataclass(frozen=True)
class PowerLaw:
    """A falling learning curve ``loss(t) = asymptote + scale · t^(−exponent)`` (:func:`fit_power_law`)."""

    asymptote: float
    scale: float
    exponent: float

    def __call__(self, steps: np.ndarray | float) -> np.ndarray:
        return self.asymptote + self.scale * np.asarray(steps, dtype=float) ** -self.exponent

    def steps_to(self, target: float) -> float:
        """Training steps at which the curve reaches ``target`` (``inf`` when it never does)."""
        if target <= self.asymptote:
            return math.inf
        return float((self.scale / (target - self.asymptote)) ** (1 / self.exponent))


def fit_power_law(steps: Sequence[float], loss: Sequence[float]) -> PowerLaw:
    """Least-squares fit of ``loss ≈ a + b · steps^(−c)`` (b, c > 0) to a learning curve.

    For a fixed exponent c the model is linear in (a, b), so a and b come from ordinary least
    squares and only c is searched (bounded, 0.01 … 3), a one-dimensional and deterministic fit.
    """
    t, y = np.asarray(steps, dtype=float), np.asarray(loss, dtype=float)
    if t.ndim != 1 or t.shape != y.shape or len(t) < 4:
        raise ValueError(
            f"steps and loss must be equal-length 1-D sequences of ≥ 4 points, got {t.shape}, {y.shape}"
        )
    if not (np.isfinite(t).all() and np.isfinite(y).all()) or t.min() <= 0:
        raise ValueError("steps must be positive and every value finite")

    def solve(c: float) -> tuple[float, float, float]:  # (a, b) by least squares, and the squared error
        design = np.stack([np.ones_like(t), t**-c], axis=1)
        (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
        return a, b, float(((design @ (a, b) - y) ** 2).sum())

    exponent = optimize.minimize_scalar(lambda c: solve(c)[2], bounds=(0.01, 3.0), method="bounded").x
    asymptote, scale, _ = solve(exponent)
    if scale <= 0:
        raise ValueError("the curve is not falling: no decreasing power law fits it")
    return PowerLaw(float(asymptote), float(scale), float(exponent))
