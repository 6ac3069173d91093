"""YOLO9000's exercise checkers: (w, h) IoU, the passthrough's reorg, direct location, WordTree paths.

Taught in notebooks/02_yolo9000.ipynb §13 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..exercises import checker, compare
from .boxes import wh_iou
from .detector import reorg

__all__ = [
    "check_decode",
    "check_label_path",
    "check_path_probability",
    "check_reorg",
    "check_wh_iou",
]


@checker
def check_wh_iou(fn: Callable[[float, float, float, float], float], trials: int = 20) -> None:
    """YOLO exercise 1: ``fn(w1, h1, w2, h2)`` is the IoU of two boxes that share a centre.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """

    rng = np.random.default_rng(4)
    for _ in range(trials):
        case = rng.uniform(0.01, 1.0, size=4)
        expected = float(wh_iou(torch.tensor(case[None, :2]), torch.tensor(case[None, 2:]))[0, 0])
        compare("IoU of (w, h) pairs", fn(*map(float, case)), expected, case)
    print(f"✓ (w, h) IoU correct on {trials} random pairs")


@checker
def check_reorg(fn: Callable[[torch.Tensor], torch.Tensor], trials: int = 5) -> None:
    """YOLO exercise 2: ``fn(x)`` turns (B, C, H, W) into (B, 4C, H/2, W/2) like the passthrough.

    Channel order must match :func:`dmlib.yolo.detector.reorg` (channel c's 2×2 block → 4c … 4c+3).
    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """

    generator = torch.Generator().manual_seed(5)
    for _ in range(trials):
        c, half = torch.randint(1, 5, (2,), generator=generator).tolist()
        h = 2 * half
        x = torch.randn(2, c, h, h, generator=generator)
        got, expected = fn(x), reorg(x)
        if tuple(got.shape) != tuple(expected.shape) or not torch.allclose(got, expected):
            raise AssertionError(f"for x of shape {tuple(x.shape)} expected shape {tuple(expected.shape)} "
                                 f"and reorg's values, got shape {tuple(got.shape)}")  # fmt: skip
    print(f"✓ reorg matches on {trials} random feature maps (26×26×512 → 13×13×2048 at 416)")


@checker
def check_decode(fn: Callable[..., tuple], trials: int = 20) -> None:
    """YOLO exercise 3: ``fn(t_x, t_y, t_w, t_h, c_x, c_y, p_w, p_h)`` → (b_x, b_y, b_w, b_h) in cells.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(6)
    for _ in range(trials):
        t = rng.normal(size=4)
        c_x, c_y = rng.integers(0, 13, size=2)
        p_w, p_h = rng.uniform(0.5, 10, size=2)
        sigmoid = 1 / (1 + np.exp(-t[:2]))
        expected = [sigmoid[0] + c_x, sigmoid[1] + c_y, p_w * np.exp(t[2]), p_h * np.exp(t[3])]
        got = fn(*map(float, t), int(c_x), int(c_y), float(p_w), float(p_h))
        for name, g, e in zip(("b_x", "b_y", "b_w", "b_h"), got, expected, strict=True):
            compare(name, g, float(e), [*t, c_x, c_y, p_w, p_h])
    print(f"✓ direct location prediction decoded correctly on {trials} random cases")


def _random_tree(rng: np.random.Generator, size: int) -> list[int]:
    """A random parent list (parents first; −1 marks top-level nodes)."""
    return [-1 if i < 2 else int(rng.integers(-1, i)) for i in range(size)]


@checker
def check_path_probability(fn: Callable[[np.ndarray, list, int], float], trials: int = 10) -> None:
    """YOLO9000 exercise 1: ``fn(conditional, parent, node)`` = Pr(node), the product of Pr(· | parent)
    on its path to the top (``parent[i]`` is −1 for a top-level node).

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(10)
    for _ in range(trials):
        parent = _random_tree(rng, 12)
        conditional = rng.uniform(0.05, 1.0, size=12)
        node = int(rng.integers(12))
        expected, walk = 1.0, node
        while walk >= 0:
            expected *= conditional[walk]
            walk = parent[walk]
        compare("Pr(node)", fn(conditional, parent, node), expected, parent)
    print(f"✓ Pr(node) = product of conditionals, on {trials} random trees")


@checker
def check_label_path(fn: Callable[[list, int], list], trials: int = 10) -> None:
    """YOLO9000 exercise 2: ``fn(parent, label)`` lists the nodes whose conditional Pr(node | parent)
    a label trains: the label and its ancestors (never its descendants).

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(11)
    for _ in range(trials):
        parent = _random_tree(rng, 12)
        label = int(rng.integers(12))
        expected, walk = set(), label
        while walk >= 0:
            expected.add(walk)
            walk = parent[walk]
        got = {int(v) for v in fn(parent, label)}
        if got != expected:
            message = f"parent={parent}, label={label}: expected {sorted(expected)}, got {sorted(got)}"
            raise AssertionError(message)
    print(f"✓ the trained conditionals are the label's path, on {trials} random trees")
