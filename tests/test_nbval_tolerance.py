"""The notebooks' checked outputs: decimals within a declared tolerance, everything else exact.

notebooks/conftest.py wraps nbval's comparison; these tests run nbval itself on small notebooks whose
stored outputs were changed, and check the rule on strings.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_conftest", ROOT / "notebooks" / "conftest.py")
rules = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rules)

TOL = {"rel": 1e-3, "abs": 0.0}


@pytest.mark.parametrize(
    ("stored", "new", "same"),
    [
        ("CKA 0.566", "CKA 0.567", True),  # one unit in the last place: a rounding flip
        ("CKA 0.566", "CKA 0.568", False),  # two units, and 0.35 % > rel 0.1 %
        ("L_hall 8.8368", "L_hall 8.8294", True),  # 0.08 % relative
        ("L_hall 8.8368", "L_hall 8.9368", False),  # 1.1 %: beyond
        ("6.88", "6.89", True),
        ("6.88", "6.90", False),
        ("shape (128, 1, 28, 28)", "shape (128, 1, 28, 27)", False),  # integers stay exact
        ("9,813 of 10,000 boxes", "9,814 of 10,000 boxes", False),
        ("error 0.144 ± 0.049", "error 0.145 ± 0.049", True),
        ("error 0.144 ± 0.049", "errors 0.144 ± 0.049", False),  # text stays exact
        ("x = −0.25", "x = −0.251", True),
        ("1.5e-4", "1.6e-4", True),  # one unit of the last place: 1e-5
        ("1.5e-4", "1.8e-4", False),
        ("sha256 3fa9…", "sha256 3fb9…", False),
    ],
)
def test_numbers_agree_within_the_tolerance_and_nothing_else(stored, new, same):
    assert rules.numbers_agree(stored, new, TOL) is same


def test_a_cell_declares_exact_or_its_own_tolerance():
    notebook = {"dmlib": {"tolerance": {"rel": 0.01, "abs": 0.001}}}
    assert rules.tolerance({}, notebook) == {"rel": 0.01, "abs": 0.001}
    assert rules.tolerance({"dmlib": {"tolerance": {"exact": True}}}, notebook) is None
    assert rules.tolerance({"dmlib": {"tolerance": {"rel": 0.1}}}, notebook) == {"rel": 0.1, "abs": 0.0}
    assert rules.tolerance({}, {}) is None


def _notebook(stored_text: str, printed: str) -> dict:
    cell = {
        "cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {},
        "source": f"# NBVAL_CHECK_OUTPUT\nprint({printed!r})",
        "outputs": [{"output_type": "stream", "name": "stdout", "text": stored_text + "\n"}],
    }  # fmt: skip
    return {
        "cells": [cell], "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "dmlib": {"tolerance": TOL}},
    }  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stored", "outcome"),
    [
        ("CKA 0.567, 12 seeds", "passed"),
        ("CKA 0.600, 12 seeds", "failed"),
        ("CKA 0.566, 13 seeds", "failed"),
        ("CKB 0.566, 12 seeds", "failed"),
    ],
)
def test_nbval_with_the_course_conftest_fails_beyond_the_tolerance(pytester, stored, outcome):
    shutil.copy(ROOT / "notebooks" / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "check.ipynb").write_text(json.dumps(_notebook(stored, "CKA 0.566, 12 seeds")))
    result = pytester.runpytest_subprocess("--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider")
    assert result.parseoutcomes().get(outcome) == 1, result.stdout.str()[-2000:]
