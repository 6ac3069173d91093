"""Shared training machinery: seeding, device, autocast, the optimiser step, the loop, checkpoints.

Taught in notebooks/01_infogan.ipynb §0 Setup and §8.1 Training. Every model in the course has the
same life cycle:

1. a paper package describes it with a :class:`Recipe` (config class, how to build its networks,
   its shipped checkpoints); ``python -m dmlib train NAME`` builds the config from the flags;
2. the paper's ``train(config)`` runs its step function through :func:`run_training` and
   returns a :class:`Trained` (networks, the per-step history, wall time);
3. :func:`ship` rounds the networks to float16, reloads them, measures the shipped weights and
   writes the checkpoint with :func:`save_checkpoint`;
4. ``dmlib.registry.load_pretrained(name)`` reads it back (:func:`load_checkpoint`,
   :func:`config_from_sidecar`, ``Recipe.build``) as a :class:`Pretrained`.

A checkpoint is three files: ``NAME.pt`` (tensors only, so it loads with
``torch.load(weights_only=True)``), ``NAME.json``, the sidecar that records the config, seed,
final metrics, the command that made it, wall time and the ``.pt`` file's sha256, and
``NAME.log.csv``, the per-step training log.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import functools
import inspect
import json
import os
import platform
import random
import sys
import time
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .data import (
    DataFileError,
    data_dir,
    merge_row,
    read_json,
    record_in_manifest,
    results_path,
    sha256_of,
    verify_if_shipped,
)

__all__ = [
    "CheckpointError",
    "Resumable",
    "Pretrained",
    "Recipe",
    "Trained",
    "autocast",
    "bf16_active",
    "checkpoint_dir",
    "config_from_sidecar",
    "cpu_supports_bf16",
    "default_device",
    "evaluation_cache",
    "environment_report",
    "half_precision",
    "load_checkpoint",
    "machine_description",
    "optimiser_step",
    "progress",
    "progress_enabled",
    "read_history",
    "read_seed_study",
    "record_seed",
    "round_to_shipped",
    "run_training",
    "save_checkpoint",
    "seed_everything",
    "ship",
    "training_command",
]


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA); return a torch generator with that seed.

    Taught in notebooks/01_infogan.ipynb §0 Setup.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds the legacy global RNG that readers' code may use
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def default_device() -> torch.device:
    """CUDA when present, else CPU (``DMLIB_DEVICE`` overrides: ``cpu``, ``cuda``, ``cuda:N``, ``mps``).

    A ``DMLIB_DEVICE`` this machine cannot use raises ``ValueError`` saying so.
    """
    name = os.environ.get("DMLIB_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    kind, _, index = name.partition(":")
    if kind not in ("cpu", "cuda", "mps") or (index and not index.isdigit()):
        raise ValueError(f"DMLIB_DEVICE={name!r} is not a device; use cpu, cuda, cuda:N or mps (or unset it)")
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"DMLIB_DEVICE={name!r}, but this torch build or machine has no CUDA; unset it")
    if kind == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"DMLIB_DEVICE={name!r}, but MPS is not available here; unset it")
    return torch.device(name)


def progress_enabled() -> bool:
    """Progress bars are on unless ``DMLIB_PROGRESS=0`` (the nbval/pytest runs set it)."""
    return os.environ.get("DMLIB_PROGRESS", "1") != "0"


def progress(iterable: Iterable, **kwargs: Any) -> Iterable:
    """``tqdm.auto`` around ``iterable``: a widget bar in Jupyter, a text bar in a terminal."""
    return tqdm(iterable, disable=not progress_enabled(), dynamic_ncols=True, **kwargs)


def autocast(device: torch.device, bf16: bool) -> contextlib.AbstractContextManager:
    """bfloat16 autocast when ``bf16`` is asked for and the CPU has native bf16; otherwise a no-op.

    Never forced on a CPU without native bf16 (there it is 2–4× slower) nor on CUDA (float32 there).
    """
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16_active(device, bf16))


def bf16_active(device: torch.device, bf16: bool) -> bool:
    """Whether :func:`autocast` computes in bfloat16 here: asked for, on a CPU with native bf16."""
    return bf16 and device.type == "cpu" and cpu_supports_bf16()


def optimiser_step(optimiser: torch.optim.Optimizer, loss: torch.Tensor, clip: float | None = None) -> None:
    """One gradient step: clear the gradients, backpropagate ``loss``, clip their norm, update.

    ``clip`` bounds the global gradient norm of the optimiser's parameters (None: no clipping).
    """
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        parameters = [p for group in optimiser.param_groups for p in group["params"]]
        torch.nn.utils.clip_grad_norm_(parameters, clip)
    optimiser.step()


def _fingerprint(value: Any) -> Any:
    """What a cached evaluation depends on: a tensor's identity and in-place version, else the value."""
    if isinstance(value, torch.Tensor):
        return ("tensor", id(value), value._version)
    return value if isinstance(value, Hashable) else ("object", id(value))


