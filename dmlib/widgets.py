"""ipywidgets builders for the notebooks, testable without a browser.

Each builder returns an ``ipywidgets.interactive``: its sliders are ``w.children[:-1]`` and the
callback's return value is ``w.result``, so pytest can move a slider and assert on the result.
Taught in notebooks/01_infogan.ipynb §3 (distribution explorer) and §7.4 (latent explorer).
"""

from __future__ import annotations

import time

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch

from . import infogan
from .infotheory import cross_entropy, entropy, kl_divergence

__all__ = [
    "completion_sampler",
    "discretized_gaussian",
    "distribution_explorer",
    "latent_explorer",
    "mask_viewer",
    "receptive_field_explorer",
]


def discretized_gaussian(center: float, spread: float, k: int = 10) -> np.ndarray:
    """A distribution over k outcomes shaped like a Gaussian bump at ``center`` (§3 widget).

    Taught in notebooks/01_infogan.ipynb §2 GAN and §3 Information theory.
    """
    if spread <= 0:
        raise ValueError(f"spread must be > 0, got {spread}")
    weights = np.exp(-0.5 * ((np.arange(k) - center) / spread) ** 2) + 1e-3
    return weights / weights.sum()


def distribution_explorer() -> W.interactive:
    """Two distributions p, q over 10 outcomes; bars plus H(p), H(p, q) and KL(p ‖ q).

    ``w.result`` is ``{"H": ..., "CE": ..., "KL": ...}`` in nats.
    Taught in notebooks/01_infogan.ipynb §3 Information theory.
    """

    def show(p_center=3.0, p_spread=1.5, q_center=6.0, q_spread=2.0):
        p = discretized_gaussian(p_center, p_spread)
        q = discretized_gaussian(q_center, q_spread)
        values = {"H": entropy(p), "CE": cross_entropy(p, q), "KL": kl_divergence(p, q)}
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.bar(np.arange(10) - 0.2, p, width=0.4, label="p")
        ax.bar(np.arange(10) + 0.2, q, width=0.4, label="q")
        ax.set_title("H(p) = {H:.3f}   H(p, q) = {CE:.3f}   KL(p‖q) = {KL:.3f}  nats".format(**values))
        ax.set_xticks(range(10)), ax.legend()
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return values

    def slider(value, low, high, label):
        return W.FloatSlider(value=value, min=low, max=high, step=0.1, description=label)

    return W.interactive(
        show,
        p_center=slider(3.0, 0, 9, "p centre"),
        p_spread=slider(1.5, 0.3, 5, "p spread"),
        q_center=slider(6.0, 0, 9, "q centre"),
        q_spread=slider(2.0, 0.3, 5, "q spread"),
    )


