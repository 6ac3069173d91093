"""Digit-detection canvases: real MNIST digits pasted at varied scales and aspect ratios.

Taught in notebooks/02_yolo9000.ipynb §7 Detections. VOC images are not shipped, so the course's
detector learns on a dataset built here, deterministically, from the shipped MNIST files:

- each canvas is ``size``×``size`` (default 160, a 5×5 grid — odd, like 416's 13×13), black, with
  2–5 digits that do not touch (a digit that finds no free space in 20 tries is skipped);
- each digit is cropped to its ink, scaled to a height of 16–72 px and stretched in width by a
  factor e^u, u ~ U(−0.6, 0.6), so box shapes range from thin "1"s to wide squashed digits and anchor
  shapes matter;
- the box is the pasted digit's ink extent (tight); the label is the digit;
- canvas ``i`` of a split depends only on (split, seed, i); training canvases use MNIST-train
  digits, test canvases MNIST-test digits.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from ..data import load_mnist

__all__ = ["CANVAS_SIZE", "digit_canvases", "ink_crops", "paste_canvases"]

CANVAS_SIZE = 160
MIN_DIGITS, MAX_DIGITS = 2, 5
MIN_HEIGHT, MAX_HEIGHT = 16, 72
STRETCH = 0.6  # log of the largest width stretch
GAP = 2  # pixels kept free between digits


def ink_crops(images: torch.Tensor) -> list[torch.Tensor]:
    """Each uint8 image (N, H, W) cropped to the rows and columns that hold ink, as floats in [0, 1]."""
    ink = images > 0  # (N, H, W)
    first_row, last_row = _ink_span(ink.any(2))  # (N,) each
    first_col, last_col = _ink_span(ink.any(1))
    bounds = torch.stack([first_row, last_row + 1, first_col, last_col + 1], 1).tolist()
    return [image[y1:y2, x1:x2].float() / 255 for image, (y1, y2, x1, x2) in zip(images, bounds, strict=True)]


def _ink_span(has_ink: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """First and last index holding ink along each row of ``has_ink`` (N, L)."""
    position = torch.arange(has_ink.shape[1])
    last = torch.where(has_ink, position, -1).amax(1)
    if (last < 0).any():
        raise ValueError(f"image {int((last < 0).nonzero()[0])} holds no ink: nothing to crop")
    return torch.where(has_ink, position, has_ink.shape[1]).amin(1), last


@lru_cache(maxsize=2)
def _digits(split: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    images, labels = load_mnist(split)
    return ink_crops(images), labels


def _overlaps(box: tuple[int, int, int, int], placed: list[tuple[int, int, int, int]]) -> bool:
    x1, y1, x2, y2 = box
    return any(x1 < b[2] + GAP and b[0] < x2 + GAP and y1 < b[3] + GAP and b[1] < y2 + GAP for b in placed)


def _canvas(
    crops: list[torch.Tensor],
    labels: torch.Tensor,
    rng: np.random.Generator,
    size: int,
    counts: tuple[int, int] = (MIN_DIGITS, MAX_DIGITS),
) -> tuple[torch.Tensor, torch.Tensor]:
    canvas = torch.zeros(size, size)
    placed, targets = [], []
    for _ in range(int(rng.integers(counts[0], counts[1] + 1))):
        index = int(rng.integers(len(crops)))
        crop = crops[index]
        height = int(rng.integers(MIN_HEIGHT, MAX_HEIGHT + 1)) * size // CANVAS_SIZE
        width = round(crop.shape[1] * height / crop.shape[0] * float(np.exp(rng.uniform(-STRETCH, STRETCH))))
        width = int(np.clip(width, 2, size - 1))
        for _ in range(20):  # a few tries to find free space; skip the digit otherwise
            x1, y1 = int(rng.integers(0, size - width + 1)), int(rng.integers(0, size - height + 1))
            if not _overlaps((x1, y1, x1 + width, y1 + height), placed):
                break
        else:
            continue
        patch = F.interpolate(crop[None, None], size=(height, width), mode="bilinear", antialias=True)[0, 0]
        canvas[y1 : y1 + height, x1 : x1 + width] = patch
        placed.append((x1, y1, x1 + width, y1 + height))
        cx, cy = (x1 + width / 2) / size, (y1 + height / 2) / size
        targets.append([float(labels[index]), cx, cy, width / size, height / size])
    return canvas, torch.tensor(targets).reshape(-1, 5)


def paste_canvases(
    crops: list[torch.Tensor],
    labels: torch.Tensor,
    indices: Iterable[int],
    seed: int,
    split_key: int,
    size: int = CANVAS_SIZE,
    counts: tuple[int, int] = (2, 5),
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Canvases built from any pool of ink crops and labels (see :func:`digit_canvases`)."""
    images, targets = [], []
    for i in indices:
        rng = np.random.default_rng([seed, split_key, int(i)])
        image, target = _canvas(crops, labels, rng, size, counts)
        images.append(image)
        targets.append(target)
    return torch.stack(images)[:, None], targets


def digit_canvases(
    split: str, indices: Iterable[int], seed: int = 0, size: int = CANVAS_SIZE
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Canvases ``indices`` of a split: images (N, 1, size, size) in [0, 1] and targets.

    ``targets[i]`` is (n, 5) = (digit, cx, cy, w, h), normalised by the canvas size.
    Taught in notebooks/02_yolo9000.ipynb §0 Setup.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if size < 64:
        raise ValueError(f"size must be at least 64 pixels, got {size}")
    indices = [int(i) for i in indices]
    if any(i < 0 for i in indices):
        raise ValueError("indices must be non-negative")
    crops, labels = _digits(split)
    return paste_canvases(crops, labels, indices, seed, 0 if split == "train" else 1, size)
