import math

import numpy as np
import pytest
import torch

from dmlib.infogan import infotheory as it

JOINT = np.array([[0.30, 0.05, 0.05], [0.02, 0.28, 0.10], [0.05, 0.05, 0.10]])


def test_entropy_of_uniform_category_is_log_k():
    assert it.entropy(np.full(10, 0.1)) == pytest.approx(math.log(10))


def test_entropy_treats_zero_log_zero_as_zero():
    assert it.entropy([1.0, 0.0]) == 0.0


def test_kl_is_zero_iff_equal_and_positive_otherwise():
    p, q = [0.2, 0.3, 0.5], [0.4, 0.4, 0.2]
    assert it.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-12)
    assert it.kl_divergence(p, q) > 0


def test_cross_entropy_is_entropy_plus_kl():
    p, q = [0.2, 0.3, 0.5], [0.4, 0.4, 0.2]
    assert it.cross_entropy(p, q) == pytest.approx(it.entropy(p) + it.kl_divergence(p, q))


def test_cross_entropy_is_infinite_off_support():
    assert it.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf


def test_mutual_information_two_ways():
    h_x = it.entropy(JOINT.sum(1))
    assert it.mutual_information(JOINT) == pytest.approx(h_x - it.conditional_entropy(JOINT))


def test_independent_variables_share_no_information():
    assert it.mutual_information(np.outer([0.3, 0.7], [0.1, 0.6, 0.3])) == pytest.approx(0, abs=1e-12)


def test_variational_bound_is_tight_at_the_true_posterior_and_lower_elsewhere():
    true_mi = it.mutual_information(JOINT)
    assert it.variational_mi_bound(JOINT, it.posterior(JOINT)) == pytest.approx(true_mi)
    uniform = np.full_like(JOINT, 1 / 3)
    assert it.variational_mi_bound(JOINT, uniform) < true_mi - 0.05


def test_lemma_5_1_sides_agree_within_one_percent():
    f = np.arange(9.0).reshape(3, 3) + 1
    lhs, rhs = it.lemma_5_1(JOINT, f, n_samples=200_000, seed=0)
    exact = float((JOINT * f).sum())
    assert lhs == pytest.approx(exact, rel=0.01)
    assert rhs == pytest.approx(exact, rel=0.01)


def test_gaussian_log_likelihood_at_the_mean():
    x = torch.zeros(4, 2)
    value = it.gaussian_log_likelihood(x, x, torch.zeros(4, 2))
    assert torch.allclose(value, torch.full((4,), -math.log(2 * math.pi)))


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: it.entropy([0.5, 0.6]), "p"),
        (lambda: it.entropy([[0.5, 0.5]]), "p"),
        (lambda: it.cross_entropy([0.5, 0.5], [1.0]), "p and q"),
        (lambda: it.mutual_information([0.5, 0.5]), "joint"),
        (lambda: it.variational_mi_bound(JOINT, np.ones((2, 2))), "q_posterior"),
        (lambda: it.lemma_5_1(JOINT, np.ones(3)), "f"),
        (lambda: it.gaussian_log_likelihood(torch.zeros(2), torch.zeros(3), torch.zeros(2)), "x, mean"),
    ],
)
def test_bad_inputs_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()
