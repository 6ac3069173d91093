"""PixelRNN's widgets: masks (§3), receptive fields of trained models (§6.1), completions (§8.1), and
class-conditional samples (§10.3.1).

Taught in notebooks/03_pixelrnn.ipynb.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ..widgets import int_slider, show_figure
from . import receptive, sampling
from .masks import causal_mask

__all__ = [
    "class_sampler",
    "completion_sampler",
    "mask_viewer",
    "receptive_field_explorer",
]


def mask_viewer() -> W.interactive:
    """Mask A or B for a kernel size, and for RGB the 3 × 3 grid of (output, input) colour groups.

    ``w.result`` is the mask (out, in, k, k). Taught in notebooks/03_pixelrnn.ipynb §3 Masks.
    """

    def show(kernel: int = 5, mask_type: str = "A", colour: bool = True) -> torch.Tensor:
        groups = torch.arange(3) if colour else torch.zeros(1, dtype=torch.long)
        mask = causal_mask((kernel, kernel), groups, groups, mask_type)
        n = len(groups)
        fig, axes = plt.subplots(n, n, figsize=(1.4 * n + 0.4, 1.4 * n + 0.4), squeeze=False)
        names = "RGB" if colour else "x"
        for o in range(n):
            for i in range(n):
                axes[o, i].imshow(mask[o, i].numpy(), cmap="Greens", vmin=0, vmax=1.3)
                axes[o, i].set_xticks([]), axes[o, i].set_yticks([])
                axes[o, i].set_title(f"{names[i]} → {names[o]}", fontsize=8)
        fig.suptitle(f"mask {mask_type}, {kernel}×{kernel}", fontsize=9)
        show_figure(fig)
        return mask

    return W.interactive(
        show,
        kernel=W.Dropdown(options=[1, 3, 5, 7], value=5, description="kernel"),
        mask_type=W.ToggleButtons(options=["A", "B"], description="mask"),
        colour=W.Checkbox(value=True, description="RGB groups"),
    )


def receptive_field_explorer(models: dict[str, nn.Module]) -> W.interactive:
    """Pick a model and a pixel → the inputs its prediction depends on (gradient magnitude).

    ``models`` maps names to PixelRNN-family models; ``w.result`` is the (C, H, W) field.
    Taught in notebooks/03_pixelrnn.ipynb §6.1 Receptive fields of the four trained models.
    """

    if not models:
        raise ValueError("models must name at least one model")
    first = next(iter(models))
    size = models[first].config.image_size

    def show(model: str = first, row: int = size // 2, col: int = size // 2) -> torch.Tensor:
        field = receptive.dependency_field(models[model], (row, col))
        fig, ax = plt.subplots(figsize=(3, 3))
        ax.imshow(np.log10(field.sum(0).numpy() + 1e-12), cmap="viridis", vmin=-8)
        ax.plot(col, row, "rs", markersize=4)
        ax.set_title(f"{model}: {int((field.sum(0) != 0).sum())} inputs", fontsize=9)
        ax.axis("off")
        show_figure(fig)
        return field

    return W.interactive(
        show,
        model=W.Dropdown(options=list(models), description="model"),
        row=W.IntSlider(value=size // 2, min=0, max=size - 1, description="row", continuous_update=False),
        col=W.IntSlider(value=size // 2, min=0, max=size - 1, description="col", continuous_update=False),
    )


def completion_sampler(model: nn.Module, images: torch.Tensor) -> W.interactive:
    """Occlude the bottom of a test digit and let the model fill it in, n times.

    ``w.result`` is the (n, C, H, W) completions. Taught in notebooks/03_pixelrnn.ipynb §8.1.
    """

    size = model.config.image_size

    def show(image: int = 0, keep_rows: int = 14, samples: int = 4, seed: int = 0) -> torch.Tensor:
        out = sampling.complete(model, images[image : image + 1], keep_rows, samples, seed=seed)[0]
        fig, axes = plt.subplots(1, samples + 1, figsize=(1.3 * (samples + 1), 1.5))
        axes[0].imshow(images[image, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[0].axhline(keep_rows - 0.5, color="r")
        axes[0].set_title("original", fontsize=8)
        for ax, completion in zip(axes[1:], out, strict=True):
            ax.imshow(completion[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        for ax in axes:
            ax.axis("off")
        show_figure(fig)
        return out

    return W.interactive(
        show,
        image=int_slider(0, 0, len(images) - 1, "test digit"),
        keep_rows=int_slider(14, 1, size - 1, "keep rows"),
        samples=int_slider(4, 1, 8, "samples"),
        seed=int_slider(0, 0, 99, "seed"),
    )


def class_sampler(model: nn.Module, classifier: nn.Module) -> W.interactive:
    """Pick a digit class and a seed → fresh samples of a class-conditional gated PixelCNN, each titled
    with the label ``classifier`` gives it (red when it is not the class asked for).

    ``w.result`` is the (n, 1, H, W) samples.
    Taught in notebooks/03_pixelrnn.ipynb §10 (부록 D.4 Pick a digit).
    """
    classes = model.config.classes
    if not classes:
        raise ValueError("class_sampler needs a class-conditional model (config.classes > 0)")

    def show(digit: int = 0, samples: int = 6, seed: int = 0) -> torch.Tensor:
        wanted = torch.full((samples,), digit)
        out = sampling.sample_fast(model, samples, seed=seed, labels=wanted)  # (n, 1, H, W) — y = digit
        with torch.no_grad():
            read = classifier(out).argmax(1)
        fig, axes = plt.subplots(1, samples, figsize=(1.0 * samples, 1.25), squeeze=False)
        for ax, image, label in zip(axes[0], out, read.tolist(), strict=True):
            ax.imshow(image[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"read {label}", fontsize=8, color="black" if label == digit else "red")
            ax.axis("off")
        fig.suptitle(f"p(x | y = {digit}), seed {seed}", fontsize=9)
        show_figure(fig)
        return out

    return W.interactive(
        show,
        digit=int_slider(0, 0, classes - 1, "digit"),
        samples=int_slider(6, 1, 10, "samples"),
        seed=int_slider(0, 0, 99, "seed"),
    )
