"""Every public entry point that takes tensors or arrays: NaN/inf, out-of-range values, wrong
layouts each get a ValueError naming the argument; an empty batch, where legal, a correct empty result."""

import numpy as np
import pytest
import torch

from dmlib.hallucination import experiments as hx
from dmlib.hallucination import model as hm
from dmlib.hallucination import scenes
from dmlib.infogan import experiments as ix
from dmlib.infogan import infotheory as it
from dmlib.infogan import model as im
from dmlib.pixelrnn import coding, experiments, sampling
from dmlib.pixelrnn.models import PixelRNNConfig, build_model
from dmlib.yolo import boxes, clusters, detector, loss, wordtree
from dmlib.yolo import experiments as yx

NAN, INF = float("nan"), float("inf")
G, DQ = im.build().values()
PIXELCNN = build_model(PixelRNNConfig(hidden=4, layers=1, out_hidden=4, image_size=6))
YOLO = detector.YOLOv2(detector.DetectorConfig(classes=3, anchors=2, width=0.0625, in_channels=1))
ANCHORS = torch.tensor([[1.0, 1.0], [2.0, 3.0]])
TREE = wordtree.WordTree(["a", "b", "c"], [-1, -1, 0], ["a", "b", "c"])


def _with(value: float, shape: tuple, at: tuple = (0,)) -> torch.Tensor:
    x = torch.rand(shape)
    x[at] = value
    return x