def evaluation_cache(evaluate: Callable) -> Callable:
    """Remember ``evaluate(network, *args)`` per network object, so a notebook cell and the closing
    figures table that ask for the same evaluation compute it once.

    The key includes every argument and the parameters' in-place version counters: a network that is
    trained further, or an input tensor changed in place, is evaluated again. Results are deep-copied.
    """
    cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    signature = inspect.signature(evaluate)

    @functools.wraps(evaluate)
    def cached(network: nn.Module, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(network, *args, **kwargs)
        bound.apply_defaults()  # f(G) and f(G, n_z=32) are the same evaluation
        arguments = tuple((k, _fingerprint(v)) for k, v in list(bound.arguments.items())[1:])
        key = (tuple(p._version for p in network.parameters()), arguments)
        memo = cache.setdefault(network, {})
        if key not in memo:
            memo[key] = evaluate(network, *args, **kwargs)
        return copy.deepcopy(memo[key])

    return cached


@dataclass
class Resumable:
    """A run that survives being stopped: its state is saved every ``every_s`` seconds to ``path``.

    ``state()`` returns what must come back (model and optimiser state dicts, the data generator's
    state, anything the step keeps between calls); ``restore(state)`` puts it back. The file also
    holds the next step, the history so far and the training seconds spent, so a resumed run's log,
    wall time and random draws continue where the stopped one left off. Tensors and plain Python
    values only: the file loads with ``torch.load(weights_only=True)``.
    """

    path: Path
    state: Callable[[], dict[str, Any]]
    restore: Callable[[dict[str, Any]], None]
    every_s: float = 600.0
    seconds: float = 0.0  # training seconds over every sitting, set by run_training

    def load(self) -> tuple[int, dict[str, list[float]], float]:
        """(next step, history, seconds spent) — (0, empty, 0) when there is nothing to resume."""
        if not self.path.exists():
            return 0, {"step": []}, 0.0
        try:
            saved = torch.load(self.path, map_location="cpu", weights_only=True)
            self.restore(saved["state"])
            return int(saved["next_step"]), saved["history"], float(saved["seconds"])
        except (RuntimeError, KeyError, EOFError, ValueError) as exc:
            raise CheckpointError(f"cannot resume from {self.path}: {exc}; delete it to start over") from exc

    def save(self, next_step: int, history: dict[str, list[float]], seconds: float) -> None:
        """Write atomically (a temporary file, then a rename): a crash mid-write loses nothing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        record = {"next_step": next_step, "history": history, "seconds": seconds, "state": self.state()}
        torch.save(record, partial)
        partial.replace(self.path)


def run_training(
    step: Callable[[int], Mapping[str, float]],
    steps: int,
    *,
    desc: str = "training",
    log_every: int = 1,
    resumable: Resumable | None = None,
    stop: Callable[[], bool] | None = None,
) -> dict[str, list[float]]:
    """Call ``step(i)`` for ``i < steps`` with a progress bar; collect its metrics.

    ``step`` returns a mapping of metric name → float. Every ``log_every`` steps the metrics are
    appended to the returned history (``history["step"]`` holds the step numbers) and shown on
    the bar. With ``resumable``, the loop starts where a saved run stopped, saves its state every
    ``resumable.every_s`` seconds and at the end, and leaves the seconds of every sitting in
    ``resumable.seconds``. ``stop()``, asked after every step, ends the loop early (e.g. when a
    validation score has stopped improving).
    """
    if not callable(step):
        raise ValueError("step must be callable: step(i) -> {metric: value}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not isinstance(log_every, int) or log_every < 1:
        raise ValueError(f"log_every must be a positive int, got {log_every!r}")
    first, history, spent = resumable.load() if resumable else (0, {"step": []}, 0.0)
    start = last_save = time.perf_counter()
    bar = progress(range(first, steps), desc=desc, initial=first, total=steps)
    for i in bar:
        metrics = step(i)
        if i % log_every == 0 or i == steps - 1:
            history["step"].append(i)
            for name, value in metrics.items():
                history.setdefault(name, []).append(float(value))
            if hasattr(bar, "set_postfix"):
                bar.set_postfix({k: f"{float(v):.3f}" for k, v in metrics.items()}, refresh=False)
        stopping = stop is not None and stop()
        if resumable and (time.perf_counter() - last_save >= resumable.every_s or i == steps - 1 or stopping):
            resumable.save(i + 1, history, spent + time.perf_counter() - start)
            last_save = time.perf_counter()
        if stopping:
            break
    if resumable:
        resumable.seconds = spent + time.perf_counter() - start
    return history


def half_precision(state: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A copy of a state dict with float tensors stored as float16 (halves the shipped size).

    ``load_state_dict`` copies them back into float32 parameters. Evaluate the model *after*
    this rounding so a sidecar's metrics describe the shipped weights.
    """
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


@dataclass(frozen=True)
class Recipe:
    """How the CLI trains one model and how its shipped checkpoints are rebuilt.

    ``train_and_save(config, folder)`` trains and writes (returns the checkpoint or results path
    name); ``build(config)`` returns fresh networks keyed as in the checkpoint (None when the
    recipe writes a results table, not a checkpoint); ``checkpoints`` maps each shipped checkpoint
    to the config overrides that made it; ``figures(load)`` computes the reproduced figures, given
    ``dmlib.registry.load_pretrained`` (none by default: a package's figures may sit with one recipe).
    """

    name: str  # python -m dmlib train NAME
    help: str
    config: type
    train_and_save: Callable[[Any, Path | None], str]
    figures: Callable[[Callable[[str], Pretrained]], list] = lambda load: []  # noqa: ARG005 - none by default
    build: Callable[[Any], dict[str, nn.Module]] | None = None
    checkpoints: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def default_config(self) -> Any:
        return self.config(**self.defaults)

    def command(self, overrides: Mapping[str, Any] | None = None) -> str:
        """``python -m dmlib train NAME [flags] --ship``, the command that regenerates a shipped
        checkpoint (one flag per override) — the one place it is spelled."""
        flags = []
        for key, value in (overrides or {}).items():
            flag = "--" + key.replace("_", "-")
            if isinstance(value, bool):
                flags.append(flag if value else "--no-" + flag[2:])
            else:
                flags.append(f"{flag} {value}")
        return " ".join(["python -m dmlib train", self.name, *flags, "--ship"])


@dataclass
class Trained:
    """What a paper's ``train(config)`` returns: the networks, the per-step history, the wall time.

    ``tensors`` are shipped as they are (e.g. YOLO's anchor priors); ``results`` holds what training
    measured beyond the per-step log (e.g. ablation accuracies, the hallucination loss weight γ).
    """

    networks: dict[str, nn.Module]
    history: dict[str, list[float]]
    wall_time_s: float
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pretrained:
    """A shipped checkpoint, rebuilt: its networks in eval mode, other tensors, config and sidecar."""

    name: str
    config: Any
    networks: dict[str, nn.Module]
    tensors: dict[str, torch.Tensor]
    sidecar: dict[str, Any]


def round_to_shipped(trained: Trained) -> dict[str, dict[str, torch.Tensor]]:
    """Round ``trained``'s networks to float16 in place (eval mode) and return their state dicts.

    What :func:`ship` saves; a run that records figures without a checkpoint rounds the same way,
    so its figures describe weights as a shipped checkpoint would hold them.
    """
    shipped = {key: half_precision(net.state_dict()) for key, net in trained.networks.items()}
    for key, net in trained.networks.items():
        net.load_state_dict(shipped[key])  # evaluate exactly the weights we ship
        net.eval()
    return shipped


def ship(
    name: str,
    trained: Trained,
    config: Any,
    measure: Callable[[dict[str, nn.Module]], Mapping[str, float]],
    folder: Path | None = None,
) -> Path:
    """Round the networks to float16, reload them, ``measure`` the shipped weights, save the checkpoint.

    Returns the ``.pt`` path.
    """
    shipped = round_to_shipped(trained)
    return save_checkpoint(
        name,
        {**shipped, **trained.tensors},
        config=dataclasses.asdict(config),
        seed=config.seed,
        metrics=measure(trained.networks),
        wall_time_s=trained.wall_time_s,
        history=trained.history,
        folder=folder,
    )


def record_seed(
    study: str,
    trained: Trained,
    config: Any,
    measure: Callable[[dict[str, nn.Module]], Mapping[str, Any]],
    folder: Path | None = None,
) -> Path:
    """Add ``config.seed``'s row to seed study ``study`` (``data/results/STUDY_seeds.json``); no checkpoint.

    The networks are rounded to float16 first, as :func:`ship` rounds them, so a seed's row describes
    the weights a shipped checkpoint of that seed would hold. The row is ``measure(networks)`` plus the
    wall time, the precision training computed in, the command, the machine and the config. Rows merge
    by seed under a lock, so seeds can train in separate processes.
    """
    round_to_shipped(trained)
    bf16 = bf16_active(default_device(), getattr(config, "bf16", False))
    row = {
        **measure(trained.networks),
        "wall_time_s": round(trained.wall_time_s, 1),
        "precision": "bfloat16 autocast" if bf16 else "float32",
        "command": training_command(),
        "machine": machine_description(),
        "config": dataclasses.asdict(config),
    }
    return merge_row(results_path(f"{study}_seeds", folder), (str(config.seed),), row)


def read_seed_study(study: str, command: str, folder: Path | None = None) -> dict[int, dict]:
    """Seed study ``study``'s rows by seed; ``command`` (``… --seed S``) is named if the file is missing."""
    rows = read_json(results_path(f"{study}_seeds", folder), f"{command} --ship")
    return {int(seed): row for seed, row in rows.items()}


class CheckpointError(RuntimeError):
    """A checkpoint is missing, corrupt, or does not match its sidecar."""


def checkpoint_dir() -> Path:
    """``data/checkpoints`` — where shipped checkpoints and their sidecars live."""
    return data_dir() / "checkpoints"


def _paths(name: str, folder: Path | None) -> tuple[Path, Path]:
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"name must be a plain checkpoint name like 'infogan', got {name!r}")
    folder = Path(folder) if folder is not None else checkpoint_dir()
    return folder / f"{name}.pt", folder / f"{name}.json"


