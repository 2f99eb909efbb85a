"""Training contract, strategies and input checks of the Keras forecasters.

Networks and data are tiny: a JAX fit costs about a second of compilation,
so window counts are multiples of ``batch_size`` (one compiled shape) and
fitted models are shared where a test only reads them.
"""

import random
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.pipeline import make_pipeline

import skseq._keras._training as keras_data
from skseq import SequenceWindows, make_windows
from skseq._keras._forecaster import seq2seq_positions
from skseq.forecasting import ConvGRUForecaster, GRUForecaster, RNNForecaster
from skseq.preprocessing import SequenceScaler, WindowNormalizer

WINDOW = 12
HORIZON = 3


def sine_series(n_steps, seed=0, offset=0.0, amplitude=1.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    wave = np.sin(2 * np.pi * t / 20) + 0.5 * np.sin(2 * np.pi * t / 7)
    return offset + amplitude * (wave + 0.05 * rng.standard_normal(n_steps))


@pytest.fixture(scope="module")
def sine():
    """256 windows of 12 steps, 3 targets each: 192 to train, 64 to test."""
    X, y = make_windows(
        sine_series(256 + WINDOW + HORIZON - 1), window_length=WINDOW, horizon=HORIZON
    )
    return X[:192], y[:192], X[192:], y[192:]


@pytest.fixture(scope="module")
def fitted(sine):
    X, y, _, _ = sine
    return GRUForecaster(units=(4,), epochs=2, random_state=0).fit(X, y)


def naive_mse(X, y):
    last = np.asarray(X)[:, -1, :1]
    return mean_squared_error(y, np.repeat(last, y.shape[1], axis=1))


@pytest.mark.parametrize(
    "model",
    [
        RNNForecaster(units=(8, 8)),
        RNNForecaster(units=(8,), layer_norm=True),
        RNNForecaster(units=(8,), cell="lstm"),
        GRUForecaster(
            units=(8,), dropout=0.1, recurrent_dropout=0.1, bidirectional=True
        ),
        ConvGRUForecaster(filters=8, units=(8,)),
    ],
    ids=["rnn", "layer-norm", "lstm", "bidirectional-gru", "conv-gru"],
)
def test_network_learns(model, sine):
    X, y, _, _ = sine
    # The plain network of the books: no baseline to correct, every epoch.
    model.set_params(epochs=5, learning_rate=0.01, random_state=0)
    model.set_params(baseline=None, early_stopping=False)
    model.fit(X, y)
    assert model.n_iter_ == 5
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]


@pytest.mark.parametrize("strategy", ["multioutput", "recursive", "seq2seq"])
def test_strategy_beats_naive(strategy, sine):
    X, y, X_test, y_test = sine
    model = GRUForecaster(
        units=(8,), strategy=strategy, epochs=10, learning_rate=0.01, random_state=0
    ).fit(X, y)
    y_pred = model.predict(X_test)
    assert y_pred.shape == y_test.shape
    assert y_pred.dtype == np.float64
    assert mean_squared_error(y_test, y_pred) < 0.5 * naive_mse(X_test, y_test)


def test_one_step_targets_give_one_dimensional_predictions(fitted, sine):
    X, y, X_test, _ = sine
    model = GRUForecaster(units=(2,), epochs=1, random_state=0).fit(X, y[:, 0])
    assert model.predict(X_test).shape == (len(X_test),)
    assert (model.horizon_, model.n_outputs_) == (1, 1)
    assert (fitted.horizon_, fitted.n_outputs_) == (HORIZON, HORIZON)
    assert (fitted.n_features_in_, fitted.window_length_, fitted.n_channels_) == (
        WINDOW,
        WINDOW,
        1,
    )


def test_score_is_r2_in_original_units(fitted, sine):
    _, _, X_test, y_test = sine
    assert fitted.score(X_test, y_test) == pytest.approx(
        r2_score(y_test, fitted.predict(X_test))
    )


