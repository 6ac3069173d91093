"""The straightforward layers the PixelRNN benchmark compares dmlib against (issue #13).

- ``RowLSTMLayer`` and ``DiagonalBiLSTMLayer``: dmlib's recurrent layers as they were before they were
  made faster (commit 5afe22f), one small operation after another per row or diagonal. Their parameters
  have the same names and shapes as dmlib's, so a model's weights load into either and the outputs can
  be compared.
- ``public_pixelcnn``: the PixelCNN of a common public PyTorch implementation — 64 feature maps, a 7×7
  mask-A layer, 7 mask-B 7×7 layers with batch norm and ReLU, a 1×1 conv to 256 logits — written
  plainly: an ``nn.Conv2d`` whose weight is multiplied by its mask on every call.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from dmlib.pixelrnn.masks import MaskedConv2d
from dmlib.pixelrnn.models import skew, unskew


def _lstm(gates: torch.Tensor, cell: torch.Tensor, dim: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    o, f, i, g = gates.chunk(4, dim=dim)
    cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(cell), cell


class RowLSTMLayer(nn.Module):
    def __init__(self, hidden: int, colours: int):
        super().__init__()
        self.input_to_state = MaskedConv2d(2 * hidden, 4 * hidden, (1, 3), "B", colours, out_blocks=4)
        self.state_to_state = nn.Conv1d(hidden, 4 * hidden, 3, padding=1)
        self.hidden = hidden

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, _, width = x.shape
        gates_in = self.input_to_state(x)
        state = x.new_zeros(b, self.hidden, width)
        cell = torch.zeros_like(state)
        rows = []
        for row_in in gates_in.unbind(2):
            state, cell = _lstm(row_in + self.state_to_state(state), cell)
            rows.append(state)
        return torch.stack(rows, dim=2)


class DiagonalBiLSTMLayer(nn.Module):
    def __init__(self, hidden: int, colours: int):
        super().__init__()
        self.input_to_state = nn.ModuleList(
            MaskedConv2d(2 * hidden, 4 * hidden, 1, "B", colours, out_blocks=4) for _ in range(2)
        )
        self.state_to_state = nn.Conv1d(2 * hidden, 8 * hidden, 2, padding=1, groups=2)
        self.hidden = hidden

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, height, width = x.shape
        h = self.hidden
        left_in = skew(self.input_to_state[0](x))
        right_in = skew(self.input_to_state[1](x.flip(3)))
        gates_in = torch.stack([left_in, right_in], dim=1)
        state = x.new_zeros(b, 2 * h, height)
        cell = x.new_zeros(b, 2, h, height)
        columns = []
        for column_in in gates_in.unbind(-1):
            recurrent = self.state_to_state(state)[:, :, :height].view(b, 2, 4 * h, height)
            hidden, cell = _lstm(column_in + recurrent, cell, dim=2)
            state = hidden.reshape(b, 2 * h, height)
            columns.append(hidden)
        out = torch.stack(columns, dim=-1)
        left = unskew(out[:, 0], width)
        right = unskew(out[:, 1], width).flip(3)
        return left + F.pad(right, (0, 0, 1, 0))[:, :, :-1]


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
