"""The region loss, following darknet's ``region_layer.c`` (the code that trained YOLOv2).

Taught in notebooks/02_yolo9000.ipynb §6 The detector (loss).

Darknet writes a *delta* (target − output) for every output and calls the cost their sum of
squares; here each term is the ½·scale·(target − output)² whose gradient is that delta, so autograd
reproduces darknet's updates. For every predicted box:

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
- **class**: class_scale × softmax cross-entropy, whose gradient is darknet's (one-hot − softmax); with a
  WordTree (YOLO9000) the hierarchical softmax loss on the label's path instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .boxes import box_iou, centre_to_corner, wh_iou
from .detector import decode, split_output
from .wordtree import WordTree, hierarchical_loss

__all__ = ["RegionLossConfig", "region_loss"]


@dataclass
class RegionLossConfig:
    """darknet's ``[region]`` settings (yolo-voc.cfg); the defaults are the paper's.

    Taught in notebooks/02_yolo9000.ipynb §6 The detector (loss).
    """

    object_scale: float = 5.0
    noobject_scale: float = 1.0
    class_scale: float = 1.0
    coord_scale: float = 1.0
    ignore_threshold: float = 0.6
    warmup_images: int = 12800
    match: str = "prior"  # "prior" (YOLOv2) or "prediction" (YOLOv1)
    location: str = "direct"
    tree: WordTree | None = None  # YOLO9000: class targets are tree nodes, hierarchical softmax

    def __post_init__(self):
        if self.match not in ("prior", "prediction"):
            raise ValueError(f"match must be 'prior' or 'prediction', got {self.match!r}")


def _check_targets(targets: list[torch.Tensor], batch: int) -> None:
    if len(targets) != batch:
        raise ValueError(f"targets needs one (n, 5) tensor per image: {len(targets)} for a batch of {batch}")
    for t in targets:
        if t.dim() != 2 or t.shape[1] != 5:
            raise ValueError(f"each target must be (n, 5) = (class, cx, cy, w, h), got {tuple(t.shape)}")
        if len(t) and ((t[:, 3:] <= 0).any() or (t[:, 1:3] < 0).any() or (t[:, 1:3] >= 1).any()):
            raise ValueError("target boxes need centres in [0, 1) and positive sizes (normalised)")


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
    batch = output.shape[0]
    _check_targets(targets, batch)
    output = output.float()
    p = split_output(output, len(anchors))  # (B, H, W, A, 5+C)
    _, h, w, a, _ = p.shape
    decoded = decode(output, anchors, config.location)
    boxes = decoded["boxes"].detach()  # (B, H, W, A, 4)
    objectness = decoded["objectness"]
    anchors = anchors.to(output)

    # Best IoU of every predicted box with any ground truth of its image → the ignore mask.
    best_iou = torch.zeros(batch, h, w, a, device=output.device)
    for i, t in enumerate(targets):
        if len(t):
            iou = box_iou(centre_to_corner(boxes[i].reshape(-1, 4)), centre_to_corner(t[:, 1:].to(output)))
            best_iou[i] = iou.max(dim=1).values.view(h, w, a)
    noobject = (best_iou <= config.ignore_threshold).float()

    # Responsible boxes and their targets, one ground truth at a time (a later one overwrites).
    responsible = torch.zeros(batch, h, w, a, dtype=torch.bool, device=output.device)
    box_target = torch.zeros(batch, h, w, a, 4, device=output.device)
    box_weight = torch.zeros(batch, h, w, a, device=output.device)
    iou_target = torch.zeros(batch, h, w, a, device=output.device)
    class_target = torch.zeros(batch, h, w, a, dtype=torch.long, device=output.device)
    for i, t in enumerate(targets):
        for label, cx, cy, bw, bh in t.tolist():
            col, row = int(cx * w), int(cy * h)
            truth_wh = torch.tensor([[bw * w, bh * h]], device=output.device)
            truth_box = torch.tensor([[cx, cy, bw, bh]], device=output.device)
            if config.match == "prior":
                n = int(wh_iou(truth_wh, anchors).argmax())
            else:
                n = int(box_iou(centre_to_corner(boxes[i, row, col]), centre_to_corner(truth_box)).argmax())
            prior_w, prior_h = anchors[n].tolist()
            if config.location == "direct":
                tx, ty = cx * w - col, cy * h - row  # targets for σ(t_x), σ(t_y)
            else:
                tx, ty = (cx * w - col - 0.5) / prior_w, (cy * h - row - 0.5) / prior_h
            box_target[i, row, col, n] = torch.tensor(
                [tx, ty, torch.log(truth_wh[0, 0] / prior_w), torch.log(truth_wh[0, 1] / prior_h)]
            )
            box_weight[i, row, col, n] = config.coord_scale * (2.0 - bw * bh)
            predicted = centre_to_corner(boxes[i, row, col, n][None])
            iou_target[i, row, col, n] = box_iou(predicted, centre_to_corner(truth_box))[0, 0]
            class_target[i, row, col, n] = int(label)
            responsible[i, row, col, n] = True

    xy = torch.sigmoid(p[..., 0:2]) if config.location == "direct" else p[..., 0:2]
    box_prediction = torch.cat([xy, p[..., 2:4]], dim=-1)
    coord = 0.5 * (box_weight * (box_target - box_prediction).square().sum(-1))[responsible].sum()
    obj = 0.5 * config.object_scale * (iou_target - objectness).square()[responsible].sum()
    free = ~responsible
    noobj = 0.5 * config.noobject_scale * (noobject * objectness.square())[free].sum()
    logits, wanted = p[..., 5:][responsible], class_target[responsible]
    if not responsible.any():
        classes = output.new_zeros(())
    elif config.tree is None:
        classes = config.class_scale * F.cross_entropy(logits, wanted, reduction="sum")
    else:
        classes = config.class_scale * hierarchical_loss(logits, wanted, config.tree).sum()
    prior = output.new_zeros(())
    if seen < config.warmup_images:
        centre = 0.5 if config.location == "direct" else 0.0  # the cell centre in each location form
        pull = torch.cat([(xy - centre), p[..., 2:4]], dim=-1).square().sum(-1)
        prior = 0.5 * 0.01 * pull[free].sum()
    total = (coord + obj + noobj + classes + prior) / batch
    parts = {"coord": coord, "obj": obj, "noobj": noobj, "class": classes, "prior": prior}
    return total, {name: float(value.detach()) / batch for name, value in parts.items()}
