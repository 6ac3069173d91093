"""Statistics over seeds: the mean with its spread, and the paired interval behind "A beats B".

Taught in notebooks/04_modality_hallucination.ipynb §7 Results. With n seeds, each arm's figure is
the mean and the sample standard deviation (ddof = 1). When two arms share a seed (same data order,
same stage-1 networks), their difference per seed removes what the seed does to both, and

    d̄ ± t_{0.975, n−1} · s_d / √n

is the 95 % confidence interval for the mean difference (Student's t). "A beats B" is supported
when the whole interval is above zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Paired", "mean_sd", "paired_interval"]


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


@dataclass(frozen=True)
class Paired:
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

    def __str__(self) -> str:
        return f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"


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
