import importlib.util
import math
from pathlib import Path

import pytest
import torch

from dmlib.pixelrnn import coding, experiments, masks, receptive, sampling
from dmlib.pixelrnn.experiments import bits_per_dim, independent_pixel_bits, load_data, nll_nats
from dmlib.pixelrnn.models import MODELS, PixelRNNConfig, _LSTMCell, build_model, skew, unskew

SMALL = {"hidden": 6, "layers": 2, "out_hidden": 12, "image_size": 7}


def _model(name: str, colours: int, **overrides):
    torch.manual_seed(0)
    levels = 2 if colours == 1 else 256
    return build_model(PixelRNNConfig(model=name, colours=colours, levels=levels, **{**SMALL, **overrides}))


def test_mask_a_hides_the_centre_and_mask_b_shows_it_for_grayscale():
    one = torch.zeros(1, dtype=torch.long)
    a = masks.causal_mask((3, 3), one, one, "A")[0, 0]
    b = masks.causal_mask((3, 3), one, one, "B")[0, 0]
    assert a.tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert b.tolist() == [[1, 1, 1], [1, 1, 0], [0, 0, 0]]


def test_colour_groups_at_the_centre():
    rgb = torch.arange(3)
    a = masks.causal_mask((1, 1), rgb, rgb, "A")[:, :, 0, 0]
    b = masks.causal_mask((1, 1), rgb, rgb, "B")[:, :, 0, 0]
    assert a.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0]]  # R sees nothing, G sees R, B sees R and G
    assert b.tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]


@pytest.mark.parametrize(
    ("kernel", "mask_type", "colours"), [(7, "A", 1), (3, "B", 3), ((1, 3), "B", 1), (1, "B", 3)]
)
def test_masked_conv_with_its_cut_kernel_equals_the_full_masked_convolution(kernel, mask_type, colours):
    torch.manual_seed(0)
    conv = masks.MaskedConv2d(6, 9, kernel, mask_type, colours)
    x = torch.randn(2, 6, 8, 9)
    full = torch.nn.functional.conv2d(x, conv.weight * conv.mask, conv.bias, padding=conv.padding)
    assert torch.allclose(conv(x), full, atol=1e-5)


def test_channel_groups_split_each_block_in_thirds():
    assert masks.channel_groups(12, 3, blocks=2).tolist() == [0, 0, 1, 1, 2, 2] * 2


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: masks.causal_mask((2, 3), torch.zeros(1), torch.zeros(1), "A"), "kernel_size"),
        (lambda: masks.causal_mask((3, 3), torch.zeros(1), torch.zeros(1), "C"), "mask_type"),
        (lambda: masks.channel_groups(8, 3), "channels"),
        (lambda: masks.channel_groups(8, 2), "colours"),
        (lambda: build_model(PixelRNNConfig(model="wavenet")), "model"),
        (lambda: build_model(PixelRNNConfig(colours=3, levels=2)), "colours"),
        (lambda: build_model(PixelRNNConfig(colours=3, levels=256, hidden=16)), "channels"),
        (lambda: PixelRNNConfig(stop_at=100), "stop_at"),  # a sitting's end needs --resume
        (lambda: PixelRNNConfig(stop_at=2000, resume=True), "stop_at"),  # not before the run's end
    ],
)
def test_bad_settings_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_binary_model_rejects_non_binary_data_and_wrong_channels():
    model = _model("pixelcnn", 1)
    with pytest.raises(ValueError, match="binary"):
        model.check_input(torch.rand(2, 1, 7, 7))
    with pytest.raises(ValueError, match="NaN"):
        model.check_input(torch.full((1, 1, 7, 7), float("nan")))
    with pytest.raises(ValueError, match="shape"):
        model(torch.zeros(2, 3, 7, 7))


def test_skew_and_unskew_are_inverse():
    x = torch.arange(2 * 3 * 4.0).view(1, 2, 3, 4)
    skewed = skew(x)
    assert skewed.shape == (1, 2, 3, 6)
    assert skewed[0, 0, 2, 2:6].tolist() == x[0, 0, 2].tolist()
    assert torch.equal(unskew(skewed, 4), x)


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("colours", [1, 3])
def test_no_output_depends_on_a_later_input(name, colours):
    model = _model(name, colours)
    for pixel in [(0, 0), (3, 3), (3, 6), (6, 0), (6, 6)]:
        for channel in range(colours):
            field = receptive.dependency_field(model, pixel, channel)
            assert receptive.violations(field, pixel, channel) == 0, (pixel, channel)


