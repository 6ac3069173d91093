import numpy as np
import pytest
import torch

from dmlib.infogan import exercises, infotheory


def test_reference_solutions_pass():
    assert exercises.check_categorical_entropy(infotheory.entropy)
    assert exercises.check_mutual_information(infotheory.mutual_information)
    assert exercises.check_gaussian_L_I(lambda c, m, s: infotheory.gaussian_log_likelihood(c, m, s).mean())


def test_common_mistakes_are_caught():
    with pytest.raises(AssertionError, match="entropy"):
        exercises.check_categorical_entropy(lambda p: -np.sum(p * np.log2(np.clip(p, 1e-12, 1))))
    with pytest.raises(AssertionError, match="mutual information"):
        exercises.check_mutual_information(lambda joint: infotheory.entropy(joint.sum(1)))
    with pytest.raises(AssertionError, match="Gaussian"):
        exercises.check_gaussian_L_I(lambda c, m, s: (-0.5 * ((c - m) / s.exp()) ** 2).sum(1).mean())


def test_checker_rejects_non_functions():
    with pytest.raises(ValueError, match="fn"):
        exercises.check_categorical_entropy(3)


def test_gaussian_checker_accepts_tensors_and_floats():
    assert exercises.check_gaussian_L_I(
        lambda c, m, s: float(torch.distributions.Normal(m, s.exp()).log_prob(c).sum(1).mean())
    )


def test_unattempted_exercise_returns_false_with_a_hint(capsys):
    def stub(p):
        raise NotImplementedError

    assert exercises.check_categorical_entropy(stub) is False
    assert "Not attempted" in capsys.readouterr().out


# --- every notebook's solutions (dmlib/<paper>/solutions.py) pass their checkers; plausible mistakes fail
def _solved():
    from dmlib.hallucination import exercises as hx
    from dmlib.hallucination import solutions as hs
    from dmlib.infogan import solutions as isol
    from dmlib.pixelrnn import exercises as px
    from dmlib.pixelrnn import solutions as ps
    from dmlib.yolo import exercises as yx
    from dmlib.yolo import solutions as ys

    return [
        (exercises.check_categorical_entropy, isol.entropy),
        (exercises.check_mutual_information, isol.mutual_information),
        (exercises.check_gaussian_L_I, isol.gaussian_L_I),
        (exercises.check_bound_gap, isol.bound_gap),
        (exercises.check_categorical_L_I, isol.categorical_L_I),
        (yx.check_wh_iou, ys.wh_iou),
        (yx.check_reorg, ys.reorg),
        (yx.check_decode, ys.decode),
        (yx.check_path_probability, ys.path_probability),
        (yx.check_label_path, ys.label_path),
        (yx.check_absolute_probabilities, ys.absolute_probabilities),
        (yx.check_box_iou, ys.box_iou),
        (yx.check_nms, ys.nms),
        (yx.check_joint_box, ys.joint_box),
        (yx.check_coord_gradient, ys.coord_gradient),
        (px.check_mask_b, ps.mask_b),
        (px.check_bits_per_dim, ps.bits_per_dim),
        (px.check_mask_bug, ps.bug_positions),
        (px.check_right_edge, ps.right_edge),
        (px.check_skew, ps.skew),
        (px.check_mixture_nll, ps.mixture_nll),
        (hx.check_hallucination_loss, hs.hallucination_loss),
        (hx.check_h_init, hs.h_init),
        (hx.check_fused_accuracy, hs.fused_accuracy),
        (hx.check_hallucination_gradient, hs.hallucination_gradient),
        (hx.check_linear_cka, hs.linear_cka),
        (hx.check_paired_interval, hs.paired_interval),
    ]


def test_every_solution_passes_its_checker():
    solved = _solved()
    assert len(solved) == 27
    for check, solution in solved:
        assert check(solution), check.__name__