def save_checkpoint(
    name: str,
    tensors: Mapping[str, Any],
    *,
    config: Mapping[str, Any],
    seed: int,
    metrics: Mapping[str, float],
    wall_time_s: float,
    history: Mapping[str, list[float]] | None = None,
    command: str | None = None,
    folder: Path | None = None,
) -> Path:
    """Write ``NAME.pt`` (tensors only), ``NAME.json`` (sidecar) and ``NAME.log.csv`` (history).

    ``tensors`` maps names to state dicts or tensors. ``command`` defaults to this process's
    command line. Returns the ``.pt`` path.
    """
    weights, sidecar = _paths(name, folder)
    if not isinstance(tensors, Mapping) or not tensors:
        raise ValueError("tensors must be a non-empty mapping of name -> state dict or tensor")
    weights.parent.mkdir(parents=True, exist_ok=True)
    torch.save({key: value for key, value in tensors.items()}, weights)
    record = {
        "name": name,
        "config": dict(config),
        "seed": seed,
        "metrics": {k: round(float(v), 6) for k, v in metrics.items()},
        "command": command or training_command(),
        "wall_time_s": round(float(wall_time_s), 1),
        "torch": torch.__version__,
        "machine": machine_description(),
        "sha256": sha256_of(weights),
    }
    sidecar.write_text(json.dumps(record, indent=2) + "\n")
    written = [sidecar]
    if history:
        log = weights.with_suffix(".log.csv")
        with open(log, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(history))
            writer.writerows(zip(*history.values(), strict=True))
        written.append(log)
    record_in_manifest(*written)  # train --ship: the manifest vouches for what the notebooks read
    return weights