def _allowed_count(field, pixel):
    i, j = pixel
    above = field[:, :i].sum(0) != 0
    left = field[:, i, :j].sum(0) != 0
    return int(above.sum()), int(left.sum())


def _unread_earlier_pixels(model, pixel) -> list[list[int]]:
    field = receptive.dependency_field(model, pixel)[0]
    i, j = pixel
    earlier = torch.zeros_like(field, dtype=torch.bool)
    earlier[:i], earlier[i, :j] = True, True
    return (earlier & (field == 0)).nonzero().tolist()


def _plain_layers():
    """benchmarks/reference_pixelrnn.py: the recurrent layers as first written (the benchmark's "before")."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "reference_pixelrnn.py"
    spec = importlib.util.spec_from_file_location("reference_pixelrnn", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["rowlstm", "diagbilstm"])
@pytest.mark.parametrize(("colours", "height", "width"), [(1, 5, 8), (1, 8, 5), (3, 6, 6)])
def test_recurrent_layers_compute_the_first_written_function(name, colours, height, width):
    # The matmul / gather form against one small conv and an autograd LSTM per row or diagonal:
    # outputs and every gradient, on non-square maps both ways (the skipped cells right of the image).
    model = _model(name, colours).double()
    layer = model.rnns[0]
    plain_name = {"rowlstm": "plain_row_lstm", "diagbilstm": "plain_diagonal_bilstm"}[name]
    plain = getattr(_plain_layers(), plain_name)
    x = torch.randn(3, 2 * SMALL["hidden"], height, width, dtype=torch.float64, requires_grad=True)
    probe = torch.randn(3, SMALL["hidden"], height, width, dtype=torch.float64)
    results = []
    for forward in (layer, lambda x: plain(layer, x)):
        layer.zero_grad()
        out = forward(x)
        (grad_x,) = torch.autograd.grad((out * probe).sum(), x, retain_graph=True)
        (out * probe).sum().backward()
        results.append([out, grad_x, *(p.grad.clone() for p in layer.parameters())])
    for fast, reference in zip(*results, strict=True):
        assert torch.allclose(fast, reference, atol=1e-10)


def test_lstm_cell_backward_is_the_derivative_of_its_forward():
    torch.manual_seed(0)
    gates = torch.randn(2, 12, 5, dtype=torch.float64, requires_grad=True)  # h = 3
    cell = torch.randn(2, 3, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_LSTMCell.apply, (gates, cell))
    hidden, _ = _LSTMCell.apply(gates, cell)  # only the hidden state used: the cell's gradient is None
    assert torch.autograd.gradcheck(lambda g, c: _LSTMCell.apply(g, c)[0], (gates, cell))
    o, f, i, g = gates.detach().chunk(4, dim=1)  # the forward is the LSTM update, order [o, f, i, g]
    new_cell = torch.sigmoid(f) * cell.detach() + torch.sigmoid(i) * torch.tanh(g)
    assert torch.allclose(hidden, torch.sigmoid(o) * torch.tanh(new_cell))


def test_diagonal_bilstm_reads_every_earlier_pixel_but_the_last_of_the_row_above():
    # 7×7 image: the pixel (i − 1, 6) is missed by targets left of the last 4 columns (j < 3) only.
    model = _model("diagbilstm", 1)
    expected = {(3, 1): [[2, 6]], (6, 0): [[5, 6]], (3, 3): [], (3, 6): [], (0, 3): []}
    assert {pixel: _unread_earlier_pixels(model, pixel) for pixel in expected} == expected


def test_row_lstm_sees_a_triangle_and_pixelcnn_grows_up_right_along_a_diagonal():
    row = receptive.dependency_field(_model("rowlstm", 1), (6, 3))[0]
    assert (row[:6] != 0).sum() >= 30  # most of the triangle above
    torch.manual_seed(0)
    config = PixelRNNConfig(model="pixelcnn", **{**SMALL, "image_size": 13})
    field = receptive.dependency_field(build_model(config), (10, 4))[0] != 0  # 7×7 mask A + 2 × 3×3 mask B
    rightmost = [int(field[r].nonzero().max()) for r in range(5, 10)]
    assert rightmost == [9, 9, 9, 8, 7]  # row i − d reaches column j + 3 + (d − 1), up to the depth's limit


def test_pixelcnn_has_a_blind_spot_that_gating_removes():
    config = {"layers": 4, "image_size": 16}
    pixel = (12, 4)
    plain = receptive.dependency_field(_model("pixelcnn", 1, **config), pixel)[0]
    gated = receptive.dependency_field(_model("gatedpixelcnn", 1, **config), pixel)[0]
    up_right = (slice(8, 12), slice(5, 12))  # just above and to the right of the pixel
    assert (plain[up_right] == 0).sum() >= 6  # the blind spot
    assert (gated[up_right] != 0).all()  # the vertical stack fills it


def test_fast_sampler_matches_the_naive_one():
    model = _model("pixelcnn", 1)
    assert torch.equal(sampling.sample_naive(model, 3, seed=4), sampling.sample_fast(model, 3, seed=4))
    colour = _model("pixelcnn", 3)
    assert torch.equal(sampling.sample_naive(colour, 2, seed=1), sampling.sample_fast(colour, 2, seed=1))


def test_completions_keep_the_given_rows():
    model = _model("pixelcnn", 1)
    images = (torch.rand(2, 1, 7, 7) < 0.5).float()
    out = sampling.complete(model, images, keep_rows=3, n=2)
    assert out.shape == (2, 2, 1, 7, 7)
    assert torch.equal(out[:, :, :, :3], images[:, None, :, :3].expand(-1, 2, -1, -1, -1))


def test_arithmetic_coding_is_lossless_and_near_the_nll():
    model = _model("pixelcnn", 1)
    images = sampling.sample_fast(model, 8, seed=2)
    code = coding.compress(model, images)
    assert torch.equal(coding.decompress(model, code["bits"], 8), images)
    nll_bits = nll_nats(model(images), images).sum().item() / math.log(2)
    assert abs(code["ideal_bits"] - nll_bits) < 1e-3 * nll_bits
    assert abs(len(code["bits"]) - nll_bits) <= 0.01 * nll_bits + 4


def test_coder_only_drives_binary_pixelcnns():
    with pytest.raises(ValueError, match="binary PixelCNN"):
        coding.compress(_model("rowlstm", 1), torch.zeros(1, 1, 7, 7))


def test_no_context_baseline_is_the_test_cross_entropy_of_per_sub_pixel_histograms():
    levels = {s: (load_data("colour_patches", s) * 255).round().long().flatten(1) for s in ("train", "test")}
    train, test = levels["train"], levels["test"]
    nats = 0.0
    for d in range(train.shape[1]):  # one histogram per sub-pixel, add-one smoothed
        p = (torch.bincount(train[:, d], minlength=256) + 1).double() / (len(train) + 256)
        nats -= p.log()[test[:, d]].mean().item()
    assert independent_pixel_bits("colour_patches") == pytest.approx(nats / (train.shape[1] * math.log(2)))
    with pytest.raises(ValueError, match="8-bit"):
        independent_pixel_bits("binary_mnist")


def test_bits_per_dim_of_a_uniform_byte_is_8():
    assert bits_per_dim(784 * 8 * math.log(2), 784) == pytest.approx(8.0)


def test_datasets_have_the_documented_shapes():
    binary = load_data("binary_mnist", "test")
    assert binary.shape == (10000, 1, 28, 28)
    assert set(binary.unique().tolist()) == {0.0, 1.0}
    patches = load_data("colour_patches", "test")
    assert patches.shape[1:] == (3, 8, 8)
    assert 0 <= patches.min()
    assert patches.max() <= 1
    with pytest.raises(ValueError, match="data"):
        load_data("cifar10", "train")


def test_shipped_checkpoints_load_and_match_their_sidecars():
    from dmlib.pixelrnn import experiments
    from dmlib.registry import load_pretrained

    pretrained = load_pretrained("pixelcnn")
    test = load_data("binary_mnist", "test")
    nats = experiments.evaluate_nll(pretrained.networks["model"], test)
    assert nats == pytest.approx(pretrained.sidecar["metrics"]["test_nll_nats"], abs=0.01)
    for name in experiments.CHECKPOINTS:
        assert load_pretrained(name).sidecar["command"].startswith(f"python -m dmlib train {name}")


def test_load_pretrained_rejects_unknown_names():
    from dmlib.registry import load_pretrained

    with pytest.raises(ValueError, match="pixelcnn\\+\\+"):
        load_pretrained("pixelcnn++")


def test_cached_sampler_runs_no_full_image_pass(monkeypatch):
    """Count work, not seconds: the naive sampler runs the network once per pixel (n² full-image
    passes); the cached one runs none, and evaluates each masked convolution once per position."""
    model = _model("pixelcnn", 1)
    size = model.config.image_size
    passes = []
    model.register_forward_hook(lambda *_: passes.append(1))
    sampling.sample_naive(model, 2, seed=0)
    assert len(passes) == size * size
    passes.clear()
    positions = []
    conv_at = sampling.CachedPixelCNN._conv_at
    monkeypatch.setattr(
        sampling.CachedPixelCNN, "_conv_at", staticmethod(lambda *a: positions.append(1) or conv_at(*a))
    )
    sampling.sample_fast(model, 2, seed=0)
    assert passes == []
    masked_convs = 1 + len(model.blocks)  # the mask-A input layer and one k×k conv per block
    assert len(positions) == size * size * masked_convs


# --- training to convergence: resume, dynamic binarization, validation, schedule -----------------
def _tiny(**overrides):
    from dmlib.pixelrnn.models import PixelRNNConfig

    settings = {"hidden": 4, "layers": 1, "out_hidden": 8, "batch_size": 4, "steps": 6, "bf16": False}
    return PixelRNNConfig(**{**settings, **overrides})


def test_a_resumed_run_ends_where_an_uninterrupted_run_ends(tmp_path):
    from dmlib.pixelrnn import experiments

    straight = experiments.train(_tiny(lr_schedule="cosine"))
    first = experiments.train(
        _tiny(lr_schedule="cosine", resume=True, stop_at=3), tmp_path
    )  # a first sitting
    assert first.history["step"] == [0, 1, 2]
    assert torch.load(tmp_path / "pixelcnn.resume.pt", weights_only=True)["next_step"] == 3
    resumed = experiments.train(
        _tiny(lr_schedule="cosine", resume=True), tmp_path
    )  # the second: steps 3, 4, 5
    assert resumed.history["step"] == list(range(6))
    assert resumed.history["lr"] == pytest.approx(straight.history["lr"])  # the schedule runs to 6 in both
    assert resumed.history["nll_nats"] == pytest.approx(straight.history["nll_nats"])
    for name, value in straight.networks["model"].state_dict().items():
        assert torch.equal(value, resumed.networks["model"].state_dict()[name]), name
    assert torch.load(tmp_path / "pixelcnn.resume.pt", weights_only=True)["next_step"] == 6


def test_dynamic_binarization_trains_on_grey_levels_and_holds_out_fixed_validation_bits():
    from dmlib.data import binarize, load_mnist
    from dmlib.pixelrnn import experiments

    data, held = experiments._training_digits(_tiny(dynamic_binarization=True, validation=100))
    images, _ = load_mnist("train")
    assert len(data) == len(images) - 100
    assert ((data > 0) & (data < 1)).any()  # grey levels: each batch draws its own bits
    assert torch.equal(held, binarize(images[-100:], seed=2).unsqueeze(1))
    static, held_static = experiments._training_digits(_tiny(validation=100))
    assert set(static.unique().tolist()) == {0.0, 1.0}
    assert len(held_static) == 100


def test_validation_ships_the_best_checked_model_and_patience_stops_a_run():
    from dmlib.pixelrnn import experiments

    trained = experiments.train(_tiny(validation=50, validate_every=2))
    assert trained.results["best_step"] in (1, 3, 5)
    _, held = experiments._training_digits(_tiny(validation=50))
    best = trained.history["best_validation_nll_nats"][-1]
    assert experiments.evaluate_nll(trained.networks["model"], held) == pytest.approx(best, rel=1e-5)
    diverging = experiments.train(_tiny(validation=50, validate_every=1, patience=2, lr=5.0, steps=40))
    assert len(diverging.history["step"]) < 40


def test_the_cosine_schedule_falls_from_lr_to_a_twentieth():
    from dmlib.pixelrnn import experiments

    config = _tiny(lr_schedule="cosine", steps=101, lr=2e-3)
    rates = [experiments._learning_rate(config, i) for i in range(101)]
    assert rates[0] == pytest.approx(2e-3)
    assert rates[-1] == pytest.approx(1e-4)
    assert rates[50] == pytest.approx((2e-3 + 1e-4) / 2)
    assert all(a >= b for a, b in zip(rates, rates[1:], strict=False))
    assert experiments._learning_rate(_tiny(), 7) == _tiny().lr


def test_the_binarized_models_are_judged_within_three_nats_of_the_paper(monkeypatch):
    from types import SimpleNamespace

    from dmlib.pixelrnn import experiments

    monkeypatch.setattr(experiments, "load_data", lambda data, split: torch.zeros(4, 1, 28, 28))

    def load(nats):  # a checkpoint whose sidecar stores its full-test NLL
        model = SimpleNamespace(config=SimpleNamespace(data="binary_mnist", classes=0))
        return lambda name: SimpleNamespace(
            networks={"model": model}, sidecar={"metrics": {"test_nll_nats": nats}}
        )

    (row,) = experiments.paper_figures(load(83.5), "rowlstm", stored=True)
    assert (row.paper_value, row.goal, row.met) == ("80.54", "<= 83.54", True)
    assert not experiments.paper_figures(load(83.6), "rowlstm", stored=True)[0].met
    (gated,) = experiments.paper_figures(load(84.3), "gatedpixelcnn", stored=True)
    assert (gated.paper_value, gated.goal, gated.met) == ("n/a", "<= 84.30", True)  # the PixelCNN's goal


def test_the_256_way_models_are_judged_on_the_mean_of_their_seeds(monkeypatch):
    with pytest.raises(ValueError, match="one of"):
        experiments.read_seeds("pixelcnn")  # the binarized models have no seed study
    rows = {0: {"test_bits_per_dim": 1.1}, 1: {"test_bits_per_dim": 1.3}, 2: {"test_bits_per_dim": 1.8}}
    monkeypatch.setattr(experiments, "read_seeds", lambda name: rows)
    monkeypatch.setattr(experiments, "independent_pixel_bits", lambda data: {"mnist8": 1.5}[data])
    (figure,) = experiments.paper_figures(None, "pixelcnn_mnist8")  # no checkpoint is loaded
    assert figure.name == "pixelcnn_mnist8: test bits/dim, mean of 3 seeds"
    assert (figure.ours, figure.goal, figure.met) == (pytest.approx(1.4), "< 1.500", True)
    rows[2]["test_bits_per_dim"] = 2.4  # one bad seed pulls the mean over the no-context baseline
    assert not experiments.paper_figures(None, "pixelcnn_mnist8")[0].met


# --- the class-conditional gated PixelCNN (the gated paper's title) --------------------------------
def _conditional(classes=10, colours=1, **overrides):
    levels = 2 if colours == 1 else 256
    config = PixelRNNConfig(model="gatedpixelcnn", classes=classes, colours=colours, levels=levels, hidden=6,
                            out_hidden=12, layers=2, image_size=7, bf16=False, **overrides)  # fmt: skip
    torch.manual_seed(0)
    model = build_model(config)
    for parameter in model.parameters():  # large random weights: every path visibly moves the logits
        torch.nn.init.normal_(parameter, std=0.5)
    return model.eval()


def _class_effect(model, rows):
    """Largest change of the logits in ``rows`` when only the label changes (same image)."""
    x = (torch.rand(1, *model(torch.zeros(1, 1, 7, 7), torch.tensor([0])).shape[1:]) < 0.5).float()
    a, b = model(x, torch.tensor([2])), model(x, torch.tensor([7]))
    return (a - b)[..., rows, :].abs().max().item()


def test_the_class_enters_the_gates_of_both_stacks():
    """y = tanh(W_f∗x + V_f^T h) ⊙ σ(W_g∗x + V_g^T h) in the vertical AND the horizontal stack."""
    model = _conditional()
    assert _class_effect(model, slice(0, 7)) > 1e-3
    with torch.no_grad():
        for block in [model.first, *model.blocks]:
            block.condition.weight[:, block.condition.weight.shape[1] // 2 :] = (
                0  # no V^T h in the horizontal stack
            )
    # Row 0 has nothing above it: there the class can only come through the horizontal stack …
    assert _class_effect(model, slice(0, 1)) == 0
    # … and below it, the vertical stack still carries the class down.
    assert _class_effect(model, slice(1, 7)) > 1e-3
    model = _conditional()
    with torch.no_grad():
        for block in [model.first, *model.blocks]:
            block.condition.weight[:, : block.condition.weight.shape[1] // 2] = (
                0  # no V^T h in the vertical stack
            )
    assert _class_effect(model, slice(0, 1)) > 1e-3


@pytest.mark.parametrize("colours", [1, 3])
def test_conditioning_keeps_every_output_causal(colours):
    model = _conditional(colours=colours)
    labels = torch.tensor([3])
    for pixel in [(0, 0), (3, 3), (6, 6)]:
        for channel in range(colours):
            x = torch.rand(1, colours, 7, 7).round() if colours == 1 else torch.rand(1, colours, 7, 7)
            x.requires_grad_(True)
            out = model(x, labels)
            picked = (
                out[0, channel, pixel[0], pixel[1]]
                if colours == 1
                else out[0, :, channel, pixel[0], pixel[1]]
            )
            (grad,) = torch.autograd.grad(picked.sum(), x)
            field = grad[0].abs().sum(0) if colours == 1 else grad[0]
            i, j = pixel
            later = torch.zeros(7, 7, dtype=torch.bool)
            later[i, j + 1 :], later[i + 1 :] = True, True
            if colours == 1:
                assert field[later].abs().sum() == 0
                assert field[i, j] == 0
            else:  # sub-pixel order R → G → B: channel c sees the earlier colours of its own pixel only
                assert field[:, later].abs().sum() == 0
                assert field[channel:, i, j].abs().sum() == 0


@pytest.mark.parametrize("colours", [1, 3])
def test_cached_gated_sampler_matches_the_naive_one_and_samples_depend_on_the_class(colours):
    model = _conditional(colours=colours)
    labels = torch.tensor([0, 4, 9])
    naive = sampling.sample_naive(model, 3, seed=2, labels=labels)
    assert torch.equal(naive, sampling.sample_fast(model, 3, seed=2, labels=labels))
    other = sampling.sample_fast(model, 3, seed=2, labels=torch.tensor([5, 5, 5]))
    assert not torch.equal(naive, other)  # same uniforms, another class: other images
    plain = _model("gatedpixelcnn", colours)
    assert torch.equal(sampling.sample_naive(plain, 2, seed=1), sampling.sample_fast(plain, 2, seed=1))


@pytest.mark.parametrize(
    ("labels", "message"),
    [(None, "pass labels"), (torch.tensor([0, 10]), "0…9"), (torch.tensor([0.0, 1.0]), "integers"),
     (torch.tensor([1]), r"\(2,\)")],
)  # fmt: skip
def test_conditional_model_rejects_missing_or_bad_labels(labels, message):
    model = _conditional()
    with pytest.raises(ValueError, match=message):
        model(torch.zeros(2, 1, 7, 7), labels)


def test_unconditional_models_refuse_labels_and_only_the_gated_model_takes_classes():
    with pytest.raises(ValueError, match="unconditional"):
        _model("gatedpixelcnn", 1)(torch.zeros(1, 1, 7, 7), torch.tensor([1]))
    with pytest.raises(ValueError, match="gatedpixelcnn"):
        PixelRNNConfig(model="pixelcnn", classes=10)
    with pytest.raises(ValueError, match="labels"):
        experiments._training_labels(_tiny(model="gatedpixelcnn", classes=10, data="colour_patches",
                                           colours=3, levels=256))  # fmt: skip


def test_conditional_training_feeds_each_digit_its_own_class(monkeypatch):
    """Every training batch goes in with its digits' own labels, and validation computes −log p(x | y)."""
    seen = []
    original = sampling.GatedPixelCNN.forward

    def spy(self, x, labels=None):
        seen.append((x.detach().clone(), labels))
        return original(self, x, labels)

    monkeypatch.setattr(sampling.GatedPixelCNN, "forward", spy)
    config = _tiny(model="gatedpixelcnn", classes=10, steps=2, validation=20, validate_every=2)
    experiments.train(config)
    from dmlib.data import load_mnist

    digits = load_data("binary_mnist", "train").flatten(1)  # static binarization: batches are these digits
    labels = load_mnist("train")[1]
    batches = [(x, y) for x, y in seen if len(x) == config.batch_size]
    assert len(batches) == 2
    for x, y in batches:
        for image, label in zip(x.flatten(1), y, strict=True):
            where = (digits[:-20] == image).all(1).nonzero()[:, 0]
            assert len(where)
            assert label in labels[where]
    assert any(
        torch.equal(y, labels[-20:]) for x, y in seen if len(x) == 20
    )  # the validation digits' classes


