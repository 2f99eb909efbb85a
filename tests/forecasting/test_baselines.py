"""The baselines a neural forecaster corrects, and the fall back to a ridge."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq._keras._backend import import_keras
from skseq._keras._baselines import RIDGE_ALPHAS_PER_ROW, _windows_at_steps
from skseq.forecasting import (
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
    RNNForecaster,
)
from skseq.preprocessing import SequenceScaler


def series(n_steps=300, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    return 20 + 3 * np.sin(2 * np.pi * t / 12) + 0.3 * rng.standard_normal(n_steps)


@pytest.fixture(scope="module")
def windows():
    X, y = make_windows(series(), window_length=24, horizon=3)
    return X[:224], y[:224], X[224:], y[224:]


def untrained(**params):
    """A forecaster whose one epoch barely moves it from its starting point."""
    params = dict(units=2, epochs=1, learning_rate=1e-9, random_state=0) | params
    return GRUForecaster(early_stopping=False, **params)


@pytest.mark.parametrize(
    ("baseline", "naive"),
    [
        ("last", NaiveForecaster()),
        ("seasonal_last", NaiveForecaster(strategy="seasonal_last", period=12)),
    ],
)
def test_untrained_network_forecasts_its_naive_baseline(baseline, naive, windows):
    X, y, X_test, _ = windows
    model = untrained(baseline=baseline, period=12).fit(X, y)
    assert_allclose(model.predict(X_test), naive.fit(X, y).predict(X_test), atol=1e-4)


@pytest.mark.parametrize("strategy", ["multioutput", "seq2seq"])
def test_untrained_network_forecasts_a_penalised_ridge(strategy, windows):
    X, y, X_test, _ = windows
    model = untrained(strategy=strategy).fit(X, y)
    # Standardising leaves least squares unchanged, so the ridge without a
    # penalty is the baseline's limit; the penalty (a tenth of the rows)
    # shrinks it towards the mean, and seq2seq fits it at every step, so the
    # two are close (the series swings by 6) but not equal.
    ridge = LinearWindowRegressor().fit(X, y).predict(X_test)
    forecast = model.predict(X_test)
    tolerance = 0.2 if strategy == "multioutput" else 0.5
    assert np.abs(forecast - ridge).mean() < tolerance
    assert not np.allclose(forecast, ridge, atol=1e-3)
    assert model.uses_network_
    assert model.baseline_loss_ is None
    assert model.ridge_alpha_ is None


def test_windows_at_steps_repeat_the_first_value_before_the_start():
    x = np.arange(2 * 4 * 2, dtype=float).reshape(2, 4, 2)
    flat = _windows_at_steps(x, [0, 2, 3]).reshape(2, 3, 4, 2)
    for n in range(2):
        for i, step in enumerate([0, 2, 3]):
            expected = [x[n, max(0, step - 3 + k)] for k in range(4)]
            assert_allclose(flat[n, i], expected)


class _SpoilTheCorrection:
    """Keras callback making the correction worse than nothing in every batch."""

    def __new__(cls):
        keras = import_keras()

        class Spoil(keras.callbacks.Callback):
            def __deepcopy__(self, memo):
                return Spoil()

            def on_train_batch_end(self, batch, logs=None):
                layer = self.model.get_layer("correction")
                kernel, bias = layer.weights
                bias.assign(np.full(bias.shape, 5.0, bias.dtype))

        return Spoil()


def test_a_network_worse_than_its_ridge_falls_back_to_it(windows):
    X, y, X_test, _ = windows
    model = GRUForecaster(
        units=2, epochs=2, callbacks=[_SpoilTheCorrection()], random_state=0
    ).fit(X, y)
    assert not model.uses_network_
    assert model.baseline_loss_ < min(model.history_["val_loss"])
    # The ridge on standardised windows, its penalty chosen on the held-out
    # windows, refitted on every window (those included).
    n_train = len(X) - model._n_validation(len(X))
    assert model.ridge_alpha_ / n_train in RIDGE_ALPHAS_PER_ROW
    ridge = make_pipeline(
        SequenceScaler(), LinearWindowRegressor(alpha=model.ridge_alpha_)
    )
    expected = ridge.fit(X, y).predict(X_test)
    assert_allclose(model.predict(X_test), expected, rtol=1e-4)


def test_a_network_that_helps_is_kept():
    # Two regimes chosen by the sign of the last value: a linear model
    # cannot follow them, a recurrent one can.
    rng = np.random.default_rng(0)
    values = rng.standard_normal(1200)
    X, y = make_windows(values, window_length=4, horizon=1)
    target = np.where(np.asarray(X)[:, -1, 0] > 0, 1.0, -1.0) + 0.1 * y.ravel()
    model = GRUForecaster(units=8, epochs=10, learning_rate=0.01, random_state=0)
    model.fit(X, target)
    assert model.uses_network_
    assert min(model.history_["val_loss"]) < 0.5 * model.baseline_loss_


@pytest.mark.parametrize(
    ("n_windows", "fraction", "expected"),
    [(1000, 0.1, 100), (200, 0.1, 30), (60, 0.1, 20), (4, 0.1, 1), (200, 0.5, 100)],
)
def test_validation_windows_have_a_floor_that_leaves_two_thirds(
    n_windows, fraction, expected
):
    model = GRUForecaster(validation_fraction=fraction)
    assert model._n_validation(n_windows) == expected
    assert model.set_params(early_stopping=False)._n_validation(n_windows) == 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"baseline": "ridge"}, "'baseline' parameter of GRUForecaster must be"),
        ({"baseline": "seasonal_last"}, "'period' parameter of GRUForecaster must"),
        ({"period": 0}, "'period' parameter of GRUForecaster must be"),
        (
            {"baseline": "seasonal_last", "period": 30},
            "baseline='seasonal_last' with period=30 needs the value",
        ),
    ],
)
def test_bad_baseline_settings_name_the_argument(params, match, windows):
    X, y, _, _ = windows
    with pytest.raises(ValueError, match=match):
        GRUForecaster(units=2, epochs=1, **params).fit(X, y)


def test_pickled_forecaster_keeps_its_baseline(windows):
    import pickle

    X, y, X_test, _ = windows
    model = RNNForecaster(units=2, epochs=1, strategy="seq2seq", random_state=0)
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(restored.predict(X_test), model.predict(X_test), rtol=1e-6)
    assert restored.uses_network_ == model.uses_network_


def test_validated_ridge_penalty_is_the_best_on_held_out_windows():
    from skseq._keras._baselines import validated_ridge_alpha

    X, y = make_windows(series(400, seed=1), window_length=24, horizon=2)
    model = GRUForecaster(scaling=None)
    data = model._training_data(X, y)
    n_train = 300
    chosen = validated_ridge_alpha(data, n_train)
    errors = {}
    for alpha in RIDGE_ALPHAS_PER_ROW * n_train:
        ridge = LinearWindowRegressor(alpha=alpha).fit(X[:n_train], y[:n_train])
        errors[alpha] = np.mean((ridge.predict(X[n_train:]) - y[n_train:]) ** 2)
    assert chosen == pytest.approx(min(errors, key=errors.get))


def test_naive_baseline_of_a_second_channel_behind_a_differencer():
    from skseq.preprocessing import SeasonalDifferencer

    t = np.arange(300)
    data = np.column_stack([np.cos(t / 5), series(300, seed=2)])
    X, y = make_windows(data, window_length=30, horizon=2, target=1)

    def pipeline(forecaster):
        return make_pipeline(SeasonalDifferencer(period=12), forecaster)

    model = pipeline(untrained(baseline="last")).fit(X[:250], y[:250])
    naive = pipeline(NaiveForecaster()).fit(X[:250], y[:250])
    assert_allclose(model.predict(X[250:]), naive.predict(X[250:]), atol=1e-4)


@pytest.mark.parametrize("strategy", ["multioutput", "recursive", "seq2seq"])
def test_defaults_forecast_a_constant_series_as_its_level(strategy):
    X, y = make_windows(np.full(200, 7.0), window_length=12, horizon=2)
    model = GRUForecaster(units=2, epochs=2, strategy=strategy, random_state=0)
    assert_allclose(model.fit(X, y).predict(X[-5:]), 7.0, atol=1e-3)
