"""Training speed of the PixelRNN family on this CPU, one thread (issue #13).

    python benchmarks/pixelrnn.py            # print the tables
    python benchmarks/pixelrnn.py --readme   # ... and write them into docs/benchmarks.md

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
import math
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
from dmlib.pixelrnn.models import MODEL_NAMES, PixelRNNConfig, _LSTMCell, build_model  # noqa: E402
from dmlib.training import autocast, cpu_supports_bf16  # noqa: E402

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def training_step(
    model: nn.Module, batch: torch.Tensor, loss: Loss, bf16: bool = False
) -> Callable[[], None]:
    """One training step as ``dmlib train`` takes it: bfloat16 autocast only where asked and native."""
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        optimiser.zero_grad(set_to_none=True)
        with autocast(torch.device("cpu"), bf16):
            logits = model(batch)
        loss(logits.float(), batch).backward()
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


def matmul_rate(dtype: torch.dtype = torch.float32) -> float:
    """Multiply-adds per second of a matmul on this thread, at a recurrent step's shape."""
    a, b = torch.randn(2, 64, 66, dtype=dtype), torch.randn(2, 66, 896, dtype=dtype)
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


def fused_update_seconds(cells: int, hidden: int) -> float:
    """Seconds of one LSTM update, forward and backward, fused into one ``torch.compile`` kernel.

    A recurrent step cannot do its updates faster than this without fewer of them: it is the floor
    that a hand-fused kernel could reach, where eager PyTorch makes a pass over memory per operation.
    """

    def update(gates: torch.Tensor, cell: torch.Tensor, d_hidden: torch.Tensor) -> tuple[torch.Tensor, ...]:
        hidden, new_cell, saved = _LSTMCell.update(gates, cell)  # dmlib's update, both passes
        return (hidden, new_cell, *_LSTMCell.gradients(*saved, d_hidden, None))

    gates = torch.randn(4 * hidden, cells)
    cell, d_hidden = torch.randn(hidden, cells), torch.randn(hidden, cells)
    fused = torch.compile(update, dynamic=False)
    return seconds_per_step({"update": lambda: fused(gates, cell, d_hidden)}, steps=50, repeats=5)["update"]


def throughput_table(steps: int, repeats: int) -> str:
    bf16 = cpu_supports_bf16()
    rates = {False: matmul_rate(), True: matmul_rate(torch.bfloat16) if bf16 else math.nan}
    lines = [
        "| binary MNIST model (recipe) | batch | precision | before: s / step | s / step | speed-up"
        " | images / s | vs first-written, batch 32 | matmul multiply-adds | at the matmul rate |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    recurrent = ("rowlstm", "diagbilstm")
    runs = [(name, 32, None) for name in MODEL_NAMES]  # each recipe's own precision
    runs += [(name, 128, False) for name in recurrent] + [(name, 128, True) for name in recurrent if bf16]
    first_written: dict[str, float] = {}  # images / s of the first-written layers at batch 32
    floor = ""
    for name, batch, bf16_asked in runs:
        config = replace(PixelRNNConfig(**CHECKPOINTS[name]), batch_size=batch)
        if bf16_asked is not None:
            config = replace(config, bf16=bf16_asked)
        in_bf16 = config.bf16 and bf16
        torch.manual_seed(0)
        x = (torch.rand(config.batch_size, 1, 28, 28) < 0.2).float()
        step = training_step(build_model(config), x, dmlib_loss, config.bf16)
        timed = {"after": step}
        if name in recurrent:
            torch.manual_seed(0)
            plain = with_plain_recurrences(build_model(config))
            timed["before"] = training_step(plain, x, dmlib_loss, config.bf16)
        seconds = seconds_per_step(timed, steps, repeats)
        images = config.batch_size / seconds["after"]
        macs = step_multiply_adds(step)
        before = f"{seconds['before']:.3f}" if "before" in seconds else "–"
        speedup = f"{seconds['before'] / seconds['after']:.2f}×" if "before" in seconds else "–"
        if name in recurrent and batch == 32:
            first_written[name] = batch / seconds["before"]
        versus = f"{images / first_written[name]:.2f}×" if name in first_written else "–"
        lines.append(
            f"| {name} | {config.batch_size} | {'bfloat16' if in_bf16 else 'float32'} | {before}"
            f" | {seconds['after']:.3f} | {speedup} | {images:.1f} | {versus} | {macs / 1e9:.2f} G"
            f" | {macs / rates[in_bf16]:.3f} s |"
        )
        if name == "rowlstm" and in_bf16:  # the fastest Row LSTM step this CPU could take
            updates = config.layers * x.shape[-2]  # one LSTM update per row and layer
            fused = updates * fused_update_seconds(x.shape[-1] * batch, config.hidden)
            target = batch / (4 * first_written[name])
            floor = (
                f"\nRow LSTM, batch {batch}, bfloat16: 4× first-written images/s is {target:.3f} s / step;"
                f" its matmuls alone take {macs / rates[True]:.3f} s at the bfloat16 rate, and its {updates}"
                f" LSTM updates, each fused into one compiled kernel (forward and backward), {fused:.3f} s."
            )
    lines.append(
        "\nmatmul rate on this thread (batched 64×66 · 66×896), multiply-adds / s:"
        f" float32 {rates[False] / 1e9:.1f} G"
        + (f", bfloat16 {rates[True] / 1e9:.1f} G." if bf16 else "; no native bfloat16 on this CPU.")
        + floor
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the tables into docs/benchmarks.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    text = pixelcnn_table(args.steps, args.repeats) + "\n\n" + throughput_table(args.steps, args.repeats)
    print(text)
    if args.readme:
        from dmlib.course import ROOT, write_readme_block

        write_readme_block("bench-pixelrnn", text, ROOT / "docs" / "benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
