"""Known-ahead inputs: each window's future block, and the models that read it."""

import pickle

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceWindows, make_panel_windows, make_windows
from skseq.forecasting import GRUForecaster, LinearWindowRegressor, NaiveForecaster
from skseq.preprocessing import (
    LookbackWindow,
    SeasonalDifferencer,
    SequenceScaler,
    WindowNormalizer,
)


def _frame(n=40, start="2024-01-01", seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "y": rng.normal(size=n).cumsum(),
            "x": rng.normal(size=n),
            "k": 100 + np.arange(n, dtype=float),
            "j": -np.arange(n, dtype=float),
        },
        index=pd.date_range(start, periods=n, freq="h"),
    )


GEOMETRY = {"window_length": 4, "horizon": 3, "delay": 2, "sampling_rate": 2}


def _loop(values, *, window_length, horizon, delay, sampling_rate, stride=1):
    """Windows, future blocks of columns 2 and 3, and targets, by hand."""
    span = (window_length - 1) * sampling_rate + 1
    windows, futures, targets = [], [], []
    end = span - 1
    while end + delay + horizon - 1 < len(values):
        windows.append(values[end - span + 1 : end + 1 : sampling_rate])
        steps = [end + delay + h for h in range(horizon)]
        futures.append(values[steps][:, [2, 3]])
        targets.append(values[steps, 0])
        end += stride
    return np.array(windows), np.array(futures), np.array(targets)


@pytest.mark.parametrize("stride", [1, 3])
def test_future_block_matches_a_loop(stride):
    data = _frame()
    X, y = make_windows(
        data, target="y", known_ahead=["k", "j"], stride=stride, **GEOMETRY
    )
    windows, futures, targets = _loop(data.to_numpy(), stride=stride, **GEOMETRY)
    np.testing.assert_array_equal(np.asarray(X), windows)
    np.testing.assert_array_equal(X.take_future(), futures)
    np.testing.assert_array_equal(y, targets)
    assert X.geometry.known_columns == (2, 3)
    assert X.geometry.future_shape == (3, 2)
    # Subsets gather the same blocks.
    rows = np.array([4, 0, 2])
    np.testing.assert_array_equal(X[rows].take_future(), futures[rows])
    np.testing.assert_array_equal(X[1:3].batch().future, futures[1:3])


def test_known_ahead_frame_is_appended_and_aligned():
    data = _frame()
    X, y = make_windows(
        data[["y", "x"]], target="y", known_ahead=data[["k", "j"]], **GEOMETRY
    )
    windows, futures, _ = _loop(data.to_numpy(), **GEOMETRY)
    np.testing.assert_array_equal(np.asarray(X), windows)
    np.testing.assert_array_equal(X.take_future(), futures)
    X_series, _ = make_windows(data["y"], known_ahead=data["k"], **GEOMETRY)
    np.testing.assert_array_equal(X_series.take_future(), futures[:, :, :1])


def test_panel_future_block_matches_a_loop():
    series = {"a": _frame(30, seed=1), "b": _frame(23, "2024-01-01 05:00", seed=2)}
    X, y = make_panel_windows(series, target="y", known_ahead=["k", "j"], **GEOMETRY)
    future = X.take_future()
    by_loop = {
        key: _loop(frame.to_numpy(), **GEOMETRY) for key, frame in series.items()
    }
    for key, frame in series.items():
        mine = np.asarray(X.series_ids == key)
        order = np.argsort(frame.index.get_indexer(X.end_times[mine]))
        windows, futures, targets = by_loop[key]
        np.testing.assert_array_equal(future[mine][order], futures)
        np.testing.assert_array_equal(y[mine][order], targets)
    restored = pickle.loads(pickle.dumps(X[::2]))
    np.testing.assert_array_equal(restored.take_future(), future[::2])
    assert len(pickle.dumps(X)) < 3 * sum(f.to_numpy().nbytes for f in series.values())


@pytest.mark.parametrize(
    "transformer",
    [
        SequenceScaler(),
        SeasonalDifferencer(period=2),
        WindowNormalizer(method="zscore"),
        LookbackWindow(length=2),
    ],
    ids=lambda t: type(t).__name__,
)
def test_transformers_leave_the_future_block_untouched(transformer):
    X, _ = make_windows(_frame(), target="y", known_ahead="k", **GEOMETRY)
    Xt = transformer.fit_transform(X)
    batch = Xt.batch()
    np.testing.assert_array_equal(batch.future, X.take_future())
    np.testing.assert_array_equal(Xt.take_future(), X.take_future())
    assert Xt.geometry.known_columns == (2,)
    # The past window is transformed as without known-ahead columns.
    X_plain, _ = make_windows(_frame(), target="y", **GEOMETRY)
    plain = transformer.fit_transform(X_plain).take()
    np.testing.assert_allclose(batch.windows[:, :, :2], plain[:, :, :2])


def _determined(n=300, horizon=2, seed=0):
    """A target that is a linear function of a known-ahead input at its time."""
    rng = np.random.default_rng(seed)
    driver = rng.normal(size=n)
    frame = pd.DataFrame({"y": 3.0 * driver + 1.0, "driver": driver})
    return make_windows(
        frame, target="y", known_ahead="driver", window_length=5, horizon=horizon
    )


def test_linear_model_uses_the_future_block():
    X, y = _determined()
    model = LinearWindowRegressor().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-8)
    assert model.future_coef_.shape == (2, 2, 1)
    np.testing.assert_allclose(model.future_coef_[:, :, 0], 3 * np.eye(2), atol=1e-8)
    blind = LinearWindowRegressor().fit(*_without_known(X, y))
    assert np.mean((blind.predict(_without_known(X, y)[0]) - y) ** 2) > 1.0


