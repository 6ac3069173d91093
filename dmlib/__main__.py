"""``python -m dmlib``: train · evaluate · report · env · badges.

Taught in notebooks/01_infogan.ipynb §6 Training. Every model's config fields are flags of
``train NAME`` (``lambda_info`` → ``--lambda-info``), so the defaults are documented once, in
the config dataclass.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .course import badges_markdown, write_readme_block
from .figures import format_figures
from .registry import load_pretrained, recipes
from .training import checkpoint_dir, environment_report


def _add_config_flags(parser: argparse.ArgumentParser, defaults: object) -> None:
    for field in dataclasses.fields(defaults):
        flag = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if field.type in (bool, "bool"):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        else:
            kind = {"int": int, "float": float, "str": str}.get(str(field.type), field.type)
            parser.add_argument(flag, type=kind, default=default, help=f"default {default}")


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line) and run one of the CLI's commands."""
    table = recipes()
    parser = argparse.ArgumentParser(prog="python -m dmlib", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model and write its checkpoint + sidecar")
    train_sub = train.add_subparsers(dest="name", required=True)
    for recipe in table.values():
        p = train_sub.add_parser(recipe.name, help=recipe.help, description=recipe.help)
        _add_config_flags(p, recipe.default_config())
        p.add_argument("--checkpoint-dir", type=Path, default=None, help="default data/checkpoints")
    evaluate = sub.add_parser("evaluate", help="compute a model's figures from its checkpoint")
    evaluate.add_argument("name", choices=sorted(table))
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report = sub.add_parser("report", help="every reproduced figure beside the paper's number")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.add_argument("--readme", action="store_true", help="also write the table into README.md")
    sub.add_parser("env", help="versions, device and threads")
    sub.add_parser("badges", help="rewrite README's Binder/Colab table from dmlib/course.py")
    args = parser.parse_args(argv)

    if args.command == "train":
        recipe = table[args.name]
        names = {f.name for f in dataclasses.fields(recipe.config)}
        config = recipe.config(**{k: v for k, v in vars(args).items() if k in names})
        folder = args.checkpoint_dir or checkpoint_dir()
        written = recipe.train_and_save(config, folder)
        if written.endswith(".json"):  # a results table rather than a checkpoint
            print(f"wrote {written}")
        else:
            print(f"wrote {folder / written}.pt (+ .json sidecar, .log.csv)")
    elif args.command in ("evaluate", "report"):
        chosen = [table[args.name]] if args.command == "evaluate" else list(table.values())
        figures = [figure for recipe in chosen for figure in recipe.figures(load_pretrained)]
        if args.json:
            print(json.dumps([f.to_dict() for f in figures], indent=2))
        else:
            print(format_figures(figures))
        if getattr(args, "readme", False):
            write_readme_block("report", "```\n" + format_figures(figures) + "\n```")
    elif args.command == "env":
        for key, value in environment_report().items():
            print(f"{key:<28} {value}")
    elif args.command == "badges":
        changed = write_readme_block("badges", badges_markdown())
        print("README.md updated" if changed else "README.md already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
