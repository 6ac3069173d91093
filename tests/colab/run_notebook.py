"""Run one course notebook as Colab would, in the Colab-like venv (tests/test_colab.py builds it).

Usage: python run_notebook.py NOTEBOOK WORKDIR

The kernel starts in WORKDIR with neither dmlib nor the course on its path, and `google.colab` loaded
(a module of that name, as Colab's runtime has it); the notebook's own first cell must then fetch the
course (from $DMLIB_COURSE_URL into $DMLIB_COURSE_DIR) and make dmlib importable in that same kernel.
After the last cell, one more cell moves a control of the first interactive widget and checks that
its callback ran without an error. Prints one JSON line: seconds, the widget moved, the ipywidgets,
numpy and torch versions the kernel ran with.
"""

import json
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from kernel import run_notebook  # noqa: E402 - nbval's way of running cells, not nbclient's

FAKE_COLAB = """import sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab's runtime has imported"""

MOVE_ONE_WIDGET = r"""import json, sys
import ipywidgets, numpy, torch
from ipywidgets import interactive
live = getattr(ipywidgets.Widget, "widgets", None) or ipywidgets.widgets.widget._instances  # 7.x or 8.x
panels = [w for w in list(live.values()) if isinstance(w, interactive)]
assert panels, "no interactive widget was built"
moved = None
for panel in panels:
    for control in panel.children[:-1]:
        if hasattr(control, "options") and len(control.options) > 1:
            labels = [o[1] if isinstance(o, tuple) else o for o in control.options]
            new = next(v for v in labels if v != control.value)
        elif hasattr(control, "max") and control.max != control.value:
            new = control.max
        elif hasattr(control, "min") and control.min != control.value:
            new = control.min
        else:
            continue
        calls, failures, ip = [], [], get_ipython()
        callback, show = panel.f, ip.showtraceback
        panel.f = lambda **kw: (calls.append(kw), callback(**kw))[1]
        # interactive() reports a callback's exception through showtraceback, without raising
        ip.showtraceback = lambda *a, **k: failures.append(repr(sys.exc_info()[1]))
        try:
            control.value = new
        finally:
            panel.f, ip.showtraceback = callback, show
        assert not failures, f"moving {control.description!r} raised: {failures}"
        assert calls, f"moving {control.description!r} did not run the callback"
        moved = {"widget": type(control).__name__, "description": control.description, "value": repr(new)}
        break
    if moved:
        break
assert moved, "no control of any interactive widget could be moved"
print("COLAB-CHECK " + json.dumps({**moved, "ipywidgets": ipywidgets.__version__,
      "numpy": numpy.__version__, "torch": torch.__version__, "dmlib": sys.modules["dmlib"].__file__}))"""


def main(notebook: str, workdir: str) -> int:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(FAKE_COLAB))
    nb.cells.append(nbformat.v4.new_code_cell(MOVE_ONE_WIDGET))
    run = run_notebook(nb, workdir)  # this venv's python3 kernel; raises on a cell's error
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    report = json.loads(last.split("COLAB-CHECK ", 1)[1])
    print(json.dumps({"notebook": Path(notebook).name, "seconds": round(run["seconds"], 1), **report}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