def latent_explorer(
    G: infogan.Generator, DQ: infogan.DiscriminatorQ, digit_of_category: np.ndarray | None = None
) -> W.interactive:
    """Move InfoGAN's codes and watch G(z, c): c1 selector, c2/c3 sliders (−2…2), z seed.

    ``w.result`` is ``{"image": (1, 1, 28, 28), "q_c1": Q's argmax category, "ms": redraw time}``.
    ``digit_of_category`` (from :func:`dmlib.infogan.match_clusters`) labels the categories.
    Taught in notebooks/01_infogan.ipynb §7.4 Explore the codes.
    """
    if not isinstance(G, infogan.Generator) or not isinstance(DQ, infogan.DiscriminatorQ):
        raise ValueError("G and DQ must be the InfoGAN Generator and DiscriminatorQ")
    k = G.config.n_categories
    names = [
        f"{c} (digit {digit_of_category[c]})" if digit_of_category is not None else str(c) for c in range(k)
    ]

    def show(c1=0, c2=0.0, c3=0.0, z_seed=0):
        start = time.perf_counter()
        z = infogan.fixed_noise(1, G.config, seed=z_seed)
        image = infogan.generate(G, torch.tensor([c1]), torch.tensor([[c2, c3]]), z)
        q_c1 = int(infogan.predict_c1(DQ, image)[0])
        fig, ax = plt.subplots(figsize=(2.2, 2.2))
        ax.imshow(image[0, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"Q reads c1 = {q_c1}", fontsize=9)
        ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return {"image": image, "q_c1": q_c1, "ms": 1000 * (time.perf_counter() - start)}

    def slider(label):
        return W.FloatSlider(value=0.0, min=-2, max=2, step=0.25, description=label, continuous_update=False)

    return W.interactive(
        show,
        c1=W.Dropdown(options=list(zip(names, range(k), strict=True)), value=0, description="c1"),
        c2=slider("c2"),
        c3=slider("c3"),
        z_seed=W.IntSlider(value=0, min=0, max=99, description="z seed", continuous_update=False),
    )


def receptive_field_explorer(models: dict) -> W.interactive:
    """Pick a model and a pixel → the inputs its prediction depends on (gradient magnitude).

    ``models`` maps names to PixelRNN-family models; ``w.result`` is the (C, H, W) field.
    Taught in notebooks/03_pixelrnn.ipynb §6.2 The blind spot and its fix.
    """
    from .pixelrnn import receptive

    if not models:
        raise ValueError("models must name at least one model")
    first = next(iter(models))
    size = models[first].config.image_size

    def show(model=first, row=size // 2, col=size // 2):
        field = receptive.dependency_field(models[model], (row, col))
        fig, ax = plt.subplots(figsize=(3, 3))
        ax.imshow(np.log10(field.sum(0).numpy() + 1e-12), cmap="viridis", vmin=-8)
        ax.plot(col, row, "rs", markersize=4)
        ax.set_title(f"{model}: {int((field.sum(0) != 0).sum())} inputs", fontsize=9)
        ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return field

    return W.interactive(
        show,
        model=W.Dropdown(options=list(models), description="model"),
        row=W.IntSlider(value=size // 2, min=0, max=size - 1, description="row", continuous_update=False),
        col=W.IntSlider(value=size // 2, min=0, max=size - 1, description="col", continuous_update=False),
    )


def completion_sampler(model, images: torch.Tensor) -> W.interactive:
    """Occlude the bottom of a test digit and let the model fill it in, n times.

    ``w.result`` is the (n, C, H, W) completions. Taught in notebooks/03_pixelrnn.ipynb §8.2.
    """
    from .pixelrnn import sampling

    size = model.config.image_size

    def show(image=0, keep_rows=14, samples=4, seed=0):
        out = sampling.complete(model, images[image : image + 1], keep_rows, samples, seed=seed)[0]
        fig, axes = plt.subplots(1, samples + 1, figsize=(1.3 * (samples + 1), 1.5))
        axes[0].imshow(images[image, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[0].axhline(keep_rows - 0.5, color="r")
        axes[0].set_title("original", fontsize=8)
        for ax, completion in zip(axes[1:], out, strict=True):
            ax.imshow(completion[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        for ax in axes:
            ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return out

    def int_slider(value, low, high, label):
        return W.IntSlider(value=value, min=low, max=high, description=label, continuous_update=False)

    return W.interactive(
        show,
        image=int_slider(0, 0, len(images) - 1, "test digit"),
        keep_rows=int_slider(14, 1, size - 1, "keep rows"),
        samples=int_slider(4, 1, 8, "samples"),
        seed=int_slider(0, 0, 99, "seed"),
    )


def mask_viewer() -> W.interactive:
    """Mask A or B for a kernel size, and for RGB the 3 × 3 grid of (output, input) colour groups.

    ``w.result`` is the mask (out, in, k, k). Taught in notebooks/03_pixelrnn.ipynb §3 Masks.
    """
    from .pixelrnn.masks import causal_mask

    def show(kernel=5, mask_type="A", colour=True):
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
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return mask

    return W.interactive(
        show,
        kernel=W.Dropdown(options=[1, 3, 5, 7], value=5, description="kernel"),
        mask_type=W.ToggleButtons(options=["A", "B"], description="mask"),
        colour=W.Checkbox(value=True, description="RGB groups"),
    )
