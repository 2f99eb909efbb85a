"""Scores of probabilistic forecasts."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_pinball_loss as sklearn_pinball

from skseq.metrics import (
    crps_from_quantiles,
    empirical_coverage,
    mean_interval_width,
    mean_pinball_loss,
)


def test_coverage_counts_values_inside_closed_intervals():
    y = np.array([[1.0, 2.0], [5.0, 7.0]])
    lower = np.array([[1.0, 2.5], [4.0, 0.0]])
    upper = np.array([[3.0, 3.0], [5.0, 6.9]])
    assert empirical_coverage(y, lower, upper) == 0.5
    assert mean_interval_width(lower, upper) == pytest.approx((2 + 0.5 + 1 + 6.9) / 4)


def test_true_quantiles_of_iid_noise_cover_their_nominal_share():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((20_000, 3))
    half = stats.norm.ppf(0.9)
    coverage = empirical_coverage(y, np.full_like(y, -half), np.full_like(y, half))
    assert coverage == pytest.approx(0.8, abs=0.01)


def test_pinball_loss_is_sklearns_averaged_over_levels():
    rng = np.random.default_rng(1)
    y = rng.standard_normal((50, 2))
    levels = [0.1, 0.5, 0.8]
    forecasts = np.stack([y + rng.normal(size=y.shape) for _ in levels], axis=-1)
    expected = np.mean(
        [
            sklearn_pinball(y.ravel(), forecasts[..., k].ravel(), alpha=level)
            for k, level in enumerate(levels)
        ]
    )
    assert mean_pinball_loss(y, forecasts, levels) == pytest.approx(expected)


def test_crps_from_many_quantiles_matches_the_normal_closed_form():
    y = np.array([-1.5, 0.0, 0.7, 2.0])
    levels = np.linspace(0.005, 0.995, 199)
    quantiles = np.tile(stats.norm.ppf(levels), (len(y), 1))
    exact = y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / np.sqrt(np.pi)
    assert crps_from_quantiles(y, quantiles, levels) == pytest.approx(
        exact.mean(), rel=0.02
    )


@pytest.mark.parametrize(
    ("levels", "match"),
    [
        ([], "at least one level"),
        ([0.0, 0.5], "strictly between 0 and 1, got 0 in"),
        ([0.5, 1.0], "strictly between 0 and 1, got 1 in"),
        ([0.5, 1.5], "got 1.5 in"),
        ([-0.1, 0.5], "got -0.1 in"),
        ([0.9, 0.1], "sorted and distinct, got \\[0.9, 0.1\\]"),
        ([0.5, 0.5], "sorted and distinct"),
    ],
)
def test_bad_levels_name_the_argument_and_value(levels, match):
    y = np.zeros(3)
    with pytest.raises(ValueError, match=f"`quantiles`.*{match}|{match}.*"):
        mean_pinball_loss(y, np.zeros((3, len(levels))), levels)


def test_shapes_and_crossed_intervals_are_refused():
    with pytest.raises(ValueError, match=r"`y_quantiles` must have shape .*\(3, 2\)"):
        mean_pinball_loss(np.zeros(3), np.zeros((3, 3)), [0.1, 0.9])
    with pytest.raises(ValueError, match="`y_upper` must have the shape of y_true"):
        empirical_coverage(np.zeros(3), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="`y_lower` must not exceed `y_upper`"):
        mean_interval_width([1.0, 2.0], [0.0, 1.0])
