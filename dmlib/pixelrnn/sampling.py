"""Sampling pixel by pixel: the naive loop and a cached fast sampler for PixelCNN.

Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.

Naive sampling runs the whole network once per sub-pixel: n²·C forward passes over the full image.
But a causal network's activation at position t depends only on pixels before t, so it is final
as soon as pixel t − 1 is known. :class:`CachedPixelCNN` therefore computes, at each step, every
layer at the **one** position being predicted, reading earlier positions from per-layer caches
(the idea of Ramachandran et al. 2017, "Fast Generation for Convolutional Autoregressive Models").
Each step costs one position's worth of work instead of n².

:class:`CachedGatedPixelCNN` does the same for the gated PixelCNN: its vertical stack sees whole rows,
so it is computed a row at a time, once the row above is complete; its horizontal stack is computed
at the one position being predicted. A class-conditional model samples the class it is given.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .masks import MaskedConv2d
from .models import GatedPixelCNN, PixelCNN, _Autoregressive

__all__ = ["CachedGatedPixelCNN", "CachedPixelCNN", "complete", "draw", "sample_naive", "sample_fast"]


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
    model: _Autoregressive, n: int, seed: int = 0, start: torch.Tensor | None = None, from_row: int = 0,
    labels: torch.Tensor | None = None,
) -> torch.Tensor:  # fmt: skip
    """Draw ``n`` images by running the full model once per sub-pixel (R, G, B in order).

    ``start`` (n, C, H, W), already scaled like the model's input, fixes the rows above ``from_row``
    (for completions); ``labels`` (n,) the classes of a class-conditional model.
    Returns values in {0, 1} (binary) or 0…255 (8-bit), float.
    Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.
    """
    config = model.config
    size, c = config.image_size, config.colours
    if start is not None:
        model.check_input(start)  # once here: the loop below calls the model n²·C times
    x = torch.zeros(n, c, size, size) if start is None else start.clone()
    model.check_labels(x, labels)
    u = _uniforms(n, size * size * c, seed)
    out = x.clone() if config.levels == 2 else x * 255.0
    model.eval()
    step = from_row * size * c
    for i in range(from_row, size):
        for j in range(size):
            for ch in range(c):
                logits = model(x, labels)
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


class CachedGatedPixelCNN:
    """A :class:`GatedPixelCNN` evaluated one position at a time (the interface of :class:`CachedPixelCNN`).

    Each layer keeps its vertical-stack input (rows padded above and at both sides) and its
    horizontal-stack input (the current row, padded at both sides). ``start_row(i)`` computes every
    layer's vertical stack at row i − 1 (complete by then) and the term it sends down to row i;
    ``logits_at(i, j)`` runs the horizontal stacks at (i, j) only. ``labels`` (B,) for a conditional model.
    """

    def __init__(self, model: GatedPixelCNN, batch: int, labels: torch.Tensor | None = None):
        if not isinstance(model, GatedPixelCNN):
            raise ValueError("model must be a GatedPixelCNN")
        self.model, self.size = model.eval(), model.config.image_size
        model.check_labels(torch.zeros(batch, 1), labels)
        self.layers = [model.first, *model.blocks]
        size = self.size
        # vertical-stack inputs: the image, then each layer's v output; (B, C_in, pad + H, pad + W + pad)
        self.vertical_in = [
            torch.zeros(batch, layer.vertical.in_channels, size + layer.pad, size + 2 * layer.pad)
            for layer in self.layers
        ]
        # horizontal-stack inputs of the current row: the image row, then each layer's h output
        self.horizontal_in = [
            torch.zeros(batch, layer.horizontal.in_channels, size + 2 * layer.pad) for layer in self.layers
        ]
        self.biases = [layer.class_bias(labels) for layer in self.layers]  # (to vertical, to horizontal)
        self.from_above: list[torch.Tensor] = []  # per layer: (B, 2n, W), what row i's gates get from above
        self.row = -1

    @torch.no_grad()
    def start_row(self, i: int) -> None:
        """Vertical stacks at row i − 1 (every pixel of it is set), layer by layer; call before row i."""
        self.from_above, size = [], self.size
        for index, (layer, (to_vertical, to_horizontal)) in enumerate(
            zip(self.layers, self.biases, strict=True)
        ):
            if i == 0:  # nothing above the first row: the down-shifted stack is zero padding
                above = torch.zeros(len(self.vertical_in[0]), layer.vertical.out_channels, 1, size)
            else:  # rows i−1−pad … i−1 of the layer's input → row i − 1 of its vertical pre-activation
                band = self.vertical_in[index][:, :, i - 1 : i + layer.pad]
                above = (
                    F.conv2d(band, layer.vertical.weight, layer.vertical.bias) + to_vertical
                )  # (B, 2n, 1, W)
                if index + 1 < len(self.layers):
                    pad = self.layers[index + 1].pad
                    self.vertical_in[index + 1][:, :, i - 1 + pad, pad : pad + size] = _gate_rows(above)[
                        :, :, 0
                    ]
            self.from_above.append(
                (layer.vertical_to_horizontal(above) + to_horizontal)[:, :, 0]
            )  # (B, 2n, W)
        for row in self.horizontal_in[1:]:
            row.zero_()
        self.row = i

    @torch.no_grad()
    def logits_at(self, i: int, j: int) -> torch.Tensor:
        if i != self.row:
            raise ValueError(f"call start_row({i}) before the positions of row {i}")
        model = self.model
        for index, layer in enumerate(self.layers):
            source = self.horizontal_in[index]  # (B, C_in, pad + W + pad)
            conv = layer.horizontal
            patch = source[:, :, j : j + conv.kernel_size[1]]  # columns j − pad … j + pad (masked to ≤ j)
            pre = torch.einsum("bcw,ocw->bo", patch, (conv.weight * conv.mask)[:, :, 0]) + conv.bias
            out = _gate_rows(pre + self.from_above[index][:, :, j])  # (B, n)
            if layer.residual is not None:
                out = source[:, :, j + layer.pad] + CachedPixelCNN._pointwise(layer.residual, out)
            if index + 1 < len(self.layers):
                self.horizontal_in[index + 1][:, :, j + self.layers[index + 1].pad] = out
        _, hidden, _, last = model.head
        logits = CachedPixelCNN._pointwise(
            last, torch.relu(CachedPixelCNN._pointwise(hidden, torch.relu(out)))
        )
        if model.per_colour == 1:
            return logits  # (B, C)
        return logits.view(len(logits), model.config.colours, model.per_colour).transpose(1, 2)

    def set_pixel(self, i: int, j: int, ch: int, value: torch.Tensor) -> None:
        pad = self.layers[0].pad
        self.vertical_in[0][:, ch, i + pad, j + pad] = value
        self.horizontal_in[0][:, ch, j + pad] = value


def _gate_rows(x: torch.Tensor) -> torch.Tensor:
    a, b = x.chunk(2, dim=1)
    return torch.tanh(a) * torch.sigmoid(b)


@torch.no_grad()
def sample_fast(
    model: PixelCNN | GatedPixelCNN, n: int, seed: int = 0, start: torch.Tensor | None = None,
    from_row: int = 0, labels: torch.Tensor | None = None,
) -> torch.Tensor:  # fmt: skip
    """Same samples as :func:`sample_naive` for the same seed, through :class:`CachedPixelCNN` or
    :class:`CachedGatedPixelCNN`; ``labels`` (n,) for a class-conditional gated PixelCNN.

    Taught in notebooks/03_pixelrnn.ipynb §8 Sampling.
    """
    config = model.config
    size, c, levels = config.image_size, config.colours, config.levels
    if start is not None:
        model.check_input(start)
    if isinstance(model, GatedPixelCNN):
        cached = CachedGatedPixelCNN(model, n, labels)
    else:
        model.check_labels(torch.zeros(n, 1), labels)
        cached = CachedPixelCNN(model, n)
    out = torch.zeros(n, c, size, size)
    if start is not None:
        out[:, :, :from_row] = start[:, :, :from_row] * (1 if levels == 2 else 255.0)
        # Known rows still have to pass through the caches, in raster order.
    u = _uniforms(n, size * size * c, seed)
    step = 0
    for i in range(size):
        if hasattr(cached, "start_row"):
            cached.start_row(i)
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
    Taught in notebooks/03_pixelrnn.ipynb §8.1 Completions.
    """
    config = model.config
    model.check_input(images)
    if not 0 <= keep_rows < config.image_size:
        raise ValueError(f"keep_rows must be in [0, {config.image_size}), got {keep_rows}")
    start = images.repeat_interleave(n, 0)
    sampler = sample_fast if isinstance(model, PixelCNN | GatedPixelCNN) else sample_naive
    out = sampler(model, len(start), seed=seed, start=start, from_row=keep_rows)
    return out.view(len(images), n, *out.shape[1:])
