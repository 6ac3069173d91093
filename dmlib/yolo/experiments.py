"""Training and evaluation of the course's YOLOv2: what ``python -m dmlib train yolov2`` runs.

Taught in notebooks/02_yolo9000.ipynb §7 Detections, §8 The path from YOLO to YOLOv2 and
§9 Resolution vs speed.

The detector is the paper's architecture at a quarter of its width (``width=0.25``), one input
channel and ten classes (digits), trained on :mod:`dmlib.yolo.canvases` at 160×160 (a 5×5 grid).
The head, passthrough, decoding and region loss are the full-size ones. Deviations, for a
CPU budget of minutes: Adam (lr 1e-3, 100-step warm-up, ÷10 at 75 % and 90 % of the steps)
instead of SGD; no ImageNet pre-training (the digits are learnt from scratch); bf16 autocast.

``python -m dmlib train yolov2_path`` trains the arms of a miniature Table 2 — each the previous
arm plus one of the paper's steps, every arm with the same budget — and writes their test mAP and
recall to ``data/results/yolov2_path_<steps>steps.json``, one table per budget.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_choice, check_fields, check_positive, check_tensor
from ..data import merge_row, read_json, results_path
from ..figures import Figure
from ..stats import Paired, PowerLaw, fit_power_law, paired_interval
from ..training import (
    Pretrained,
    Trained,
    autocast,
    default_device,
    evaluation_cache,
    machine_description,
    optimiser_step,
    read_seed_study,
    record_seed,
    run_training,
    seed_everything,
    ship,
    training_command,
)
from .boxes import centre_to_corner, mean_average_precision
from .canvases import CANVAS_SIZE, digit_canvases
from .clusters import kmeans_anchors
from .darknet import Darknet19, count_ops
from .detector import DetectorConfig, YOLOv2, grid_size, postprocess
from .loss import RegionLossConfig, region_loss

__all__ = [
    "PAPER_ANCHOR_RECALL_GAIN",
    "PAPER_STEP_GAIN",
    "LR_DROPS",
    "PATH_ARMS",
    "PLATEAU_RISE",
    "YOLOConfig",
    "anchor_priors",
    "build",
    "build_detector",
    "detect",
    "evaluate_detector",
    "full_rate_fit",
    "mean_curve",
    "paper_figures",
    "path_config",
    "path_figures",
    "plateau_rise",
    "read_detector_seeds",
    "read_path_results",
    "reestimate_batchnorm",
    "steps_to_converge",
    "resolution_table",
    "step_claim",
    "step_gains",
    "test_set",
    "train",
    "train_and_save",
    "train_path",
    "train_seed",
    "truths_as_corners",
    "validation_map",
]

TEST_CANVASES = 500
# Validation canvases: MNIST-train digits (never the test digits) in arrangements no training run draws —
# training batch i uses canvases i·B…(i+1)·B − 1, far below this index. Budgets and settings are chosen
# on them; the test canvases score each choice once.
VALIDATION_START, VALIDATION_CANVASES = 2 * 10**6, 200
ANCHOR_SAMPLE = 2000  # training canvases whose boxes the dimension clusters are computed on
# Hand-picked priors for the "+anchor boxes" arm, as fractions of the image: three squares, a tall
# and a wide box — Faster R-CNN's idea of scales × aspect ratios, chosen before looking at the data.
HAND_PRIORS = [[0.1, 0.1], [0.2, 0.2], [0.4, 0.4], [0.12, 0.3], [0.3, 0.12]]


@dataclass
class YOLOConfig:
    """Everything one detector training run needs; each field is a flag of ``train yolov2``.

    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """

    seed: int = 0
    steps: int = 4000
    batch_size: int = 32
    lr: float = 1e-3
    width: float = 0.25
    image_size: int = CANVAS_SIZE
    priors: str = "clusters"  # "clusters" (k-means, IoU), "hand" (HAND_PRIORS) or "none" (YOLOv1-style)
    anchors: int = 5
    batch_norm: bool = True
    passthrough: bool = True
    location: str = "direct"
    multiscale: bool = True  # a new size from 128…224 every 10 batches
    bf16: bool = True
    arms: str = "yolo,bn,anchors,priors,passthrough,multiscale"  # which Table 2 arms train_path runs
    validate_every: int = 0  # steps between validation mAPs on the validation canvases (0: none)

    def __post_init__(self) -> None:
        check_fields(self)
        check_choice(self.priors, "priors", ("clusters", "hand", "none"))
        check_choice(self.location, "location", ("direct", "linear"))
        check_positive(self, "steps", "batch_size", "lr", "width", "anchors")
        if self.seed < 0 or self.validate_every < 0:
            raise ValueError(f"seed and validate_every must be ≥ 0, got {self.seed}, {self.validate_every}")
        grid_size(self.image_size)
        unknown = set(self.arms.split(",")) - set(PATH_ARMS)
        if unknown:
            raise ValueError(f"arms has unknown names {sorted(unknown)}; choose from {list(PATH_ARMS)}")


# The miniature Table 2: each arm adds one step of the paper's path to the previous one.
PATH_ARMS = {
    "yolo": {"batch_norm": False, "priors": "none", "anchors": 2, "location": "linear",
             "passthrough": False, "multiscale": False},
    "bn": {"batch_norm": True},
    "anchors": {"priors": "hand", "anchors": 5},
    "priors": {"priors": "clusters", "location": "direct"},
    "passthrough": {"passthrough": True},
    "multiscale": {"multiscale": True},
}  # fmt: skip
PATH_LABELS = {
    "yolo": "YOLO (no BN, 2 boxes/cell, no priors)",
    "bn": "+ batch norm",
    "anchors": "+ anchor boxes (hand-picked, linear offsets)",
    "priors": "+ dimension priors & direct location",
    "passthrough": "+ passthrough",
    "multiscale": "+ multi-scale",
}
PATH_STEPS = 4000  # the shipped detector's budget; at 1000 steps every arm's curve was still rising
MULTISCALE_SIZES = (128, 160, 192, 224)
LR_DROPS = (0.75, 0.9)  # the learning rate falls tenfold at these fractions of the steps


def _path_table(steps: int) -> str:
    """The name of the Table 2 results for a budget of ``steps`` per arm (one table per budget)."""
    return f"yolov2_path_{steps}steps"


def path_config(arm: str, base: YOLOConfig | None = None) -> YOLOConfig:
    """The config of Table 2 arm ``arm``: the first arm's settings plus every step up to ``arm``."""
    if arm not in PATH_ARMS:
        raise ValueError(f"arm must be one of {list(PATH_ARMS)}, got {arm!r}")
    config = base or YOLOConfig(steps=PATH_STEPS)
    for name, overrides in PATH_ARMS.items():
        config = replace(config, **overrides)
        if name == arm:
            return config
    raise AssertionError("unreachable")


