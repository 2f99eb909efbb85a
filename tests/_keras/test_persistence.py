"""Pickling, joblib and grid search with the Keras forecasters."""

import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq._keras import import_keras
from skseq.forecasting import ConvGRUForecaster, GRUForecaster, RNNForecaster
from skseq.preprocessing import SequenceScaler


@pytest.fixture(scope="module")
def windows():
    """Windows of a series around 50 with amplitude 5 (so scaling matters)."""
    t = np.arange(270)
    series = 50 + 5 * np.sin(2 * np.pi * t / 20)
    series += 0.2 * np.random.default_rng(0).standard_normal(len(t))
    X, y = make_windows(series, window_length=12, horizon=3)
    return X[:192], y[:192], X[192:256], y[192:256]


@pytest.fixture(scope="module")
def pipeline(windows):
    X, y, _, _ = windows
    model = RNNForecaster(
        units=(4,), layer_norm=True, strategy="seq2seq", epochs=2, random_state=0
    )
    return make_pipeline(SequenceScaler(), model).fit(X, y)


def test_pickle_round_trip_predicts_identically(windows):
    X, y, X_test, _ = windows
    model = ConvGRUForecaster(filters=4, units=(4,), epochs=1, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X_test), model.predict(X_test))
    assert restored.history_ == model.history_
    assert restored.get_params() == model.get_params()


def test_joblib_pipeline_round_trip_and_warm_start(tmp_path, windows, pipeline):
    X, y, X_test, _ = windows
    path = tmp_path / "pipeline.joblib"
    joblib.dump(pipeline, path)
    restored = joblib.load(path)
    assert_array_equal(restored.predict(X_test), pipeline.predict(X_test))
    # The optimizer state comes back too, so training can continue.
    original, copy = pipeline[-1].model_.optimizer, restored[-1].model_.optimizer
    assert len(copy.variables) == len(original.variables)
    for theirs, ours in zip(original.variables, copy.variables):
        assert_array_equal(np.asarray(ours.value), np.asarray(theirs.value))
    restored.set_params(rnnforecaster__warm_start=True).fit(X, y)
    assert restored[-1].n_iter_ == 4
    assert int(copy.iterations.value) == 2 * int(original.iterations.value)


def test_pickle_of_unfitted_estimator_is_small():
    assert len(pickle.dumps(GRUForecaster())) < 2000


def test_fresh_process_predicts_identically(tmp_path, windows):
    X, y, X_test, _ = windows
    model = make_pipeline(
        SequenceScaler(),
        RNNForecaster(units=(4,), layer_norm=True, epochs=1, random_state=0),
    ).fit(X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", np.asarray(X_test))
    script = textwrap.dedent(f"""
        import sys, joblib, numpy as np
        assert "keras" not in sys.modules
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        np.save({str(tmp_path / "pred.npy")!r}, model.predict(X))
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    assert_array_equal(np.load(tmp_path / "pred.npy"), model.predict(X_test))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_with_window_transformer_predicts_original_units(n_jobs, windows):
    X, y, X_test, y_test = windows
    search = GridSearchCV(
        make_pipeline(
            SequenceScaler(),
            GRUForecaster(epochs=3, learning_rate=0.01, random_state=0),
        ),
        {"gruforecaster__units": [(2,), (4,)]},
        cv=TimeSeriesSplit(n_splits=2, test_size=64),
        scoring="neg_mean_absolute_error",
        n_jobs=n_jobs,
    ).fit(X, y)
    y_pred = search.predict(X_test)
    assert y_pred.shape == y_test.shape
    # Standardised units would centre on 0; original units centre on 50.
    assert abs(y_pred.mean() - 50) < 2
    assert np.abs(y_pred - y_test).mean() < np.abs(y_test - 50).mean()


class ScaledGRUForecaster(GRUForecaster):
    """A GRU forecaster whose network starts with an unregistered custom layer."""

    def _network_body(self, keras, inputs, return_sequences):
        from custom_layers import Scale

        return super()._network_body(keras, Scale(0.5)(inputs), return_sequences)


def test_custom_layer_round_trips_without_registration(windows):
    X, y, X_test, _ = windows
    model = ScaledGRUForecaster(units=(4,), epochs=1, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert type(restored.model_.layers[1]).__module__ == "custom_layers"
    assert_array_equal(restored.predict(X_test), model.predict(X_test))


def test_custom_layer_defined_in_a_function_is_refused_when_pickling(windows):
    X, y, _, _ = windows
    keras = import_keras()

    class Local(keras.layers.Layer):
        def call(self, inputs):
            return 2 * inputs

    class LocalGRUForecaster(GRUForecaster):
        def _network_body(self, keras, inputs, return_sequences):
            return super()._network_body(keras, Local()(inputs), return_sequences)

    model = LocalGRUForecaster(units=(2,), epochs=1, random_state=0).fit(X, y)
    with pytest.raises(pickle.PicklingError, match=r"'.*<locals>\.Local', defined"):
        pickle.dumps(model)
