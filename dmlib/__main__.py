"""``python -m dmlib``: train · evaluate · report · env · badges.

Taught in notebooks/01_infogan.ipynb §8.1 Training. Every model's config fields are flags of
``train NAME`` (``lambda_info`` → ``--lambda-info``), so the defaults are documented once, in
the config dataclass. ``train`` writes into ``runs/NAME/`` (``checkpoints/`` and ``results/``)
unless told ``--out DIR``; only ``--ship`` writes into ``data/``, replacing the shipped files and
their manifest entries.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .course import (
    badges_markdown,
    presenting_markdown,
    repository,
    write_notebook_first_cells,
    write_readme_block,
)
from .data import DataFileError, data_dir
from .figures import format_figures
from .registry import load_pretrained, recipes
from .training import CheckpointError, Recipe, default_device, environment_report


def _add_config_flags(parser: argparse.ArgumentParser, defaults: object) -> None:
    for field in dataclasses.fields(defaults):
        flag = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if field.type in (bool, "bool"):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        else:
            kind = {"int": int, "float": float, "str": str}.get(str(field.type), field.type)
            parser.add_argument(flag, type=kind, default=default, help=f"default {default}")


def _parser(table: dict[str, Recipe]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dmlib", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model and write its checkpoint + sidecar")
    train_sub = train.add_subparsers(dest="name", required=True)
    for recipe in table.values():
        p = train_sub.add_parser(recipe.name, help=recipe.help, description=recipe.help)
        _add_config_flags(p, recipe.default_config())
        where = p.add_mutually_exclusive_group()
        where.add_argument("--out", type=Path, default=None, help=f"run folder (default runs/{recipe.name})")
        where.add_argument(
            "--ship", action="store_true", help="write into data/, replacing the shipped files (maintainers)"
        )
    evaluate = sub.add_parser("evaluate", help="compute a model's figures from its checkpoint")
    evaluate.add_argument("name", choices=sorted(table))
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report = sub.add_parser("report", help="every reproduced figure beside the paper's number")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.add_argument("--readme", action="store_true", help="also write the table into README.md")
    sub.add_parser("env", help="versions, device and threads")
    sub.add_parser(
        "badges",
        help="rewrite README's Binder/Colab table, talk agendas and the notebooks' Colab cells "
        "for the GitHub repository of `git remote get-url origin`",
    )
    return parser


def _writable_folder(root: Path) -> Path:
    """``root/checkpoints``, created and test-written now, before any data loads or training starts."""
    folder = root / "checkpoints"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".dmlib-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ValueError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from exc
    return folder


def _train(recipe: Recipe, args: argparse.Namespace) -> None:
    names = {f.name for f in dataclasses.fields(recipe.config)}
    config = recipe.config(**{k: v for k, v in vars(args).items() if k in names})  # validates every field
    default_device()  # a bad DMLIB_DEVICE fails here, not after the data has loaded
    folder = _writable_folder(data_dir() if args.ship else args.out or Path("runs") / recipe.name)
    written = recipe.train_and_save(config, folder)
    if written.endswith(".json"):  # a results table rather than a checkpoint
        print(f"wrote {written}")
    else:
        print(f"wrote {folder / written}.pt (+ .json sidecar, .log.csv)")


def _figures(chosen: list[Recipe], args: argparse.Namespace) -> None:
    figures = [figure for recipe in chosen for figure in recipe.figures(load_pretrained)]
    print(json.dumps([f.to_dict() for f in figures], indent=2) if args.json else format_figures(figures))
    if getattr(args, "readme", False):
        write_readme_block("report", "```\n" + format_figures(figures) + "\n```")


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line) and run one of the CLI's commands.

    A user error (a bad flag value, an unwritable folder, a missing or altered file, a bad
    ``DMLIB_DEVICE``) prints one line to stderr and returns 2; nothing is half-written.
    """
    table = recipes()
    args = _parser(table).parse_args(argv)
    try:
        if args.command == "train":
            _train(table[args.name], args)
        elif args.command in ("evaluate", "report"):
            _figures([table[args.name]] if args.command == "evaluate" else list(table.values()), args)
        elif args.command == "env":
            for key, value in environment_report().items():
                print(f"{key:<28} {value}")
        elif args.command == "badges":
            repo, source = repository()
            print(f"badges and Colab cells for {repo}, from {source}")
            changed = write_readme_block("badges", badges_markdown(repo))
            changed |= write_readme_block("presenting", presenting_markdown())
            print("README.md updated" if changed else "README.md already current")
            for path in write_notebook_first_cells(repo):
                print(f"{path}: first cell updated")
    except (ValueError, CheckpointError, DataFileError) as exc:
        print(f"python -m dmlib {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
