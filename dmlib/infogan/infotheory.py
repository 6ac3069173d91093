"""Information theory for InfoGAN: entropy, cross-entropy, KL, mutual information, Lemma 5.1.

Taught in notebooks/01_infogan.ipynb §3 Information theory and §5 Variational MI maximization.
All quantities are in nats (natural log). Distributions are 1-D probability vectors; joints are
2-D tables ``P[x, y]``. Inputs may be lists, NumPy arrays or tensors; results are floats.

    H(p)        = −Σ p log p
    H(p, q)     = −Σ p log q                       (cross-entropy)
    KL(p ‖ q)   = H(p, q) − H(p) ≥ 0               (= 0 iff p = q)
    I(X; Y)     = H(X) − H(X | Y) = KL(P(x, y) ‖ P(x) P(y))
    L_I(Q)      = E_{c, x}[log Q(c | x)] + H(c) ≤ I(c; x)  (InfoGAN's variational bound)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from numpy.typing import ArrayLike

from ..checks import check_array, check_tensor

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "gaussian_log_likelihood",
    "kl_divergence",
    "lemma_5_1",
    "mutual_information",
    "posterior",
    "variational_mi_bound",
]

_TOL = 1e-6


def _distribution(p: ArrayLike, name: str) -> np.ndarray:
    array = check_array(p, name)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D probability vector, got shape {array.shape}")
    if (array < 0).any() or abs(array.sum() - 1) > _TOL:
        raise ValueError(f"{name} must be non-negative and sum to 1 (sums to {array.sum():.6f})")
    return array


def _joint(joint: ArrayLike, name: str = "joint") -> np.ndarray:
    table = check_array(joint, name)
    if table.ndim != 2:
        raise ValueError(f"{name} must be a 2-D table P[x, y], got shape {table.shape}")
    _distribution(table.ravel(), name)
    return table


def _plogq(p: np.ndarray, q: np.ndarray) -> float:
    # 0 · log 0 = 0; p > 0 where q = 0 makes the cross-entropy infinite.
    support = p > 0
    if (q[support] == 0).any():
        return -math.inf
    return float((p[support] * np.log(q[support])).sum())


def entropy(p: ArrayLike) -> float:
    """H(p) = −Σ p log p, in nats. Taught in notebooks/01_infogan.ipynb §3.1 Entropy."""
    p = _distribution(p, "p")
    return -_plogq(p, p)


def cross_entropy(p: ArrayLike, q: ArrayLike) -> float:
    """H(p, q) = −Σ p log q: nats to code samples of p with a code built for q (§3.2).

    Taught in notebooks/01_infogan.ipynb §3.2 Cross-entropy.
    """
    p, q = _distribution(p, "p"), _distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same length, got {p.size} and {q.size}")
    return -_plogq(p, q)


def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """KL(p ‖ q) = H(p, q) − H(p) ≥ 0, zero iff p = q. Taught in §3.2 Cross-entropy."""
    return cross_entropy(p, q) - entropy(p)


def conditional_entropy(joint: ArrayLike) -> float:
    """H(X | Y) = −Σ P(x, y) log P(x | y) for a table ``joint[x, y]`` (§3.3).

    Taught in notebooks/01_infogan.ipynb §3.3 Mutual information.
    """
    table = _joint(joint)
    p_y = table.sum(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(p_y > 0, table / p_y, 0.0)
    return -_plogq(table.ravel(), cond.ravel())


def mutual_information(joint: ArrayLike) -> float:
    """I(X; Y) = KL(P(x, y) ‖ P(x) P(y)) for a table ``joint[x, y]`` (§3.3 Mutual information).

    Taught in notebooks/01_infogan.ipynb §3.3 Mutual information.
    """
    table = _joint(joint)
    independent = np.outer(table.sum(1), table.sum(0))
    return kl_divergence(table.ravel(), independent.ravel())


def posterior(joint: ArrayLike) -> np.ndarray:
    """P(x | y) as a table ``[x, y]`` (columns sum to 1) — the true posterior Q should learn (§5).

    Taught in notebooks/01_infogan.ipynb §5.2 The variational bound.
    """
    table = _joint(joint)
    p_y = table.sum(0, keepdims=True)
    if (p_y == 0).any():
        raise ValueError("joint has a y with zero probability; its posterior is undefined")
    return table / p_y


def variational_mi_bound(joint: ArrayLike, q_posterior: ArrayLike) -> float:
    """L_I = E_{c, x}[log Q(c | x)] + H(c) for a channel ``joint[c, x]`` and a guess Q[c, x].

    Equals I(c; x) when Q is the true posterior and is lower otherwise (the gap is
    E_x KL(P(·|x) ‖ Q(·|x))). Taught in notebooks/01_infogan.ipynb §5.2 The variational bound.
    """
    table = _joint(joint)
    q = np.asarray(q_posterior, dtype=np.float64)
    if q.shape != table.shape:
        raise ValueError(f"q_posterior must have the joint's shape {table.shape}, got {q.shape}")
    if (q < 0).any() or np.abs(q.sum(0) - 1).max() > _TOL:
        raise ValueError("q_posterior's columns Q(· | x) must be probability vectors")
    return _plogq(table.ravel(), q.ravel()) + entropy(table.sum(1))


def lemma_5_1(
    joint: ArrayLike,
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n_samples: int = 200_000,
    seed: int = 0,
) -> tuple[float, float]:
    """Monte-Carlo check of Lemma 5.1: E_{x, y|x}[f(x, y)] = E_{x, y|x, x'|y}[f(x', y)].

    Samples x ~ P(X), y ~ P(Y | x), then x' ~ P(X | y), and returns both sample means.
    ``f`` is a table ``f[x, y]``. Taught in notebooks/01_infogan.ipynb §5.1 Lemma 5.1.
    """
    table = _joint(joint)
    values = np.asarray(f, dtype=np.float64)
    if values.shape != table.shape:
        raise ValueError(f"f must have the joint's shape {table.shape}, got {values.shape}")
    if not isinstance(n_samples, int) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    rng = np.random.default_rng(seed)
    p_x = table.sum(1)
    y_given_x = table / p_x[:, None]
    x_given_y = posterior(table)
    x = rng.choice(len(p_x), size=n_samples, p=p_x)
    y = _sample_rows(y_given_x[x], rng)  # y ~ P(Y | x)
    x_prime = _sample_rows(x_given_y[:, y].T, rng)  # x' ~ P(X | y)
    return float(values[x, y].mean()), float(values[x_prime, y].mean())


def _sample_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of ``probs`` (inverse-CDF, vectorised)."""
    u = rng.random(len(probs))[:, None]
    return np.minimum((probs.cumsum(1) < u).sum(1), probs.shape[1] - 1)


def gaussian_log_likelihood(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log N(x; mean, exp(log_std)²) summed over the last axis: InfoGAN's Q for c2, c3.

    Shapes (B, D) → (B,).
    """
    if not (x.shape == mean.shape == log_std.shape):
        raise ValueError(
            f"x, mean and log_std must share a shape, got {tuple(x.shape)}, "
            f"{tuple(mean.shape)}, {tuple(log_std.shape)}"
        )
    for value, label in ((x, "x"), (mean, "mean"), (log_std, "log_std")):
        check_tensor(value, label)
    z = (x - mean) / log_std.exp()
    return -(0.5 * z**2 + log_std + 0.5 * math.log(2 * math.pi)).sum(-1)
