"""PixelCNN, Row LSTM, Diagonal BiLSTM (van den Oord et al., ICML 2016) and Gated PixelCNN
(van den Oord et al., NeurIPS 2016), all sharing the paper's Table 1 skeleton:

    7×7 conv, mask A  →  residual blocks (2h features)  →  ReLU, 1×1 mask B  →  ReLU, 1×1 mask B  →  outputs

Outputs are one logit per channel for binary images (a sigmoid, MNIST) or a 256-way softmax per colour.
Taught in notebooks/03_pixelrnn.ipynb §5 Architecture and §6 PixelCNN.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_choice, check_fields, check_positive
from .masks import MaskedConv2d, channel_groups

MODEL_NAMES = ("pixelcnn", "rowlstm", "diagbilstm", "gatedpixelcnn")

__all__ = [
    "DiagonalBiLSTM",
    "GatedPixelCNN",
    "MODELS",
    "PixelCNN",
    "PixelRNNConfig",
    "RowLSTM",
    "build_model",
    "skew",
    "unskew",
]


@dataclass
class PixelRNNConfig:
    """Model and training settings; every field is a ``python -m dmlib train <model>`` flag.

    Taught in notebooks/03_pixelrnn.ipynb §0 Setup.
    """

    model: str = "pixelcnn"  # pixelcnn | rowlstm | diagbilstm | gatedpixelcnn
    data: str = "binary_mnist"  # binary_mnist | mnist8 | colour_patches
    colours: int = 1
    levels: int = 2  # 2: a sigmoid per pixel; 256: a softmax over 8-bit values
    hidden: int = 16  # h; the residual stream carries 2h features
    layers: int = 7  # residual blocks
    out_hidden: int = 32  # maps in the two 1×1 output layers
    kernel: int = 3  # PixelCNN / gated hidden kernel
    image_size: int = 28
    steps: int = 2000
    batch_size: int = 32
    lr: float = 1e-3
    seed: int = 0
    bf16: bool = True
    # Training to convergence (the defaults are the short runs' settings):
    dynamic_binarization: bool = False  # binary_mnist: a fresh Bernoulli draw of a digit each time it is used
    validation: int = 0  # the last N training digits are held out for model selection (0: none)
    validate_every: int = 1000  # steps between validation NLLs; the best one is shipped
    patience: int = 0  # stop after this many validations without improvement (0: never)
    lr_schedule: str = "constant"  # constant | cosine (down to lr / 20 at the last step)
    resume: bool = False  # continue the run saved in the output folder (NAME.resume.pt)
    save_minutes: float = 10.0  # how often a run saves what --resume needs
    stop_at: int = 0  # with resume: end this sitting at this step, ship the best model so far (0: run on)
    classes: int = 0  # gatedpixelcnn: condition on a class label 0…classes−1 (the gated paper's h); 0: none

    def __post_init__(self) -> None:
        check_fields(self)
        check_choice(self.model, "model", tuple(MODEL_NAMES))
        check_choice(self.data, "data", ("binary_mnist", "mnist8", "colour_patches"))
        check_choice(self.levels, "levels", (2, 256))
        check_choice(self.lr_schedule, "lr_schedule", ("constant", "cosine"))
        check_positive(self, "colours", "hidden", "out_hidden", "kernel", "image_size", "steps")
        check_positive(self, "batch_size", "lr", "validate_every", "save_minutes")
        if min(self.validation, self.patience, self.stop_at) < 0:
            raise ValueError(f"validation, patience, stop_at must be ≥ 0: {self.validation}, {self.patience},"
                             f" {self.stop_at}")  # fmt: skip
        if self.stop_at and not (self.resume and self.stop_at < self.steps):
            raise ValueError(f"stop_at ends a sitting of a --resume run before its {self.steps} steps; "
                             f"got stop_at={self.stop_at}, resume={self.resume}")  # fmt: skip
        if self.dynamic_binarization and self.data != "binary_mnist":
            raise ValueError("dynamic_binarization applies to data='binary_mnist' only")
        if self.classes < 0 or self.classes and self.model != "gatedpixelcnn":
            raise ValueError(f"classes (conditioning) is for model='gatedpixelcnn' only and ≥ 0, got "
                             f"classes={self.classes} for model={self.model!r}")  # fmt: skip
        if self.kernel % 2 == 0 or min(self.seed, self.layers) < 0:
            raise ValueError(
                f"kernel must be odd, seed and layers ≥ 0: {self.kernel}, {self.seed}, {self.layers}"
            )


def _tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh(x) = 2σ(2x) − 1: on the 2026-11-29 CPU ``torch.tanh`` took ≈ 3× as long (74 against 26 µs
    for a Diagonal BiLSTM cell state of 2 × 16 × 896 values, one thread)."""
    return torch.sigmoid(2 * x).mul_(2).sub_(1)


