"""Plots of training histories, forecasts and time-series splits.

matplotlib is an optional dependency, imported only when a plot is drawn.
Every function draws on the Axes it is given (or on a new figure) and
returns that Axes, so plots can be combined and restyled.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.model_selection import check_cv

from ._panel import PanelWindows
from ._windows import as_windows

__all__ = ["plot_cv_splits", "plot_forecast", "plot_learning_curves"]


def _new_axes(ax):
    """``ax``, or the Axes of a new figure; explains how to get matplotlib."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "Plotting needs matplotlib; install it with `pip install skseq[plot]` "
            "(or `pip install matplotlib`)."
        ) from error
    return plt.subplots()[1]


def plot_learning_curves(estimator_or_history, ax=None):
    """Plot the training (and validation) loss of a neural estimator by epoch.

    Parameters
    ----------
    estimator_or_history : estimator, Pipeline, keras History or dict
        A fitted skseq neural estimator (its ``history_``), a pipeline ending
        in one, a Keras ``History`` or a dict of per-epoch lists with the
        keys ``"loss"`` and optionally ``"val_loss"``.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        One line per loss, x = epoch (from 1); the validation loss appears
        when it was recorded (``early_stopping=True``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skseq.plotting import plot_learning_curves
    >>> ax = plot_learning_curves({"loss": [0.9, 0.5, 0.4],
    ...                            "val_loss": [1.0, 0.7, 0.75]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['training', 'validation']
    """
    history = _history_of(estimator_or_history)
    curves = [
        (key, label)
        for key, label in (("loss", "training"), ("val_loss", "validation"))
        if history.get(key)
    ]
    if not curves:
        raise ValueError(
            "The history has no 'loss' or 'val_loss' values to plot; its keys "
            f"are {sorted(history)}."
        )
    ax = _new_axes(ax)
    for key, label in curves:
        values = np.asarray(history[key], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


def _history_of(source):
    if hasattr(source, "steps") and hasattr(source, "__getitem__"):
        source = source[-1]
    if isinstance(source, Mapping):
        return source
    if hasattr(source, "history_"):
        return source.history_
    if isinstance(getattr(source, "history", None), Mapping):
        return source.history
    raise TypeError(
        "Expected a fitted neural estimator (with `history_`), a pipeline "
        "ending in one, a keras History or a dict of per-epoch losses; got "
        f"{type(source).__name__}. Only neural estimators record a history, "
        "and only once fitted."
    )


def plot_forecast(X, y_true, y_pred, *, interval=None, index=None, ax=None):
    """Plot forecasts against the actual values, placed in time.

    Each target is drawn at its own time: ``delay + h`` series steps after
    the last observed step of its window.  With several steps per window,
    the forecasts of non-overlapping windows are drawn (every ``horizon``
    steps), so each time has at most one forecast; the actual values are one
    line through every target time.

    Parameters
    ----------
    X : SequenceWindows or array-like of shape (n_windows, window_length[, n_features])
        The windows that were forecast.  Their times come from ``index``,
        else from ``X.index`` (windows made from a pandas series) or the end
        times of panel windows (of one series: select it first, e.g.
        ``X[X.series_ids == key]``), else from the position of the windows in
        the series (in steps).
    y_true : array-like of shape (n_windows,) or (n_windows, horizon)
        Actual values of one target variable.
    y_pred : array-like of the shape of ``y_true``
        Forecasts.
    interval : array-like of shape ``y_true.shape + (2,)``, default=None
        Lower and upper end of a prediction interval around each forecast
        (``predict(X, coverage=c)`` of a
        `~skseq.forecasting.ConformalForecaster`), drawn as a band.
    index : array-like of shape (n_windows,), default=None
        Time (or position) of the last observed step of each window,
        overriding ``X.index``.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Two lines, "actual" then "forecast" (segments of the forecast line
        are separated by NaN), and with ``interval`` one band per forecast
        segment in ``ax.collections``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import NaiveForecaster
    >>> from skseq.plotting import plot_forecast
    >>> X, y = make_windows(np.arange(10.0) ** 2, window_length=3)
    >>> ax = plot_forecast(X, y, NaiveForecaster().fit(X, y).predict(X))
    >>> actual, forecast = ax.get_lines()
    >>> actual.get_xdata()[:3], actual.get_ydata()[:3]
    (array([3., 4., 5.]), array([ 9., 16., 25.]))
    """
    windows = as_windows(X)
    y_true, y_pred = _check_forecast_targets(windows, y_true, y_pred)
    horizon = y_true.shape[1]
    times = _window_times(windows, index, windows.geometry.target_offsets(horizon))
    ax = _new_axes(ax)
    actual_x, first = np.unique(times.ravel(), return_index=True)
    ax.plot(actual_x, y_true.ravel()[first], color="0.3", label="actual")
    shown = _non_overlapping(_end_rows(windows), horizon)
    ax.plot(*_segments(times[shown], y_pred[shown]), color="C1", label="forecast")
    if interval is not None:
        lower, upper = _check_interval(interval, y_true.shape)
        for k, row in enumerate(shown):
            ax.fill_between(
                times[row],
                lower[row],
                upper[row],
                color="C1",
                alpha=0.25,
                linewidth=0,
                label="interval" if k == 0 else None,
            )
    ax.set_xlabel(_axis_name(windows, index))
    ax.legend()
    return ax


def _check_forecast_targets(windows, y_true, y_pred):
    """Both targets as float arrays of shape (n_windows, horizon)."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and "
            f"{y_pred.shape}."
        )
    if y_true.ndim not in (1, 2) or len(y_true) != len(windows):
        raise ValueError(
            f"y_true must have shape ({len(windows)},) or ({len(windows)}, "
            f"horizon), one row per window; got {y_true.shape}."
        )
    n_targets = len(windows.geometry.target_columns or (0,))
    if n_targets != 1:
        raise ValueError(
            f"plot_forecast draws one target variable, but X has {n_targets} "
            "target columns; plot the columns of y for one variable at a time."
        )
    return y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)


def _check_interval(interval, shape):
    """Lower and upper ends, each of ``shape`` (n_windows, horizon)."""
    interval = np.asarray(interval, dtype=float)
    if interval.shape[-1:] != (2,) or interval[..., 0].size != np.prod(shape):
        raise ValueError(
            "interval must have the shape of y_true plus a last axis of 2 (lower, "
            f"upper), {shape[:1] + (shape[1:] if shape[1] > 1 else ())} + (2,); "
            f"got {interval.shape}."
        )
    return interval[..., 0].reshape(shape), interval[..., 1].reshape(shape)


def _end_rows(windows):
    """Row of the series holding the last observed step of each window."""
    offsets = windows._raw_geometry.offsets
    return windows._positions + (offsets[-1] - offsets[0])


def _window_times(windows, index, offsets):
    """Time of the steps ``offsets`` after each window's last observed step.

    Times come from ``index``, else ``windows.index``, else are rows of the
    series; the shape is (n_windows, len(offsets)).
    """
    offsets = np.asarray(offsets)
    rows = _end_rows(windows)
    labels = _time_labels(windows) if index is None else pd.Index(index)
    if labels is None:
        return (rows[:, np.newaxis] + offsets).astype(float)
    if len(labels) != len(windows):
        raise ValueError(
            f"index has {len(labels)} labels but X has {len(windows)} windows."
        )
    if isinstance(labels, pd.PeriodIndex):
        return np.column_stack([(labels + int(k)).to_timestamp() for k in offsets])
    if isinstance(labels, pd.DatetimeIndex) and labels.freq is not None:
        return np.column_stack([labels.shift(int(k)) for k in offsets])
    is_time = isinstance(labels, pd.DatetimeIndex)
    values = labels.as_unit("ns").asi8 if is_time else labels.to_numpy(dtype=float)
    step = _series_step(values, rows) if offsets.any() else 0
    if is_time:
        # Whole nanoseconds: float arithmetic on epoch times loses precision.
        shifts = offsets.astype(np.int64) * np.int64(round(step))
        return (values[:, np.newaxis] + shifts).astype("datetime64[ns]")
    return values[:, np.newaxis] + offsets * step


def _time_labels(windows, one_series=True):
    """``windows.index``, or the end times of panel windows."""
    if not isinstance(windows, PanelWindows):
        return windows.index
    n_series = windows.series_ids.nunique()
    if one_series and n_series > 1:
        raise ValueError(
            f"X holds windows of {n_series} series of a panel; plot_forecast "
            "draws one series: select its windows and targets first, e.g. "
            "mask = X.series_ids == key; plot_forecast(X[mask], y[mask], ...)."
        )
    return windows.end_times


def _series_step(values, rows):
    """Time between consecutive steps of the series, from the window ends."""
    row_gaps = np.diff(rows)
    if not len(row_gaps) or not (row_gaps > 0).all():
        raise ValueError(
            "Cannot tell the time step of the series from these windows (fewer "
            "than two, or not in time order); pass `index` with a regular "
            "frequency, or windows in time order."
        )
    return np.median(np.diff(values) / row_gaps)


def _non_overlapping(rows, horizon):
    """Windows whose targets do not overlap: about every ``horizon`` steps."""
    spacing = np.median(np.diff(rows)) if len(rows) > 1 else horizon
    return np.arange(0, len(rows), max(1, int(np.ceil(horizon / spacing))))


def _segments(times, values):
    """One line through segments separated by NaN (NaT for datetimes)."""
    gap = np.array([np.datetime64("NaT")]) if times.dtype.kind == "M" else [np.nan]
    xs = np.concatenate([np.r_[row, gap] for row in times])
    ys = np.concatenate([np.r_[row, np.nan] for row in values])
    return xs, ys


def _axis_name(windows, index):
    labels = _time_labels(windows, False) if index is None else pd.Index(index)
    if labels is None:
        return "step"
    return labels.name or "time"


def plot_cv_splits(cv, X, y=None, ax=None):
    """Draw which windows each split of a cross-validator trains and tests on.

    Split ``k`` is a row at height ``k`` with a mark at the time of the last
    observed step of every training window and every test window.  For
    windows over a panel (`~skseq.make_panel_windows`) a mark stands for
    the windows of all series that end at that time, so the row shows the
    dates at which `~skseq.model_selection.PanelTimeSeriesSplit` cuts every
    series.

    Parameters
    ----------
    cv : cross-validation splitter or int
        A scikit-learn splitter such as
        `~sklearn.model_selection.TimeSeriesSplit` or
        `~skseq.model_selection.PanelTimeSeriesSplit`; an int means that many
        `~sklearn.model_selection.KFold` splits (which ignore time order).
    X : SequenceWindows or array-like of shape (n_windows, window_length[, n_features])
        The windows that are split; times as in `plot_forecast`.
    y : array-like of shape (n_windows,) or (n_windows, horizon), default=None
        Targets, for splitters that need them.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Two lines per split, training windows then test windows.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn.model_selection import TimeSeriesSplit
    >>> from skseq import make_windows
    >>> from skseq.plotting import plot_cv_splits
    >>> X, y = make_windows(np.arange(40.0), window_length=5)
    >>> ax = plot_cv_splits(TimeSeriesSplit(n_splits=3), X, y)
    >>> len(ax.get_lines()), ax.get_lines()[1].get_xdata()[:3]
    (6, array([15., 16., 17.]))
    """
    windows = as_windows(X)
    panel = isinstance(windows, PanelWindows)
    if panel:
        times = windows.end_times
        if isinstance(times, pd.PeriodIndex):
            # matplotlib draws dates, not periods: each at its start.
            times = times.to_timestamp()
        times = times.to_numpy()
    else:
        times = _window_times(windows, None, [0])[:, 0]
    ax = _new_axes(ax)
    splits = list(check_cv(cv).split(windows, y))
    for k, (train, test) in enumerate(splits):
        for rows, color, label in ((train, "C0", "train"), (test, "C1", "test")):
            # One mark per time: the windows of many series share it.
            shown = np.unique(times[rows]) if panel else times[rows]
            ax.plot(
                shown,
                np.full(len(shown), k),
                linestyle="none",
                marker="|",
                color=color,
                label=label if k == 0 else None,
            )
    ax.set_yticks(range(len(splits)), [f"split {k + 1}" for k in range(len(splits))])
    ax.set_xlabel(_axis_name(windows, None))
    ax.legend()
    return ax
