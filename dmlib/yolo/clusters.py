"""Dimension clusters: anchor shapes chosen by k-means on the training boxes (YOLOv2 §2).

Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.

Euclidean k-means on (w, h) lets large boxes dominate the error, so the paper clusters with

    d(box, centroid) = 1 − IoU(box, centroid)

where both are (w, h) pairs on a common centre (:func:`~dmlib.yolo.boxes.wh_iou`). Table 1 scores a
set of priors by the *average IoU* between every box and its closest prior. The paper leaves open
which VOC boxes it used (with or without "difficult" ones), how a centroid is updated (mean or
median of its members) and how Faster R-CNN's pixel anchors map onto normalised sizes; the
notebook measures each choice.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .boxes import pairwise_wh_iou, wh_iou

__all__ = ["average_iou", "faster_rcnn_anchors", "kmeans_anchors", "rpn_scaled_sizes"]


def average_iou(wh: torch.Tensor, anchors: torch.Tensor) -> float:
    """Mean over boxes of the IoU with the closest anchor (Table 1's "Avg IOU"), in [0, 1].

    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    if len(wh) == 0:
        raise ValueError("wh is empty: no boxes to score")
    return float(wh_iou(wh, anchors).max(dim=1).values.mean())


def _check_kmeans(wh: torch.Tensor, k: int, distance: str, update: str, restarts: int) -> None:
    if not isinstance(wh, torch.Tensor) or wh.dim() != 2 or wh.shape[1] != 2:
        raise ValueError("wh must be a tensor of shape (N, 2)")
    if not torch.isfinite(wh).all() or (wh <= 0).any():
        raise ValueError("wh must hold finite, positive widths and heights")
    if not isinstance(k, int) or not 1 <= k <= len(wh):
        raise ValueError(f"k must be an int in [1, {len(wh)}], got {k!r}")
    if distance not in ("iou", "sse"):
        raise ValueError(f"distance must be 'iou' or 'sse', got {distance!r}")
    if update not in ("mean", "median"):
        raise ValueError(f"update must be 'mean' or 'median', got {update!r}")
    if restarts < 1:
        raise ValueError(f"restarts must be positive, got {restarts}")


def _lloyd(
    wh: torch.Tensor,
    centroids: torch.Tensor,
    distances: Callable[[torch.Tensor], torch.Tensor],
    update: str,
    max_iter: int,
) -> torch.Tensor:
    """Lloyd's iterations: assign each box to its nearest centroid, move each centroid to its members."""
    assignment = None
    for _ in range(max_iter):
        new_assignment = distances(centroids).argmin(dim=1)  # (N,)
        if assignment is not None and torch.equal(new_assignment, assignment):
            break
        assignment = new_assignment
        if update == "mean":  # every cluster's mean at once: member sums / member counts
            counts = torch.bincount(assignment, minlength=len(centroids))
            sums = torch.zeros_like(centroids).index_add_(0, assignment, wh)
            filled = counts > 0  # an empty cluster keeps its centroid
            centroids[filled] = sums[filled] / counts[filled, None]
            continue
        for j in range(len(centroids)):
            members = wh[assignment == j]
            if len(members):
                centroids[j] = members.median(0).values
    return centroids


def kmeans_anchors(
    wh: torch.Tensor,
    k: int,
    *,
    distance: str = "iou",
    update: str = "mean",
    restarts: int = 5,
    seed: int = 0,
    max_iter: int = 300,
) -> tuple[torch.Tensor, float]:
    """k-means on (w, h) pairs; returns ``(centroids (k, 2) sorted by area, average IoU)``.

    ``distance``: ``"iou"`` (d = 1 − IoU, the paper's) or ``"sse"`` (Euclidean, Table 1's first
    row). ``update``: ``"mean"`` or ``"median"`` of each cluster's members. Each of ``restarts``
    runs starts from k distinct random boxes; the run with the lowest within-cluster distance wins.
    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    _check_kmeans(wh, k, distance, update, restarts)
    wh = wh.double()
    generator = torch.Generator().manual_seed(seed)

    def distances(centroids: torch.Tensor) -> torch.Tensor:  # (N, k)
        if distance == "iou":
            return 1.0 - pairwise_wh_iou(wh, centroids)  # d(box, centroid) = 1 − IoU(box, centroid)
        return torch.cdist(wh, centroids).square()

    best, best_cost = None, float("inf")
    for _ in range(restarts):
        start = wh[torch.randperm(len(wh), generator=generator)[:k]].clone()  # k distinct boxes
        centroids = _lloyd(wh, start, distances, update, max_iter)
        cost = float(distances(centroids).min(dim=1).values.sum())
        if cost < best_cost:
            best, best_cost = centroids, cost
    order = best.prod(1).argsort()
    return best[order].float(), average_iou(wh.float(), best.float())


def faster_rcnn_anchors(
    scales: tuple[float, ...] = (128, 256, 512), ratios: tuple[float, ...] = (0.5, 1.0, 2.0)
) -> torch.Tensor:
    """Faster R-CNN's 9 anchors as (w, h) in pixels: every scale² area at every h/w ratio.

    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    if any(s <= 0 for s in scales) or any(r <= 0 for r in ratios):
        raise ValueError("scales and ratios must be positive")
    return torch.tensor([[s / r**0.5, s * r**0.5] for s in scales for r in ratios], dtype=torch.float32)


def rpn_scaled_sizes(
    wh: np.ndarray | torch.Tensor,
    img_w: np.ndarray,
    img_h: np.ndarray,
    short: float = 600,
    long: float = 1000,
) -> torch.Tensor:
    """Normalised (w, h) → pixels of the image Faster R-CNN sees (short side 600, long ≤ 1000).

    Faster R-CNN's anchors are in those pixels, so this is how they are compared with VOC boxes.
    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    img_w, img_h = np.asarray(img_w, float), np.asarray(img_h, float)
    if (img_w <= 0).any() or (img_h <= 0).any():
        raise ValueError("image sizes must be positive")
    scale = np.minimum(short / np.minimum(img_w, img_h), long / np.maximum(img_w, img_h))
    wh = torch.as_tensor(np.asarray(wh, float))
    pixels = wh * torch.as_tensor(np.stack([img_w * scale, img_h * scale], axis=1))
    return pixels.float()
