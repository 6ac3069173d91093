import math
from pathlib import Path

import numpy as np
import pytest
import torch

from dmlib.infogan import experiments, model
from dmlib.infogan.model import Codes, InfoGANConfig
from dmlib.registry import load_pretrained

CONFIG = InfoGANConfig()


@pytest.fixture(scope="module")
def shipped():
    return load_pretrained("infogan")


def test_latent_is_74_wide_with_one_hot_c1():
    codes = model.sample_codes(5, CONFIG, torch.Generator().manual_seed(0))
    latent = codes.latent(CONFIG.n_categories)
    assert latent.shape == (5, 74)
    assert torch.equal(latent[:, 62:72].sum(1), torch.ones(5))
    assert codes.z.abs().max() <= 1
    assert codes.c_cont.abs().max() <= 1


def test_code_sampling_is_seeded():
    a = model.sample_codes(4, CONFIG, torch.Generator().manual_seed(1))
    b = model.sample_codes(4, CONFIG, torch.Generator().manual_seed(1))
    assert torch.equal(a.z, b.z)
    assert torch.equal(a.c1, b.c1)


def test_network_shapes_follow_appendix_c():
    G, DQ = model.build(CONFIG).values()
    images = G(model.sample_codes(3, CONFIG).latent(10))
    assert images.shape == (3, 1, 28, 28)
    assert images.min() >= 0
    assert images.max() <= 1
    d_logit, q_out = DQ(images)
    assert d_logit.shape == (3,)
    assert q_out.shape == (3, 10 + 2)


def test_uniform_q_gives_cross_entropy_log_k():
    codes = Codes(torch.zeros(4, 62), torch.tensor([0, 3, 5, 9]), torch.zeros(4, 2))
    terms = model.info_terms(torch.zeros(4, 12), codes, CONFIG)
    assert terms["ce"].item() == pytest.approx(math.log(10))
    assert terms["nll"].item() == pytest.approx(math.log(2 * math.pi))  # two unit Gaussians at the mean


def test_info_loss_weights_the_continuous_part():
    terms = {"ce": torch.tensor(2.0), "nll": torch.tensor(3.0)}
    assert model.info_loss(terms, CONFIG).item() == pytest.approx(2.0 + 0.1 * 3.0)


def test_bad_shapes_name_the_argument():
    G, DQ = model.build(CONFIG).values()
    with pytest.raises(ValueError, match="latent"):
        G(torch.zeros(2, 70))
    with pytest.raises(ValueError, match="images"):
        DQ(torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match="q_out"):
        model.split_q(torch.zeros(2, 13), CONFIG)
    with pytest.raises(ValueError, match="c1"):
        experiments.generate(G, torch.tensor([10]), torch.zeros(1, 2), torch.zeros(1, 62))
    with pytest.raises(ValueError, match="c_cont"):
        experiments.generate(G, torch.tensor([1]), torch.zeros(1, 3), torch.zeros(1, 62))
    with pytest.raises(ValueError, match="batch"):
        model.sample_codes(0, CONFIG)
    with pytest.raises(ValueError, match="code"):
        experiments.sweep(G, "c4", torch.zeros(3), torch.zeros(1, 62))


def test_hungarian_matching_recovers_a_permutation():
    labels = np.repeat(np.arange(10), 5)
    permutation = np.array([3, 7, 0, 1, 9, 2, 8, 4, 6, 5])
    result = experiments.match_clusters(permutation[labels], labels)
    assert result["error"] == 0.0
    assert (result["mapping"][permutation] == np.arange(10)).all()


def test_match_clusters_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="predicted and labels"):
        experiments.match_clusters(np.zeros(3, int), np.zeros(4, int))


def _bar(angle_deg: float, half_width: float) -> torch.Tensor:
    ys, xs = torch.meshgrid(torch.arange(28.0) - 13.5, torch.arange(28.0) - 13.5, indexing="ij")
    t = math.radians(angle_deg)
    across = xs * math.cos(t) + ys * math.sin(t)  # distance from a line leaning right by t
    along = -xs * math.sin(t) + ys * math.cos(t)
    return ((across.abs() <= half_width) & (along.abs() <= 10)).float()[None, None]


