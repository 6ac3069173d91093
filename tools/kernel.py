"""Run a notebook's code cells in a fresh kernel the way nbval does: one blocking client, cell by cell.

nbclient (behind ``nbconvert --execute``) can wait forever after a cell that displays a widget: the
kernel is idle, its reply never picked up (jupyter/nbclient#312). This runner reads the kernel's
messages itself: each cell ends when the kernel reports idle for that cell's request. A cell during
which no message at all arrives for ``stall_s`` seconds is interrupted and run once more; a second
stall fails. Used by ``benchmarks/notebooks.py``, the Colab-like test (tests/colab/run_notebook.py) and, as
``python tools/kernel.py NOTEBOOK…``, to re-execute a notebook in place: outputs, execution counts and the
widget state (each Output widget's captured outputs, as JupyterLab saves them) written back.
"""

from __future__ import annotations

import queue
import re
import time
from pathlib import Path

import nbformat
from jupyter_client import BlockingKernelClient
from jupyter_client.manager import start_new_kernel

OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


class CellError(RuntimeError):
    """A cell raised (its traceback is the message) or stalled twice."""


class Widgets:
    """The kernel's widget models as a front end would hold them: comm_open / comm_msg update their state,
    and output sent while an Output widget captures (its ``msg_id`` is the cell's request) goes into that
    widget's ``outputs`` instead of the cell's — what JupyterLab saves as the notebook's widget state."""

    def __init__(self) -> None:
        self.models: dict[str, dict] = {}

    def handle(self, message: dict) -> bool:
        """Update the models from a comm message; True if ``message`` was one."""
        kind, content = message["msg_type"], message["content"]
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content["data"].get("state", {})
            self.models[content["comm_id"]] = {"model_name": state.get("_model_name"),
                "model_module": state.get("_model_module"),
                "model_module_version": state.get("_model_module_version"), "state": dict(state)}  # fmt: skip
            return True
        if kind == "comm_msg" and content["comm_id"] in self.models:
            if content["data"].get("method") == "update":
                self.models[content["comm_id"]]["state"].update(content["data"].get("state", {}))
            return True
        if kind == "comm_close":
            self.models.pop(content["comm_id"], None)
            return True
        return False

    def capturing(self, request: str) -> dict | None:
        """The Output widget capturing the outputs of ``request`` (the innermost: the last opened)."""
        for model in reversed(self.models.values()):
            if model["model_name"] == "OutputModel" and model["state"].get("msg_id") == request:
                return model["state"]
        return None

    def notebook_state(self) -> dict:
        """``metadata.widgets`` as nbclient writes it."""
        state = {comm: {k: v for k, v in m.items()} for comm, m in self.models.items()}
        for model in state.values():
            model["state"] = {k: v for k, v in model["state"].items() if k != "msg_id"} | {"msg_id": ""}
        return {"application/vnd.jupyter.widget-state+json": {"state": state, "version_major": 2,
                                                               "version_minor": 0}}  # fmt: skip


def _run_cell(
    client: BlockingKernelClient, code: str, stall_s: float, widgets: Widgets | None = None
) -> tuple[list, bool, int | None]:
    """(outputs, stalled, execution count) of one cell; outputs as nbformat output dicts."""
    widgets = widgets or Widgets()
    request = client.execute(code, store_history=True, allow_stdin=False)
    outputs: list = []
    count = None
    while True:
        try:
            message = client.get_iopub_msg(timeout=stall_s)
        except queue.Empty:
            return outputs, True, count
        if widgets.handle(message) or message["parent_header"].get("msg_id") != request:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs, False, count
        if kind == "execute_input":
            count = content.get("execution_count")
            continue
        target = widgets.capturing(request)
        sink = outputs if target is None else target.setdefault("outputs", [])
        if kind == "clear_output":
            sink.clear()
        elif kind in OUTPUT_TYPES:
            output = nbformat.v4.output_from_msg(message)
            sink.append(output if target is None else dict(output))


def run_notebook(nb: nbformat.NotebookNode, cwd: str | Path, stall_s: float = 300.0) -> dict:
    """Execute every code cell of ``nb`` in order (outputs, execution counts and the widget state written
    into ``nb``); raise :class:`CellError` on the first error. Returns {"seconds": wall time, "retried":
    cells run twice after a stall}."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(cwd))
    start, retried, widgets = time.perf_counter(), [], Widgets()
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if not cell.source.strip():
                cell.outputs, cell.execution_count = [], None
                continue
            outputs, stalled, count = _run_cell(client, cell.source, stall_s, widgets)
            if stalled:  # nothing for stall_s: interrupt, drain, run the cell again
                manager.interrupt_kernel()
                time.sleep(2)
                while True:
                    try:
                        client.get_iopub_msg(timeout=1)
                    except queue.Empty:
                        break
                retried.append(index)
                outputs, stalled, count = _run_cell(client, cell.source, stall_s, widgets)
                if stalled:
                    raise CellError(f"cell {index} stalled twice ({stall_s:.0f} s without a message)")
            cell.outputs, cell.execution_count = outputs, count
            errors = [o for o in outputs if o.output_type == "error"]
            if errors:
                raise CellError(f"cell {index} raised:\n" + "\n".join(errors[0].traceback))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    if widgets.models:
        nb.metadata["widgets"] = widgets.notebook_state()
    return {"seconds": time.perf_counter() - start, "retried": retried}


# An exercise that asks the reader to predict an output ships without it (TALKS.md §5; tests/test_talks.py).
PREDICT_FIRST = re.compile(r"\*?[Pp]redict\*?,? (the|what|which|how|where|whether)\b")


def clear_predict_first(nb: nbformat.NotebookNode) -> int:
    """Empty the outputs of the code cell after each predict-first exercise (its execution count stays, so the
    notebook still reads as run in order); return how many were cleared."""
    cleared = 0
    for i, cell in enumerate(nb.cells):
        text = "".join(cell.source)
        if cell.cell_type == "markdown" and text.startswith("**Exercise") and PREDICT_FIRST.search(text):
            code = next((c for c in nb.cells[i + 1 :] if c.cell_type == "code"), None)
            if code is not None and code.outputs:
                code.outputs, cleared = [], cleared + 1
    return cleared


def execute_in_place(path: str | Path) -> dict:
    """Run the notebook at ``path`` top to bottom in a fresh kernel (cwd: its folder) and save it executed:
    what ``jupyter nbconvert --execute --inplace`` does, without nbclient's widget-cell hang. The
    predict-first exercises' outputs are emptied again before saving."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    run = run_notebook(nb, path.parent)
    run["predict_first_cleared"] = clear_predict_first(nb)
    nbformat.write(nb, path)
    return run


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(name, execute_in_place(name))
