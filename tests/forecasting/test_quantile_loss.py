"""Neural forecasters trained on the pinball loss, and their conformalisation."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import ndtri
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq._keras._backend import import_keras
from skseq._keras._forecaster import DEFAULT_QUANTILES
from skseq.forecasting import (
    ConformalForecaster,
    GRUForecaster,
    LinearWindowRegressor,
)
from skseq.metrics import empirical_coverage
from skseq.preprocessing import SequenceScaler

LEVELS = [0.1, 0.5, 0.9]


def regime_series(n_steps=1600, seed=0):
    """Noise whose scale is set by the sign of the previous value: 1.5 after
    a positive value, 0.2 after a negative one."""
    rng = np.random.default_rng(seed)
    values = np.zeros(n_steps)
    for t in range(1, n_steps):
        scale = 1.5 if values[t - 1] > 0 else 0.2
        values[t] = 0.3 * values[t - 1] + scale * rng.standard_normal()
    return values


@pytest.fixture(scope="module")
def windows():
    X, y = make_windows(regime_series(), window_length=6, horizon=1)
    return X[:1200], y[:1200], X[1200:], y[1200:]


@pytest.fixture(scope="module")
def fitted(windows):
    X, y, _, _ = windows
    model = GRUForecaster(
        units=8,
        loss="pinball",
        quantiles=[0.1, 0.9],
        epochs=8,
        learning_rate=0.01,
        random_state=0,
    )
    return model.fit(X, y)


def test_quantiles_never_cross_and_the_point_forecast_is_the_median(fitted, windows):
    _, _, X_test, _ = windows
    assert_allclose(fitted.quantile_levels_, LEVELS)
    quantiles = fitted.predict(X_test, quantiles=LEVELS)
    assert quantiles.shape == (len(X_test), 3)
    assert np.all(np.diff(quantiles, axis=-1) >= 0)
    assert_allclose(fitted.predict(X_test), quantiles[:, 1])
    interval = fitted.predict(X_test, coverage=0.8)
    assert_allclose(interval, quantiles[:, [0, 2]])


def test_learned_widths_follow_the_noise(fitted, windows):
    # After a positive value the noise is 7.5 times larger: a network of the
    # pinball loss forecasts wider intervals there, a residual interval
    # cannot.
    _, _, X_test, _ = windows
    lower, upper = np.moveaxis(fitted.predict(X_test, coverage=0.8), -1, 0)
    width = upper - lower
    noisy = np.asarray(X_test)[:, -1, 0] > 0
    assert fitted.uses_network_
    assert width[noisy].mean() > 3 * width[~noisy].mean()


def test_quantiles_are_calibrated_on_the_validation_windows(fitted, windows):
    # Each level is shifted so that, on the held-out validation windows, at
    # least that level's share of y lies below it (the conformal rank).
    X, y, _, _ = windows
    n_validation = fitted._n_validation(len(X))
    quantiles = fitted.predict(X[-n_validation:], quantiles=[0.1, 0.9])
    below = (y[-n_validation:, np.newaxis] <= quantiles).mean(axis=0)
    n = n_validation
    assert below[1] >= np.ceil((n + 1) * 0.9) / n - 1e-9
    assert below[0] <= np.floor((n + 1) * 0.1) / n + 1e-9
    assert fitted.quantile_shifts_.shape == (1, 3)
    assert fitted.quantile_shifts_[0, 1] == 0


def test_levels_between_learned_ones_are_interpolated(fitted, windows):
    _, _, X_test, _ = windows
    learned = fitted.predict(X_test, quantiles=LEVELS)
    between = fitted.predict(X_test, quantiles=[0.3, 0.7])
    assert_allclose(between[:, 0], 0.5 * (learned[:, 0] + learned[:, 1]))
    assert_allclose(between[:, 1], 0.5 * (learned[:, 1] + learned[:, 2]))
    with pytest.raises(
        ValueError, match=r"cannot give the level 0\.05.*\[0\.1, 0\.9\]"
    ):
        fitted.predict(X_test, quantiles=[0.05, 0.5])
    with pytest.raises(ValueError, match="cannot give the level 0.025"):
        fitted.predict(X_test, coverage=0.95)


def test_conformalised_quantiles_cover_nominally(windows):
    X, y, X_test, y_test = windows
    network = GRUForecaster(
        units=8, loss="pinball", epochs=8, learning_rate=0.01, random_state=0
    )
    model = ConformalForecaster(network, method="quantile", refit=False).fit(X, y)
    assert_allclose(model.quantile_levels_, DEFAULT_QUANTILES)
    assert model.calibration_quantiles_.shape == (120, 1, 7)
    lower, upper = np.moveaxis(model.predict(X_test, coverage=0.8), -1, 0)
    assert abs(empirical_coverage(y_test, lower, upper) - 0.8) < 0.06
    # The shift of each level is the one-sided conformal quantile of y minus
    # the calibrated network's quantile of that level.
    own = model.estimator_.predict(X_test, quantiles=[0.1, 0.9])
    errors = model.calibration_targets_ - model.calibration_quantiles_[:, 0, [1, 5]]
    errors = np.sort(errors, axis=0)
    n = len(errors)
    shifts = [
        errors[int(np.floor((n + 1) * 0.1)) - 1, 0],
        errors[int(np.ceil((n + 1) * 0.9)) - 1, 1],
    ]
    expected = np.sort(own + shifts, axis=-1)
    assert_allclose(model.predict(X_test, quantiles=[0.1, 0.9]), expected)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(
        restored.predict(X_test, coverage=0.8),
        model.predict(X_test, coverage=0.8),
        rtol=1e-6,
    )


def test_a_fallback_forecasts_the_ridge_with_gaussian_quantiles(windows):
    X, y, X_test, _ = windows

    keras = import_keras()

    class SpoilTheCorrection(keras.callbacks.Callback):
        def __deepcopy__(self, memo):
            return SpoilTheCorrection()

        def on_train_batch_end(self, batch, logs=None):
            bias = self.model.get_layer("correction").weights[1]
            bias.assign(np.full(bias.shape, 5.0, bias.dtype))

    model = GRUForecaster(
        units=2,
        epochs=2,
        loss="pinball",
        quantiles=[0.1, 0.9],
        callbacks=[SpoilTheCorrection()],
        random_state=0,
    ).fit(X, y)
    assert not model.uses_network_
    ridge = make_pipeline(
        SequenceScaler(), LinearWindowRegressor(alpha=model.ridge_alpha_)
    ).fit(X, y)
    # The median is the ridge refitted on every window; the gaps are the
    # Gaussian ones of the ridge's errors on the training windows alone,
    # as are the shifts (measured on the validation windows, new to it).
    n_train = len(X) - model._n_validation(len(X))
    scaled = model.scaler_.transform(X)
    early = LinearWindowRegressor(alpha=model.ridge_alpha_)
    early.fit(scaled[:n_train], y[:n_train])
    scale = np.sqrt(np.mean((y[:n_train] - early.predict(scaled[:n_train])) ** 2))
    gaussian = ridge.predict(X_test)[:, None] + scale * ndtri([0.1, 0.5, 0.9])
    shifts = model.quantile_shifts_[0] * model.scaler_.scale_[0]
    assert shifts[1] == 0
    expected = np.sort(gaussian + shifts, axis=-1)
    assert_allclose(model.predict(X_test, quantiles=LEVELS), expected, rtol=1e-3)


def test_seq2seq_learns_monotone_quantiles_and_pickles_them():
    X, y = make_windows(regime_series(200), window_length=5, horizon=3)
    model = GRUForecaster(
        units=2, strategy="seq2seq", loss="pinball", epochs=1, random_state=0
    ).fit(X[:150], y[:150])
    quantiles = model.predict(X[150:], quantiles=[0.025, 0.5, 0.975])
    assert quantiles.shape == (len(X) - 150, 3, 3)
    assert np.all(np.diff(quantiles, axis=-1) >= 0)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(restored.predict(X[150:], quantiles=[0.025, 0.5, 0.975]), quantiles)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"quantiles": [0.1, 0.9]}, r"quantiles=\[0\.1, 0\.9\] with loss='mse'"),
        ({"loss": "pinball", "strategy": "recursive"}, "'strategy'.*'recursive'"),
        ({"loss": "pinball", "quantiles": [0.9, 0.1]}, "`quantiles`.*sorted"),
        ({"loss": "pinball", "quantiles": [0.0, 0.5]}, "`quantiles`.*got 0 in"),
        ({"loss": "pinball", "quantiles": []}, "`quantiles` must hold"),
    ],
)
def test_bad_quantile_settings_name_the_parameter(params, match):
    X, y = make_windows(np.arange(60.0), window_length=4)
    with pytest.raises(ValueError, match=match):
        GRUForecaster(units=2, epochs=1, **params).fit(X, y)


def test_quantiles_of_a_point_network_or_a_point_estimator_are_refused(windows):
    X, y, X_test, _ = windows
    model = GRUForecaster(units=2, epochs=1, random_state=0).fit(X[:200], y[:200])
    with pytest.raises(ValueError, match="fitted with loss='mse'.*ConformalForecaster"):
        model.predict(X_test, quantiles=[0.1, 0.9])
    with pytest.raises(ValueError, match="learned none.*method='residual'"):
        ConformalForecaster(LinearWindowRegressor(), method="quantile").fit(X, y)


def test_sktime_sees_intervals_only_with_the_pinball_loss():
    pytest.importorskip("sktime")
    from skseq.sktime import SkseqForecaster

    quantile = SkseqForecaster(GRUForecaster(loss="pinball"), window_length=4)
    point = SkseqForecaster(GRUForecaster(), window_length=4)
    assert quantile.get_tag("capability:pred_int")
    assert not point.get_tag("capability:pred_int")
