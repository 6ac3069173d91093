"""The region loss, following darknet's ``region_layer.c`` (the code that trained YOLOv2).

Taught in notebooks/02_yolo9000.ipynb §6 The detector (loss).

Darknet writes a *delta* (target − output) for every output and calls the cost their sum of
squares; here each term is the ½·scale·(target − output)², whose negative gradient is that delta, so
autograd reproduces darknet's updates. For every predicted box:

- **no object**: ½·noobject_scale·σ(t_o)², except for boxes whose best IoU with any ground
  truth exceeds ``ignore_threshold`` (0.6) — those are good enough and are left alone;
- **warm-up** (the first ``warmup_images`` images, 12,800 in darknet): ½·0.01·(box − prior)², pulling
  every prediction to its anchor at the cell centre so training starts from the priors.

For every ground truth, in the cell holding its centre, the one box whose anchor has the best
*shape* IoU with it (``match="prior"``; YOLOv1's rule ``match="prediction"`` picks the current
prediction with the best IoU instead) is responsible:

- **coordinates**: ½·coord_scale·(2 − w·h)·Σ(target − prediction)², on σ(t_x), σ(t_y), t_w, t_h
  — the (2 − w·h) factor weighs small boxes up;
- **objectness**: ½·object_scale·(IoU(prediction, truth) − σ(t_o))² (``rescore``: the target is
  the IoU the box actually reaches, so σ(t_o) estimates Pr(object)·IoU);
- **class**: class_scale × softmax cross-entropy, whose negative gradient is darknet's (one-hot − softmax);
  with a WordTree (YOLO9000) the hierarchical softmax loss on the label's path instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..checks import check_tensor
from .boxes import centre_to_corner, pairwise_iou, wh_iou
from .detector import raw_decode, split_output
from .wordtree import WordTree, hierarchical_loss

__all__ = ["RegionLossConfig", "box_targets", "region_loss"]


@dataclass
class RegionLossConfig:
    """darknet's ``[region]`` settings (yolo-voc.cfg); the defaults are the paper's."""

    object_scale: float = 5.0
    noobject_scale: float = 1.0
    class_scale: float = 1.0
    coord_scale: float = 1.0
    ignore_threshold: float = 0.6
    warmup_images: int = 12800
    match: str = "prior"  # "prior" (YOLOv2) or "prediction" (YOLOv1)
    location: str = "direct"
    tree: WordTree | None = None  # YOLO9000: class targets are tree nodes, hierarchical softmax

    def __post_init__(self) -> None:
        if self.match not in ("prior", "prediction"):
            raise ValueError(f"match must be 'prior' or 'prediction', got {self.match!r}")


def _check_targets(targets: list[torch.Tensor], batch: int, classes: int) -> None:
    if len(targets) != batch:
        raise ValueError(f"targets needs one (n, 5) tensor per image: {len(targets)} for a batch of {batch}")
    for i, t in enumerate(targets):
        check_tensor(t, f"targets[{i}] (class, cx, cy, w, h)", (None, 5))
        if len(t) and ((t[:, 3:] <= 0).any() or (t[:, 1:3] < 0).any() or (t[:, 1:3] >= 1).any()):
            raise ValueError("target boxes need centres in [0, 1) and positive sizes (normalised)")
        check_tensor(t[:, 0], f"targets[{i}]'s class ids", low=0, high=classes - 1, integer=True)


def box_targets(
    truth: tuple[float, float, float, float],
    anchors: torch.Tensor,
    grid: tuple[int, int],
    location: str = "direct",
) -> dict:
    """Which box answers for one ground truth, and the values it must hit: §4's decode run backwards.

    ``truth`` = (cx, cy, w, h) normalised to [0, 1); ``anchors``: (A, 2) priors (p_w, p_h) in grid cells;
    ``grid`` = (H, W). The cell is the one holding the centre, (row, col) = (⌊cy·H⌋, ⌊cx·W⌋); the responsible
    prior n is the one whose *shape* fits best (IoU of the sizes, centres aligned). Targets, from
    b_x = σ(t_x) + c_x and b_w = p_w·e^{t_w} (in grid units): σ(t_x) = cx·W − col, σ(t_y) = cy·H − row,
    t_w = ln(w·W / p_w), t_h = ln(h·H / p_h); the coordinate weight is 2 − w·h.
    Taught in notebooks/02_yolo9000.ipynb §6.1 The region loss.
    """
    cx, cy, bw, bh = (float(v) for v in truth)
    height, width = grid
    if not (0 <= cx < 1 and 0 <= cy < 1 and bw > 0 and bh > 0):
        raise ValueError(f"truth needs a centre in [0, 1) and a positive size (normalised), got {truth}")
    col, row = int(cx * width), int(cy * height)  # the cell holding the centre
    truth_wh = torch.tensor([[bw * width, bh * height]], dtype=anchors.dtype, device=anchors.device)
    n = int(wh_iou(truth_wh, anchors).argmax())  # the prior whose shape fits best
    prior_w, prior_h = anchors[n].tolist()
    if location == "direct":
        tx, ty = cx * width - col, cy * height - row  # b_x = σ(t_x) + c_x  ⇒  σ(t_x) = b_x − c_x
    else:  # RPN-style offsets (Table 2's column without direct location)
        tx, ty = (cx * width - col - 0.5) / prior_w, (cy * height - row - 0.5) / prior_h
    # b_w = p_w · e^{t_w}  ⇒  t_w = ln(b_w / p_w)
    tw, th = math.log(bw * width / prior_w), math.log(bh * height / prior_h)
    return {"row": row, "col": col, "prior": n, "box": (tx, ty, tw, th), "weight": 2.0 - bw * bh}


def _ignore_mask(boxes: torch.Tensor, targets: list[torch.Tensor], threshold: float) -> torch.Tensor:
    """1 where a predicted box's best IoU with any truth of its image is ≤ threshold: (B, H, W, A)."""
    batch, h, w, a, _ = boxes.shape
    best_iou = torch.zeros(batch, h, w, a, device=boxes.device)
    for i, t in enumerate(targets):
        if len(t):
            iou = pairwise_iou(
                centre_to_corner(boxes[i].reshape(-1, 4)), centre_to_corner(t[:, 1:].to(boxes))
            )
            best_iou[i] = iou.max(dim=1).values.view(h, w, a)  # (H·W·A, n) → best over truths
    return (best_iou <= threshold).float()


