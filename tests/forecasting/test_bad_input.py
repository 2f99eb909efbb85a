"""Bad input gets a clear error from every baseline."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skseq import make_windows
from skseq.forecasting import LinearWindowRegressor, NaiveForecaster

ESTIMATORS = [NaiveForecaster, LinearWindowRegressor]


@pytest.fixture
def windows():
    series = np.column_stack([np.sin(np.arange(80) / 3), np.cos(np.arange(80) / 5)])
    return make_windows(series, window_length=6, horizon=2, target=0)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_windows(Estimator, bad):
    X = np.ones((10, 4, 1))
    X[3, 2, 0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        Estimator().fit(X, np.ones(10))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_non_finite_targets(Estimator, windows):
    X, y = windows
    y = y.copy()
    y[0, 1] = np.nan
    with pytest.raises(ValueError, match="`y` contains NaN or infinity"):
        Estimator().fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_mismatched_lengths(Estimator, windows):
    X, y = windows
    with pytest.raises(ValueError, match=r"inconsistent lengths: \d+ windows but"):
        Estimator().fit(X, y[:-1])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_four_dimensional_input(Estimator):
    with pytest.raises(ValueError, match=r"must be 2-D .* or 3-D .*got shape"):
        Estimator().fit(np.zeros((5, 3, 2, 1)), np.zeros(5))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit(Estimator, windows):
    match = rf"This {Estimator.__name__} instance is not fitted yet"
    with pytest.raises(NotFittedError, match=match):
        Estimator().predict(windows[0])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_with_other_feature_count(Estimator, windows):
    X, y = windows
    model = Estimator().fit(X, y)
    with pytest.raises(ValueError, match="X has 1 features per step, but .* with 2"):
        model.predict(np.asarray(X)[:, :, :1])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_with_other_window_length(Estimator, windows):
    X, y = windows
    model = Estimator().fit(X, y)
    with pytest.raises(ValueError, match="X has 5 features, but .* expecting 6"):
        model.predict(np.asarray(X)[:, 1:])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_y_must_match_target_columns(Estimator):
    series = np.random.default_rng(0).normal(size=(40, 3))
    X, _ = make_windows(series, window_length=4, target=[0, 2])
    with pytest.raises(ValueError, match="3 columns, which is not a multiple of the 2"):
        Estimator().fit(X, np.zeros((len(X), 3)))