class _LSTMCell(torch.autograd.Function):
    """One LSTM update from pre-activations (…, 4h, N) ordered [o, f, i, g] along dim −2.

    The recurrences call it once per row or diagonal; its backward pass is written out, which takes
    about half the passes over memory of autograd's graph of the same update (and no ``cat``).
    The gates take the cell's precision (bf16 gates from autocast are cast up), so the cell state
    never rounds to bf16.
    """

    @staticmethod
    def forward(
        ctx: torch.autograd.function.FunctionCtx, gates: torch.Tensor, cell: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hidden, new_cell, saved = _LSTMCell.update(gates, cell)
        ctx.save_for_backward(*saved)
        return hidden, new_cell

    @staticmethod
    def update(gates: torch.Tensor, cell: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, tuple]:
        """(h, c, what :meth:`gradients` needs) of one update; the forward pass as a plain function."""
        gates = gates.to(cell.dtype)
        h = gates.shape[-2] // 4
        sig = torch.sigmoid(gates[..., : 3 * h, :])  # output, forget, input gates
        o, f, i = sig.split(h, dim=-2)
        g = _tanh(gates[..., 3 * h :, :])  # candidate
        new_cell = torch.addcmul(f * cell, i, g)  # c = f ⊙ c′ + i ⊙ g
        tanh_cell = _tanh(new_cell)
        return o * tanh_cell, new_cell, (sig, g, cell, tanh_cell)  # h = o ⊙ tanh(c)

    @staticmethod
    def backward(
        ctx: torch.autograd.function.FunctionCtx, d_hidden: torch.Tensor, d_cell: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return _LSTMCell.gradients(*ctx.saved_tensors, d_hidden, d_cell)

    @staticmethod
    def gradients(
        sig: torch.Tensor,
        g: torch.Tensor,
        cell: torch.Tensor,
        tanh_cell: torch.Tensor,
        d_hidden: torch.Tensor,
        d_cell: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(∂L/∂gates, ∂L/∂c′) from what :meth:`update` saved; the backward pass as a plain function."""
        h = g.shape[-2]
        o, f, i = sig.split(h, dim=-2)
        d_gates = sig.new_empty(*sig.shape[:-2], 4 * h, sig.shape[-1])
        d_o, d_f, d_i, d_g = d_gates.split(h, dim=-2)
        torch.mul(d_hidden, tanh_cell, out=d_o)
        d_c = d_hidden * o * (1 - tanh_cell * tanh_cell)  # ∂L/∂c through h
        if d_cell is not None:
            d_c += d_cell  # … and through the next step's c
        torch.mul(d_c, cell, out=d_f)
        torch.mul(d_c, g, out=d_i)
        torch.mul(d_c, i, out=d_g)
        d_gates[..., : 3 * h, :] *= sig * (1 - sig)  # σ′ = σ(1 − σ)
        d_g *= 1 - g * g  # tanh′ = 1 − tanh²
        return d_gates, d_c * f


class _Autoregressive(nn.Module):
    """Shared first layer, output layers and input checks; subclasses define ``body``."""

    def __init__(self, config: PixelRNNConfig):
        super().__init__()
        if config.levels not in (2, 256):
            raise ValueError(f"levels must be 2 (binary) or 256 (8-bit), got {config.levels}")
        if config.levels == 2 and config.colours != 1:
            raise ValueError("binary models are grayscale: colours must be 1 when levels is 2")
        self.config = config
        c, h2 = config.colours, 2 * config.hidden
        self.per_colour = 1 if config.levels == 2 else config.levels
        out_groups = torch.arange(c).repeat_interleave(self.per_colour)
        self.head = nn.Sequential(
            nn.ReLU(),
            MaskedConv2d(h2, config.out_hidden, 1, "B", c),
            nn.ReLU(),
            MaskedConv2d(config.out_hidden, c * self.per_colour, 1, "B", c, out_groups=out_groups),
        )

    def check_shape(self, x: torch.Tensor) -> None:
        """Raise ``ValueError`` unless ``x`` is a (B, C, H, W) tensor; cheap, so ``forward`` runs it."""
        c = self.config.colours  # any H, W works: the models are fully convolutional
        if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != c:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must have shape (B, {c}, H, W), got {shape}")

    def check_input(self, x: torch.Tensor) -> None:
        """Shape and values: binary {0, 1} or 8-bit / 255 in [0, 1]. Public entry points call it once;
        ``forward`` does not scan values (the naive sampler calls it once per sub-pixel)."""
        self.check_shape(x)
        if not torch.isfinite(x).all():
            raise ValueError("x contains NaN or infinite values")
        if self.config.levels == 2 and not ((x == 0) | (x == 1)).all():
            raise ValueError("x must be binary (0/1) for a binary model; binarize it first")
        if self.config.levels == 256 and (x.min() < 0 or x.max() > 1):
            raise ValueError("x must hold 8-bit intensities scaled to [0, 1] (value / 255)")

    def check_labels(self, x: torch.Tensor, labels: torch.Tensor | None) -> None:
        """Raise ``ValueError`` unless ``labels`` fits the model: None for an unconditional model,
        (B,) integers in 0…classes−1 for a class-conditional one."""
        classes = self.config.classes
        if not classes:
            if labels is not None:
                raise ValueError(f"{self.config.model} is unconditional (classes=0): pass no labels")
            return
        if labels is None:
            raise ValueError(f"this model is class-conditional ({classes} classes): pass labels (B,)")
        if labels.dim() != 1 or len(labels) != len(x) or labels.is_floating_point():
            raise ValueError(f"labels must be ({len(x)},) integers, got {tuple(labels.shape)} {labels.dtype}")
        if len(labels) and (labels.min() < 0 or labels.max() >= classes):
            raise ValueError(
                f"labels must be in 0…{classes - 1}, got {labels.min().item()}…{labels.max().item()}"
            )

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Logits: (B, C, H, W) for binary models, (B, 256, C, H, W) for 8-bit ones.

        ``labels`` (B,) only for a class-conditional gated PixelCNN (``config.classes``)."""
        self.check_shape(x)
        self.check_labels(x, labels)
        out = self.head(self.body(x) if labels is None else self.body(x, labels))  # (B, C·per_colour, H, W)
        if self.per_colour == 1:
            return out
        b, _, hgt, wid = out.shape
        return out.view(b, self.config.colours, self.per_colour, hgt, wid).transpose(1, 2)


class PixelCNN(_Autoregressive):
    """7×7 mask A, then residual blocks 1×1 (2h→h) · 3×3 mask B (h→h) · 1×1 (h→2h), all ReLU."""

    def __init__(self, config: PixelRNNConfig):
        super().__init__(config)
        c, h = config.colours, config.hidden
        self.first = MaskedConv2d(c, 2 * h, 7, "A", c)
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.ReLU(),
                MaskedConv2d(2 * h, h, 1, "B", c),
                nn.ReLU(),
                MaskedConv2d(h, h, config.kernel, "B", c),
                nn.ReLU(),
                MaskedConv2d(h, 2 * h, 1, "B", c),
            )
            for _ in range(config.layers)
        )

    def body(self, x: torch.Tensor) -> torch.Tensor:
        stream = self.first(x)  # (B, 2h, H, W)
        for block in self.blocks:
            stream = stream + block(stream)
        return stream


class RowLSTMLayer(nn.Module):
    """Row LSTM (§3.1): a 1×3 mask-B input-to-state conv over the whole map, then, row by row,
    a 1×3 state-to-state conv of the previous row's hidden state. Its context is a triangle above.

    Both convs of a row are one matmul, on a channels-first, batch-innermost (C, H, W·B) layout: the
    input conv's kept taps (left neighbour, pixel) and the state conv's (left, centre, right) side by
    side. A neighbour along the row is then a shift by B.
    """

    def __init__(self, hidden: int, colours: int):
        super().__init__()
        self.input_to_state = MaskedConv2d(2 * hidden, 4 * hidden, (1, 3), "B", colours, out_blocks=4)
        self.state_to_state = nn.Conv1d(hidden, 4 * hidden, 3, padding=1)
        self.hidden = hidden

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, height, width = x.shape
        h = self.hidden
        x = x.permute(1, 2, 3, 0).reshape(c, height, width * b)  # (C, H, W·B)
        inputs = torch.cat([F.pad(x, (b, 0))[..., : width * b], x])  # (2C, H, W·B): left neighbour, pixel
        input_taps = self.input_to_state.kept_kernel()[:, :, 0].transpose(1, 2).reshape(4 * h, 2 * c)
        state_taps = self.state_to_state.weight.transpose(1, 2).reshape(4 * h, 3 * h)
        kernel = torch.cat([input_taps, state_taps], dim=1)  # (4h, 2C + 3h)
        bias = (self.input_to_state.bias + self.state_to_state.bias)[:, None]
        state = x.new_zeros(h, width * b)
        cell = torch.zeros_like(state)
        rows = []
        for row_in in inputs.unbind(1):  # top to bottom
            padded = F.pad(state, (b, b))
            stacked = torch.cat([row_in, padded[:, : width * b], state, padded[:, 2 * b :]])  # (2C + 3h, W·B)
            state, cell = _LSTMCell.apply(torch.addmm(bias, kernel, stacked), cell)
            rows.append(state)
        out = torch.stack(rows, dim=1).view(h, height, width, b)
        return out.permute(3, 0, 1, 2)  # (B, h, H, W)


def skew(x: torch.Tensor) -> torch.Tensor:
    """Offset row r by r positions: (B, C, H, W) → (B, C, H, W + H − 1), so each diagonal of the
    image becomes a column. Taught in notebooks/03_pixelrnn.ipynb §5.3 Diagonal BiLSTM.

    One reshape instead of a loop: pad every row with H zeros, flatten, and re-cut the stream into
    rows one element shorter, which shifts row r right by r.
    """
    b, c, height, width = x.shape
    stream = F.pad(x, (0, height)).flatten(2)[:, :, : height * (width + height - 1)]
    return stream.view(b, c, height, width + height - 1)


def unskew(x: torch.Tensor, width: int) -> torch.Tensor:
    """Invert :func:`skew`: (B, C, H, W + H − 1) → (B, C, H, W).

    Taught in notebooks/03_pixelrnn.ipynb §5.3 Diagonal BiLSTM.
    """
    b, c, height, skewed = x.shape
    stream = F.pad(x.flatten(2), (0, height))  # re-cut into rows one element longer
    return stream.view(b, c, height, skewed + 1)[:, :, :, :width]


@functools.lru_cache(maxsize=16)
def _skewed_order(height: int, width: int) -> tuple[torch.Tensor, torch.Tensor, list[tuple[int, int]]]:
    """Where :func:`skew` puts each pixel, as gather indices for both directions of the Diagonal BiLSTM.

    Column j of the skewed map (S = W + H − 1 columns) holds image pixels in rows max(0, j − W + 1) …
    min(j, H − 1). The cells above them are right of the image: no pixel reads their states (a state
    reads the cell above and the cell to its left, i.e. the same or a smaller image column). The cells
    below are left of the image: they are computed once per step, not per image
    (:meth:`DiagonalBiLSTMLayer.outside`: one state per column).

    Returns ``cells`` (2, N): the pixel each image cell holds, column by column, top to bottom
    (1-based), left-to-right and for the mirrored map; ``pixels`` (2, H·W): each image pixel's place
    in that list (1-based), the mirrored direction shifted down one row (0 for the top row: nothing);
    ``spans``: each column's first and last image row.
    """
    numbers = torch.arange(1, height * width + 1).view(1, 1, height, width)
    grid = torch.stack([skew(numbers), skew(numbers.flip(3))])[:, 0, 0].transpose(1, 2)  # (2, S, H)
    inside = grid[0] > 0  # (S, H)
    cells = grid[:, inside]
    place = torch.zeros(grid.shape[1:], dtype=torch.long)
    place[inside] = torch.arange(1, cells.shape[1] + 1)
    place = unskew(place.t()[None, None], width)[0, 0]  # (H, W)
    mirrored_down = F.pad(place.flip(1), (0, 0, 1, 0))[:-1]
    rows = torch.arange(height).expand_as(inside)
    spans = [(int(r[m].min()), int(r[m].max())) for r, m in zip(rows, inside, strict=True)]
    return cells, torch.stack([place, mirrored_down]).view(2, -1), spans


class DiagonalBiLSTMLayer(nn.Module):
    """Diagonal BiLSTM (§3.2): two diagonal LSTMs, left-to-right and right-to-left (the latter on
    the mirrored map), computed in one loop over the columns of the skewed map.

    Each direction: a 1×1 mask-B input-to-state conv, then column by column a 2×1 state-to-state
    conv that reads, in image coordinates, the pixel above and the pixel to the left. The right
    direction is shifted down a row before the two are added, so no pixel sees its own row to the
    right.

    The skew is a gather (:func:`_skewed_order`) of the input into a channels-first, column-major
    layout (C, 2, cells, B); per column, both convs of both directions are one batched matmul. Left
    of the image the input-to-state gates are 0 (as for :func:`skew` of the input-to-state conv's
    output) and only the state-to-state bias applies: those states are the same in every image.
    """

    def __init__(self, hidden: int, colours: int):
        super().__init__()
        self.input_to_state = nn.ModuleList(
            MaskedConv2d(2 * hidden, 4 * hidden, 1, "B", colours, out_blocks=4) for _ in range(2)
        )
        # Both directions' 2×1 kernels as one grouped conv over the stacked states (B, 2h, H).
        self.state_to_state = nn.Conv1d(2 * hidden, 8 * hidden, 2, padding=1, groups=2)
        self.hidden = hidden

    def outside(self, height: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """(state, cell) of the cells left of the image in skewed columns j = −1 … H − 2, shapes (2, h, 1, 1)
        and (2, h, 1). All cells of one such column hold the same state: they see no input, and the two
        they read (above, left) are cells of the previous column, equal by the same argument (column −1
        is the zero start). So one state per column stands for them all.
        """
        h = self.hidden
        taps = self.state_to_state.weight.view(2, 4 * h, h, 2).sum(3)  # above + left: they read one state
        kernel = torch.cat([self.state_to_state.bias.view(2, 4 * h, 1), taps], dim=2)  # (2, 4h, 1 + h)
        one = taps.new_ones(2, 1, 1)
        state, cell = taps.new_zeros(2, h, 1), taps.new_zeros(2, h, 1)
        columns = [(state.view(2, h, 1, 1), cell)]
        for _ in range(height - 1):
            state, cell = _LSTMCell.apply(torch.bmm(kernel, torch.cat([one, state], 1)), cell)
            columns.append((state.view(2, h, 1, 1), cell))
        return columns

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, height, width = x.shape
        h = self.hidden
        cells, pixels, spans = _skewed_order(height, width)
        # Pixels first, one extra channel of ones for the biases: (C + 1, H·W, B), gathered column-major.
        x = torch.cat([x, x.new_ones(b, 1, height, width)], 1).permute(1, 2, 3, 0).reshape(c + 1, -1, b)
        skewed = x.index_select(1, cells.to(x.device).flatten() - 1).view(c + 1, 2, -1, b)  # (C + 1, 2, N, B)
        # One matmul per column and direction: [input, 1, state one row up, state one column left] → 4h gates.
        state_taps = self.state_to_state.weight.view(2, 4 * h, h, 2).transpose(2, 3).reshape(2, 4 * h, 2 * h)
        input_bias = torch.stack([conv.bias for conv in self.input_to_state])  # (2, 4h)
        biases = input_bias + self.state_to_state.bias.view(2, 4 * h)
        kernel = torch.cat(
            [torch.stack([conv.kept_kernel()[:, :, 0, 0] for conv in self.input_to_state]), biases[..., None],
             state_taps],
            dim=2,
        )  # (2, 4h, C + 1 + 2h)  # fmt: skip
        outside = self.outside(height)
        state, cell = x.new_zeros(2, h, 0, b), x.new_zeros(2, h, 0)  # column −1 has no image cells
        before = (0, -1)  # the previous column's first and last image row
        columns = []
        for j, (column_in, (first, last)) in enumerate(
            zip(skewed.split([end - start + 1 for start, end in spans], dim=2), spans, strict=True)
        ):
            left, left_cell = state[:, :, first - before[0] :], cell[..., (first - before[0]) * b :]
            if last > before[1]:  # row j enters the image: its left neighbour is outside
                out_state, out_cell = outside[j]  # column j − 1's
                left = torch.cat([left, out_state.expand(-1, -1, -1, b)], dim=2)
                left_cell = torch.cat([left_cell, out_cell.expand(-1, -1, b)], dim=2)
            above = state[:, :, max(first - 1 - before[0], 0) : last - before[0]]
            if first == 0:  # the top row reads zeros above
                above = F.pad(above, (0, 0, 1, 0))
            inputs = torch.cat([column_in.transpose(0, 1).flatten(2), above.flatten(2), left.flatten(2)], 1)
            state, cell = _LSTMCell.apply(torch.bmm(kernel, inputs), left_cell)
            columns.append(state)
            state = state.view(2, h, -1, b)
            before = (first, last)
        out = F.pad(torch.cat(columns, dim=2).view(2, h, -1, b), (0, 0, 1, 0))  # (2, h, 1 + N, B)
        pixels = pixels.to(x.device)
        # (h, H·W, B); the right-to-left direction is already a row down (pixels[1])
        image = out[0].index_select(1, pixels[0]) + out[1].index_select(1, pixels[1])
        return image.permute(2, 0, 1).view(b, h, height, width)


class _ResidualRNN(_Autoregressive):
    """PixelRNN: 7×7 mask A, then residual LSTM layers 2h → (h per gate) → h → 1×1 → 2h (§3.3)."""

    layer_class: type[nn.Module]

    def __init__(self, config: PixelRNNConfig):
        super().__init__(config)
        c, h = config.colours, config.hidden
        self.first = MaskedConv2d(c, 2 * h, 7, "A", c)
        self.rnns = nn.ModuleList(self.layer_class(h, c) for _ in range(config.layers))
        self.ups = nn.ModuleList(MaskedConv2d(h, 2 * h, 1, "B", c) for _ in range(config.layers))

    def body(self, x: torch.Tensor) -> torch.Tensor:
        stream = self.first(x)
        for rnn, up in zip(self.rnns, self.ups, strict=True):
            stream = stream + up(rnn(stream))
        return stream


class RowLSTM(_ResidualRNN):
    """The Row LSTM PixelRNN."""

    layer_class = RowLSTMLayer


class DiagonalBiLSTM(_ResidualRNN):
    """The Diagonal BiLSTM PixelRNN."""

    layer_class = DiagonalBiLSTMLayer


class GatedBlock(nn.Module):
    """A gated PixelCNN layer: a vertical stack (rows above, unmasked) and a horizontal stack
    (the row to the left, masked) with tanh ⊙ σ gates; vertical feeds horizontal, never back.

    Conditional (``classes`` > 0): the class's embedding ``V^T h`` is added to both stacks' gate inputs,
    the paper's  y = tanh(W_f ∗ x + V_f^T h) ⊙ σ(W_g ∗ x + V_g^T h)  with h the one-hot class
    (an ``nn.Embedding`` row is V^T h for a one-hot h).
    """

    def __init__(
        self, in_channels: int, channels: int, kernel: int, colours: int, first: bool, classes: int = 0
    ):
        super().__init__()
        self.pad = kernel // 2
        # Vertical: rows r − k//2 … r (all columns). Shifted down a row before it reaches the
        # horizontal stack, so there it only carries rows strictly above.
        self.vertical = nn.Conv2d(in_channels, 2 * channels, (kernel // 2 + 1, kernel))
        self.vertical_to_horizontal = nn.Conv2d(2 * channels, 2 * channels, 1)
        self.horizontal = MaskedConv2d(
            in_channels, 2 * channels, (1, kernel), "A" if first else "B", colours, out_blocks=2
        )
        self.residual = None if first else MaskedConv2d(channels, channels, 1, "B", colours)
        # V_f^T h, V_g^T h for the vertical stack, then for the horizontal one: (classes, 4·channels)
        self.condition = nn.Embedding(classes, 4 * channels) if classes else None

    def class_bias(self, labels: torch.Tensor | None) -> tuple[torch.Tensor | float, torch.Tensor | float]:
        """The terms (B, 2n, 1, 1) added to the vertical and horizontal gate inputs; 0 without classes."""
        if self.condition is None:
            return 0.0, 0.0
        vertical, horizontal = self.condition(labels)[:, :, None, None].chunk(2, dim=1)
        return vertical, horizontal

    def forward(
        self, v: torch.Tensor, h: torch.Tensor, labels: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        to_vertical, to_horizontal = self.class_bias(labels)
        v_pre = self.vertical(F.pad(v, (self.pad, self.pad, self.pad, 0))) + to_vertical  # (B, 2n, H, W)
        v_down = F.pad(v_pre, (0, 0, 1, 0))[:, :, :-1]  # row r now holds row r − 1: strictly above
        h_pre = self.horizontal(h) + self.vertical_to_horizontal(v_down) + to_horizontal
        v_out = _gate(v_pre)
        h_out = _gate(h_pre)
        if self.residual is not None:
            h_out = h + self.residual(h_out)
        return v_out, h_out


def _gate(x: torch.Tensor) -> torch.Tensor:
    a, b = x.chunk(2, dim=1)
    return torch.tanh(a) * torch.sigmoid(b)


class GatedPixelCNN(_Autoregressive):
    """Gated PixelCNN (van den Oord et al. 2016): vertical + horizontal stacks remove the blind
    spot; with ``config.classes`` every gate of both stacks also sees the class (class-conditional)."""

    def __init__(self, config: PixelRNNConfig):
        super().__init__(config)
        c, n, k = config.colours, 2 * config.hidden, config.classes
        self.first = GatedBlock(c, n, 7, c, first=True, classes=k)
        self.blocks = nn.ModuleList(
            GatedBlock(n, n, config.kernel, c, False, k) for _ in range(config.layers)
        )

    def body(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        v, h = self.first(x, x, labels)
        for block in self.blocks:
            v, h = block(v, h, labels)
        return h


MODELS = {  # keyed by MODEL_NAMES
    "pixelcnn": PixelCNN,
    "rowlstm": RowLSTM,
    "diagbilstm": DiagonalBiLSTM,
    "gatedpixelcnn": GatedPixelCNN,
}


def build_model(config: PixelRNNConfig) -> _Autoregressive:
    """The model named by ``config.model``. Taught in notebooks/03_pixelrnn.ipynb §0 Setup."""
    channel_groups(2 * config.hidden, config.colours)  # validates divisibility for colour
    return MODELS[config.model](config)
