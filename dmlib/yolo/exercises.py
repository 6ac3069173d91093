"""YOLO9000's exercise checkers: (w, h) IoU, the passthrough's reorg, direct location, WordTree paths and
probabilities, and a buggy IoU to fix.

Taught in notebooks/02_yolo9000.ipynb §13 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..exercises import checker, compare
from .boxes import box_iou, nms, wh_iou
from .detector import reorg
from .loss import RegionLossConfig, box_targets, region_loss
from .yolo9000 import responsible_box

__all__ = [
    "check_nms",
    "buggy_box_iou",
    "check_absolute_probabilities",
    "check_box_iou",
    "check_coord_gradient",
    "check_decode",
    "check_joint_box",
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


def _path_product(conditional: np.ndarray, parent: list, node: int) -> np.ndarray | float:
    """Pr(node): the product of Pr(· | parent) from ``node`` to the top, over ``conditional``'s last axis."""
    product = 1.0
    while node >= 0:
        product = product * conditional[..., node]
        node = parent[node]
    return product


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
        expected = _path_product(conditional, parent, node)
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


@checker
def check_absolute_probabilities(fn: Callable[[np.ndarray, list], np.ndarray], trials: int = 10) -> None:
    """YOLO9000 exercise 6: ``fn(conditional, parent)`` = Pr(node) for every node; with one softmax per
    sibling group the children of each node must sum to it and the top level to 1.
    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(12)
    for _ in range(trials):
        parent = _random_tree(rng, 12)
        groups = {up: [i for i, p in enumerate(parent) if p == up] for up in set(parent)}
        conditional = np.zeros(12)
        for members in groups.values():  # one softmax per sibling group
            conditional[members] = rng.dirichlet(np.ones(len(members)))
        got = np.asarray(fn(conditional, parent), dtype=float)
        for node in range(12):
            compare(f"Pr(node {node})", got[node], _path_product(conditional, parent, node), parent)
        leaves = [i for i in range(12) if i not in groups]
        compare("sum of Pr over the leaves", got[leaves].sum(), 1.0, parent)
    print(f"✓ Pr(node) for every node of {trials} random trees; the leaves sum to 1")


def buggy_box_iou(a: tuple, b: tuple) -> float:
    """IoU of two corner boxes (x1, y1, x2, y2) — with one bug, for exercise 7 to find.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]))