def test_shape_measures_read_rotation_and_width():
    right, upright, left = (experiments.shape_measures(_bar(a, 1.5)) for a in (20, 0, -20))
    assert right["rotation"][0] == pytest.approx(20, abs=3)
    assert upright["rotation"][0] == pytest.approx(0, abs=1)
    assert left["rotation"][0] == pytest.approx(-20, abs=3)
    thin, wide = (experiments.shape_measures(_bar(0, w))["width"][0] for w in (1.0, 3.0))
    assert wide > 1.8 * thin
    tilted = experiments.shape_measures(_bar(25, 3.0))["width"][0]
    assert tilted == pytest.approx(wide, rel=0.25)  # rotation leaves the stroke width alone


def _soft_bar(angle_deg: float, width: float, length: float = 18.0, shear: float = 0.0) -> torch.Tensor:
    return experiments.synthetic_bar(angle_deg, width, length, shear)


@pytest.mark.parametrize("width", [2.0, 3.0, 4.0])
def test_stroke_thickness_is_the_width_at_any_slant(width):
    measured = [experiments.stroke_thickness(_soft_bar(angle, width))[0] for angle in (0, 10, 20, 30)]
    assert measured == pytest.approx([width] * 4, rel=0.05)


def test_perimeter_width_changes_with_slant_and_thickness_does_not():
    """The finding behind the new measure: 2·area/perimeter reads a slanted 3.5 px stroke as thinner."""
    upright, slanted = _soft_bar(0, 3.5), _soft_bar(30, 3.5)
    perimeter = [experiments.shape_measures(x)["width"][0] for x in (upright, slanted)]
    thickness = [experiments.stroke_thickness(x)[0] for x in (upright, slanted)]
    assert perimeter[1] < 0.9 * perimeter[0]
    assert thickness[1] == pytest.approx(thickness[0], rel=0.05)


def test_digit_width_ignores_italic_slant_and_sees_a_wider_digit():
    box = _soft_bar(90, 10.0, length=8.0)  # a block 10 px tall and 8 px wide
    italic = _soft_bar(90, 10.0, length=8.0, shear=0.3)
    assert experiments.digit_width(italic)[0] == pytest.approx(experiments.digit_width(box)[0], rel=0.05)
    wider = _soft_bar(90, 10.0, length=14.0)
    assert experiments.digit_width(wider)[0] > 1.5 * experiments.digit_width(box)[0]
    assert torch.allclose(experiments.deskew(box), box, atol=0.05)  # an upright shape stays put


def test_the_slant_measure_does_not_depend_on_stroke_width():
    angles = [experiments.shape_measures(_soft_bar(20, w))["rotation"][0] for w in (1.5, 2.5, 3.5, 5.0)]
    assert max(angles) - min(angles) < 2.0


def test_a_few_training_steps_run_and_log():
    trained = experiments.train(InfoGANConfig(steps=2, batch_size=8, bf16=False))
    assert trained.history["step"] == [0, 1]
    assert set(trained.history) >= {"d_loss", "g_loss", "L_I"}
    assert set(trained.networks) == {"G", "DQ"}


def test_a_resumed_run_ends_where_an_uninterrupted_run_ends(tmp_path):
    tiny = {"batch_size": 8, "validate_every": 2, "bf16": False}
    straight = experiments.train(InfoGANConfig(steps=6, **tiny))
    experiments.train(InfoGANConfig(steps=4, resume=True, **tiny), tmp_path)  # the first sitting
    saved = torch.load(tmp_path / "infogan_seed0.resume.pt", weights_only=True)
    assert saved["next_step"] == 4
    resumed = experiments.train(InfoGANConfig(steps=6, resume=True, **tiny), tmp_path)
    assert resumed.history["step"] == list(range(6))
    assert resumed.history["d_loss"] == pytest.approx(straight.history["d_loss"], rel=1e-5)
    assert resumed.results == straight.results
    for key in ("G", "DQ"):
        ours, theirs = resumed.networks[key].state_dict(), straight.networks[key].state_dict()
        for name, tensor in ours.items():
            torch.testing.assert_close(tensor, theirs[name])