def _assign(
    boxes: torch.Tensor, targets: list[torch.Tensor], anchors: torch.Tensor, config: RegionLossConfig
) -> dict[str, torch.Tensor]:
    """Each truth's responsible box (in the cell of its centre) and the targets that box must hit.

    One truth at a time; a later truth in the same cell and anchor overwrites an earlier one.
    """
    batch, h, w, a, _ = boxes.shape
    device = boxes.device
    out = {
        "responsible": torch.zeros(batch, h, w, a, dtype=torch.bool, device=device),
        "box": torch.zeros(batch, h, w, a, 4, device=device),  # σ(t_x), σ(t_y), t_w, t_h targets
        "weight": torch.zeros(batch, h, w, a, device=device),  # coord_scale · (2 − w·h)
        "iou": torch.zeros(batch, h, w, a, device=device),  # rescore: σ(t_o)'s target
        "class": torch.zeros(batch, h, w, a, dtype=torch.long, device=device),
    }
    for i, t in enumerate(targets):
        for label, cx, cy, bw, bh in t.tolist():
            target = box_targets((cx, cy, bw, bh), anchors, (h, w), config.location)
            row, col = target["row"], target["col"]
            truth_box = centre_to_corner(torch.tensor([[cx, cy, bw, bh]], device=device))
            if config.match == "prior":  # YOLOv2: the anchor whose shape fits best
                n = target["prior"]
            else:  # YOLOv1: the current prediction that overlaps best
                n = int(pairwise_iou(centre_to_corner(boxes[i, row, col]), truth_box).argmax())
                prior_w, prior_h = anchors[n].tolist()  # the targets are relative to that box's prior
                tx, ty, _, _ = target["box"]
                if config.location != "direct":
                    tx, ty = (cx * w - col - 0.5) / prior_w, (cy * h - row - 0.5) / prior_h
                target["box"] = (tx, ty, math.log(bw * w / prior_w), math.log(bh * h / prior_h))
            out["box"][i, row, col, n] = torch.tensor(target["box"])
            out["weight"][i, row, col, n] = config.coord_scale * target["weight"]  # small boxes weigh more
            predicted = centre_to_corner(boxes[i, row, col, n][None])
            out["iou"][i, row, col, n] = pairwise_iou(predicted, truth_box)[0, 0]
            out["class"][i, row, col, n] = int(label)
            out["responsible"][i, row, col, n] = True
    return out


