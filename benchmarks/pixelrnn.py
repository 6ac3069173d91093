"""Training speed of the PixelRNN family on this CPU, one thread (issue #13).

    python benchmarks/pixelrnn.py            # print the tables
    python benchmarks/pixelrnn.py --readme   # ... and write them into README.md

1. dmlib's PixelCNN beside the straightforward public-size PixelCNN of ``reference_pixelrnn.py``
   (8-bit 28×28 digits, 256-way softmax, batch 32). dmlib is configured to about the same nominal
   size (h = 64, 7×7 mask-B kernels, 7 blocks); both are compared per step and per nominal multiply-add
   (every convolution counted with its whole kernel, masked taps included).
2. Training throughput (images/s) of every binary-MNIST model at its recipe's settings.

A training step is forward, backward and an Adam update; each figure is the median of ``--repeats``
timed runs of ``--steps`` steps after one warm-up step, with ``torch.set_num_threads(1)``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_pixelrnn import public_pixelcnn  # noqa: E402

from dmlib.pixelrnn.experiments import CHECKPOINTS, nll_nats  # noqa: E402
from dmlib.pixelrnn.models import MODEL_NAMES, PixelRNNConfig, build_model  # noqa: E402

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def seconds_per_step(model: nn.Module, batch: torch.Tensor, loss: Loss, steps: int, repeats: int) -> float:
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        optimiser.zero_grad(set_to_none=True)
        loss(model(batch), batch).backward()
        optimiser.step()

    step()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def nominal_multiply_adds(model: nn.Module, x: torch.Tensor) -> int:
    """Multiply-adds of every convolution in one forward pass, each with its whole (unmasked) kernel."""
    total = 0

    def count(module: nn.Module, _: tuple, out: torch.Tensor) -> None:
        nonlocal total
        total += out.numel() * module.weight[0].numel()  # outputs × (in/groups · kh · kw)

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return total


def dmlib_loss(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return nll_nats(logits, x).mean()


def public_loss(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, torch.round(x * 255).long()[:, 0])


def pixelcnn_table(steps: int, repeats: int) -> str:
    x = torch.randint(256, (32, 1, 28, 28), generator=torch.Generator().manual_seed(0)).float() / 255
    torch.manual_seed(0)
    ours = build_model(replace(PixelRNNConfig(**CHECKPOINTS["pixelcnn_mnist8"]), hidden=64, kernel=7))
    rows = [
        ("public-size PixelCNN (reference)", public_pixelcnn(), public_loss),
        ("dmlib PixelCNN, h = 64, 7×7", ours, dmlib_loss),
    ]
    measured = [(label, seconds_per_step(m, x, loss, steps, repeats), nominal_multiply_adds(m, x))
                for label, m, loss in rows]  # fmt: skip
    reference_ns = measured[0][1] / measured[0][2] * 1e9
    lines = [
        "| batch 32, 8-bit 28×28 | s / step | nominal multiply-adds | ns per multiply-add | vs reference |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, seconds, macs in measured:
        ns = seconds / macs * 1e9
        lines.append(f"| {label} | {seconds:.3f} | {macs / 1e9:.2f} G | {ns:.3f} | {ns / reference_ns:.2f}×|")
    return "\n".join(lines)


def throughput_table(steps: int, repeats: int) -> str:
    lines = ["| binary MNIST model (recipe) | batch | s / step | images / s |", "|---|---:|---:|---:|"]
    for name in MODEL_NAMES:
        config = PixelRNNConfig(**CHECKPOINTS[name])
        torch.manual_seed(0)
        x = (torch.rand(config.batch_size, 1, 28, 28) < 0.2).float()
        seconds = seconds_per_step(build_model(config), x, dmlib_loss, steps, repeats)
        lines.append(f"| {name} | {config.batch_size} | {seconds:.3f} | {config.batch_size / seconds:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    text = pixelcnn_table(args.steps, args.repeats) + "\n\n" + throughput_table(args.steps, args.repeats)
    print(text)
    if args.readme:
        from dmlib.course import write_readme_block

        write_readme_block("bench-pixelrnn", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