@checker
def check_box_iou(fn: Callable[[tuple, tuple], float], trials: int = 20) -> None:
    """YOLO9000 exercise 7: ``fn(a, b)`` is the fixed :func:`buggy_box_iou`, compared with ``boxes.box_iou``.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(13)
    for _ in range(trials):
        corners = np.sort(rng.uniform(0, 10, size=(2, 2, 2)), axis=2)  # [box, x|y, low|high]
        a, b = (tuple(float(v) for v in (box[0, 0], box[1, 0], box[0, 1], box[1, 1])) for box in corners)
        expected = float(box_iou(torch.tensor([a]), torch.tensor([b]))[0])
        compare("IoU", fn(a, b), expected, [a, b])
    compare("IoU of a box with itself", fn((0.0, 0.0, 2.0, 3.0), (0.0, 0.0, 2.0, 3.0)), 1.0, [0, 0, 2, 3])
    print(f"✓ IoU correct on {trials + 1} box pairs (1 for a box with itself)")


@checker
def check_nms(fn: Callable[[np.ndarray, np.ndarray, float], list], trials: int = 20) -> None:
    """YOLO9000 exercise 9: ``fn(boxes, scores, threshold)`` → the indices greedy NMS keeps, best score first.

    ``boxes`` is (N, 4) corners (x1, y1, x2, y2); a box is dropped when its IoU with an already kept,
    higher-scoring box exceeds ``threshold`` (darknet's 0.45 in the detector). Compared with ``boxes.nms``
    on clusters of overlapping boxes. Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(29)
    for _ in range(trials):
        centres = rng.uniform(2, 8, size=(3, 2))[rng.integers(0, 3, size=8)] + rng.normal(0, 0.4, size=(8, 2))
        sizes = rng.uniform(1, 3, size=(8, 2))
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        scores = rng.permutation(8) / 8 + 0.05  # distinct scores: one right answer
        threshold = float(rng.choice([0.3, 0.45, 0.6]))
        expected = nms(torch.tensor(boxes), torch.tensor(scores), threshold).tolist()
        got = [int(i) for i in fn(boxes.copy(), scores.copy(), threshold)]
        if got != expected:
            raise AssertionError(
                f"threshold {threshold}, scores {np.round(scores, 3).tolist()}:\n"
                f"boxes\n{np.round(boxes, 2)}\nexpected kept {expected}, got {got}"
            )
    print(f"✓ greedy NMS keeps the same boxes, in the same order, on {trials} random clusters")


@checker
def check_joint_box(fn: Callable[[np.ndarray, np.ndarray, list, int], int], trials: int = 20) -> None:
    """YOLO9000 exercise 10: ``fn(objectness, conditional, parent, label)`` → the index of the box that
    a classification image labelled ``label`` trains (YOLO9000's joint rule, notebook §11).

    ``objectness`` (B,) is each box's σ(t_o), ``conditional`` (B, N) each box's Pr(node | parent) (one
    softmax per sibling group); the chosen box maximises σ(t_o)·Pr(label), compared with
    :func:`dmlib.yolo.yolo9000.responsible_box`. Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(31)
    for _ in range(trials):
        parent = _random_tree(rng, 10)
        groups = [[i for i, p in enumerate(parent) if p == up] for up in set(parent)]
        conditional = np.zeros((6, 10))
        for members in groups:  # one softmax per sibling group, per box
            conditional[:, members] = rng.dirichlet(np.ones(len(members)) * 0.5, size=6)
        objectness = rng.uniform(0.02, 1.0, size=6)
        label = int(rng.integers(2, 10))
        label_prob = _path_product(conditional, parent, label)  # (6,): Pr(label) per box
        expected = int(
            responsible_box(torch.tensor(objectness[None]), torch.tensor(np.log(label_prob)[None]))[0]
        )
        got = int(fn(objectness.copy(), conditional.copy(), list(parent), label))
        if got != expected:
            raise AssertionError(
                f"label {label}, parent={parent}:\nσ(t_o) {np.round(objectness, 3).tolist()}\n"
                f"Pr(label) {np.round(label_prob, 3).tolist()}\nexpected box {expected}, got {got}"
            )
    print(f"✓ the joint rule picks the same box on {trials} random trees of 6 boxes")


@checker
def check_coord_gradient(fn: Callable[[np.ndarray, np.ndarray, float], np.ndarray], trials: int = 12) -> None:
    """YOLO exercise 11: ``fn(t, target, weight)`` → ∂L_coord/∂t for the responsible box's raw outputs.

    ``t`` = (t_x, t_y, t_w, t_h); ``target`` = (σ(t_x)*, σ(t_y)*, t_w*, t_h*) from
    :func:`dmlib.yolo.loss.box_targets`; ``weight`` = 2 − w·h.
    The expected gradient is autograd's through :func:`dmlib.yolo.loss.region_loss` itself, with only the
    coordinate term switched on (objectness, no-object and class scales 0; warm-up over), for one truth
    on a random 5×5 output. Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    generator = torch.Generator().manual_seed(13)
    rng = np.random.default_rng(13)
    anchors = torch.tensor([[1.0, 1.5], [2.0, 2.0], [3.5, 2.5]])
    only_coord = RegionLossConfig(object_scale=0.0, noobject_scale=0.0, class_scale=0.0)
    for _ in range(trials):
        output = (2 * torch.randn(1, 3 * 7, 5, 5, generator=generator)).requires_grad_(
            True
        )  # 3 anchors, 2 classes
        cx, cy = rng.uniform(0, 1, size=2)
        w, h = rng.uniform(0.05, 0.9, size=2)
        truth = torch.tensor([[0.0, cx, cy, w, h]], dtype=torch.float32)
        total, _ = region_loss(output, [truth], anchors, only_coord)
        total.backward()
        answer = box_targets(truth[0, 1:].tolist(), anchors, (5, 5))
        first = answer["prior"] * 7  # this prior's channels: t_x, t_y, t_w, t_h, t_o, classes
        row, col = answer["row"], answer["col"]
        expected = output.grad[0, first : first + 4, row, col].numpy()
        raw = output.detach()[0, first : first + 4, row, col].numpy()
        got = np.asarray(
            fn(raw.astype(float), np.array(answer["box"], dtype=float), float(answer["weight"])), float
        )
        if got.shape != (4,) or not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
            raise AssertionError(
                f"t = {np.round(raw, 4).tolist()}, target = {np.round(answer['box'], 4).tolist()}, "
                f"weight {answer['weight']:.4f}:\nexpected ∂L/∂t = {np.round(expected, 6).tolist()} "
                f"(autograd through region_loss), got {np.round(got, 6).tolist()}"
            )
    print(f"✓ ∂L_coord/∂t matches autograd through the region loss on {trials} random boxes")