def region_loss(
    output: torch.Tensor,
    targets: list[torch.Tensor],
    anchors: torch.Tensor,
    config: RegionLossConfig | None = None,
    seen: int = 10**9,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The loss per image of a batch, and its parts (for logging).

    ``output``: raw (B, A·(5+C), H, W); ``targets[i]``: (n, 5) = (class, cx, cy, w, h) normalised;
    ``anchors``: (A, 2) in grid cells; ``seen``: images trained on so far (for the warm-up).
    Taught in notebooks/02_yolo9000.ipynb §6 The detector (loss).
    """
    config = config or RegionLossConfig()
    check_tensor(output, "output", (None, None, None, None))
    check_tensor(anchors, "anchors (p_w, p_h) in grid cells", (None, 2), low=1e-12)
    output = output.float()
    p = split_output(output, len(anchors))  # (B, H, W, A, 5+C)
    _check_targets(targets, output.shape[0], p.shape[-1] - 5)
    batch = output.shape[0]
    decoded = raw_decode(output, anchors, config.location)
    boxes = decoded["boxes"].detach()  # (B, H, W, A, 4) normalised (cx, cy, w, h)
    objectness = decoded["objectness"]  # σ(t_o): (B, H, W, A)
    noobject = _ignore_mask(boxes, targets, config.ignore_threshold)
    wanted = _assign(boxes, targets, anchors.to(output), config)
    responsible, free = wanted["responsible"], ~wanted["responsible"]

    # coordinates: ½ · coord_scale · (2 − w·h) · Σ (target − prediction)² on σ(t_x), σ(t_y), t_w, t_h
    xy = torch.sigmoid(p[..., 0:2]) if config.location == "direct" else p[..., 0:2]
    box_prediction = torch.cat([xy, p[..., 2:4]], dim=-1)
    coord = 0.5 * (wanted["weight"] * (wanted["box"] - box_prediction).square().sum(-1))[responsible].sum()
    # objectness: ½ · object_scale · (IoU(prediction, truth) − σ(t_o))²
    obj = 0.5 * config.object_scale * (wanted["iou"] - objectness).square()[responsible].sum()
    # no object: ½ · noobject_scale · σ(t_o)², except boxes whose best IoU exceeds ignore_threshold
    noobj = 0.5 * config.noobject_scale * (noobject * objectness.square())[free].sum()
    # class: softmax cross-entropy (or the hierarchical softmax over a WordTree)
    logits, labels = p[..., 5:][responsible], wanted["class"][responsible]
    if not responsible.any():
        classes = output.new_zeros(())
    elif config.tree is None:
        classes = config.class_scale * F.cross_entropy(logits, labels, reduction="sum")
    else:
        classes = config.class_scale * hierarchical_loss(logits, labels, config.tree).sum()
    # warm-up: ½ · 0.01 · (box − prior)² while fewer than warmup_images have been seen
    prior = output.new_zeros(())
    if seen < config.warmup_images:
        centre = 0.5 if config.location == "direct" else 0.0  # the cell centre in each location form
        pull = torch.cat([(xy - centre), p[..., 2:4]], dim=-1).square().sum(-1)
        prior = 0.5 * 0.01 * pull[free].sum()
    total = (coord + obj + noobj + classes + prior) / batch
    parts = {"coord": coord, "obj": obj, "noobj": noobj, "class": classes, "prior": prior}
    return total, {name: float(value.detach()) / batch for name, value in parts.items()}
