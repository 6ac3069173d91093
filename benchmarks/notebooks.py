"""Run each notebook top to bottom in a fresh kernel; report wall time and peak memory.

    python benchmarks/notebooks.py            # table of every notebook
    python benchmarks/notebooks.py --readme   # ... and write it into docs/benchmarks.md
    python benchmarks/notebooks.py --with-tests   # also time the README's test command
    python benchmarks/notebooks.py --busy     # the same with every core kept busy by other processes

Peak memory is the kernel's maximum resident set size (ru_maxrss of the reaped kernel process).
Budgets (README, docs/benchmarks.md): ≤ 120 s and ≤ 1.5 GB per notebook on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 120, 1536


def run_one(path: Path) -> dict:
    """Execute ``path`` in a fresh kernel (cwd = its folder); nothing is written back.

    The cells run through tools/kernel.py (nbval's way: one blocking client), not nbclient, whose
    widget-cell hang stalled busy runs for minutes; a cell with no kernel message for 300 s is
    interrupted and run again, and the report says which cells were.
    """
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    from kernel import run_notebook

    notebook = nbformat.read(path, as_version=4)
    run = run_notebook(notebook, path.parent)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"notebook": path.name, "wall_s": round(run["seconds"], 1), "peak_mb": round(peak_mb),
            "retried_cells": run["retried"]}  # fmt: skip


def measure(path: Path) -> dict:
    # A separate process per notebook, so RUSAGE_CHILDREN sees only that notebook's kernel.
    env = {**os.environ, "DMLIB_PROGRESS": "0"}
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict], test_s: float | None) -> str:
    lines = [
        "| notebook | Run All wall time | peak kernel memory | within budget |",
        "|---|---:|---:|:---:|",
    ]
    for r in rows:
        ok = r["wall_s"] <= BUDGET_S and r["peak_mb"] <= BUDGET_MB
        lines.append(f"| {r['notebook']} | {r['wall_s']} s | {r['peak_mb']} MB | {'yes' if ok else 'NO'} |")
    if test_s is not None:
        ok = "yes" if test_s <= 900 else "NO"
        lines.append(f"| `make test` (pytest + nbval, warm venv) | {test_s:.0f} s | | {ok} |")
    return "\n".join(lines)


class CpuHogs:
    """One busy-looping process per core for the duration of a ``with`` block (a loaded laptop)."""

    def __enter__(self) -> CpuHogs:
        hog = "while True: pass"
        self.processes = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(os.cpu_count() or 2)]
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--readme", action="store_true", help="write the table into docs/benchmarks.md")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument(
        "--busy", action="store_true", help="keep every core busy with other processes meanwhile"
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    with CpuHogs() if args.busy else contextlib.nullcontext():
        rows = [measure(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
        test_s = None
        if args.with_tests:
            start = time.perf_counter()
            subprocess.run(["make", "test"], cwd=ROOT, check=True, capture_output=True)
            test_s = time.perf_counter() - start
    text = table(rows, test_s)
    print(text)
    if args.readme:
        from dmlib.course import write_readme_block

        write_readme_block("bench-busy" if args.busy else "bench", text, ROOT / "docs" / "benchmarks.md")
    return 0 if all(r["wall_s"] <= BUDGET_S and r["peak_mb"] <= BUDGET_MB for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
