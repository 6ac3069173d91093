"""The two-stage recipe, baselines and ablations: what ``python -m dmlib train hallucination`` runs.

Taught in notebooks/04_modality_hallucination.ipynb §6 Training, §7 Results and §9 Paper vs ours.

Stage 1 trains an RGB net (twice, for the ensemble control), a depth net and a depth generator
(the "generate the missing modality" baseline), each on its own. Stage 2 initialises H from the
trained depth net and trains RGB, D and H jointly with

    L = γ L_hall + L_RGB + L_D + L_H + L_RGB+D + L_RGB+H

D frozen below the hallucination layer. Every phase runs through :func:`dmlib.training.run_training`,
so the checkpoint's log has one row per step with the phase's index in :func:`phases`.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_choice, check_fields, check_positive, check_tensor
from ..data import data_dir, read_json, record_in_manifest
from ..figures import Figure
from ..training import (
    Pretrained,
    Trained,
    default_device,
    optimiser_step,
    run_training,
    seed_everything,
    ship,
)
from .model import LAYERS, DepthGenerator, ModalityNet, check_inputs, hallucination_loss
from .scenes import CLASSES, encode_depth, render_scenes

__all__ = [
    "INITS",
    "HallucinationConfig",
    "build",
    "checkpoint_name",
    "evaluate_all",
    "load_scenes",
    "paper_figures",
    "phases",
    "read_results",
    "scores",
    "summary",
    "train",
    "train_and_save",
]

INITS = ("depth", "rgb", "random")  # what H starts from in stage 2
GENERATOR_EPOCHS = 5  # the depth generator (baseline 2) converges fast; more epochs buy little
CLIP = 10.0  # the paper clips gradients at 10


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

    def __post_init__(self) -> None:
        check_fields(self)
        check_choice(self.hallucination_layer, "hallucination_layer", LAYERS)
        check_choice(self.h_init, "h_init", INITS)
        check_positive(
            self, "train_scenes", "test_scenes", "batch_size", "stage1_epochs", "stage2_epochs", "lr"
        )
        if self.gamma_ratio < 0 or self.seed < 0:
            raise ValueError("gamma_ratio and seed must be ≥ 0")
        if self.batch_size > self.train_scenes:
            raise ValueError(f"batch_size {self.batch_size} exceeds train_scenes {self.train_scenes}")


@lru_cache(maxsize=4)
def load_scenes(split: str, count: int) -> dict[str, torch.Tensor]:
    """Rendered scenes: ``rgb``, ``depth``, ``depth3`` (the 3-channel encoding), ``label``, ``mask``.

    Train scenes come from render seed 1, test scenes from seed 2 (never the same scenes).
    Taught in notebooks/04_modality_hallucination.ipynb §5 Loss function.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    scenes = render_scenes(count, seed=1 if split == "train" else 2)
    scenes["depth3"] = encode_depth(scenes["depth"])
    return scenes


def phases(config: HallucinationConfig) -> list[str]:
    """The training phases in order; the log's ``phase`` column indexes this list."""
    main = [f"stage 2 ({config.hallucination_layer}, H from {config.h_init})"]
    return [
        "RGB",
        "RGB #2",
        "depth",
        "depth generator",
        *main,
        *(f"stage 2 ({v[0]}, H from {v[1]})" for v in _ablation_variants(config)),
    ]


def _ablation_variants(config: HallucinationConfig) -> list[tuple[str, str]]:
    if not config.ablations:
        return []
    variants = [(layer, config.h_init) for layer in LAYERS if layer != config.hallucination_layer]
    return variants + [(config.hallucination_layer, init) for init in INITS if init != config.h_init]


