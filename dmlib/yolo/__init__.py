"""PR-023 YOLO9000: Better, Faster, Stronger (Redmon & Farhadi, CVPR 2017, arXiv 1612.08242).

Taught in notebooks/02_yolo9000.ipynb. One module per concern, in the paper's order:

- :mod:`.boxes` — IoU, NMS, VOC average precision (the measuring tape of every table);
- :mod:`.clusters` — dimension clusters: k-means with d = 1 − IoU (Table 1, Figure 2);
- :mod:`.darknet` — Darknet-19 (Table 6) and an operation counter (5.58 B ops at 224);
- :mod:`.detector` — YOLOv2: passthrough, direct location prediction, decoding;
- :mod:`.loss` — the region loss as darknet computes it;
- :mod:`.canvases` — the course's detection data: real MNIST digits pasted on canvases;
- :mod:`.experiments` — digit-detection training, the mini Table 2 and Table 3;
- :mod:`.wordtree`, :mod:`.yolo9000` — "Stronger": WordTree, hierarchical softmax, joint training;
- :mod:`.widgets`, :mod:`.exercises` — the notebook's interactive figures and exercise checkers.
"""

from __future__ import annotations

from ..training import Recipe
from . import experiments, yolo9000

__all__ = ["RECIPES"]

RECIPES = [
    Recipe(
        name="yolov2",
        help="YOLOv2 on MNIST digit canvases (PR-023)",
        config=experiments.YOLOConfig,
        train_and_save=experiments.train_and_save,
        figures=experiments.paper_figures,
        build=experiments.build,
        checkpoints={"yolov2": {}},
    ),
    Recipe(
        name="yolov2_seeds",
        help="seed study (PR-023): train the shipped detector's recipe with --seed S and add its test "
        "mAP to data/results/yolov2_seeds.json",
        config=experiments.YOLOConfig,
        train_and_save=experiments.train_seed,
    ),
    Recipe(
        name="yolov2_path",
        help="PR-023 Table 2 in miniature: one detector per step of the path, same budget",
        config=experiments.YOLOConfig,
        train_and_save=experiments.train_path,
        figures=experiments.path_figures,
        defaults={"steps": experiments.PATH_STEPS},
    ),
    Recipe(
        name="yolo9000",
        help="Mini YOLO9000 (PR-023): joint detection + classification over a WordTree; "
        "--no-joint trains the detection-only baseline",
        config=yolo9000.YOLO9000Config,
        train_and_save=yolo9000.train_and_save,
        figures=yolo9000.paper_figures,
        build=yolo9000.build,
        checkpoints={"yolo9000": {}, "yolo9000_detection_only": {"joint": False}},
    ),
    Recipe(
        name="yolo9000_seeds",
        help="seed study (PR-023): train mini YOLO9000 with --seed S and add its row to "
        "data/results/yolo9000_seeds.json (--no-joint: the detection-only arm's)",
        config=yolo9000.YOLO9000Config,
        train_and_save=yolo9000.train_seed,
    ),
]
