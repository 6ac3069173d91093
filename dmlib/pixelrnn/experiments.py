"""Data, training and evaluation of the PixelRNN family: what ``python -m dmlib train <model>`` runs.

Taught in notebooks/03_pixelrnn.ipynb §7 Training and §10 Results.

Datasets (all from shipped or installed files, nothing downloaded):

- ``binary_mnist``: MNIST binarized once, stochastically, with fixed seeds (train seed 0, test
  seed 1; :func:`dmlib.data.binarize`). The paper used the standard binarized MNIST of
  Salakhutdinov & Murray, which we do not have: our NLLs are comparable in kind, not identical in data.
- ``mnist8``: the 8-bit grayscale digits, for the 256-way softmax.
- ``colour_patches``: 8×8 patches of the colour photograph ``grace_hopper.jpg`` that ships inside
  matplotlib, for the R → G → B masks. The photo is cut into 64×64 blocks; one block in four, spread
  over the whole picture, is held out for testing (a grid of patches), and 50k random patches are
  drawn from the other blocks for training.

Deviations from the paper: Adam instead of RMSProp (faster on a CPU budget), batch 32 instead of 16,
CPU budgets instead of training to convergence (a few thousand steps; 100,000 for the PixelCNN); the budget
is in each sidecar.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..data import binarize, load_mnist
from ..figures import Figure
from ..training import (
    Pretrained,
    Resumable,
    Trained,
    autocast,
    default_device,
    optimiser_step,
    read_seed_study,
    record_seed,
    run_training,
    seed_everything,
    ship,
)
from .conditional import DigitClassifier, class_purity, classifier_accuracy, train_classifier
from .models import PixelRNNConfig, build_model

__all__ = [
    "CHECKPOINTS",
    "IN_TRAINING",
    "PAPER_NLL",
    "SEED_STUDIES",
    "bits_per_dim",
    "build",
    "checkpoint_name",
    "conditional_test_labels",
    "evaluate_nll",
    "independent_pixel_bits",
    "load_data",
    "nll_goal",
    "nll_nats",
    "paper_figures",
    "read_seeds",
    "train",
    "train_and_save",
    "train_seed",
]

PATCH = 8

# Every shipped checkpoint: name → the config overrides that made it. The four binarized-MNIST models
# have the long recipe (dynamic binarization, a validation split, a cosine schedule over 100,000 steps),
# run with --resume over several sittings on one CPU thread; a run still going is shipped at the end of
# a sitting with --stop-at (its sidecar and log say how far it got). The 8-bit models' step counts give
# each roughly 8–14 minutes on one CPU thread. The recurrent models run in float32, as their long runs
# began (benchmarks/pixelrnn.py times them in both precisions).
LONG_RUN = {
    "steps": 100000, "dynamic_binarization": True, "validation": 5000, "validate_every": 2000, "patience": 10,
    "lr_schedule": "cosine",
}  # fmt: skip
CHECKPOINTS = {
    "pixelcnn": {"model": "pixelcnn", **LONG_RUN},
    "rowlstm": {"model": "rowlstm", **LONG_RUN, "bf16": False},
    "diagbilstm": {"model": "diagbilstm", **LONG_RUN, "bf16": False},
    "gatedpixelcnn": {"model": "gatedpixelcnn", **LONG_RUN},
    # The gated paper's class-conditional model: the gated PixelCNN's recipe, the digit class in every gate.
    "gatedpixelcnn_conditional": {"model": "gatedpixelcnn", **LONG_RUN, "classes": 10},
    "pixelcnn_mnist8": {"model": "pixelcnn", "data": "mnist8", "levels": 256, "steps": 3000},
    "pixelcnn_rgb": {
        "model": "pixelcnn", "data": "colour_patches", "levels": 256, "colours": 3,
        "hidden": 24, "out_hidden": 96, "layers": 5, "image_size": PATCH, "steps": 6000,
    },
}  # fmt: skip
# Recipes whose checkpoint is still training (not shipped yet): ``train NAME`` runs them like the others.
IN_TRAINING: dict[str, dict] = {}
PURITY_PER_CLASS = 50  # the conditional model's samples per class checked at shipping: 500 (goal ≥ 90 % pure)


def checkpoint_name(config: PixelRNNConfig) -> str:
    """``pixelcnn``, ``rowlstm``, … for binary MNIST (``gatedpixelcnn_conditional`` with classes);
    ``pixelcnn_mnist8`` / ``pixelcnn_rgb`` otherwise."""
    if config.data == "binary_mnist":
        return f"{config.model}_conditional" if config.classes else config.model
    return f"{config.model}_{'mnist8' if config.data == 'mnist8' else 'rgb'}"


def _colour_photo() -> torch.Tensor:
    import matplotlib.cbook
    import matplotlib.image

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as handle:
        photo = matplotlib.image.imread(handle, format="jpg")  # (600, 512, 3) uint8
    return torch.from_numpy(np.array(photo, dtype=np.uint8)).permute(2, 0, 1)  # (3, H, W), a copy


BLOCK = 64  # the photo is cut into 64×64 blocks; every fourth block (checkerboard-like) is test


def _photo_patches(photo: torch.Tensor, split: str) -> torch.Tensor:
    """8×8 patches: random ones inside training blocks, a regular grid inside test blocks."""
    _, height, width = photo.shape
    blocks = [(y, x) for y in range(0, height - BLOCK + 1, BLOCK) for x in range(0, width - BLOCK + 1, BLOCK)]
    is_test = [(y // BLOCK + 2 * (x // BLOCK)) % 4 == 0 for y, x in blocks]
    chosen = [b for b, test in zip(blocks, is_test, strict=True) if test == (split == "test")]
    if split == "test":
        return torch.stack(
            [
                photo[:, y + dy : y + dy + PATCH, x + dx : x + dx + PATCH]
                for y, x in chosen
                for dy in range(0, BLOCK, PATCH)
                for dx in range(0, BLOCK, PATCH)
            ]
        )
    generator = torch.Generator().manual_seed(0)
    which = torch.randint(len(chosen), (50_000,), generator=generator).tolist()
    offsets = torch.randint(BLOCK - PATCH + 1, (50_000, 2), generator=generator).tolist()
    return torch.stack(
        [
            photo[:, chosen[b][0] + dy :, chosen[b][1] + dx :][:, :PATCH, :PATCH]
            for b, (dy, dx) in zip(which, offsets, strict=True)
        ]
    )


def load_data(data: str, split: str) -> torch.Tensor:
    """Model inputs (N, C, H, W): binary {0, 1} or 8-bit values / 255.

    Taught in notebooks/03_pixelrnn.ipynb §8.1 Completions.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if data == "colour_patches":
        return _photo_patches(_colour_photo(), split).float() / 255.0
    if data not in ("binary_mnist", "mnist8"):
        raise ValueError(f"data must be binary_mnist, mnist8 or colour_patches, got {data!r}")
    images, _ = load_mnist(split)
    if data == "binary_mnist":
        return binarize(images, seed=0 if split == "train" else 1).unsqueeze(1)
    return images.float().unsqueeze(1) / 255.0


