"""InfoGAN's model, in the paper's order: latent codes, networks (App. C), the objective (§5).

Taught in notebooks/01_infogan.ipynb §5 Main idea and §8.1 Training; the paper, its equations and
our deviations are in the package docstring (:mod:`dmlib.infogan`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_fields, check_positive
from .infotheory import gaussian_log_likelihood

__all__ = [
    "Codes",
    "DiscriminatorQ",
    "Generator",
    "InfoGANConfig",
    "build",
    "check_images",
    "info_loss",
    "info_terms",
    "q_width",
    "sample_codes",
    "split_q",
]

# ---------------------------------------------------------------------------------------------
# 1. Latent codes
# ---------------------------------------------------------------------------------------------


@dataclass
class InfoGANConfig:
    """Defaults reproduce the paper's MNIST setting; every field is a ``train infogan`` flag.

    Taught in notebooks/01_infogan.ipynb §8.1 Training.
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
    bf16: bool = False  # float32: the seed study at one precision; --bf16 autocasts where the CPU has it
    validate_every: int = 0  # steps between c1 validation errors; the best step's networks are kept (0: last)
    resume: bool = False  # continue the run saved in the output folder (NAME_seedS.resume.pt)
    save_minutes: float = 10.0  # how often a --resume run saves its state

    def __post_init__(self) -> None:
        check_fields(self)
        check_positive(self, "noise_dim", "n_categories", "lr_d", "lr_g", "batch_size", "steps")
        check_positive(self, "save_minutes")
        if self.validate_every < 0:
            raise ValueError(f"validate_every must be ≥ 0 (0: keep the last step), got {self.validate_every}")
        if self.n_continuous < 0 or self.lambda_info < 0 or self.lambda_continuous < 0 or self.seed < 0:
            raise ValueError("n_continuous, lambda_info, lambda_continuous and seed must be ≥ 0")
        if not 0 <= self.beta1 < 1 or not 0 <= self.leaky_slope < 1:
            raise ValueError("beta1 and leaky_slope must be in [0, 1)")

    @property
    def latent_dim(self) -> int:
        return self.noise_dim + self.n_categories + self.n_continuous


@dataclass
class Codes:
    """One batch of latent inputs: noise ``z`` (B, 62), ``c1`` ints (B,), ``c_cont`` (B, 2)."""

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

    def forward(self, images: torch.Tensor, detach_q: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        check_images(images)
        features = self.trunk(images)  # (B, 1024)
        q_input = features.detach() if detach_q else features
        return self.d_head(features).squeeze(1), self.q_head(q_input)


def check_images(images: torch.Tensor) -> None:
    """Raise ValueError unless ``images`` is a float (B, 1, 28, 28) batch."""
    if not isinstance(images, torch.Tensor) or images.dim() != 4 or images.shape[1:] != (1, 28, 28):
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must have shape (B, 1, 28, 28), got {shape}")
    if not images.is_floating_point():
        raise ValueError("images must be a float tensor with values in [0, 1]")


# ---------------------------------------------------------------------------------------------
# 3. The objective
# ---------------------------------------------------------------------------------------------


def q_width(config: InfoGANConfig) -> int:
    """Q's output size: K logits, a mean per continuous code, and a log-std each if learned."""
    return config.n_categories + config.n_continuous * (2 if config.learn_std else 1)


def split_q(q_out: torch.Tensor, config: InfoGANConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
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
    Gaussian NLL of (c2, c3), summed over the codes.
    """
    logits, mean, log_std = split_q(q_out, config)
    if codes.c1.shape[0] != q_out.shape[0]:
        raise ValueError("codes and q_out must have the same batch size")
    ce = F.cross_entropy(logits.float(), codes.c1)
    nll = -gaussian_log_likelihood(codes.c_cont, mean.float(), log_std.float()).mean()
    return {"ce": ce, "nll": nll}


def info_loss(terms: dict[str, torch.Tensor], config: InfoGANConfig) -> torch.Tensor:
    """−L_I up to the constant H(c): ce + λ_cont · nll (App. C; weights in the config)."""
    return terms["ce"] + config.lambda_continuous * terms["nll"]


def build(config: InfoGANConfig | None = None) -> dict[str, nn.Module]:
    """Fresh networks ``{"G": Generator, "DQ": DiscriminatorQ}`` (defaults: the paper's MNIST nets).

    Taught in notebooks/01_infogan.ipynb §5 Main idea.
    """
    config = config or InfoGANConfig()
    return {"G": Generator(config), "DQ": DiscriminatorQ(config)}
