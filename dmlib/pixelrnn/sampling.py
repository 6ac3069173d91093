"""Sampling pixel by pixel: the naive loop and a cached fast sampler for PixelCNN.

Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.

Naive sampling runs the whole network once per sub-pixel: n²·C forward passes over the full image.
But a causal network's activation at position t depends only on pixels before t, so it is final
as soon as pixel t − 1 is known. :class:`CachedPixelCNN` therefore computes, at each step, every
layer at the **one** position being predicted, reading earlier positions from per-layer caches
(the idea of Ramachandran et al. 2017, "Fast Generation for Convolutional Autoregressive Models").
Each step costs one position's worth of work instead of n².
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .masks import MaskedConv2d
from .models import PixelCNN, _Autoregressive

__all__ = ["CachedPixelCNN", "complete", "draw", "sample_naive", "sample_fast"]


def draw(logits: torch.Tensor, uniform: torch.Tensor) -> torch.Tensor:
    """Sample from per-row logits with given uniforms (inverse CDF), so two samplers that share
    the uniforms share the samples. ``logits`` is (B,) for a sigmoid or (B, 256) for a softmax.

    """
    if logits.dim() == 1:
        return (uniform < torch.sigmoid(logits)).float()
    cdf = torch.softmax(logits.double(), dim=1).cumsum(1)
    return torch.searchsorted(cdf, uniform.double()[:, None]).clamp_max(logits.shape[1] - 1)[:, 0].float()


def _uniforms(n: int, steps: int, seed: int) -> torch.Tensor:
    return torch.rand(steps, n, generator=torch.Generator().manual_seed(seed))


def _scaled(value: torch.Tensor, levels: int) -> torch.Tensor:
    return value if levels == 2 else value / 255.0


@torch.no_grad()
def sample_naive(
    model: _Autoregressive, n: int, seed: int = 0, start: torch.Tensor | None = None, from_row: int = 0
) -> torch.Tensor:
    """Draw ``n`` images by running the full model once per sub-pixel (R, G, B in order).

    ``start`` (n, C, H, W), already scaled like the model's input, fixes the rows above ``from_row``
    (for completions). Returns values in {0, 1} (binary) or 0…255 (8-bit), float.
    Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.
    """
    config = model.config
    size, c = config.image_size, config.colours
    if start is not None:
        model.check_input(start)  # once here: the loop below calls the model n²·C times
    x = torch.zeros(n, c, size, size) if start is None else start.clone()
    u = _uniforms(n, size * size * c, seed)
    out = x.clone() if config.levels == 2 else x * 255.0
    model.eval()
    step = from_row * size * c
    for i in range(from_row, size):
        for j in range(size):
            for ch in range(c):
                logits = model(x)
                picked = logits[:, ch, i, j] if config.levels == 2 else logits[:, :, ch, i, j]
                value = draw(picked, u[step])
                out[:, ch, i, j] = value
                x[:, ch, i, j] = _scaled(value, config.levels)
                step += 1
    return out


class CachedPixelCNN:
    """A :class:`PixelCNN` evaluated one position at a time with per-layer caches.

    ``logits_at(i, j)`` returns the output logits at (i, j) given every pixel set so far;
    ``set_pixel(i, j, ch, value)`` writes a (scaled) input value. Positions must be visited in
    raster order. Gives the same numbers as the full network, at a fraction of the cost.
    """

    def __init__(self, model: PixelCNN, batch: int):
        if not isinstance(model, PixelCNN):
            raise ValueError("model must be a PixelCNN (the cached sampler follows its layer layout)")
        config = model.config
        self.model, self.size = model.eval(), config.image_size
        self.first_pad = model.first.padding[0]
        self.kernel_pad = config.kernel // 2
        size, pad = self.size, self.first_pad
        self.image = torch.zeros(batch, config.colours, size + 2 * pad, size + 2 * pad)
        kp = self.kernel_pad
        self.hidden = [torch.zeros(batch, config.hidden, size + 2 * kp, size + 2 * kp) for _ in model.blocks]

    @staticmethod
    def _conv_at(conv: MaskedConv2d, source: torch.Tensor, i: int, j: int) -> torch.Tensor:
        """``conv`` (masked, same padding) at one position; ``source`` is padded by its radius."""
        kh, kw = conv.kernel_size
        patch = source[:, :, i : i + kh, j : j + kw]  # (B, C_in, kh, kw)
        return torch.einsum("bchw,ochw->bo", patch, conv.weight * conv.mask) + conv.bias

    @staticmethod
    def _pointwise(conv: MaskedConv2d, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, (conv.weight * conv.mask)[:, :, 0, 0], conv.bias)

    @torch.no_grad()
    def logits_at(self, i: int, j: int) -> torch.Tensor:
        model, kp = self.model, self.kernel_pad
        stream = self._conv_at(model.first, self.image, i, j)  # (B, 2h)
        for block, cache in zip(model.blocks, self.hidden, strict=True):
            _, reduce, _, conv, _, expand = block
            cache[:, :, i + kp, j + kp] = torch.relu(self._pointwise(reduce, torch.relu(stream)))
            middle = torch.relu(self._conv_at(conv, cache, i, j))
            stream = stream + self._pointwise(expand, middle)
        _, hidden, _, out = model.head
        logits = self._pointwise(out, torch.relu(self._pointwise(hidden, torch.relu(stream))))
        if model.per_colour == 1:
            return logits  # (B, C)
        return logits.view(len(logits), model.config.colours, model.per_colour).transpose(1, 2)

    def set_pixel(self, i: int, j: int, ch: int, value: torch.Tensor) -> None:
        self.image[:, ch, i + self.first_pad, j + self.first_pad] = value


@torch.no_grad()
def sample_fast(
    model: PixelCNN, n: int, seed: int = 0, start: torch.Tensor | None = None, from_row: int = 0
) -> torch.Tensor:
    """Same samples as :func:`sample_naive` for the same seed, through :class:`CachedPixelCNN`.

    Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.
    """
    config = model.config
    size, c, levels = config.image_size, config.colours, config.levels
    if start is not None:
        model.check_input(start)
    cached = CachedPixelCNN(model, n)
    out = torch.zeros(n, c, size, size)
    if start is not None:
        out[:, :, :from_row] = start[:, :, :from_row] * (1 if levels == 2 else 255.0)
        # Known rows still have to pass through the caches, in raster order.
    u = _uniforms(n, size * size * c, seed)
    step = 0
    for i in range(size):
        for j in range(size):
            for ch in range(c):
                if i < from_row:
                    value = out[:, ch, i, j]
                    if ch == c - 1:
                        cached.logits_at(i, j)  # fill the caches at a known position
                else:
                    logits = cached.logits_at(i, j)
                    picked = logits[:, ch] if levels == 2 else logits[:, :, ch]
                    value = draw(picked, u[step])
                    out[:, ch, i, j] = value
                cached.set_pixel(i, j, ch, _scaled(value, levels))
                step += 1
    return out


@torch.no_grad()
def complete(
    model: _Autoregressive, images: torch.Tensor, keep_rows: int, n: int, seed: int = 0
) -> torch.Tensor:
    """``n`` completions of each image after its first ``keep_rows`` rows: (N, n, C, H, W).

    Uses the cached sampler for a PixelCNN, the naive one otherwise.
    Taught in notebooks/03_pixelrnn.ipynb §8.2 Completions.
    """
    config = model.config
    model.check_input(images)
    if not 0 <= keep_rows < config.image_size:
        raise ValueError(f"keep_rows must be in [0, {config.image_size}), got {keep_rows}")
    start = images.repeat_interleave(n, 0)
    sampler = sample_fast if isinstance(model, PixelCNN) else sample_naive
    out = sampler(model, len(start), seed=seed, start=start, from_row=keep_rows)
    return out.view(len(images), n, *out.shape[1:])
