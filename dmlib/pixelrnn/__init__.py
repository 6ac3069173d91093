"""PixelRNN — van den Oord, Kalchbrenner, Kavukcuoglu, "Pixel Recurrent Neural Networks", ICML 2016
(https://arxiv.org/abs/1601.06759), with the Gated PixelCNN of "Conditional Image Generation with
PixelCNN Decoders" (NeurIPS 2016, https://arxiv.org/abs/1606.05328).

Taught in notebooks/03_pixelrnn.ipynb (PR-024), in the order of UvA's tutorial: masks → one layer →
receptive field by gradients → blocks → models → sampling, then likelihoods and compression.

    p(x) = Π_i p(x_i | x_<i),   p(x_i | x_<i) = p(R | x_<i) · p(G | x_<i, R) · p(B | x_<i, R, G)

Modules: ``masks`` (mask A/B and colour groups), ``models`` (PixelCNN, Row LSTM, Diagonal BiLSTM,
Gated PixelCNN), ``receptive`` (dependency fields by gradients), ``sampling`` (naive and cached),
``coding`` (arithmetic coding), ``experiments`` (data, training, evaluation), ``conditional`` (the
class-conditional model's check), ``capacity`` (the PixelCNN's width/depth comparison), and the notebook's
``widgets`` and ``exercises``.
"""

from __future__ import annotations

import functools

from ..training import Recipe
from . import capacity, experiments
from .models import PixelRNNConfig

__all__ = ["RECIPES"]

RECIPES = (
    [
        Recipe(
            name=name,
            help=f"PixelRNN family (PR-024): {name}, {overrides.get('data', 'binary_mnist')}",
            config=PixelRNNConfig,
            train_and_save=experiments.train_and_save,
            figures=functools.partial(experiments.paper_figures, name=name),
            build=experiments.build,
            checkpoints={name: {}},
            defaults=overrides,
        )
        for name, overrides in experiments.CHECKPOINTS.items()
    ]
    + [
        Recipe(
            name=name,
            help=f"PixelRNN family (PR-024): {name} (still training, not shipped yet)",
            config=PixelRNNConfig,
            train_and_save=experiments.train_and_save,
            build=experiments.build,
            defaults=overrides,
        )
        for name, overrides in experiments.IN_TRAINING.items()
    ]
    + [
        Recipe(
            name=f"{name}_seeds",
            help=f"seed study (PR-024): train {name} with --seed S and add its test bits/dim to "
            f"data/results/{name}_seeds.json",
            config=PixelRNNConfig,
            train_and_save=experiments.train_seed,
            defaults=experiments.CHECKPOINTS[name],
        )
        for name in experiments.SEED_STUDIES
    ]
    + [
        Recipe(
            name="pixelcnn_capacity",
            help="PixelCNN capacity comparison (PR-024): train one architecture (--layers, --hidden) for "
            f"{capacity.CAPACITY_STEPS} steps and add its curve to data/results/pixelcnn_capacity.json",
            config=PixelRNNConfig,
            train_and_save=capacity.train_arm,
            defaults=capacity.CAPACITY_RECIPE,
        )
    ]
)
