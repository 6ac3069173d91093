"""tools/kernel.py: the runner behind the notebook benchmark, the Colab-like test and re-execution."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import kernel  # noqa: E402


@pytest.mark.slow
def test_runner_keeps_counts_outputs_and_each_output_widgets_capture(tmp_path):
    cells = [
        "x = 2\nprint('x is', x)",
        "",
        "import ipywidgets as W\n"
        "w = W.interactive(lambda k: print('k squared', k * k), k=W.IntSlider(3, 0, 9))\ndisplay(w)",
        "x * 10",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    run = kernel.run_notebook(nb, tmp_path)
    assert run["retried"] == []
    assert [c.execution_count for c in nb.cells] == [1, None, 2, 3]
    assert nb.cells[0].outputs[0]["text"] == "x is 2\n"
    assert nb.cells[3].outputs[0]["data"]["text/plain"] == "20"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    captured = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    assert captured == [[{"output_type": "stream", "name": "stdout", "text": "k squared 9\n"}]]
    assert not any("k squared" in str(o) for o in nb.cells[2].outputs)  # in the widget, not the cell


@pytest.mark.slow
def test_runner_stops_at_the_first_error(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ("1 / 0", "print('never')")])
    with pytest.raises(kernel.CellError, match="ZeroDivisionError"):
        kernel.run_notebook(nb, tmp_path)
    assert nb.cells[1].get("outputs", []) == []


def test_re_execution_empties_the_predict_first_exercises_again():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_output("stream", text="0.5\n")
    nb.cells = [
        nbformat.v4.new_markdown_cell("**Exercise 1 · predict the output.** *Predict* what this prints."),
        nbformat.v4.new_code_cell("print(0.5)", outputs=[answer], execution_count=3),
        nbformat.v4.new_markdown_cell("**Exercise 2.** Implement it."),
        nbformat.v4.new_code_cell("print(1)", outputs=[answer], execution_count=4),
    ]
    assert kernel.clear_predict_first(nb) == 1
    assert nb.cells[1].outputs == []
    assert nb.cells[1].execution_count == 3  # the run order stays readable
    assert nb.cells[3].outputs == [answer]  # not a prediction: its output stays