def nll_nats(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-image negative log-likelihood in nats: (B,).

    Binary: Bernoulli NLL of the sigmoid outputs; 8-bit: cross-entropy of the 256-way softmax.
    Taught in notebooks/03_pixelrnn.ipynb §9 Negative log-likelihood is compression.
    """
    if logits.dim() == 4:
        if logits.shape != x.shape:
            raise ValueError(f"logits {tuple(logits.shape)} and x {tuple(x.shape)} must match")
        return F.binary_cross_entropy_with_logits(logits.float(), x, reduction="none").sum((1, 2, 3))
    targets = torch.round(x * 255).long()
    return F.cross_entropy(logits.float(), targets, reduction="none").sum((1, 2, 3))


def bits_per_dim(nats: float, dims: int) -> float:
    """Nats per image → bits per sub-pixel: nats / (dims · ln 2). Taught in §10 Results."""
    if dims < 1:
        raise ValueError(f"dims must be positive, got {dims}")
    return nats / (dims * math.log(2))


@lru_cache(maxsize=2)
def independent_pixel_bits(data: str) -> float:
    """Test bits/dim of the baseline without context: every sub-pixel an independent 256-way
    categorical whose histogram is fitted on the training split (add-one smoothing).

    The 8-bit models' goal: a PixelCNN earns its context only if it beats this. Taught in §10 Results.
    """
    if data == "binary_mnist":
        raise ValueError("the no-context baseline is for the 8-bit data (mnist8, colour_patches)")
    train, test = (
        torch.round(load_data(data, split) * 255).to(torch.uint8).flatten(1) for split in ("train", "test")
    )  # (N, D) levels 0…255
    offsets = torch.arange(train.shape[1]) * 256  # sub-pixel d's level v is bin 256·d + v
    counts = sum(torch.bincount((chunk + offsets).flatten(), minlength=offsets.numel() * 256)
                 for chunk in train.split(5000)) + 1  # fmt: skip
    counts = counts.view(-1, 256).double()  # (sub-pixels, levels), add-one smoothed
    log_p = (counts / counts.sum(1, keepdim=True)).log().flatten()  # log p_d(v) at 256·d + v
    nats = -log_p[test.long() + offsets].sum(1).mean()  # mean over test images of −Σ_d log p_d(x_d)
    return bits_per_dim(float(nats), train.shape[1])


@torch.no_grad()
def evaluate_nll(
    model: nn.Module, x: torch.Tensor, batch: int = 100, labels: torch.Tensor | None = None
) -> float:
    """Mean NLL (nats per image) of ``model`` on inputs ``x`` (given ``labels`` for a class-conditional
    model: −log p(x | y)). Taught in §10 Results."""
    model.check_input(x)
    model.check_labels(x, labels)
    model.eval()
    parts = labels.split(batch) if labels is not None else [None] * len(x.split(batch))
    total = sum(
        nll_nats(model(chunk, y), chunk).sum().item() for chunk, y in zip(x.split(batch), parts, strict=True)
    )
    return total / len(x)


def conditional_test_labels(config: PixelRNNConfig) -> torch.Tensor | None:
    """The test digits' classes for a class-conditional model, None otherwise."""
    return load_mnist("test")[1] if config.classes else None


def build(config: PixelRNNConfig) -> dict[str, nn.Module]:
    """The networks a PixelRNN-family checkpoint holds: ``{"model": ...}``; a class-conditional one
    also holds the digit classifier that checks its samples (:mod:`.conditional`)."""
    if config.classes:
        return {"model": build_model(config), "classifier": DigitClassifier()}
    return {"model": build_model(config)}


def _training_digits(config: PixelRNNConfig) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The training inputs and the held-out validation inputs (None without ``config.validation``).

    With ``dynamic_binarization`` the training inputs stay grey levels (0..1): each batch draws its own
    bits from them. Validation digits are binarized once, with their own seed, like the test set.
    """
    if config.dynamic_binarization:
        images, _ = load_mnist("train")
        data, held = images.float().unsqueeze(1) / 255.0, binarize(images[-config.validation :], seed=2)
    else:
        data = load_data(config.data, "train")
        held = data[-config.validation :]
    if not config.validation:
        return data, None
    if config.validation >= len(data):
        raise ValueError(f"validation must leave training data: {config.validation} of {len(data)}")
    return data[: -config.validation], held.reshape(-1, *data.shape[1:])


def _training_labels(config: PixelRNNConfig) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """The classes of :func:`_training_digits`' two parts, for a class-conditional model (else None, None)."""
    if not config.classes:
        return None, None
    if config.data == "colour_patches":
        raise ValueError("classes (conditioning) needs MNIST data: the colour patches have no labels")
    labels = load_mnist("train")[1]
    if not config.validation:
        return labels, None
    return labels[: -config.validation], labels[-config.validation :]


def _learning_rate(config: PixelRNNConfig, step: int) -> float:
    """Constant, or a cosine from ``lr`` at step 0 down to ``lr / 20`` at the last step."""
    if config.lr_schedule == "constant":
        return config.lr
    floor = config.lr / 20
    return floor + (config.lr - floor) * 0.5 * (1 + math.cos(math.pi * step / max(config.steps - 1, 1)))


def _resumable(
    path: Path, config: PixelRNNConfig, model: nn.Module, optimiser: torch.optim.Optimizer,
    generator: torch.Generator, best: dict,
) -> Resumable | None:  # fmt: skip
    """What ``--resume`` saves and restores: model, optimiser, the batch generator, the best model so far."""
    if not config.resume:
        return None

    def state() -> dict:
        return {"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                "generator": generator.get_state(), "best": best}  # fmt: skip

    def restore(saved: dict) -> None:
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        generator.set_state(saved["generator"])
        best.update(saved["best"])

    return Resumable(path, state, restore, every_s=60 * config.save_minutes)


def train(config: PixelRNNConfig, folder: Path | None = None) -> Trained:
    """Train on the config's data; return the model (eval mode, CPU) and its per-step NLL.

    With ``validation`` the returned model is the one with the best validation NLL (checked every
    ``validate_every`` steps; ``patience`` stops early); with ``resume`` the run continues from
    ``folder/NAME.resume.pt``, which it saves every ``save_minutes`` (model, optimiser, best model,
    random state) so a long run can span several sittings; ``stop_at`` ends a sitting at that step (the
    schedule still runs to ``steps``), so the best model so far can be shipped while the run goes on.
    """
    generator = seed_everything(config.seed)
    device = default_device()
    data, held = _training_digits(config)
    labels, held_labels = _training_labels(config)  # None, None unless class-conditional
    data = data.to(device)
    model = build_model(config).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    best = {"nll": math.inf, "step": -1, "model": copy.deepcopy(model.state_dict()), "stale": 0}

    def validate(i: int) -> None:
        nll = evaluate_nll(
            model, held.to(device), labels=None if held_labels is None else held_labels.to(device)
        )
        model.train()
        if nll < best["nll"]:
            best.update(nll=nll, step=i, model=copy.deepcopy(model.state_dict()), stale=0)
        else:
            best["stale"] += 1

    done = {"steps": 0}  # steps trained over every sitting, for stop_at

    def step(i: int) -> dict[str, float]:
        for group in optimiser.param_groups:
            group["lr"] = _learning_rate(config, i)
        index = torch.randint(len(data), (config.batch_size,), generator=generator)
        batch = data[index]
        classes = None if labels is None else labels[index].to(device)  # y of p(x | y), conditional only
        if config.dynamic_binarization:
            batch = (torch.rand(batch.shape, generator=generator).to(device) < batch).float()
        with autocast(device, config.bf16):
            loss = nll_nats(model(batch, classes), batch).mean()  # −log p(x) = −Σ_i log p(x_i | x_<i)
        optimiser_step(optimiser, loss, clip=10.0)
        metrics = {"nll_nats": loss.item(), "lr": optimiser.param_groups[0]["lr"]}
        done["steps"] = i + 1
        if held is not None:
            if (i + 1) % config.validate_every == 0 or i == config.steps - 1:
                validate(i)
            metrics["best_validation_nll_nats"] = best["nll"]  # inf until the first check
        return metrics

    name = checkpoint_name(config)
    saved_run = Path(folder or "runs") / f"{name}.resume.pt"
    resumable = _resumable(saved_run, config, model, optimiser, generator, best)
    start = time.perf_counter()
    model.train()

    def stop() -> bool:  # the sitting is over, or no better validation NLL for `patience` checks
        sitting_over = bool(config.stop_at) and done["steps"] >= config.stop_at
        return sitting_over or (bool(config.patience) and best["stale"] >= config.patience)

    history = run_training(step, config.steps, desc=name, resumable=resumable, stop=stop)
    wall = resumable.seconds if resumable else time.perf_counter() - start
    if held is not None:
        model.load_state_dict(best["model"])
    return Trained({"model": model.eval().cpu()}, history, wall, results={"best_step": best["step"]})


def _measure(config: PixelRNNConfig, trained: Trained) -> Callable[[dict[str, nn.Module]], dict[str, float]]:
    """What a checkpoint's sidecar and a seed's row record: the full-test NLL and bits/dim; with
    ``validation``, also the shipped (best) model's validation NLL and step."""
    test, labels = load_data(config.data, "test"), conditional_test_labels(config)
    held = _training_digits(config)[1] if config.validation else None  # no second training-set load otherwise
    held_labels = _training_labels(config)[1]

    def measure(networks: dict[str, nn.Module]) -> dict[str, float]:
        nats = evaluate_nll(networks["model"], test, labels=labels)
        metrics = {"test_nll_nats": nats, "test_bits_per_dim": bits_per_dim(nats, test[0].numel())}
        if held is not None:
            metrics.update(validation_nll_nats=evaluate_nll(networks["model"], held, labels=held_labels),
                           best_step=trained.results["best_step"])  # fmt: skip
        if config.classes:  # the samples' class purity, judged by the shipped classifier (≥ 500 samples)
            checker = networks["classifier"]
            metrics["classifier_test_accuracy"] = classifier_accuracy(checker, test, labels)
            metrics["class_purity"] = class_purity(networks["model"], checker, PURITY_PER_CLASS, seed=0)[0]
            metrics["class_purity_samples"] = PURITY_PER_CLASS * config.classes
        return metrics

    return measure


def train_and_save(config: PixelRNNConfig, folder: Path | None = None) -> str:
    """Train, evaluate on the full test set and write the checkpoint; return its name."""
    trained = train(config, folder)
    name = checkpoint_name(config)
    if config.classes:  # the conditional model ships with the classifier that checks its samples
        trained.networks["classifier"] = train_classifier(config.seed)
    ship(name, trained, config, _measure(config, trained), folder)
    return name


# The 256-way models whose report rows are judged on a mean over seeds (``train NAME_seeds --seed S``).
SEED_STUDIES = ("pixelcnn_mnist8", "pixelcnn_rgb")


def train_seed(config: PixelRNNConfig, folder: Path | None = None) -> str:
    """Train with ``config.seed`` and add its full-test NLL and bits/dim (float16 weights) to the model's
    seed study (``pixelcnn_mnist8_seeds``, …); no checkpoint. What ``train pixelcnn_mnist8_seeds`` runs.
    """
    trained = train(config, folder)
    return str(record_seed(checkpoint_name(config), trained, config, _measure(config, trained), folder))


def read_seeds(name: str, folder: Path | None = None) -> dict[int, dict]:
    """Seed study ``name`` (one of :data:`SEED_STUDIES`), rows by seed: test NLL and bits/dim.

    Taught in notebooks/03_pixelrnn.ipynb §10 Results beside the paper.
    """
    if name not in SEED_STUDIES:
        raise ValueError(f"name must be one of {SEED_STUDIES}, got {name!r}")
    return read_seed_study(name, f"python -m dmlib train {name}_seeds --seed S", folder)


# The paper's numbers. Binarized MNIST (Table 4, nats): PAPERS.md marks PixelCNN and Row LSTM as
# recalled rather than found in a stored source, so the notebook flags them as unverified.
PAPER_NLL = {"pixelcnn": 81.30, "rowlstm": 80.54, "diagbilstm": 79.20}


def nll_goal(name: str) -> float:
    """The goal fixed (issue #13) before the long runs: the full-test NLL within 3 nats of the paper's
    figure; the gated PixelCNN, which Table 4 does not list, against the PixelCNN's."""
    return PAPER_NLL.get(name, PAPER_NLL["pixelcnn"]) + 3


def paper_figures(
    load: Callable[[str], Pretrained], name: str, n_test: int | None = None, stored: bool = False
) -> list[Figure]:
    """Checkpoint ``name``'s test likelihood beside the paper's figure (first ``n_test`` images).

    ``stored=True`` takes the full-test NLL that ``train`` wrote into the sidecar instead of recomputing
    it (the notebook's recap: minutes of evaluation for the recurrent models otherwise). The 256-way
    models (:data:`SEED_STUDIES`) are judged on the mean bits/dim of their seed study instead, against
    the goal fixed before their runs: context must beat no context (:func:`independent_pixel_bits`).
    """
    if name in SEED_STUDIES:
        bpd = [row["test_bits_per_dim"] for row in read_seeds(name).values()]
        paper = "n/a"  # the paper's CIFAR-10 3.14 is other data: our colour model learns patches of one photo
        baseline = independent_pixel_bits(CHECKPOINTS[name]["data"])
        return [Figure("PixelRNN", f"{name}: test bits/dim, mean of {len(bpd)} seeds", paper,
                       float(np.mean(bpd)), f"< {baseline:.3f}")]  # fmt: skip
    pretrained = load(name)
    model = pretrained.networks["model"]
    test = load_data(model.config.data, "test")[:n_test]
    labels = None if (y := conditional_test_labels(model.config)) is None else y[: len(test)]
    nats = (
        pretrained.sidecar["metrics"]["test_nll_nats"] if stored else evaluate_nll(model, test, labels=labels)
    )
    if model.config.classes:  # the conditional model: p(x | y) and the class purity of its samples
        purity = pretrained.sidecar["metrics"]["class_purity"] if stored else class_purity(
            model, pretrained.networks["classifier"], PURITY_PER_CLASS, seed=0)[0]  # fmt: skip
        return [
            Figure("PixelRNN", f"{name}: NLL given the class", "n/a", nats, f"<= {nll_goal(name):.2f}"),
            Figure("PixelRNN", f"{name}: class purity of {PURITY_PER_CLASS * model.config.classes} samples",
                   "n/a", purity, ">= 0.90"),
        ]  # fmt: skip
    paper = f"{PAPER_NLL[name]:.2f}" if name in PAPER_NLL else "n/a"
    goal = f"<= {nll_goal(name):.2f}"
    return [Figure("PixelRNN", f"{name}: binarized MNIST test NLL (nats)", paper, nats, goal)]