def anchor_priors(config: YOLOConfig) -> torch.Tensor:
    """The config's priors as (A, 2) fractions of the image (multiply by the grid for cells)."""
    if config.priors == "none":  # YOLOv1: every box starts as one cell
        return torch.full((config.anchors, 2), 1.0 / grid_size(config.image_size))
    if config.priors == "hand":
        if config.anchors != len(HAND_PRIORS):
            raise ValueError(f"priors='hand' has {len(HAND_PRIORS)} anchors, config asks {config.anchors}")
        return torch.tensor(HAND_PRIORS)
    _, targets = digit_canvases("train", range(ANCHOR_SAMPLE), seed=config.seed)
    wh = torch.cat(targets)[:, 3:]
    centroids, _ = kmeans_anchors(wh, config.anchors, seed=config.seed)
    return centroids


def build_detector(config: YOLOConfig) -> YOLOv2:
    """The CPU-size YOLOv2 described by ``config`` (1 channel in, 10 digit classes)."""
    return YOLOv2(
        DetectorConfig(classes=10, anchors=config.anchors, width=config.width, in_channels=1,
                       batch_norm=config.batch_norm, passthrough=config.passthrough, location=config.location)
    )  # fmt: skip


def loss_config(config: YOLOConfig) -> RegionLossConfig:
    """darknet's region settings, with YOLOv1's responsibility rule when there are no priors.

    Taught in notebooks/02_yolo9000.ipynb §6 The detector (loss).
    """
    match = "prediction" if config.priors == "none" else "prior"
    return RegionLossConfig(match=match, location=config.location)


