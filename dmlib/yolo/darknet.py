"""Darknet-19, the YOLOv2 backbone (Table 6), and an operation counter.

Taught in notebooks/02_yolo9000.ipynb §5 Faster: Darknet-19.

19 convolutions and 5 max-pools, mostly 3×3 filters that double the channels after every pool,
with 1×1 convolutions between them that squeeze the channels back (the Network-in-Network idea);
batch norm + leaky ReLU (slope 0.1) after every convolution but the last, and global average
pooling instead of fully connected layers. The paper counts **5.58 billion operations** at
224×224, which is 2 × the multiply-adds of its convolutions (:func:`count_ops`).

``width`` scales every channel count (1.0 is the paper's network); the course trains a quarter-width
copy on the CPU.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DARKNET19", "Darknet19", "conv_block", "count_ops", "count_parameters", "scaled"]

# Table 6: ("conv", filters, size) or ("pool",). The classifier's final 1×1 conv is added separately.
DARKNET19 = [
    ("conv", 32, 3), ("pool",),
    ("conv", 64, 3), ("pool",),
    ("conv", 128, 3), ("conv", 64, 1), ("conv", 128, 3), ("pool",),
    ("conv", 256, 3), ("conv", 128, 1), ("conv", 256, 3), ("pool",),
    ("conv", 512, 3), ("conv", 256, 1), ("conv", 512, 3), ("conv", 256, 1), ("conv", 512, 3), ("pool",),
    ("conv", 1024, 3), ("conv", 512, 1), ("conv", 1024, 3), ("conv", 512, 1), ("conv", 1024, 3),
]  # fmt: skip


def scaled(channels: int, width: float) -> int:
    """``channels × width``, rounded, at least 1."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    return max(1, round(channels * width))


def conv_block(c_in: int, c_out: int, size: int, batch_norm: bool = True) -> nn.Sequential:
    """Conv (same padding) → batch norm → leaky ReLU(0.1), darknet's unit.

    With batch norm the convolution has no bias (BN's shift replaces it); without it, the
    "YOLO before +batch norm" arm of Table 2, it keeps one.
    """
    if c_in < 1 or c_out < 1 or size < 1:
        raise ValueError(f"channels and size must be positive, got {c_in}, {c_out}, {size}")
    conv = nn.Conv2d(c_in, c_out, size, padding=size // 2, bias=not batch_norm)
    layers = [conv]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out))
    else:
        # Without BN's rescaling, PyTorch's default init shrinks the signal ~3× per layer and a
        # 22-layer net trained from scratch does not learn at all; He init keeps its variance.
        nn.init.kaiming_normal_(conv.weight, a=0.1, nonlinearity="leaky_relu")
        nn.init.zeros_(conv.bias)
    layers.append(nn.LeakyReLU(0.1))
    return nn.Sequential(*layers)


def make_layers(spec: list[tuple], c_in: int, width: float, batch_norm: bool) -> tuple[nn.Sequential, int]:
    """Build a layer list from Table-6-style ``spec``; returns the layers and their output channels."""
    layers = []
    for item in spec:
        if item[0] == "pool":
            layers.append(nn.MaxPool2d(2, 2))
        elif item[0] == "conv":
            c_out = scaled(item[1], width)
            layers.append(conv_block(c_in, c_out, item[2], batch_norm))
            c_in = c_out
        else:
            raise ValueError(f"unknown layer {item!r} in spec")
    return nn.Sequential(*layers), c_in


class Darknet19(nn.Module):
    """The ImageNet classifier of Table 6: features, a 1×1 conv to ``classes``, global average pool.

    Input (B, 3, S, S) with S a multiple of 32; output logits (B, classes).
    Taught in notebooks/02_yolo9000.ipynb §5 Faster: Darknet-19.
    """

    def __init__(self, classes: int = 1000, width: float = 1.0, in_channels: int = 3):
        super().__init__()
        if classes < 1:
            raise ValueError(f"classes must be positive, got {classes}")
        self.features, channels = make_layers(DARKNET19, in_channels, width, batch_norm=True)
        self.classifier = nn.Conv2d(channels, classes, 1)  # conv 19: linear, no BN
        self.to(memory_format=torch.channels_last)  # as in YOLOv2: faster convolutions on CPU

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x)).mean(dim=(2, 3))  # (B, classes)


def count_ops(model: nn.Module, input_size: int, in_channels: int = 3) -> int:
    """Operations of one forward pass as darknet counts them: 2 × multiply-adds of every conv.

    Taught in notebooks/02_yolo9000.ipynb §5 Faster: Darknet-19.
    """
    if input_size < 1:
        raise ValueError(f"input_size must be positive, got {input_size}")
    total = 0

    def hook(module: nn.Conv2d, _inputs: tuple, output: torch.Tensor) -> None:
        nonlocal total
        k_h, k_w = module.kernel_size
        per_output = k_h * k_w * module.in_channels // module.groups
        total += 2 * per_output * output[0].numel()

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, in_channels, input_size, input_size, device=next(model.parameters()).device))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return total


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters. Taught in §5 Faster: Darknet-19."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
