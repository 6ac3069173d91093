"""Solutions to notebooks/02_yolo9000.ipynb §13 Exercises, printed on request by ``exercises.reveal``.

Kept out of the notebook so that the question comes first; tests/test_exercises.py runs each one
through its checker.
"""

from __future__ import annotations

import numpy as np
import torch

from .clusters import kmeans_anchors


def wh_iou(w1: float, h1: float, w2: float, h2: float) -> float:
    """Exercise 1: boxes sharing a centre overlap in min(w) × min(h)."""
    inter = min(w1, w2) * min(h1, h2)
    return inter / (w1 * h1 + w2 * h2 - inter)


def reorg(x: torch.Tensor) -> torch.Tensor:
    """Exercise 2: split H and W into (H/2, dy) and (W/2, dx), then move (dy, dx) next to C."""
    b, c, h, w = x.shape
    blocks = x.reshape(b, c, h // 2, 2, w // 2, 2)  # (B, C, H/2, dy, W/2, dx)
    return blocks.permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)


def decode(
    t_x: float, t_y: float, t_w: float, t_h: float, c_x: int, c_y: int, p_w: float, p_h: float
) -> tuple:
    """Exercise 3: b_x = σ(t_x) + c_x, b_y = σ(t_y) + c_y, b_w = p_w e^{t_w}, b_h = p_h e^{t_h}."""
    sigmoid = 1 / (1 + np.exp(-np.array([t_x, t_y])))
    return sigmoid[0] + c_x, sigmoid[1] + c_y, p_w * np.exp(t_w), p_h * np.exp(t_h)


def path_probability(conditional: np.ndarray, parent: list, node: int) -> float:
    """Exercise 4: multiply Pr(· | parent) up the path to the top."""
    p = 1.0
    while node >= 0:
        p *= conditional[node]
        node = parent[node]
    return p


def label_path(parent: list, label: int) -> list:
    """Exercise 5: the label and its ancestors, never its descendants."""
    nodes = []
    while label >= 0:
        nodes.append(label)
        label = parent[label]
    return nodes


def absolute_probabilities(conditional: np.ndarray, parent: list) -> np.ndarray:
    """Exercise 6: Pr(node) for every node in one pass, parents before children.

    Derivation. Pr(node) = Pr(node | parent) · Pr(parent), and recursively down from the top, so
    Pr(node) is the product of the conditionals on its path. Summing over a node n's children,
    Σ Pr(child) = Pr(n) · Σ Pr(child | n) = Pr(n), because each sibling group is one softmax; by
    induction from the top level (whose softmax sums to 1) the leaves of any tree sum to 1 too.
    """
    absolute = np.asarray(conditional, dtype=float).copy()
    for node, up in enumerate(parent):
        if up >= 0:
            absolute[node] *= absolute[up]
    return absolute


def box_iou(a: tuple, b: tuple) -> float:
    """Exercise 7: the bug counts the overlap twice: the union is area_a + area_b − intersection.

    The buggy value is t / (1 + t) for a true IoU t: a box with itself scores area / (2 · area) = 0.5,
    so only a perfect match reaches 0.5 and passes the IoU ≥ 0.5 rule; every imperfect detection fails.
    """
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


def distance_experiment(wh: torch.Tensor, k: int = 5) -> dict[str, float]:
    """Exercise 8: average IoU (%) of k priors clustered with 1 − IoU and with Euclidean (SSE) distance.

    What to see: at equal k the IoU distance wins. Under squared Euclidean distance a 300-pixel box
    that misses its centroid by 10 % costs 100× what a 30-pixel box does, so the centroids chase the
    large boxes and fit the many small ones badly; 1 − IoU is scale-free, which is what the detector's
    matching (IoU ≥ 0.5) cares about (paper §2, Table 1).
    """
    return {name: 100 * kmeans_anchors(wh, k, distance=name, restarts=1)[1] for name in ("iou", "sse")}


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list:
    """Exercise 9: greedy non-maximum suppression.

    Visit boxes from the highest score down; keep a box unless a box already kept overlaps it with
    IoU > threshold. Each kept box suppresses its neighbours once, so the loop is O(N²) at worst.
    In the detector this runs per class on the boxes whose score σ(t_o)·Pr(class) passes the threshold.
    """

    def iou(a: np.ndarray, b: np.ndarray) -> float:
        w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
        union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
        return w * h / union

    kept = []
    for i in np.argsort(-scores, kind="stable"):
        if all(iou(boxes[i], boxes[j]) <= threshold for j in kept):
            kept.append(int(i))
    return kept


def joint_box(objectness: np.ndarray, conditional: np.ndarray, parent: list, label: int) -> int:
    """Exercise 10: the box a classification image trains, by σ(t_o)·Pr(label).

    Pr(label) is the product of the label's conditionals up its path (exercise 4), per box; the
    detection score multiplies it by the objectness. The chosen box need not be the one with the
    highest Pr(label) alone (a confident class on a box that sees no object loses to a slightly less
    confident class on a box that does), nor the one with the highest σ(t_o) alone. Only this box's
    path conditionals (exercise 5) get the class loss, and its σ(t_o) is pulled up to 0.3 if below.
    """
    label_prob = np.ones(len(objectness))
    while label >= 0:
        label_prob = label_prob * conditional[:, label]
        label = parent[label]
    return int(np.argmax(objectness * label_prob))


def coord_gradient(t: np.ndarray, target: np.ndarray, weight: float) -> np.ndarray:
    """Exercise 11: the gradient of L_coord = ½·(2 − w·h)·Σ(prediction − target)² with respect to the raw t.

    The centre is predicted as σ(t_x), so the chain rule adds σ'(t_x) = σ(t_x)(1 − σ(t_x)):
    ∂L/∂t_x = (2 − w·h)·(σ(t_x) − σ(t_x)*)·σ(t_x)(1 − σ(t_x)); the sizes are predicted directly in log
    space, ∂L/∂t_w = (2 − w·h)·(t_w − t_w*). The σ' factor is at most 1/4 and vanishes as σ(t_x) → 0 or 1:
    a centre pushed hard against its cell's border learns slowly (discussion Q1).
    """
    t, target = np.asarray(t, float), np.asarray(target, float)
    centre = 1 / (1 + np.exp(-t[:2]))
    return np.concatenate(
        [weight * (centre - target[:2]) * centre * (1 - centre), weight * (t[2:] - target[2:])]
    )
