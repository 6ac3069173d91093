import numpy as np
import pytest

from dmlib.infogan import experiments
from dmlib.infogan import widgets as infogan_widgets
from dmlib.pixelrnn import widgets as pixelrnn_widgets
from dmlib.registry import load_pretrained


@pytest.fixture(scope="module")
def explorer():
    G, DQ = load_pretrained("infogan").networks.values()
    mapping = experiments.evaluate_c1(DQ)["mapping"]
    return infogan_widgets.latent_explorer(G, DQ, mapping)


def _controls(w):
    return {child.description: child for child in w.children[:-1]}


def test_moving_c2_changes_the_image(explorer):
    c2 = _controls(explorer)["c2"]
    c2.value = -2.0
    before = explorer.result["image"].clone()
    c2.value = 2.0
    after = explorer.result["image"]
    assert (before - after).abs().mean() > 0.02
    c2.value = 0.0


def test_q_recovers_the_chosen_category(explorer):
    controls = _controls(explorer)
    recovered = 0
    for category in range(10):
        controls["c1"].value = category
        recovered += explorer.result["q_c1"] == category
    assert recovered >= 9


def test_new_z_seed_gives_a_new_digit(explorer):
    seed = _controls(explorer)["z seed"]
    first = explorer.result["image"].clone()
    seed.value = 5
    assert not np.allclose(first.numpy(), explorer.result["image"].numpy())
    seed.value = 0


def test_distribution_explorer_reports_h_ce_kl():
    w = infogan_widgets.distribution_explorer()
    controls = _controls(w)
    controls["q centre"].value = controls["p centre"].value
    controls["q spread"].value = controls["p spread"].value
    assert w.result["KL"] == pytest.approx(0, abs=1e-9)
    assert w.result["CE"] == pytest.approx(w.result["H"])
    controls["q centre"].value = 8.0
    assert w.result["KL"] > 0.5


def test_latent_explorer_rejects_other_models():
    with pytest.raises(ValueError, match="G and DQ"):
        infogan_widgets.latent_explorer(object(), object())


def _small(name):
    import torch

    from dmlib.pixelrnn.models import PixelRNNConfig, build_model

    torch.manual_seed(0)
    return build_model(PixelRNNConfig(model=name, hidden=4, layers=2, out_hidden=8, image_size=8))


def test_receptive_field_explorer_follows_the_pixel_and_the_model():
    w = pixelrnn_widgets.receptive_field_explorer(
        {"pixelcnn": _small("pixelcnn"), "diagbilstm": _small("diagbilstm")}
    )
    controls = _controls(w)
    controls["row"].value, controls["col"].value = 6, 5
    plain = (w.result[0] != 0).sum().item()
    controls["model"].value = "diagbilstm"
    assert (w.result[0] != 0).sum().item() == 6 * 8 + 5  # the whole context
    assert plain < 6 * 8 + 5
    controls["row"].value = 0
    assert (w.result[0] != 0).sum().item() == 5


def test_completion_sampler_keeps_the_top_rows():
    import torch

    images = (torch.rand(3, 1, 8, 8, generator=torch.Generator().manual_seed(0)) < 0.5).float()
    w = pixelrnn_widgets.completion_sampler(_small("pixelcnn"), images)
    controls = _controls(w)
    controls["keep rows"].value = 5
    controls["samples"].value = 3
    assert w.result.shape == (3, 1, 8, 8)
    assert torch.equal(w.result[:, :, :5], images[0:1, :, :5].expand(3, -1, -1, -1))


def test_mask_viewer_switches_between_mask_a_and_b():
    w = pixelrnn_widgets.mask_viewer()
    controls = _controls(w)
    controls["kernel"].value = 3
    controls["RGB groups"].value = False
    assert w.result[0, 0, 1, 1] == 0  # mask A hides the centre
    controls["mask"].value = "B"
    assert w.result[0, 0, 1, 1] == 1
    controls["RGB groups"].value = True
    assert w.result.shape == (3, 3, 3, 3)


def test_class_sampler_draws_the_digit_asked_for_and_refuses_unconditional_models():
    import torch

    from dmlib.pixelrnn.models import PixelRNNConfig, build_model

    torch.manual_seed(0)
    model = build_model(PixelRNNConfig(model="gatedpixelcnn", hidden=6, layers=2, out_hidden=8, image_size=8,
                                       classes=3)).eval()  # fmt: skip
    for layer in [model.first, *model.blocks]:  # strong class biases: the class visibly changes the samples
        torch.nn.init.normal_(layer.condition.weight, std=3.0)
    classifier = lambda x: torch.nn.functional.one_hot(torch.full((len(x),), 1), 3).float()  # noqa: E731
    w = pixelrnn_widgets.class_sampler(model, classifier)
    controls = _controls(w)
    controls["samples"].value = 4
    first = w.result.clone()
    assert first.shape == (4, 1, 8, 8)
    controls["digit"].value = 1
    assert not torch.equal(first, w.result)  # same seed, another class: other samples
    controls["digit"].value = 0
    assert torch.equal(first, w.result)  # and back: the same draw
    assert controls["digit"].max == 2
    with pytest.raises(ValueError, match="class-conditional"):
        pixelrnn_widgets.class_sampler(_small("gatedpixelcnn"), classifier)
