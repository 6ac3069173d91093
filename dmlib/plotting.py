"""One look across the course: image grids, confusion matrices, training curves.

Taught in notebooks/01_infogan.ipynb §8 Our reproduction (every notebook plots through here).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

__all__ = ["draw_boxes", "image_grid", "plot_confusion", "plot_curves"]


def _mosaic(images: np.ndarray, pad: int) -> np.ndarray:
    rows, cols, h, w = images.shape
    canvas = np.ones((rows * (h + pad) - pad, cols * (w + pad) - pad))
    for r in range(rows):
        for c in range(cols):
            canvas[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = images[r, c]
    return canvas


def image_grid(
    images: torch.Tensor,
    ncols: int | None = None,
    ax: plt.Axes | None = None,
    title: str | None = None,
    pad: int = 1,
) -> plt.Axes:
    """Show grayscale images as one mosaic.

    ``images`` is (R, C, 1, H, W) — shown as R rows × C columns — or (N, 1, H, W), wrapped into
    ``ncols`` columns (default: √N). Values are expected in [0, 1].
    Taught in notebooks/01_infogan.ipynb §8.4 Figure 2.
    """
    array = images.detach().cpu().float().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    if array.ndim == 4 and array.shape[1] == 1:
        n = array.shape[0]
        ncols = ncols or int(np.ceil(np.sqrt(n)))
        if not isinstance(ncols, int) or ncols < 1:
            raise ValueError(f"ncols must be a positive int, got {ncols!r}")
        nrows = int(np.ceil(n / ncols))
        filler = np.ones((nrows * ncols - n, *array.shape[1:]))
        array = np.concatenate([array, filler]).reshape(nrows, ncols, *array.shape[1:])
    if array.ndim != 5 or array.shape[2] != 1:
        raise ValueError(f"images must be (N, 1, H, W) or (R, C, 1, H, W), got {array.shape}")
    ax = ax or plt.figure(figsize=(array.shape[1] * 0.6, array.shape[0] * 0.6)).gca()
    ax.imshow(_mosaic(array[:, :, 0], pad), cmap="gray_r", vmin=0, vmax=1)
    ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def plot_confusion(
    confusion: np.ndarray,
    ax: plt.Axes | None = None,
    title: str | None = None,
    xlabel: str = "predicted",
    ylabel: str = "true",
) -> plt.Axes:
    """A confusion matrix ``confusion[true, predicted]`` with counts written in the cells.

    Taught in notebooks/01_infogan.ipynb §8.2 c1 as a classifier.
    """
    confusion = np.asarray(confusion)
    if confusion.ndim != 2:
        raise ValueError(f"confusion must be a 2-D array, got shape {confusion.shape}")
    ax = ax or plt.figure(figsize=(4.5, 4)).gca()
    ax.imshow(confusion, cmap="Blues")
    threshold = confusion.max() / 2
    for (i, j), count in np.ndenumerate(confusion):
        if count:
            color = "white" if count > threshold else "black"
            ax.text(j, i, str(count), ha="center", va="center", fontsize=6, color=color)
    ax.set_xlabel(xlabel), ax.set_ylabel(ylabel)
    ax.set_xticks(range(confusion.shape[1])), ax.set_yticks(range(confusion.shape[0]))
    if title:
        ax.set_title(title)
    return ax


def plot_curves(
    x: np.ndarray,
    curves: dict[str, np.ndarray],
    ax: plt.Axes | None = None,
    smooth: int = 1,
    **labels: str,
) -> plt.Axes:
    """Line plot of several named curves over a shared x, with a moving-average ``smooth``.

    ``labels`` may set ``title``, ``xlabel`` and ``ylabel``.
    Taught in notebooks/01_infogan.ipynb §8.3 Figure 1.
    """
    if not isinstance(smooth, int) or smooth < 1:
        raise ValueError(f"smooth must be a positive int, got {smooth!r}")
    ax = ax or plt.figure(figsize=(6, 3.5)).gca()
    kernel = np.ones(smooth) / smooth
    for name, y in curves.items():
        y = np.asarray(y, dtype=float)
        if y.shape != np.shape(x):
            raise ValueError(f"curve {name!r} has shape {y.shape}, x has {np.shape(x)}")
        ys = np.convolve(y, kernel, mode="valid") if smooth > 1 else y
        ax.plot(np.asarray(x)[smooth - 1 :], ys, label=name)
    ax.set(**labels)
    ax.legend()
    return ax


def draw_boxes(
    ax: plt.Axes,
    image: torch.Tensor,
    boxes: torch.Tensor,
    labels: torch.Tensor | None = None,
    scores: torch.Tensor | None = None,
    colour: str = "tab:red",
    names: list[str] | None = None,
) -> plt.Axes:
    """An image (1, H, W) with corner boxes (N, 4) in normalised coordinates, labelled.

    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """
    if not isinstance(boxes, torch.Tensor) or boxes.dim() != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must be an (N, 4) tensor of normalised (x1, y1, x2, y2)")
    size_y, size_x = image.shape[-2:]
    if not ax.images:  # draw the image once, however many box sets go on top
        ax.imshow(image.reshape(size_y, size_x).numpy(), cmap="gray", vmin=0, vmax=1)
    for i, (x1, y1, x2, y2) in enumerate(boxes.tolist()):
        ax.add_patch(plt.Rectangle((x1 * size_x, y1 * size_y), (x2 - x1) * size_x, (y2 - y1) * size_y,
                                   fill=False, color=colour, linewidth=1.2))  # fmt: skip
        text = []
        if labels is not None:
            label = int(labels[i])
            text.append(names[label] if names is not None else str(label))
        if scores is not None:
            text.append(f"{float(scores[i]):.2f}")
        if text:
            # inside the box, so the text never widens the figure
            ax.text(
                x1 * size_x + 1,
                y1 * size_y + 1,
                " ".join(text),
                color=colour,
                fontsize=7,
                va="top",
                clip_on=True,
            )
    ax.set_xticks([]), ax.set_yticks([])
    return ax
