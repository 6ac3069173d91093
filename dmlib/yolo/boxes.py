"""Box geometry and the VOC detection metric.

Taught in notebooks/02_yolo9000.ipynb §2 Boxes and IoU.

Conventions: *corner* boxes are ``(x1, y1, x2, y2)``, *centre* boxes ``(cx, cy, w, h)``; both are
float tensors of shape (N, 4). Shape-only boxes are ``(w, h)`` pairs, (N, 2), compared as if they
shared a centre — the IoU that dimension clusters and anchor matching use.
"""

from __future__ import annotations

import numpy as np
import torch

from ..checks import check_array, check_tensor

__all__ = [
    "average_precision",
    "box_iou",
    "centre_to_corner",
    "corner_to_centre",
    "match_detections",
    "pairwise_iou",
    "pairwise_wh_iou",
    "mean_average_precision",
    "nms",
    "wh_iou",
]


def _check_boxes(boxes: torch.Tensor, name: str, width: int = 4) -> None:
    check_tensor(boxes, name, (None, width))


def centre_to_corner(boxes: torch.Tensor) -> torch.Tensor:
    """(cx, cy, w, h) → (x1, y1, x2, y2)."""
    _check_boxes(boxes, "boxes")
    centre, size = boxes[:, :2], boxes[:, 2:]
    return torch.cat([centre - size / 2, centre + size / 2], dim=1)


def corner_to_centre(boxes: torch.Tensor) -> torch.Tensor:
    """(x1, y1, x2, y2) → (cx, cy, w, h)."""
    _check_boxes(boxes, "boxes")
    return torch.cat([(boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2]], dim=1)


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise IoU of corner boxes: (N, 4) × (M, 4) → (N, M).

    Taught in notebooks/02_yolo9000.ipynb §2 Boxes and IoU.
    """
    _check_boxes(a, "a")
    _check_boxes(b, "b")
    if (a[:, 2:] < a[:, :2]).any() or (b[:, 2:] < b[:, :2]).any():
        raise ValueError("corner boxes need x2 >= x1 and y2 >= y1 (negative width or height)")
    return pairwise_iou(a, b)


def pairwise_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """:func:`box_iou` without its checks, for inner loops whose boxes were checked on entry."""
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = (bottom_right - top_left).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).prod(-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return inter / union.clamp(min=1e-12)


def wh_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """IoU of (w, h) pairs placed on a common centre: (N, 2) × (M, 2) → (N, M).

    This is the similarity behind the k-means distance d = 1 − IoU and darknet's best-anchor
    choice. Taught in notebooks/02_yolo9000.ipynb §2 Boxes and IoU.
    """
    _check_boxes(a, "a", 2)
    _check_boxes(b, "b", 2)
    if (a < 0).any() or (b < 0).any():
        raise ValueError("box widths and heights must be non-negative")
    return pairwise_wh_iou(a, b)


def pairwise_wh_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """:func:`wh_iou` without its checks, for k-means' inner loop (its boxes were checked on entry)."""
    inter = torch.minimum(a[:, None, 0], b[None, :, 0]).mul_(torch.minimum(a[:, None, 1], b[None, :, 1]))
    union = (a.prod(-1)[:, None] + b.prod(-1)[None, :]).sub_(inter)
    return inter.div_(union.clamp_(min=1e-12))  # in place: k-means calls this on (N, k) every iteration


def nms(boxes: torch.Tensor, scores: torch.Tensor, threshold: float) -> torch.Tensor:
    """Greedy non-maximum suppression; indices of the kept corner boxes, best score first.

    A box is dropped when its IoU with an already kept, higher-scoring box exceeds ``threshold``.
    """
    _check_boxes(boxes, "boxes")
    check_tensor(scores, "scores", (len(boxes),))
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    order = scores.argsort(descending=True)
    iou = box_iou(boxes[order], boxes[order])
    # Walk down the sorted list once: a box survives if no surviving, better box overlaps it.
    keep = torch.ones(len(order), dtype=torch.bool)
    for i in range(len(order)):
        if keep[i]:
            keep[i + 1 :] &= iou[i, i + 1 :] <= threshold
    return order[keep]


