"""Receptive fields by gradients: which inputs can change the prediction at one pixel.

Taught in notebooks/03_pixelrnn.ipynb §4.1 Receptive field and §6.1 Receptive fields of the four models.
"""

from __future__ import annotations

import torch

from .models import _Autoregressive

__all__ = ["dependency_field", "violations"]


def dependency_field(
    model: _Autoregressive, pixel: tuple[int, int], channel: int = 0, size: int | None = None, seed: int = 0
) -> torch.Tensor:
    """|∂ output(pixel, channel) / ∂ input| summed over the output's levels: (C, H, W).

    The input is a random image (binary or 8-bit, as the model expects) of ``size`` (default:
    the model's image size). Zero means "this input cannot influence that prediction".

    Taught in notebooks/03_pixelrnn.ipynb §4 Receptive field.
    """
    config = model.config
    size = size or config.image_size
    i, j = pixel
    if not (0 <= i < size and 0 <= j < size):
        raise ValueError(f"pixel must lie inside the {size}×{size} image, got {pixel}")
    if not 0 <= channel < config.colours:
        raise ValueError(f"channel must be in [0, {config.colours}), got {channel}")
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(1, config.colours, size, size, generator=generator)
    if config.levels == 2:
        x = (x < 0.5).float()
    x.requires_grad_(True)
    model.eval()
    logits = model(x)
    out = logits[0, channel, i, j] if config.levels == 2 else logits[0, :, channel, i, j].sum()
    (grad,) = torch.autograd.grad(out, x)
    return grad[0].abs()


def violations(field: torch.Tensor, pixel: tuple[int, int], channel: int) -> int:
    """How many inputs *after* (pixel, channel) in R→G→B raster order have a non-zero gradient.

    Mask-A semantics at the output: the prediction of channel c may read earlier pixels and, at
    its own pixel, only channels before c. A correct model gives 0.

    Taught in notebooks/03_pixelrnn.ipynb §6.1 The dependency check.
    """
    colours, height, width = field.shape
    i, j = pixel
    position = torch.arange(height * width).view(height, width)
    later_pixel = position > i * width + j
    same_pixel = position == i * width + j
    forbidden = later_pixel[None].expand(colours, -1, -1).clone()
    forbidden |= same_pixel[None] & (torch.arange(colours)[:, None, None] >= channel)
    return int((field[forbidden] != 0).sum())