def seed_globals(seed):
    """Seed Python's and NumPy's global generators (which fit must restore)."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002


def draw_globals():
    return random.random(), np.random.random()  # noqa: NPY002


def test_random_state_repeats_fits_and_restores_global_state(sine):
    X, y, X_test, _ = sine
    seed_globals(1)
    expected = draw_globals()
    seed_globals(1)
    # Without validation, so that no fit falls back to the (seedless) ridge.
    params = dict(units=(4,), epochs=1, early_stopping=False)
    first = GRUForecaster(random_state=3, **params).fit(X, y)
    assert draw_globals() == expected
    second = GRUForecaster(random_state=3, **params).fit(X, y)
    other = GRUForecaster(random_state=4, **params).fit(X, y)
    assert_array_equal(first.predict(X_test), second.predict(X_test))
    assert first.history_ == second.history_
    assert not np.allclose(first.predict(X_test), other.predict(X_test))


def test_random_state_holds_while_another_thread_draws_random(sine):
    # A Dask worker's heartbeat samples from the shared `random` module while
    # a network is built; the fit must not notice.
    X, y, X_test, _ = sine

    def fit():
        return GRUForecaster(units=(4,), epochs=1, random_state=3).fit(X, y)

    expected = fit().predict(X_test)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        predictions = [fit().predict(X_test) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    for prediction in predictions:
        assert_array_equal(prediction, expected)


def test_warm_start_continues_training(sine):
    X, y, _, _ = sine
    model = GRUForecaster(
        units=(4,), epochs=2, learning_rate=0.01, warm_start=True, random_state=0
    ).fit(X, y)
    network, first_losses = model.model_, list(model.loss_curve_)
    model.fit(X, y)
    assert model.model_ is network
    assert model.n_iter_ == 4
    assert model.loss_curve_[:2] == first_losses
    assert model.loss_curve_[2] < first_losses[0]
    # Targets of another shape need another network.
    model.fit(X, y[:, :1])
    assert model.model_ is not network
    assert model.model_.output_shape == (None, 1)


def test_without_warm_start_every_fit_is_fresh(fitted, sine):
    X, y, X_test, _ = sine
    refitted = clone(fitted).fit(X, y)
    assert refitted.n_iter_ == fitted.n_iter_
    assert_array_equal(refitted.predict(X_test), fitted.predict(X_test))


def test_early_stopping_keeps_best_epoch_of_last_windows(sine):
    X, y, _, _ = sine
    model = GRUForecaster(
        units=(4,),
        epochs=8,
        learning_rate=0.05,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=2,
        scaling=None,
        baseline=None,
        random_state=0,
    ).fit(X, y)
    # Unscaled, the validation loss is the MSE in original units.
    validation_loss = model.history_["val_loss"]
    assert len(validation_loss) == model.n_iter_ == len(model.loss_curve_)
    # The held-out windows are the last quarter, in time order, and the
    # restored weights are those of the best epoch.
    held_out = slice(3 * len(X) // 4, None)
    mse = mean_squared_error(y[held_out], model.predict(X[held_out]))
    assert mse == pytest.approx(min(validation_loss), rel=1e-4)


def test_verbose_zero_is_silent_and_callbacks_are_copied(capsys, fitted, sine):
    import keras

    class EpochCounter(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            self.epochs += 1

    X, y, X_test, _ = sine
    fitted.predict(X_test[:1])
    capsys.readouterr()
    counter = EpochCounter()
    model = GRUForecaster(
        units=(2,), epochs=2, callbacks=[counter], early_stopping=True, random_state=0
    )
    model.fit(X, y).predict(X_test)
    assert capsys.readouterr() == ("", "")
    assert counter.epochs == 0
    assert model.get_params()["callbacks"][0] is counter


def test_verbose_one_shows_progress(capsys, sine):
    X, y, _, _ = sine
    GRUForecaster(units=(2,), epochs=1, verbose=1, random_state=0).fit(X, y)
    assert "loss:" in capsys.readouterr().out


def test_large_data_are_streamed_in_batches(monkeypatch, sine):
    X, y, X_test, y_test = sine
    gathered = []
    original = SequenceWindows.batch

    def spy(self, rows=slice(None)):
        batch = original(self, rows)
        gathered.append(len(batch.windows))
        return batch

    monkeypatch.setattr(keras_data, "MATERIALISE_BYTES", 0)
    monkeypatch.setattr(SequenceWindows, "batch", spy)
    model = GRUForecaster(
        units=(4,),
        epochs=3,
        batch_size=32,
        learning_rate=0.01,
        early_stopping=True,
        validation_fraction=0.25,
        scaling=None,
        baseline=None,
        random_state=0,
    ).fit(X, y)
    # Training gathers one batch at a time (a scaler's or a baseline's fit
    # would gather by bytes).
    assert max(gathered) == 32
    assert len(model.history_["val_loss"]) == 3
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.predict(X_test).shape == y_test.shape


def test_recursive_feeds_forecasts_back_through_the_chain(sine):
    X, y, X_test, _ = sine
    series = sine_series(400, offset=50.0, amplitude=5.0)
    X, y = make_windows(series, window_length=WINDOW, horizon=HORIZON)
    scaler = SequenceScaler().fit(X[:192])
    model = RNNForecaster(
        units=(4,), strategy="recursive", epochs=2, random_state=0
    ).fit(scaler.transform(X[:192]), y[:192])
    raw = np.asarray(X[192:256])
    forecast = model.predict(scaler.transform(raw))
    assert forecast.shape == (64, HORIZON)
    assert abs(forecast.mean() - 50.0) < 10.0
    shifted = np.concatenate([raw[:, 1:], forecast[:, :1, np.newaxis]], axis=1)
    next_step = model.predict(scaler.transform(shifted))[:, 0]
    assert_allclose(next_step, forecast[:, 1], rtol=1e-6)


def test_seq2seq_targets_match_hands_on_ml_alignment():
    series = np.random.default_rng(0).standard_normal((5, 60))
    X, Y = series[:, :50, np.newaxis], series[:, 50:]
    model = ConvGRUForecaster(strategy="seq2seq", scaling=None)
    inputs, targets = model._training_data(X, Y).get(slice(None))
    # Hands-On ML: Y[:, j, k] is the value k + 1 steps after step j, and the
    # conv (kernel 4, stride 2, "valid") keeps steps 3, 5, ..., 49.
    book = np.stack([series[:, j + 1 : j + 11] for j in range(50)], axis=1)
    assert_array_equal(inputs, X)
    assert_allclose(targets, book[:, 3::2])
    rnn_targets = (
        RNNForecaster(strategy="seq2seq", scaling=None)
        ._training_data(X, Y)
        .get(slice(None))[1]
    )
    assert_allclose(rnn_targets, book)


def test_seq2seq_positions_need_consecutive_steps():
    _, y = make_windows(np.arange(40.0), window_length=5, horizon=2, delay=3)
    X, _ = make_windows(np.arange(40.0), window_length=5, horizon=2, delay=3)
    with pytest.raises(ValueError, match="strategy='seq2seq'"):
        seq2seq_positions(X.geometry, 2, np.arange(5))
    with pytest.raises(ValueError, match="delay=1"):
        GRUForecaster(strategy="seq2seq").fit(X, y)


@pytest.mark.parametrize(
    ("padding", "length", "crop", "first"),
    [
        ("valid", 50, 0, 3),
        ("valid", 51, 1, 4),
        ("causal", 50, 1, 1),
        ("causal", 5, 0, 0),
    ],
)
def test_conv_output_steps_end_on_the_last_window_step(padding, length, crop, first):
    from skseq._keras._networks import conv_output_steps

    got_crop, steps = conv_output_steps(
        length, kernel_size=4, strides=2, padding=padding
    )
    assert (got_crop, steps[0], steps[-1]) == (crop, first, length - 1)
    assert np.all(np.diff(steps) == 2)


def test_clone_and_params_round_trip(fitted):
    params = fitted.get_params()
    assert params["units"] == (4,)
    assert params["strategy"] == "multioutput"
    unfitted = clone(fitted)
    assert not hasattr(unfitted, "model_")
    assert unfitted.set_params(units=(2, 2)).units == (2, 2)
    assert fitted.units == (4,)


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (
            RNNForecaster(units=0),
            r"'units' parameter of RNNForecaster .* Got 0 ",
        ),
        (RNNForecaster(units=(4, -1)), r"'units' .* Got \(4, -1\)"),
        (
            RNNForecaster(cell="gru"),
            r"'cell' parameter .* a str among .*Got 'gru'",
        ),
        (
            RNNForecaster(cell="lstm", layer_norm=True),
            r"'layer_norm' .* False with cell='lstm'\. Got True",
        ),
        (GRUForecaster(dropout=1.0), r"'dropout' .* range \[0\.0, 1\.0\)\. Got 1\.0"),
        (GRUForecaster(strategy="direct"), "'strategy' parameter of GRUForecaster"),
        (GRUForecaster(epochs=0), "'epochs' parameter of GRUForecaster"),
        (GRUForecaster(batch_size=2.5), "'batch_size' parameter"),
        (GRUForecaster(learning_rate=-1), "'learning_rate' parameter"),
        (GRUForecaster(validation_fraction=1.5), "'validation_fraction' parameter"),
        (GRUForecaster(callbacks="stop"), "'callbacks' parameter"),
        (GRUForecaster(verbose=-1), "'verbose' parameter"),
        (ConvGRUForecaster(padding="same"), r"'padding' parameter .*'causal'"),
        (ConvGRUForecaster(kernel_size=20), "kernel_size`=20"),
        (
            GRUForecaster(optimizer="nope", epochs=1),
            "'optimizer' .* Got 'nope'",
        ),
        (GRUForecaster(loss="nope", epochs=1), "'loss' parameter .* Got 'nope'"),
    ],
)
def test_invalid_parameters_name_argument_and_value(model, match, sine):
    X, y, _, _ = sine
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((8, 4, 1, 1)), np.zeros(8), "2-D"),
        (np.zeros(8), np.zeros(8), r"X is 1-D .*skseq\.make_windows\(series"),
        (np.full((8, 4), np.nan), np.zeros(8), "NaN"),
        (np.zeros((8, 4)), np.full(8, np.inf), "infinity"),
        (np.zeros((8, 4)), np.zeros(7), "inconsistent"),
        (np.zeros((8, 4)), np.zeros((8, 2, 2)), "1-D"),
    ],
    ids=["4-d", "1-d", "nan", "inf-y", "lengths", "3-d-y"],
)
def test_bad_input_is_rejected(X, y, match):
    with pytest.raises(ValueError, match=match):
        GRUForecaster(epochs=1).fit(X, y)


def test_recursive_needs_univariate_consecutive_windows():
    data = np.random.default_rng(0).standard_normal((60, 2))
    X, y = make_windows(data, window_length=5, horizon=2, target=0)
    with pytest.raises(ValueError, match="strategy='recursive'.*2 features"):
        GRUForecaster(strategy="recursive").fit(X, y)
    X, y = make_windows(data[:, 0], window_length=5, horizon=2, sampling_rate=2)
    with pytest.raises(ValueError, match="not consecutive"):
        GRUForecaster(strategy="recursive").fit(X, y)


def test_multi_target_seq2seq_needs_target_columns():
    X = np.zeros((8, 5, 2))
    with pytest.raises(ValueError, match="no target column"):
        GRUForecaster(strategy="seq2seq").fit(X, np.zeros((8, 2)))


def test_early_stopping_needs_two_windows():
    with pytest.raises(ValueError, match="needs at least one more to train on"):
        GRUForecaster(early_stopping=True).fit(np.zeros((1, 4)), np.zeros(1))


def test_predict_checks_windows_against_fit(fitted, sine):
    _, _, X_test, _ = sine
    windows = np.asarray(X_test)
    with pytest.raises(ValueError, match=f"expecting {WINDOW} features"):
        fitted.predict(windows[:, 1:])
    with pytest.raises(ValueError, match="features per step"):
        fitted.predict(np.concatenate([windows, windows], axis=2))
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict(np.full_like(windows, np.nan))
    with pytest.raises(NotFittedError, match="This GRUForecaster instance is not"):
        GRUForecaster().predict(windows)


def test_diverging_training_raises_instead_of_nan_forecasts():
    X = np.random.default_rng(0).normal(size=(32, 6))
    with pytest.raises(ValueError, match=r"GRUForecaster diverged: the loss became"):
        GRUForecaster(units=2, epochs=2, random_state=0).fit(X, 1e30 * X[:, -1])


@pytest.fixture(scope="module")
def far_from_zero():
    """Two channels around 1000 and 50; the target is column 1."""
    t = np.arange(400)
    rng = np.random.default_rng(0)
    data = np.column_stack(
        [
            1000 + 30 * np.sin(t / 7) + rng.normal(size=len(t)),
            50 + 5 * np.sin(2 * np.pi * t / 20) + 0.2 * rng.normal(size=len(t)),
        ]
    )
    X, y = make_windows(data, window_length=20, horizon=3, target=1)
    return X[:300], y[:300], X[300:], y[300:]


@pytest.mark.parametrize("scaling", ["standard", "window"])
@pytest.mark.parametrize("strategy", ["multioutput", "seq2seq"])
def test_scaling_inside_the_forecaster_predicts_in_original_units(
    scaling, strategy, far_from_zero
):
    X, y, X_test, y_test = far_from_zero
    params = {"units": 8, "epochs": 15, "random_state": 0, "strategy": strategy}
    # The plain network, without the baseline that would carry the level.
    params.update(baseline=None, early_stopping=False)
    scaled = GRUForecaster(scaling=scaling, **params).fit(X, y)
    unscaled = GRUForecaster(scaling=None, **params).fit(X, y)
    mae = np.abs(scaled.predict(X_test) - y_test).mean()
    # Unscaled, the network's outputs stay near 0 for targets near 50.
    assert mae < 2.0
    assert np.abs(unscaled.predict(X_test) - y_test).mean() > 10 * mae
    kind = SequenceScaler if scaling == "standard" else WindowNormalizer
    assert isinstance(scaled.scaler_, kind)


def test_standard_scaling_equals_a_scaler_in_front(far_from_zero):
    X, y, X_test, _ = far_from_zero
    params = {"units": 4, "epochs": 2, "random_state": 0}
    inside = GRUForecaster(scaling="standard", **params).fit(X, y)
    in_front = make_pipeline(SequenceScaler(), GRUForecaster(**params)).fit(X, y)
    np.testing.assert_allclose(inside.predict(X_test), in_front.predict(X_test))


def test_window_scaling_of_constant_windows_and_recursion():
    X, y = make_windows(np.full(60, 7.0), window_length=6, horizon=2)
    model = GRUForecaster(
        units=2, epochs=2, scaling="window", strategy="recursive", random_state=0
    )
    forecast = model.fit(X, y).predict(X[-3:])
    assert np.isfinite(forecast).all()
    # A constant window is only shifted to 0: forecasts stay near its level.
    np.testing.assert_allclose(forecast, 7.0, atol=1.0)


def test_warm_start_keeps_the_fitted_scaling(far_from_zero):
    X, y, _, _ = far_from_zero
    model = GRUForecaster(
        units=2, epochs=1, scaling="standard", warm_start=True, random_state=0
    )
    scaler = model.fit(X[:150], y[:150]).scaler_
    assert model.fit(X[150:], y[150:]).scaler_ is scaler
