"""Mini YOLO9000: joint detection and classification over a WordTree (paper §4), on real digits and clothes.

Taught in notebooks/02_yolo9000.ipynb §11 Joint training.

The paper's experiment: COCO has boxes for 80 general classes, ImageNet labels for 9000 fine ones
without boxes; trained jointly, YOLO9000 detects ImageNet classes that never had a box (16.0 mAP on
156 such classes). Ours, in miniature, over 20 fine classes — the ten digits (WordNet has a synset for
each, under *digit*) and the ten Fashion-MNIST classes (T-shirt = jersey, trouser, pullover, dress, coat,
sandal, shirt = dress shirt, sneaker = gym shoe, bag, ankle boot = boot):

- **detection data**: canvases of 2–5 objects with tight boxes; the *boxed* classes (digits 0–4, T-shirt,
  trouser, pullover, dress, coat) carry their fine label, every other object only its parent node in
  the tree (e.g. *digit*, *shoe*, *shirt*) — the analogue of COCO's coarse categories;
- **classification data**: canvases holding one object, with its fine label and no box;
- every batch holds both, in the ratio ``classification_share``; a detection image gets the full
  region loss (with the hierarchical softmax), a classification image the paper's joint rule: the class
  loss only at the box that predicts that class most strongly, and objectness pushed up to 0.3 there
  ("we assume the predicted box overlaps what would be the ground truth label by at least .3 IOU").

Test canvases carry fine labels for everything, so mAP can be measured on the *unboxed* fine classes
(never seen with a box) and on the boxed ones. MNIST digits: train/test as usual; Fashion-MNIST: only its
test file ships, so its first 8000 images build training data and the last 2000 test data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn

from ..checks import check_fields, check_positive
from ..data import load_fashion_mnist, load_mnist
from ..figures import Figure
from ..stats import Paired, paired_interval
from ..training import (
    Pretrained,
    Trained,
    autocast,
    default_device,
    evaluation_cache,
    optimiser_step,
    read_seed_study,
    record_seed,
    run_training,
    seed_everything,
    ship,
)
from .boxes import mean_average_precision
from .canvases import CANVAS_SIZE, ink_crops, paste_canvases
from .clusters import kmeans_anchors
from .detector import DetectorConfig, YOLOv2, decode, grid_size
from .experiments import detect, truths_as_corners
from .loss import RegionLossConfig, region_loss
from .wordtree import WordTree, absolute_log_probs, build_wordtree, conditional_log_probs, hierarchical_loss

__all__ = [
    "CLASS_NAMES",
    "CLASS_SYNSETS",
    "YOLO9000Config",
    "classification_loss",
    "evaluate_joint",
    "build",
    "joint_gains",
    "fine_class_probs",
    "mini_wordtree",
    "paper_figures",
    "train",
    "train_and_save",
    "train_seed",
    "read_seeds",
]

DIGIT_SYNSETS = (
    "n13742358",
    "n13742573",
    "n13743269",
    "n13744044",
    "n13744304",
    "n13744521",
    "n13744722",
    "n13744916",
    "n13745086",
    "n13745270",
)
FASHION_SYNSETS = (
    "n03595614",
    "n04489008",
    "n04021028",
    "n03236735",
    "n03057021",
    "n04133789",
    "n03238879",
    "n03472535",
    "n02773037",
    "n02872752",
)
CLASS_SYNSETS = DIGIT_SYNSETS + FASHION_SYNSETS
CLASS_NAMES = tuple(str(d) for d in range(10)) + (
    "T-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)
BOXED = tuple(range(5)) + tuple(range(10, 15))  # fine classes whose detection boxes keep their fine label
UNBOXED = tuple(c for c in range(20) if c not in BOXED)
FASHION_TRAIN = 8000  # Fashion-MNIST test images 0…7999 train, 8000…9999 test
OBJECT_IOU_FLOOR = 0.3  # the joint rule's assumed IoU for a classification image's box


@lru_cache(maxsize=1)
def mini_wordtree() -> WordTree:
    """The WordTree over the 20 fine classes, built by the same code as WordTree1k.

    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    return build_wordtree(list(CLASS_SYNSETS))


def class_nodes() -> torch.Tensor:
    """Tree node index of each fine class (20,)."""
    tree = mini_wordtree()
    return torch.tensor([tree.index[wnid] for wnid in CLASS_SYNSETS])


