"""One table of everything the CLI can train, evaluate and report.

Each entry names its config class, its train function and an ``evaluate`` function that computes
the reproduced figures from the shipped checkpoints, each beside the paper's number.
Taught in notebooks/01_infogan.ipynb §8 Paper vs ours.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

_GOALS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Figure:
    """One reproduced figure: what it is, the paper's value, ours, and the course's goal.

    ``goal`` is an operator and a bound, e.g. ``"<= 0.05"``; :attr:`met` checks ``ours`` against it.
    Taught in notebooks/01_infogan.ipynb §8 Paper vs ours.
    """

    paper: str  # which paper
    name: str
    paper_value: str
    ours: float
    goal: str

    def __post_init__(self):
        op, _, bound = self.goal.partition(" ")
        if op not in _GOALS or not bound:
            raise ValueError(f"goal must look like '<= 0.05', got {self.goal!r}")

    @property
    def met(self) -> bool:
        op, bound = self.goal.split(" ")
        return bool(_GOALS[op](self.ours, float(bound)))

    def to_dict(self) -> dict:
        return {**asdict(self), "met": self.met}


@dataclass(frozen=True)
class Entry:
    """A trainable model: ``train(config)`` writes its checkpoint; ``evaluate()`` returns figures.

    ``defaults`` overrides the config class's defaults for this entry (several entries may share
    one config class, e.g. the four PixelRNN models).
    Taught in notebooks/01_infogan.ipynb §6 Training.
    """

    name: str
    help: str
    config: type
    train: Callable[[Any, Any], str]  # (config, checkpoint folder or None) -> checkpoint name
    evaluate: Callable[[], list[Figure]]
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def default_config(self) -> Any:
        return self.config(**self.defaults)


def entries() -> dict[str, Entry]:
    """Every registered model, by CLI name. Imported lazily so ``--help`` stays fast.

    Taught in notebooks/01_infogan.ipynb §8 Paper vs ours.
    """
    from . import hallucination, infogan
    from .pixelrnn import experiments as pixelrnn
    from .yolo import experiments as yolo
    from .yolo import yolo9000

    table = [
        Entry(
            "infogan",
            "InfoGAN on MNIST (PR-022); --lambda-info 0 trains the plain-GAN arm",
            infogan.InfoGANConfig,
            infogan.train_and_save,
            infogan.paper_figures,
        ),
        *(
            Entry(
                name,
                f"PixelRNN family (PR-024): {name}, {overrides.get('data', 'binary_mnist')}",
                pixelrnn.PixelRNNConfig,
                pixelrnn.train_and_save,
                functools.partial(pixelrnn.paper_figures, name),
                overrides,
            )
            for name, overrides in pixelrnn.CHECKPOINTS.items()
        ),
        Entry("yolov2", "YOLOv2 on MNIST digit canvases (PR-023)", yolo.YOLOConfig, yolo.train_and_save,
              yolo.paper_figures),
        Entry("yolov2_path", "PR-023 Table 2 in miniature: one detector per step of the path, same budget",
              yolo.YOLOConfig, yolo.train_path, yolo.path_figures, {"steps": yolo.PATH_STEPS}),
        Entry("yolo9000", "Mini YOLO9000 (PR-023): joint detection + classification over a WordTree; "
              "--no-joint trains the detection-only baseline",
              yolo9000.YOLO9000Config, yolo9000.train_and_save, yolo9000.paper_figures),
        Entry("hallucination", "Modality hallucination on rendered RGB-D scenes (PR-025), one seed",
              hallucination.HallucinationConfig, hallucination.train_and_save, hallucination.paper_figures),
    ]  # fmt: skip
    return {entry.name: entry for entry in table}


def format_figures(figures: list[Figure]) -> str:
    """A text table of figures: paper value, ours, the goal, and whether it is met.

    Taught in notebooks/01_infogan.ipynb §8 Paper vs ours.
    """
    header = f"{'paper':<8} {'figure':<52} {'paper':>11} {'ours':>7} {'goal':>7}  met"
    lines = [header, "-" * len(header)]
    for f in figures:
        met = "yes" if f.met else "NO"
        lines.append(f"{f.paper:<8} {f.name:<52} {f.paper_value:>11} {f.ours:>7.3f} {f.goal:>7}  {met}")
    return "\n".join(lines)
