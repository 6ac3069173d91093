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


# --- PixelRNN and YOLO9000 checkers: a right answer passes, a plausible wrong one is caught ----
def test_pixelrnn_checkers_accept_solutions_and_reject_mistakes():
    from dmlib.pixelrnn import exercises as px

    def mask_b(k):
        mask = np.zeros((k, k))
        mask[: k // 2] = 1
        mask[k // 2, : k // 2 + 1] = 1
        return mask

    assert px.check_mask_b(mask_b)
    with pytest.raises(AssertionError, match="mask B"):
        px.check_mask_b(lambda k: np.tril(np.ones((k, k))))
    assert px.check_bits_per_dim(lambda nats, dims: nats / dims / np.log(2))
    with pytest.raises(AssertionError, match="bits/dim"):
        px.check_bits_per_dim(lambda nats, dims: nats / dims)  # forgot nats → bits
    assert px.check_mask_bug(lambda k: [(k // 2, k // 2)])
    with pytest.raises(AssertionError, match="buggy positions"):
        px.check_mask_bug(lambda k: [(0, 0)])


def test_wordtree_checkers_accept_solutions_and_reject_mistakes():
    from dmlib.yolo import exercises as yx

    def path_probability(conditional, parent, node):
        product = 1.0
        while node >= 0:
            product *= conditional[node]
            node = parent[node]
        return product

    def label_path(parent, label):
        nodes = []
        while label >= 0:
            nodes.append(label)
            label = parent[label]
        return nodes

    assert yx.check_path_probability(path_probability)
    with pytest.raises(AssertionError, match="Pr\\(node\\)"):
        yx.check_path_probability(lambda conditional, parent, node: conditional[node])  # no product
    assert yx.check_label_path(label_path)
    with pytest.raises(AssertionError, match="expected"):
        yx.check_label_path(lambda parent, label: [label])  # forgot the ancestors


def test_every_checker_reports_an_unattempted_exercise(capsys):
    from dmlib.hallucination import exercises as hx
    from dmlib.pixelrnn import exercises as px
    from dmlib.yolo import exercises as yx

    def todo(*_):
        raise NotImplementedError

    checkers = [getattr(m, n) for m in (exercises, px, yx, hx) for n in m.__all__ if n.startswith("check_")]
    assert len(checkers) == 14
    assert all(check(todo) is False for check in checkers)
    assert capsys.readouterr().out.count("Not attempted") == 14