def test_validation_keeps_the_best_checked_step():
    trained = experiments.train(InfoGANConfig(steps=6, batch_size=8, validate_every=2, bf16=False))
    curve = trained.results["validation_curve"]
    assert [step for step, _ in curve] == [1, 3, 5]
    errors = [error for _, error in curve]
    best = int(np.argmin(errors))
    assert trained.results["best_step"] == [1, 3, 5][best]
    logged = trained.history["c1_error_validation"]  # every step: the last check (nan before the first)
    assert math.isnan(logged[0])
    assert (logged[1], logged[5]) == (errors[0], errors[2])
    kept = experiments.evaluate_c1(trained.networks["DQ"], "validation")["error"]
    assert kept == pytest.approx(errors[best])


@pytest.mark.slow
def test_a_long_study_keeps_each_seeds_generator(tmp_path):
    folder = tmp_path / "checkpoints"
    config = InfoGANConfig(steps=2, batch_size=8, validate_every=1, seed=4)
    path = Path(experiments.train_seed(config, folder))
    saved = torch.load(path.parent / "infogan_2steps_seed4_G.pt", weights_only=True)
    G = model.Generator(config)
    G.load_state_dict(saved)  # every key and shape of a generator
    assert all(t.dtype == torch.float16 for t in saved.values() if t.is_floating_point())
    assert experiments.read_seed_study("infogan", folder, steps=2)[4]["best_step"] in (0, 1)


def test_a_study_at_another_budget_has_its_own_table():
    assert experiments.study_name(InfoGANConfig()) == "infogan"
    assert experiments.study_name(InfoGANConfig(steps=5000)) == "infogan_5000steps"
    assert experiments.study_name(InfoGANConfig(steps=5000, lambda_info=0)) == "infogan_gan_5000steps"


def test_negative_lambda_is_rejected():
    with pytest.raises(ValueError, match="lambda_info"):
        experiments.train(InfoGANConfig(lambda_info=-1))


def test_load_pretrained_rejects_unknown_names():
    with pytest.raises(ValueError, match="dcgan"):
        load_pretrained("dcgan")


def test_shipped_c1_classifies_mnist_far_better_than_chance(shipped):
    result = experiments.evaluate_c1(shipped.networks["DQ"])
    assert result["error"] == pytest.approx(shipped.sidecar["metrics"]["c1_error"], abs=1e-4)
    assert result["error"] <= 0.2  # a matched random labelling is ≈ 0.8 wrong (the plain-GAN arm: 0.70)


def test_shipped_sweep_changes_the_image(shipped):
    G = shipped.networks["G"]
    grid = experiments.sweep(G, "c2", torch.tensor([-2.0, 2.0]), experiments.fixed_noise(2, G.config))
    assert grid.shape == (2, 2, 1, 28, 28)
    assert (grid[:, 0] - grid[:, 1]).abs().mean() > 0.02


def test_evaluate_c1_rejects_unknown_splits(shipped):
    with pytest.raises(ValueError, match="split"):
        experiments.evaluate_c1(shipped.networks["DQ"], "train")


def test_fixed_std_q_predicts_means_only():
    config = InfoGANConfig(learn_std=False)
    DQ = model.build(config)["DQ"]
    assert DQ(torch.zeros(2, 1, 28, 28))[1].shape == (2, 12)
    codes = Codes(torch.zeros(2, 62), torch.tensor([1, 2]), torch.zeros(2, 2))
    terms = model.info_terms(torch.zeros(2, 12), codes, config)
    assert terms["nll"].item() == pytest.approx(math.log(2 * math.pi))


