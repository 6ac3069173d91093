import numpy as np
import pytest
import torch

from dmlib import exercises, infotheory


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