def detection_label(fine: int) -> int:
    """The node a detection box of fine class ``fine`` is labelled with: itself if boxed, else its parent.

    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    if not 0 <= fine < len(CLASS_SYNSETS):
        raise ValueError(f"fine must be a class index in [0, {len(CLASS_SYNSETS)}), got {fine}")
    node = int(class_nodes()[fine])
    return node if fine in BOXED else mini_wordtree().parent[node]


@lru_cache(maxsize=2)
def _objects(split: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    digits, digit_labels = load_mnist(split)
    clothes, clothes_labels = load_fashion_mnist("test")
    part = slice(0, FASHION_TRAIN) if split == "train" else slice(FASHION_TRAIN, None)
    crops = ink_crops(digits) + ink_crops(clothes[part])
    return crops, torch.cat([digit_labels, clothes_labels[part] + 10])


def canvases(
    split: str, indices: Iterable[int], kind: str = "detection", seed: int = 0
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Mixed digit-and-clothes canvases: images (N, 1, 160, 160) and targets (n, 5) with *fine* labels.

    ``kind="classification"`` puts one object on each canvas. Taught in §11 Joint training.
    """
    if split not in ("train", "test") or kind not in ("detection", "classification"):
        raise ValueError(
            f"split must be train/test and kind detection/classification, got {split!r}, {kind!r}"
        )
    crops, labels = _objects(split)
    counts = (2, 5) if kind == "detection" else (1, 1)
    split_key = (2 if split == "train" else 3) + (10 if kind == "classification" else 0)
    return paste_canvases(crops, labels, indices, seed, split_key, CANVAS_SIZE, counts)


@dataclass
class YOLO9000Config:
    """One joint (or detection-only) training run; each field is a flag of ``train yolo9000``.

    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """

    seed: int = 0
    steps: int = 3000
    batch_size: int = 32
    classification_share: float = 0.5  # fraction of each batch that is classification images
    joint: bool = True  # False: the detection-only baseline (no classification images)
    lr: float = 1e-3
    width: float = 0.25
    anchors: int = 5
    bf16: bool = True

    def __post_init__(self) -> None:
        check_fields(self)
        if not 0.0 < self.classification_share < 1.0:
            raise ValueError(f"classification_share must be in (0, 1), got {self.classification_share}")
        if self.steps < 1 or self.batch_size < 2:
            raise ValueError("steps must be positive and batch_size at least 2")
        check_positive(self, "lr", "width", "anchors")
        if self.seed < 0:
            raise ValueError(f"seed must be ≥ 0, got {self.seed}")


def checkpoint_name(config: YOLO9000Config) -> str:
    """``yolo9000`` (joint) or ``yolo9000_detection_only``."""
    return "yolo9000" if config.joint else "yolo9000_detection_only"


def build_model(config: YOLO9000Config) -> YOLOv2:
    """YOLOv2 whose class outputs are the tree's nodes."""
    return YOLOv2(
        DetectorConfig(
            classes=len(mini_wordtree()), anchors=config.anchors, width=config.width, in_channels=1
        )
    )


def responsible_box(objectness: torch.Tensor, label_log_prob: torch.Tensor) -> torch.Tensor:
    """The box a classification image trains: "the bounding box that predicts the highest probability
    for that class" (paper §4), scored here as σ(t_o)·Pr(label), the detection score of §7.

    objectness (B, boxes) σ(t_o); label_log_prob (B, boxes) log Pr(label) from the tree → (B,) box index.
    """
    if objectness.shape != label_log_prob.shape or objectness.dim() != 2:
        raise ValueError("objectness and label_log_prob must both be (B, boxes)")
    return (torch.log(objectness.clamp(min=1e-9)) + label_log_prob).argmax(1)


