"""InfoGAN's widgets: the distribution explorer (§3) and the latent-code explorer (§7.4).

Taught in notebooks/01_infogan.ipynb §3 Information theory and §8.5 Explore the codes.
"""

from __future__ import annotations

import time

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch

from ..widgets import show_figure
from . import experiments
from .infotheory import cross_entropy, entropy, kl_divergence
from .model import DiscriminatorQ, Generator

__all__ = [
    "discretized_gaussian",
    "distribution_explorer",
    "latent_explorer",
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

    def show(
        p_center: float = 3.0, p_spread: float = 1.5, q_center: float = 6.0, q_spread: float = 2.0
    ) -> dict[str, float]:
        p = discretized_gaussian(p_center, p_spread)
        q = discretized_gaussian(q_center, q_spread)
        values = {"H": entropy(p), "CE": cross_entropy(p, q), "KL": kl_divergence(p, q)}
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.bar(np.arange(10) - 0.2, p, width=0.4, label="p")
        ax.bar(np.arange(10) + 0.2, q, width=0.4, label="q")
        ax.set_title("H(p) = {H:.3f}   H(p, q) = {CE:.3f}   KL(p‖q) = {KL:.3f}  nats".format(**values))
        ax.set_xticks(range(10)), ax.legend()
        show_figure(fig)
        return values

    def slider(value: float, low: float, high: float, label: str) -> W.FloatSlider:
        return W.FloatSlider(value=value, min=low, max=high, step=0.1, description=label)

    return W.interactive(
        show,
        p_center=slider(3.0, 0, 9, "p centre"),
        p_spread=slider(1.5, 0.3, 5, "p spread"),
        q_center=slider(6.0, 0, 9, "q centre"),
        q_spread=slider(2.0, 0.3, 5, "q spread"),
    )


def latent_explorer(
    G: Generator, DQ: DiscriminatorQ, digit_of_category: np.ndarray | None = None
) -> W.interactive:
    """Move InfoGAN's codes and watch G(z, c): c1 selector, c2/c3 sliders (−2…2), z seed.

    ``w.result`` is ``{"image": (1, 1, 28, 28), "q_c1": Q's argmax category, "ms": redraw time}``.
    ``digit_of_category`` (from :func:`dmlib.infogan.experiments.match_clusters`) labels the categories.
    Taught in notebooks/01_infogan.ipynb §8.5 Explore the codes.
    """
    if not isinstance(G, Generator) or not isinstance(DQ, DiscriminatorQ):
        raise ValueError("G and DQ must be the InfoGAN Generator and DiscriminatorQ")
    k = G.config.n_categories
    names = [
        f"{c} (digit {digit_of_category[c]})" if digit_of_category is not None else str(c) for c in range(k)
    ]

    def show(c1: int = 0, c2: float = 0.0, c3: float = 0.0, z_seed: int = 0) -> dict:
        start = time.perf_counter()
        z = experiments.fixed_noise(1, G.config, seed=z_seed)
        image = experiments.generate(G, torch.tensor([c1]), torch.tensor([[c2, c3]]), z)
        q_c1 = int(experiments.predict_c1(DQ, image)[0])
        fig, ax = plt.subplots(figsize=(2.2, 2.2))
        ax.imshow(image[0, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"Q reads c1 = {q_c1}", fontsize=9)
        ax.axis("off")
        show_figure(fig)
        return {"image": image, "q_c1": q_c1, "ms": 1000 * (time.perf_counter() - start)}

    def slider(label: str) -> W.FloatSlider:
        return W.FloatSlider(value=0.0, min=-2, max=2, step=0.25, description=label, continuous_update=False)

    return W.interactive(
        show,
        c1=W.Dropdown(options=list(zip(names, range(k), strict=True)), value=0, description="c1"),
        c2=slider("c2"),
        c3=slider("c3"),
        z_seed=W.IntSlider(value=0, min=0, max=99, description="z seed", continuous_update=False),
    )
