"""The forecaster of docs/extending.rst works as a full skseq estimator."""

import importlib.util
import pathlib
import pickle
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skseq import make_windows
from skseq.forecasting import NaiveForecaster
from skseq.preprocessing import SequenceScaler

EXAMPLE = pathlib.Path(__file__).parents[1] / "docs" / "examples" / "lstm_forecaster.py"


def _load_example():
    # Registered under its module name, so that pickle finds the class.
    spec = importlib.util.spec_from_file_location("lstm_forecaster", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lstm_forecaster"] = module
    spec.loader.exec_module(module)
    return module.LSTMForecaster


LSTMForecaster = _load_example()


def test_example_is_template_sized():
    code = [
        line
        for line in EXAMPLE.read_text().splitlines()
        if line.strip() and not line.strip().startswith(("#", '"""'))
    ]
    assert len(code) <= 35


@pytest.fixture(scope="module")
def sine():
    t = np.arange(600)
    series = 20 + 5 * np.sin(2 * np.pi * t / 25)
    series += 0.3 * np.random.default_rng(0).normal(size=len(t))
    X, y = make_windows(series, window_length=30, horizon=2)
    return X[:450], y[:450], X[450:], y[450:]


def test_example_learns_and_beats_the_naive_forecast(sine):
    X, y, X_test, y_test = sine
    model = LSTMForecaster(units=16, epochs=8, early_stopping=False, random_state=0)
    pipeline = SequenceScaler().fit(X)
    model.fit(pipeline.transform(X), y)
    mse = np.mean((model.predict(pipeline.transform(X_test)) - y_test) ** 2)
    naive = NaiveForecaster().fit(X, y).predict(X_test)
    assert mse < 0.5 * np.mean((naive - y_test) ** 2)
    assert model.n_iter_ == 8
    # The example's LSTM body, corrected by a Dense layer over the baseline.
    names = sorted(type(layer).__name__ for layer in model.model_.layers[1:])
    assert names == ["Add", "Dense", "LSTM", "WindowBaseline"]


@pytest.mark.parametrize("strategy", ["multioutput", "recursive", "seq2seq"])
def test_example_supports_every_strategy_and_pickles(strategy, sine):
    X, y, X_test, _ = sine
    model = LSTMForecaster(units=(4, 4), epochs=1, strategy=strategy, random_state=0)
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X_test), model.predict(X_test))
    assert clone(model).get_params() == model.get_params()


def test_example_validates_its_parameters():
    check_param_validation("LSTMForecaster", LSTMForecaster())
    with pytest.raises(ValueError, match=r"'dropout' parameter .* Got 1\.5 instead"):
        LSTMForecaster(dropout=1.5).fit(np.zeros((4, 3)), np.zeros(4))


@parametrize_with_checks([LSTMForecaster(units=4, epochs=2, random_state=0)])
def test_example_passes_scikit_learn_checks(estimator, check):
    check(estimator)
