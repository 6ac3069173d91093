"""Training throughput of the PixelRNN family on this CPU, one thread (issue #13).

    python benchmarks/pixelrnn.py            # print the tables
    python benchmarks/pixelrnn.py --readme   # ... and write them into README.md

1. Row LSTM and Diagonal BiLSTM, 7 layers, h = 16, 28×28 binary digits: *before* is the straightforward
   layers of ``reference_pixelrnn.py`` at batch 32 (the shipped checkpoints' setting); *after* is dmlib's
   layers at the batch size of each model's recipe. Both carry the same weights, and the benchmark
   checks that their outputs agree before it times them.
2. dmlib's PixelCNN beside the common public PixelCNN (``reference_pixelrnn.public_pixelcnn``), 8-bit
   digits, 256-way softmax, batch 32: time per step and per multiply-add, since the two differ in size.

A training step is forward, backward and an Adam update; each row is the median of ``--repeats`` timed
runs of ``--steps`` steps after one warm-up step, with ``torch.set_num_threads(1)``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_pixelrnn as reference  # noqa: E402

from dmlib.pixelrnn.experiments import CHECKPOINTS, nll_nats  # noqa: E402
from dmlib.pixelrnn.models import PixelRNNConfig, build_model  # noqa: E402

REFERENCE_LAYERS = {"rowlstm": reference.RowLSTMLayer, "diagbilstm": reference.DiagonalBiLSTMLayer}


def with_reference_layers(model: nn.Module) -> nn.Module:
    """The same model (same weights) with its recurrent layers replaced by the reference ones."""
    config = model.config
    layers = []
    for layer in model.rnns:
        plain = REFERENCE_LAYERS[config.model](config.hidden, config.colours)
        plain.load_state_dict(layer.state_dict())
        layers.append(plain)
    model.rnns = nn.ModuleList(layers)
    return model


def seconds_per_step(model: nn.Module, batch: torch.Tensor, loss, steps: int, repeats: int) -> float:
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


def binary_digits(n: int) -> torch.Tensor:
    return (torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(0)) < 0.2).float()


def multiply_adds(model: nn.Module, x: torch.Tensor) -> int:
    """Multiply-adds of every convolution in one forward pass (the recurrences excluded)."""
    total = 0

    def count(module: nn.Module, _: tuple, out: torch.Tensor) -> None:
        nonlocal total
        kernel = module.weight[0].numel()  # in/groups · kh · kw
        total += out.numel() * kernel

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return total


def recurrent_table(steps: int, repeats: int) -> str:
    lines = [
        "| model | before: images/s (batch 32) | after: images/s (batch) | speed-up | max output difference |",
        "|---|---:|---:|---:|---:|",
    ]
    loss = lambda logits, x: nll_nats(logits, x).mean()  # noqa: E731
    for name in ("rowlstm", "diagbilstm"):
        config = PixelRNNConfig(**CHECKPOINTS[name])
        torch.manual_seed(0)
        fast = build_model(config)
        plain = with_reference_layers(build_model(config))
        plain.load_state_dict(fast.state_dict())
        x = binary_digits(config.batch_size)
        with torch.no_grad():
            difference = (fast(x) - plain(x)).abs().max().item()
        before = 32 / seconds_per_step(plain, binary_digits(32), loss, steps, repeats)
        after = config.batch_size / seconds_per_step(fast, x, loss, steps, repeats)
        lines.append(f"| {name} | {before:.1f} | {after:.1f} ({config.batch_size}) | {after / before:.1f}× "
                     f"| {difference:.1e} |")  # fmt: skip
    return "\n".join(lines)


def pixelcnn_table(steps: int, repeats: int) -> str:
    x = torch.randint(256, (32, 1, 28, 28), generator=torch.Generator().manual_seed(0)).float() / 255
    public = reference.public_pixelcnn()
    ours = build_model(replace(PixelRNNConfig(**CHECKPOINTS["pixelcnn_mnist8"]), hidden=64, kernel=7))
    targets = lambda x: torch.round(x * 255).long()  # noqa: E731
    public_loss = lambda logits, x: nn.functional.cross_entropy(logits, targets(x)[:, 0])  # noqa: E731
    ours_loss = lambda logits, x: nll_nats(logits, x).mean()  # noqa: E731
    rows = []
    for label, model, loss in (("public PixelCNN (reference)", public, public_loss), ("dmlib PixelCNN", ours, ours_loss)):
        seconds = seconds_per_step(model, x, loss, steps, repeats)
        rows.append((label, seconds, multiply_adds(model, x)))
    lines = [
        "| model (batch 32, 8-bit 28×28) | s / step | multiply-adds / step (forward) | ns per multiply-add | vs reference |",
        "|---|---:|---:|---:|---:|",
    ]
    reference_rate = rows[0][1] / rows[0][2]
    for label, seconds, macs in rows:
        rate = seconds / macs
        lines.append(f"| {label} | {seconds:.3f} | {macs / 1e9:.2f} G | {rate * 1e9:.3f} | {rate / reference_rate:.2f}× |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    text = recurrent_table(args.steps, args.repeats) + "\n\n" + pixelcnn_table(args.steps, args.repeats)
    print(text)
    if args.readme:
        from dmlib.course import write_readme_block

        write_readme_block("bench-pixelrnn", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
