"""InfoGAN's exercise checkers: entropy, mutual information, the Gaussian part of L_I.

Taught in notebooks/01_infogan.ipynb §9 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..exercises import checker, compare
from .infotheory import entropy, gaussian_log_likelihood, mutual_information

__all__ = [
    "check_categorical_entropy",
    "check_gaussian_L_I",
    "check_mutual_information",
]


def _random_distribution(rng: np.random.Generator, shape: int | tuple[int, ...]) -> np.ndarray:
    weights = rng.gamma(0.7, size=shape)
    weights.ravel()[rng.integers(weights.size)] = 0.0  # include a zero-probability outcome
    return weights / weights.sum()


@checker
def check_categorical_entropy(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 1: ``fn(p)`` returns H(p) in nats for a probability vector (0 log 0 = 0).

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(0)
    for _ in range(trials):
        p = _random_distribution(rng, rng.integers(2, 12))
        compare("entropy", fn(p), entropy(p), p)
    print(f"✓ categorical entropy correct on {trials} random distributions")


@checker
def check_mutual_information(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 2: ``fn(joint)`` returns I(X; Y) in nats for a 2-D table ``joint[x, y]``.

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(1)
    for _ in range(trials):
        joint = _random_distribution(rng, tuple(rng.integers(2, 6, size=2)))
        compare("mutual information", fn(joint), mutual_information(joint), joint)
    independent = np.outer([0.2, 0.8], [0.5, 0.3, 0.2])
    compare("mutual information of independent X, Y", fn(independent), 0.0, independent)
    print(f"✓ mutual information correct on {trials + 1} joint tables (one independent)")


@checker
def check_gaussian_L_I(fn: Callable[..., torch.Tensor], trials: int = 20) -> None:
    """Exercise 3: ``fn(c, mean, log_std)`` returns the batch mean of log Q(c | x) for a factored
    Gaussian Q — the continuous-code part of L_I, without the constant H(c).
    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    generator = torch.Generator().manual_seed(2)
    for _ in range(trials):
        c, mean = (torch.rand(8, 2, generator=generator) * 2 - 1 for _ in range(2))
        log_std = torch.randn(8, 2, generator=generator) * 0.5
        expected = float(gaussian_log_likelihood(c, mean, log_std).mean())
        compare("Gaussian L_I", fn(c, mean, log_std), expected, torch.cat([c, mean, log_std], 1))
    print(f"✓ Gaussian L_I correct on {trials} random batches")
