"""What every paper's widgets share: controls that redraw on release, and figures freed once shown.

Each paper's builders live in ``dmlib/<paper>/widgets.py`` and return an ``ipywidgets.interactive``:
its controls are ``w.children[:-1]`` and the callback's return value is ``w.result``, so pytest can
move a control and assert on the result. Taught in notebooks/01_infogan.ipynb §3 Information theory.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

__all__ = ["float_slider", "int_slider", "show_figure"]


def show_figure(fig: plt.Figure) -> None:
    """Show ``fig`` in the widget's output, then close it: a widget redraws often."""
    plt.show()
    plt.close(fig)


def int_slider(value: int, low: int, high: int, label: str) -> W.IntSlider:
    """An integer slider that redraws when released (not on every intermediate value)."""
    return W.IntSlider(value=value, min=low, max=high, description=label, continuous_update=False)


def float_slider(value: float, low: float, high: float, step: float, label: str) -> W.FloatSlider:
    """A float slider that redraws when released (not on every intermediate value)."""
    return W.FloatSlider(
        value=value, min=low, max=high, step=step, description=label, continuous_update=False
    )
