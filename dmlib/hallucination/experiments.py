"""The two-stage recipe, baselines and ablations: what ``python -m dmlib train hallucination`` runs.

Taught in notebooks/04_modality_hallucination.ipynb §7.1 (settings and training); the first
study's results are shown in its 부록 A–E.

Stage 1 trains an RGB net (twice, for the ensemble control), a depth net and a depth generator
(the "generate the missing modality" baseline), each on its own. Stage 2 initialises H from the
trained depth net and trains RGB, D and H jointly with

    L = γ L_hall + L_RGB + L_D + L_H + L_RGB+D + L_RGB+H

D frozen below the hallucination layer. Every phase runs through :func:`dmlib.training.run_training`,
so the checkpoint's log has one row per step with the phase's index in :func:`phases`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_choice, check_fields, check_positive, check_tensor
from ..data import merge_row, read_json, results_path
from ..figures import Figure
from ..stats import Paired, mean_sd, paired_interval
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
from .scenes import CLASSES, DESIGNS, encode_depth, render_scenes

__all__ = [
    "CLAIMS",
    "INITS",
    "HallucinationConfig",
    "SearchConfig",
    "claims",
    "design_conditions",
    "read_search",
    "search_and_save",
    "search_figures",
    "search_key",
    "seed_table",
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
CLIP = 10.0  # gradient clipping at total norm 10: a blog summary's setting, not checked in the paper


@dataclass
class HallucinationConfig:
    """One seed of the full recipe; each field is a flag of ``python -m dmlib train hallucination``.

    Taught in notebooks/04_modality_hallucination.ipynb §7.1 What we changed.
    """

    seed: int = 0
    design: str = "shaded"  # the scene design (:data:`~dmlib.hallucination.scenes.DESIGNS`)
    train_scenes: int = 1000  # labelled RGB-D scenes: few, so that labels alone do not teach the shape cue
    validation_scenes: int = 500  # every epoch and setting is chosen on these, never on the test scenes
    test_scenes: int = 2000
    batch_size: int = 64
    lr: float = 1e-3
    stage1_epochs: int = 35  # at most; each net keeps its best validation epoch
    stage2_epochs: int = 15
    hallucination_layer: str = "pool5"
    h_init: str = "depth"
    gamma_ratio: float = 10.0  # γ makes L_hall this many times the classification losses at the start
    ablations: bool = True  # also run stage 2 with the other layers and initialisations

    def __post_init__(self) -> None:
        check_fields(self)
        check_choice(self.hallucination_layer, "hallucination_layer", LAYERS)
        check_choice(self.h_init, "h_init", INITS)
        check_choice(self.design, "design", tuple(DESIGNS))
        check_positive(
            self,
            "train_scenes",
            "validation_scenes",
            "test_scenes",
            "batch_size",
            "stage1_epochs",
            "stage2_epochs",
            "lr",
        )
        if self.gamma_ratio < 0 or self.seed < 0:
            raise ValueError("gamma_ratio and seed must be ≥ 0")
        if self.batch_size > self.train_scenes:
            raise ValueError(f"batch_size {self.batch_size} exceeds train_scenes {self.train_scenes}")


RENDER_SEEDS = {"train": 1, "test": 2, "validation": 3}  # three splits, never the same scenes


@lru_cache(maxsize=6)
def load_scenes(split: str, count: int, design: str = "shaded") -> dict[str, torch.Tensor]:
    """Rendered scenes: ``rgb``, ``depth``, ``depth3`` (the 3-channel encoding), ``label``, ``mask``.

    Each split has its own render seed (:data:`RENDER_SEEDS`).
    Taught in notebooks/04_modality_hallucination.ipynb §4 The loss.
    """
    check_choice(split, "split", tuple(RENDER_SEEDS))
    scenes = render_scenes(count, seed=RENDER_SEEDS[split], design=design)
    scenes["depth3"] = encode_depth(scenes["depth"])
    return scenes


def phases(config: HallucinationConfig) -> list[str]:
    """The training phases in order; the log's ``phase`` column indexes this list."""
    main = (config.hallucination_layer, config.h_init, config.gamma_ratio)
    stage2 = [main, *_ablation_variants(config)]
    return [
        "RGB",
        "RGB #2",
        "depth",
        "depth generator",
        *(f"stage 2 ({variant_name(config, *v)})" for v in stage2),
    ]


