"""PR-025 Learning with Side Information through Modality Hallucination (Hoffman, Gupta, Darrell, CVPR 2016).

Taught in notebooks/04_modality_hallucination.ipynb.

Depth helps recognition, but at test time only RGB is available. The paper trains a third network,
the **hallucination network H**, that sees RGB but is taught to produce the *depth* network's
mid-level features:

    L_hall = ‖σ(A_D^l) − σ(A_H^l)‖²₂         at layer l (pool5 in the paper)

and the whole system is trained with

    L = γ L_hall + L_RGB + L_D + L_H + L_RGB+D + L_RGB+H

where each L_* is a softmax classification loss (RGB+D and RGB+H on averaged scores), γ is chosen
so that the hallucination term is about ten times the others, gradients are clipped at 10, and the
depth network is frozen below the hallucination loss (so H chases fixed targets). At test time
the prediction is the average of the RGB and H scores — no depth needed.

The recipe (paper §3.2): **stage 1** trains an RGB net and a depth net separately; **stage 2**
initialises H with the trained depth net's weights (the depth encoding has three channels, like
the paper's HHA images, so every layer fits) and trains RGB, D and H jointly.

Networks here are a five-convolution, three-FC "AlexNet" shrunk for 64×64 inputs; "pool5" is the
output of the last pooling layer (48×4×4). Data: :mod:`dmlib.data.scenes`.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data.scenes import CLASSES, encode_depth, render_scenes
from .training import (
    config_from_sidecar,
    default_device,
    half_precision,
    load_checkpoint,
    progress,
    save_checkpoint,
    seed_everything,
)

__all__ = [
    "HallucinationConfig",
    "LAYERS",
    "ModalityNet",
    "DepthGenerator",
    "check_inputs",
    "evaluate_all",
    "hallucination_loss",
    "linear_cka",
    "load_pretrained",
    "load_scenes",
    "read_results",
    "train",
    "train_and_save",
]

LAYERS = ("pool2", "pool5", "fc7")  # where the hallucination loss can be attached
INITS = ("depth", "rgb", "random")  # what H starts from in stage 2
GENERATOR_EPOCHS = 5  # the depth generator (baseline 2) converges fast; more epochs buy little


@dataclass
class HallucinationConfig:
    """One seed of the full recipe; each field is a flag of ``python -m dmlib train hallucination``.

    Taught in notebooks/04_modality_hallucination.ipynb §6 Training.
    """

    seed: int = 0
    train_scenes: int = 6000
    test_scenes: int = 2000
    batch_size: int = 64
    lr: float = 1e-3
    stage1_epochs: int = 20
    stage2_epochs: int = 4
    hallucination_layer: str = "pool5"
    h_init: str = "depth"
    gamma_ratio: float = 10.0  # γ makes L_hall this many times the classification losses at the start
    ablations: bool = True  # also run stage 2 with the other layers and initialisations

    def __post_init__(self):
        if self.hallucination_layer not in LAYERS:
            raise ValueError(f"hallucination_layer must be one of {LAYERS}, got {self.hallucination_layer!r}")
        if self.h_init not in INITS:
            raise ValueError(f"h_init must be one of {INITS}, got {self.h_init!r}")
        if (
            min(self.train_scenes, self.test_scenes, self.batch_size, self.stage1_epochs, self.stage2_epochs)
            < 1
        ):
            raise ValueError("scene counts, batch_size and epochs must be positive")


def check_inputs(rgb: torch.Tensor | None = None, depth: torch.Tensor | None = None) -> None:
    """Raise ``ValueError`` unless rgb is (N, 3, H, W) and depth (N, 1, H, W), finite, same N, H, W.

    Taught in notebooks/04_modality_hallucination.ipynb §2 RGB-D data.
    """
    if rgb is not None and (not isinstance(rgb, torch.Tensor) or rgb.dim() != 4 or rgb.shape[1] != 3):
        raise ValueError(f"rgb must be (N, 3, H, W), got {tuple(getattr(rgb, 'shape', ()))}")
    if depth is not None:
        if not isinstance(depth, torch.Tensor) or depth.dim() != 4 or depth.shape[1] != 1:
            raise ValueError(f"depth must be (N, 1, H, W), got {tuple(getattr(depth, 'shape', ()))}")
        if not torch.isfinite(depth).all():
            raise ValueError("depth contains NaN or infinite values")
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
    Taught in notebooks/04_modality_hallucination.ipynb §4 The three networks.
    """

    def __init__(self, classes: int = len(CLASSES)):
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

    def features(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        pool2 = self.block2(x)
        pool5 = self.block5(pool2)
        fc7 = self.fc67(pool5)
        return {"pool2": pool2, "pool5": pool5, "fc7": fc7, "scores": self.classifier(fc7)}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)["scores"]

    def layers_up_to(self, layer: str) -> list[nn.Module]:
        """The modules whose outputs feed ``layer`` (frozen in D during stage 2)."""
        order = {
            "pool2": [self.block2],
            "pool5": [self.block2, self.block5],
            "fc7": [self.block2, self.block5, self.fc67],
        }
        return order[layer]


