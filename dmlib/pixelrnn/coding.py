"""NLL is a code length: an exact integer arithmetic coder driven by a PixelCNN's conditionals.

Taught in notebooks/03_pixelrnn.ipynb §9 Compression.

Shannon: a symbol of probability p costs −log₂ p bits with an ideal code, so a model's NLL in bits
*is* the length of the file it can compress to. The coder below (32-bit integer arithmetic coding,
in the style of Witten, Neal & Cleary 1987) gets within a few bits of that for a whole batch.
Probabilities are quantised to integer frequencies out of 2¹⁶; encoder and decoder compute them
with the same :class:`CachedPixelCNN` steps, so they agree bit for bit.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .models import PixelCNN
from .sampling import CachedPixelCNN

__all__ = ["ArithmeticDecoder", "ArithmeticEncoder", "compress", "decompress"]

_BITS = 32
_FULL = (1 << _BITS) - 1
_HALF = 1 << (_BITS - 1)
_QUARTER = 1 << (_BITS - 2)
TOTAL = 1 << 16


class ArithmeticEncoder:
    """Encodes symbols given as cumulative-frequency intervals ``[low, high)`` out of ``total``."""

    def __init__(self):
        self.low, self.high, self.pending = 0, _FULL, 0
        self.bits: list[int] = []

    def _emit(self, bit: int) -> None:
        self.bits.append(bit)
        self.bits.extend([1 - bit] * self.pending)
        self.pending = 0

    def encode(self, cum_low: int, cum_high: int, total: int) -> None:
        if not 0 <= cum_low < cum_high <= total:
            raise ValueError(f"need 0 <= cum_low < cum_high <= total, got {cum_low}, {cum_high}, {total}")
        span = self.high - self.low + 1
        self.high = self.low + span * cum_high // total - 1
        self.low = self.low + span * cum_low // total
        while True:
            if self.high < _HALF:
                self._emit(0)
            elif self.low >= _HALF:
                self._emit(1)
                self.low, self.high = self.low - _HALF, self.high - _HALF
            elif self.low >= _QUARTER and self.high < 3 * _QUARTER:
                self.pending += 1  # the interval straddles the middle: decide later
                self.low, self.high = self.low - _QUARTER, self.high - _QUARTER
            else:
                break
            self.low, self.high = 2 * self.low, 2 * self.high + 1

    def finish(self) -> list[int]:
        self.pending += 1
        self._emit(0 if self.low < _QUARTER else 1)
        return self.bits


class ArithmeticDecoder:
    """Reads the bits of :class:`ArithmeticEncoder` back, symbol by symbol."""

    def __init__(self, bits: list[int]):
        self.bits, self.position = bits, 0
        self.low, self.high, self.value = 0, _FULL, 0
        for _ in range(_BITS):
            self.value = 2 * self.value + self._next_bit()

    def _next_bit(self) -> int:
        bit = self.bits[self.position] if self.position < len(self.bits) else 0
        self.position += 1
        return bit

    def decode_binary(self, freq0: int, total: int) -> int:
        """Decode one binary symbol whose 0 has frequency ``freq0`` out of ``total``."""
        span = self.high - self.low + 1
        scaled = ((self.value - self.low + 1) * total - 1) // span
        symbol = int(scaled >= freq0)
        cum_low, cum_high = (0, freq0) if symbol == 0 else (freq0, total)
        self.high = self.low + span * cum_high // total - 1
        self.low = self.low + span * cum_low // total
        while True:
            if self.high < _HALF:
                pass
            elif self.low >= _HALF:
                self.low, self.high, self.value = self.low - _HALF, self.high - _HALF, self.value - _HALF
            elif self.low >= _QUARTER and self.high < 3 * _QUARTER:
                self.low, self.high = self.low - _QUARTER, self.high - _QUARTER
                self.value -= _QUARTER
            else:
                break
            self.low, self.high = 2 * self.low, 2 * self.high + 1
            self.value = 2 * self.value + self._next_bit()
        return symbol


def _freq0(logits: torch.Tensor) -> list[int]:
    """Integer frequency of a 0 pixel for each row, from the model's logit for a 1."""
    p1 = torch.sigmoid(logits.double())
    freq1 = torch.clamp(torch.round(p1 * TOTAL), 1, TOTAL - 1).long()
    return (TOTAL - freq1).tolist()


def _check_model(model: nn.Module) -> None:
    if not isinstance(model, PixelCNN) or model.config.levels != 2:
        raise ValueError("model must be a binary PixelCNN (levels=2)")


@torch.no_grad()
def compress(model: PixelCNN, images: torch.Tensor) -> dict:
    """Arithmetic-code binary images (N, 1, H, W) pixel-major (all images' pixel 0, then pixel 1 …).

    Returns ``{"bits": list of 0/1, "ideal_bits": Σ −log₂ p(x), "n": N}``.
    Taught in notebooks/03_pixelrnn.ipynb §9 Compression.
    """
    _check_model(model)
    model.check_input(images)
    size = model.config.image_size
    if images.shape[2:] != (size, size):
        raise ValueError(f"images must be {size}×{size}, got {tuple(images.shape[2:])}")
    cached, encoder, ideal = CachedPixelCNN(model, len(images)), ArithmeticEncoder(), 0.0
    for i in range(size):
        for j in range(size):
            logits = cached.logits_at(i, j)[:, 0]
            pixels = images[:, 0, i, j]
            for freq0, pixel, logit in zip(
                _freq0(logits), pixels.long().tolist(), logits.tolist(), strict=True
            ):
                encoder.encode(0 if pixel == 0 else freq0, freq0 if pixel == 0 else TOTAL, TOTAL)
                p1 = 1 / (1 + math.exp(-logit))
                ideal -= math.log2(p1 if pixel else 1 - p1)
            cached.set_pixel(i, j, 0, pixels)
    return {"bits": encoder.finish(), "ideal_bits": ideal, "n": len(images)}


@torch.no_grad()
def decompress(model: PixelCNN, bits: list[int], n: int) -> torch.Tensor:
    """Decode ``n`` images from :func:`compress`'s bits with the same model.

    Taught in notebooks/03_pixelrnn.ipynb §9 Compression.
    """
    _check_model(model)
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    size = model.config.image_size
    cached, decoder = CachedPixelCNN(model, n), ArithmeticDecoder(bits)
    out = torch.zeros(n, 1, size, size)
    for i in range(size):
        for j in range(size):
            freqs = _freq0(cached.logits_at(i, j)[:, 0])
            pixels = torch.tensor([float(decoder.decode_binary(f, TOTAL)) for f in freqs])
            out[:, 0, i, j] = pixels
            cached.set_pixel(i, j, 0, pixels)
    return out
