"""InfoGAN — Chen et al., "InfoGAN: Interpretable Representation Learning by Information
Maximizing Generative Adversarial Nets", NeurIPS 2016. https://arxiv.org/abs/1606.03657

Taught in notebooks/01_infogan.ipynb (PR-022). The file follows the paper's order:

1. Latent codes (§7.2): z ~ U(-1, 1)^62, c1 ~ Cat(K=10), c2, c3 ~ U(-1, 1); G sees all 74.
2. Networks (App. C, Table 1): an up-convolutional G, a convolutional D, and Q sharing D's trunk.
3. The objective (§5): min_{G,Q} max_D  V(D, G) - λ L_I(G, Q), with the variational bound

       L_I(G, Q) = E_{c~P(c), x~G(z,c)} [log Q(c|x)] + H(c)  <=  I(c; G(z, c)).

   For the categorical code log Q is minus a cross-entropy; for c2, c3 Q is a factored Gaussian,
   so log Q is minus a Gaussian NLL.
4. Training (App. C): Adam, lr 2e-4 for D (and Q), 1e-3 for G, β1 = 0.5, batch 128.
5. Evaluation (§7.2, Fig. 2): c1 as a classifier (Hungarian-matched), code sweeps, and
   measured rotation / width against c2, c3.

Deviations from the paper, all documented in the notebook §6:
- Continuous codes are weighted λ_cont = 0.1 inside the info term (the paper: "a smaller λ is
  typically used" for continuous codes, because their log-density is a differential entropy
  that is not bounded like H(c1) = ln 10 and would otherwise swamp the GAN loss).
- Q's Gaussians have std 1 (openai's code) rather than a learned std (App. C, ``--learn-std``):
  with a learned std the categorical code split one digit and merged two (≈ 11 % error).
- 2000 steps at batch 128 (openai's launcher ran 5000), bfloat16 autocast where the CPU has
  native bf16 matmuls; the plain-GAN arm (``lambda_info=0``) still trains Q, on features
  detached from D, so Q measures the MI without shaping D or G.
- Leaky ReLU slope 0.1 as the paper says (openai's code used 0.01).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from scipy.stats import spearmanr
from torch import nn

from .data import load_mnist
from .infotheory import gaussian_log_likelihood
from .training import (
    config_from_sidecar,
    cpu_supports_bf16,
    default_device,
    half_precision,
    load_checkpoint,
    read_history,
    run_training,
    save_checkpoint,
    seed_everything,
)

# ---------------------------------------------------------------------------------------------
# 1. Latent codes
# ---------------------------------------------------------------------------------------------


@dataclass
class InfoGANConfig:
    """Defaults reproduce the paper's MNIST setting; every field is a ``train infogan`` flag.

    Taught in notebooks/01_infogan.ipynb §6 Training.
    """

    noise_dim: int = 62  # z, the incompressible noise
    n_categories: int = 10  # c1 ~ Cat(K=10, p=0.1)
    n_continuous: int = 2  # c2, c3 ~ U(-1, 1)
    lambda_info: float = 1.0  # λ for G's info term; 0 gives the plain-GAN arm
    lambda_continuous: float = 0.1  # weight of the Gaussian codes inside the info term
    learn_std: bool = False  # True: Q also predicts each Gaussian's std (App. C); False: std 1 (openai)
    leaky_slope: float = 0.1
    lr_d: float = 2e-4  # D and Q
    lr_g: float = 1e-3
    beta1: float = 0.5
    batch_size: int = 128
    steps: int = 2000
    seed: int = 0
    bf16: bool = True  # autocast to bfloat16 on CPUs with native support

    @property
    def latent_dim(self) -> int:
        return self.noise_dim + self.n_categories + self.n_continuous


@dataclass
class Codes:
    """One batch of latent inputs: noise ``z`` (B, 62), ``c1`` ints (B,), ``c_cont`` (B, 2).

    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """

    z: torch.Tensor
    c1: torch.Tensor
    c_cont: torch.Tensor

    def latent(self, n_categories: int) -> torch.Tensor:
        """The generator input (B, 74) = [z, one-hot(c1), c2, c3]."""
        return torch.cat([self.z, F.one_hot(self.c1, n_categories).float(), self.c_cont], dim=1)


def sample_codes(batch: int, config: InfoGANConfig, generator: torch.Generator | None = None) -> Codes:
    """Draw z ~ U(-1,1)^62, c1 ~ Cat(10), c2, c3 ~ U(-1,1) for ``batch`` samples.

    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """
    if not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch must be a positive int, got {batch!r}")
    z = torch.rand(batch, config.noise_dim, generator=generator) * 2 - 1
    c1 = torch.randint(config.n_categories, (batch,), generator=generator)
    c_cont = torch.rand(batch, config.n_continuous, generator=generator) * 2 - 1
    return Codes(z, c1, c_cont)


# ---------------------------------------------------------------------------------------------
# 2. Networks (App. C, Table 1)
# ---------------------------------------------------------------------------------------------


class Generator(nn.Module):
    """74 → FC1024-BN-ReLU → FC 7·7·128-BN-ReLU → up-conv 64 (4×4, s2)-BN-ReLU → up-conv 1.

    The last layer is a sigmoid: pixels are Bernoulli means in [0, 1], as in openai's code.
    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """

    def __init__(self, config: InfoGANConfig):
        super().__init__()
        self.config = config
        self.fc = nn.Sequential(
            nn.Linear(config.latent_dim, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
            nn.Linear(1024, 7 * 7 * 128), nn.BatchNorm1d(7 * 7 * 128), nn.ReLU(),
        )  # fmt: skip
        self.up = nn.Sequential(
            nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Sigmoid(),
        )  # fmt: skip

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        if latent.dim() != 2 or latent.shape[1] != self.config.latent_dim:
            raise ValueError(
                f"latent must have shape (B, {self.config.latent_dim}), got {tuple(latent.shape)}"
            )
        h = self.fc(latent).view(-1, 128, 7, 7)  # (B, 128, 7, 7)
        return self.up(h)  # (B, 1, 28, 28)


class DiscriminatorQ(nn.Module):
    """D and Q sharing one trunk: conv64-lReLU, conv128-BN-lReLU, FC1024-BN-lReLU (App. C).

    ``forward`` returns ``(d_logit (B,), q_out (B, K + 2·n_continuous))``; Q's head is
    FC128-BN-lReLU-FC giving c1 logits, then the Gaussian means and log-stds of c2, c3.
    Taught in notebooks/01_infogan.ipynb §5 Variational MI maximization.
    """

    def __init__(self, config: InfoGANConfig):
        super().__init__()
        self.config = config
        slope = config.leaky_slope
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(slope),  # (B, 64, 14, 14)
            nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.BatchNorm2d(128), nn.LeakyReLU(slope),
            nn.Flatten(),  # (B, 128·7·7)
            nn.Linear(128 * 7 * 7, 1024), nn.BatchNorm1d(1024), nn.LeakyReLU(slope),
        )  # fmt: skip
        self.d_head = nn.Linear(1024, 1)
        self.q_head = nn.Sequential(
            nn.Linear(1024, 128), nn.BatchNorm1d(128), nn.LeakyReLU(slope),
            nn.Linear(128, q_width(config)),
        )  # fmt: skip

    def forward(self, images: torch.Tensor, detach_q: bool = False):
        check_images(images)
        features = self.trunk(images)  # (B, 1024)
        q_input = features.detach() if detach_q else features
        return self.d_head(features).squeeze(1), self.q_head(q_input)


def check_images(images: torch.Tensor) -> None:
    """Raise ValueError unless ``images`` is a float (B, 1, 28, 28) batch.

    Taught in notebooks/01_infogan.ipynb §7 Results.
    """
    if not isinstance(images, torch.Tensor) or images.dim() != 4 or images.shape[1:] != (1, 28, 28):
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must have shape (B, 1, 28, 28), got {shape}")
    if not images.is_floating_point():
        raise ValueError("images must be a float tensor with values in [0, 1]")


# ---------------------------------------------------------------------------------------------
# 3. The objective
# ---------------------------------------------------------------------------------------------


def q_width(config: InfoGANConfig) -> int:
    """Q's output size: K logits, a mean per continuous code, and a log-std each if learned.

    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """
    return config.n_categories + config.n_continuous * (2 if config.learn_std else 1)


def split_q(q_out: torch.Tensor, config: InfoGANConfig):
    """Split Q's output into ``(c1 logits (B, K), means (B, 2), log-stds (B, 2))``.

    Taught in notebooks/01_infogan.ipynb §5.3 Q as reconstruction.
    """
    k, m, width = config.n_categories, config.n_continuous, q_width(config)
    if q_out.dim() != 2 or q_out.shape[1] != width:
        raise ValueError(f"q_out must have shape (B, {width}), got {tuple(q_out.shape)}")
    mean = q_out[:, k : k + m]
    log_std = q_out[:, k + m :].clamp(-5.0, 2.0) if config.learn_std else torch.zeros_like(mean)
    return q_out[:, :k], mean, log_std


def info_terms(q_out: torch.Tensor, codes: Codes, config: InfoGANConfig) -> dict[str, torch.Tensor]:
    """The two parts of −log Q(c|x), averaged over the batch.

    ``ce`` = cross-entropy of c1 under Q (so L_I for c1 is ln K − ce); ``nll`` = factored
    Gaussian NLL of (c2, c3), summed over the codes. Taught in notebooks/01_infogan.ipynb §5.
    """
    logits, mean, log_std = split_q(q_out, config)
    if codes.c1.shape[0] != q_out.shape[0]:
        raise ValueError("codes and q_out must have the same batch size")
    ce = F.cross_entropy(logits.float(), codes.c1)
    nll = -gaussian_log_likelihood(codes.c_cont, mean.float(), log_std.float()).mean()
    return {"ce": ce, "nll": nll}


def info_loss(terms: dict[str, torch.Tensor], config: InfoGANConfig) -> torch.Tensor:
    """−L_I up to the constant H(c): ce + λ_cont · nll (App. C; weights in the config).

    Taught in notebooks/01_infogan.ipynb §6 Training.
    """
    return terms["ce"] + config.lambda_continuous * terms["nll"]


# ---------------------------------------------------------------------------------------------
# 4. Training
# ---------------------------------------------------------------------------------------------


def build(config: InfoGANConfig | None = None) -> tuple[Generator, DiscriminatorQ]:
    """A fresh ``(G, DQ)`` pair for ``config`` (defaults: the paper's MNIST networks).

    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """
    config = config or InfoGANConfig()
    return Generator(config), DiscriminatorQ(config)


def train(config: InfoGANConfig) -> dict:
    """Train InfoGAN (or the plain-GAN arm when ``lambda_info == 0``) on MNIST-train.

    Returns ``{"G", "DQ", "history", "wall_time_s"}``; the history logs per step the D and G
    losses and L_I = H(c1) − CE for the categorical code, in nats (Fig. 1).
    Taught in notebooks/01_infogan.ipynb §6 Training.
    """
    if config.lambda_info < 0:
        raise ValueError(f"lambda_info must be >= 0, got {config.lambda_info}")
    generator = seed_everything(config.seed)
    device = default_device()
    images, _ = load_mnist("train")
    data = images.float().div_(255.0).unsqueeze(1).to(device)  # (60000, 1, 28, 28), one copy
    del images
    G, DQ = (net.to(device) for net in build(config))
    opt_g = torch.optim.Adam(G.parameters(), lr=config.lr_g, betas=(config.beta1, 0.999))
    opt_d = torch.optim.Adam(DQ.parameters(), lr=config.lr_d, betas=(config.beta1, 0.999))
    use_bf16 = config.bf16 and device.type == "cpu" and cpu_supports_bf16()
    plain_gan = config.lambda_info == 0
    h_c1 = math.log(config.n_categories)
    ones = torch.ones(config.batch_size, device=device)
    zeros = torch.zeros(config.batch_size, device=device)

    def step(_: int) -> dict[str, float]:
        real = data[torch.randint(len(data), (config.batch_size,), generator=generator)]
        codes = sample_codes(config.batch_size, config, generator)
        codes = Codes(*(t.to(device) for t in (codes.z, codes.c1, codes.c_cont)))
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            fake = G(codes.latent(config.n_categories))
            # D (and Q) step: real vs fake, plus Q's reconstruction of the codes.
            d_real, _ = DQ(real)
            d_fake, q_fake = DQ(fake.detach(), detach_q=plain_gan)
            d_loss = F.binary_cross_entropy_with_logits(
                d_real.float(), ones
            ) + F.binary_cross_entropy_with_logits(d_fake.float(), zeros)
            terms = info_terms(q_fake, codes, config)
        opt_d.zero_grad(set_to_none=True)
        (d_loss + info_loss(terms, config)).backward()
        opt_d.step()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            # G step: non-saturating GAN loss − λ L_I.
            d_gen, q_gen = DQ(fake)
            g_gan = F.binary_cross_entropy_with_logits(d_gen.float(), ones)
            g_terms = info_terms(q_gen, codes, config)
        opt_g.zero_grad(set_to_none=True)
        (g_gan + config.lambda_info * info_loss(g_terms, config)).backward()
        opt_g.step()
        return {
            "d_loss": d_loss.item(),
            "g_loss": g_gan.item(),
            "L_I": h_c1 - terms["ce"].item(),
            "nll_cont": terms["nll"].item(),
        }

    start = time.perf_counter()
    G.train(), DQ.train()
    name = "plain GAN" if plain_gan else "InfoGAN"
    history = run_training(step, config.steps, desc=f"{name} (λ={config.lambda_info})")
    wall = time.perf_counter() - start
    return {"G": G.eval().cpu(), "DQ": DQ.eval().cpu(), "history": history, "wall_time_s": wall}


def checkpoint_name(config: InfoGANConfig) -> str:
    """``infogan`` for the InfoGAN arm, ``infogan_gan`` for the plain-GAN arm (λ = 0).

    Taught in notebooks/01_infogan.ipynb §6 Training.
    """
    return "infogan_gan" if config.lambda_info == 0 else "infogan"


def train_command(name: str) -> str:
    """The command that regenerates checkpoint ``name``.

    Taught in notebooks/01_infogan.ipynb §6 Training.
    """
    return "python -m dmlib train infogan" + (" --lambda-info 0" if name == "infogan_gan" else "")


def train_and_save(config: InfoGANConfig, folder: Path | None = None) -> str:
    """Train, evaluate on MNIST-test and write the checkpoint, sidecar and log; return its name.

    This is what ``python -m dmlib train infogan`` runs.
    Taught in notebooks/01_infogan.ipynb §6 Training.
    """
    result = train(config)
    name = checkpoint_name(config)
    history = result["history"]
    shipped = {net: half_precision(result[net].state_dict()) for net in ("G", "DQ")}
    for net, state in shipped.items():
        result[net].load_state_dict(state)  # evaluate exactly the weights we ship
    metrics = {
        "final_L_I": float(np.mean(history["L_I"][-100:])),
        "c1_error": evaluate_c1(result["DQ"])["error"],
        "c1_error_validation": evaluate_c1(result["DQ"], "validation")["error"],
    }
    save_checkpoint(
        name,
        shipped,
        config=asdict(config),
        seed=config.seed,
        metrics=metrics,
        wall_time_s=result["wall_time_s"],
        history=history,
        folder=folder,
    )
    return name


def load_pretrained(name: str = "infogan") -> tuple[Generator, DiscriminatorQ, dict]:
    """The shipped ``(G, DQ, sidecar)`` for ``infogan`` or ``infogan_gan``, in eval mode.

    Taught in notebooks/01_infogan.ipynb §7 Results.
    """
    if name not in ("infogan", "infogan_gan"):
        raise ValueError(f"name must be 'infogan' or 'infogan_gan', got {name!r}")
    tensors, sidecar = load_checkpoint(name, train_command=train_command(name))
    config = config_from_sidecar(InfoGANConfig, sidecar, train_command(name))
    G, DQ = build(config)
    G.load_state_dict(tensors["G"])
    DQ.load_state_dict(tensors["DQ"])
    return G.eval(), DQ.eval(), sidecar


# ---------------------------------------------------------------------------------------------
# 5. Evaluation: c1 as a classifier, code sweeps, measured rotation and width
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def predict_c1(DQ: DiscriminatorQ, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """argmax_k Q(c1 = k | x) for float images (B, 1, 28, 28) in [0, 1].

    Taught in notebooks/01_infogan.ipynb §7.1 c1 as a classifier.
    """
    check_images(images)
    DQ.eval()
    out = [split_q(DQ(chunk)[1], DQ.config)[0].argmax(1) for chunk in images.split(batch)]
    return torch.cat(out)


def match_clusters(predicted: np.ndarray, labels: np.ndarray, k: int = 10) -> dict:
    """Best one-to-one category → label map (Hungarian algorithm on the confusion matrix).

    Returns ``{"mapping": (k,) label of each category, "error": float, "confusion": (k, k)}``
    with ``confusion[label, category]`` counts. Taught in notebooks/01_infogan.ipynb §7.1.
    """
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    if predicted.shape != labels.shape or predicted.ndim != 1:
        raise ValueError("predicted and labels must be 1-D arrays of the same length")
    if predicted.min() < 0 or predicted.max() >= k or labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"predicted and labels must hold ints in [0, {k})")
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    rows, cols = linear_sum_assignment(-confusion)  # maximise matched counts
    mapping = np.empty(k, dtype=np.int64)
    mapping[cols] = rows
    error = 1.0 - confusion[rows, cols].sum() / len(labels)
    return {"mapping": mapping, "error": float(error), "confusion": confusion}


def evaluate_c1(DQ: DiscriminatorQ, split: str = "test") -> dict:
    """c1 as a classifier on MNIST digits (paper: 5 % error): the 10k test digits by default.

    ``split="validation"`` uses the last 10k training digits (the GAN never sees labels, so their
    labels can choose between runs without touching the test set).
    Taught in notebooks/01_infogan.ipynb §7.1 c1 as a classifier.
    """
    if split not in ("test", "validation"):
        raise ValueError(f"split must be 'test' or 'validation', got {split!r}")
    images, labels = load_mnist("test" if split == "test" else "train")
    if split == "validation":
        images, labels = images[-10_000:], labels[-10_000:]
    predicted = predict_c1(DQ, (images.float() / 255.0).unsqueeze(1))
    return match_clusters(predicted.numpy(), labels.numpy(), DQ.config.n_categories)


@torch.no_grad()
def generate(
    G: Generator,
    c1: torch.Tensor,
    c_cont: torch.Tensor,
    z: torch.Tensor,
) -> torch.Tensor:
    """G(z, c) for explicit codes: ``c1`` ints (B,), ``c_cont`` (B, 2), ``z`` (B, 62).

    Returns images (B, 1, 28, 28). Taught in notebooks/01_infogan.ipynb §7.3 Figure 2.
    """
    config = G.config
    if c1.dim() != 1 or int(c1.min()) < 0 or int(c1.max()) >= config.n_categories:
        raise ValueError(f"c1 must be a 1-D tensor of ints in [0, {config.n_categories})")
    if c_cont.shape != (len(c1), config.n_continuous):
        raise ValueError(f"c_cont must have shape ({len(c1)}, {config.n_continuous})")
    if z.shape != (len(c1), config.noise_dim):
        raise ValueError(f"z must have shape ({len(c1)}, {config.noise_dim})")
    G.eval()
    return G(Codes(z, c1, c_cont.float()).latent(config.n_categories))


def fixed_noise(n: int, config: InfoGANConfig, seed: int = 0) -> torch.Tensor:
    """``n`` noise vectors z ~ U(-1, 1)^62 drawn from ``seed`` — the rows of the Fig. 2 grids.

    Taught in notebooks/01_infogan.ipynb §7.3 Figure 2.
    """
    return torch.rand(n, config.noise_dim, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def sweep(G: Generator, code: str, values: torch.Tensor, z: torch.Tensor, c1: int = 0) -> torch.Tensor:
    """Images (rows = z, columns = values) varying one code, the others held fixed at 0.

    ``code`` is ``"c1"`` (values are categories) or ``"c2"`` / ``"c3"`` (values are reals).
    Returns (len(z), len(values), 1, 28, 28). Taught in notebooks/01_infogan.ipynb §7.3.
    """
    if code not in ("c1", "c2", "c3"):
        raise ValueError(f"code must be 'c1', 'c2' or 'c3', got {code!r}")
    rows, cols = len(z), len(values)
    zz = z.repeat_interleave(cols, 0)
    c1s = torch.full((rows * cols,), c1, dtype=torch.long)
    cont = torch.zeros(rows * cols, G.config.n_continuous)
    if code == "c1":
        c1s = values.long().repeat(rows)
    else:
        cont[:, int(code[1]) - 2] = values.float().repeat(rows)
    return generate(G, c1s, cont, zz).view(rows, cols, 1, 28, 28)


def shape_measures(images: torch.Tensor) -> dict[str, np.ndarray]:
    """Rotation (degrees) and stroke width (pixels) of each digit, measured from its ink.

    Rotation: the ink's 2×2 covariance gives the principal axis; its angle from the vertical is
    the slant (positive when the top leans right). Width: a stroke of width w and length L has
    area ≈ wL and perimeter ≈ 2L, so w ≈ 2 · area / perimeter, counted on the ink (> 0.5) mask;
    rotation leaves it unchanged. Taught in notebooks/01_infogan.ipynb §7.3 Measuring c2 and c3.
    """
    check_images(images)
    ink = images[:, 0].double().clamp_min(0)  # (B, 28, 28)
    ys, xs = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    mass = ink.sum((1, 2)).clamp_min(1e-8)
    mx, my = (ink * xs).sum((1, 2)) / mass, (ink * ys).sum((1, 2)) / mass
    dx, dy = xs - mx[:, None, None], ys - my[:, None, None]
    cxx = (ink * dx * dx).sum((1, 2)) / mass
    cyy = (ink * dy * dy).sum((1, 2)) / mass
    cxy = (ink * dx * dy).sum((1, 2)) / mass
    angle = 0.5 * torch.atan2(-2 * cxy, cyy - cxx)  # y grows downward, hence the minus
    mask = F.pad((images[:, 0] > 0.5).float(), (1, 1, 1, 1))  # (B, 30, 30)
    area = mask.sum((1, 2))
    perimeter = (mask[:, 1:] != mask[:, :-1]).sum((1, 2)) + (mask[:, :, 1:] != mask[:, :, :-1]).sum((1, 2))
    width = 2 * area / perimeter.clamp_min(1)
    return {"rotation": np.degrees(angle.numpy()), "width": width.numpy()}


def code_factor_correlations(
    G: Generator, n_z: int = 32, values: torch.Tensor | None = None, seed: int = 0
) -> dict:
    """Spearman ρ between each continuous code and each measured factor.

    For every (z, c1) pair the code is swept over ``values`` (default −2…2, 9 steps) with the
    other code at 0, and ρ is taken along that sweep; ``rho[code][factor]`` is the mean over the
    ``n_z × K`` sweeps. ``assignment`` pairs each factor with the code whose |ρ| is largest
    (one-to-one). Taught in notebooks/01_infogan.ipynb §7.3 Measuring c2 and c3.
    """
    if not isinstance(n_z, int) or n_z < 1:
        raise ValueError(f"n_z must be a positive int, got {n_z!r}")
    values = torch.linspace(-2, 2, 9) if values is None else values
    z = fixed_noise(n_z, G.config, seed)
    rho: dict[str, dict[str, float]] = {}
    measures: dict[str, dict[str, np.ndarray]] = {}
    for code in ("c2", "c3"):
        per_factor: dict[str, list[float]] = {"rotation": [], "width": []}
        stacked: dict[str, list[np.ndarray]] = {"rotation": [], "width": []}
        for c1 in range(G.config.n_categories):
            grid = sweep(G, code, values, z, c1=c1)  # (n_z, V, 1, 28, 28)
            m = shape_measures(grid.flatten(0, 1))
            for factor in per_factor:
                table = m[factor].reshape(n_z, len(values))
                stacked[factor].append(table)
                per_factor[factor] += [spearmanr(values.numpy(), row).statistic for row in table]
        rho[code] = {f: float(np.nanmean(r)) for f, r in per_factor.items()}
        measures[code] = {f: np.concatenate(t) for f, t in stacked.items()}
    straight = abs(rho["c2"]["rotation"]) + abs(rho["c3"]["width"])
    crossed = abs(rho["c3"]["rotation"]) + abs(rho["c2"]["width"])
    assignment = (
        {"rotation": "c2", "width": "c3"} if straight >= crossed else {"rotation": "c3", "width": "c2"}
    )
    return {"rho": rho, "assignment": assignment, "values": values.numpy(), "measures": measures}


def mutual_information_curve(name: str) -> dict[str, np.ndarray]:
    """Fig. 1 data: steps and the logged L_I of checkpoint ``name`` (from its training log).

    Taught in notebooks/01_infogan.ipynb §7.2 Figure 1.
    """
    return read_history(name)


__all__ = [
    "Codes",
    "DiscriminatorQ",
    "Generator",
    "InfoGANConfig",
    "build",
    "check_images",
    "code_factor_correlations",
    "evaluate_c1",
    "fixed_noise",
    "generate",
    "info_loss",
    "info_terms",
    "load_pretrained",
    "match_clusters",
    "paper_figures",
    "mutual_information_curve",
    "predict_c1",
    "sample_codes",
    "shape_measures",
    "split_q",
    "sweep",
    "train",
    "train_and_save",
]


def paper_figures() -> list:
    """The paper's MNIST figures beside ours, computed from the shipped checkpoints.

    Taught in notebooks/01_infogan.ipynb §8 Paper vs ours.
    """
    from .registry import Figure

    G, DQ, _ = load_pretrained("infogan")
    _, DQ_gan, _ = load_pretrained("infogan_gan")
    info_error = evaluate_c1(DQ)["error"]
    gan_error = evaluate_c1(DQ_gan)["error"]
    li_info = float(np.mean(read_history("infogan")["L_I"][-100:]))
    li_gan = float(np.mean(read_history("infogan_gan")["L_I"][-100:]))
    corr = code_factor_correlations(G)
    rho = {f: abs(corr["rho"][code][f]) for f, code in corr["assignment"].items()}
    rows = [
        ("c1 as classifier: test error (Hungarian-matched)", "0.05", info_error, "<= 0.05"),
        ("plain-GAN arm: c1 test error", "non-interp.", gan_error, "> 0.5"),
        ("Fig. 1: L_I at the end of training (nats)", "2.30", li_info, ">= 2.2"),
        ("Fig. 1: plain-GAN L_I at the end (nats)", "low", li_gan, "<= 1.0"),
        (
            f"Fig. 2: |Spearman rho| rotation vs {corr['assignment']['rotation']}",
            "shown",
            rho["rotation"],
            ">= 0.9",
        ),
        (f"Fig. 2: |Spearman rho| width vs {corr['assignment']['width']}", "shown", rho["width"], ">= 0.9"),
    ]
    return [Figure("InfoGAN", *row) for row in rows]
