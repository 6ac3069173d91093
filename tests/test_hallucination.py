import copy

import pytest
import torch
from torch import nn

from dmlib.hallucination import exercises, experiments, model, widgets
from dmlib.hallucination.scenes import CLASSES, encode_depth, render_scenes
from dmlib.registry import load_pretrained


def test_scenes_are_deterministic_and_well_formed():
    a, b = render_scenes(12, seed=3), render_scenes(12, seed=3)
    assert torch.equal(a["rgb"], b["rgb"])
    assert torch.equal(a["depth"], b["depth"])
    assert a["rgb"].shape == (12, 3, 64, 64)
    assert a["depth"].shape == (12, 1, 64, 64)
    assert a["rgb"].min() >= 0
    assert a["rgb"].max() <= 1
    assert set(a["label"].tolist()) <= set(range(len(CLASSES)))
    # The object is in front of the wall: its pixels are nearer than the scene's farthest.
    for depth, mask in zip(a["depth"], a["mask"], strict=True):
        assert mask.any()
        assert depth[mask].max() < depth[~mask].max()
    assert not torch.equal(render_scenes(12, seed=4)["rgb"], a["rgb"])


def test_render_and_encode_reject_bad_input():
    with pytest.raises(ValueError, match="count"):
        render_scenes(0)
    with pytest.raises(ValueError, match="depth must be"):
        encode_depth(torch.ones(2, 3, 8, 8))
    with pytest.raises(ValueError, match="NaN"):
        encode_depth(torch.full((1, 1, 4, 4), float("nan")))


def test_depth_encoding_has_three_channels_like_hha():
    depth = torch.linspace(2, 6, 64).repeat(64, 1)[None, None]
    encoded = encode_depth(depth)
    assert encoded.shape == (1, 3, 64, 64)
    assert encoded[0, 0, 0, 0] == pytest.approx(3 / 2)
    assert encoded[0, 1, :, :-1].lt(0).all()  # disparity falls to the right


def test_check_inputs_names_the_problem():
    rgb, depth = torch.rand(2, 3, 8, 8), torch.rand(2, 1, 8, 8) + 1
    model.check_inputs(rgb, depth)
    with pytest.raises(ValueError, match="rgb must be"):
        model.check_inputs(torch.rand(2, 1, 8, 8))
    with pytest.raises(ValueError, match="depth must be"):
        model.check_inputs(depth=torch.rand(2, 8, 8))
    with pytest.raises(ValueError, match="NaN"):
        model.check_inputs(depth=torch.full((1, 1, 2, 2), float("nan")))
    with pytest.raises(ValueError, match="must match"):
        model.check_inputs(rgb, torch.rand(3, 1, 8, 8))


def test_networks_expose_the_layers_the_loss_taps():
    net = model.ModalityNet()
    features = net.features(torch.rand(2, 3, 64, 64))
    assert features["pool2"].shape == (2, 32, 8, 8)
    assert features["pool5"].shape == (2, 48, 4, 4)
    assert features["fc7"].shape == (2, 128)
    assert features["scores"].shape == (2, len(CLASSES))
    assert model.DepthGenerator()(torch.rand(2, 3, 64, 64)).shape == (2, 3, 64, 64)


@pytest.mark.parametrize("layer", model.LAYERS)
def test_features_after_a_layer_continue_from_its_activation(layer):
    """Stage 2 feeds D's cached activation at the loss's layer to the blocks above it."""
    net = model.ModalityNet().eval()
    whole = net.features(torch.rand(3, 3, 64, 64))
    above = net.features(whole[layer], after=layer)
    assert list(above) == list(whole)[list(whole).index(layer) :]
    assert torch.allclose(above["scores"], whole["scores"], atol=1e-5)
    feeding = {
        "pool2": [net.block2],
        "pool5": [net.block2, net.block5],
        "fc7": [net.block2, net.block5, net.fc67],
    }
    assert net.layers_up_to(layer) == feeding[layer]
    with pytest.raises(ValueError, match="after must be one of"):
        net.features(whole["scores"], after="scores")


