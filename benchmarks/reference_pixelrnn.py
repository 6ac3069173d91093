"""The straightforward implementations the PixelRNN benchmark compares dmlib against (issue #13).

``public_pixelcnn`` has the size of a common public PyTorch PixelCNN — 64 feature maps, a 7×7 mask-A
layer, 7 mask-B 7×7 layers with batch norm and ReLU, a 1×1 conv to 256 logits — written plainly: an
``nn.Conv2d`` whose whole weight is multiplied by its mask on every call.

``plain_row_lstm`` and ``plain_diagonal_bilstm`` are dmlib's recurrent layers as first written (one
small conv and an autograd LSTM update per row or diagonal); tests/test_pixelrnn.py checks that the
faster layers compute the same function.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

from dmlib.pixelrnn.models import DiagonalBiLSTMLayer, RowLSTMLayer, skew, unskew


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


def _lstm(gates: torch.Tensor, cell: torch.Tensor, dim: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    o, f, i, g = gates.chunk(4, dim=dim)
    cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(cell), cell


def plain_row_lstm(layer: RowLSTMLayer, x: torch.Tensor) -> torch.Tensor:
    """The Row LSTM layer as first written: its masked conv over the map, then per row an
    ``nn.Conv1d`` of the previous state and an autograd LSTM update."""
    b, _, _, width = x.shape
    gates_in = layer.input_to_state(x)  # (B, 4h, H, W)
    state = x.new_zeros(b, layer.hidden, width)
    cell = torch.zeros_like(state)
    rows = []
    for row_in in gates_in.unbind(2):
        state, cell = _lstm(row_in + layer.state_to_state(state), cell)
        rows.append(state)
    return torch.stack(rows, dim=2)


def plain_diagonal_bilstm(layer: DiagonalBiLSTMLayer, x: torch.Tensor) -> torch.Tensor:
    """The Diagonal BiLSTM layer as first written: both directions' 1×1 convs, ``skew``, then per
    column of the whole skewed map the grouped ``nn.Conv1d`` and an autograd LSTM update; ``unskew``."""
    b, _, height, width = x.shape
    h = layer.hidden
    left_in = skew(layer.input_to_state[0](x))
    right_in = skew(layer.input_to_state[1](x.flip(3)))
    gates_in = torch.stack([left_in, right_in], dim=1)  # (B, 2, 4h, H, S)
    state = x.new_zeros(b, 2 * h, height)
    cell = x.new_zeros(b, 2, h, height)
    columns = []
    for column_in in gates_in.unbind(-1):
        recurrent = layer.state_to_state(state)[:, :, :height].view(b, 2, 4 * h, height)
        hidden, cell = _lstm(column_in + recurrent, cell, dim=2)
        state = hidden.reshape(b, 2 * h, height)
        columns.append(hidden)
    out = torch.stack(columns, dim=-1)  # (B, 2, h, H, S)
    left = unskew(out[:, 0], width)
    right = unskew(out[:, 1], width).flip(3)
    return left + F.pad(right, (0, 0, 1, 0))[:, :, :-1]


def with_plain_recurrences(model: nn.Module) -> nn.Module:
    """``model`` with every recurrent layer computed the first-written way (same parameters)."""
    plain = {RowLSTMLayer: plain_row_lstm, DiagonalBiLSTMLayer: plain_diagonal_bilstm}
    for layer in model.modules():
        if type(layer) in plain:
            layer.forward = functools.partial(plain[type(layer)], layer)
    return model