BAD = {
    # InfoGAN: information theory, codes, Q, measurements
    "entropy NaN": (lambda: it.entropy([0.5, NAN]), "p contains NaN"),
    "cross_entropy inf": (lambda: it.cross_entropy([0.5, 0.5], [INF, 0.5]), "q contains NaN or infinite"),
    "mutual_information NaN": (
        lambda: it.mutual_information([[0.5, NAN], [0.25, 0.25]]),
        "joint contains NaN",
    ),
    "mutual_information 1-D": (lambda: it.mutual_information([0.5, 0.5]), "joint must be a 2-D table"),
    "gaussian NaN": (
        lambda: it.gaussian_log_likelihood(torch.zeros(2, 2), _with(NAN, (2, 2)), torch.zeros(2, 2)),
        "mean contains NaN",
    ),
    "generate NaN codes": (
        lambda: ix.generate(G, torch.tensor([1]), torch.tensor([[NAN, 0.0]]), torch.zeros(1, 62)),
        "c_cont contains NaN",
    ),
    "generate c1 out of range": (
        lambda: ix.generate(G, torch.tensor([10]), torch.zeros(1, 2), torch.zeros(1, 62)),
        "c1 must be ≤ 9",
    ),
    "generate z layout": (
        lambda: ix.generate(G, torch.tensor([1]), torch.zeros(1, 2), torch.zeros(62)),
        "z must have shape",
    ),
    "predict_c1 NaN": (lambda: ix.predict_c1(DQ, _with(NAN, (2, 1, 28, 28))), "images contains NaN"),
    "predict_c1 0-255": (lambda: ix.predict_c1(DQ, torch.full((2, 1, 28, 28), 255.0)), "images must be ≤ 1"),
    "shape_measures inf": (
        lambda: ix.shape_measures(_with(INF, (2, 1, 28, 28))),
        "images contains NaN or infinite",
    ),
    "sweep NaN values": (
        lambda: ix.sweep(G, "c2", torch.tensor([NAN]), torch.zeros(1, 62)),
        "values contains NaN",
    ),
    "match_clusters empty": (lambda: ix.match_clusters(np.array([], int), np.array([], int)), "non-empty"),
    "match_clusters floats": (lambda: ix.match_clusters(np.array([0.5]), np.array([0])), "must hold ints"),
    # YOLO: boxes, AP, priors, decoding, the loss, detection, WordTree
    "box_iou NaN": (lambda: boxes.box_iou(_with(NAN, (2, 4)), torch.rand(1, 4)), "a contains NaN"),
    "box_iou layout": (
        lambda: boxes.box_iou(torch.rand(2, 5), torch.rand(1, 4)),
        "a must have shape \\(N, 4\\)",
    ),
    "centre_to_corner inf": (lambda: boxes.centre_to_corner(_with(INF, (2, 4))), "boxes contains NaN"),
    "wh_iou NaN": (lambda: boxes.wh_iou(_with(NAN, (2, 2)), torch.rand(1, 2)), "a contains NaN"),
    "nms NaN scores": (
        lambda: boxes.nms(torch.tensor([[0.0, 0, 1, 1]]), torch.tensor([NAN]), 0.5),
        "scores contains NaN",
    ),
    "average_precision recall > 1": (
        lambda: boxes.average_precision(np.array([0.5, 2.0]), np.array([1.0, 0.5])),
        "recall must be ≤ 1",
    ),
    "match_detections (n, 4)": (
        lambda: boxes.match_detections([torch.rand(2, 4)], [torch.rand(1, 5)], 0),
        "detections\\[0\\].* must have shape \\(N, 6\\)",
    ),
    "kmeans NaN": (lambda: clusters.kmeans_anchors(_with(NAN, (10, 2)), 2), "finite, positive"),
    "decode NaN": (lambda: detector.decode(_with(NAN, (1, 16, 2, 2)), ANCHORS), "output contains NaN"),
    "decode bad anchors": (
        lambda: detector.decode(torch.zeros(1, 16, 2, 2), -ANCHORS),
        "anchors .* must be ≥",
    ),
    "region_loss class out of range": (
        lambda: loss.region_loss(
            torch.zeros(1, 16, 2, 2), [torch.tensor([[7.0, 0.5, 0.5, 0.2, 0.2]])], ANCHORS
        ),
        "class ids must be ≤ 2",
    ),
    "region_loss NaN output": (
        lambda: loss.region_loss(_with(NAN, (1, 16, 2, 2)), [torch.zeros(0, 5)], ANCHORS),
        "output contains NaN",
    ),
    "detect 0-255 images": (
        lambda: yx.detect(YOLO, ANCHORS / 5, torch.full((1, 1, 64, 64), 255.0)),
        "images must be ≤",
    ),
    "conditional_log_probs NaN": (
        lambda: wordtree.conditional_log_probs(_with(NAN, (2, 3)), TREE),
        "logits contains NaN",
    ),
    "predict probability > 1": (
        lambda: wordtree.predict(torch.full((1, 3), 2.0), TREE),
        "absolute .* must be ≤",
    ),
    "hierarchical_loss label out of range": (
        lambda: wordtree.hierarchical_loss(torch.zeros(1, 3), torch.tensor([5]), TREE),
        "labels .* must be ≤ 2",
    ),
    # PixelRNN: data in the model's range, samplers, the coder
    "evaluate_nll non-binary": (lambda: experiments.evaluate_nll(PIXELCNN, torch.rand(2, 1, 6, 6)), "binary"),
    "evaluate_nll NaN": (lambda: experiments.evaluate_nll(PIXELCNN, torch.full((1, 1, 6, 6), NAN)), "NaN"),
    "complete NaN": (lambda: sampling.complete(PIXELCNN, torch.full((1, 1, 6, 6), NAN), 2, 1), "NaN"),
    "compress non-binary": (lambda: coding.compress(PIXELCNN, torch.full((1, 1, 6, 6), 0.5)), "binary"),
    # Hallucination: scenes, the loss, CKA, scores
    "check_inputs NaN rgb": (lambda: hm.check_inputs(_with(NAN, (2, 3, 8, 8))), "rgb contains NaN"),
    "check_inputs zero depth": (lambda: hm.check_inputs(depth=torch.zeros(2, 1, 8, 8)), "depth must be ≥"),
    "hallucination_loss NaN": (
        lambda: hm.hallucination_loss(_with(NAN, (2, 4)), torch.zeros(2, 4)),
        "depth_activation contains NaN",
    ),
    "linear_cka inf": (
        lambda: hm.linear_cka(_with(INF, (4, 3)), torch.rand(4, 3)),
        "x contains NaN or infinite",
    ),
    "encode_depth inf": (lambda: scenes.encode_depth(torch.full((1, 1, 4, 4), INF)), "positive and finite"),
    "scores wrong channels": (
        lambda: hx.scores(hm.ModalityNet(), torch.rand(2, 1, 64, 64)),
        "inputs must have shape",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_named(case):
    call, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("case", "call", "shape"),
    [
        (
            "generate",
            lambda: ix.generate(G, torch.zeros(0, dtype=torch.long), torch.zeros(0, 2), torch.zeros(0, 62)),
            (0, 1, 28, 28),
        ),
        ("predict_c1", lambda: ix.predict_c1(DQ, torch.zeros(0, 1, 28, 28)), (0,)),
        ("YOLOv2 forward", lambda: YOLO(torch.zeros(0, 1, 64, 64)), (0, 16, 2, 2)),
        ("nms", lambda: boxes.nms(torch.zeros(0, 4), torch.zeros(0), 0.5), (0,)),
        ("box_iou", lambda: boxes.box_iou(torch.zeros(0, 4), torch.tensor([[0.0, 0, 1, 1]] * 2)), (0, 2)),
        ("hallucination scores", lambda: hx.scores(hm.ModalityNet(), torch.zeros(0, 3, 64, 64)), (0, 5)),
    ],
)
def test_an_empty_batch_gives_an_empty_result(case, call, shape):
    assert tuple(call().shape) == shape, case


def test_detect_on_no_images_finds_nothing():
    assert yx.detect(YOLO, ANCHORS / 2, torch.zeros(0, 1, 64, 64)) == []
