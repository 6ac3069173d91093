"""Every paper package of the course, and what the CLI can train, load, evaluate and report.

Each paper package exports ``RECIPES`` (its :class:`~dmlib.training.Recipe` list); adding a fifth
paper is one line in :data:`PAPERS`. Paper packages never import this module: their figure
functions receive :func:`load_pretrained` as an argument.
Taught in notebooks/01_infogan.ipynb §8.6 Paper vs ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import hallucination, infogan, pixelrnn, yolo
from .figures import Figure
from .training import CheckpointError, Pretrained, Recipe, config_from_sidecar, load_checkpoint

__all__ = ["PAPERS", "checkpoint_recipe", "load_pretrained", "paper_figures", "recipes"]

PAPERS = {"infogan": infogan, "yolo": yolo, "pixelrnn": pixelrnn, "hallucination": hallucination}


def recipes() -> dict[str, Recipe]:
    """Every trainable model, by its ``python -m dmlib train NAME`` name, in the course's order."""
    return {recipe.name: recipe for package in PAPERS.values() for recipe in package.RECIPES}


def checkpoint_recipe(name: str) -> tuple[Recipe, dict]:
    """The recipe that made shipped checkpoint ``name`` and the config overrides it used."""
    for recipe in recipes().values():
        if name in recipe.checkpoints:
            return recipe, dict(recipe.checkpoints[name])
    shipped = sorted(c for recipe in recipes().values() for c in recipe.checkpoints)
    raise ValueError(f"no shipped checkpoint is called {name!r}; the shipped ones are {shipped}")


def load_pretrained(name: str) -> Pretrained:
    """Shipped checkpoint ``name`` rebuilt: networks in eval mode, other tensors, config, sidecar.

    The one loader for every paper (``infogan``, ``yolov2``, ``pixelcnn``, ``hallucination_seed0``…).
    Taught in notebooks/01_infogan.ipynb §0 Setup.
    """
    recipe, overrides = checkpoint_recipe(name)
    command = recipe.command(overrides)
    tensors, sidecar = load_checkpoint(name, train_command=command)
    config = config_from_sidecar(recipe.config, sidecar, command)
    networks = recipe.build(config)
    for key, net in networks.items():
        if not isinstance(tensors.get(key), Mapping):
            raise CheckpointError(
                f"checkpoint {name}.pt has no weights for network {key!r}; regenerate it with `{command}`."
            )
        try:
            net.load_state_dict(tensors.pop(key))  # strict: every key, every shape
        except RuntimeError as exc:
            raise CheckpointError(
                f"checkpoint {name}.pt does not fit network {key!r} ({str(exc).splitlines()[0]}); "
                f"regenerate it with `{command}`."
            ) from exc
        net.eval()
    return Pretrained(name, config, networks, {k: v.float() for k, v in tensors.items()}, sidecar)


def paper_figures(paper: str | None = None, loaded: Iterable[Pretrained] = ()) -> list[Figure]:
    """The reproduced figures of one paper package (``"infogan"``, …), or of all four.

    ``loaded`` are checkpoints the caller already holds (a notebook's): they are reused, and so are
    the evaluations already run on them (see :func:`dmlib.training.evaluation_cache`).
    Taught in notebooks/01_infogan.ipynb §8.6 Paper vs ours.
    """
    if paper is not None and paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")
    held = {pretrained.name: pretrained for pretrained in loaded}

    def load(name: str) -> Pretrained:
        return held[name] if name in held else load_pretrained(name)

    chosen = PAPERS.values() if paper is None else [PAPERS[paper]]
    return [figure for package in chosen for recipe in package.RECIPES for figure in recipe.figures(load)]