def classification_loss(
    output: torch.Tensor,
    labels: torch.Tensor,
    anchors: torch.Tensor,
    tree: WordTree,
    loss_config: RegionLossConfig,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The joint rule for images with a class label and no box, per image of the batch.

    The box (any cell, any anchor) with the highest σ(t_o)·Pr(label) gets the hierarchical class loss
    and, if σ(t_o) < 0.3, an objectness pull up to 0.3; every other box gets the no-object term.
    """
    if labels.dim() != 1 or len(labels) != len(output):
        raise ValueError("labels must be (B,) tree node indices, one per image")
    decoded = decode(output.float(), anchors, loss_config.location)
    logits = decoded["class_logits"]  # (B, H, W, A, N)
    objectness = decoded["objectness"]
    batch = len(output)
    with torch.no_grad():
        absolute = absolute_log_probs(conditional_log_probs(logits, tree), tree)
        label_log_prob = absolute.gather(-1, labels.view(-1, 1, 1, 1, 1).expand(*absolute.shape[:-1], 1))[
            ..., 0
        ]
        best = responsible_box(objectness.reshape(batch, -1), label_log_prob.reshape(batch, -1))  # (B,)
    flat_logits = logits.reshape(batch, -1, logits.shape[-1])
    flat_obj = objectness.reshape(batch, -1)
    chosen_logits = flat_logits[torch.arange(batch), best]
    classes = loss_config.class_scale * hierarchical_loss(chosen_logits, labels, tree).sum()
    chosen_obj = flat_obj[torch.arange(batch), best]
    obj = 0.5 * loss_config.object_scale * (OBJECT_IOU_FLOOR - chosen_obj).clamp(min=0).square().sum()
    others = torch.ones_like(flat_obj, dtype=torch.bool)
    others[torch.arange(batch), best] = False
    noobj = 0.5 * loss_config.noobject_scale * flat_obj[others].square().sum()
    total = (classes + obj + noobj) / batch
    return total, {
        "cls_class": float(classes.detach()) / batch,
        "cls_obj": float(obj.detach()) / batch,
        "cls_noobj": float(noobj.detach()) / batch,
    }


def fine_class_probs(logits: torch.Tensor) -> torch.Tensor:
    """Absolute Pr(fine class | object) of the 20 classes from tree logits (..., N) → (..., 20)."""
    tree = mini_wordtree()
    return absolute_log_probs(conditional_log_probs(logits.float(), tree), tree)[..., class_nodes()].exp()


def _anchor_priors(seed: int, anchors: int) -> torch.Tensor:
    _, targets = canvases("train", range(2000), "detection", seed)
    return kmeans_anchors(torch.cat(targets)[:, 3:], anchors, seed=seed)[0]


def train(config: YOLO9000Config) -> Trained:
    """Train the joint (or detection-only) model; return it (eval mode, CPU), its priors and history."""
    seed_everything(config.seed)
    device = default_device()
    tree = mini_wordtree()
    anchors = _anchor_priors(config.seed, config.anchors)
    model = build_model(config).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda i: min(1.0, (i + 1) / 100) * (0.1 if i >= 0.8 * config.steps else 1.0)
    )
    loss_settings = RegionLossConfig(tree=tree)
    grid_anchors = anchors * grid_size(CANVAS_SIZE)
    n_classification = round(config.batch_size * config.classification_share) if config.joint else 0
    n_detection = config.batch_size - n_classification
    relabel = torch.tensor([detection_label(c) for c in range(len(CLASS_SYNSETS))], dtype=torch.float32)
    nodes = class_nodes()

    def step(i: int) -> dict[str, float]:
        images, targets = canvases(
            "train", range(i * n_detection, (i + 1) * n_detection), "detection", config.seed
        )
        targets = [torch.cat([relabel[t[:, 0].long(), None], t[:, 1:]], 1) for t in targets]
        if n_classification:
            extra, extra_targets = canvases(
                "train",
                range(i * n_classification, (i + 1) * n_classification),
                "classification",
                config.seed,
            )
            images = torch.cat([images, extra])
            labels = nodes[torch.cat([t[:, 0] for t in extra_targets]).long()]
        with autocast(device, config.bf16):
            output = model(images.to(device))
        loss, parts = region_loss(
            output[:n_detection], targets, grid_anchors, loss_settings, seen=i * n_detection
        )
        if n_classification:
            extra_loss, extra_parts = classification_loss(
                output[n_detection:], labels.to(device), grid_anchors, tree, loss_settings
            )
            loss = loss + extra_loss
            parts.update(extra_parts)
        optimiser_step(optimiser, loss, clip=10.0)
        schedule.step()
        return {"loss": loss.item(), **parts}

    start = time.perf_counter()
    model.train()
    history = run_training(step, config.steps, desc=checkpoint_name(config), log_every=10)
    wall = time.perf_counter() - start
    return Trained({"model": model.eval().cpu()}, history, wall, tensors={"anchors": anchors})


@lru_cache(maxsize=1)
def _test_canvases(count: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    return canvases("test", range(count), "detection")


@evaluation_cache
def _test_detections(model: YOLOv2, anchors: torch.Tensor, count: int) -> list[torch.Tensor]:
    return detect(model, anchors, _test_canvases(count)[0], class_probs=fine_class_probs)


@evaluation_cache
def evaluate_joint(
    model: YOLOv2, anchors: torch.Tensor, count: int = 500, shuffle_labels: bool = False
) -> dict:
    """mAP@0.5 of the fine classes on ``count`` test canvases: all, boxed and unboxed classes.

    ``shuffle_labels`` replaces every detection's class by a random one (the chance baseline).
    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    found = _test_detections(model, anchors, count)
    targets = _test_canvases(count)[1]
    if shuffle_labels:
        generator = torch.Generator().manual_seed(0)
        found = [
            torch.cat(
                [f[:, :5], torch.randint(len(CLASS_SYNSETS), (len(f), 1), generator=generator).float()], 1
            )
            for f in found
        ]
    truths = truths_as_corners(targets)
    result = mean_average_precision(found, truths, classes=len(CLASS_SYNSETS))
    ap = torch.tensor(result["ap"])
    return {
        "map": result["map"],
        "map_boxed": float(ap[list(BOXED)].nanmean()),
        "map_unboxed": float(ap[list(UNBOXED)].nanmean()),
        "ap": result["ap"],
    }


def build(config: YOLO9000Config) -> dict[str, nn.Module]:
    """The networks a YOLO9000 checkpoint holds: ``{"model": YOLOv2}``."""
    return {"model": build_model(config)}


def _measure(anchors: torch.Tensor) -> Callable[[dict[str, nn.Module]], dict[str, float]]:
    """What a checkpoint's sidecar and a seed's row record: test mAP@0.5 on all, boxed and unboxed fine
    classes, and the unboxed mAP of the chance baseline (shuffled labels)."""

    def measure(networks: dict[str, nn.Module]) -> dict[str, float]:
        scores = evaluate_joint(networks["model"], anchors)
        chance = evaluate_joint(networks["model"], anchors, shuffle_labels=True)
        return {
            "test_map50_unboxed": round(scores["map_unboxed"], 6),
            "test_map50_boxed": round(scores["map_boxed"], 6),
            "test_map50_all": round(scores["map"], 6),
            "chance_map50_unboxed": round(chance["map_unboxed"], 6),
        }

    return measure


def train_and_save(config: YOLO9000Config, folder: Path | None = None) -> str:
    """Train, evaluate the shipped (float16) weights and save the checkpoint."""
    trained = train(config)
    name = checkpoint_name(config)
    ship(name, trained, config, _measure(trained.tensors["anchors"]), folder)
    return name


def train_seed(config: YOLO9000Config, folder: Path | None = None) -> str:
    """Train one arm with ``config.seed`` and add its row to the arm's seed study (``yolo9000_seeds``, or
    ``yolo9000_detection_only_seeds`` with ``--no-joint``); no checkpoint. What ``train yolo9000_seeds`` runs.
    """
    trained = train(config)
    return str(
        record_seed(checkpoint_name(config), trained, config, _measure(trained.tensors["anchors"]), folder)
    )


def read_seeds(arm: str, folder: Path | None = None) -> dict[int, dict]:
    """An arm's seed study (``"yolo9000"`` or ``"yolo9000_detection_only"``), rows by seed.

    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    if arm not in ("yolo9000", "yolo9000_detection_only"):
        raise ValueError(f"arm must be 'yolo9000' or 'yolo9000_detection_only', got {arm!r}")
    flag = "" if arm == "yolo9000" else " --no-joint"
    return read_seed_study(arm, f"python -m dmlib train yolo9000_seeds --seed S{flag}", folder)


def joint_gains(joint: dict[int, dict], alone: dict[int, dict]) -> dict[str, Paired]:
    """Joint training's gains, paired by seed over the seeds both arms have, with 95 % intervals:
    never-boxed classes over the detection-only arm (``"unboxed"``) and over chance (``"chance"``, the
    same model with shuffled labels), boxed classes over the detection-only arm (``"boxed"``).

    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    seeds = sorted(set(joint) & set(alone))

    def column(rows: dict[int, dict], key: str) -> list[float]:
        return [rows[seed][key] for seed in seeds]

    unboxed = column(joint, "test_map50_unboxed")
    return {
        "unboxed": paired_interval(unboxed, column(alone, "test_map50_unboxed")),
        "boxed": paired_interval(column(joint, "test_map50_boxed"), column(alone, "test_map50_boxed")),
        "chance": paired_interval(unboxed, column(joint, "chance_map50_unboxed")),
    }


def paper_figures(load: Callable[[str], Pretrained]) -> list[Figure]:  # noqa: ARG001 - reads results, no checkpoint
    """Joint training's claim on the never-boxed fine classes, judged on the seed studies: their test
    mAP@0.5 beats the detection-only arm's and chance, each on the low end of the 95 % interval of the
    paired difference (:func:`joint_gains`).

    Read by the README results table (``python -m dmlib report``); 02 §12 prints the same figures.
    """
    gains = joint_gains(read_seeds("yolo9000"), read_seeds("yolo9000_detection_only"))
    seeds = len(gains["unboxed"].differences)
    return [
        Figure(
            "YOLO9000",
            f"no fine box: joint − {baseline}, CI low ({seeds} seeds)",
            "n/a",
            gains[key].low,
            "> 0",
        )
        for key, baseline in (("unboxed", "det.-only"), ("chance", "chance"))
    ]
