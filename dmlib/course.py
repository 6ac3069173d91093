"""The course's table of notebooks and its repository — the one place both are written.

README's Binder/Colab badges, its "Presenting" agendas and every notebook's Colab set-up cell are
generated from here (``python -m dmlib badges`` rewrites the README blocks; tests check all are current).
Each notebook is also a slide talk: :func:`slides` reads its RISE slideshow metadata and :func:`agenda`
its agenda slide. Taught in notebooks/01_infogan.ipynb §0 Setup.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = "deep-morning/pr12-week5"  # GitHub owner/name used when the clone has no GitHub remote
BRANCH = "main"
COURSE_DIR = "/content/course"  # where the Colab cell clones the course
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Notebook:
    """One row of the course table: the notebook's path, its PR12 talk and title."""

    path: str  # relative to the repository root
    talk: str
    title: str


NOTEBOOKS = (
    Notebook("notebooks/01_infogan.ipynb", "PR-022", "InfoGAN"),
    Notebook("notebooks/02_yolo9000.ipynb", "PR-023", "YOLO9000 (YOLOv2 + WordTree)"),
    Notebook("notebooks/03_pixelrnn.ipynb", "PR-024", "PixelRNN & PixelCNN"),
    Notebook("notebooks/04_modality_hallucination.ipynb", "PR-025", "Modality hallucination"),
)


_GITHUB_REMOTE = re.compile(r"^(?:https?://|ssh://git@|git@)github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


def github_repository(url: str) -> str | None:
    """``owner/name`` from a GitHub remote URL (https, ``git@github.com:`` or ``ssh://``); None otherwise."""
    match = _GITHUB_REMOTE.match(url.strip())
    return f"{match[1]}/{match[2]}" if match else None


def repository(root: Path = ROOT) -> tuple[str, str]:
    """The GitHub ``owner/name`` the badges and the Colab cell point at, and where it came from:
    ``git remote get-url origin`` when that is a GitHub URL (a fork gets its own badges), else
    :data:`REPOSITORY`."""
    try:
        url = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=10, check=False).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        url = ""
    found = github_repository(url) if url else None
    if found:
        return found, f"git remote origin ({url.strip()})"
    return REPOSITORY, "the default in dmlib/course.py (no GitHub remote named origin)"


