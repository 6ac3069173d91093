"""InfoGAN's exercise checkers: entropy, mutual information, the Gaussian part of L_I, the bound's gap,
and a buggy categorical L_I to fix.

Taught in notebooks/01_infogan.ipynb §9 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..exercises import checker, compare
from .infotheory import entropy, gaussian_log_likelihood, mutual_information, posterior, variational_mi_bound

__all__ = [
    "buggy_categorical_L_I",
    "check_bound_gap",
    "check_categorical_L_I",
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


@checker
def check_bound_gap(fn: Callable[[np.ndarray, np.ndarray], float], trials: int = 20) -> None:
    """Exercise 4: ``fn(joint, q)`` returns E_x KL(P(c | x) ‖ Q(c | x)) for ``joint[c, x]`` and a guess
    ``q[c, x]``; it must equal I(c; x) − L_I, which is what makes L_I a lower bound.
    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(4)
    for _ in range(trials):
        joint = _random_distribution(rng, tuple(rng.integers(2, 6, size=2)))
        joint[:, joint.sum(0) == 0] = 0.01  # every x possible, so P(c | x) exists
        joint /= joint.sum()
        q = rng.dirichlet(np.ones(joint.shape[0]), size=joint.shape[1]).T
        expected = mutual_information(joint) - variational_mi_bound(joint, q)
        compare("bound gap I − L_I", fn(joint, q), expected, joint)
    joint = _random_distribution(rng, (3, 4)) + 0.01
    joint /= joint.sum()
    compare("bound gap with Q = the posterior", fn(joint, posterior(joint)), 0.0, joint)
    print(f"✓ I − L_I = E_x KL(P(c|x) ‖ Q(c|x)) on {trials + 1} channels (0 when Q is the posterior)")


def buggy_categorical_L_I(logits: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """L_I for the categorical code from Q's logits — with one bug, for exercise 5 to find.

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    return math.log2(logits.shape[1]) - F.cross_entropy(logits, c)


@checker
def check_categorical_L_I(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], trials: int = 20) -> None:
    """Exercise 5: ``fn(logits, c)`` is the fixed :func:`buggy_categorical_L_I`: H(c) − CE in nats.

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    generator = torch.Generator().manual_seed(5)
    for _ in range(trials):
        k = int(torch.randint(2, 12, (1,), generator=generator))
        logits = torch.randn(16, k, generator=generator) * 3
        c = torch.randint(0, k, (16,), generator=generator)
        expected = math.log(k) - float(F.cross_entropy(logits, c))
        compare("categorical L_I", fn(logits, c), expected, logits[:2])
    print(f"✓ categorical L_I correct on {trials} batches: never above H(c) = ln K")
