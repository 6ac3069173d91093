import math

import numpy as np
import pytest

from dmlib.stats import PowerLaw, fit_power_law, mean_sd, paired_interval


def test_mean_sd_uses_the_sample_standard_deviation():
    mean, sd = mean_sd([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5
    assert sd == pytest.approx(math.sqrt(5 / 3))  # ddof = 1: Σ(x − x̄)² = 5 over n − 1 = 3


def test_paired_interval_by_hand():
    # differences 1, 2, 3, 4, 5: mean 3, s = √2.5, t(0.975, 4) = 2.7764451
    a = [11.0, 12.0, 13.0, 14.0, 15.0]
    b = [10.0, 10.0, 10.0, 10.0, 10.0]
    paired = paired_interval(a, b)
    half = 2.7764451 * math.sqrt(2.5) / math.sqrt(5)
    assert paired.differences == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert paired.mean == pytest.approx(3.0)
    assert paired.low == pytest.approx(3 - half)
    assert paired.high == pytest.approx(3 + half)
    assert paired.above_zero
    assert str(paired) == f"+3.000 [{3 - half:+.3f}, {3 + half:+.3f}]"


def test_pairing_removes_what_the_seed_does_to_both_arms():
    # B trails A by exactly 0.01 on every seed while the seeds themselves vary by 0.2:
    # unpaired spreads overlap, the paired interval is a point above zero.
    b = [0.5, 0.7, 0.6, 0.4, 0.65]
    a = [x + 0.01 for x in b]
    paired = paired_interval(a, b)
    assert paired.low == pytest.approx(0.01)
    assert paired.high == pytest.approx(0.01)
    assert not paired_interval(b, a).above_zero


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([1.0], [0.0], "two values"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], "pair up"),
        ([1.0, math.nan], [0.0, 0.0], "finite"),
    ],
)
def test_bad_inputs_name_the_problem(a, b, match):
    with pytest.raises(ValueError, match=match):
        paired_interval(a, b)


def test_power_law_fit_recovers_a_known_curve_and_the_steps_to_a_target():
    steps = np.arange(1, 23) * 2000.0
    truth = PowerLaw(asymptote=85.0, scale=300.0, exponent=0.5)
    fitted = fit_power_law(steps, truth(steps))
    assert fitted.asymptote == pytest.approx(85.0, abs=1e-3)
    assert fitted.scale == pytest.approx(300.0, rel=1e-3)
    assert fitted.exponent == pytest.approx(0.5, rel=1e-3)
    assert truth(truth.steps_to(86.0)) == pytest.approx(86.0)  # (300 / 1)^2 = 90,000 steps
    assert truth.steps_to(86.0) == pytest.approx(90_000)
    assert truth.steps_to(84.0) == math.inf  # below the asymptote: never
    with pytest.raises(ValueError, match="not falling"):
        fit_power_law(steps, -truth(steps))
    with pytest.raises(ValueError, match="≥ 4 points"):
        fit_power_law(steps[:3], truth(steps[:3]))


def test_a_verdict_needs_the_whole_interval_on_one_side_of_zero():
    from dmlib.stats import paired_interval

    assert paired_interval([0.5, 0.6, 0.55], [0.4, 0.45, 0.42]).verdict().startswith("A higher")
    assert paired_interval([0.4, 0.45, 0.42], [0.5, 0.6, 0.55]).verdict().startswith("A lower")
    assert paired_interval([0.5, 0.4, 0.55], [0.45, 0.46, 0.5]).verdict() == "not separated with 3 seeds"


def test_proportion_difference_matches_the_normal_approximation_by_hand():
    from dmlib.stats import proportion_difference

    d = proportion_difference(0.636, 500, 0.586, 500)
    half = 1.959964 * (0.636 * 0.364 / 500 + 0.586 * 0.414 / 500) ** 0.5  # ≈ 0.0604
    assert abs(d.mean - 0.05) < 1e-12
    assert abs(d.low - (0.05 - half)) < 1e-5
    assert abs(d.high - (0.05 + half)) < 1e-5
    assert d.verdict() == "not separated with 500 and 500 samples"
    assert proportion_difference(0.9, 500, 0.6, 500).verdict() == "A higher"
    assert proportion_difference(0.2, 400, 0.6, 500).verdict() == "A lower"
    with pytest.raises(ValueError, match="proportion"):
        proportion_difference(1.2, 500, 0.5, 500)
