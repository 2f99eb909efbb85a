import numpy as np
import pytest

from skseq import make_windows
from skseq.datasets import generate_time_series
from skseq.forecasting import NaiveForecaster


def _line_windows(horizon=3):
    return make_windows(2.0 * np.arange(30.0) + 1, window_length=6, horizon=horizon)


def test_last_repeats_the_last_value():
    X, y = _line_windows()
    pred = NaiveForecaster().fit(X, y).predict(X)
    np.testing.assert_array_equal(pred, np.repeat(y[:, :1] - 2.0, 3, axis=1))


def test_mean_predicts_window_mean():
    X, y = _line_windows()
    pred = NaiveForecaster(strategy="mean").fit(X, y).predict(X)
    expected = np.asarray(X)[:, :, 0].mean(axis=1)
    np.testing.assert_allclose(pred, np.repeat(expected[:, None], 3, axis=1))


@pytest.mark.parametrize("sampling_rate", [1, 2])
@pytest.mark.parametrize("delay", [1, 3])
def test_drift_is_exact_on_a_line(sampling_rate, delay):
    X, y = make_windows(
        2.0 * np.arange(40.0) + 1,
        window_length=5,
        horizon=3,
        delay=delay,
        sampling_rate=sampling_rate,
    )
    pred = NaiveForecaster(strategy="drift").fit(X, y).predict(X)
    np.testing.assert_allclose(pred, y)


@pytest.mark.parametrize("horizon", [1, 4, 9])
def test_seasonal_last_is_exact_on_a_seasonal_series(horizon):
    season = np.array([3.0, -1.0, 4.0, 1.0])
    X, y = make_windows(np.tile(season, 20), window_length=8, horizon=horizon)
    model = NaiveForecaster(strategy="seasonal_last", period=4).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), y)


def test_hands_on_ml_naive_mse():
    series = generate_time_series(10_000, 51, random_state=42)
    X_valid, y_valid = series[7000:9000, :50], series[7000:9000, -1, 0]
    model = NaiveForecaster().fit(series[:7000, :50], series[:7000, -1, 0])
    mse = np.mean((model.predict(X_valid) - y_valid) ** 2)
    assert mse == pytest.approx(0.020211, abs=1e-6)


def test_predicts_target_column_of_multivariate_windows():
    series = np.column_stack([np.arange(20.0), -np.arange(20.0)])
    X, y = make_windows(series, window_length=3, target=1)
    np.testing.assert_array_equal(NaiveForecaster().fit(X, y).predict(X), y + 1)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (
            {"strategy": "median"},
            r"'strategy' parameter of NaiveForecaster .* among .*Got 'median'",
        ),
        (
            {"strategy": "seasonal_last"},
            r"'period' .* int >= 1 with strategy='seasonal_last'\. Got None",
        ),
        (
            {"strategy": "seasonal_last", "period": 0},
            r"'period' parameter .* None or an int in the range \[1, inf\)\. Got 0",
        ),
        ({"strategy": "seasonal_last", "period": 9}, r"period=9 needs the value"),
    ],
)
def test_bad_parameters_raise(params, match):
    X, y = make_windows(np.arange(20.0), window_length=6)
    with pytest.raises(ValueError, match=match):
        NaiveForecaster(**params).fit(X, y)


def test_drift_needs_two_steps():
    X, y = make_windows(np.arange(20.0), window_length=1)
    with pytest.raises(ValueError, match="at least 2 steps, got window_length=1"):
        NaiveForecaster(strategy="drift").fit(X, y)


def test_multivariate_plain_array_needs_a_target_column():
    with pytest.raises(ValueError, match="needs to know which feature is the target"):
        NaiveForecaster().fit(np.zeros((5, 4, 2)), np.zeros(5))
