"""Auto-checkers for the notebooks' exercises: each compares a reader's function with dmlib's.

A checker calls the reader's function on seeded random inputs and compares it with the
reference within 1e-6. It returns ``True`` when every case agrees, ``False`` (with a hint) while
the function still raises ``NotImplementedError``, and raises ``AssertionError`` naming the first
failing input otherwise. Taught in the Exercises section of every notebook (01 §9, 02 §13, 03 §11, 04 §10).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import torch

from .infotheory import entropy, gaussian_log_likelihood, mutual_information

__all__ = [
    "buggy_mask_a",
    "check_bits_per_dim",
    "check_categorical_entropy",
    "check_decode",
    "check_fused_accuracy",
    "check_gaussian_L_I",
    "check_h_init",
    "check_hallucination_loss",
    "check_mask_b",
    "check_mask_bug",
    "check_label_path",
    "check_mutual_information",
    "check_path_probability",
    "check_reorg",
    "check_wh_iou",
]


def _checker(check: Callable) -> Callable:
    @functools.wraps(check)
    def run(fn: Callable, trials: int = 20) -> bool:
        if not callable(fn):
            raise ValueError(f"fn must be a function, got {type(fn).__name__}")
        try:
            check(fn, trials)
        except NotImplementedError:
            print("Not attempted yet: write your code in the cell above (the solution is below).")
            return False
        return True

    return run


def _random_distribution(rng: np.random.Generator, shape) -> np.ndarray:
    weights = rng.gamma(0.7, size=shape)
    weights.ravel()[rng.integers(weights.size)] = 0.0  # include a zero-probability outcome
    return weights / weights.sum()


def _compare(name: str, got, expected: float, case) -> None:
    if not np.isclose(float(got), expected, rtol=1e-6, atol=1e-6):
        shown = np.round(np.asarray(case, dtype=float), 4)
        raise AssertionError(f"{name}: for input\n{shown}\nexpected {expected:.6f}, got {float(got):.6f}")


@_checker
def check_categorical_entropy(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 1: ``fn(p)`` returns H(p) in nats for a probability vector (0 log 0 = 0).

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(0)
    for _ in range(trials):
        p = _random_distribution(rng, rng.integers(2, 12))
        _compare("entropy", fn(p), entropy(p), p)
    print(f"✓ categorical entropy correct on {trials} random distributions")


@_checker
def check_mutual_information(fn: Callable[[np.ndarray], float], trials: int = 20) -> None:
    """Exercise 2: ``fn(joint)`` returns I(X; Y) in nats for a 2-D table ``joint[x, y]``.

    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    rng = np.random.default_rng(1)
    for _ in range(trials):
        joint = _random_distribution(rng, tuple(rng.integers(2, 6, size=2)))
        _compare("mutual information", fn(joint), mutual_information(joint), joint)
    independent = np.outer([0.2, 0.8], [0.5, 0.3, 0.2])
    _compare("mutual information of independent X, Y", fn(independent), 0.0, independent)
    print(f"✓ mutual information correct on {trials + 1} joint tables (one independent)")


@_checker
def check_gaussian_L_I(fn: Callable[..., torch.Tensor], trials: int = 20) -> None:
    """Exercise 3: ``fn(c, mean, log_std)`` returns the batch mean of log Q(c | x) for a factored
    Gaussian Q — the continuous-code part of L_I, without the constant H(c).
    Taught in notebooks/01_infogan.ipynb §9 Exercises.
    """
    generator = torch.Generator().manual_seed(2)
    for _ in range(trials):
        c, mean = (torch.rand(8, 2, generator=generator) * 2 - 1 for _ in range(2))
        log_std = torch.randn(8, 2, generator=generator) * 0.5
        expected = float(gaussian_log_likelihood(c, mean, log_std).mean())
        _compare("Gaussian L_I", fn(c, mean, log_std), expected, torch.cat([c, mean, log_std], 1))
    print(f"✓ Gaussian L_I correct on {trials} random batches")


