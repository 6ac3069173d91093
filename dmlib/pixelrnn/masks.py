"""Masked convolutions: mask A and mask B, with the R → G → B channel groups (PixelRNN §3.4).

Taught in notebooks/03_pixelrnn.ipynb §3 Masks.

A kernel of size (kh, kw) is centred on the pixel being predicted. Raster order allows every
position in the rows above the centre and to its left on the centre row. At the centre itself the
colours are ordered R → G → B: features of colour group g may read input groups

- mask A (first layer only): g' < g — R sees nothing of the current pixel, G sees R, B sees R, G;
- mask B (every later layer): g' ≤ g — also the connection of a colour to itself.

Grayscale is the one-group case: mask A hides the centre, mask B shows it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["MaskedConv2d", "channel_groups", "causal_mask"]


def channel_groups(channels: int, colours: int, blocks: int = 1) -> torch.Tensor:
    """The colour group (0 = R, 1 = G, 2 = B) of each of ``channels`` feature maps.

    The maps are ``blocks`` equal blocks (e.g. the 4 LSTM gates); within each block the first third
    belongs to R, the next to G, the last to B. ``colours == 1`` puts everything in group 0.
    """
    if colours not in (1, 3):
        raise ValueError(f"colours must be 1 (grayscale) or 3 (RGB), got {colours}")
    if channels % blocks or (channels // blocks) % colours:
        raise ValueError(
            f"channels={channels} must split into {blocks} block(s) divisible by colours={colours}"
        )
    per_block = channels // blocks
    return (torch.arange(channels) % per_block) * colours // per_block


def causal_mask(
    kernel_size: tuple[int, int], in_groups: torch.Tensor, out_groups: torch.Tensor, mask_type: str
) -> torch.Tensor:
    """The (out, in, kh, kw) 0/1 mask of a masked convolution.

    Taught in notebooks/03_pixelrnn.ipynb §3 Masks.
    """
    kh, kw = kernel_size
    if kh % 2 == 0 or kw % 2 == 0 or kh < 1 or kw < 1:
        raise ValueError(f"kernel_size must be odd in both directions, got {kernel_size}")
    if mask_type not in ("A", "B"):
        raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}")
    ch, cw = kh // 2, kw // 2
    mask = torch.zeros(len(out_groups), len(in_groups), kh, kw)
    mask[:, :, :ch, :] = 1  # rows above
    mask[:, :, ch, :cw] = 1  # left on the centre row
    before = in_groups[None, :] < out_groups[:, None]
    same = in_groups[None, :] == out_groups[:, None]
    mask[:, :, ch, cw] = (before | same).float() if mask_type == "B" else before.float()
    return mask


class MaskedConv2d(nn.Conv2d):
    """A same-size convolution whose weights are multiplied by :func:`causal_mask` every call.

    Masking in ``forward`` (rather than zeroing after each update) keeps the masked weights at
    exactly zero whatever the optimiser does. ``colours=3`` applies the R → G → B groups; ``in_blocks``
    and ``out_blocks`` say how many equal blocks (e.g. LSTM gates) the channels come in.

    The rows below the centre, and on a one-row kernel the columns right of it, are zero in every
    mask, so ``forward`` convolves with the kernel cut to the rows 0 … kh//2 (and columns 0 … kw//2
    when kh = 1) and pads the input to match: the same function, with 28 of a 7×7 kernel's 49 taps.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        mask_type: str,
        colours: int = 1,
        in_blocks: int = 1,
        out_blocks: int = 1,
        out_groups: torch.Tensor | None = None,
    ):
        size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        super().__init__(in_channels, out_channels, size, padding=(size[0] // 2, size[1] // 2))
        in_g = channel_groups(in_channels, colours, in_blocks)
        out_g = channel_groups(out_channels, colours, out_blocks) if out_groups is None else out_groups
        self.register_buffer("mask", causal_mask(size, in_g, out_g, mask_type), persistent=False)
        self.mask_type = mask_type
        kh, kw = size
        self.rows, self.cols = kh // 2 + 1, kw if kh > 1 else kw // 2 + 1  # the taps a mask can keep
        self.pad = (kw // 2, self.cols - 1 - kw // 2, kh // 2, 0)  # left, right, top, bottom

    def kept_kernel(self) -> torch.Tensor:
        """The masked kernel cut to the taps a mask can keep: (out, in, ≤ kh, ≤ kw)."""
        return (self.weight * self.mask)[:, :, : self.rows, : self.cols]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kernel = self.kept_kernel()
        if kernel.shape[2:] == (1, 1):
            return F.conv2d(x, kernel, self.bias)
        return F.conv2d(F.pad(x, self.pad), kernel, self.bias)