class DepthGenerator(nn.Module):
    """The "generate the missing modality" baseline: RGB (B, 3, 64, 64) → depth encoding (B, 3, 64, 64).

    A small encoder–decoder trained with an L1 loss. Taught in §7 Results.
    """

    def __init__(self):
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

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.net(rgb)


def hallucination_loss(depth_activation: torch.Tensor, hallucinated: torch.Tensor) -> torch.Tensor:
    """‖σ(A_D) − σ(A_H)‖² per example, averaged over the batch; the depth side is a fixed target.

    Taught in notebooks/04_modality_hallucination.ipynb §5 Loss function.
    """
    if depth_activation.shape != hallucinated.shape:
        raise ValueError(
            f"activations differ in shape: {tuple(depth_activation.shape)} vs {tuple(hallucinated.shape)}"
        )
    difference = torch.sigmoid(depth_activation.detach()) - torch.sigmoid(hallucinated)
    return difference.flatten(1).square().sum(1).mean()


@lru_cache(maxsize=4)
def load_scenes(split: str, count: int) -> dict[str, torch.Tensor]:
    """Rendered scenes: ``rgb``, ``depth``, ``depth3`` (the 3-channel encoding), ``label``, ``mask``.

    Train scenes come from render seed 1, test scenes from seed 2 (never the same scenes).
    Taught in notebooks/04_modality_hallucination.ipynb §2 RGB-D data.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    scenes = render_scenes(count, seed=1 if split == "train" else 2)
    scenes["depth3"] = encode_depth(scenes["depth"])
    return scenes


def _fit(
    model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn, epochs, config, generator, desc
):
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    model.train()
    steps = epochs * (len(inputs) // config.batch_size)
    for _ in progress(range(steps), desc=desc, leave=False):
        idx = torch.randint(len(inputs), (config.batch_size,), generator=generator)
        loss = loss_fn(model(inputs[idx]), targets[idx])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimiser.step()
    return model.eval()


def _stage2(rgb_net, depth_net, config: HallucinationConfig, data, generator, layer: str, h_init: str):
    """Joint training of RGB, D and H with the hallucination loss at ``layer``; returns (rgb, d, h, γ)."""
    rgb_net, depth_net = copy.deepcopy(rgb_net), copy.deepcopy(depth_net)
    if h_init == "depth":
        h_net = copy.deepcopy(depth_net)
    elif h_init == "rgb":
        h_net = copy.deepcopy(rgb_net)
    else:
        h_net = ModalityNet()
    for module in depth_net.layers_up_to(layer):  # D frozen below the hallucination loss
        module.requires_grad_(False)
    nets = [rgb_net, depth_net, h_net]
    parameters = [p for net in nets for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(parameters, lr=config.lr)
    gamma = None
    steps = config.stage2_epochs * (len(data["rgb"]) // config.batch_size)
    for net in nets:
        net.train()
    for module in depth_net.layers_up_to(layer):
        module.eval()  # frozen means frozen: batch-norm statistics too
    for _ in progress(range(steps), desc=f"stage 2 ({layer}, H from {h_init})", leave=False):
        idx = torch.randint(len(data["rgb"]), (config.batch_size,), generator=generator)
        rgb, depth3, label = data["rgb"][idx], data["depth3"][idx], data["label"][idx]
        a_rgb, a_d, a_h = rgb_net.features(rgb), depth_net.features(depth3), h_net.features(rgb)
        classification = (
            F.cross_entropy(a_rgb["scores"], label)
            + F.cross_entropy(a_d["scores"], label)
            + F.cross_entropy(a_h["scores"], label)
            + F.cross_entropy((a_rgb["scores"] + a_d["scores"]) / 2, label)
            + F.cross_entropy((a_rgb["scores"] + a_h["scores"]) / 2, label)
        )
        hallucination = hallucination_loss(a_d[layer], a_h[layer])
        if gamma is None:  # the paper's rule: the hallucination term ≈ 10× the classification losses
            gamma = config.gamma_ratio * classification.item() / max(hallucination.item(), 1e-8)
        loss = gamma * hallucination + classification
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 10.0)
        optimiser.step()
    return rgb_net.eval(), depth_net.eval(), h_net.eval(), gamma


@torch.no_grad()
def scores(net: nn.Module, inputs: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """Class scores of ``net`` on ``inputs``, in batches. Taught in §7 Results."""
    net.eval()
    return torch.cat([net(chunk) for chunk in inputs.split(batch)])


@torch.no_grad()
def evaluate_all(models: dict[str, nn.Module], data: dict[str, torch.Tensor]) -> dict[str, float]:
    """Test accuracy of every row of the paper's comparison, from the trained ``models``.

    Taught in notebooks/04_modality_hallucination.ipynb §7 Results.
    """
    check_inputs(data["rgb"], data["depth"])
    rgb, depth3, label = data["rgb"], data["depth3"], data["label"]
    s = {
        "rgb": scores(models["rgb"], rgb),
        "rgb2": scores(models["rgb2"], rgb),
        "joint_rgb": scores(models["joint_rgb"], rgb),
        "joint_d": scores(models["joint_depth"], depth3),
        "joint_d_zero": scores(models["joint_depth"], torch.zeros_like(depth3)),
        "joint_d_generated": scores(
            models["joint_depth"], torch.cat([models["generator"](c) for c in rgb.split(500)])
        ),
        "joint_h": scores(models["joint_h"], rgb),
        "depth": scores(models["depth"], depth3),
    }

    def accuracy(score: torch.Tensor) -> float:
        return float((score.argmax(1) == label).float().mean())

    return {
        "RGB only": accuracy(s["rgb"]),
        "RGB net after stage 2, alone": accuracy(s["joint_rgb"]),
        "RGB ensemble (two RGB nets)": accuracy((s["rgb"] + s["rgb2"]) / 2),
        "RGB + zero-padded depth": accuracy((s["joint_rgb"] + s["joint_d_zero"]) / 2),
        "RGB + generated depth": accuracy((s["joint_rgb"] + s["joint_d_generated"]) / 2),
        "RGB + hallucination": accuracy((s["joint_rgb"] + s["joint_h"]) / 2),
        "RGB + true depth (oracle)": accuracy((s["joint_rgb"] + s["joint_d"]) / 2),
        "depth only (stage 1)": accuracy(s["depth"]),
        "H only": accuracy(s["joint_h"]),
    }


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear centred kernel alignment of two activation sets (N, ...) — 1 means the same geometry.

    Taught in notebooks/04_modality_hallucination.ipynb §8 Are H's features depth-like?
    """
    x, y = x.flatten(1).double(), y.flatten(1).double()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("x and y need the same number (≥ 2) of examples")
    x, y = x - x.mean(0), y - y.mean(0)
    cross = (y.T @ x).norm() ** 2
    return float(cross / ((x.T @ x).norm() * (y.T @ y).norm()))


