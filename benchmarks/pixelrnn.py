"""Training speed of the PixelRNN family on this CPU, one thread (issue #13).

    python benchmarks/pixelrnn.py            # print the tables
    python benchmarks/pixelrnn.py --readme   # ... and write them into README.md

1. dmlib's PixelCNN beside the straightforward public-size PixelCNN of ``reference_pixelrnn.py``
   (8-bit 28×28 digits, 256-way softmax, batch 32). dmlib is configured to about the same nominal
   size (h = 64, 7×7 mask-B kernels, 7 blocks); both are compared per step and per nominal multiply-add
   (every convolution counted with its whole kernel, masked taps included).
2. Training throughput (images/s) of every binary-MNIST model at its recipe's settings (and the
   recurrent ones also at batch 128); for the Row LSTM and the Diagonal BiLSTM also "before": the
   same model with its recurrent layers computed as first written (``with_plain_recurrences``), and
   the multiply-adds of a step's matmuls and convs (``FlopCounterMode``) at this thread's measured
   float32 matmul rate — the time a step could not go below without fewer multiply-adds or a faster
   matmul.

A training step is forward, backward and an Adam update; each figure is the median of ``--repeats``
timed runs of ``--steps`` steps after one warm-up step, with ``torch.set_num_threads(1)``. Models
compared in one table are timed in turns (one run of each, then again), so a busy machine slows
them alike.
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
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_pixelrnn import public_pixelcnn, with_plain_recurrences  # noqa: E402

from dmlib.pixelrnn.experiments import CHECKPOINTS, nll_nats  # noqa: E402
from dmlib.pixelrnn.models import MODEL_NAMES, PixelRNNConfig, build_model  # noqa: E402

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def training_step(model: nn.Module, batch: torch.Tensor, loss: Loss) -> Callable[[], None]:
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        optimiser.zero_grad(set_to_none=True)
        loss(model(batch), batch).backward()
        optimiser.step()

    return step


def seconds_per_step(
    steps_by_name: dict[str, Callable[[], None]], steps: int, repeats: int
) -> dict[str, float]:
    """Median seconds per step of each training step, timed in turns."""
    times: dict[str, list[float]] = {name: [] for name in steps_by_name}
    for step in steps_by_name.values():
        step()  # warm-up
    for _ in range(repeats):
        for name, step in steps_by_name.items():
            start = time.perf_counter()
            for _ in range(steps):
                step()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def step_multiply_adds(step: Callable[[], None]) -> int:
    """Multiply-adds of every matmul and convolution in one training step (forward and backward)."""
    with FlopCounterMode(display=False) as counter:
        step()
    return counter.get_total_flops() // 2


def matmul_rate() -> float:
    """Multiply-adds per second of a float32 matmul on this thread, at a recurrent step's shape."""
    a, b = torch.randn(2, 64, 66), torch.randn(2, 66, 896)
    seconds = seconds_per_step({"bmm": lambda: torch.bmm(a, b)}, steps=50, repeats=5)["bmm"]
    return a[0].numel() * b.shape[-1] * 2 / seconds


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
    rows = {
        "public-size PixelCNN (reference)": (public_pixelcnn(), public_loss),
        "dmlib PixelCNN, h = 64, 7×7": (ours, dmlib_loss),
    }
    seconds = seconds_per_step(
        {label: training_step(m, x, loss) for label, (m, loss) in rows.items()}, steps, repeats
    )
    macs = {label: nominal_multiply_adds(m, x) for label, (m, _) in rows.items()}
    reference = next(iter(rows))
    reference_ns = seconds[reference] / macs[reference] * 1e9
    lines = [
        "| batch 32, 8-bit 28×28 | s / step | nominal multiply-adds | ns per multiply-add | vs reference |",
        "|---|---:|---:|---:|---:|",
    ]
    for label in rows:
        ns = seconds[label] / macs[label] * 1e9
        lines.append(
            f"| {label} | {seconds[label]:.3f} | {macs[label] / 1e9:.2f} G | {ns:.3f}"
            f" | {ns / reference_ns:.2f}×|"
        )
    return "\n".join(lines)


def throughput_table(steps: int, repeats: int) -> str:
    rate = matmul_rate()
    lines = [
        "| binary MNIST model (recipe) | batch | before: s / step | s / step | speed-up | images / s"
        " | matmul multiply-adds | at the matmul rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    recurrent = ("rowlstm", "diagbilstm")
    runs = [(name, 32) for name in MODEL_NAMES] + [(name, 128) for name in recurrent]  # 128: larger batches
    for name, batch in runs:
        config = replace(PixelRNNConfig(**CHECKPOINTS[name]), batch_size=batch)
        torch.manual_seed(0)
        x = (torch.rand(config.batch_size, 1, 28, 28) < 0.2).float()
        step = training_step(build_model(config), x, dmlib_loss)
        timed = {"after": step}
        if name in recurrent:
            torch.manual_seed(0)
            timed["before"] = training_step(with_plain_recurrences(build_model(config)), x, dmlib_loss)
        seconds = seconds_per_step(timed, steps, repeats)
        macs = step_multiply_adds(step)
        before = f"{seconds['before']:.3f}" if "before" in seconds else "–"
        speedup = f"{seconds['before'] / seconds['after']:.2f}×" if "before" in seconds else "–"
        lines.append(
            f"| {name} | {config.batch_size} | {before} | {seconds['after']:.3f} | {speedup}"
            f" | {config.batch_size / seconds['after']:.1f} | {macs / 1e9:.2f} G | {macs / rate:.3f} s |"
        )
    lines.append(
        f"\nfloat32 matmul rate on this thread: {rate / 1e9:.1f} G multiply-adds / s"
        " (batched 64×66 · 66×896)."
    )
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
