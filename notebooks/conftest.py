"""nbval settings for the course notebooks, and numbers compared with a tolerance.

Progress bars are switched off in the kernels nbval starts (tqdm widgets would pile up, since
nbval ignores clear_output), and stderr — warnings, timing noise — is never compared.

A checked cell's floats may differ in their last digits on another CPU (another SIMD path, thread
count or oneDNN algorithm), so nbval's comparison is wrapped: where a test output differs from the
stored one, both are split into text and numbers; the text must match exactly, integers (counts,
shapes, op totals, step numbers) must match exactly, and each pair of decimals must agree within the
tolerance the notebook declares for its cells (``metadata.dmlib.tolerance = {"rel": r, "abs": a}``):
|x − y| ≤ a + r·max(|x|, |y|) + one unit in the stored number's last printed place (a value near a
rounding boundary flips its last digit on any change, however small). A cell's own
``metadata.dmlib.tolerance`` overrides the notebook's, and ``{"exact": true}`` compares its text
exactly. Outputs that differ beyond that still fail, saying which tolerance they were held to.
"""

from __future__ import annotations

import copy
import os
import re

from nbval.plugin import IPyNbCell

os.environ["DMLIB_PROGRESS"] = "0"  # inherited by the kernels nbval launches

NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w])")
TEXT_KINDS = ("text/plain", "text/html", "text/markdown", "text/latex")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def tolerance(cell_metadata: dict, notebook_metadata: dict) -> dict | None:
    """The tolerance for one cell: its own ``dmlib.tolerance``, else the notebook's; None when exact."""
    declared = cell_metadata.get("dmlib", {}).get("tolerance") or notebook_metadata.get("dmlib", {}).get(
        "tolerance"
    )
    if not declared or declared.get("exact"):
        return None
    return {"rel": float(declared.get("rel", 0.0)), "abs": float(declared.get("abs", 0.0))}


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def _last_place(token: str) -> float:
    """One unit in the last printed digit: 0.001 for "0.566", 1e-5 for "1.5e-4"."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals) * 1.000001  # a hair over: binary floats round


def numbers_agree(reference: str, test: str, tol: dict) -> bool:
    """True when ``test`` is ``reference`` but for decimals within ``tol`` (integers and text exact)."""
    if reference == test:
        return True
    if NUMBER.sub("#", reference) != NUMBER.sub("#", test):
        return False
    for ref, new in zip(NUMBER.findall(reference), NUMBER.findall(test), strict=True):
        if ref == new:
            continue
        decimal = any(c in ref + new for c in ".eE")
        if not decimal:
            return False  # an integer: a count, a shape, a step
        x, y = _value(ref), _value(new)
        if abs(x - y) > tol["abs"] + tol["rel"] * max(abs(x), abs(y)) + _last_place(ref):
            return False
    return True


def _text(value: str | list) -> str:
    return "".join(value) if isinstance(value, list) else value


def align_within_tolerance(test: list, reference: list, tol: dict) -> list:
    """A copy of ``test`` where each text output that agrees with the stored one within ``tol``
    is replaced by the stored text (so nbval's exact comparison passes); all else unchanged."""
    if len(test) != len(reference):
        return test
    test = copy.deepcopy(test)
    for new, ref in zip(test, reference, strict=True):
        if new.get("output_type") != ref.get("output_type"):
            continue
        if new.get("output_type") == "stream" and new.get("name") == ref.get("name"):
            if numbers_agree(_text(ref["text"]), _text(new["text"]), tol):
                new["text"] = ref["text"]
        for kind in TEXT_KINDS:
            if kind in new.get("data", {}) and kind in ref.get("data", {}):
                if numbers_agree(_text(ref["data"][kind]), _text(new["data"][kind]), tol):
                    new["data"][kind] = ref["data"][kind]
    return test


_exact_compare = IPyNbCell.compare_outputs


def _compare_within_tolerance(self, test, ref, skip_compare=None):
    tol = tolerance(self.cell.get("metadata", {}), self.parent.nb.metadata)
    if tol is not None:
        test = align_within_tolerance(test, ref, tol)
    same = _exact_compare(self, test, ref, skip_compare)
    if not same and tol is not None:
        self.comparison_traceback.append(f"(decimals compared within rel {tol['rel']}, abs {tol['abs']})")
    return same


IPyNbCell.compare_outputs = _compare_within_tolerance
