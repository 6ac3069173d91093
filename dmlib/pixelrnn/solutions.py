"""Solutions to notebooks/03_pixelrnn.ipynb §11 Exercises, printed on request by ``exercises.reveal``.

Kept out of the notebook so that the question comes first; tests/test_exercises.py runs each one
through its checker.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .experiments import evaluate_nll, load_data, train
from .models import PixelRNNConfig


def mask_b(k: int) -> np.ndarray:
    """Exercise 1: every row above, and in the centre row the pixels to the left and the centre."""
    mask = np.zeros((k, k))
    mask[: k // 2] = 1  # rows above
    mask[k // 2, : k // 2 + 1] = 1  # left, and the centre itself (mask B)
    return mask


def bits_per_dim(nats: float, dims: int) -> float:
    """Exercise 2: per dimension, and from nats to bits (÷ ln 2)."""
    return nats / dims / math.log(2)


def bug_positions(k: int) -> list:
    """Exercise 3: mask A must also hide the centre pixel (it is the one being predicted)."""
    return [(k // 2, k // 2)]


def right_edge(layers: int, d: int) -> int | None:
    """Exercise 4: the rightmost column offset a PixelCNN's prediction reads in the row d above.

    Derivation. The 7×7 mask-A layer moves a dependency from the target by (rows up, columns right)
    of (a, ≤ 3) for a = 1, 2, 3 (or stays in the row, to the left). Each 3×3 mask-B layer adds at most
    one row up together with one column right (its kernel reads the pixel above-right), or stays in its
    row moving left. To reach row d as far right as possible, take a = 1 and go up-right d − 1 times:
    column 3 + (d − 1) = d + 2, possible while d − 1 ≤ layers. Beyond that a must grow to d − layers
    (at most 3), and the edge stays at 3 + layers. Rows with d > layers + 3 are out of reach (None).
    The up-right growth is one column per row: the pixels right of the edge are the blind spot.
    """
    if not 1 <= d <= layers + 3:
        return None
    return min(d + 2, layers + 3)


def depth_experiment(steps: int = 150, seed: int = 0) -> dict[str, float]:
    """Exercise 5: test NLL (nats, first 500 test digits) of a PixelCNN with 0 and with 4 mask-B blocks.

    What to see: with no mask-B block the prediction of a pixel reads only a 7×7 half-window (§4), so
    long strokes are unpredictable; four blocks widen the field and the NLL drops, at the same number of
    steps. Both are far from converged: compare the drop with the learning curves of 부록 A.2.
    """
    test = load_data("binary_mnist", "test")[:500]
    result = {}
    for layers in (0, 4):
        trained = train(PixelRNNConfig(model="pixelcnn", layers=layers, steps=steps, seed=seed))
        result[f"{layers} blocks"] = evaluate_nll(trained.networks["model"], test)
    return result


def skew(x: torch.Tensor) -> torch.Tensor:
    """Exercise 6: offset row r by r columns, (B, C, H, W) → (B, C, H, W + H − 1).

    Pixel (r, j) lands in column r + j: every diagonal r + j = const of the image becomes one
    column, so a column's pixels depend only on the column before it (the pixel above and the pixel to
    the left both lie on the previous diagonal). That is what lets the Diagonal BiLSTM compute a whole
    diagonal at once with a 2×1 convolution over the previous column.
    """
    b, c, h, w = x.shape
    out = x.new_zeros(b, c, h, w + h - 1)
    for r in range(h):
        out[:, :, r, r : r + w] = x[:, :, r]
    return out


def mixture_nll(nll: np.ndarray) -> np.ndarray:
    """Exercise 7: −log Σ_y (1/K) p(x | y) from −log p(x | y), by log-sum-exp.

    Derivation. p(x) = Σ_y p(y) p(x | y) ≥ p(y) p(x | y) for every y, so with p(y) = 1/K,
    −log p(x) ≤ −log p(x | y) + ln K: a label of K equally likely classes can lower the NLL by at most
    ln K nats (ln 10 ≈ 2.30 for digits), 부록 D's bound. Numerically, exp(−nll) underflows for an image's
    hundreds of nats; subtracting the smallest NLL first (log-sum-exp) keeps every term in range.
    """
    low = nll.min(axis=1, keepdims=True)
    return low[:, 0] - np.log(np.exp(low - nll).sum(axis=1)) + np.log(nll.shape[1])