@pytest.mark.parametrize("layer", model.LAYERS)
def test_stage2_keeps_d_frozen_below_the_hallucination_layer(layer):
    """Below the loss's layer D is a fixed target (weights, batch-norm statistics); above it D trains."""
    count = 16
    scenes = {"rgb": torch.rand(count, 3, 64, 64), "depth3": torch.rand(count, 3, 64, 64),
              "label": torch.arange(count) % len(CLASSES)}  # fmt: skip
    config = experiments.HallucinationConfig(train_scenes=count, batch_size=8, stage2_epochs=1)
    stage1 = {"rgb": model.ModalityNet(), "depth": model.ModalityNet()}
    before = copy.deepcopy(stage1["depth"].state_dict())
    joint, *_ = experiments._stage2(
        stage1, config, scenes, scenes, torch.Generator().manual_seed(0), (layer, "depth", 10.0)
    )
    after = joint["depth"].state_dict()
    frozen = ("block2", "block5", "fc67")[: model.LAYERS.index(layer) + 1]
    for key, value in after.items():
        if key.split(".")[0] in frozen:
            assert torch.equal(value, before[key]), key
    assert not torch.equal(after["classifier.weight"], before["classifier.weight"])


def test_hallucination_loss_and_its_gradient_reach_only_h():
    a_d = torch.randn(4, 6, requires_grad=True)
    a_h = torch.randn(4, 6, requires_grad=True)
    loss = model.hallucination_loss(a_d, a_h)
    expected = (torch.sigmoid(a_d) - torch.sigmoid(a_h)).square().sum(1).mean()
    assert loss.item() == pytest.approx(expected.item())
    loss.backward()
    assert a_d.grad is None
    assert a_h.grad.abs().sum() > 0
    assert model.hallucination_loss(a_d, a_d.clone()).item() == 0
    with pytest.raises(ValueError, match="shape"):
        model.hallucination_loss(torch.zeros(2, 3), torch.zeros(2, 4))


def test_linear_cka_is_one_for_rotations_and_low_for_noise():
    x = torch.randn(200, 10)
    rotation, _ = torch.linalg.qr(torch.randn(10, 10))
    assert model.linear_cka(x, x @ rotation) == pytest.approx(1.0)
    assert model.linear_cka(x, torch.randn(200, 10)) < 0.2
    with pytest.raises(ValueError, match="same number"):
        model.linear_cka(x, x[:10])


def test_config_rejects_unknown_layer_and_init():
    with pytest.raises(ValueError, match="hallucination_layer"):
        experiments.HallucinationConfig(hallucination_layer="conv9")
    with pytest.raises(ValueError, match="h_init"):
        experiments.HallucinationConfig(h_init="imagenet")


def test_the_recipe_runs_end_to_end_and_writes_its_row(tmp_path):
    experiments.load_scenes.cache_clear()
    config = experiments.HallucinationConfig(
        train_scenes=64, validation_scenes=32, test_scenes=32, batch_size=32, stage1_epochs=2,
        stage2_epochs=2,
    )  # fmt: skip
    name = experiments.train_and_save(config, tmp_path / "checkpoints")
    rows = experiments.read_results(tmp_path / "checkpoints")
    assert name == "hallucination_seed0"
    assert set(rows) == {"0"}
    for split in ("validation", "test"):
        assert set(rows["0"]["ablations"][split]) == {"pool5, H from depth", "pool2, H from depth",
                                                     "fc7, H from depth", "pool5, H from rgb",
                                                     "pool5, H from random",
                                                     "pool5, H from depth, γ ratio 0"}  # fmt: skip
        assert all(0 <= v <= 1 for v in rows["0"]["accuracy"][split].values())
    assert set(rows["0"]["best_epoch"].values()) <= {1, 2}
    assert rows["0"]["gamma"] > 0
    experiments.load_scenes.cache_clear()


def test_a_search_row_records_validation_scores_only(tmp_path):
    experiments.load_scenes.cache_clear()
    config = experiments.SearchConfig(
        design="flat", train_scenes=64, validation_scenes=32, batch_size=32, stage1_epochs=1, rgb_only=True
    )
    path = experiments.search_and_save(config, tmp_path / "checkpoints")
    rows = experiments.read_search(tmp_path / "checkpoints")
    assert path.endswith("hallucination_search.json")
    assert list(rows) == ["flat, 64 scenes, RGB only, seed 0"]
    assert set(rows["flat, 64 scenes, RGB only, seed 0"]["validation"]) == {"RGB only"}
    experiments.load_scenes.cache_clear()


