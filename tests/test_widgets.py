import numpy as np
import pytest

from dmlib import infogan, widgets


@pytest.fixture(scope="module")
def explorer():
    G, DQ, _ = infogan.load_pretrained("infogan")
    mapping = infogan.evaluate_c1(DQ)["mapping"]
    return widgets.latent_explorer(G, DQ, mapping)


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
    w = widgets.distribution_explorer()
    controls = _controls(w)
    controls["q centre"].value = controls["p centre"].value
    controls["q spread"].value = controls["p spread"].value
    assert w.result["KL"] == pytest.approx(0, abs=1e-9)
    assert w.result["CE"] == pytest.approx(w.result["H"])
    controls["q centre"].value = 8.0
    assert w.result["KL"] > 0.5


def test_latent_explorer_rejects_other_models():
    with pytest.raises(ValueError, match="G and DQ"):
        widgets.latent_explorer(object(), object())
