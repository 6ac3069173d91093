"""Solutions to notebooks/04_modality_hallucination.ipynb §10 Exercises, printed on request by
``exercises.reveal``.

Kept out of the notebook so that the question comes first; tests/test_exercises.py runs each one
through its checker.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from .experiments import HallucinationConfig, train


def hallucination_loss(a_depth: torch.Tensor, a_halluc: torch.Tensor) -> torch.Tensor:
    """Exercise 1: squared distance of the sigmoids, summed per example, averaged over the batch."""
    return (torch.sigmoid(a_depth) - torch.sigmoid(a_halluc)).flatten(1).pow(2).sum(1).mean()


def h_init(depth_net: nn.Module) -> nn.Module:
    """Exercise 2: an independent copy — same weights and BN statistics, its own tensors."""
    return copy.deepcopy(depth_net)


def fused_accuracy(scores_a: torch.Tensor, scores_b: torch.Tensor, labels: torch.Tensor) -> float:
    """Exercise 3: average the two streams' scores, take the arg max, compare with the labels."""
    return float(((scores_a + scores_b) / 2).argmax(1).eq(labels).float().mean())


def hallucination_gradient(a_depth: torch.Tensor, a_halluc: torch.Tensor) -> torch.Tensor:
    """Exercise 4: ∂L_hall / ∂A_H.

    Derivation. For one example L = Σ_j (σ(d_j) − σ(h_j))², so
    ∂L/∂h_j = −2 (σ(d_j) − σ(h_j)) · σ'(h_j) with σ'(h) = σ(h)(1 − σ(h)); the batch mean divides by B.
    The factor σ'(h) vanishes for saturated units (|h| large): H gets no signal where its activation is
    far in a sigmoid tail. A possible reason (our hypothesis) to compare sigmoids, not raw activations: a raw
    L2 would let a few huge activations dominate).
    """
    s_d, s_h = torch.sigmoid(a_depth), torch.sigmoid(a_halluc)
    return -2 * (s_d - s_h) * s_h * (1 - s_h) / a_halluc.shape[0]


def uniform_branch(rgb_scores: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """Exercise 5: averaging with a branch that scores every class equally changes nothing.

    Adding the same number to every class's score leaves the arg max where it was, so RGB + a uniform
    branch has exactly RGB's accuracy. Zero-padded depth is worse than that because D's scores on an
    all-zero input are *not* uniform: D has never seen zeros and pushes every scene towards the class it
    associates with them, outvoting RGB where RGB is unsure.
    """
    uniform = torch.zeros_like(rgb_scores)
    return {"RGB alone": fused_accuracy(rgb_scores, rgb_scores, labels),
            "RGB + uniform branch": fused_accuracy(rgb_scores, uniform, labels)}  # fmt: skip


def gamma_experiment(
    seed: int = 0, scenes: int = 1000, epochs: tuple[int, int] = (25, 8)
) -> dict[str, float]:
    """Exercise 6: RGB + H accuracy on the validation scenes with γ set so that L_hall starts at 0, 1 and
    10 times the classification losses (``scenes`` training scenes, ``epochs`` for stages 1 and 2, no
    ablations; 25 and 8 epochs by default, shorter than the study's 35 and 15; minutes per γ).

    What to see: γ = 0 keeps the stage-2 recipe but drops the hallucination loss, so H is just a second
    RGB-input net started from D's weights. If the loss carries depth information into H, accuracy
    rises with γ. A choice of γ is made on validation scenes, never on the test scenes; and one seed
    cannot separate settings whose differences are within the seed-to-seed spread (§7) — repeat over
    seeds and pair them before concluding anything.
    """
    result = {}
    for ratio in (0.0, 1.0, 10.0):
        stage1, stage2 = epochs
        config = HallucinationConfig(
            seed=seed, train_scenes=scenes, ablations=False, stage1_epochs=stage1, stage2_epochs=stage2,
            gamma_ratio=ratio,
        )  # fmt: skip
        validation = train(config, test=False).results["accuracy"]["validation"]
        result[f"gamma ratio {ratio:g}"] = validation["RGB + hallucination"]
    return result


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Exercise 7: linear CKA = ‖Yᶜᵀ Xᶜ‖²_F / (‖Xᶜᵀ Xᶜ‖_F · ‖Yᶜᵀ Yᶜ‖_F), with Xᶜ, Yᶜ centred per feature.

    Centring removes each feature's mean; the numerator is the (squared) cross-covariance, the
    denominator normalises by each set's own covariance, so rotating or scaling the features of one set
    changes nothing (Kornblith et al. 2019). Compare geometries of scenes, not individual units.
    """
    x, y = x.flatten(1).double(), y.flatten(1).double()
    x, y = x - x.mean(0), y - y.mean(0)
    return float((y.T @ x).norm() ** 2 / ((x.T @ x).norm() * (y.T @ y).norm()))


def paired_interval(a: list, b: list, level: float = 0.95) -> tuple[float, float, float]:
    """Exercise 8: the paired interval works on the per-seed differences d_s = a_s − b_s.

    mean = d̄; half-width = t_{n−1, 0.975} · sd(d) / √n with the sample sd (n − 1). Pairing removes
    what both share in one seed (its scenes, its initialisation), so the spread that matters is the
    spread of the differences, not of a or b alone.
    """
    from scipy import stats

    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    half = stats.t.ppf((1 + level) / 2, n - 1) * d.std(ddof=1) / np.sqrt(n)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)
