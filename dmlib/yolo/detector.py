"""The YOLOv2 detector: Darknet-19's trunk, the passthrough layer, and direct location prediction.

Taught in notebooks/02_yolo9000.ipynb §4 Direct location prediction and §6 The detector.

Detection head (paper §3 "Training for detection"): drop Darknet-19's classifier, add three 3×3
convolutions with 1024 filters and a final 1×1 convolution with A × (5 + C) outputs — per anchor
the box ``t_x, t_y, t_w, t_h``, objectness ``t_o`` and C class scores (VOC: 5 × 25 = 125).

**Passthrough** (fine-grained features): the 26×26×512 map before the last pool is turned into
13×13×2048 by moving each 2×2 block of pixels into channels (space-to-depth, darknet's ``reorg``;
here :func:`torch.nn.functional.pixel_unshuffle`) and concatenated before the last 3×3 convolution.

**Direct location prediction** for the cell at offset (c_x, c_y) and the prior (p_w, p_h), in grid units:

    b_x = σ(t_x) + c_x    b_y = σ(t_y) + c_y    b_w = p_w e^{t_w}    b_h = p_h e^{t_h}    Pr(obj)·IoU = σ(t_o)

so a prediction cannot leave its cell. The earlier Table 2 arms use the *linear* (RPN-style)
offset b_x = c_x + ½ + t_x p_w instead, which can move a box anywhere and is unstable early on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_tensor
from .boxes import centre_to_corner, nms
from .darknet import DARKNET19, conv_block, make_layers, scaled

__all__ = ["DetectorConfig", "YOLOv2", "decode", "grid_size", "postprocess", "raw_decode", "reorg"]

LOCATIONS = ("direct", "linear")


@dataclass
class DetectorConfig:
    """Architecture of a YOLOv2-style detector. The defaults are the paper's VOC model at 416.

    Taught in notebooks/02_yolo9000.ipynb §6 The detector.
    """

    classes: int = 20
    anchors: int = 5  # boxes per cell (A)
    width: float = 1.0  # channel multiplier of Darknet-19 and the head
    in_channels: int = 3
    batch_norm: bool = True
    passthrough: bool = True
    location: str = "direct"  # "direct" (σ offsets, the paper) or "linear" (RPN-style offsets)

    def __post_init__(self):
        if self.classes < 1 or self.anchors < 1:
            raise ValueError(f"classes and anchors must be positive, got {self.classes}, {self.anchors}")
        if self.location not in LOCATIONS:
            raise ValueError(f"location must be one of {LOCATIONS}, got {self.location!r}")


def grid_size(image_size: int) -> int:
    """Cells per side: the network downsamples by 32 (416 → 13). Taught in §6 The detector."""
    if image_size < 32 or image_size % 32:
        raise ValueError(f"image_size must be a positive multiple of 32, got {image_size}")
    return image_size // 32


def reorg(x: torch.Tensor, stride: int = 2) -> torch.Tensor:
    """Space-to-depth: (B, C, H, W) → (B, C·s², H/s, W/s), each s×s block stacked into channels.

    Taught in notebooks/02_yolo9000.ipynb §6 The detector (the passthrough layer).
    """
    if x.dim() != 4 or x.shape[2] % stride or x.shape[3] % stride:
        raise ValueError(f"x must be (B, C, H, W) with H and W divisible by {stride}, got {tuple(x.shape)}")
    return F.pixel_unshuffle(x, stride)


class YOLOv2(nn.Module):
    """Darknet-19 trunk + detection head (+ passthrough). Output (B, A·(5+C), S/32, S/32).

    Taught in notebooks/02_yolo9000.ipynb §6 The detector.
    """

    def __init__(self, config: DetectorConfig):
        super().__init__()
        self.config = config
        w, bn = config.width, config.batch_norm
        # Conv 1–13 run at stride 16 (26×26 at 416): the passthrough taps their output.
        self.fine, c_fine = make_layers(DARKNET19[:17], config.in_channels, w, bn)
        self.coarse, c_coarse = make_layers(DARKNET19[17:], c_fine, w, bn)
        head = scaled(1024, w)
        self.head = nn.Sequential(conv_block(c_coarse, head, 3, bn), conv_block(head, head, 3, bn))
        c_joined = head + (4 * c_fine if config.passthrough else 0)
        self.joined = conv_block(c_joined, head, 3, bn)
        self.output = nn.Conv2d(head, config.anchors * (5 + config.classes), 1)
        self.to(memory_format=torch.channels_last)  # oneDNN's convolutions run ~1.5× faster on CPU in NHWC

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1] != self.config.in_channels:
            raise ValueError(f"x must be (B, {self.config.in_channels}, S, S), got {tuple(x.shape)}")
        grid = grid_size(x.shape[-1])
        if len(x) == 0:  # an empty batch has an empty output
            return x.new_zeros(0, self.output.out_channels, grid, grid)
        fine = self.fine(x)  # (B, 512w, S/16, S/16)
        features = self.head(self.coarse(fine))  # (B, 1024w, S/32, S/32)
        if self.config.passthrough:
            features = torch.cat([reorg(fine), features], dim=1)  # + (B, 2048w, S/32, S/32)
        return self.output(self.joined(features))


def split_output(output: torch.Tensor, anchors: int) -> torch.Tensor:
    """(B, A·(5+C), H, W) → (B, H, W, A, 5+C): one row of raw predictions per box."""
    b, channels, h, w = output.shape
    if channels % anchors:
        raise ValueError(f"output has {channels} channels, not a multiple of anchors={anchors}")
    return output.view(b, anchors, channels // anchors, h, w).permute(0, 3, 4, 1, 2)


def decode(output: torch.Tensor, anchors: torch.Tensor, location: str = "direct") -> dict[str, torch.Tensor]:
    """Raw output → boxes (B, H, W, A, 4) as normalised (cx, cy, w, h), objectness, class logits.

    ``anchors`` is (A, 2) priors (p_w, p_h) in grid cells. Taught in notebooks/02_yolo9000.ipynb
    §4 Direct location prediction.
    """
    check_tensor(output, "output", (None, None, None, None))
    check_tensor(anchors, "anchors (p_w, p_h) in grid cells", (None, 2), low=1e-12)
    if location not in LOCATIONS:
        raise ValueError(f"location must be one of {LOCATIONS}, got {location!r}")
    return raw_decode(output, anchors, location)


def raw_decode(output: torch.Tensor, anchors: torch.Tensor, location: str) -> dict[str, torch.Tensor]:
    """:func:`decode` without its checks, for the training loss (its inputs were checked on entry)."""
    p = split_output(output, len(anchors))
    _, h, w, _, _ = p.shape
    cy, cx = torch.meshgrid(torch.arange(h, device=p.device), torch.arange(w, device=p.device), indexing="ij")
    cell = torch.stack([cx, cy], -1)[None, :, :, None, :].to(p.dtype)  # (1, H, W, 1, 2)
    prior = anchors.to(p)[None, None, None]  # (1, 1, 1, A, 2)
    if location == "direct":
        centre = torch.sigmoid(p[..., 0:2]) + cell
    else:
        centre = cell + 0.5 + p[..., 0:2] * prior
    size = prior * torch.exp(p[..., 2:4].clamp(max=8.0))  # clamp: e^8 cells is already off-image
    scale = torch.tensor([w, h], dtype=p.dtype, device=p.device)
    boxes = torch.cat([centre / scale, size / scale], dim=-1)
    return {"boxes": boxes, "objectness": torch.sigmoid(p[..., 4]), "class_logits": p[..., 5:]}


@torch.no_grad()
def postprocess(
    output: torch.Tensor,
    anchors: torch.Tensor,
    location: str = "direct",
    score_threshold: float = 0.005,
    nms_threshold: float = 0.45,
    max_detections: int = 100,
    class_probs: torch.Tensor | None = None,
) -> list[torch.Tensor]:
    """Detections per image: (n, 6) = (x1, y1, x2, y2, score, label), normalised, best first.

    score = σ(t_o) · Pr(class | object) for each box's most likely class; per-class NMS.
    ``class_probs`` maps class logits to Pr(class | object) (default: softmax; YOLO9000: the tree's).
    """
    if not 0 <= score_threshold <= 1:
        raise ValueError(f"score_threshold must be in [0, 1], got {score_threshold}")
    decoded = decode(output.float(), anchors, location)
    to_probs = class_probs or (lambda logits: logits.softmax(-1))
    probs = to_probs(decoded["class_logits"]) * decoded["objectness"][..., None]
    results = []
    for boxes, image_probs in zip(decoded["boxes"], probs, strict=True):
        boxes = centre_to_corner(boxes.reshape(-1, 4))
        score, label = image_probs.reshape(len(boxes), -1).max(-1)
        keep = score > score_threshold
        boxes, score, label = boxes[keep], score[keep], label[keep]
        kept = []
        for c in label.unique():
            idx = torch.nonzero(label == c).squeeze(1)
            kept.append(idx[nms(boxes[idx], score[idx], nms_threshold)])
        idx = torch.cat(kept) if kept else torch.zeros(0, dtype=torch.long)
        idx = idx[score[idx].argsort(descending=True)][:max_detections]
        results.append(torch.cat([boxes[idx], score[idx, None], label[idx, None].float()], dim=1))
    return results
