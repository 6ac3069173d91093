import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dmlib import plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_image_grid_lays_images_out_in_rows_with_padding():
    images = torch.stack([torch.full((1, 2, 2), v) for v in (0.0, 0.25, 0.5, 0.75, 1.0)])
    ax = plotting.image_grid(images, ncols=3, pad=1)
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (2 * 2 + 1, 3 * 2 + 2)  # 2 rows, 3 columns, 1-pixel gaps
    assert mosaic[0, 0] == 0.0
    assert mosaic[0, 3] == 0.25  # second image, after the gap
    assert mosaic[3, 3] == 1.0  # fifth image: second row, second column
    assert mosaic[3, 6] == 1.0  # the empty sixth cell is filled with white (1)


def test_image_grid_rejects_colour_images():
    with pytest.raises(ValueError, match="images must be"):
        plotting.image_grid(torch.zeros(2, 3, 4, 4))


def test_confusion_writes_nonzero_counts_in_their_cells():
    confusion = np.array([[3, 0], [1, 5]])
    ax = plotting.plot_confusion(confusion)
    written = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert written == {((0, 0), "3"), ((0, 1), "1"), ((1, 1), "5")}  # (column, row) positions
    with pytest.raises(ValueError, match="2-D"):
        plotting.plot_confusion(np.zeros(3))


def test_curves_are_smoothed_by_a_moving_average():
    x = np.arange(5)
    ax = plotting.plot_curves(x, {"a": np.array([0, 2, 4, 6, 8.0])}, smooth=2, title="t")
    line = ax.lines[0]
    assert line.get_xdata().tolist() == [1, 2, 3, 4]
    assert line.get_ydata().tolist() == [1.0, 3.0, 5.0, 7.0]
    assert ax.get_title() == "t"
    with pytest.raises(ValueError, match="curve 'b'"):
        plotting.plot_curves(x, {"b": np.zeros(4)})


def test_draw_boxes_draws_the_image_once_and_a_rectangle_per_box():
    fig, ax = plt.subplots()
    image = torch.zeros(1, 10, 20)
    plotting.draw_boxes(
        ax, image, torch.tensor([[0.1, 0.2, 0.5, 0.6]]), torch.tensor([1]), torch.tensor([0.9])
    )
    plotting.draw_boxes(ax, image, torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.5, 0.5, 0.6, 0.6]]), colour="g")
    assert len(ax.images) == 1
    rectangles = [p for p in ax.patches if isinstance(p, plt.Rectangle)]
    assert len(rectangles) == 3
    assert rectangles[0].get_xy() == pytest.approx((2.0, 2.0))  # x1·W, y1·H in pixels
    assert rectangles[0].get_width() == pytest.approx(8.0)
    assert [t.get_text() for t in ax.texts] == ["1 0.90"]
    with pytest.raises(ValueError, match="boxes must be"):
        plotting.draw_boxes(ax, image, torch.zeros(2, 5))
