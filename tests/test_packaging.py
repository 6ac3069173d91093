"""The course's set-up files agree with each other and with the notebooks that exist."""

import json
import re
import tomllib
from pathlib import Path

from dmlib import course

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"torch": "pytorch-cpu"}  # pip name → conda-forge name where they differ


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower()


def test_environment_yml_lists_every_runtime_requirement():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = {
        _requirement_name(line.strip()[2:])
        for line in (ROOT / "environment.yml").read_text().splitlines()
        if line.strip().startswith("- ") and not line.strip().startswith("- -")
    }
    for spec in project["dependencies"]:
        name = _requirement_name(spec)
        assert CONDA_NAMES.get(name, name) in listed, f"{name} missing from environment.yml"
    assert "jupyterlab" in listed


def test_environment_yml_installs_dmlib_itself():
    assert re.search(r"^\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.M)


def test_runtime_requirements_are_not_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [spec for spec in project["dependencies"] if "==" in spec]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def test_every_badge_points_at_a_notebook_that_exists():
    readme = (ROOT / "README.md").read_text()
    assert course.badges_markdown() in readme, "run `python -m dmlib badges`"
    paths = re.findall(r"/blob/main/(notebooks/[\w.]+)\)", readme)
    assert paths
    assert all((ROOT / p).is_file() for p in paths)


def test_notebooks_on_disk_are_the_course_table():
    on_disk = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(nb.path for nb in course.NOTEBOOKS)


def test_each_notebook_starts_with_the_colab_cell():
    for nb in course.NOTEBOOKS:
        cells = json.loads((ROOT / nb.path).read_text())["cells"]
        first_code = next(c for c in cells if c["cell_type"] == "code")
        assert "".join(first_code["source"]) == course.colab_setup_cell(), nb.path


def test_notebooks_are_committed_executed_in_order_with_png_figures():
    for nb in course.NOTEBOOKS:
        cells = json.loads((ROOT / nb.path).read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        counts = [c["execution_count"] for c in code]
        assert None not in counts, nb.path
        assert counts == sorted(counts), nb.path
        outputs = [o for c in code for o in c["outputs"]]
        assert not [o for o in outputs if o["output_type"] == "error"], nb.path
        assert not [o for o in outputs if "image/svg+xml" in o.get("data", {})], nb.path
