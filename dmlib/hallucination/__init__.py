"""PR-025 Learning with Side Information through Modality Hallucination (Hoffman, Gupta, Darrell, CVPR 2016).

Taught in notebooks/04_modality_hallucination.ipynb.

Depth helps recognition, but at test time only RGB is available. The paper trains a third network,
the **hallucination network H**, that sees RGB but is taught to produce the *depth* network's
mid-level features:

    L_hall = ‖σ(A_D^l) − σ(A_H^l)‖²₂         at layer l (pool5 in the paper)

and the whole system is trained with

    L = γ L_hall + L_RGB + L_D + L_H + L_RGB+D + L_RGB+H

where each L_* is a softmax classification loss (RGB+D and RGB+H on averaged scores), γ is chosen
so that the hallucination term is about ten times the others and gradients are clipped at 10 (both as
a blog summary and a re-implementation describe them, not checked in the paper), and the
depth network is frozen below the hallucination loss (so H chases fixed targets). At test time
the prediction is the average of the RGB and H scores — no depth needed.

The recipe (paper §3.2): **stage 1** trains an RGB net and a depth net separately; **stage 2**
initialises H with the trained depth net's weights (the depth encoding has three channels, like
the paper's HHA images, so every layer fits) and trains RGB, D and H jointly.

Networks here are a five-convolution, three-FC "AlexNet" shrunk for 64×64 inputs; "pool5" is the
output of the last pooling layer (48×4×4).

Modules: ``scenes`` (the rendered RGB-D data), ``model`` (the networks and L_hall), ``experiments``
(the recipe, baselines, ablations, evaluation), and the notebook's ``widgets`` and ``exercises``.
"""

from __future__ import annotations

from ..training import Recipe
from . import experiments, study

__all__ = ["RECIPES"]

SHIPPED_SEEDS = (0, 1, 2, 3, 4)

RECIPES = [
    Recipe(
        name="hallucination",
        help="Modality hallucination on rendered RGB-D scenes (PR-025), one seed",
        config=experiments.HallucinationConfig,
        train_and_save=experiments.train_and_save,
        figures=study.study_figures,  # the redesigned study decides the paper's claims
        build=experiments.build,
        checkpoints={experiments.checkpoint_name(seed): {"seed": seed} for seed in SHIPPED_SEEDS},
    ),
    Recipe(
        name="hallucination_study",
        help="One seed of the redesigned PR-025 study (own scenes, own-epoch selection, fair controls)",
        config=study.StudyConfig,
        train_and_save=study.train_and_save,
    ),
    Recipe(
        name="hallucination_search",
        help="One row of the PR-025 scene-design search, scored on validation scenes only",
        config=experiments.SearchConfig,
        train_and_save=experiments.search_and_save,
        figures=experiments.search_figures,
    ),
]
