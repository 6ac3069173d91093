"""The layout the course promises: four paper packages, shared modules that know no paper, no cycles."""

import ast
import subprocess
import sys
from pathlib import Path

import dmlib
from dmlib import registry

ROOT = Path(dmlib.__file__).parent
PAPERS = ("infogan", "yolo", "pixelrnn", "hallucination")
SHARED = ("data", "training", "figures", "checks", "plotting", "widgets", "exercises", "course", "stats")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """dmlib modules that ``name`` imports anywhere in its source (module level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from . import x` imports the submodule x when there is one
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_layout_shows_four_paper_packages_and_a_few_shared_modules():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(PAPERS)
    top = {p.stem for p in ROOT.glob("*.py")} - {"__init__", "__main__", "registry"}
    assert top == set(SHARED)
    assert list(registry.PAPERS) == list(PAPERS)
    for paper in PAPERS:
        assert {"widgets", "exercises"} <= {p.stem for p in (ROOT / paper).glob("*.py")}


def test_the_import_graph_has_no_cycle():
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == "done":
            return
        if state.get(node) == "open":
            raise AssertionError("import cycle: " + " → ".join([*trail, node]))
        state[node] = "open"
        for child in GRAPH[node]:
            visit(child, [*trail, node])
        state[node] = "done"

    for module in GRAPH:
        visit(module, [])


def test_shared_modules_know_no_paper_and_papers_never_import_the_registry():
    for name, imported in GRAPH.items():
        paper = name.split(".")[1] if name.count(".") else None
        if name.split(".")[-1] in SHARED and paper in SHARED:
            assert not {m for m in imported if m.split(".")[1] in PAPERS}, name
        if paper in PAPERS:
            assert not imported & {"dmlib.registry", "dmlib.__main__"}, name
            others = {m.split(".")[1] for m in imported} & set(PAPERS) - {paper}
            assert not others, f"{name} imports another paper: {others}"
    assert GRAPH["dmlib.figures"] == set()  # a leaf


FRESH_IMPORTS = """
import importlib, sys
import ipywidgets, matplotlib, numpy, scipy, torch  # third-party, imported once: no part of a dmlib cycle
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "dmlib" or m.startswith("dmlib.")]:
        del sys.modules[loaded]  # every module starts from a dmlib-free interpreter
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {exc!r}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_first_on_its_own():
    done = subprocess.run(
        [sys.executable, "-c", FRESH_IMPORTS, *sorted(MODULES)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
