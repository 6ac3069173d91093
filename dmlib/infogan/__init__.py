"""InfoGAN — Chen et al., "InfoGAN: Interpretable Representation Learning by Information
Maximizing Generative Adversarial Nets", NeurIPS 2016. https://arxiv.org/abs/1606.03657

Taught in notebooks/01_infogan.ipynb (PR-022). The package follows the paper's order:
``infotheory`` (the quantities of §3), ``model`` (1–3 below), ``experiments`` (4–5), then the
notebook's ``widgets`` and ``exercises``.

1. Latent codes (§7.2): z ~ U(-1, 1)^62, c1 ~ Cat(K=10), c2, c3 ~ U(-1, 1); G sees all 74.
2. Networks (App. C, Table 1): an up-convolutional G, a convolutional D, and Q sharing D's trunk.
3. The objective (§5): min_{G,Q} max_D  V(D, G) - λ L_I(G, Q), with the variational bound

       L_I(G, Q) = E_{c~P(c), x~G(z,c)} [log Q(c|x)] + H(c)  <=  I(c; G(z, c)).

   For the categorical code log Q is minus a cross-entropy; for c2, c3 Q is a factored Gaussian,
   so log Q is minus a Gaussian NLL.
4. Training (App. C): Adam, lr 2e-4 for D (and Q), 1e-3 for G, β1 = 0.5, batch 128.
5. Evaluation (§7.2, Fig. 2): c1 as a classifier (Hungarian-matched), code sweeps, and
   measured rotation / width against c2, c3.

Deviations from the paper, all documented in the notebook §8.1:
- Continuous codes are weighted λ_cont = 0.1 inside the info term (the paper: "a smaller λ is
  typically used" for continuous codes, because their log-density is a differential entropy
  that is not bounded like H(c1) = ln 10 and would otherwise swamp the GAN loss).
- Q's Gaussians have std 1 (openai's code) rather than a learned std (App. C, ``--learn-std``);
  no learned-std model was trained for the talk.
- 2000 steps at batch 128 (openai's launcher ran 5000) in float32, every seed of the seed study
  (``train infogan_seeds``, both arms) at that one precision; the plain-GAN arm (``lambda_info=0``)
  still trains Q, on features detached from D, so Q measures the MI without shaping D or G. Its
  shipped checkpoint was trained earlier with ``--bf16`` on a CPU with native bf16.
- Leaky ReLU slope 0.1 as the paper says (openai's code used 0.01).
"""

from __future__ import annotations

from ..training import Recipe
from . import experiments, model

__all__ = ["RECIPES"]

RECIPES = [
    Recipe(
        name="infogan",
        help="InfoGAN on MNIST (PR-022); --lambda-info 0 trains the plain-GAN arm",
        config=model.InfoGANConfig,
        train_and_save=experiments.train_and_save,
        figures=experiments.paper_figures,
        build=model.build,
        checkpoints={"infogan": {}, "infogan_gan": {"lambda_info": 0.0, "bf16": True}},
    ),
    Recipe(
        name="infogan_seeds",
        help="seed study (PR-022): train --seed S, add its row to data/results/infogan_seeds.json "
        "(--lambda-info 0: the plain-GAN arm's, infogan_gan_seeds.json)",
        config=model.InfoGANConfig,
        train_and_save=experiments.train_seed,
    ),
]
