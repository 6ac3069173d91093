"""YOLO9000's widgets: dimension clusters (§3), direct location (§4), detections (§7), WordTree paths (§11).

Taught in notebooks/02_yolo9000.ipynb.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import torch

from ..plotting import draw_boxes
from ..widgets import show_figure
from .boxes import centre_to_corner
from .detector import YOLOv2, decode, grid_size
from .experiments import detect, truths_as_corners
from .wordtree import absolute_log_probs, conditional_log_probs, predict, synset_names
from .yolo9000 import mini_wordtree

__all__ = [
    "anchor_explorer",
    "detection_viewer",
    "location_explorer",
    "wordtree_path_viewer",
]


def anchor_explorer(wh: torch.Tensor, clusters: dict[int, tuple[torch.Tensor, float]]) -> W.interactive:
    """k slider → that k's dimension clusters drawn on a unit image, and their average IoU.

    ``clusters`` maps k to :func:`dmlib.yolo.clusters.kmeans_anchors`'s result on ``wh`` (computed
    once, so the slider is instant). ``w.result`` is ``{"k", "centroids", "avg_iou"}``.
    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    if not clusters:
        raise ValueError("clusters must map at least one k to (centroids, average IoU)")
    ks = sorted(clusters)
    sample = wh[torch.randperm(len(wh), generator=torch.Generator().manual_seed(0))[:2000]]

    def show(k: int = 5 if 5 in clusters else ks[0]) -> dict:
        centroids, avg_iou = clusters[k]
        fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.2))
        left.scatter(sample[:, 0], sample[:, 1], s=2, alpha=0.3, color="grey")
        left.scatter(centroids[:, 0], centroids[:, 1], s=40, color="tab:red")
        left.set_xlabel("box width / image"), left.set_ylabel("box height / image")
        for w, h in centroids.tolist():
            right.add_patch(plt.Rectangle((0.5 - w / 2, 0.5 - h / 2), w, h, fill=False, linewidth=1.2))
        right.set_xlim(0, 1), right.set_ylim(1, 0), right.set_aspect("equal")
        right.set_title(f"k = {k}: average IoU {100 * avg_iou:.1f} %", fontsize=9)
        right.set_xticks([]), right.set_yticks([])
        show_figure(fig)
        return {"k": k, "centroids": centroids, "avg_iou": avg_iou}

    return W.interactive(
        show,
        k=W.SelectionSlider(
            options=ks, value=5 if 5 in clusters else ks[0], description="k", continuous_update=False
        ),  # fmt: skip
    )


def location_explorer(anchors: torch.Tensor, grid: int = 5) -> W.interactive:
    """t_x, t_y, t_w, t_h sliders → the decoded box (solid) over its prior (dashed) in cell (2, 2).

    ``anchors`` is (A, 2) priors in grid cells. ``w.result`` is the decoded box (cx, cy, w, h) in cells.
    Taught in notebooks/02_yolo9000.ipynb §4 Direct location prediction.
    """

    if anchors.dim() != 2 or anchors.shape[1] != 2:
        raise ValueError("anchors must be (A, 2) priors in grid cells")
    cell = grid // 2

    def show(
        anchor: int = 0, t_x: float = 0.0, t_y: float = 0.0, t_w: float = 0.0, t_h: float = 0.0
    ) -> torch.Tensor:
        output = torch.zeros(1, len(anchors) * 6, grid, grid)
        raw = output.view(1, len(anchors), 6, grid, grid)
        raw[0, anchor, :4, cell, cell] = torch.tensor([t_x, t_y, t_w, t_h])
        box = decode(output, anchors, "direct")["boxes"][0, cell, cell, anchor] * grid  # in cells
        fig, ax = plt.subplots(figsize=(3.4, 3.4))
        for line in range(grid + 1):
            ax.axhline(line, color="lightgrey", linewidth=0.8)
            ax.axvline(line, color="lightgrey", linewidth=0.8)
        ax.add_patch(plt.Rectangle((cell, cell), 1, 1, color="tab:blue", alpha=0.15))
        pw, ph = anchors[anchor].tolist()
        ax.add_patch(plt.Rectangle((cell + 0.5 - pw / 2, cell + 0.5 - ph / 2), pw, ph, fill=False,
                                   linestyle="--", color="grey"))  # fmt: skip
        cx, cy, w, h = box.tolist()
        ax.add_patch(plt.Rectangle((cx - w / 2, cy - h / 2), w, h, fill=False, color="tab:red", linewidth=2))
        ax.plot(cx, cy, "o", color="tab:red", markersize=3)
        ax.set_xlim(0, grid), ax.set_ylim(grid, 0), ax.set_aspect("equal")
        ax.set_title(f"b = ({cx:.2f}, {cy:.2f}, {w:.2f}, {h:.2f}) cells", fontsize=9)
        show_figure(fig)
        return box

    def slider(label: str) -> W.FloatSlider:
        return W.FloatSlider(value=0.0, min=-3, max=3, step=0.25, description=label, continuous_update=False)

    return W.interactive(
        show,
        anchor=W.Dropdown(options=list(range(len(anchors))), value=0, description="prior"),
        t_x=slider("t_x"), t_y=slider("t_y"), t_w=slider("t_w"), t_h=slider("t_h"),
    )  # fmt: skip