def test_design_conditions_come_from_the_seeds_and_the_matching_search_rows():
    def large(design, scenes, rgb):
        return {
            "config": {"design": design, "train_scenes": scenes, "rgb_only": True},
            "validation": {"RGB only": rgb},
        }

    results = {
        "0": {"accuracy": {"validation": {"RGB only": 0.4, "RGB + true depth (oracle)": 0.9}}},
        "1": {"accuracy": {"validation": {"RGB only": 0.5, "RGB + true depth (oracle)": 0.8}}},
    }
    search = {"a": large("shaded", 1000, 0.7), "b": large("shaded", 1000, 0.8), "c": large("flat", 1000, 0.0)}
    config = experiments.HallucinationConfig(design="shaded", train_scenes=100)
    conditions = experiments.design_conditions(search, results, config)
    assert conditions["oracle gap"][0] == pytest.approx(0.4)  # (0.5 + 0.3) / 2
    assert conditions["recoverable from RGB"][0] == pytest.approx(0.3)  # 0.75 − 0.45; flat ignored
    with pytest.raises(ValueError, match="≥ 2 seeds"):
        experiments.design_conditions({"a": search["a"]}, results, config)


def test_keep_best_returns_the_best_epochs_weights():
    net = nn.Linear(1, 1, bias=False)
    scores = iter([0.2, 0.9, 0.5])  # epoch 2 is best
    keep = experiments._KeepBest({"net": net}, lambda: next(scores), net.train)
    for epoch, weight in enumerate((1.0, 2.0, 3.0), start=1):
        with torch.no_grad():
            net.weight.fill_(weight)
        keep.end_of_epoch(epoch)
    restored = keep.restore()["net"]
    assert keep.epoch == 2
    assert restored.weight.item() == 2.0
    assert not restored.training


@pytest.fixture(scope="module")
def shipped():
    pretrained = load_pretrained("hallucination_seed0")
    return pretrained.networks, pretrained.sidecar, experiments.load_scenes("test", 300)


class _Fixed(nn.Module):
    """A stand-in network whose class scores are fixed per example (one-hot on ``predicted``)."""

    def __init__(self, predicted: list[int], classes: int = 3) -> None:
        super().__init__()
        self.scores = torch.nn.functional.one_hot(torch.tensor(predicted), classes).float()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scores[: len(x)].clone()


def test_evaluate_all_computes_each_row_from_the_models():
    # Six examples, labels 0 1 2 0 1 2. Each net is right on a known subset, so every row's
    # accuracy is known by hand; fused rows average two nets' one-hot scores (a tie → lower index).
    label = torch.tensor([0, 1, 2, 0, 1, 2])
    data = {"rgb": torch.rand(6, 3, 4, 4), "depth": torch.rand(6, 1, 4, 4) + 1, "label": label}
    data["depth3"] = torch.rand(6, 3, 4, 4)
    models = {
        "rgb": _Fixed([0, 1, 0, 1, 0, 1]),  # right on examples 0, 1: 2/6
        "rgb2": _Fixed([0, 1, 2, 1, 0, 1]),  # right on 0, 1, 2
        "depth": _Fixed([0, 1, 2, 0, 1, 2]),  # always right
        "joint_rgb": _Fixed([0, 1, 0, 0, 0, 0]),  # right on 0, 1, 3
        "joint_depth": _Fixed([0, 1, 2, 0, 1, 2]),
        "joint_h": _Fixed([0, 0, 2, 0, 1, 0]),  # right on 0, 2, 3, 4
        "generator": nn.Identity(),
    }
    rows = experiments.evaluate_all(models, data)
    assert rows["RGB only"] == pytest.approx(2 / 6)
    assert rows["depth only (stage 1)"] == pytest.approx(1.0)
    assert rows["H only"] == pytest.approx(4 / 6)
    # (rgb + rgb2)/2 argmax: 0 1 0 1 0 1 → right on 0, 1
    assert rows["RGB ensemble (two RGB nets)"] == pytest.approx(2 / 6)
    # Fused rows average one-hot scores; a tie goes to the lower class (argmax takes the first).
    fused = ((models["joint_rgb"].scores + models["joint_h"].scores) / 2).argmax(1)
    assert rows["RGB + hallucination"] == pytest.approx(float((fused == label).float().mean()))
    assert rows["RGB + hallucination"] > 0
    fused_d = ((models["joint_rgb"].scores + models["joint_depth"].scores) / 2).argmax(1)
    assert rows["RGB + true depth (oracle)"] == pytest.approx(float((fused_d == label).float().mean()))