def test_capacity_rows_read_each_arm_at_equal_steps_and_equal_seconds(tmp_path, monkeypatch):
    from dmlib.pixelrnn import capacity

    test_digits = experiments.load_data("binary_mnist", "test")[:20]
    real_load = experiments.load_data
    monkeypatch.setattr(
        experiments,
        "load_data",
        lambda data, split: test_digits if split == "test" else real_load(data, split),
    )
    config = _tiny(validation=40, validate_every=2, steps=5, layers=2, hidden=6)
    path = capacity.train_arm(config, tmp_path / "checkpoints")
    row = capacity.read_capacity(tmp_path / "checkpoints")["2×6"]
    assert row["checks"] == [2, 4, 5]  # every validate_every steps, and the last step
    curve = row["best_validation_nll_nats"]
    assert curve == sorted(curve, reverse=True)  # best so far never rises
    model = build_model(config)
    assert row["parameters"] == sum(p.numel() for p in model.parameters())
    assert str(path).endswith("pixelcnn_capacity.json")
    assert capacity.at_step(row, 3) == curve[0]
    assert capacity.at_step(row, 4) == curve[1]
    assert capacity.at_step(row, 99) == curve[-1]
    with pytest.raises(ValueError, match="no validation check by step 1"):
        capacity.at_step(row, 1)
    faster = {**row, "seconds_per_step": row["seconds_per_step"] / 2}  # twice the steps in the same time
    seconds = 2 * row["seconds_per_step"] + 1e-9
    assert capacity.at_seconds(row, seconds) == curve[0]
    assert capacity.at_seconds(faster, seconds) == curve[1]
    assert math.isnan(capacity.at_seconds(row, row["seconds_per_step"]))
    with pytest.raises(ValueError, match="validation split"):
        capacity.train_arm(_tiny(), tmp_path / "checkpoints")


def test_isolated_pixels_are_counted_removed_and_added():
    from dmlib.pixelrnn import conditional

    x = torch.zeros(2, 1, 6, 6)
    x[0, 0, 1, 1] = 1  # alone
    x[0, 0, 4, 3:5] = 1  # a pair: not isolated
    x[1, 0, 0, 0] = x[1, 0, 1, 1] = 1  # diagonal neighbours: not isolated
    assert conditional.isolated_pixels(x).tolist() == [1, 0]
    clean = conditional.despeckle(x)
    assert clean[0, 0, 1, 1] == 0
    assert clean.sum() == x.sum() - 1
    noisy = conditional.speckled(torch.zeros(3, 1, 6, 6), 4)
    assert ((noisy.sum((1, 2, 3)) >= 1) & (noisy.sum((1, 2, 3)) <= 4)).all()
    assert torch.equal(noisy, conditional.speckled(torch.zeros(3, 1, 6, 6), 4))
