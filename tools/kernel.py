"""Run a notebook's code cells in a fresh kernel the way nbval does: one blocking client, cell by cell.

nbclient (behind ``nbconvert --execute``) can wait forever after a cell that displays a widget: the
kernel is idle, its reply never picked up (jupyter/nbclient#312). This runner reads the kernel's
messages itself: each cell ends when the kernel reports idle for that cell's request. A cell during
which no message at all arrives for ``stall_s`` seconds is interrupted and run once more; a second
stall fails. Used by ``benchmarks/notebooks.py`` and the Colab-like test (tests/colab/run_notebook.py).
"""

from __future__ import annotations

import queue
import time
from pathlib import Path

import nbformat
from jupyter_client import BlockingKernelClient
from jupyter_client.manager import start_new_kernel

OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


class CellError(RuntimeError):
    """A cell raised (its traceback is the message) or stalled twice."""


def _run_cell(client: BlockingKernelClient, code: str, stall_s: float) -> tuple[list, bool]:
    """(outputs, stalled) of one cell; outputs as nbformat output dicts."""
    request = client.execute(code, store_history=True, allow_stdin=False)
    outputs: list = []
    while True:
        try:
            message = client.get_iopub_msg(timeout=stall_s)
        except queue.Empty:
            return outputs, True
        if message["parent_header"].get("msg_id") != request:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs, False
        if kind == "clear_output":
            outputs.clear()
        elif kind in OUTPUT_TYPES:
            outputs.append(nbformat.v4.output_from_msg(message))


def run_notebook(nb: nbformat.NotebookNode, cwd: str | Path, stall_s: float = 300.0) -> dict:
    """Execute every code cell of ``nb`` in order (outputs written into ``nb``); raise :class:`CellError`
    on the first error. Returns {"seconds": wall time, "retried": cells run twice after a stall}."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(cwd))
    start, retried = time.perf_counter(), []
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            outputs, stalled = _run_cell(client, cell.source, stall_s)
            if stalled:  # nothing for stall_s: interrupt, drain, run the cell again
                manager.interrupt_kernel()
                time.sleep(2)
                while True:
                    try:
                        client.get_iopub_msg(timeout=1)
                    except queue.Empty:
                        break
                retried.append(index)
                outputs, stalled = _run_cell(client, cell.source, stall_s)
                if stalled:
                    raise CellError(f"cell {index} stalled twice ({stall_s:.0f} s without a message)")
            cell.outputs = outputs
            errors = [o for o in outputs if o.output_type == "error"]
            if errors:
                raise CellError(f"cell {index} raised:\n" + "\n".join(errors[0].traceback))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"seconds": time.perf_counter() - start, "retried": retried}