def _resize(images: torch.Tensor, size: int) -> torch.Tensor:
    if images.shape[-1] == size:
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", antialias=True, align_corners=False)


def train(config: YOLOConfig) -> Trained:
    """Train a detector on fresh canvases; return the model (eval mode, CPU), its priors and history.

    Batch i holds training canvases i·B … (i+1)·B − 1, so no canvas repeats. With ``multiscale``
    every 10th batch draws a new input size, and the last 10 batches use ``image_size``.
    """
    generator = seed_everything(config.seed)
    device = default_device()
    anchors = anchor_priors(config)
    model = build_detector(config).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)

    def lr_factor(i: int) -> float:
        return min(1.0, (i + 1) / 100) * 0.1 ** sum(i >= drop * config.steps for drop in LR_DROPS)

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lr_factor)
    loss_settings = loss_config(config)
    size = config.image_size

    def step(i: int) -> dict[str, float]:
        nonlocal size
        if config.multiscale and i % 10 == 0:
            size = MULTISCALE_SIZES[int(torch.randint(len(MULTISCALE_SIZES), (1,), generator=generator))]
            if i >= config.steps - 10:
                # Like darknet, end at the evaluation size: batch norm's running statistics follow
                # the last batches, so they must be those of the size the model is evaluated at.
                size = config.image_size
        images, targets = digit_canvases("train", range(i * config.batch_size, (i + 1) * config.batch_size),
                                         seed=config.seed)  # fmt: skip
        images = _resize(images, size).to(device)
        with autocast(device, config.bf16):
            output = model(images)  # (B, A·(5 + classes), S, S)
        loss, parts = region_loss(output, targets, anchors * grid_size(size), loss_settings,
                                  seen=i * config.batch_size)  # fmt: skip
        optimiser_step(optimiser, loss, clip=10.0)
        schedule.step()
        if config.validate_every and ((i + 1) % config.validate_every == 0 or i == config.steps - 1):
            curve.append([i + 1, validation_map(model, anchors.to(device))])
            model.train()
        return {"loss": loss.item(), **parts, "size": size}

    curve: list[list[float]] = []  # [steps trained, validation mAP@0.5]
    start = time.perf_counter()
    model.train()
    history = run_training(step, config.steps, desc="yolov2", log_every=10)
    wall = time.perf_counter() - start
    return Trained({"model": model.eval().cpu()}, history, wall, tensors={"anchors": anchors},
                   results={"validation_curve": curve})  # fmt: skip


