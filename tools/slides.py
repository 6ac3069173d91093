"""``make slides``: each talk as a static reveal.js page in site/, for reading without a kernel.

    python tools/slides.py [--out site]

Writes ``site/<notebook>.html`` for each of the four talks (nbconvert's reveal.js slides of the executed
notebook: its outputs, its Korean speaker notes — press S for the speaker view — and each widget
replaced by its last state: the controls' values and the figure it showed) and ``site/index.html``
listing the talks with their agendas. reveal.js, RequireJS, jQuery and MathJax are fetched once
from the npm registry (``npm pack``, pinned versions, cached in ``.cache/slides/``) and copied into
``site/_static/``: the folder then works offline and can be published as it is (e.g. GitHub Pages).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dmlib import course  # noqa: E402

CACHE = ROOT / ".cache" / "slides"
PACKAGES = {  # npm package → the files the pages load, relative to the package root
    "reveal.js@4.0.2": ["dist/reveal.js", "dist/reveal.css", "dist/theme", "plugin/notes/notes.js"],
    "requirejs@2.3.7": ["require.js"],
    "jquery@3.7.1": ["dist/jquery.min.js"],
    "mathjax@3.2.2": ["es5/tex-svg.js"],
}
STATIC = {"reveal.js@4.0.2": "reveal.js", "requirejs@2.3.7": "requirejs", "jquery@3.7.1": "jquery",
          "mathjax@3.2.2": "mathjax"}  # fmt: skip
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def fetch_assets(static: Path) -> None:
    """Copy the pinned npm packages' files into ``static`` (fetching each tarball once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for package, files in PACKAGES.items():
        name, version = package.rsplit("@", 1)
        tarball = CACHE / f"{name}-{version}.tgz"
        if not tarball.exists():
            if shutil.which("npm") is None:
                raise SystemExit("make slides needs npm once, to fetch reveal.js and MathJax")
            subprocess.run(["npm", "pack", "--silent", package], cwd=CACHE, check=True, capture_output=True)
        target = static / STATIC[package]
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                inside = member.name.removeprefix("package/")
                if member.isfile() and any(inside == f or inside.startswith(f + "/") for f in files):
                    member.name = inside
                    tar.extract(member, target, filter="data")
    for css in (static / "reveal.js" / "dist" / "theme").glob("*.css"):  # themes @import web fonts: offline
        text = css.read_text()
        css.write_text(re.sub(r"@import url\(\s*['\"]?(?:https?:)?//[^)]*\)\s*;?", "", text))


def _controls(state: dict, model_id: str) -> tuple[list[str], list[dict]]:
    """A widget's controls as 'label = value' and its Output widgets' outputs, found through its children."""
    labels, outputs, todo = [], [], [model_id]
    while todo:
        model = state.get(todo.pop(0).removeprefix("IPY_MODEL_"))
        if model is None:
            continue
        kind, values = model["model_name"], model["state"]
        if kind == "OutputModel":
            outputs += values.get("outputs", [])
        elif "children" in values:
            todo += values["children"]
        elif "value" in values and kind not in ("LabelModel", "HTMLModel"):
            value = values["value"]
            if "_options_labels" in values and isinstance(values.get("index"), int):
                value = values["_options_labels"][values["index"]]
            labels.append(f"{values.get('description') or kind.removesuffix('Model')} = {value}")
    return labels, outputs


def static_widgets(nb: nbformat.NotebookNode) -> int:
    """Replace each widget output by its last state: a line of control values and the figure it showed.
    Returns how many widgets were replaced."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        new_outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                new_outputs.append(output)
                continue
            labels, shown = _controls(state, view["model_id"])
            line = " · ".join(html.escape(label) for label in labels)
            controls = f'<div class="dmlib-widget-controls">widget: {line}</div>'
            new_outputs.append(nbformat.v4.new_output("display_data", {"text/html": controls}))
            new_outputs += [nbformat.from_dict(o) for o in shown]
            replaced += 1
        cell["outputs"] = new_outputs
    nb.metadata.pop("widgets", None)
    return replaced


def build(out: Path) -> list[Path]:
    """Write the four talks and the index into ``out``; return the pages written."""
    static = out / "_static"
    fetch_assets(static)
    exporter = SlidesExporter(
        template_name="course", extra_template_basedirs=[str(Path(__file__).parent / "slides_template")],
        reveal_url_prefix="_static/reveal.js", require_js_url="_static/requirejs/require.js",
        jquery_url="_static/jquery/dist/jquery.min.js",
    )  # fmt: skip
    pages = []
    for notebook in course.NOTEBOOKS:
        nb = nbformat.read(ROOT / notebook.path, as_version=4)
        static_widgets(nb)
        body, _ = exporter.from_notebook_node(nb, resources={"static_prefix": "_static"})
        page = out / (Path(notebook.path).stem + ".html")
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    index = out / "index.html"
    index.write_text(index_page(), encoding="utf-8")
    return [*pages, index]


def index_page() -> str:
    """site/index.html: the four talks, each with its slide count and agenda."""
    parts = []
    for notebook in course.NOTEBOOKS:
        rows = "".join(f"<tr><td>{html.escape(s)}</td><td>{m}</td></tr>" for s, m in course.agenda(notebook))
        total = sum(m for _, m in course.agenda(notebook))
        page = Path(notebook.path).stem + ".html"
        parts.append(
            f'<section><h2><a href="{page}">{notebook.talk} · {html.escape(notebook.title)}</a></h2>'
            f"<p>{len(course.slides(notebook))} slides · {total}분 · press S for the speaker notes</p>"
            f"<table><tr><th>section</th><th>min</th></tr>{rows}</table></section>"
        )
    return (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>딥모닝 week 5 — slides</title>'
        "<style>body{font-family:'Noto Sans CJK KR',sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}"
        "</style></head><body><h1>딥모닝 (Deep Morning) week 5 — 발표 슬라이드</h1>"
        "<p>Static copies of the four talks (executed outputs, speaker notes, widgets as last shown). "
        "To run them, open the notebooks in JupyterLab, Binder or Colab.</p>"
        + "".join(parts)
        + "</body></html>"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for page in build(args.out):
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