@_checker
def check_mask_b(fn: Callable[[int], np.ndarray], trials: int = 4) -> None:
    """PixelRNN exercise 1: ``fn(k)`` returns the k×k grayscale mask B (1 = connection kept).

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    from .pixelrnn.masks import causal_mask

    one = torch.zeros(1, dtype=torch.long)
    for k in (1, 3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "B")[0, 0].numpy()
        got = np.asarray(fn(k), dtype=float)
        if got.shape != expected.shape or not np.array_equal(got, expected):
            raise AssertionError(f"mask B for k={k}: expected\n{expected.astype(int)}\ngot\n{got}")
    print("✓ mask B correct for k = 1, 3, 5, 7")


@_checker
def check_bits_per_dim(fn: Callable[[float, int], float], trials: int = 20) -> None:
    """PixelRNN exercise 2: ``fn(nats, dims)`` converts an image's NLL in nats to bits per dimension.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    rng = np.random.default_rng(3)
    for _ in range(trials):
        nats, dims = float(rng.uniform(10, 5000)), int(rng.integers(1, 3073))
        _compare("bits/dim", fn(nats, dims), nats / dims / np.log(2), [nats, dims])
    print(f"✓ bits/dim correct on {trials} random cases (e.g. CIFAR's 3072 dims)")


def buggy_mask_a(k: int) -> np.ndarray:
    """A k×k grayscale 'mask A' with one classic bug, for exercise 3 to find.

    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    mask = np.zeros((k, k))
    mask[: k // 2] = 1
    mask[k // 2, : k // 2 + 1] = 1
    return mask


@_checker
def check_mask_bug(fn: Callable[[int], list], trials: int = 3) -> None:
    """PixelRNN exercise 3: ``fn(k)`` lists the (row, col) positions where :func:`buggy_mask_a`
    differs from the true mask A.
    Taught in notebooks/03_pixelrnn.ipynb §11 Exercises.
    """
    from .pixelrnn.masks import causal_mask

    one = torch.zeros(1, dtype=torch.long)
    for k in (3, 5, 7)[:trials]:
        expected = causal_mask((k, k), one, one, "A")[0, 0].numpy()
        wrong = sorted(map(tuple, np.argwhere(buggy_mask_a(k) != expected).tolist()))
        got = sorted(tuple(int(v) for v in pos) for pos in fn(k))
        if got != wrong:
            raise AssertionError(f"k={k}: the buggy positions are not {got}")
    print("✓ you found the bug: mask A must hide the centre pixel itself")


@_checker
def check_wh_iou(fn: Callable[[float, float, float, float], float], trials: int = 20) -> None:
    """YOLO exercise 1: ``fn(w1, h1, w2, h2)`` is the IoU of two boxes that share a centre.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    from .yolo.boxes import wh_iou

    rng = np.random.default_rng(4)
    for _ in range(trials):
        case = rng.uniform(0.01, 1.0, size=4)
        expected = float(wh_iou(torch.tensor(case[None, :2]), torch.tensor(case[None, 2:]))[0, 0])
        _compare("IoU of (w, h) pairs", fn(*map(float, case)), expected, case)
    print(f"✓ (w, h) IoU correct on {trials} random pairs")


@_checker
def check_reorg(fn: Callable[[torch.Tensor], torch.Tensor], trials: int = 5) -> None:
    """YOLO exercise 2: ``fn(x)`` turns (B, C, H, W) into (B, 4C, H/2, W/2) like the passthrough.

    Channel order must match :func:`dmlib.yolo.detector.reorg` (channel c's 2×2 block → 4c … 4c+3).
    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    from .yolo.detector import reorg

    generator = torch.Generator().manual_seed(5)
    for _ in range(trials):
        c, half = torch.randint(1, 5, (2,), generator=generator).tolist()
        h = 2 * half
        x = torch.randn(2, c, h, h, generator=generator)
        got, expected = fn(x), reorg(x)
        if tuple(got.shape) != tuple(expected.shape) or not torch.allclose(got, expected):
            raise AssertionError(f"for x of shape {tuple(x.shape)} expected shape {tuple(expected.shape)} "
                                 f"and reorg's values, got shape {tuple(got.shape)}")  # fmt: skip
    print(f"✓ reorg matches on {trials} random feature maps (26×26×512 → 13×13×2048 at 416)")


@_checker
def check_decode(fn: Callable[..., tuple], trials: int = 20) -> None:
    """YOLO exercise 3: ``fn(t_x, t_y, t_w, t_h, c_x, c_y, p_w, p_h)`` → (b_x, b_y, b_w, b_h) in cells.

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(6)
    for _ in range(trials):
        t = rng.normal(size=4)
        c_x, c_y = rng.integers(0, 13, size=2)
        p_w, p_h = rng.uniform(0.5, 10, size=2)
        sigmoid = 1 / (1 + np.exp(-t[:2]))
        expected = [sigmoid[0] + c_x, sigmoid[1] + c_y, p_w * np.exp(t[2]), p_h * np.exp(t[3])]
        got = fn(*map(float, t), int(c_x), int(c_y), float(p_w), float(p_h))
        for name, g, e in zip(("b_x", "b_y", "b_w", "b_h"), got, expected, strict=True):
            _compare(name, g, float(e), [*t, c_x, c_y, p_w, p_h])
    print(f"✓ direct location prediction decoded correctly on {trials} random cases")