def _rows(values_by_seed):
    return {
        str(seed): {"accuracy": {"test": row}, "ablations": {"test": {}}}
        for seed, row in enumerate(values_by_seed)
    }


def test_summary_is_mean_and_sample_spread_over_seeds():
    mean, spread = experiments.summary(_rows([{"a": 0.5}, {"a": 0.7}]))["a"]
    assert mean == pytest.approx(0.6)
    assert spread == pytest.approx(0.1414213)  # ddof = 1: √(0.02 / 1)


def test_claims_pair_the_arms_seed_by_seed():
    rgb, ensemble = [0.40, 0.50, 0.60], [0.42, 0.51, 0.63]
    rows = [{"RGB only": r, "RGB ensemble (two RGB nets)": e, "RGB + hallucination": e + 0.05,
             "RGB + true depth (oracle)": 0.9} for r, e in zip(rgb, ensemble, strict=True)]  # fmt: skip
    claims = experiments.claims(_rows(rows))
    versus_ensemble = claims[("RGB + hallucination", "RGB ensemble (two RGB nets)")]
    assert versus_ensemble.differences == pytest.approx((0.05, 0.05, 0.05))
    assert versus_ensemble.above_zero
    assert ("ablation: pool5, H from depth", "ablation: pool5, H from random") not in claims  # not trained


def test_scene_explorer_follows_the_slider(shipped):
    models, _, scenes = shipped
    w = widgets.scene_explorer(models, scenes)
    first = dict(w.result)
    assert set(first) == {"RGB net", "D net", "H net", "RGB + H"}
    assert set(first.values()) <= set(CLASSES)
    predictions = set()
    for index in range(12):
        w.children[0].value = index
        predictions.add(w.result["D net"])
    assert len(predictions) > 1
    with pytest.raises(ValueError, match="stage-2"):
        widgets.scene_explorer({"rgb": models["rgb"]}, scenes)
    with pytest.raises(ValueError, match="NaN"):
        widgets.scene_explorer(models, {**scenes, "depth": torch.full_like(scenes["depth"], float("nan"))})


def test_evaluation_rejects_rgb_without_three_channels(shipped):
    models, _, scenes = shipped
    with pytest.raises(ValueError, match="rgb must be"):
        experiments.evaluate_all(models, {**scenes, "rgb": scenes["rgb"][:, :1]})


def test_hallucination_exercises_accept_solutions_and_reject_mistakes():
    import copy

    def loss(a_d, a_h):
        return (torch.sigmoid(a_d) - torch.sigmoid(a_h)).pow(2).flatten(1).sum(1).mean()

    assert exercises.check_hallucination_loss(loss)
    with pytest.raises(AssertionError):
        exercises.check_hallucination_loss(lambda a_d, a_h: (a_d - a_h).pow(2).flatten(1).sum(1).mean())
    assert exercises.check_h_init(copy.deepcopy)
    with pytest.raises(AssertionError, match="shares"):
        exercises.check_h_init(_alias)
    with pytest.raises(AssertionError, match="does not compute"):
        exercises.check_h_init(lambda d: model.ModalityNet())
    assert exercises.check_fused_accuracy(lambda a, b, y: float(((a + b) / 2).argmax(1).eq(y).float().mean()))
    with pytest.raises(AssertionError):
        exercises.check_fused_accuracy(lambda a, b, y: float(a.argmax(1).eq(y).float().mean()))


