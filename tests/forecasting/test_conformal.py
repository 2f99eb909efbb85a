"""Split-conformal quantiles and intervals around any forecaster."""

import math
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import (
    ConformalForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.metrics import empirical_coverage
from skseq.preprocessing import SeasonalDifferencer


def seasonal_series(n_steps=500, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    return 50 + 0.05 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.standard_normal(n_steps)


@pytest.fixture(scope="module")
def windows():
    X, y = make_windows(seasonal_series(), window_length=36, horizon=3)
    return X[:400], y[:400], X[400:], y[400:]


def test_coverage_of_iid_noise_is_nominal_and_at_most_one_rank_above():
    # Exchangeable errors (i.i.d. noise, a model fitted on other windows):
    # split conformal's coverage is between c and c + 1 / (n + 1).
    n_calibration, coverage, covered = 49, 0.8, []
    for seed in range(300):
        noise = np.random.default_rng(seed).standard_normal(80)
        X, y = make_windows(noise, window_length=5, horizon=1)
        model = ConformalForecaster(
            LinearWindowRegressor(alpha=1.0),
            calibration_fraction=n_calibration / 70,
            refit=False,
        ).fit(X[:70], y[:70])
        assert model.n_calibration_ == n_calibration
        lower, upper = np.moveaxis(model.predict(X[70:], coverage=coverage), -1, 0)
        covered.append(empirical_coverage(y[70:], lower, upper))
    assert coverage - 0.015 <= np.mean(covered) <= coverage + 1 / 50 + 0.015


def test_quantiles_are_monotone_and_bracket_the_forecast(windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(LinearWindowRegressor()).fit(X, y)
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    quantiles = model.predict(X_test, quantiles=levels)
    assert quantiles.shape == (len(X_test), 3, len(levels))
    assert np.all(np.diff(quantiles, axis=-1) >= 0)
    point = model.predict(X_test)
    assert np.all(quantiles[..., 0] <= point)
    assert np.all(point <= quantiles[..., -1])


def test_intervals_are_the_central_quantiles_in_the_order_given(windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(LinearWindowRegressor()).fit(X, y)
    both = model.predict(X_test, coverage=[0.9, 0.5])
    assert both.shape == (len(X_test), 3, 2, 2)
    assert_allclose(both[..., 0, :], model.predict(X_test, coverage=0.9))
    assert_allclose(
        model.predict(X_test, coverage=0.5),
        model.predict(X_test, quantiles=[0.25, 0.75]),
    )


def test_a_coverage_gives_exactly_its_quantiles_at_whole_ranks(windows):
    # 39 calibration windows: (n + 1) * 0.1 is 4, and (1 - 0.8) / 2 is a
    # hair below 0.1 in floating point; both must pick the 4th error.
    X, y, X_test, _ = windows
    model = ConformalForecaster(NaiveForecaster(), calibration_fraction=39 / 400)
    model.fit(X, y)
    assert model.n_calibration_ == 39
    assert_allclose(
        model.predict(X_test, coverage=0.8),
        model.predict(X_test, quantiles=[0.1, 0.9]),
    )


def test_the_kth_error_is_used_with_the_finite_sample_correction(windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(NaiveForecaster(), refit=False).fit(X, y)
    n = model.n_calibration_
    errors = np.sort(y[-n:] - NaiveForecaster().fit(X, y).predict(X[-n:]), axis=0)
    upper = model.predict(X_test, quantiles=[0.9])[..., 0]
    expected = model.predict(X_test) + errors[math.ceil((n + 1) * 0.9) - 1]
    assert_allclose(upper, expected)


def test_scaled_errors_are_divided_by_each_windows_mean_change(windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(NaiveForecaster(), method="scaled", refit=False)
    model.fit(X, y)
    n = model.n_calibration_
    raw = np.asarray(X)[:, :, 0]
    scale = np.abs(np.diff(raw, axis=1)).mean(axis=1)
    errors = (y[-n:] - raw[-n:, -1:]) / scale[-n:, np.newaxis]
    errors = np.sort(errors, axis=0)
    test_scale = np.abs(np.diff(np.asarray(X_test)[:, :, 0], axis=1)).mean(axis=1)
    upper = model.predict(X_test, quantiles=[0.9])[..., 0]
    expected = model.predict(X_test) + np.outer(
        test_scale, errors[math.ceil((n + 1) * 0.9) - 1]
    )
    assert_allclose(upper, expected)


def test_scaled_intervals_follow_a_growing_amplitude():
    # Noise and season grow with the level (a multiplicative series): the
    # errors of the newest windows are the largest, and intervals scaled by
    # each window's changes keep up where residual ones fall behind.
    t = np.arange(1200)
    level = np.exp(t / 400)
    noise = np.random.default_rng(0).standard_normal(len(t))
    series = level * (10 + 3 * np.sin(2 * np.pi * t / 12) + noise)
    X, y = make_windows(series, window_length=24)
    coverage = {}
    for method in ("residual", "scaled"):
        model = ConformalForecaster(
            NaiveForecaster(strategy="seasonal_last", period=12), method=method
        ).fit(X[:800], y[:800])
        lower, upper = np.moveaxis(model.predict(X[800:], coverage=0.8), -1, 0)
        coverage[method] = empirical_coverage(y[800:], lower, upper)
    assert abs(coverage["scaled"] - 0.8) < 0.05
    assert coverage["residual"] < 0.7


def test_pipeline_interval_is_the_hand_made_one_in_original_units(windows):
    X, y, X_test, _ = windows
    pipeline = make_pipeline(
        SeasonalDifferencer(period=12),
        ConformalForecaster(LinearWindowRegressor(), refit=False),
    ).fit(X, y)
    interval = pipeline.predict(X_test, coverage=0.8)  # forwarded to the last step
    # By hand: fit on the older 90 %, errors of the newest 10 % in °units.
    n_fit = len(X) - round(0.1 * len(X))
    by_hand = make_pipeline(SeasonalDifferencer(period=12), LinearWindowRegressor())
    by_hand.fit(X[:n_fit], y[:n_fit])
    errors = np.sort(y[n_fit:] - by_hand.predict(X[n_fit:]), axis=0)
    n = len(errors)
    low, high = (
        errors[math.floor((n + 1) * 0.1) - 1],
        errors[math.ceil((n + 1) * 0.9) - 1],
    )
    point = by_hand.predict(X_test)
    assert_allclose(interval[..., 0], point + low)
    assert_allclose(interval[..., 1], point + high)


def test_pickling_and_cloning_keep_or_drop_the_calibration(windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(LinearWindowRegressor()).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(
        restored.predict(X_test, coverage=0.9), model.predict(X_test, coverage=0.9)
    )
    assert not hasattr(clone(model), "calibration_errors_")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"quantiles": []}, "`quantiles` must hold at least one level"),
        (
            {"quantiles": [0.0, 0.5]},
            "`quantiles` must be strictly between 0 and 1, got 0",
        ),
        ({"quantiles": [1.0]}, "got 1 in"),
        ({"quantiles": [1.2]}, "got 1.2 in"),
        ({"quantiles": [-0.5]}, "got -0.5 in"),
        ({"quantiles": [0.9, 0.1]}, "`quantiles` must be sorted and distinct"),
        ({"quantiles": [0.5, 0.5]}, "sorted and distinct"),
        ({"coverage": 1.0}, "`coverage` must be strictly between 0 and 1"),
        ({"coverage": [0.8, 0.8]}, r"`coverage` must be distinct, got \[0.8, 0.8\]"),
        ({"quantiles": [0.5], "coverage": 0.8}, "not both"),
        ({"quantiles": [0.001]}, "The level 0.001 needs at least 999 calibration"),
    ],
)
def test_bad_levels_name_the_argument_and_value(kwargs, match, windows):
    X, y, X_test, _ = windows
    model = ConformalForecaster(NaiveForecaster()).fit(X, y)
    with pytest.raises(ValueError, match=match):
        model.predict(X_test, **kwargs)


def test_too_few_windows_to_calibrate_say_so():
    X, y = make_windows(np.arange(12.0), window_length=4, horizon=1)
    with pytest.raises(ValueError, match="leaves 0 for calibration"):
        ConformalForecaster(NaiveForecaster(), calibration_fraction=0.01).fit(X, y)
    with pytest.raises(ValueError, match="'calibration_fraction' parameter"):
        ConformalForecaster(NaiveForecaster(), calibration_fraction=1.0).fit(X, y)


def test_grid_search_scores_quantiles_and_intervals(windows):
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from skseq.metrics import (
        make_coverage_scorer,
        make_pinball_scorer,
        make_width_scorer,
        mean_pinball_loss,
    )

    X, y, X_test, y_test = windows
    search = GridSearchCV(
        ConformalForecaster(LinearWindowRegressor()),
        {"calibration_fraction": [0.2, 0.4]},
        scoring={
            "pinball": make_pinball_scorer([0.1, 0.5, 0.9]),
            "coverage": make_coverage_scorer(0.8),
            "width": make_width_scorer(0.8),
        },
        refit="pinball",
        cv=TimeSeriesSplit(2),
    ).fit(X, y)
    best = search.best_estimator_
    levels = [0.1, 0.5, 0.9]
    loss = mean_pinball_loss(y_test, best.predict(X_test, quantiles=levels), levels)
    assert make_pinball_scorer(levels)(best, X_test, y_test) == pytest.approx(-loss)
    assert np.all(search.cv_results_["mean_test_width"] < 0)
    assert np.all(search.cv_results_["mean_test_coverage"] <= 0)
    assert pickle.loads(pickle.dumps(make_pinball_scorer(levels)))(
        best, X_test, y_test
    ) == pytest.approx(-loss)


def test_cv_calibrates_on_every_time_ordered_test_fold(windows):
    from sklearn.model_selection import TimeSeriesSplit

    X, y, X_test, _ = windows
    model = ConformalForecaster(LinearWindowRegressor(), cv=4).fit(X, y)
    by_hand = []
    for train, test in TimeSeriesSplit(4).split(np.zeros(len(X))):
        fitted = LinearWindowRegressor().fit(X[train], y[train])
        by_hand.append(y[test] - fitted.predict(X[test]))
    assert_allclose(model.calibration_errors_, np.sort(np.concatenate(by_hand), axis=0))
    assert model.n_calibration_ == 4 * (len(X) // 5)
    # The forecasts are those of the forecaster refitted on every window.
    assert_allclose(
        model.predict(X_test), LinearWindowRegressor().fit(X, y).predict(X_test)
    )
    with pytest.raises(ValueError, match="'refit' parameter of ConformalForecaster"):
        ConformalForecaster(LinearWindowRegressor(), cv=4, refit=False).fit(X, y)
