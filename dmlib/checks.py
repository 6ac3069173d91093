"""Input checks for the public entry points: one clear ``ValueError`` naming the argument.

Entry points (functions a reader or a notebook calls) check their inputs once; the inner loops and
``forward`` methods they call do not scan tensors again. Taught in notebooks/01_infogan.ipynb §0 Setup.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

__all__ = ["check_array", "check_choice", "check_fields", "check_positive", "check_tensor"]

_TYPES = {"int": (int,), "float": (int, float), "bool": (bool,), "str": (str,)}


def _shape_text(shape: tuple) -> str:
    """(None, 4) → "(N, 4)": the first free size is the batch N, later free sizes are "·"."""
    return (
        "(" + ", ".join(("N" if i == 0 else "·") if s is None else str(s) for i, s in enumerate(shape)) + ")"
    )


def check_tensor(
    value: Any,
    name: str,
    shape: tuple[int | None, ...] | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> torch.Tensor:
    """Return ``value`` if it is a finite tensor of ``shape`` (None = any size) with values in
    [``low``, ``high``]; else raise ``ValueError`` naming ``name``. ``integer`` asks for whole numbers.
    """
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch tensor, got {type(value).__name__}")
    wrong_size = shape is not None and value.dim() == len(shape)
    wrong_size = wrong_size and any(s is not None and s != v for s, v in zip(shape, value.shape, strict=True))
    if shape is not None and (value.dim() != len(shape) or wrong_size):
        raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {tuple(value.shape)}")
    if value.numel() == 0:
        return value
    if value.is_floating_point() and not torch.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if integer and value.is_floating_point() and not torch.equal(value, value.round()):
        raise ValueError(f"{name} must hold whole numbers")
    if low is not None and float(value.min()) < low:
        raise ValueError(f"{name} must be ≥ {low}, got a value of {float(value.min()):g}")
    if high is not None and float(value.max()) > high:
        raise ValueError(f"{name} must be ≤ {high}, got a value of {float(value.max()):g}")
    return value


def check_array(value: Any, name: str, *, low: float | None = None, high: float | None = None) -> np.ndarray:
    """``value`` as a finite float64 array with values in [``low``, ``high``]; else ``ValueError``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from exc
    if array.size and not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if array.size and low is not None and array.min() < low:
        raise ValueError(f"{name} must be ≥ {low}, got a value of {array.min():g}")
    if array.size and high is not None and array.max() > high:
        raise ValueError(f"{name} must be ≤ {high}, got a value of {array.max():g}")
    return array


def check_fields(config: Any) -> None:
    """Raise ``ValueError`` unless every field of the dataclass ``config`` holds its annotated type.

    ``bool`` is not an ``int`` here, and ``"16"`` is not an ``int``: a flag or a sidecar value of the
    wrong type is named before it reaches torch.
    """
    for field in dataclasses.fields(config):
        allowed = _TYPES.get(str(field.type))
        value = getattr(config, field.name)
        if allowed is None:
            continue
        if isinstance(value, bool) and bool not in allowed or not isinstance(value, allowed):
            raise ValueError(f"{field.name} must be {field.type}, got {value!r} ({type(value).__name__})")


def check_choice(value: Any, name: str, choices: tuple) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")


def check_positive(config: Any, *names: str) -> None:
    """Raise ``ValueError`` unless each named field of ``config`` is > 0."""
    for name in names:
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