def variant_name(config: HallucinationConfig, layer: str, h_init: str, gamma_ratio: float) -> str:
    """``pool5, H from depth`` — plus ``, γ ratio 0`` where γ differs from the config's."""
    name = f"{layer}, H from {h_init}"
    return name if gamma_ratio == config.gamma_ratio else f"{name}, γ ratio {gamma_ratio:g}"


def _ablation_variants(config: HallucinationConfig) -> list[tuple[str, str, float]]:
    """Stage 2 with one choice changed: the layer, H's initialisation, or no hallucination loss (γ = 0)."""
    if not config.ablations:
        return []
    main = (config.hallucination_layer, config.h_init, config.gamma_ratio)
    layers = [(layer, main[1], main[2]) for layer in LAYERS if layer != main[0]]
    inits = [(main[0], init, main[2]) for init in INITS if init != main[1]]
    return layers + inits + ([(main[0], main[1], 0.0)] if main[2] != 0 else [])


class _Log:
    """Concatenates each phase's :func:`run_training` history into one per-step log."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {"step": [], "phase": [], "loss": []}

    def add(self, phase: int, history: dict[str, list[float]]) -> None:
        offset = len(self.history["step"])
        self.history["step"] += [offset + s for s in history["step"]]
        self.history["phase"] += [float(phase)] * len(history["step"])
        self.history["loss"] += history["loss"]


class _KeepBest:
    """At the end of every epoch, score the networks on the validation scenes; keep the best epoch's weights.

    Every arm is stopped where the validation scenes say, so no arm wins by having trained longer.
    """

    def __init__(
        self, nets: dict[str, nn.Module], score: Callable[[], float], train_mode: Callable[[], None]
    ):
        self.nets, self.score, self.train_mode = nets, score, train_mode
        self.best, self.epoch, self.state = -float("inf"), 0, None

    def end_of_epoch(self, epoch: int) -> None:
        for net in self.nets.values():
            net.eval()
        value = self.score()
        if value > self.best:
            self.best, self.epoch = value, epoch
            self.state = {name: copy.deepcopy(net.state_dict()) for name, net in self.nets.items()}
        self.train_mode()

    def restore(self) -> dict[str, nn.Module]:
        for name, net in self.nets.items():
            net.load_state_dict(self.state[name])
            net.eval()
        return self.nets


def _fit(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    validation: tuple[torch.Tensor, torch.Tensor],
    config: HallucinationConfig,
    generator: torch.Generator,
    desc: str,
) -> tuple[nn.Module, int, dict[str, list[float]]]:
    """Stage 1: train one network alone on (inputs, targets).

    Returns it (eval mode) at its best validation epoch — highest accuracy for a classifier, lowest
    loss for the depth generator — that epoch (1-based) and the log.
    """
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    per_epoch = len(inputs) // config.batch_size

    @torch.no_grad()
    def validation_score() -> float:
        held_out, wanted = validation
        outputs = torch.cat([model(chunk) for chunk in held_out.split(500)])
        if loss_fn is F.cross_entropy:
            return float((outputs.argmax(1) == wanted).float().mean())
        return -float(loss_fn(outputs, wanted))

    keep = _KeepBest({"net": model}, validation_score, model.train)

    def step(i: int) -> dict[str, float]:
        idx = torch.randint(len(inputs), (config.batch_size,), generator=generator)
        loss = loss_fn(model(inputs[idx]), targets[idx])
        optimiser_step(optimiser, loss, clip=CLIP)
        if (i + 1) % per_epoch == 0:
            keep.end_of_epoch((i + 1) // per_epoch)
        return {"loss": loss.item()}

    model.train()
    history = run_training(step, config.stage1_epochs * per_epoch, desc=desc)
    return keep.restore()["net"], keep.epoch, history


def _initial_h(h_init: str, rgb_net: nn.Module, depth_net: nn.Module) -> nn.Module:
    """H's starting weights: a copy of D (the paper), a copy of RGB, or random (ablations)."""
    if h_init == "depth":
        return copy.deepcopy(depth_net)
    if h_init == "rgb":
        return copy.deepcopy(rgb_net)
    return ModalityNet()