def _alias(depth_net):
    """A 'copy' that shares D's parameter tensors — the mistake exercise 2 catches."""
    h = model.ModalityNet()
    for (name, _), param in zip(h.named_parameters(), depth_net.parameters(), strict=True):
        module_name, _, attr = name.rpartition(".")
        setattr(h.get_submodule(module_name), attr, param)
    h.load_state_dict(depth_net.state_dict())
    return h


# --- the redesigned seed study (dmlib.hallucination.study) -----------------------------------------


def test_each_row_is_read_at_its_own_best_validation_epoch():
    from dmlib.hallucination import study

    row = {"curves": {
        "A": {"validation": [0.5, 0.7, 0.6], "test": [0.9, 0.4, 0.8]},  # validation peaks at epoch 2
        "B": {"validation": [0.3, 0.3, 0.2], "test": [0.1, 0.6, 0.2]},  # a tie: the first epoch
    }}  # fmt: skip
    picked = study.chosen(row)
    assert picked["A"] == {"epoch": 2, "validation": 0.7, "test": 0.4}  # never the test curve's best
    assert picked["B"] == {"epoch": 1, "validation": 0.3, "test": 0.1}


def test_seeds_for_half_width_is_the_smallest_count_that_reaches_it():
    from scipy import stats

    from dmlib.hallucination import study

    for sd in (0.02, 0.047, 0.1):
        n = study.seeds_for_half_width(sd, 0.03)
        assert stats.t.ppf(0.975, n - 1) * sd / n**0.5 <= 0.03
        assert n == 2 or stats.t.ppf(0.975, n - 2) * sd / (n - 1) ** 0.5 > 0.03
    assert study.seeds_for_half_width(0.047, 0.03) > 5  # the pilot's 5 seeds were too few
    with pytest.raises(ValueError, match="positive"):
        study.seeds_for_half_width(0.0)


def test_each_seed_renders_its_own_training_scenes():
    from dmlib.hallucination import study
    from dmlib.hallucination.experiments import RENDER_SEEDS
    from dmlib.hallucination.scenes import render_scenes

    seeds = {study.render_seed(s) for s in range(20)}
    assert len(seeds) == 20
    assert not seeds & set(RENDER_SEEDS.values())  # never the validation or test scenes
    a, b = (render_scenes(8, seed=study.render_seed(s))["rgb"] for s in (0, 1))
    assert not torch.equal(a, b)


@pytest.mark.slow
def test_a_tiny_study_seed_logs_every_row_and_its_controls(tmp_path):
    from dmlib.hallucination import study

    config = study.StudyConfig(train_scenes=64, validation_scenes=32, test_scenes=64, batch_size=32,
                               stage1_epochs=2, stage2_epochs=2, cka_scenes=32)  # fmt: skip
    path = study.train_and_save(config, tmp_path / "checkpoints")
    rows = study.read_study(tmp_path / "checkpoints")
    row = rows[0]
    assert path.endswith("hallucination_study.json")
    assert row["render_seed"] == study.render_seed(0)
    for a, b in study.STUDY_CLAIMS:
        assert {a, b} <= set(row["chosen"])
    curves = row["curves"]
    assert len(curves[study.ENSEMBLE]["test"]) == 4  # stage-1 + stage-2 epochs: as long as the joint nets
    assert len(curves[study.HALLUCINATION]["test"]) == 2
    assert set(row["cka"]) == {"H vs D", "RGB vs D", "H vs D, γ = 0", "H vs D, H from random"}
    assert sum(map(sum, row["confusion"][study.HALLUCINATION])) == 64
    assert row["config"]["dropout"] == 0.5
    rows[1] = rows[0]  # two "seeds" suffice for the interval's arithmetic
    assert set(study.study_claims(rows)) == set(study.STUDY_CLAIMS)
    figures = study.study_figures(rows=rows)
    ensemble = study.study_claims(rows)[(study.HALLUCINATION, study.ENSEMBLE)]
    assert figures[1].ours == ensemble.low  # the paper's key claim: RGB + H above the ensemble
    # the trained-as-long RGB net is our control, not a comparison of the paper
    assert (figures[0].paper_value, figures[1].paper_value) == ("n/a (ours)", "> 0")
    assert figures[-1].ours == (ensemble.high - ensemble.low) / 2
    assert figures[-1].goal == "<= 0.03"