def train(config: HallucinationConfig) -> dict:
    """The paper's recipe for one seed (plus baselines and, optionally, ablations).

    Returns ``{"models", "results", "ablations", "gamma", "wall_time_s"}``.
    Taught in notebooks/04_modality_hallucination.ipynb §6 Training.
    """
    start = time.perf_counter()
    generator = seed_everything(config.seed)
    device = default_device()
    train_data = {k: v.to(device) for k, v in load_scenes("train", config.train_scenes).items()}
    test_data = {k: v.to(device) for k, v in load_scenes("test", config.test_scenes).items()}

    # Stage 1: the RGB net (twice, for the ensemble control) and the depth net, separately.
    def classifier(inputs: torch.Tensor, desc: str) -> ModalityNet:
        return _fit(
            ModalityNet().to(device),
            inputs,
            train_data["label"],
            F.cross_entropy,
            config.stage1_epochs,
            config,
            generator,
            desc,
        )

    rgb, rgb2 = classifier(train_data["rgb"], "RGB"), classifier(train_data["rgb"], "RGB #2")
    depth = classifier(train_data["depth3"], "depth")
    generator_net = _fit(
        DepthGenerator().to(device),
        train_data["rgb"],
        train_data["depth3"],
        F.l1_loss,
        GENERATOR_EPOCHS,
        config,
        generator,
        "depth generator",
    )

    # Stage 2: H initialised from D, joint training with the hallucination loss.
    joint_rgb, joint_depth, joint_h, gamma = _stage2(
        rgb, depth, config, train_data, generator, config.hallucination_layer, config.h_init
    )
    models = {
        "rgb": rgb,
        "rgb2": rgb2,
        "depth": depth,
        "generator": generator_net,
        "joint_rgb": joint_rgb,
        "joint_depth": joint_depth,
        "joint_h": joint_h,
    }
    results = evaluate_all(models, test_data)

    ablations = {}
    if config.ablations:
        variants = [(layer, config.h_init) for layer in LAYERS if layer != config.hallucination_layer]
        variants += [(config.hallucination_layer, init) for init in INITS if init != config.h_init]
        for layer, init in variants:
            a_rgb, _, a_h, _ = _stage2(rgb, depth, config, train_data, generator, layer, init)
            pair = (scores(a_rgb, test_data["rgb"]) + scores(a_h, test_data["rgb"])) / 2
            ablations[f"{layer}, H from {init}"] = float(
                (pair.argmax(1) == test_data["label"]).float().mean()
            )
        ablations[f"{config.hallucination_layer}, H from {config.h_init}"] = results["RGB + hallucination"]
    return {
        "models": {k: m.cpu() for k, m in models.items()},
        "results": results,
        "ablations": ablations,
        "gamma": gamma,
        "wall_time_s": time.perf_counter() - start,
    }


