"""Modality hallucination's widget: a test scene, its depth, and the RGB, D and H nets' pool5 maps.

Taught in notebooks/04_modality_hallucination.ipynb §8 Are H's features depth-like?
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import torch
from torch import nn

from ..widgets import show_figure
from .model import check_inputs
from .scenes import CLASSES

__all__ = [
    "scene_explorer",
]


def scene_explorer(models: dict[str, nn.Module], scenes: dict[str, torch.Tensor]) -> W.interactive:
    """Pick a test scene → RGB, depth, the pool5 maps of the RGB, D and H nets, and each prediction.

    ``models`` are the networks of ``load_pretrained("hallucination_seed0")``; ``scenes`` the
    :func:`~dmlib.hallucination.model.load_scenes` dict. ``w.result`` maps each net to its predicted class
    name. Taught in notebooks/04_modality_hallucination.ipynb §8 Are H's features depth-like?
    """

    if not {"joint_rgb", "joint_depth", "joint_h"} <= set(models):
        raise ValueError("models must hold the stage-2 networks joint_rgb, joint_depth and joint_h")
    if len(scenes["rgb"]) == 0:
        raise ValueError("scenes must hold at least one scene")
    check_inputs(scenes["rgb"], scenes["depth"])

    def show(scene: int = 0) -> dict[str, str]:
        rgb, depth3 = scenes["rgb"][scene : scene + 1], scenes["depth3"][scene : scene + 1]
        with torch.no_grad():
            feats = {
                "RGB net": models["joint_rgb"].features(rgb),
                "D net": models["joint_depth"].features(depth3),
                "H net": models["joint_h"].features(rgb),
            }
        names = {net: CLASSES[int(f["scores"].argmax())] for net, f in feats.items()}
        fused = (feats["RGB net"]["scores"] + feats["H net"]["scores"]) / 2
        names["RGB + H"] = CLASSES[int(fused.argmax())]
        fig, axes = plt.subplots(1, 5, figsize=(11, 2.5))
        axes[0].imshow(rgb[0].permute(1, 2, 0).numpy())
        axes[0].set_title(f"RGB (truth: {CLASSES[int(scenes['label'][scene])]})", fontsize=8)
        axes[1].imshow(scenes["depth"][scene, 0].numpy(), cmap="viridis_r")
        axes[1].set_title("depth", fontsize=8)
        for ax, (net, f) in zip(axes[2:], feats.items(), strict=True):
            ax.imshow(torch.sigmoid(f["pool5"][0]).mean(0).numpy(), cmap="magma", vmin=0.5, vmax=0.8)
            ax.set_title(f"{net} pool5 → {names[net]}", fontsize=8)
        for ax in axes:
            ax.axis("off")
        fig.suptitle(f"RGB + H predicts: {names['RGB + H']}", fontsize=9)
        show_figure(fig)
        return names

    return W.interactive(
        show,
        scene=W.IntSlider(
            value=0, min=0, max=len(scenes["rgb"]) - 1, description="test scene", continuous_update=False
        ),
    )
