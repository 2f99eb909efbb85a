import numpy as np
import pytest
from sklearn.linear_model import Ridge

from skseq import SequenceWindows, make_windows
from skseq.datasets import generate_time_series
from skseq.forecasting import LinearWindowRegressor


@pytest.mark.parametrize("alpha", [0.0, 0.5, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_ridge_on_flattened_windows(alpha, fit_intercept):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6, 2)) + 50.0
    y = rng.normal(size=(300, 3))
    ours = LinearWindowRegressor(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    ridge = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd")
    ridge.fit(X.reshape(300, -1), y)
    np.testing.assert_allclose(
        ours.predict(X), ridge.predict(X.reshape(300, -1)), rtol=1e-7, atol=1e-7
    )
    assert ours.coef_.shape == (3, 6, 2)


def test_streaming_in_small_batches_gives_same_solution(monkeypatch):
    X, y = make_windows(
        np.sin(np.arange(500) / 7) + 0.01 * np.arange(500), window_length=12, horizon=2
    )
    whole = LinearWindowRegressor(alpha=0.1).fit(X, y)
    monkeypatch.setattr(SequenceWindows, "rows_per_batch", lambda self: 7)
    batched = LinearWindowRegressor(alpha=0.1).fit(X, y)
    np.testing.assert_allclose(batched.coef_, whole.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(batched.intercept_, whole.intercept_, atol=1e-10)


def test_singular_windows_use_minimum_norm_solution():
    X = np.ones((50, 4, 1))
    y = np.full(50, 3.0)
    model = LinearWindowRegressor().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y)
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-12)


def test_hands_on_ml_linear_beats_seed_sgd_model():
    series = generate_time_series(10_000, 51, random_state=42)
    model = LinearWindowRegressor().fit(series[:7000, :50], series[:7000, -1, 0])
    pred = model.predict(series[7000:9000, :50])
    assert np.mean((pred - series[7000:9000, -1, 0]) ** 2) <= 0.0030


def test_one_dimensional_y_gives_one_dimensional_predictions():
    X, y = make_windows(np.arange(40.0) ** 0.5, window_length=5)
    assert LinearWindowRegressor().fit(X, y).predict(X).shape == (len(y),)


@pytest.mark.parametrize("alpha", [-1.0, "big", None])
def test_bad_alpha_raises(alpha):
    with pytest.raises(
        ValueError,
        match=r"'alpha' parameter of LinearWindowRegressor .* \[0.0, inf\)\. Got",
    ):
        LinearWindowRegressor(alpha=alpha).fit(np.zeros((5, 3)), np.zeros(5))
