"""Colab, exercised: each notebook runs top to bottom in a Colab-like environment.

A separate venv stands in for Colab's runtime: ipywidgets 7.7.1 (Colab's widget manager is not
JupyterLab's and cannot be upgraded), numpy 2.0, its own torch, no dmlib. Each kernel has
`google.colab` loaded and starts outside the course; the notebook's first cell clones the course
(from this repository's `main`, through $DMLIB_COURSE_URL) and installs dmlib with `--no-deps` *inside
the running kernel*; the rest of the notebook then runs in that same kernel and one widget is moved.

The venv is built once into .venv-colab/ (rebuilt when COLAB_PACKAGES change) and its set-up time is
printed. The torch in it is whatever CPU build pip resolves here (PyPI's other builds need GBs of CUDA
libraries); $DMLIB_COLAB_TORCH names another requirement to try a different one.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from dmlib import course

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-colab"
COLAB_PACKAGES = [
    "ipywidgets==7.7.1", "numpy==2.0.2", os.environ.get("DMLIB_COLAB_TORCH", "torch"), "matplotlib", "scipy",
    "tqdm", "ipykernel", "jupyter_client", "nbformat", "setuptools",
]  # fmt: skip
# The first cell before issue #37: it installs dmlib but leaves the running kernel unable to import it.
OLD_FIRST_CELL = """import sys

if "google.colab" in sys.modules:
    !git clone --depth 1 --branch main https://github.com/deep-morning/pr12-week5 /content/course
    %pip install --quiet --no-deps -e /content/course
    %cd /content/course/notebooks"""

pytestmark = pytest.mark.slow


def _fresh_runtime(python: Path) -> None:
    """Uninstall dmlib from the venv, as a new Colab runtime has none (an earlier test installed it)."""
    subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "dmlib"], capture_output=True)
    assert subprocess.run([str(python), "-c", "import dmlib"], capture_output=True, cwd="/").returncode != 0


def _kernel_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DMLIB_DATA", "VIRTUAL_ENV")}
    env.update(DMLIB_COURSE_URL=f"file://{ROOT}", DMLIB_COURSE_DIR=str(tmp / "content" / "course"),
               DMLIB_PROGRESS="0", PATH=f"{VENV / 'bin'}:{env.get('PATH', '')}")  # fmt: skip
    return env


@pytest.fixture(scope="module")
def colab_python():
    python = VENV / "bin" / "python"
    stamp = VENV / ".packages"
    if not (python.exists() and stamp.exists() and stamp.read_text() == "\n".join(COLAB_PACKAGES)):
        if shutil.which("git") is None:
            pytest.skip("git is needed to clone the course as the Colab cell does")
        start = time.perf_counter()
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *COLAB_PACKAGES], check=True)
        stamp.write_text("\n".join(COLAB_PACKAGES))
        print(f"Colab-like venv built in {time.perf_counter() - start:.0f} s")
    return python


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("colab")


def _run_cells(python: Path, tmp: Path, sources: list[str]) -> list[dict]:
    """Run ``sources`` as one notebook in a fresh Colab-like kernel; the executed cells' outputs."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path = tmp / "cells.ipynb"
    nbformat.write(nb, path)
    _fresh_runtime(python)
    script = (
        "import json, sys\nsys.path.insert(0, sys.argv[3])\nimport nbformat, kernel\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "try:\n    kernel.run_notebook(nb, sys.argv[2])\nexcept kernel.CellError:\n    pass\n"
        "print(json.dumps([c.get('outputs', []) for c in nb.cells]))"
    )
    args = [str(python), "-c", script, str(path), str(tmp), str(ROOT / "tools")]
    out = subprocess.run(args, capture_output=True, text=True, env=_kernel_env(tmp), timeout=900, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _text(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") + "".join(o.get("traceback", [])) + o.get("ename", "") for o in outputs)


def test_first_cell_leaves_dmlib_importable_in_the_running_kernel(colab_python, workdir):
    tmp = workdir / "first-cell"
    tmp.mkdir()
    probe = "import dmlib, dmlib.data\nprint(dmlib.__file__)\nprint(dmlib.data.data_dir().is_dir())"
    fake = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"
    cell = course.colab_setup_cell(course.readme_repository())
    outputs = _run_cells(colab_python, tmp, [fake, cell, probe, cell, "import os\nprint(os.getcwd())"])
    assert "Error" not in _text(outputs[1]) + _text(outputs[3]), _text(outputs[1]) + _text(outputs[3])
    assert str(tmp / "content" / "course" / "dmlib") in _text(outputs[2])  # imported from the clone ...
    assert "True" in _text(outputs[2])  # ... and data/ found beside it
    # run twice: no second clone, no error, and the kernel is in the clone's notebooks/
    assert _text(outputs[4]).strip() == str(tmp / "content" / "course" / "notebooks")


def test_the_old_first_cell_fails_in_the_running_kernel(colab_python, workdir):
    """What issue #37 reported, reproduced: this test is the evidence the check above can fail."""
    tmp = workdir / "old-cell"
    tmp.mkdir()
    old = OLD_FIRST_CELL.replace("https://github.com/deep-morning/pr12-week5", f"file://{ROOT}").replace(
        "/content/course", str(tmp / "content" / "course")
    )
    fake = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"
    outputs = _run_cells(colab_python, tmp, [fake, old, "import dmlib"])
    assert "ModuleNotFoundError" in _text(outputs[2])


@pytest.mark.parametrize("notebook", [nb.path for nb in course.NOTEBOOKS], ids=lambda p: Path(p).stem)
def test_notebook_runs_top_to_bottom_on_colab(colab_python, workdir, notebook):
    tmp = workdir / Path(notebook).stem
    tmp.mkdir()
    _fresh_runtime(colab_python)
    driver = ROOT / "tests" / "colab" / "run_notebook.py"
    out = subprocess.run(
        [str(colab_python), str(driver), str(ROOT / notebook), str(tmp)],
        capture_output=True, text=True, env=_kernel_env(workdir), timeout=1500,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-6000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    print(report)
    assert report["ipywidgets"] == "7.7.1"
    assert report["numpy"].startswith("2.0")
    assert report["dmlib"].startswith(str(workdir / "content" / "course"))