SIDECAR_FIELDS = {
    "name": str,
    "config": dict,
    "seed": int,
    "metrics": dict,
    "command": str,
    "wall_time_s": (int, float),
    "torch": str,
    "machine": str,
    "sha256": str,
}


def _read_sidecar(path: Path, name: str, fix: str) -> dict[str, Any]:
    """The sidecar as a dict with exactly :data:`SIDECAR_FIELDS`, each of its type, naming ``name``."""
    try:
        record = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"sidecar {path} is not valid JSON ({exc}); {fix}.") from exc
    if not isinstance(record, dict):
        raise CheckpointError(f"sidecar {path} must hold a JSON object, not {type(record).__name__}; {fix}.")
    if set(record) != set(SIDECAR_FIELDS):
        missing, unknown = (
            sorted(set(SIDECAR_FIELDS) - set(record)),
            sorted(set(record) - set(SIDECAR_FIELDS)),
        )
        raise CheckpointError(f"sidecar {path}: missing fields {missing}, unknown fields {unknown}; {fix}.")
    for key, kind in SIDECAR_FIELDS.items():
        if isinstance(record[key], bool) or not isinstance(record[key], kind):
            raise CheckpointError(
                f"sidecar {path}: field {key!r} has the wrong type ({record[key]!r}); {fix}."
            )
    if record["name"] != name:
        raise CheckpointError(
            f"sidecar {path} belongs to checkpoint {record['name']!r}, not {name!r}; {fix}."
        )
    return record