def detection_viewer(
    model: YOLOv2, anchors: torch.Tensor, images: torch.Tensor, targets: list
) -> W.interactive:
    """A test canvas with the detector's boxes: score and NMS thresholds as sliders.

    Ground truth is drawn in green, detections in red. ``w.result`` is the (n, 6) detections.
    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """

    if len(images) != len(targets) or len(images) == 0:
        raise ValueError("images and targets must be non-empty and of equal length")
    truths = truths_as_corners(targets)

    def show(image: int = 0, score: float = 0.3, nms: float = 0.45) -> torch.Tensor:
        found = detect(model, anchors, images[image : image + 1], score_threshold=score, nms_threshold=nms)[0]
        fig, ax = plt.subplots(figsize=(3.4, 3.4))
        draw_boxes(ax, images[image], truths[image][:, :4], colour="tab:green")
        draw_boxes(ax, images[image], found[:, :4], found[:, 5], found[:, 4])
        ax.set_title(f"{len(found)} detections, {len(truths[image])} digits", fontsize=9)
        show_figure(fig)
        return found

    return W.interactive(
        show,
        image=W.IntSlider(value=0, min=0, max=len(images) - 1, description="canvas", continuous_update=False),
        score=W.FloatSlider(value=0.3, min=0.0, max=0.95, step=0.05, description="score ≥",
                            continuous_update=False),
        nms=W.FloatSlider(value=0.45, min=0.05, max=1.0, step=0.05, description="NMS IoU",
                          continuous_update=False),
    )  # fmt: skip


def wordtree_path_viewer(model: YOLOv2, anchors: torch.Tensor, images: torch.Tensor) -> W.interactive:
    """Pick a test image → the most confident box and its top-down WordTree path with Pr(node | parent).

    ``w.result`` is the list of (node name, conditional, absolute) along the path.
    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """

    if len(images) == 0:
        raise ValueError("images must hold at least one image")
    tree, names = mini_wordtree(), synset_names()

    def show(image: int = 0, threshold: float = 0.5) -> list:
        with torch.no_grad():
            out = decode(model(images[image : image + 1]), anchors * grid_size(images.shape[-1]))
        best = int(out["objectness"].reshape(-1).argmax())
        logits = out["class_logits"].reshape(-1, len(tree))[best : best + 1]
        conditional = conditional_log_probs(logits, tree).exp()[0]
        absolute = absolute_log_probs(conditional_log_probs(logits, tree), tree).exp()
        node = predict(absolute, tree, threshold)[0]
        path = [(names[tree.nodes[n]], float(conditional[n]), float(absolute[0, n])) for n in tree.path(node)]
        path = path[::-1]  # top-down
        box = centre_to_corner(out["boxes"].reshape(-1, 4)[best : best + 1])[0] * images.shape[-1]
        fig, ax = plt.subplots(figsize=(3.2, 3.2))
        ax.imshow(images[image, 0].numpy(), cmap="gray", vmin=0, vmax=1)
        x1, y1, x2, y2 = box.tolist()
        ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, color="tab:red"))
        ax.set_title(" → ".join(f"{n} ({c:.2f})" for n, c, _ in path) or "(below threshold)", fontsize=7)
        ax.axis("off")
        show_figure(fig)
        return path

    return W.interactive(
        show,
        image=W.IntSlider(value=0, min=0, max=len(images) - 1, description="test image",
                          continuous_update=False),
        threshold=W.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="threshold",
                                continuous_update=False),
    )  # fmt: skip
