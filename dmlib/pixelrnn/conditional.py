"""Class-conditional generation (the gated PixelCNN paper's title): does the sample show the class asked for?

Taught in notebooks/03_pixelrnn.ipynb §10 (conditional gated PixelCNN).

A conditional model p(x | y) is judged two ways: its test NLL beside the unconditional model's (the
label is information: −log p(x | y) should be lower than −log p(x) by up to log 10 ≈ 2.30 nats), and
the *class purity* of its samples — the share of samples drawn for class y that an independent digit
classifier labels y. The classifier is a small CNN trained on binarized MNIST for this check only
(:func:`train_classifier`); it ships inside the conditional checkpoint so the notebook can re-check
fresh samples.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..data import load_mnist
from .sampling import sample_fast

__all__ = [
    "DigitClassifier", "class_purity", "classifier_accuracy", "despeckle", "isolated_pixels", "speckled",
    "train_classifier",
]  # fmt: skip


class DigitClassifier(nn.Module):
    """Two 3×3 conv + pool stages and a linear layer: (B, 1, 28, 28) binary digits → (B, 10) logits."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 16, 14, 14)
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 32, 7, 7)
        )  # fmt: skip
        self.out = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(x).flatten(1))


def train_classifier(seed: int = 0, epochs: int = 2, batch: int = 128) -> DigitClassifier:
    """The checker: trained on the 60k training digits, each batch binarized afresh (like the samples)."""
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    images, labels = load_mnist("train")
    grey = images.float().unsqueeze(1) / 255.0  # (60000, 1, 28, 28)
    classifier = DigitClassifier()
    optimiser = torch.optim.Adam(classifier.parameters(), lr=1e-3)
    for _ in range(epochs):
        for index in torch.randperm(len(grey), generator=generator).split(batch):
            bits = (torch.rand(grey[index].shape, generator=generator) < grey[index]).float()
            loss = F.cross_entropy(classifier(bits), labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return classifier.eval()


@torch.no_grad()
def classifier_accuracy(classifier: nn.Module, x: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of binary digits ``x`` (B, 1, 28, 28) that ``classifier`` labels correctly."""
    return (classifier(x).argmax(1) == labels).float().mean().item()


@torch.no_grad()
def class_purity(
    model: nn.Module, classifier: nn.Module, per_class: int, seed: int = 0
) -> tuple[float, torch.Tensor, torch.Tensor]:
    """Draw ``per_class`` samples of each of the model's classes (cached sampler) and classify them.

    Returns (purity, samples (10·per_class, 1, 28, 28), the classifier's labels); purity is the share
    of samples whose predicted class is the one they were drawn for.
    """
    classes = model.config.classes
    if not classes:
        raise ValueError("class purity needs a class-conditional model (config.classes > 0)")
    if per_class < 1:
        raise ValueError(f"per_class must be ≥ 1, got {per_class}")
    wanted = torch.arange(classes).repeat_interleave(per_class)  # 0,0,…,1,1,…
    samples = sample_fast(model, len(wanted), seed=seed, labels=wanted)
    predicted = classifier(samples).argmax(1)
    return (predicted == wanted).float().mean().item(), samples, predicted


# Is a low purity the checker's fault? Samples can carry stray pixels that real digits rarely have; these
# three tools test whether the checker is thrown by them (notebooks/03_pixelrnn.ipynb 부록 D).


def _on_neighbours(x: torch.Tensor) -> torch.Tensor:
    """(B, 1, H, W) binary → the number of 'on' pixels among each pixel's 8 neighbours."""
    return F.conv2d(x, torch.ones(1, 1, 3, 3, dtype=x.dtype), padding=1) - x


def isolated_pixels(x: torch.Tensor) -> torch.Tensor:
    """Per image, the 'on' pixels none of whose 8 neighbours is on: (B, 1, H, W) binary → (B,)."""
    return ((x > 0) & (_on_neighbours(x) == 0)).sum((1, 2, 3))


def despeckle(x: torch.Tensor) -> torch.Tensor:
    """The same images with every isolated 'on' pixel turned off."""
    return x * (_on_neighbours(x) > 0)


def speckled(x: torch.Tensor, per_image: int, seed: int = 0) -> torch.Tensor:
    """The same images with ``per_image`` pixels (uniform positions, with repeats) turned on."""
    generator = torch.Generator().manual_seed(seed)
    flat = x.reshape(len(x), -1).clone()
    flat.scatter_(1, torch.randint(flat.shape[1], (len(x), per_image), generator=generator), 1.0)
    return flat.view_as(x)