def average_precision(recall: np.ndarray, precision: np.ndarray, method: str = "all") -> float:
    """VOC average precision from a precision/recall curve (detections sorted by score).

    ``method="all"``: area under the monotone (interpolated) precision envelope, VOC 2010+;
    ``method="11point"``: mean interpolated precision at recall 0, 0.1, …, 1 (VOC 2007).
    Taught in notebooks/02_yolo9000.ipynb §2 Boxes and IoU.
    """
    recall = check_array(recall, "recall", low=0.0, high=1.0)
    precision = check_array(precision, "precision", low=0.0, high=1.0)
    if recall.shape != precision.shape or recall.ndim != 1:
        raise ValueError("recall and precision must be 1-D arrays of the same length")
    if method == "11point":
        return float(np.mean([precision[recall >= t].max(initial=0.0) for t in np.linspace(0, 1, 11)]))
    if method != "all":
        raise ValueError(f"method must be 'all' or '11point', got {method!r}")
    r = np.concatenate([[0.0], recall, [1.0]])
    p = np.concatenate([[0.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]  # the envelope: best precision at any higher recall
    changes = np.flatnonzero(r[1:] != r[:-1])
    return float(np.sum((r[changes + 1] - r[changes]) * p[changes + 1]))


def match_detections(
    detections: list[torch.Tensor], truths: list[torch.Tensor], label: int, iou_threshold: float = 0.5
) -> tuple[np.ndarray, np.ndarray, int]:
    """For one class: each detection's score and whether it is a true positive; and the GT count.

    ``detections[i]`` is (n, 6) = (x1, y1, x2, y2, score, label) for image i; ``truths[i]`` is
    (m, 5) = (x1, y1, x2, y2, label). The VOC devkit's rule: in order of decreasing score, each
    detection takes the ground truth of its class it overlaps most; it is a true positive when that
    IoU is ≥ ``iou_threshold`` and no higher-scored detection has claimed the same truth — otherwise
    a false positive, even if another, unclaimed truth also overlaps it enough.
    """
    _check_matching(detections, truths)
    return _match_class(_by_image(detections, truths), label, iou_threshold)


def _check_matching(detections: list[torch.Tensor], truths: list[torch.Tensor]) -> None:
    if len(detections) != len(truths):
        raise ValueError(f"detections ({len(detections)}) and truths ({len(truths)}) need one row per image")
    for i, (found, truth) in enumerate(zip(detections, truths, strict=True)):
        check_tensor(found, f"detections[{i}] (x1, y1, x2, y2, score, label)", (None, 6))
        check_tensor(truth, f"truths[{i}] (x1, y1, x2, y2, label)", (None, 5))


def _by_image(
    detections: list[torch.Tensor], truths: list[torch.Tensor]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per image: detections by decreasing score, truths, and their IoU matrix (n, m), as arrays."""
    images = []
    for found, truth in zip(detections, truths, strict=True):
        found, truth = found.detach().cpu(), truth.detach().cpu()
        found = found[found[:, 4].argsort(descending=True)]  # higher scores claim first
        images.append((found.numpy(), truth.numpy(), pairwise_iou(found[:, :4], truth[:, :4]).numpy()))
    return images


def _match_class(
    images: list[tuple[np.ndarray, np.ndarray, np.ndarray]], label: int, iou_threshold: float
) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`match_detections` on the arrays of :func:`_by_image`."""
    scores, hits, n_truth = [np.zeros(0)], [np.zeros(0, dtype=bool)], 0
    for found, truth, overlap in images:
        mine, theirs = found[:, 5] == label, truth[:, 4] == label
        n_truth += int(theirs.sum())
        if not mine.any():
            continue
        overlap = overlap[mine][:, theirs]  # (n, m) of this class
        hit = np.zeros(len(overlap), dtype=bool)
        if overlap.shape[1]:
            nearest, best = overlap.argmax(1), overlap.max(1)  # each detection's best-overlap truth
            claimed = np.zeros(overlap.shape[1], dtype=bool)
            for d in np.flatnonzero(best >= iou_threshold):
                hit[d] = not claimed[nearest[d]]  # a claimed truth makes a duplicate: false positive
                claimed[nearest[d]] = True
        scores.append(found[mine, 4])
        hits.append(hit)
    return np.concatenate(scores).astype(float), np.concatenate(hits), n_truth


def mean_average_precision(
    detections: list[torch.Tensor],
    truths: list[torch.Tensor],
    classes: int,
    iou_threshold: float = 0.5,
    method: str = "all",
) -> dict:
    """mAP@``iou_threshold`` over ``classes`` labels: ``{"map", "ap": [...], "recall": [...]}``.

    Recall is the fraction of ground truths found by any detection (the paper's Table 2 recall).
    Classes without ground truth are left out of the mean.
    """
    if classes < 1:
        raise ValueError(f"classes must be positive, got {classes}")
    _check_matching(detections, truths)
    images = _by_image(detections, truths)
    aps, recalls = [], []
    for label in range(classes):
        scores, hits, n_truth = _match_class(images, label, iou_threshold)
        if n_truth == 0:
            aps.append(float("nan"))
            recalls.append(float("nan"))
            continue
        order = np.argsort(-scores, kind="stable")
        true_positives = np.cumsum(hits[order])
        recall = true_positives / n_truth
        precision = true_positives / np.arange(1, len(order) + 1)
        aps.append(average_precision(recall, precision, method) if len(order) else 0.0)
        recalls.append(float(recall[-1]) if len(order) else 0.0)
    return {
        "map": float(np.nanmean(aps)),
        "ap": aps,
        "recall": float(np.nanmean(recalls)),
        "recalls": recalls,
    }