def test_checkers_catch_plausible_mistakes():
    from dmlib.hallucination import exercises as hx
    from dmlib.pixelrnn import exercises as px
    from dmlib.pixelrnn import solutions as ps
    from dmlib.yolo import exercises as yx
    from dmlib.yolo import solutions as ys

    with pytest.raises(AssertionError, match="mask B"):
        px.check_mask_b(lambda k: np.tril(np.ones((k, k))))
    with pytest.raises(AssertionError, match="bits/dim"):
        px.check_bits_per_dim(lambda nats, dims: nats / dims)  # forgot nats → bits
    with pytest.raises(AssertionError, match="buggy positions"):
        px.check_mask_bug(lambda k: [(0, 0)])
    with pytest.raises(AssertionError, match="measured edge"):
        px.check_right_edge(lambda layers, d: ps.right_edge(layers + 1, d))  # one layer too many
    with pytest.raises(AssertionError, match="Pr\\(node\\)"):
        yx.check_path_probability(lambda conditional, parent, node: conditional[node])  # no product
    with pytest.raises(AssertionError, match="expected"):
        yx.check_label_path(lambda parent, label: [label])  # forgot the ancestors
    with pytest.raises(AssertionError, match="Pr\\(node"):
        yx.check_absolute_probabilities(lambda conditional, parent: np.asarray(conditional))  # no product
    with pytest.raises(AssertionError, match="kept"):  # suppresses at IoU ≥ threshold instead of >
        yx.check_nms(lambda b, s, t: [i for i in np.argsort(-s) if True][:1])
    with pytest.raises(AssertionError, match="expected box"):  # Pr(label) alone, objectness forgotten
        yx.check_joint_box(lambda o, c, parent, label: int(np.argmax(c[:, label])))
    with pytest.raises(AssertionError, match="expected box"):  # objectness alone, the class forgotten
        yx.check_joint_box(lambda o, c, parent, label: int(np.argmax(o)))
    with pytest.raises(AssertionError, match="expected box"):  # Pr(label | parent), not the path's product
        yx.check_joint_box(lambda o, c, parent, label: int(np.argmax(o * c[:, label])))
    with pytest.raises(AssertionError, match="autograd"):  # the sigmoid's derivative forgotten
        yx.check_coord_gradient(lambda t, target, w: w * (np.r_[1 / (1 + np.exp(-t[:2])), t[2:]] - target))
    with pytest.raises(AssertionError, match="autograd"):  # the (2 − w·h) weight forgotten
        yx.check_coord_gradient(lambda t, target, w: ys.coord_gradient(t, target, 1.0))
    with pytest.raises(AssertionError, match="autograd"):  # target − prediction: the sign of darknet's delta
        yx.check_coord_gradient(lambda t, target, w: -ys.coord_gradient(t, target, w))
    with (
        np.errstate(divide="ignore"),
        pytest.raises(AssertionError, match="underflow"),
    ):  # the direct sum: exp(−nll) underflows to 0
        px.check_mixture_nll(lambda nll: -np.log(np.exp(-nll).mean(axis=1)))
    with pytest.raises(AssertionError, match="mixture NLL"):  # forgot the prior's ln K
        px.check_mixture_nll(lambda nll: ps.mixture_nll(nll) - np.log(nll.shape[1]))
    with pytest.raises(AssertionError, match="values differ|shape"):  # shifted left instead of right
        px.check_skew(lambda x: torch.flip(ps.skew(torch.flip(x, [3])), [3]))
    with pytest.raises(AssertionError, match="CKA"):  # forgot to centre the features
        hx.check_linear_cka(lambda x, y: float((y.T @ x).norm() ** 2 / ((x.T @ x).norm() * (y.T @ y).norm())))
    with pytest.raises(AssertionError, match="low"):  # a z interval (1.96) instead of Student's t
        hx.check_paired_interval(
            lambda a, b: (
                np.mean(np.subtract(a, b)),
                np.mean(np.subtract(a, b)) - 1.96 * np.std(np.subtract(a, b), ddof=1) / len(a) ** 0.5,
                np.mean(np.subtract(a, b)) + 1.96 * np.std(np.subtract(a, b), ddof=1) / len(a) ** 0.5,
            )
        )
    with pytest.raises(AssertionError, match="∂L_hall"):
        hx.check_hallucination_gradient(lambda a_d, a_h: -2 * (a_d.sigmoid() - a_h.sigmoid()) / len(a_h))


