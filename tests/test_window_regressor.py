"""The target layout recorded in fit is checked in predict, for every regressor."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from skseq import SequenceWindows, make_windows
from skseq.forecasting import GRUForecaster, LinearWindowRegressor, NaiveForecaster
from skseq.preprocessing import SequenceScaler

RNG = np.random.default_rng(0)
DATA = np.column_stack([RNG.normal(size=80), 100 + 10 * RNG.normal(size=80)])


@pytest.mark.parametrize(
    "model",
    [
        make_pipeline(SequenceScaler(), LinearWindowRegressor()),
        NaiveForecaster(),
        GRUForecaster(units=2, epochs=1, random_state=0),
    ],
    ids=["scaled-linear", "naive", "gru"],
)
def test_windows_of_another_target_column_are_refused(model):
    X, y = make_windows(DATA, window_length=5, target=1)
    model.fit(X, y)
    other_target, _ = make_windows(DATA, window_length=5, target=0)
    with pytest.raises(ValueError, match=r"targets are column\(s\) 0 at delay=1, .*"):
        model.predict(other_target)


def test_plain_array_after_windows_with_a_target_column_is_refused():
    X, y = make_windows(DATA, window_length=5, target=1)
    model = NaiveForecaster().fit(X, y)
    with pytest.raises(ValueError, match=r"column\(s\) unknown .* column\(s\) 1 "):
        model.predict(np.asarray(X))
    # Naming the target column makes the same array acceptable.
    windows = SequenceWindows.from_array(np.asarray(X), target_columns=1)
    np.testing.assert_array_equal(model.predict(windows), model.predict(X))


def test_windows_of_another_delay_are_refused():
    X, y = make_windows(DATA[:, 0], window_length=5, delay=3)
    model = LinearWindowRegressor().fit(X, y)
    with pytest.raises(ValueError, match=r"at delay=1, .* at delay=3"):
        model.predict(np.asarray(X))


@pytest.mark.parametrize(
    "model",
    [LinearWindowRegressor(), NaiveForecaster(strategy="drift")],
    ids=["linear", "drift"],
)
def test_non_finite_forecasts_raise(model):
    X = np.random.default_rng(0).normal(size=(20, 5))
    model.fit(X, 10 * X.sum(axis=1))
    # Values float64 holds, whose forecasts it does not.
    huge = np.full((2, 5), 1e308)
    huge[:, 0] = -1e308
    with pytest.raises(ValueError, match=r"NaN or infinite forecasts for 2 of 2"):
        model.predict(huge)