def _stage2(
    stage1: dict[str, nn.Module],
    config: HallucinationConfig,
    data: dict[str, torch.Tensor],
    validation: dict[str, torch.Tensor],
    generator: torch.Generator,
    variant: tuple[str, str, float],
    on_epoch: Callable[[int, dict[str, nn.Module]], None] | None = None,
) -> tuple[dict[str, nn.Module], float, int, dict[str, list[float]]]:
    """Joint training of RGB, D and H; ``variant`` = (layer of the hallucination loss, H's start, γ ratio).

    Returns the three networks keyed ``rgb``, ``depth``, ``h`` at the epoch (also returned) whose
    RGB + H accuracy on the validation scenes was best, the loss weight γ and the log. ``on_epoch(epoch,
    nets)``, if given, sees the networks (eval mode) at the end of every epoch (the seed study's curves).
    """
    layer, h_init, gamma_ratio = variant
    rgb_net, depth_net = copy.deepcopy(stage1["rgb"]), copy.deepcopy(stage1["depth"])
    h_net = _initial_h(h_init, rgb_net, depth_net)
    # D below the hallucination loss is a fixed target for H: never trained, so its activation at the layer
    # (eval mode) is computed once, and stage 2 runs only D's blocks above the layer.
    for module in depth_net.layers_up_to(layer):
        module.requires_grad_(False)
    with torch.no_grad():
        depth_net.eval()
        depth_at_layer = torch.cat([depth_net.features(chunk)[layer] for chunk in data["depth3"].split(500)])
    nets = {"rgb": rgb_net, "depth": depth_net, "h": h_net}
    optimiser = torch.optim.Adam(
        [p for net in nets.values() for p in net.parameters() if p.requires_grad], lr=config.lr
    )
    gamma = None
    per_epoch = len(data["rgb"]) // config.batch_size

    def train_mode() -> None:
        for net in nets.values():
            net.train()

    def validation_accuracy() -> float:
        pair = scores(rgb_net, validation["rgb"]) + scores(h_net, validation["rgb"])
        return float((pair.argmax(1) == validation["label"]).float().mean())

    keep = _KeepBest(nets, validation_accuracy, train_mode)

    def step(i: int) -> dict[str, float]:
        nonlocal gamma
        idx = torch.randint(len(data["rgb"]), (config.batch_size,), generator=generator)
        rgb, label = data["rgb"][idx], data["label"][idx]
        a_rgb, a_h = rgb_net.features(rgb), h_net.features(rgb)
        a_d = depth_net.features(depth_at_layer[idx], after=layer)
        # L_RGB + L_D + L_H + L_RGB+D + L_RGB+H: softmax losses of each stream and of the averaged pairs.
        classification = (
            F.cross_entropy(a_rgb["scores"], label)
            + F.cross_entropy(a_d["scores"], label)
            + F.cross_entropy(a_h["scores"], label)
            + F.cross_entropy((a_rgb["scores"] + a_d["scores"]) / 2, label)
            + F.cross_entropy((a_rgb["scores"] + a_h["scores"]) / 2, label)
        )
        hallucination = hallucination_loss(a_d[layer], a_h[layer])  # ‖σ(A_D^l) − σ(A_H^l)‖²
        if gamma is None:  # the summary's ×10 rule (unchecked in the paper), on the sum of the class losses
            gamma = gamma_ratio * classification.item() / max(hallucination.item(), 1e-8)
        loss = gamma * hallucination + classification
        optimiser_step(optimiser, loss, clip=CLIP)
        if (i + 1) % per_epoch == 0:
            keep.end_of_epoch((i + 1) // per_epoch)
            if on_epoch is not None:
                for net in nets.values():
                    net.eval()
                on_epoch((i + 1) // per_epoch, nets)
                train_mode()
        return {"loss": loss.item()}

    train_mode()
    history = run_training(
        step, config.stage2_epochs * per_epoch, desc=f"stage 2 ({variant_name(config, *variant)})"
    )
    return keep.restore(), gamma, keep.epoch, history


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

    Shown in notebooks/04_modality_hallucination.ipynb 부록 C (the first study).
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
    evaluation: dict[str, dict[str, torch.Tensor]],
    generator: torch.Generator,
    log: _Log,
) -> dict[str, dict[str, float]]:
    """Stage 2 again with each other hallucination layer and H initialisation.

    Returns, per evaluation split, the RGB + H accuracy of every variant.
    """
    ablations = {split: {} for split in evaluation}
    first_phase = len(phases(config)) - len(_ablation_variants(config))
    for phase, variant in enumerate(_ablation_variants(config), start=first_phase):
        joint, _, _, history = _stage2(stage1, config, data, evaluation["validation"], generator, variant)
        log.add(phase, history)
        for split, scenes in evaluation.items():
            pair = scores(joint["rgb"], scenes["rgb"]) + scores(joint["h"], scenes["rgb"])
            accuracy = float((pair.argmax(1) == scenes["label"]).float().mean())
            ablations[split][variant_name(config, *variant)] = accuracy
    return ablations


def _scenes_on(device: torch.device, split: str, count: int, design: str) -> dict[str, torch.Tensor]:
    return {k: v.to(device) for k, v in load_scenes(split, count, design).items()}


def train(config: HallucinationConfig, test: bool = True) -> Trained:
    """The paper's recipe for one seed (plus baselines and, optionally, ablations).

    Returns the seven networks; ``results`` holds the accuracies on the validation scenes (and,
    unless ``test`` is False, on the test scenes), the ablations, γ and each phase's best epoch.
    Taught in notebooks/04_modality_hallucination.ipynb §7.1 What we changed.
    """
    start = time.perf_counter()
    generator = seed_everything(config.seed)
    device = default_device()
    data = _scenes_on(device, "train", config.train_scenes, config.design)
    evaluation = {"validation": _scenes_on(device, "validation", config.validation_scenes, config.design)}
    if test:
        evaluation["test"] = _scenes_on(device, "test", config.test_scenes, config.design)
    log = _Log()

    # Stage 1: RGB (twice, for the ensemble control), depth and the depth generator, each alone.
    stage1, best_epoch = {}, {}
    validation = evaluation["validation"]
    jobs = [
        ("rgb", "rgb", "label", F.cross_entropy),
        ("rgb2", "rgb", "label", F.cross_entropy),
        ("depth", "depth3", "label", F.cross_entropy),
        ("generator", "rgb", "depth3", F.l1_loss),
    ]
    for phase, (name, inputs, targets, loss_fn) in enumerate(jobs):
        net = (DepthGenerator() if name == "generator" else ModalityNet()).to(device)
        desc = phases(config)[phase]
        stage1[name], best_epoch[desc], history = _fit(
            net, data[inputs], data[targets], loss_fn, (validation[inputs], validation[targets]), config,
            generator, desc,
        )  # fmt: skip
        log.add(phase, history)

    # Stage 2: H initialised from D, joint training with the hallucination loss.
    main = (config.hallucination_layer, config.h_init, config.gamma_ratio)
    joint, gamma, best_epoch[phases(config)[len(jobs)]], history = _stage2(
        stage1, config, data, validation, generator, main
    )
    log.add(len(jobs), history)
    models = {**stage1, "joint_rgb": joint["rgb"], "joint_depth": joint["depth"], "joint_h": joint["h"]}
    results = {split: evaluate_all(models, scenes) for split, scenes in evaluation.items()}
    ablations = _ablations(config, stage1, data, evaluation, generator, log) if config.ablations else {}
    for split in ablations:
        ablations[split][variant_name(config, *main)] = results[split]["RGB + hallucination"]
    return Trained(
        {k: m.cpu() for k, m in models.items()},
        log.history,
        time.perf_counter() - start,
        results={"accuracy": results, "ablations": ablations, "gamma": gamma, "best_epoch": best_epoch},
    )


def checkpoint_name(seed: int) -> str:
    """``hallucination_seed0`` … one checkpoint per seed."""
    return f"hallucination_seed{seed}"


def train_and_save(config: HallucinationConfig, folder: Path | None = None) -> str:
    """Run :func:`train`, ship the seed's networks (float16) and merge its row into the results file."""
    trained = train(config)
    evaluation = {
        "validation": load_scenes("validation", config.validation_scenes, config.design),
        "test": load_scenes("test", config.test_scenes, config.design),
    }
    shipped = {}

    def measure(networks: dict[str, nn.Module]) -> dict[str, float]:
        shipped.update({split: evaluate_all(networks, scenes) for split, scenes in evaluation.items()})
        return {**shipped["test"], "gamma": trained.results["gamma"]}  # the shipped weights' numbers

    name = checkpoint_name(config.seed)
    ship(name, trained, config, measure, folder)
    merge_row(results_path("hallucination", folder), (str(config.seed),), {
        "accuracy": shipped,
        "ablations": trained.results["ablations"],
        "gamma": trained.results["gamma"],
        "best_epoch": trained.results["best_epoch"],
        "wall_time_s": round(trained.wall_time_s, 1),
    })  # fmt: skip
    return name


def read_results(folder: Path | None = None) -> dict:
    """Every shipped seed's row of the results file.

    Shown in notebooks/04_modality_hallucination.ipynb 부록 A (the first study's settings).
    """
    return read_json(
        results_path("hallucination", folder),
        "python -m dmlib train hallucination --seed S --ship (S = 0 … 4)",
    )


@dataclass
class SearchConfig(HallucinationConfig):
    """One row of the scene-design search: the recipe without ablations, scored on validation scenes only.

    With ``rgb_only`` just the RGB net is trained (e.g. on 10× the scenes: how much of the class an
    RGB net can learn from the pixels when labels are plentiful).
    Shown in notebooks/04_modality_hallucination.ipynb 부록 B (choosing the scenes).
    """

    ablations: bool = False
    rgb_only: bool = False


def search_key(config: SearchConfig) -> str:
    """The search table's row name, e.g. ``shaded, 1000 scenes, seed 0``."""
    arm = ", RGB only" if config.rgb_only else ""
    return f"{config.design}, {config.train_scenes} scenes{arm}, seed {config.seed}"


def _rgb_only(config: SearchConfig) -> dict[str, float]:
    generator = seed_everything(config.seed)
    device = default_device()
    data = _scenes_on(device, "train", config.train_scenes, config.design)
    validation = _scenes_on(device, "validation", config.validation_scenes, config.design)
    net, _, _ = _fit(ModalityNet().to(device), data["rgb"], data["label"], F.cross_entropy,
                     (validation["rgb"], validation["label"]), config, generator, "RGB")  # fmt: skip
    return {
        "RGB only": float((scores(net, validation["rgb"]).argmax(1) == validation["label"]).float().mean())
    }


def search_and_save(config: SearchConfig, folder: Path | None = None) -> str:
    """Train one search row and merge its validation accuracies into ``results/hallucination_search.json``."""
    start = time.perf_counter()
    if config.rgb_only:
        accuracy = _rgb_only(config)
    else:
        recipe = HallucinationConfig(**{k: v for k, v in asdict(config).items() if k != "rgb_only"})
        accuracy = train(recipe, test=False).results["accuracy"]["validation"]
    wall_time_s = round(time.perf_counter() - start, 1)
    row = {"config": asdict(config), "validation": accuracy, "wall_time_s": wall_time_s}
    return str(merge_row(results_path("hallucination_search", folder), (search_key(config),), row))


def read_search(folder: Path | None = None) -> dict:
    """Every row of the scene-design search (validation accuracies only).

    Shown in notebooks/04_modality_hallucination.ipynb 부록 B (choosing the scenes).
    """
    return read_json(
        results_path("hallucination_search", folder), "python -m dmlib train hallucination_search --ship"
    )


def seed_table(results: dict, split: str = "test") -> dict[str, list[float]]:
    """Each row's accuracies over the seeds (in seed order) on ``split``, ablations included."""
    seeds = sorted(results, key=int)
    rows = {
        row: [results[s]["accuracy"][split][row] for s in seeds]
        for row in results[seeds[0]]["accuracy"][split]
    }
    ablations = results[seeds[0]]["ablations"].get(split, {})
    rows.update(
        {f"ablation: {name}": [results[s]["ablations"][split][name] for s in seeds] for name in ablations}
    )
    return rows


def summary(results: dict, split: str = "test") -> dict[str, tuple[float, float]]:
    """Mean and sample standard deviation (ddof = 1) over seeds of every row (04's 부록 C)."""
    return {row: mean_sd(values) for row, values in seed_table(results, split).items()}


#: The comparisons that carry the paper's argument: (A, B) for "A beats B".
CLAIMS = (
    ("RGB + hallucination", "RGB only"),
    ("RGB ensemble (two RGB nets)", "RGB only"),
    ("RGB + hallucination", "RGB ensemble (two RGB nets)"),
    ("RGB + true depth (oracle)", "RGB + hallucination"),
    ("ablation: pool5, H from depth", "ablation: pool5, H from random"),
    ("ablation: pool5, H from depth", "ablation: pool5, H from rgb"),
    ("ablation: pool5, H from depth", "ablation: pool5, H from depth, γ ratio 0"),
)


def claims(results: dict, split: str = "test") -> dict[tuple[str, str], Paired]:
    """The paired 95 % interval of A − B over seeds for each claim in :data:`CLAIMS` (04's 부록 C)."""
    table = seed_table(results, split)
    return {(a, b): paired_interval(table[a], table[b]) for a, b in CLAIMS if a in table and b in table}


def paper_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads the results file
    """The paper's orderings, each as the lower end of a paired 95 % interval over the shipped seeds.

    The paper's NYUD2 numbers are not in our sources, so the "paper" column states the ordering only;
    "met" means the whole interval lies above zero.
    Shown in notebooks/04_modality_hallucination.ipynb 부록 E (the final comparison table).
    """
    names = {
        ("RGB + hallucination", "RGB only"): "RGB+H − RGB, 95% CI low",
        ("RGB + hallucination", "RGB ensemble (two RGB nets)"): "RGB+H − RGB ensemble, 95% CI low",
        ("RGB + true depth (oracle)", "RGB + hallucination"): "RGB+D − RGB+H, 95% CI low",
        (
            "ablation: pool5, H from depth",
            "ablation: pool5, H from random",
        ): "H from D − H random (RGB+H), 95% CI low",
    }
    intervals = claims(read_results())
    return [Figure("Halluc.", names[c], "> 0", intervals[c].low, "> 0") for c in names]


def design_conditions(search: dict, results: dict, config: HallucinationConfig | None = None) -> dict:
    """The two conditions the shipped scenes must meet, as (mean, sd) over seeds on the validation scenes:

    - ``oracle gap``: RGB + true depth − RGB (the shipped seeds) — depth makes the class explicit;
    - ``recoverable from RGB``: an RGB net trained on 10× the labelled scenes (search rows) − RGB — the
      pixels hold more of the class than an RGB net learns from the labelled set.

    Shown in notebooks/04_modality_hallucination.ipynb 부록 B (choosing the scenes).
    """
    config = config or HallucinationConfig()
    small = [row["accuracy"]["validation"] for row in results.values()]
    large = [
        row["validation"]["RGB only"]
        for row in search.values()
        if row["config"]["rgb_only"]
        and (row["config"]["design"], row["config"]["train_scenes"])
        == (config.design, 10 * config.train_scenes)
    ]
    if len(small) < 2 or len(large) < 2:
        raise ValueError(
            f"need ≥ 2 seeds of the shipped recipe and of an RGB-only search row at "
            f"{10 * config.train_scenes} {config.design!r} scenes"
        )
    rgb = mean_sd([row["RGB only"] for row in small])[0]
    return {
        "oracle gap": mean_sd([row["RGB + true depth (oracle)"] - row["RGB only"] for row in small]),
        "recoverable from RGB": mean_sd([value - rgb for value in large]),
    }


def search_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads the results file
    """The chosen scene design's two conditions (validation scenes), with goals fixed before the search."""
    conditions = design_conditions(read_search(), read_results())
    return [
        Figure(
            "Halluc.", "design: RGB+D − RGB (validation)", "n/a (ours)", conditions["oracle gap"][0], "> 0.1"
        ),
        Figure(
            "Halluc.",
            "design: RGB(10× scenes) − RGB (validation)",
            "n/a (ours)",
            conditions["recoverable from RGB"][0],
            "> 0.05",
        ),  # fmt: skip
    ]