def test_the_find_the_bug_functions_fail_their_checkers():
    from dmlib.yolo import exercises as yx

    with pytest.raises(AssertionError, match="categorical L_I"):
        exercises.check_categorical_L_I(exercises.buggy_categorical_L_I)
    with pytest.raises(AssertionError, match="IoU"):
        yx.check_box_iou(yx.buggy_box_iou)


def test_reveal_prints_a_solution_with_its_derivation(capsys):
    from dmlib.exercises import reveal
    from dmlib.infogan import solutions

    source = reveal(solutions.bound_gap)
    assert "Derivation" in source
    assert "def bound_gap" in capsys.readouterr().out
    with pytest.raises(ValueError, match="solution"):
        reveal("bound_gap")


@pytest.mark.slow
def test_the_solution_experiments_run_on_a_tiny_budget():
    from dmlib.hallucination import solutions as hs
    from dmlib.infogan import solutions as isol
    from dmlib.pixelrnn import solutions as ps
    from dmlib.training import Trained
    from dmlib.yolo import solutions as ys

    assert set(isol.lambda_experiment(steps=2)) == {"lambda = 1", "lambda = 0"}
    demo = Trained({}, {"L_I": [0.5, 0.7]}, 0.0)  # Exercise 6's λ = 1 run is reused, not retrained
    assert isol.lambda_experiment(steps=2, demo=demo)["lambda = 1"] == pytest.approx(0.6)
    with pytest.raises(ValueError, match="Exercise 6"):
        isol.lambda_experiment(steps=3, demo=demo)
    nll = ps.depth_experiment(steps=2)
    assert list(nll) == ["0 blocks", "4 blocks"]
    assert all(0 < v < 784 for v in nll.values())  # nats per 28×28 binary digit, better than chance (543)
    wh = torch.rand(200, 2) * 100 + 5
    scores = ys.distance_experiment(wh, k=3)
    assert 0 < scores["sse"] <= 100
    assert 0 < scores["iou"] <= 100
    accuracy = hs.gamma_experiment(scenes=64, epochs=(1, 1))
    assert all(0 <= v <= 1 for v in accuracy.values())
    labels = torch.tensor([0, 1, 2])
    rgb = torch.eye(3)
    assert hs.uniform_branch(rgb, labels) == {"RGB alone": 1.0, "RGB + uniform branch": 1.0}


def test_notebooks_keep_solutions_out_of_sight():
    import json

    from dmlib.course import NOTEBOOKS, ROOT

    for nb in NOTEBOOKS:
        code = ["".join(c["source"]) for c in json.loads((ROOT / nb.path).read_text())["cells"]]
        assert not [c for c in code if c.startswith("# Solution") or "def solution_" in c], nb.path
        assert any("# reveal(solutions." in c for c in code), f"{nb.path}: no reveal cell"


def test_every_checker_reports_an_unattempted_exercise(capsys):
    from dmlib.hallucination import exercises as hx
    from dmlib.pixelrnn import exercises as px
    from dmlib.yolo import exercises as yx

    def todo(*_):
        raise NotImplementedError

    checkers = [getattr(m, n) for m in (exercises, px, yx, hx) for n in m.__all__ if n.startswith("check_")]
    assert len(checkers) == 27
    assert all(check(todo) is False for check in checkers)
    assert capsys.readouterr().out.count("Not attempted") == 27
