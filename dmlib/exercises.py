"""Auto-checkers for the notebooks' exercises: each compares a reader's function with dmlib's.

A checker calls the reader's function on seeded random inputs and compares it with the
reference within 1e-6. It returns ``True`` when every case agrees, ``False`` (with a hint) while
the function still raises ``NotImplementedError``, and raises ``AssertionError`` naming the first
failing input otherwise. Taught in notebooks/01_infogan.ipynb §9 and notebooks/03_pixelrnn.ipynb §11
Exercises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import torch

from .infotheory import entropy, gaussian_log_likelihood, mutual_information

__all__ = [
    "buggy_mask_a",
    "check_bits_per_dim",
    "check_categorical_entropy",
    "check_gaussian_L_I",
    "check_mask_b",
    "check_mask_bug",
    "check_mutual_information",
]


def _checker(check: Callable) -> Callable:
    @functools.wraps(check)
    def run(fn: Callable, trials: int = 20) -> bool:
        if not callable(fn):
            raise ValueError(f"fn must be a function, got {type(fn).__name__}")
        try:
            check(fn, trials)
        except NotImplementedError:
            print("Not attempted yet: write your code in the cell above (the solution is below).")
            return False
        return True

    return run


def _random_distribution(rng: np.random.Generator, shape) -> np.ndarray:
    weights = rng.gamma(0.7, size=shape)
    weights.ravel()[rng.integers(weights.size)] = 0.0  # include a zero-probability outcome
    return weights / weights.sum()


def _compare(name: str, got, expected: float, case) -> None:
    if not np.isclose(float(got), expected, rtol=1e-6, atol=1e-6):
        shown = np.round(np.asarray(case, dtype=float), 4)
        raise AssertionError(f"{name}: for input\n{shown}\nexpected {expected:.6f}, got {float(got):.6f}")


@_checker
def check_categorical_entropy(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 1: ``fn(p)`` returns H(p) in nats for a probability vector (0 log 0 = 0).

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(0)
    for _ in range(trials):
        p = _random_distribution(rng, rng.integers(2, 12))
        _compare("entropy", fn(p), entropy(p), p)
    print(f"✓ categorical entropy correct on {trials} random distributions")


@_checker
def check_mutual_information(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 2: ``fn(joint)`` returns I(X; Y) in nats for a 2-D table ``joint[x, y]``.

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(1)
    for _ in range(trials):
        joint = _random_distribution(rng, tuple(rng.integers(2, 6, size=2)))
        _compare("mutual information", fn(joint), mutual_information(joint), joint)
    independent = np.outer([0.2, 0.8], [0.5, 0.3, 0.2])
    _compare("mutual information of independent X, Y", fn(independent), 0.0, independent)
    print(f"✓ mutual information correct on {trials + 1} joint tables (one independent)")


@_checker
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
        _compare("Gaussian L_I", fn(c, mean, log_std), expected, torch.cat([c, mean, log_std], 1))
    print(f"✓ Gaussian L_I correct on {trials} random batches")


@_checker
def check_mask_b(fn: Callable[[int], np.ndarray], trials: int = 4) -> None:
    """PixelRNN exercise 1: ``fn(k)`` returns the k×k grayscale mask B (1 = connection kept).

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    from .pixelrnn.masks import causal_mask

    one = torch.zeros(1, dtype=torch.long)
    for k in (1, 3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "B")[0, 0].numpy()
        got = np.asarray(fn(k), dtype=float)
        if got.shape != expected.shape or not np.array_equal(got, expected):
            raise AssertionError(f"mask B for k={k}: expected\n{expected.astype(int)}\ngot\n{got}")
    print("✓ mask B correct for k = 1, 3, 5, 7")


@_checker
def check_bits_per_dim(fn: Callable[[float, int], float], trials: int = 20) -> None:
    """PixelRNN exercise 2: ``fn(nats, dims)`` converts an image's NLL in nats to bits per dimension.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    rng = np.random.default_rng(3)
    for _ in range(trials):
        nats, dims = float(rng.uniform(10, 5000)), int(rng.integers(1, 3073))
        _compare("bits/dim", fn(nats, dims), nats / dims / np.log(2), [nats, dims])
    print(f"✓ bits/dim correct on {trials} random cases (e.g. CIFAR's 3072 dims)")


def buggy_mask_a(k: int) -> np.ndarray:
    """A k×k grayscale 'mask A' with one classic bug, for exercise 3 to find.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    mask = np.zeros((k, k))
    mask[: k // 2] = 1
    mask[k // 2, : k // 2 + 1] = 1
    return mask


@_checker
def check_mask_bug(fn: Callable[[int], list], trials: int = 3) -> None:
    """PixelRNN exercise 3: ``fn(k)`` lists the (row, col) positions where :func:`buggy_mask_a`
    differs from the true mask A.
    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    from .pixelrnn.masks import causal_mask

    one = torch.zeros(1, dtype=torch.long)
    for k in (3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "A")[0, 0].numpy()
        wrong = sorted(map(tuple, np.argwhere(buggy_mask_a(k) != expected).tolist()))
        got = sorted(tuple(int(v) for v in pos) for pos in fn(k))
        if got != wrong:
            raise AssertionError(f"k={k}: the buggy positions are not {got}")
    print("✓ you found the bug: mask A must hide the centre pixel itself")
