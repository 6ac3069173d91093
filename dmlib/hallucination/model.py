"""The three networks of modality hallucination and the loss that ties H to D (paper §3.1–3.2).

Taught in notebooks/04_modality_hallucination.ipynb §4 The loss and §7.1 What we changed;
the paper and the full recipe are in the package docstring (:mod:`dmlib.hallucination`).
"""

from __future__ import annotations

import torch
from torch import nn

from ..checks import check_choice, check_tensor
from .scenes import CLASSES

__all__ = [
    "LAYERS",
    "DepthGenerator",
    "ModalityNet",
    "check_inputs",
    "hallucination_loss",
    "linear_cka",
]

LAYERS = ("pool2", "pool5", "fc7")  # where the hallucination loss can be attached


def check_inputs(rgb: torch.Tensor | None = None, depth: torch.Tensor | None = None) -> None:
    """Raise ``ValueError`` unless rgb is (N, 3, H, W) in [0, 1] and depth (N, 1, H, W) positive,
    both finite, with the same N, H, W."""
    if rgb is not None:
        if not isinstance(rgb, torch.Tensor) or rgb.dim() != 4 or rgb.shape[1] != 3:
            raise ValueError(f"rgb must be (N, 3, H, W), got {tuple(getattr(rgb, 'shape', ()))}")
        check_tensor(rgb, "rgb", low=0.0, high=1.0)
    if depth is not None:
        if not isinstance(depth, torch.Tensor) or depth.dim() != 4 or depth.shape[1] != 1:
            raise ValueError(f"depth must be (N, 1, H, W), got {tuple(getattr(depth, 'shape', ()))}")
        check_tensor(depth, "depth", low=1e-6)
    if (
        rgb is not None
        and depth is not None
        and (rgb.shape[0], *rgb.shape[2:]) != (depth.shape[0], *depth.shape[2:])
    ):
        raise ValueError(f"rgb {tuple(rgb.shape)} and depth {tuple(depth.shape)} must match in N, H and W")


def _conv(c_in: int, c_out: int, size: int = 3, stride: int = 1) -> list[nn.Module]:
    # Batch norm (not in the paper's AlexNet) lets these small nets learn in a CPU budget.
    return [nn.Conv2d(c_in, c_out, size, stride, size // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]


class ModalityNet(nn.Module):
    """conv1–conv5 with three poolings, then fc6, fc7 and the classifier; 3-channel 64×64 input.

    ``forward`` returns the class scores; :meth:`features` returns every named activation
    (pool2, pool5, fc7 and the scores), which the hallucination loss taps.
    Taught in notebooks/04_modality_hallucination.ipynb §7.1 What we changed.
    """

    def __init__(self, classes: int = len(CLASSES)) -> None:
        super().__init__()
        self.block2 = nn.Sequential(  # conv1 (stride 2) → pool1 → conv2 → pool2: (B, 32, 8, 8)
            *_conv(3, 16, 5, stride=2), nn.MaxPool2d(2), *_conv(16, 32), nn.MaxPool2d(2)
        )
        self.block5 = nn.Sequential(  # conv3 → conv4 → conv5 → pool5: (B, 48, 4, 4)
            *_conv(32, 64), *_conv(64, 64), *_conv(64, 48), nn.MaxPool2d(2)
        )
        self.fc67 = nn.Sequential(  # fc6 → fc7: (B, 128)
            nn.Flatten(),
            nn.Linear(48 * 16, 128),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(128, 128),
            nn.ReLU(),
            nn.Dropout(0.3),
        )
        self.classifier = nn.Linear(128, classes)
        self.to(memory_format=torch.channels_last)  # oneDNN's convolutions run ~1.4× faster on CPU in NHWC

    def blocks(self) -> dict[str, nn.Module]:
        """The network in order, keyed by the activation each block outputs."""
        return {"pool2": self.block2, "pool5": self.block5, "fc7": self.fc67, "scores": self.classifier}

    def features(self, x: torch.Tensor, after: str | None = None) -> dict[str, torch.Tensor]:
        """Every named activation: pool2 (B, 32, 8, 8), pool5 (B, 48, 4, 4) — A^l of the hallucination
        loss at l = pool5 —, fc7 (B, 128) and the scores.

        With ``after`` = a layer name, ``x`` is that layer's activation and only the blocks above it run.
        """
        blocks = list(self.blocks().items())
        activations, start = {}, 0
        if after is not None:
            check_choice(after, "after", LAYERS)
            activations, start = {after: x}, list(self.blocks()).index(after) + 1
        for name, block in blocks[start:]:
            x = activations[name] = block(x)
        return activations

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)["scores"]

    def layers_up_to(self, layer: str) -> list[nn.Module]:
        """The modules whose outputs feed ``layer`` (frozen in D during stage 2)."""
        check_choice(layer, "layer", LAYERS)
        return list(self.blocks().values())[: list(self.blocks()).index(layer) + 1]


class DepthGenerator(nn.Module):
    """The "generate the missing modality" baseline: RGB (B, 3, 64, 64) → depth encoding (B, 3, 64, 64).

    A small encoder–decoder trained with an L1 loss.
    """

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=2, dilation=2),
            nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(16, 3, 4, stride=2, padding=1),
        )
        self.to(memory_format=torch.channels_last)  # as in ModalityNet: faster convolutions on CPU

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.net(rgb)


def hallucination_loss(depth_activation: torch.Tensor, hallucinated: torch.Tensor) -> torch.Tensor:
    """‖σ(A_D) − σ(A_H)‖² per example, averaged over the batch; the depth side is a fixed target.

    Taught in notebooks/04_modality_hallucination.ipynb §4 The loss.
    """
    check_tensor(depth_activation, "depth_activation")
    check_tensor(hallucinated, "hallucinated")
    if depth_activation.shape != hallucinated.shape:
        raise ValueError(
            f"activations differ in shape: {tuple(depth_activation.shape)} vs {tuple(hallucinated.shape)}"
        )
    difference = torch.sigmoid(depth_activation.detach()) - torch.sigmoid(hallucinated)
    return difference.flatten(1).square().sum(1).mean()


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear centred kernel alignment of two activation sets (N, ...) — 1 means the same geometry.

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises (Exercise 7); measured in §8.2.
    """
    check_tensor(x, "x")
    check_tensor(y, "y")
    x, y = x.flatten(1).double(), y.flatten(1).double()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("x and y need the same number (≥ 2) of examples")
    x, y = x - x.mean(0), y - y.mean(0)
    cross = (y.T @ x).norm() ** 2
    return float(cross / ((x.T @ x).norm() * (y.T @ y).norm()))
