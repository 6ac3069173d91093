"""Solutions to notebooks/01_infogan.ipynb §9 Exercises, printed on request by ``exercises.reveal``.

Kept out of the notebook so that the question comes first; tests/test_exercises.py runs each one
through its checker.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..training import Trained
from . import experiments
from .model import InfoGANConfig


def entropy(p: np.ndarray) -> float:
    """Exercise 1: H(p) = −Σ p log p in nats, skipping p = 0 (the limit of p log p is 0)."""
    p = np.asarray(p, dtype=float)
    nonzero = p[p > 0]
    return float(-(nonzero * np.log(nonzero)).sum())


def mutual_information(joint: np.ndarray) -> float:
    """Exercise 2: I(X; Y) = H(X) + H(Y) − H(X, Y)."""
    joint = np.asarray(joint, dtype=float)
    return entropy(joint.sum(1)) + entropy(joint.sum(0)) - entropy(joint.ravel())


def gaussian_L_I(c: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """Exercise 3: log N(c; mean, exp(log_std)²), summed over the codes, averaged over the batch."""
    z = (c - mean) / log_std.exp()
    log_density = -0.5 * z**2 - log_std - 0.5 * math.log(2 * math.pi)
    return log_density.sum(1).mean()


def bound_gap(joint: np.ndarray, q_posterior: np.ndarray) -> float:
    """Exercise 4: I(c; X) − L_I = E_x KL(P(c | x) ‖ Q(c | x)) ≥ 0.

    Derivation. I(c; X) = H(c) − H(c | X) = H(c) + E_{c,x}[log P(c | x)], and
    L_I = H(c) + E_{c,x}[log Q(c | x)]. Subtracting, the H(c) cancel:
    I − L_I = Σ_x P(x) Σ_c P(c | x) log(P(c | x) / Q(c | x)) = E_x KL(P(· | x) ‖ Q(· | x)).
    A KL divergence is ≥ 0 (Gibbs' inequality), so L_I ≤ I, with equality exactly when Q is the
    posterior wherever P(x) > 0. ``joint[c, x]``; Q's columns Q(· | x) sum to 1.
    """
    joint, q = np.asarray(joint, dtype=float), np.asarray(q_posterior, dtype=float)
    p_x = joint.sum(0)  # P(x)
    posterior = joint / p_x  # P(c | x), columns sum to 1
    terms = np.where(joint > 0, posterior * np.log(np.where(joint > 0, posterior / q, 1.0)), 0.0)
    return float((p_x * terms.sum(0)).sum())


def categorical_L_I(logits: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """Exercise 5: the bug is ``math.log2``: H(c) must be in nats like the cross-entropy, ln K.

    With a perfect Q the cross-entropy is 0, so the buggy version returns log2 10 ≈ 3.32 — more than
    H(c) = ln 10 ≈ 2.30 nats, which no lower bound on I(c; x) ≤ H(c) can be.
    """
    return math.log(logits.shape[1]) - F.cross_entropy(logits, c)


def lambda_experiment(steps: int = 40, seed: int = 1, demo: Trained | None = None) -> dict[str, float]:
    """Exercise 6: L_I over the last 10 of ``steps`` training steps, with λ = 1 and with λ = 0.

    ``demo`` is the λ = 1 run of Exercise 6's first cell (same steps and seed): given, only λ = 0 trains.
    What to see: with λ = 1 the generator is rewarded for making c₁ readable, and L_I climbs towards
    ln 10 within a few dozen steps. With λ = 0 Q still trains and L_I stays near 0: this Q cannot read
    c₁ back. Our λ = 0 run differs in two ways (§8.1): G gets no reward for L_I, *and* Q's gradient no
    longer reaches D's shared trunk (Q reads D's detached features), so the trunk never learns to read
    c₁. Which of the two keeps L_I low this run cannot tell; that G ignores c₁ is a hypothesis, and a
    low bound is no proof that I(c₁; G(z, c)) ≈ 0 (§8.3 shows the full runs).
    """
    if demo is not None and len(demo.history["L_I"]) != steps:
        got = len(demo.history["L_I"])
        raise ValueError(f"demo must be Exercise 6's λ = 1 run of {steps} steps, got {got}")
    result = {}
    for lam in (1.0, 0.0):
        run = (
            demo
            if lam == 1.0 and demo is not None
            else experiments.train(InfoGANConfig(steps=steps, seed=seed, lambda_info=lam))
        )
        result[f"lambda = {lam:g}"] = float(np.mean(run.history["L_I"][-10:]))
    return result
