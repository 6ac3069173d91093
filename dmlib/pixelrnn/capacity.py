"""Is the PixelCNN's gap to the paper a matter of capacity? (PR-024, the PixelCNN's 89 nats against 81.30)

Our binarized-MNIST PixelCNN has 7 masked layers of 16 channels; the paper's is "a fully convolutional
network of fifteen layers". One short run per architecture, the same schedule shape for all (a cosine
decay over ``CAPACITY_STEPS`` steps, batch 32, dynamic binarization, validation NLL every 500 steps on
the 5000 held-out training digits), answers two questions:

    at equal steps:     does a wider (2×, 4× channels) or deeper (15 layers) net reach a lower NLL?
    at equal CPU time:  does it still, once each step's cost is paid?

``python -m dmlib train pixelcnn_capacity --hidden H --layers L`` trains one arm and adds its row (the
best-validation curve, seconds per step, parameters, full-test NLL of the best model) to
``pixelcnn_capacity.json``. Taught in notebooks/03_pixelrnn.ipynb 부록 (capacity).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch import nn

from ..data import merge_row, read_json, results_path
from ..training import machine_description, training_command
from . import experiments
from .models import PixelRNNConfig

__all__ = ["ARMS", "CAPACITY_RECIPE", "arm_name", "at_seconds", "at_step", "read_capacity", "train_arm"]

CAPACITY_STEPS = 2500
# The recipe every arm shares; an arm only changes the layer count and the channels.
CAPACITY_RECIPE = {
    "model": "pixelcnn", "steps": CAPACITY_STEPS, "dynamic_binarization": True, "validation": 5000,
    "validate_every": 500, "patience": 0, "lr_schedule": "cosine",
}  # fmt: skip
ARMS = {  # arm → (layers, hidden channels); out_hidden stays 32 (the paper's MNIST output maps)
    "7×16": (7, 16),  # the shipped PixelCNN's shape
    "7×32": (7, 32),  # 2× the channels
    "7×64": (7, 64),  # 4× the channels
    "15×16": (15, 16),  # the paper's fifteen layers
}


def arm_name(config: PixelRNNConfig) -> str:
    """``"7×16"`` for 7 layers of 16 channels."""
    return f"{config.layers}×{config.hidden}"


def _parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def train_arm(config: PixelRNNConfig, folder: Path | None = None) -> str:
    """Train one architecture and add its row to ``pixelcnn_capacity.json``; no checkpoint."""
    if config.model != "pixelcnn" or not config.validation or config.classes:
        raise ValueError(
            "the capacity comparison trains the unconditional PixelCNN with a validation split; got "
            f"model={config.model!r}, validation={config.validation}, classes={config.classes}"
        )
    trained = experiments.train(config, folder)
    history = trained.history
    checks = [
        (step + 1, best)
        for step, best in zip(history["step"], history["best_validation_nll_nats"], strict=True)
        if (step + 1) % config.validate_every == 0 or step == config.steps - 1
    ]  # (steps done, best validation NLL so far) at every check
    model = trained.networks["model"]
    test = experiments.load_data(config.data, "test")
    row = {
        "checks": [s for s, _ in checks],
        "best_validation_nll_nats": [round(float(v), 3) for _, v in checks],
        "seconds_per_step": round(trained.wall_time_s / len(history["step"]), 4),
        "parameters": _parameters(model),
        "test_nll_nats": round(experiments.evaluate_nll(model, test), 3),
        "best_step": trained.results["best_step"],
        "wall_time_s": round(trained.wall_time_s, 1),
        "command": training_command(),
        "machine": machine_description(),
        "config": {
            k: getattr(config, k) for k in ("layers", "hidden", "out_hidden", "steps", "bf16", "seed")
        },
    }
    return str(merge_row(results_path("pixelcnn_capacity", folder), (arm_name(config),), row))


def read_capacity(folder: Path | None = None) -> dict[str, dict]:
    """The comparison's rows by arm (``"7×16"``, …): those of :data:`ARMS` in its order, then any other."""
    rows = read_json(
        results_path("pixelcnn_capacity", folder), "python -m dmlib train pixelcnn_capacity --ship"
    )
    return {arm: rows[arm] for arm in [*(a for a in ARMS if a in rows), *(a for a in rows if a not in ARMS)]}


def at_step(row: dict, step: int) -> float:
    """The arm's best validation NLL after ``step`` steps (a check at or before it)."""
    checks = np.asarray(row["checks"])
    if step < checks[0]:
        raise ValueError(f"no validation check by step {step}; the first is at {checks[0]}")
    return float(row["best_validation_nll_nats"][int(np.searchsorted(checks, step, side="right")) - 1])


def at_seconds(row: dict, seconds: float) -> float:
    """The arm's best validation NLL after ``seconds`` of training: the step it reaches by then at its
    measured seconds per step (nan if that is before its first check)."""
    step = int(seconds / row["seconds_per_step"])
    return at_step(row, step) if step >= row["checks"][0] else float("nan")
