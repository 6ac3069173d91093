"""Modality hallucination's exercise checkers: the loss, H's initialisation, fused accuracy, CKA and
the paired interval the talk's verdicts rest on.

Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises (protocol: :mod:`dmlib.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..exercises import checker, compare
from ..stats import paired_interval
from .model import ModalityNet, hallucination_loss, linear_cka

__all__ = [
    "check_linear_cka",
    "check_paired_interval",
    "check_fused_accuracy",
    "check_hallucination_gradient",
    "check_h_init",
    "check_hallucination_loss",
]


@checker
def check_hallucination_loss(fn: Callable[..., torch.Tensor], trials: int = 10) -> None:
    """Hallucination exercise 1: ``fn(a_depth, a_halluc)`` = ‖σ(A_D) − σ(A_H)‖² per example, batch mean.

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """

    generator = torch.Generator().manual_seed(7)
    for _ in range(trials):
        a_d, a_h = torch.randn(2, 4, 3, 2, 2, generator=generator) * 3
        compare("hallucination loss", fn(a_d, a_h), float(hallucination_loss(a_d, a_h)), a_d[0].flatten())
    print(f"✓ hallucination loss correct on {trials} random activation pairs")


@checker
def check_h_init(fn: Callable, trials: int = 1) -> None:  # noqa: ARG001 - one deterministic case
    """Hallucination exercise 2: ``fn(depth_net)`` returns H initialised as the paper does it.

    H must compute exactly what D computes, with its *own* parameters: training H afterwards must
    not move D (which serves as H's fixed target). Taught in §10 Exercises.
    """

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


@checker
def check_fused_accuracy(fn: Callable[..., float], trials: int = 10) -> None:
    """Hallucination exercise 3: ``fn(scores_a, scores_b, labels)`` = accuracy of the averaged scores.

    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    generator = torch.Generator().manual_seed(8)
    for _ in range(trials):
        a, b = torch.randn(2, 50, 5, generator=generator)
        labels = torch.randint(5, (50,), generator=generator)
        expected = float(((a + b) / 2).argmax(1).eq(labels).float().mean())
        compare("fused accuracy", fn(a, b, labels), expected, labels[:8])
    print(f"✓ fused accuracy correct on {trials} random score pairs")


@checker
def check_hallucination_gradient(fn: Callable[..., torch.Tensor], trials: int = 10) -> None:
    """Hallucination exercise 4: ``fn(a_depth, a_halluc)`` = ∂L_hall/∂A_H, derived by hand and compared
    with autograd on the loss of §4.
    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    generator = torch.Generator().manual_seed(10)
    for _ in range(trials):
        a_d, a_h = torch.randn(2, 4, 6, generator=generator) * 3
        a_h.requires_grad_(True)
        (expected,) = torch.autograd.grad(hallucination_loss(a_d, a_h), a_h)
        got = torch.as_tensor(fn(a_d, a_h.detach()), dtype=expected.dtype)
        if got.shape != expected.shape or not torch.allclose(got, expected, atol=1e-6):
            raise AssertionError(f"∂L_hall/∂A_H: expected\n{expected[0]}\ngot\n{got.reshape(-1)[:6]}")
    print(f"✓ your gradient matches autograd on {trials} random activation pairs")


@checker
def check_linear_cka(fn: Callable[[torch.Tensor, torch.Tensor], float], trials: int = 10) -> None:
    """Hallucination exercise 7: ``fn(x, y)`` is linear CKA of two activation sets (N, D1) and (N, D2).

    Also checks the two properties the talk relies on: CKA is unchanged by rotating or scaling one
    set's features, and it is 1 for a set and itself.
    Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    generator = torch.Generator().manual_seed(11)
    for _ in range(trials):
        x = torch.randn(30, 6, generator=generator)
        y = x @ torch.randn(6, 4, generator=generator) + 0.5 * torch.randn(30, 4, generator=generator)
        compare("CKA(x, y)", fn(x, y), linear_cka(x, y), x[0])
        rotation, _ = torch.linalg.qr(torch.randn(6, 6, generator=generator))
        compare("CKA(x · rotation · 3, y)", fn(3 * x @ rotation, y), linear_cka(x, y), x[0])
        compare("CKA(x, x)", fn(x, x), 1.0, x[0])
    print(f"✓ linear CKA correct on {trials} random pairs; invariant to rotation and scale; CKA(x, x) = 1")


@checker
def check_paired_interval(fn: Callable[..., tuple], trials: int = 10) -> None:
    """Hallucination exercise 8: ``fn(a, b)`` → (mean, low, high), the paired 95 % interval of mean(a − b).

    ``a`` and ``b`` hold one accuracy per seed (same seeds, same order). Compared with
    ``stats.paired_interval``. Taught in notebooks/04_modality_hallucination.ipynb §10 Exercises.
    """
    generator = torch.Generator().manual_seed(3)
    for _ in range(trials):
        n = int(torch.randint(3, 16, (1,), generator=generator))
        a = (0.45 + 0.05 * torch.randn(n, generator=generator)).tolist()
        b = [v - 0.02 + 0.04 * float(e) for v, e in zip(a, torch.randn(n, generator=generator), strict=True)]
        expected = paired_interval(a, b)
        got = fn(list(a), list(b))
        for name, value, want in zip(
            ("mean", "low", "high"), got, (expected.mean, expected.low, expected.high), strict=True
        ):
            compare(f"{name} of a − b over {n} seeds", value, want, [a, b])
    print(f"✓ paired 95 % intervals correct for {trials} random studies of 3 to 15 seeds")