@_checker
def check_hallucination_loss(fn: Callable[..., torch.Tensor], trials: int = 10) -> None:
    """Hallucination exercise 1: ``fn(a_depth, a_halluc)`` = ‖σ(A_D) − σ(A_H)‖² per example, batch mean.

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    from .hallucination import hallucination_loss

    generator = torch.Generator().manual_seed(7)
    for _ in range(trials):
        a_d, a_h = torch.randn(2, 4, 3, 2, 2, generator=generator) * 3
        _compare("hallucination loss", fn(a_d, a_h), float(hallucination_loss(a_d, a_h)), a_d[0].flatten())
    print(f"✓ hallucination loss correct on {trials} random activation pairs")


@_checker
def check_h_init(fn: Callable, trials: int = 1) -> None:
    """Hallucination exercise 2: ``fn(depth_net)`` returns H initialised as the paper does it.

    H must compute exactly what D computes, with its *own* parameters: training H afterwards must
    not move D (which serves as H's fixed target). Taught in §10 Exercises.
    """
    from .hallucination import ModalityNet

    torch.manual_seed(9)
    depth_net = ModalityNet().eval()
    h_net = fn(depth_net)
    if not isinstance(h_net, ModalityNet) or h_net is depth_net:
        raise AssertionError("return a new ModalityNet, not D itself")
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        if not torch.allclose(h_net.eval()(x), depth_net(x)):
            raise AssertionError("H does not compute what D computes: copy every weight (and BN statistic)")
        next(h_net.parameters()).add_(1.0)
        if torch.allclose(h_net(x), depth_net(x)):
            raise AssertionError("H shares its parameters with D: changing H changed D (use copy.deepcopy)")
    print("✓ H starts as an independent copy of D")


@_checker
def check_fused_accuracy(fn: Callable[..., float], trials: int = 10) -> None:
    """Hallucination exercise 3: ``fn(scores_a, scores_b, labels)`` = accuracy of the averaged scores.

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    generator = torch.Generator().manual_seed(8)
    for _ in range(trials):
        a, b = torch.randn(2, 50, 5, generator=generator)
        labels = torch.randint(5, (50,), generator=generator)
        expected = float(((a + b) / 2).argmax(1).eq(labels).float().mean())
        _compare("fused accuracy", fn(a, b, labels), expected, labels[:8])
    print(f"✓ fused accuracy correct on {trials} random score pairs")


def _random_tree(rng: np.random.Generator, size: int) -> list[int]:
    """A random parent list (parents first; −1 marks top-level nodes)."""
    return [-1 if i < 2 else int(rng.integers(-1, i)) for i in range(size)]


@_checker
def check_path_probability(fn: Callable[[np.ndarray, list, int], float], trials: int = 10) -> None:
    """YOLO9000 exercise 1: ``fn(conditional, parent, node)`` = Pr(node), the product of Pr(· | parent)
    on its path to the top (``parent[i]`` is −1 for a top-level node).

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(10)
    for _ in range(trials):
        parent = _random_tree(rng, 12)
        conditional = rng.uniform(0.05, 1.0, size=12)
        node = int(rng.integers(12))
        expected, walk = 1.0, node
        while walk >= 0:
            expected *= conditional[walk]
            walk = parent[walk]
        _compare("Pr(node)", fn(conditional, parent, node), expected, parent)
    print(f"✓ Pr(node) = product of conditionals, on {trials} random trees")


@_checker
def check_label_path(fn: Callable[[list, int], list], trials: int = 10) -> None:
    """YOLO9000 exercise 2: ``fn(parent, label)`` lists the nodes whose conditional Pr(node | parent)
    a label trains: the label and its ancestors (never its descendants).

    Taught in notebooks/02_yolo9000.ipynb §13 Exercises.
    """
    rng = np.random.default_rng(11)
    for _ in range(trials):
        parent = _random_tree(rng, 12)
        label = int(rng.integers(12))
        expected, walk = set(), label
        while walk >= 0:
            expected.add(walk)
            walk = parent[walk]
        got = {int(v) for v in fn(parent, label)}
        if got != expected:
            message = f"parent={parent}, label={label}: expected {sorted(expected)}, got {sorted(got)}"
            raise AssertionError(message)
    print(f"✓ the trained conditionals are the label's path, on {trials} random trees")