def readme_repository(readme: Path = ROOT / "README.md") -> str:
    """The ``owner/name`` README's badge table was generated for (tests check the table is current)."""
    found = re.search(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/", readme.read_text())
    if not found:
        raise ValueError(f"{readme} has no Colab badge; run `python -m dmlib badges`")
    return found[1]


def badges_markdown(repo: str = REPOSITORY) -> str:
    """The README table: one row per notebook with its Binder and Colab badges for GitHub ``repo``."""
    binder = "https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}"
    colab = "https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"
    rows = ["| talk | notebook | Binder | Colab |", "|---|---|---|---|"]
    for nb in NOTEBOOKS:
        args = {"repo": repo, "branch": BRANCH, "path": nb.path}
        rows.append(
            f"| {nb.talk} | [{nb.title}]({nb.path}) "
            f"| [![Binder](https://mybinder.org/badge_logo.svg)]({binder.format(**args)}) "
            f"| [![Colab]({COLAB_BADGE})]({colab.format(**args)}) |"
        )
    return "\n".join(rows)


def colab_setup_cell(repo: str = REPOSITORY) -> str:
    """Source of every notebook's first cell: on Colab only, fetch the course and make dmlib importable.

    ``--no-deps`` keeps Colab's own torch and ipywidgets. The editable install serves later kernels and
    ``!python -m dmlib``; the kernel already running never reads the install's ``.pth`` file, so the
    clone also goes on its ``sys.path``: dmlib is imported from the clone and finds ``data/`` beside
    itself, as on a laptop. Running it again (or after a runtime restart) reuses the clone.
    ``DMLIB_COURSE_URL`` / ``DMLIB_COURSE_DIR`` override where it clones from and to (the Colab-like
    test clones a local copy).
    """
    url = f"https://github.com/{repo}"
    return "\n".join(
        [
            "# On Colab only: fetch the course (dmlib + data/) and import dmlib from it, torch untouched.",
            "import os",
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            f'    course = os.environ.get("DMLIB_COURSE_DIR", "{COURSE_DIR}")',
            "    if not os.path.isdir(course):",
            f'        url = os.environ.get("DMLIB_COURSE_URL", "{url}")',
            f"        !git clone --quiet --depth 1 --branch {BRANCH} {{url}} {{course}}",
            "    %pip install --quiet --no-deps -e {course}",
            "    if course not in sys.path:  # this kernel started before the install: add the clone itself",
            "        sys.path.insert(0, course)",
            "    %cd {course}/notebooks",
        ]
    )


def write_notebook_first_cells(repo: str = REPOSITORY) -> list[str]:
    """Set every notebook's first code cell to :func:`colab_setup_cell`; the paths that changed."""
    changed = []
    for nb in NOTEBOOKS:
        path = ROOT / nb.path
        notebook = json.loads(path.read_text())
        first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        source = colab_setup_cell(repo)
        if "".join(first["source"]) != source:
            first["source"] = source.splitlines(keepends=True)
            path.write_text(
                json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
            )  # as nbformat writes
            changed.append(nb.path)
    return changed


def write_readme_block(name: str, text: str, readme: Path = ROOT / "README.md") -> bool:
    """Replace the generated block ``<!-- name:begin ... -->…<!-- name:end -->`` of README (or of the
    markdown file ``readme``) with ``text``; True if it changed. Used by ``python -m dmlib badges|report
    --readme`` and the benchmarks (which write docs/benchmarks.md).



    """
    content = readme.read_text()
    begin = content.index(f"<!-- {name}:begin")
    begin = content.index("-->", begin) + 3
    end = content.index(f"<!-- {name}:end -->")
    new = content[:begin] + "\n" + text.strip() + "\n" + content[end:]
    readme.write_text(new)
    return new != content


SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")  # RISE's cell roles
_AGENDA_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*(\d+)\s*\|\s*$", re.M)


def cells(notebook: Notebook) -> list[dict]:
    """The notebook's cells as stored (plain JSON: no Jupyter import needed)."""
    return json.loads((ROOT / notebook.path).read_text())["cells"]


def slide_type(cell: dict) -> str:
    """The cell's role in the slideshow (RISE's ``slideshow.slide_type``; "" when it has none)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "")


def slides(notebook: Notebook) -> list[list[dict]]:
    """The talk as RISE shows it: one list of cells per slide or subslide, skipped cells left out.

    Speaker notes (``notes`` cells) stay in the slide they follow.
    """
    talk: list[list[dict]] = []
    for cell in cells(notebook):
        kind = slide_type(cell)
        if kind in ("slide", "subslide") or not talk:
            talk.append([])
        if kind != "skip":
            talk[-1].append(cell)
    return talk


def agenda(notebook: Notebook) -> list[tuple[str, int]]:
    """The agenda slide's rows: (section, minutes), in talk order.

    The agenda is the slide whose heading names "Agenda"; its table rows read
    ``| n | section | minutes |`` (the total row, in bold, is not a row of this form).
    """
    for slide in slides(notebook):
        text = "".join(slide[0]["source"])
        if text.startswith("## ") and "Agenda" in text.splitlines()[0]:
            return [(section, int(minutes)) for _, section, minutes in _AGENDA_ROW.findall(text)]
    raise ValueError(f"{notebook.path} has no agenda slide (a '## ... Agenda' heading)")


def presenting_markdown() -> str:
    """README's "Presenting" table: each talk's slide count, minutes and agenda, from its agenda slide."""
    rows = ["| talk | slides | min | agenda (minutes) |", "|---|---:|---:|---|"]
    for nb in NOTEBOOKS:
        sections = agenda(nb)
        total = sum(minutes for _, minutes in sections)
        steps = " · ".join(f"{section} ({minutes})" for section, minutes in sections)
        rows.append(f"| {nb.talk} {nb.title} | {len(slides(nb))} | {total} | {steps} |")
    return "\n".join(rows)