def load_checkpoint(
    name: str,
    *,
    train_command: str,
    folder: Path | None = None,
    map_location: str | torch.device = "cpu",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Load ``NAME.pt`` safely (``weights_only=True``) after checking it against its sidecar.

    Returns ``(tensors, sidecar)``. Any problem raises :class:`CheckpointError` naming the file
    and ``train_command``, the command that regenerates it.
    """
    weights, sidecar = _paths(name, folder)
    fix = f"regenerate it with `{train_command}` (or restore it with `git checkout -- data/checkpoints/`)"
    if not weights.is_file() or not sidecar.is_file():
        missing = weights if not weights.is_file() else sidecar
        raise CheckpointError(f"checkpoint file {missing} is missing; {fix}.")
    try:
        verify_if_shipped(sidecar, train_command)  # a shipped sidecar must match data/MANIFEST.sha256
    except DataFileError as exc:
        raise CheckpointError(str(exc)) from exc
    record = _read_sidecar(sidecar, name, fix)
    if sha256_of(weights) != record.get("sha256"):
        raise CheckpointError(
            f"checkpoint {weights} does not match the sha256 in {sidecar.name} (corrupt or replaced); {fix}."
        )
    try:
        tensors = torch.load(weights, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises several types for a damaged zip
        raise CheckpointError(f"checkpoint {weights} cannot be read ({exc}); {fix}.") from exc
    return tensors, record


def config_from_sidecar(config_class: type, sidecar: Mapping[str, Any], train_command: str) -> Any:
    """Rebuild the config dataclass a checkpoint was trained with, from its sidecar.

    The sidecar must name exactly the config's fields: a checkpoint made by older code would
    otherwise load into a differently shaped model.
    """
    saved = sidecar.get("config")
    if not isinstance(saved, Mapping):
        raise CheckpointError(f"checkpoint {sidecar.get('name')!r}: its sidecar has no config object")
    expected = {f.name for f in dataclasses.fields(config_class)}
    if set(saved) != expected:
        raise CheckpointError(
            f"checkpoint {sidecar.get('name')!r} was made with config fields {sorted(saved)}, but "
            f"{config_class.__name__} has {sorted(expected)}; regenerate it with `{train_command}`."
        )
    try:
        return config_class(**saved)
    except ValueError as exc:  # the config's own checks: types, ranges, choices
        raise CheckpointError(
            f"checkpoint {sidecar.get('name')!r}: its sidecar's config is invalid ({exc}); "
            f"regenerate it with `{train_command}`."
        ) from exc


def read_history(name: str, folder: Path | None = None) -> dict[str, np.ndarray]:
    """The per-step training log ``NAME.log.csv`` written next to a checkpoint, as arrays.

    Taught in notebooks/02_yolo9000.ipynb §0 Setup.
    """
    weights, _ = _paths(name, folder)
    path = weights.with_suffix(".log.csv")
    fix = f"it is written by the train command that made {name}.pt (see {name}.json); retrain with --ship"
    if not path.is_file():
        raise CheckpointError(f"training log {path} is missing; {fix}.")
    try:
        verify_if_shipped(path)
    except DataFileError as exc:
        raise CheckpointError(f"{exc}; {fix}") from exc
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    try:
        columns = list(zip(*rows[1:], strict=True))
        return {key: np.asarray(col, dtype=float) for key, col in zip(rows[0], columns, strict=True)}
    except (ValueError, IndexError) as exc:
        raise CheckpointError(f"training log {path} is malformed ({exc}); {fix}.") from exc


def _device_text() -> str:
    try:
        return str(default_device())
    except ValueError as exc:
        return f"invalid: {exc}"


def training_command() -> str:
    """This process's command line as ``python -m dmlib …`` — what a sidecar records."""
    return "python -m dmlib " + " ".join(sys.argv[1:])


def machine_description() -> str:
    """Architecture, CPU model (or CUDA device) and torch threads — the hardware a sidecar records."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]  # fmt: skip
        cpu = names[0] if names else cpu
    device = f", {torch.cuda.get_device_name()}" if default_device().type == "cuda" else ""
    return f"{platform.machine()}, {cpu}{device}, {torch.get_num_threads()} threads"


def environment_report() -> dict[str, str]:
    """Versions, device and thread count — what ``python -m dmlib env`` prints.

    Taught in notebooks/01_infogan.ipynb §0 Setup.
    """
    import matplotlib
    import scipy

    report = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "device": _device_text(),
        "threads": str(torch.get_num_threads()),
        "cpu bf16 (AMX/AVX512-BF16)": str(cpu_supports_bf16()),
        "data": str(data_dir()),
    }
    try:
        import ipywidgets

        report["ipywidgets"] = ipywidgets.__version__
    except ImportError:
        report["ipywidgets"] = "not installed"
    return report


def cpu_supports_bf16() -> bool:
    """True where the CPU has native bfloat16 matmuls (AMX or AVX512-BF16), so autocast pays."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags
