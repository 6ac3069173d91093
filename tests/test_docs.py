"""Docs that cannot drift: every "Taught in notebooks/NB §N" line names a section that exists and
uses the symbol (in a code cell, or in a `code span` of its prose)."""

import ast
import json
import re
from pathlib import Path

import dmlib

ROOT = Path(dmlib.__file__).parent
NOTEBOOKS = ROOT.parent / "notebooks"
PAPER_NOTEBOOK = {
    "infogan": "01_infogan.ipynb",
    "yolo": "02_yolo9000.ipynb",
    "pixelrnn": "03_pixelrnn.ipynb",
    "hallucination": "04_modality_hallucination.ipynb",
}
REFERENCE = re.compile(r"Taught in (?:notebooks/(\S+?\.ipynb) )?§(\d+(?:\.\d+)*)")
HEADING = re.compile(r"^(#+)\s+(\d+(?:\.\d+)*)\.?\s+(.*)")


def sections(notebook: str) -> list[dict]:
    """Numbered sections in order: number, heading level, title and the text that can name a symbol."""
    found, current = [], None
    for cell in json.loads((NOTEBOOKS / notebook).read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.split("\n"):
                heading = HEADING.match(line)
                if heading:
                    current = {"num": heading[2], "level": len(heading[1]), "title": heading[3], "text": ""}
                    found.append(current)
        if current is not None:
            code = source if cell["cell_type"] == "code" else " ".join(re.findall(r"`([^`]+)`", source))
            current["text"] += code + "\n"
    return found


def section_text(notebook: str, number: str) -> str | None:
    """The text of section ``number`` and its subsections; None when there is no such section."""
    text, level = None, None
    for section in sections(notebook):
        if text is None and section["num"] == number:
            text, level = section["text"], section["level"]
        elif text is not None:
            if section["level"] <= level:
                break
            text += section["text"]
    return text


def uses(text: str, name: str) -> bool:
    """``name`` is called, accessed as an attribute, imported, or used as a module/object."""
    n = re.escape(name)
    return re.search(rf"(\.{n}\b|\b{n}\s*\(|\bimport\b[^\n]*\b{n}\b|\b{n}\.)", text) is not None


def references() -> list[tuple[str, str, str, str]]:
    """(file, symbol, notebook, section) for every "Taught in" line on a class or function."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        paper = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                for match in REFERENCE.finditer(" ".join((ast.get_docstring(node) or "").split())):
                    notebook = match[1] or PAPER_NOTEBOOK.get(paper, "")
                    found.append((str(path.relative_to(ROOT)), node.name, notebook, match[2]))
    return found


def test_every_taught_in_line_names_a_section_that_uses_the_symbol():
    refs = references()
    assert len(refs) > 100
    wrong = []
    for file, name, notebook, number in refs:
        text = section_text(notebook, number) if (NOTEBOOKS / notebook).is_file() else None
        if text is None or not uses(text, name):
            wrong.append(f"{file}: {name} → {notebook} §{number}")
    assert wrong == []


def test_the_checker_catches_a_wrong_section():
    assert section_text("01_infogan.ipynb", "99") is None
    assert not uses(section_text("01_infogan.ipynb", "1"), "code_factor_correlations")
    assert uses(section_text("01_infogan.ipynb", "11"), "code_factor_correlations")  # 부록 B.2