def _without_known(X, y):
    return SequenceWindows.from_array(np.asarray(X), target_columns=0), y


def test_windows_ending_at_the_last_observation_via_from_array():
    X, y = _determined()
    model = LinearWindowRegressor().fit(X[:-5], y[:-5])
    last = SequenceWindows.from_array(
        np.asarray(X[-5:]),
        target_columns=0,
        known_columns=1,
        future=X[-5:].take_future(),
    )
    np.testing.assert_allclose(model.predict(last), model.predict(X[-5:]))
    restored = pickle.loads(pickle.dumps(last))
    np.testing.assert_array_equal(restored.take_future(), X[-5:].take_future())


def test_fitted_layout_is_required_in_predict():
    X, y = _determined()
    model = LinearWindowRegressor().fit(X, y)
    with pytest.raises(ValueError, match="no known-ahead columns, but Linear"):
        model.predict(_without_known(X, y)[0])
    plain = LinearWindowRegressor().fit(*_without_known(X, y))
    with pytest.raises(ValueError, match=r"known-ahead column\(s\) 1 over 2 step"):
        plain.predict(X)


def test_naive_forecaster_ignores_the_future_block():
    X, y = _determined()
    naive = NaiveForecaster().fit(X, y)
    np.testing.assert_array_equal(
        naive.predict(X), np.repeat(X.take()[:, -1, :1], 2, 1)
    )


def test_neural_forecaster_reads_the_future_block():
    X, y = _determined(n=200)
    model = GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    shapes = [tuple(shape[1:]) for shape in model.model_.input_shape]
    assert shapes == [(5, 2), (2, 1)]
    assert (model.known_columns_, model.future_length_) == ((1,), 2)
    predictions = model.predict(X[-7:])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X[-7:]), predictions)
    # The ridge baseline reads the block too: the network cannot beat it
    # here, and it alone is exact.
    assert not model.uses_network_
    np.testing.assert_allclose(model.predict(X), y, atol=1e-3)
    with pytest.raises(ValueError, match="no known-ahead columns, but GRU"):
        model.predict(_without_known(X, y)[0])


@pytest.mark.parametrize("strategy", ["recursive", "seq2seq"])
def test_other_strategies_refuse_known_ahead_inputs(strategy):
    X, y = _determined(n=80)
    model = GRUForecaster(units=2, epochs=1, strategy=strategy)
    with pytest.raises(ValueError, match=f"strategy='{strategy}' cannot read known"):
        model.fit(X, y)


# -- bad input ----------------------------------------------------------------
def test_known_column_that_is_the_target_is_refused():
    with pytest.raises(ValueError, match="Column 'y' is both a target and"):
        make_windows(_frame(), target="y", known_ahead=["k", "y"], window_length=3)
    with pytest.raises(ValueError, match="Column 'y' is both a target and"):
        make_panel_windows(
            [_frame(), _frame()], target="y", known_ahead="y", window_length=3
        )
    with pytest.raises(ValueError, match="Column 0 is both a target"):
        SequenceWindows.from_array(
            np.zeros((2, 3, 2)),
            target_columns=0,
            known_columns=0,
            future=np.zeros((2, 1)),
        )


def test_missing_known_values_name_column_and_time():
    data = _frame()
    data.loc[data.index[30], "k"] = np.nan
    with pytest.raises(ValueError, match=r"column 'k' is missing .* 2024-01-02 06:00"):
        make_windows(data, target="y", known_ahead="k", window_length=3)
    frame = data[["k"]].rename(columns={"k": "plan"})
    with pytest.raises(ValueError, match=r"column 'plan' is missing .*\(row 30\)"):
        make_windows(data["y"], known_ahead=frame, window_length=3)
    with pytest.raises(ValueError, match=r"'k' is missing .* series 'b' at time 2024"):
        make_panel_windows(
            {"a": _frame(), "b": data}, target="y", known_ahead="k", window_length=3
        )


def test_misaligned_known_values_are_refused():
    data = _frame()
    shifted = data[["k"]].shift(1, freq="h").rename(columns={"k": "plan"})
    with pytest.raises(ValueError, match=r"not aligned .* position 0 .* 01:00:00"):
        make_windows(data["y"], known_ahead=shifted, window_length=3)
    with pytest.raises(ValueError, match="has 39 rows but `data` has 40"):
        make_windows(data["y"], known_ahead=shifted.iloc[1:], window_length=3)
    with pytest.raises(ValueError, match="also columns of `data`"):
        make_windows(data, target="y", known_ahead=data[["k"]], window_length=3)
    with pytest.raises(ValueError, match="`known_ahead` column 'nope' does not exist"):
        make_windows(data, target="y", known_ahead="nope", window_length=3)


def test_bad_future_arrays_are_refused():
    windows = np.zeros((4, 3, 2))
    with pytest.raises(ValueError, match=r"must have shape \(4, 'horizon', 1\)"):
        SequenceWindows.from_array(
            windows, target_columns=0, known_columns=1, future=np.zeros((3, 2, 1))
        )
    future = np.zeros((4, 2, 1))
    future[2, 1, 0] = np.nan
    with pytest.raises(ValueError, match="column 1 at target step 1 of window 2"):
        SequenceWindows.from_array(
            windows, target_columns=0, known_columns=1, future=future
        )
    with pytest.raises(ValueError, match="name them with `known_columns`"):
        SequenceWindows.from_array(windows, target_columns=0, future=future)
