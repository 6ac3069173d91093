"""The course's table of notebooks and its repository — the one place both are written.

README's Binder/Colab badges and every notebook's Colab set-up cell are generated from here
(``python -m dmlib badges`` rewrites the README block; tests check both are current).
Taught in notebooks/01_infogan.ipynb §0 Setup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPOSITORY = "deep-morning/pr12-week5"  # GitHub owner/name; change it here only
BRANCH = "main"
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


def badges_markdown() -> str:
    """The README table: one row per notebook with its Binder and Colab badges."""
    binder = "https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}"
    colab = "https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"
    rows = ["| talk | notebook | Binder | Colab |", "|---|---|---|---|"]
    for nb in NOTEBOOKS:
        args = {"repo": REPOSITORY, "branch": BRANCH, "path": nb.path}
        rows.append(
            f"| {nb.talk} | [{nb.title}]({nb.path}) "
            f"| [![Binder](https://mybinder.org/badge_logo.svg)]({binder.format(**args)}) "
            f"| [![Colab]({COLAB_BADGE})]({colab.format(**args)}) |"
        )
    return "\n".join(rows)


def colab_setup_cell() -> str:
    """Source of every notebook's first cell: on Colab only, fetch the course and install dmlib.

    ``--no-deps`` keeps Colab's own torch and ipywidgets untouched.



    """
    return "\n".join(
        [
            "# On Colab only: fetch the course (for data/) and install dmlib without touching torch.",
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            f"    !git clone --depth 1 --branch {BRANCH} https://github.com/{REPOSITORY} /content/course",
            "    %pip install --quiet --no-deps -e /content/course",
            "    %cd /content/course/notebooks",
        ]
    )


def write_readme_block(name: str, text: str, readme: Path = ROOT / "README.md") -> bool:
    """Replace README's generated block ``<!-- name:begin ... -->…<!-- name:end -->`` with
    ``text``; True if it changed. Used by ``python -m dmlib badges|report --readme`` and
    ``make bench``.



    """
    content = readme.read_text()
    begin = content.index(f"<!-- {name}:begin")
    begin = content.index("-->", begin) + 3
    end = content.index(f"<!-- {name}:end -->")
    new = content[:begin] + "\n" + text.strip() + "\n" + content[end:]
    readme.write_text(new)
    return new != content