@pytest.mark.slow
def test_seed_study_rows_merge_across_runs(tmp_path):
    folder = tmp_path / "checkpoints"
    for seed in (2, 1):  # separate processes in practice: each run adds its row to the same file
        experiments.train_seed(InfoGANConfig(steps=2, batch_size=8, seed=seed), folder)
    rows = experiments.read_seed_study("infogan", folder, steps=2)  # a 2-step study has its own table
    assert list(rows) == [1, 2]  # ordered by seed
    for seed, row in rows.items():
        assert row["config"]["seed"] == seed
        assert 0.0 <= row["c1_error"] <= 1.0
        assert set(row["rho"]) == {"c2", "c3"}
        assert set(row["assignment"]) == {"rotation", "width"}
        assert np.asarray(row["confusion"]).sum() == 10_000  # digit × category counts on the test set


@pytest.mark.slow
def test_each_arm_has_its_own_seed_study(tmp_path):
    folder = tmp_path / "checkpoints"
    experiments.train_seed(InfoGANConfig(steps=2, batch_size=8, seed=3, lambda_info=0.0), folder)
    experiments.train_seed(InfoGANConfig(steps=2, batch_size=8, seed=3), folder)
    gan, info = (
        experiments.read_seed_study("infogan_gan", folder, steps=2),
        experiments.read_seed_study("infogan", folder, steps=2),
    )
    assert (gan[3]["config"]["lambda_info"], info[3]["config"]["lambda_info"]) == (0.0, 1.0)
    with pytest.raises(ValueError, match="arm"):
        experiments.read_seed_study("gan", folder)


def test_paper_figures_judge_each_claim_on_the_mean_of_the_seeds(monkeypatch):
    from dmlib.infogan import experiments

    def row(error, li, rotation_code, rho_rotation, rho_width):
        width_code = "c3" if rotation_code == "c2" else "c2"
        rho = {
            rotation_code: {"rotation": rho_rotation, "width": 0.1},
            width_code: {"rotation": 0.2, "width": rho_width},
        }
        return {"c1_error": error, "final_L_I": li, "rho": rho,
                "assignment": {"rotation": rotation_code, "width": width_code}}  # fmt: skip

    studies = {
        "infogan": {0: row(0.04, 2.30, "c2", 0.95, -0.8), 1: row(0.08, 2.20, "c3", -0.75, 0.9)},
        "infogan_gan": {0: row(0.70, 0.05, "c2", 0.1, 0.1), 1: row(0.60, 0.15, "c2", 0.1, 0.1),
                        2: row(0.35, 1.30, "c2", 0.1, 0.1)},
    }  # fmt: skip
    official = {
        0: row(0.03, 2.29, "c2", 0.9, 0.9),
        1: row(0.05, 2.28, "c2", 0.9, 0.9),
        2: row(0.04, 2.3, "c2", 0.9, 0.9),
    }
    monkeypatch.setattr(
        experiments, "read_seed_study", lambda arm, steps=2000: official if steps == 5000 else studies[arm]
    )
    error, at_5000, gan_error, li, gan_li, rotation, width = experiments.paper_figures(None)
    assert (error.ours, error.met) == (pytest.approx(0.06), False)
    assert (at_5000.ours, at_5000.met) == (pytest.approx(0.04), True)  # the 5000-step study's own rows
    assert "5000 steps" in at_5000.name
    assert "mean of 3" in at_5000.name
    assert (li.ours, li.met) == (pytest.approx(2.25), True)
    assert (rotation.ours, rotation.met) == (pytest.approx(0.85), False)  # |ρ| of each seed's own code
    assert width.ours == pytest.approx(0.85)
    assert all("mean of 2" in f.name for f in (error, li, rotation, width))
    assert (gan_error.ours, gan_error.met) == (pytest.approx(0.55), True)  # the plain GAN's own rows
    assert (gan_li.ours, gan_li.met) == (pytest.approx(0.5), True)
    assert all("plain GAN" in f.name and "mean of 3" in f.name for f in (gan_error, gan_li))