class _Log:
    """Concatenates each phase's :func:`run_training` history into one per-step log."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {"step": [], "phase": [], "loss": []}

    def add(self, phase: int, history: dict[str, list[float]]) -> None:
        offset = len(self.history["step"])
        self.history["step"] += [offset + s for s in history["step"]]
        self.history["phase"] += [float(phase)] * len(history["step"])
        self.history["loss"] += history["loss"]


def _fit(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    config: HallucinationConfig,
    generator: torch.Generator,
    desc: str,
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Stage 1: train one network alone on (inputs, targets); return it (eval mode) and its log."""
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)

    def step(_: int) -> dict[str, float]:
        idx = torch.randint(len(inputs), (config.batch_size,), generator=generator)
        loss = loss_fn(model(inputs[idx]), targets[idx])
        optimiser_step(optimiser, loss, clip=CLIP)
        return {"loss": loss.item()}

    model.train()
    history = run_training(step, epochs * (len(inputs) // config.batch_size), desc=desc)
    return model.eval(), history


def _initial_h(h_init: str, rgb_net: nn.Module, depth_net: nn.Module) -> nn.Module:
    """H's starting weights: a copy of D (the paper), a copy of RGB, or random (ablations)."""
    if h_init == "depth":
        return copy.deepcopy(depth_net)
    if h_init == "rgb":
        return copy.deepcopy(rgb_net)
    return ModalityNet()


def _stage2(
    rgb_net: ModalityNet,
    depth_net: ModalityNet,
    config: HallucinationConfig,
    data: dict[str, torch.Tensor],
    generator: torch.Generator,
    layer: str,
    h_init: str,
) -> tuple[dict[str, nn.Module], float, dict[str, list[float]]]:
    """Joint training of RGB, D and H with the hallucination loss at ``layer``.

    Returns the three networks (eval mode) keyed ``rgb``, ``depth``, ``h``, the loss weight γ and the log.
    """
    rgb_net, depth_net = copy.deepcopy(rgb_net), copy.deepcopy(depth_net)
    h_net = _initial_h(h_init, rgb_net, depth_net)
    frozen = depth_net.layers_up_to(layer)  # D below the hallucination loss: a fixed target for H
    for module in frozen:
        module.requires_grad_(False)
    nets = [rgb_net, depth_net, h_net]
    optimiser = torch.optim.Adam(
        [p for net in nets for p in net.parameters() if p.requires_grad], lr=config.lr
    )
    gamma = None

    def step(_: int) -> dict[str, float]:
        nonlocal gamma
        idx = torch.randint(len(data["rgb"]), (config.batch_size,), generator=generator)
        rgb, depth3, label = data["rgb"][idx], data["depth3"][idx], data["label"][idx]
        a_rgb, a_d, a_h = rgb_net.features(rgb), depth_net.features(depth3), h_net.features(rgb)
        # L_RGB + L_D + L_H + L_RGB+D + L_RGB+H: softmax losses of each stream and of the averaged pairs.
        classification = (
            F.cross_entropy(a_rgb["scores"], label)
            + F.cross_entropy(a_d["scores"], label)
            + F.cross_entropy(a_h["scores"], label)
            + F.cross_entropy((a_rgb["scores"] + a_d["scores"]) / 2, label)
            + F.cross_entropy((a_rgb["scores"] + a_h["scores"]) / 2, label)
        )
        hallucination = hallucination_loss(a_d[layer], a_h[layer])  # ‖σ(A_D^l) − σ(A_H^l)‖²
        if gamma is None:  # the paper's rule: the hallucination term ≈ 10× the classification losses
            gamma = config.gamma_ratio * classification.item() / max(hallucination.item(), 1e-8)
        loss = gamma * hallucination + classification
        optimiser_step(optimiser, loss, clip=CLIP)
        return {"loss": loss.item()}

    for net in nets:
        net.train()
    for module in frozen:
        module.eval()  # frozen means frozen: batch-norm statistics too
    steps = config.stage2_epochs * (len(data["rgb"]) // config.batch_size)
    history = run_training(step, steps, desc=f"stage 2 ({layer}, H from {h_init})")
    return {"rgb": rgb_net.eval(), "depth": depth_net.eval(), "h": h_net.eval()}, gamma, history


@torch.no_grad()
def scores(net: nn.Module, inputs: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """Class scores of ``net`` on ``inputs`` (N, 3, H, W), in batches; an empty ``inputs`` gives (0, C).

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    check_tensor(inputs, "inputs", (None, 3, None, None))
    if len(inputs) == 0:
        return torch.zeros(0, len(CLASSES))
    net.eval()
    return torch.cat([net(chunk) for chunk in inputs.split(batch)])


@torch.no_grad()
def evaluate_all(models: dict[str, nn.Module], data: dict[str, torch.Tensor]) -> dict[str, float]:
    """Test accuracy of every row of the paper's comparison, from the trained ``models``.

    Taught in notebooks/04_modality_hallucination.ipynb §7 Results.
    """
    check_inputs(data["rgb"], data["depth"])
    rgb, depth3, label = data["rgb"], data["depth3"], data["label"]
    generated = torch.cat([models["generator"](chunk) for chunk in rgb.split(500)])
    s = {
        "rgb": scores(models["rgb"], rgb),
        "rgb2": scores(models["rgb2"], rgb),
        "joint_rgb": scores(models["joint_rgb"], rgb),
        "joint_d": scores(models["joint_depth"], depth3),
        "joint_d_zero": scores(models["joint_depth"], torch.zeros_like(depth3)),
        "joint_d_generated": scores(models["joint_depth"], generated),
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


def build(config: HallucinationConfig) -> dict[str, nn.Module]:  # noqa: ARG001 - one architecture for every config
    """The seven networks a seed's checkpoint holds."""
    names = ("rgb", "rgb2", "depth", "joint_rgb", "joint_depth", "joint_h")
    return {**{name: ModalityNet() for name in names}, "generator": DepthGenerator()}


def _ablations(
    config: HallucinationConfig,
    stage1: dict[str, nn.Module],
    data: dict[str, torch.Tensor],
    test: dict[str, torch.Tensor],
    generator: torch.Generator,
    log: _Log,
) -> dict[str, float]:
    """Stage 2 again with each other hallucination layer and H initialisation: RGB + H test accuracy."""
    ablations = {}
    first_phase = len(phases(config)) - len(_ablation_variants(config))
    for phase, (layer, init) in enumerate(_ablation_variants(config), start=first_phase):
        joint, _, history = _stage2(stage1["rgb"], stage1["depth"], config, data, generator, layer, init)
        log.add(phase, history)
        pair = (scores(joint["rgb"], test["rgb"]) + scores(joint["h"], test["rgb"])) / 2
        ablations[f"{layer}, H from {init}"] = float((pair.argmax(1) == test["label"]).float().mean())
    return ablations


def train(config: HallucinationConfig) -> Trained:
    """The paper's recipe for one seed (plus baselines and, optionally, ablations).

    Returns the seven networks; ``results`` holds the test accuracies, the ablations and γ.
    Taught in notebooks/04_modality_hallucination.ipynb §6 Training.
    """
    start = time.perf_counter()
    generator = seed_everything(config.seed)
    device = default_device()
    data = {k: v.to(device) for k, v in load_scenes("train", config.train_scenes).items()}
    test = {k: v.to(device) for k, v in load_scenes("test", config.test_scenes).items()}
    log = _Log()

    # Stage 1: RGB (twice, for the ensemble control), depth and the depth generator, each alone.
    stage1 = {}
    jobs = [
        ("rgb", "rgb", "label", F.cross_entropy),
        ("rgb2", "rgb", "label", F.cross_entropy),
        ("depth", "depth3", "label", F.cross_entropy),
        ("generator", "rgb", "depth3", F.l1_loss),
    ]
    for phase, (name, inputs, targets, loss_fn) in enumerate(jobs):
        net = (DepthGenerator() if name == "generator" else ModalityNet()).to(device)
        epochs = GENERATOR_EPOCHS if name == "generator" else config.stage1_epochs
        stage1[name], history = _fit(net, data[inputs], data[targets], loss_fn, epochs, config, generator,
                                     phases(config)[phase])  # fmt: skip
        log.add(phase, history)

    # Stage 2: H initialised from D, joint training with the hallucination loss.
    joint, gamma, history = _stage2(stage1["rgb"], stage1["depth"], config, data, generator,
                                    config.hallucination_layer, config.h_init)  # fmt: skip
    log.add(len(jobs), history)
    models = {**stage1, "joint_rgb": joint["rgb"], "joint_depth": joint["depth"], "joint_h": joint["h"]}
    results = evaluate_all(models, test)
    ablations = _ablations(config, stage1, data, test, generator, log) if config.ablations else {}
    if config.ablations:
        ablations[f"{config.hallucination_layer}, H from {config.h_init}"] = results["RGB + hallucination"]
    return Trained(
        {k: m.cpu() for k, m in models.items()},
        log.history,
        time.perf_counter() - start,
        results={"ablations": ablations, "gamma": gamma},
    )


def checkpoint_name(seed: int) -> str:
    """``hallucination_seed0`` … one checkpoint per seed."""
    return f"hallucination_seed{seed}"


def results_file(folder: Path | None = None) -> Path:
    """``data/results/hallucination.json`` (next to ``folder``'s parent when a folder is given)."""
    root = Path(folder).parent if folder is not None else data_dir()
    return root / "results" / "hallucination.json"


def train_and_save(config: HallucinationConfig, folder: Path | None = None) -> str:
    """Run :func:`train`, ship the seed's networks (float16) and merge its row into the results file."""
    trained = train(config)
    test = load_scenes("test", config.test_scenes)
    shipped_results = {}

    def measure(networks: dict[str, nn.Module]) -> dict[str, float]:
        shipped_results.update(evaluate_all(networks, test))  # the shipped weights' numbers
        return {**shipped_results, "gamma": trained.results["gamma"]}

    name = checkpoint_name(config.seed)
    ship(name, trained, config, measure, folder)
    path = results_file(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = json.loads(path.read_text()) if path.is_file() else {}
    rows[str(config.seed)] = {
        "results": shipped_results,
        "ablations": trained.results["ablations"],
        "gamma": trained.results["gamma"],
        "wall_time_s": round(trained.wall_time_s, 1),
    }
    path.write_text(json.dumps(dict(sorted(rows.items())), indent=2) + "\n")
    record_in_manifest(path)
    return name


def read_results(folder: Path | None = None) -> dict:
    """Every seed's row of the results file.

    Taught in notebooks/04_modality_hallucination.ipynb §6 Several issues: the training recipe.
    """
    return read_json(
        results_file(folder), "python -m dmlib train hallucination --seed S --ship (S = 0, 1, 2)"
    )


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


def paper_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads the results file
    """The qualitative ordering the paper reports, measured as mean accuracies over the shipped seeds.

    The paper's NYUD2 numbers are not in our sources, so the "paper" column states the ordering only.
    Taught in notebooks/04_modality_hallucination.ipynb §9 Paper vs ours.
    """
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
