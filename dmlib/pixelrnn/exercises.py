"""PixelRNN's exercise checkers: mask B, bits per dimension, a buggy mask A to debug, and the
PixelCNN's receptive-field edge, derived and then measured by gradients, the Diagonal BiLSTM's skew, and
what a class label can save (the mixture bound).

Taught in notebooks/03_pixelrnn.ipynb §11 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..exercises import checker, compare
from .masks import causal_mask
from .models import PixelRNNConfig, build_model, skew, unskew
from .receptive import dependency_field

__all__ = [
    "buggy_mask_a",
    "check_bits_per_dim",
    "check_mask_b",
    "check_mask_bug",
    "check_mixture_nll",
    "check_right_edge",
    "check_skew",
]


@checker
def check_mask_b(fn: Callable[[int], np.ndarray], trials: int = 4) -> None:
    """PixelRNN exercise 1: ``fn(k)`` returns the k×k grayscale mask B (1 = connection kept).

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """

    one = torch.zeros(1, dtype=torch.long)
    for k in (1, 3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "B")[0, 0].numpy()
        got = np.asarray(fn(k), dtype=float)
        if got.shape != expected.shape or not np.array_equal(got, expected):
            raise AssertionError(f"mask B for k={k}: expected\n{expected.astype(int)}\ngot\n{got}")
    print("✓ mask B correct for k = 1, 3, 5, 7")


@checker
def check_bits_per_dim(fn: Callable[[float, int], float], trials: int = 20) -> None:
    """PixelRNN exercise 2: ``fn(nats, dims)`` converts an image's NLL in nats to bits per dimension.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    rng = np.random.default_rng(3)
    for _ in range(trials):
        nats, dims = float(rng.uniform(10, 5000)), int(rng.integers(1, 3073))
        compare("bits/dim", fn(nats, dims), nats / dims / np.log(2), [nats, dims])
    print(f"✓ bits/dim correct on {trials} random cases (e.g. CIFAR's 3072 dims)")


def buggy_mask_a(k: int) -> np.ndarray:
    """A k×k grayscale 'mask A' with one classic bug, for exercise 3 to find.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    mask = np.zeros((k, k))
    mask[: k // 2] = 1
    mask[k // 2, : k // 2 + 1] = 1
    return mask


@checker
def check_mask_bug(fn: Callable[[int], list], trials: int = 3) -> None:
    """PixelRNN exercise 3: ``fn(k)`` lists the (row, col) positions where :func:`buggy_mask_a`
    differs from the true mask A.
    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """

    one = torch.zeros(1, dtype=torch.long)
    for k in (3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "A")[0, 0].numpy()
        wrong = sorted(map(tuple, np.argwhere(buggy_mask_a(k) != expected).tolist()))
        got = sorted(tuple(int(v) for v in pos) for pos in fn(k))
        if got != wrong:
            raise AssertionError(f"k={k}: the buggy positions are not {got}")
    print("✓ you found the bug: mask A must hide the centre pixel itself")


@checker
def check_right_edge(fn: Callable[[int, int], int | None], trials: int = 4) -> None:
    """PixelRNN exercise 4: ``fn(layers, d)`` is the rightmost column offset (from the target's column)
    that a PixelCNN with ``layers`` mask-B blocks reads in the row ``d`` above the target, or None when
    it reads nothing there — compared with the gradient-measured field of a random PixelCNN.
    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    target = (20, 8)
    for layers in (0, 1, 2, 4)[:trials]:
        torch.manual_seed(layers)
        model = build_model(PixelRNNConfig(model="pixelcnn", layers=layers, hidden=4, out_hidden=8))
        field = dependency_field(model, target)[0] != 0
        for d in range(1, layers + 6):
            columns = field[target[0] - d].nonzero().flatten()
            measured = int(columns.max()) - target[1] if len(columns) else None
            if fn(layers, d) != measured:
                raise AssertionError(f"layers={layers}, d={d}: measured edge {measured}, got {fn(layers, d)}")
    print("✓ your edge matches the measured receptive field for 0, 1, 2 and 4 mask-B blocks")


@checker
def check_skew(fn: Callable[[torch.Tensor], torch.Tensor], trials: int = 6) -> None:
    """PixelRNN exercise 6: ``fn(x)`` skews (B, C, H, W) into (B, C, H, W + H − 1), row r shifted right by r.

    After the skew, each column holds one diagonal of the image, so the Diagonal BiLSTM can run its
    recurrence column by column with a 2×1 convolution. Compared with ``models.skew``; ``unskew`` must
    undo it. Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    generator = torch.Generator().manual_seed(5)
    for _ in range(trials):
        b, c, h, w = (int(v) for v in torch.randint(1, 6, (4,), generator=generator))
        x = torch.randn(b, c, h, w, generator=generator)
        got = fn(x.clone())
        if tuple(got.shape) != (b, c, h, w + h - 1):
            raise AssertionError(
                f"x {(b, c, h, w)}: expected shape {(b, c, h, w + h - 1)}, got {tuple(got.shape)}"
            )
        if not torch.equal(got, skew(x)):
            raise AssertionError(
                f"x {(b, c, h, w)}: values differ from the skew (row r starts at column r, zeros elsewhere)"
            )
        if not torch.equal(unskew(got, w), x):
            raise AssertionError("unskew(your skew) does not give x back")
    print(f"✓ skew correct on {trials} random shapes; unskew undoes it")


@checker
def check_mixture_nll(fn: Callable[[np.ndarray], np.ndarray], trials: int = 10) -> None:
    """PixelRNN exercise 7: ``fn(nll)`` turns an (N, K) array of −log p(x | y) (nats, one column per class)
    into −log Σ_y (1/K) p(x | y), the NLL of the conditional model used without its label.

    Compared with a log-sum-exp in float64, on NLLs up to 2000 nats (where exp(−nll) underflows, so a
    direct sum fails), and checked against the bound −log p(x) ≤ −log p(x | y) + ln K for every y.
    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    rng = np.random.default_rng(41)
    for t in range(trials):
        n, k = int(rng.integers(1, 6)), int(rng.integers(2, 11))
        scale = 2000.0 if t % 2 else 150.0  # every other case beyond exp's range
        nll = rng.uniform(0.3, 1.0, size=(n, k)) * scale
        expected = -torch.logsumexp(-torch.tensor(nll), dim=1).numpy() + np.log(k)
        got = np.asarray(fn(nll.copy()), dtype=float).reshape(-1)
        if got.shape != (n,) or not np.all(np.isfinite(got)):
            raise AssertionError(f"expected {n} finite values, got {np.round(got, 3).tolist()} (underflow?)")
        for value, row, want in zip(got, nll, expected, strict=True):
            compare("mixture NLL", value, float(want), row)
        if np.any(got > nll.min(1) + np.log(k) + 1e-9):
            raise AssertionError("the mixture NLL may not exceed min_y −log p(x | y) + ln K")
    print(f"✓ mixture NLL correct on {trials} random sets, stable where exp(−nll) underflows, within ln K")