def test_set(
    count: int = TEST_CANVASES, size: int = CANVAS_SIZE, seed: int = 0
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The first ``count`` test canvases (MNIST-test digits) of canvas seed ``seed``, and their targets.

    Seed 0 is the test set every figure is scored on; seed 1 arranges the same test digits anew, a
    robustness line for the Table 2 arms. Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """
    if not 1 <= count <= 10_000:
        raise ValueError(f"count must be in [1, 10000], got {count}")
    images, targets = _test_canvases(count, size, seed)
    return images.clone(), [t.clone() for t in targets]  # copies: callers may change them


@lru_cache(maxsize=2)
def _test_canvases(count: int, size: int, seed: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    return digit_canvases("test", range(count), seed=seed, size=size)


@lru_cache(maxsize=1)
def _validation_canvases() -> tuple[torch.Tensor, list[torch.Tensor]]:
    return digit_canvases("train", range(VALIDATION_START, VALIDATION_START + VALIDATION_CANVASES))


def validation_map(model: YOLOv2, anchors: torch.Tensor) -> float:
    """mAP@0.5 on the validation canvases at 160×160 (model left in eval mode).

    Taught in notebooks/02_yolo9000.ipynb §15 Appendix B (the shipped detector).
    """
    images, targets = _validation_canvases()
    device = next(model.parameters()).device
    found = [f.cpu() for f in detect(model, anchors, images.to(device), CANVAS_SIZE)]
    return float(mean_average_precision(found, truths_as_corners(targets), classes=10)["map"])


def truths_as_corners(targets: list[torch.Tensor]) -> list[torch.Tensor]:
    """(class, cx, cy, w, h) targets → (x1, y1, x2, y2, class) rows, as the mAP code expects.

    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """
    return [torch.cat([centre_to_corner(t[:, 1:]), t[:, :1]], dim=1) for t in targets]


@torch.no_grad()
def detect(model: YOLOv2, anchors: torch.Tensor, images: torch.Tensor, size: int | None = None,
           batch: int = 50, **thresholds) -> list[torch.Tensor]:  # fmt: skip
    """Detections (x1, y1, x2, y2, score, label), normalised, for each image, at input ``size``.

    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """
    # [0, 1] up to resampling overshoot (antialiased resizing can step a hair past 1)
    check_tensor(images, "images", (None, model.config.in_channels, None, None), low=-0.01, high=1.01)
    size = size or images.shape[-1]
    model.eval()
    found = []
    for chunk in images.split(batch):
        output = model(_resize(chunk, size))
        found += postprocess(output, anchors * grid_size(size), model.config.location, **thresholds)
    return found


@evaluation_cache
def evaluate_detector(model: YOLOv2, anchors: torch.Tensor, size: int = CANVAS_SIZE,
                      count: int = TEST_CANVASES, seed: int = 0) -> dict:  # fmt: skip
    """Test mAP@0.5 (all-point AP), recall and images/s at input ``size`` on ``count`` canvases of
    canvas seed ``seed`` (see :func:`test_set`).

    Taught in notebooks/02_yolo9000.ipynb §15 Appendix B (the shipped detector) and §9 Resolution vs speed.
    """
    images, targets = test_set(count, seed=seed)
    start = time.perf_counter()
    found = detect(model, anchors, images, size)
    seconds = time.perf_counter() - start
    result = mean_average_precision(found, truths_as_corners(targets), classes=10)
    return {"map": result["map"], "recall": result["recall"], "ap": result["ap"],
            "images_per_s": count / seconds, "size": size}  # fmt: skip


def build(config: YOLOConfig) -> dict[str, nn.Module]:
    """The networks a ``yolov2`` checkpoint holds: ``{"model": YOLOv2}``."""
    return {"model": build_detector(config)}


def _measure(anchors: torch.Tensor) -> Callable[[dict[str, nn.Module]], dict[str, float]]:
    """What a checkpoint's sidecar and a seed's row record: test mAP@0.5 and recall (canvas seed 0)."""

    def measure(networks: dict[str, nn.Module]) -> dict[str, float]:
        scores = evaluate_detector(networks["model"], anchors)
        return {"test_map50": round(scores["map"], 4), "test_recall": round(scores["recall"], 4)}

    return measure


def train_and_save(config: YOLOConfig, folder: Path | None = None) -> str:
    """Train ``yolov2``, evaluate the shipped (float16) weights on the test canvases, save."""
    trained = train(config)
    ship("yolov2", trained, config, _measure(trained.tensors["anchors"]), folder)
    return "yolov2"


def train_seed(config: YOLOConfig, folder: Path | None = None) -> str:
    """Train the detector with ``config.seed`` and add its test mAP and recall (float16 weights) to the
    ``yolov2`` seed study; no checkpoint. What ``train yolov2_seeds`` runs.
    """
    trained = train(config)
    return str(record_seed("yolov2", trained, config, _measure(trained.tensors["anchors"]), folder))


def read_detector_seeds(folder: Path | None = None) -> dict[int, dict]:
    """The detector's seed study (the shipped recipe, seeds 0, 1, …): test mAP@0.5 and recall by seed.

    Taught in notebooks/02_yolo9000.ipynb §15 Appendix B (the shipped detector).
    """
    return read_seed_study("yolov2", "python -m dmlib train yolov2_seeds --seed S", folder)


def train_path(config: YOLOConfig, folder: Path | None = None) -> str:
    """Train the Table 2 arms named in ``config.arms`` with ``config.seed`` and record each arm's row.

    A row holds the test mAP and recall (canvas seed 0, scored once per run), the same on the
    canvas-seed-1 test canvases, the validation curve, wall time and config. Rows merge into the
    results file by arm and seed, so arms and seeds can train in separate processes.
    """
    path = results_path(_path_table(config.steps), folder)
    for arm in config.arms.split(","):
        arm_config = path_config(arm, config)
        trained = train(arm_config)
        model, anchors = trained.networks["model"], trained.tensors["anchors"]
        test, second = (evaluate_detector(model, anchors, seed=seed) for seed in (0, 1))
        row = {
            "map50": round(test["map"], 4), "recall": round(test["recall"], 4),
            "map50_test_seed1": round(second["map"], 4), "recall_test_seed1": round(second["recall"], 4),
            "validation_curve": [[step, round(m, 4)] for step, m in trained.results["validation_curve"]],
            "wall_time_s": round(trained.wall_time_s, 1), "final_loss": round(trained.history["loss"][-1], 3),
            "command": training_command(), "machine": machine_description(), "config": asdict(arm_config),
        }  # fmt: skip
        merge_row(path, (arm, str(config.seed)), row)
    return str(path)


def read_path_results(steps: int = PATH_STEPS, folder: Path | None = None) -> dict[str, dict[int, dict]]:
    """The Table 2 rows recorded at a budget of ``steps``: ``{arm: {seed: row}}``, arms in the paper's order.

    Taught in notebooks/02_yolo9000.ipynb §8 The path from YOLO to YOLOv2.
    """
    command = f"python -m dmlib train yolov2_path --seed S --steps {steps} --ship"
    rows = read_json(results_path(_path_table(steps), folder), command)
    return {arm: {int(seed): row for seed, row in rows[arm].items()} for arm in PATH_ARMS if arm in rows}


# Fixed before the 4000-step runs: an arm has converged at the full learning rate when its validation mAP
# (mean over seeds) rose by less than this over the last third of that phase.
PLATEAU_RISE = 0.02


def plateau_rise(by_seed: dict[int, dict], steps: int) -> float:
    """How much one arm's validation mAP (mean over its seeds) still rose at the full learning rate:
    the mean of the checks in the eighth of the budget before the first decay (at 75 % of ``steps``)
    minus the mean of the checks in the eighth a quarter of the budget earlier. At 4000 steps: the
    checks at 2600–3000 minus those at 1600–2000.

    Taught in notebooks/02_yolo9000.ipynb §14 Appendix A (training length and convergence).
    """
    trained, mean_map = mean_curve(by_seed)
    return _window_rise(trained, mean_map, steps)


def mean_curve(by_seed: dict[int, dict]) -> tuple[np.ndarray, np.ndarray]:
    """(steps trained at each check, validation mAP at that check averaged over the seeds).

    Taught in notebooks/02_yolo9000.ipynb §14 Appendix A (training length and convergence).
    """
    curves = np.array([row["validation_curve"] for row in by_seed.values()])  # (seeds, checks, 2)
    return curves[0, :, 0], curves[:, :, 1].mean(0)


def _window_rise(trained: np.ndarray, mean_map: np.ndarray, steps: int) -> float:
    decay = LR_DROPS[0] * steps

    def window(end: float) -> np.ndarray:
        return mean_map[(trained > end - steps / 8) & (trained <= end)]

    late, early = window(decay), window(decay - steps / 4)
    if not len(late) or not len(early):
        raise ValueError(f"the validation curves have no check in one of the windows before step {decay:.0f}")
    return float(late.mean() - early.mean())


def full_rate_fit(by_seed: dict[int, dict], steps: int, first: int, last: float | None = None) -> PowerLaw:
    """A power law fitted to one arm's validation error, 1 − mAP (mean over seeds), at the full learning
    rate: the checks from step ``first`` up to the first decay of the ``steps`` run (or up to ``last``).

    Before the first decay the schedule does not depend on the budget (warm-up, then the full rate),
    so these checks are also the first checks of a longer run with the same seeds: the fit describes
    how the full-rate phase of any longer budget would go.

    Taught in notebooks/02_yolo9000.ipynb §14 Appendix A (training length and convergence).
    """
    trained, mean_map = mean_curve(by_seed)
    end = LR_DROPS[0] * steps if last is None else min(last, LR_DROPS[0] * steps)
    kept = (trained >= first) & (trained <= end)
    return fit_power_law(trained[kept], 1 - mean_map[kept])


def steps_to_converge(error: PowerLaw, every: int, most: int = 1_000_000) -> float:
    """The smallest budget at which the full-rate curve ``1 − error`` (checked every ``every`` steps)
    passes the convergence rule, :func:`plateau_rise` < ``PLATEAU_RISE``; ``inf`` beyond ``most`` steps.

    Budgets are multiples of 8 · ``every``, so each of the rule's windows (an eighth of the budget) holds
    whole checks.
    """
    for steps in range(8 * every, most + 1, 8 * every):
        trained = np.arange(every, LR_DROPS[0] * steps + 1, every, dtype=float)
        if _window_rise(trained, 1 - error(trained), steps) < PLATEAU_RISE:
            return float(steps)
    return math.inf


def step_gains(rows: dict[str, dict[int, dict]]) -> dict[str, Paired]:
    """Each step's gain over the arm before it, paired by seed (seeds both arms have), with its 95 %
    interval: in mAP@0.5, and in recall for the anchor boxes (the paper's claim for them).

    Taught in notebooks/02_yolo9000.ipynb §8 The path from YOLO to YOLOv2.
    """
    arms, gains = list(rows), {}
    for previous, arm in zip(arms, arms[1:], strict=False):
        metric = step_claim(arm)[0]
        seeds = sorted(set(rows[arm]) & set(rows[previous]))
        gains[arm] = paired_interval(
            [rows[arm][s][metric] for s in seeds], [rows[previous][s][metric] for s in seeds]
        )
    return gains


@torch.no_grad()
def reestimate_batchnorm(model: YOLOv2, size: int, batches: int = 4, batch_size: int = 32) -> YOLOv2:
    """A copy of ``model`` whose batch-norm statistics are re-measured on training canvases at ``size``.

    The weights are untouched; only the running means and variances, which otherwise describe the
    last training batches' input size, are replaced by an average over ``batches`` batches.
    Taught in notebooks/02_yolo9000.ipynb §15 Appendix B (batch norm at other input sizes).
    """
    grid_size(size)
    adapted = copy.deepcopy(model)
    norms = [m for m in adapted.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over the batches below
    adapted.train()
    with torch.no_grad():  # train mode updates the running statistics; no gradients are needed
        for images in _batchnorm_canvases(batches, batch_size).split(batch_size):
            adapted(_resize(images, size))
    return adapted.eval()


@lru_cache(maxsize=1)
def _batchnorm_canvases(batches: int, batch_size: int) -> torch.Tensor:
    """Training canvases 10⁶… (never used in training), the same for every input size."""
    return digit_canvases("train", range(10**6, 10**6 + batches * batch_size))[0]


def resolution_table(
    model: YOLOv2,
    anchors: torch.Tensor,
    sizes: tuple[int, ...] = (128, 160, 192, 224, 256),
    count: int = TEST_CANVASES,
) -> list[dict]:
    """Table 3's shape: the same trained model evaluated at several input sizes.

    Each row has the mAP with the shipped batch-norm statistics (``map``) and with statistics
    re-measured at that size (``map_bn``, see :func:`reestimate_batchnorm`).
    Taught in notebooks/02_yolo9000.ipynb §9 Resolution vs speed.
    """
    rows = []
    for size in sizes:
        row = evaluate_detector(model, anchors, size, count)
        row["map_bn"] = evaluate_detector(reestimate_batchnorm(model, size), anchors, size, count)["map"]
        rows.append(row)
    return rows


def paper_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads results, no checkpoint
    """The detector's test mAP, mean over its seed study, and Darknet-19's operation count (one
    deterministic count) beside the paper's figures. The mAP goal (≥ 0.9) was fixed before the runs.

    Read by the README results table (``python -m dmlib report``); 02 §12 prints the same figures.
    """
    maps = [row["test_map50"] for row in read_detector_seeds().values()]
    ops = count_ops(Darknet19(), 224) / 1e9
    return [
        Figure("YOLOv2", f"digit mAP@.5, {len(maps)}-seed mean (VOC07 .768, other task)",
               "n/a", float(np.mean(maps)), ">= 0.9"),
        Figure("YOLOv2", "Darknet-19 operations at 224 (billions)", "5.58", ops, "<= 5.585"),
    ]  # fmt: skip


# The paper's Table 2 gain (VOC 2007 mAP, points) for each step our arms add, read between its own columns
# (the hi-res classifier and the new network sit between them and are not ours to count). The anchor boxes
# trade mAP for recall: 69.5 → 69.2 mAP, 81 % → 88 % recall.
PAPER_STEP_GAIN = {"bn": 65.8 - 63.4, "anchors": 69.2 - 69.5, "priors": 74.4 - 69.6,
                   "passthrough": 75.4 - 74.4, "multiscale": 76.8 - 75.4}  # fmt: skip
PAPER_ANCHOR_RECALL_GAIN = 0.88 - 0.81


def step_claim(arm: str) -> tuple[str, str, float]:
    """What the paper claims a Table 2 step moves: the row key, its label and the paper's gain (a fraction).
    Recall for the anchor boxes, whose paper mAP falls 0.3; mAP@0.5 for every other step.

    Taught in notebooks/02_yolo9000.ipynb §8 The path from YOLO to YOLOv2.
    """
    if arm == "anchors":
        return "recall", "recall", PAPER_ANCHOR_RECALL_GAIN
    return "map50", "mAP", PAPER_STEP_GAIN[arm] / 100


def path_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads results, no checkpoint
    """Each Table 2 step judged by the paper's claim for it — it helps — on the low end of the 95 % interval
    of its paired gain over the arm before (mAP; recall for the anchor boxes, whose paper mAP falls 0.3),
    beside the paper's gain for the same step. The goal was fixed before the runs: the interval above zero.
    """
    rows = read_path_results()
    rise = max(plateau_rise(by_seed, PATH_STEPS) for by_seed in rows.values())
    # the convergence rule: every arm's rise below PLATEAU_RISE (the largest one decides)
    name = f"path: largest full-lr val. mAP rise, {PATH_STEPS} steps"
    figures = [Figure("YOLOv2", name, "n/a", rise, f"< {PLATEAU_RISE}")]
    for arm, gain in step_gains(rows).items():
        _, metric, paper = step_claim(arm)
        name = f"path: +{arm} {metric} gain, 95% CI low ({len(gain.differences)} seeds)"
        figures.append(Figure("YOLOv2", name, f"{paper:+.3f}", gain.low, "> 0"))
    return figures
