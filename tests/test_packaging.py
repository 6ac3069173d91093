"""The course's set-up files agree with each other and with the notebooks that exist."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

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


def test_readme_is_a_guide_of_at_most_250_lines_and_its_doc_links_exist():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250, "move measurement history and long explanations to docs/"
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).exists(), link


def test_every_badge_points_at_a_notebook_that_exists():
    readme = (ROOT / "README.md").read_text()
    assert course.badges_markdown(course.readme_repository()) in readme, "run `python -m dmlib badges`"
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
        assert "".join(first_code["source"]) == course.colab_setup_cell(course.readme_repository()), nb.path


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/someone/pr12-week5.git", "someone/pr12-week5"),
        ("https://github.com/someone/pr12-week5", "someone/pr12-week5"),
        ("git@github.com:some-one/my.course.git", "some-one/my.course"),
        ("ssh://git@github.com/someone/pr12-week5.git", "someone/pr12-week5"),
        ("/home/me/pr12-week5", None),
        ("https://gitlab.com/someone/pr12-week5.git", None),
    ],
)
def test_badges_follow_the_github_remote(url, repo):
    assert course.github_repository(url) == repo


def test_badges_use_the_remote_of_the_clone_or_say_they_fell_back(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert course.repository(tmp_path) == (course.REPOSITORY, course.repository(tmp_path)[1])
    assert "default" in course.repository(tmp_path)[1]
    for url in ("git@github.com:fork/course.git", "https://github.com/fork/course"):
        subprocess.run(["git", "-C", str(tmp_path), "remote", "remove", "origin"], capture_output=True)
        subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", url], check=True)
        repo, source = course.repository(tmp_path)
        assert repo == "fork/course"
        assert url in source
    assert "github.com/fork/course" in course.colab_setup_cell("fork/course")
    assert "fork/course/blob/main/notebooks" in course.badges_markdown("fork/course")


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
