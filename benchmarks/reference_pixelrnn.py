"""The straightforward PixelCNN the PixelRNN benchmark compares dmlib against (issue #13).

``public_pixelcnn`` has the size of a common public PyTorch PixelCNN — 64 feature maps, a 7×7 mask-A
layer, 7 mask-B 7×7 layers with batch norm and ReLU, a 1×1 conv to 256 logits — written plainly: an
``nn.Conv2d`` whose whole weight is multiplied by its mask on every call.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class PlainMaskedConv2d(nn.Conv2d):
    """A bias-free ``nn.Conv2d`` whose kernel is zeroed right of the centre and below it (mask A also
    zeroes the centre)."""

    def __init__(self, mask_type: str, in_channels: int, out_channels: int, kernel: int):
        super().__init__(in_channels, out_channels, kernel, padding=kernel // 2, bias=False)
        centre = kernel // 2
        mask = torch.ones(kernel, kernel)
        mask[centre, centre + (mask_type == "B") :] = 0
        mask[centre + 1 :] = 0
        self.register_buffer("mask", mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.mask, None, padding=self.padding)


def public_pixelcnn(features: int = 64, layers: int = 7) -> nn.Sequential:
    """(B, 1, H, W) → (B, 256, H, W) logits of each pixel's 8-bit value."""
    stack = [PlainMaskedConv2d("A", 1, features, 7), nn.BatchNorm2d(features), nn.ReLU()]
    for _ in range(layers):
        stack += [PlainMaskedConv2d("B", features, features, 7), nn.BatchNorm2d(features), nn.ReLU()]
    return nn.Sequential(*stack, nn.Conv2d(features, 256, 1))
