import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import NaiveForecaster
from skseq.model_selection import PanelTimeSeriesSplit
from skseq.plotting import plot_cv_splits, plot_forecast, plot_learning_curves
from skseq.preprocessing import SequenceScaler

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

HISTORY = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.75]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _hourly(n=48):
    index = pd.date_range("2013-01-01", periods=n, freq="h", name="time_hour")
    return pd.Series(np.arange(n, dtype=float) ** 1.5, index=index)


def _line_data(line):
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata(), dtype=float)


def test_learning_curves_plot_loss_and_val_loss_by_epoch():
    ax = plot_learning_curves(HISTORY)
    training, validation = ax.get_lines()
    np.testing.assert_array_equal(_line_data(training)[0], [1, 2, 3])
    np.testing.assert_array_equal(_line_data(training)[1], HISTORY["loss"])
    np.testing.assert_array_equal(_line_data(validation)[1], HISTORY["val_loss"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "training",
        "validation",
    ]
    assert ax.get_xlabel() == "epoch"


@pytest.mark.parametrize(
    "source",
    [
        SimpleNamespace(history_=HISTORY),
        make_pipeline(SequenceScaler(), NaiveForecaster()),
        SimpleNamespace(history=HISTORY),
    ],
    ids=["estimator", "pipeline", "keras-history"],
)
def test_learning_curves_read_estimators_pipelines_and_keras_histories(source):
    if hasattr(source, "steps"):
        source[-1].history_ = HISTORY
    ax = plot_learning_curves(source)
    np.testing.assert_array_equal(_line_data(ax.get_lines()[1])[1], [1.0, 0.7, 0.75])


def test_learning_curves_without_validation_draw_one_line_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_learning_curves({"loss": [2.0, 1.0]}, ax=ax) is ax
    assert len(ax.get_lines()) == 1


def test_learning_curves_explain_what_is_missing():
    with pytest.raises(TypeError, match="Only neural estimators record a history"):
        plot_learning_curves(NaiveForecaster())
    with pytest.raises(ValueError, match=r"no 'loss'.*\['accuracy'\]"):
        plot_learning_curves({"accuracy": [0.5]})


def test_forecast_places_one_step_targets_at_their_times():
    series = _hourly()
    X, y = make_windows(series, window_length=4, delay=2)
    ax = plot_forecast(X, y, y + 1.0)
    actual, forecast = ax.get_lines()
    x, values = _line_data(actual)
    np.testing.assert_array_equal(x, series.index[5:].to_numpy())
    np.testing.assert_array_equal(values, series.to_numpy()[5:])
    x, values = _line_data(forecast)
    finite = ~np.isnan(values)
    np.testing.assert_array_equal(x[finite], series.index[5:].to_numpy())
    np.testing.assert_array_equal(values[finite], series.to_numpy()[5:] + 1.0)
    assert ax.get_xlabel() == "time_hour"


def test_multi_step_forecasts_are_drawn_for_non_overlapping_windows():
    series = _hourly()
    X, y = make_windows(series, window_length=4, horizon=3)
    test = np.arange(20, len(y))  # a test split: the index loses its freq
    ax = plot_forecast(X[test], y[test], y[test] * 2)
    actual, forecast = ax.get_lines()
    np.testing.assert_array_equal(_line_data(actual)[0], series.index[24:].to_numpy())
    x, values = _line_data(forecast)
    assert np.isnan(values[3::4]).all()
    segments = values.reshape(-1, 4)[:, :3]
    np.testing.assert_array_equal(segments, y[test][::3] * 2)
    np.testing.assert_array_equal(x.reshape(-1, 4)[0, :3], series.index[24:27])


def test_forecast_of_plain_arrays_uses_series_steps_or_the_given_index():
    X, y = make_windows(np.arange(20.0), window_length=5, horizon=2)
    ax = plot_forecast(X, y, y)
    np.testing.assert_array_equal(_line_data(ax.get_lines()[0])[0], np.arange(5, 20))
    assert ax.get_xlabel() == "step"
    ends = pd.Index(np.arange(len(y)) * 10.0, name="minute")
    ax = plot_forecast(np.asarray(X), y, y, index=ends)
    x = _line_data(ax.get_lines()[0])[0]
    np.testing.assert_array_equal(x[:3], [10.0, 20.0, 30.0])
    assert ax.get_xlabel() == "minute"


def test_forecast_on_a_period_index():
    index = pd.period_range("2000-01", periods=30, freq="M")
    X, y = make_windows(pd.Series(np.arange(30.0), index=index), window_length=6)
    ax = plot_forecast(X, y, y)
    x = _line_data(ax.get_lines()[0])[0]
    assert pd.Timestamp(x[0]) == pd.Timestamp("2000-07-01")


def test_forecast_refuses_mismatched_or_multi_variable_targets():
    X, y = make_windows(np.arange(20.0), window_length=5, horizon=2)
    with pytest.raises(ValueError, match="same shape"):
        plot_forecast(X, y, y[:, :1])
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0)})
    X2, y2 = make_windows(frame, window_length=5, target=["a", "b"])
    with pytest.raises(ValueError, match="2 target columns"):
        plot_forecast(X2, y2, y2)


def test_cv_splits_mark_training_and_test_windows_of_each_split():
    series = _hourly()
    X, y = make_windows(series, window_length=4, horizon=2)
    cv = TimeSeriesSplit(n_splits=3, gap=1)
    ax = plot_cv_splits(cv, X, y)
    lines = ax.get_lines()
    assert len(lines) == 6
    for k, (train, test) in enumerate(cv.split(X)):
        train_line, test_line = lines[2 * k], lines[2 * k + 1]
        np.testing.assert_array_equal(_line_data(train_line)[0], X.index[train])
        np.testing.assert_array_equal(_line_data(test_line)[0], X.index[test])
        assert set(_line_data(test_line)[1]) == {k}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "split 1",
        "split 2",
        "split 3",
    ]


def test_cv_splits_without_y_keep_multi_step_targets_out_of_the_test_block():
    X, y = make_windows(np.arange(60.0), window_length=5, horizon=4)
    cv = PanelTimeSeriesSplit(n_splits=2, test_size=5)
    lines = plot_cv_splits(cv, X).get_lines()
    for k, (train, test) in enumerate(cv.split(X, y)):
        np.testing.assert_array_equal(_line_data(lines[2 * k])[0], train + 4)
        np.testing.assert_array_equal(_line_data(lines[2 * k + 1])[0], test + 4)


def test_without_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install skseq\[plot\]"):
        plot_learning_curves(HISTORY)


def test_interval_bands_span_lower_to_upper_around_each_shown_forecast():
    X, y = make_windows(np.arange(40.0), window_length=4, horizon=3)
    interval = np.stack([y - 1.0, y + 2.0], axis=-1)
    ax = plot_forecast(X, y, y, interval=interval)
    bands = ax.collections
    assert len(bands) == len(range(0, len(y), 3))  # one per shown forecast
    # The first band: steps 4, 5, 6 (after window 0), from y - 1 to y + 2.
    vertices = bands[0].get_paths()[0].vertices
    assert set(vertices[:, 0]) == {4.0, 5.0, 6.0}
    assert vertices[:, 1].min() == y[0].min() - 1.0
    assert vertices[:, 1].max() == y[0].max() + 2.0
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "actual",
        "forecast",
        "interval",
    ]
    with pytest.raises(ValueError, match=r"interval must have the shape of y_true"):
        plot_forecast(X, y, y, interval=interval[..., :1])
    plt.close("all")