def checkpoint_name(seed: int) -> str:
    """``hallucination_seed0`` … one checkpoint per seed. Taught in §6 Training."""
    return f"hallucination_seed{seed}"


def results_file(folder: Path | None = None) -> Path:
    """``data/results/hallucination.json`` (next to ``folder``'s parent when a folder is given).

    Taught in notebooks/04_modality_hallucination.ipynb §7 Results.
    """
    from .data import data_dir

    root = Path(folder).parent if folder is not None else data_dir()
    return root / "results" / "hallucination.json"


def train_and_save(config: HallucinationConfig, folder: Path | None = None) -> str:
    """Run :func:`train`, ship the seed's networks (float16) and merge its row into the results file.

    Taught in notebooks/04_modality_hallucination.ipynb §6 Training.
    """
    result = train(config)
    shipped = {name: half_precision(model.state_dict()) for name, model in result["models"].items()}
    for name, model in result["models"].items():
        model.load_state_dict(shipped[name])
    test_data = load_scenes("test", config.test_scenes)
    results = evaluate_all(result["models"], test_data)  # the shipped weights' numbers
    name = checkpoint_name(config.seed)
    save_checkpoint(
        name,
        shipped,
        config=asdict(config),
        seed=config.seed,
        metrics={**results, "gamma": result["gamma"]},
        wall_time_s=result["wall_time_s"],
        folder=folder,
    )
    path = results_file(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = json.loads(path.read_text()) if path.is_file() else {}
    rows[str(config.seed)] = {
        "results": results,
        "ablations": result["ablations"],
        "gamma": result["gamma"],
        "wall_time_s": round(result["wall_time_s"], 1),
    }
    path.write_text(json.dumps(dict(sorted(rows.items())), indent=2) + "\n")
    return name


def read_results(folder: Path | None = None) -> dict:
    """Every seed's row of the results file. Taught in §7 Results."""
    path = results_file(folder)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; "
            "regenerate it with `python -m dmlib train hallucination --seed S` (S = 0, 1, 2)."
        )
    return json.loads(path.read_text())


def load_pretrained(seed: int = 0) -> tuple[dict[str, nn.Module], dict]:
    """Seed ``seed``'s shipped networks (eval mode) by name, and the sidecar.

    Taught in notebooks/04_modality_hallucination.ipynb §7 Results.
    """
    command = f"python -m dmlib train hallucination --seed {seed}"
    tensors, sidecar = load_checkpoint(checkpoint_name(seed), train_command=command)
    config_from_sidecar(HallucinationConfig, sidecar, command)
    models = {}
    for name, state in tensors.items():
        model = DepthGenerator() if name == "generator" else ModalityNet()
        model.load_state_dict(state)
        models[name] = model.eval()
    return models, sidecar


def summary(results: dict) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation over seeds of every row. Taught in §7 Results."""
    rows = next(iter(results.values()))["results"]
    return {
        row: (
            float(np.mean([r["results"][row] for r in results.values()])),
            float(np.std([r["results"][row] for r in results.values()])),
        )
        for row in rows
    }


def paper_figures() -> list:
    """The qualitative ordering the paper reports, measured as mean accuracies over the shipped seeds.

    The paper's NYUD2 numbers are not in our sources, so the "paper" column states the ordering only.
    Taught in notebooks/04_modality_hallucination.ipynb §9 Paper vs ours.
    """
    from .registry import Figure

    mean = {row: m for row, (m, _) in summary(read_results()).items()}
    return [
        Figure(
            "Halluc.",
            "RGB+H − RGB accuracy (mean over seeds)",
            "> 0",
            mean["RGB + hallucination"] - mean["RGB only"],
            "> 0",
        ),
        Figure(
            "Halluc.",
            "RGB+H − RGB ensemble accuracy",
            "> 0",
            mean["RGB + hallucination"] - mean["RGB ensemble (two RGB nets)"],
            "> 0",
        ),
        Figure(
            "Halluc.",
            "RGB+D − RGB+H accuracy (oracle on top)",
            "> 0",
            mean["RGB + true depth (oracle)"] - mean["RGB + hallucination"],
            "> 0",
        ),
    ]
