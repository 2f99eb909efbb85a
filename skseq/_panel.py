"""Windows over a panel of many series, never crossing from one into the next.

`make_panel_windows` stacks the series of a panel into one array and places
windows inside each series only.  It returns a `PanelWindows`: a
`SequenceWindows` (so every transformer and estimator takes it as it is)
that also knows, for every window, its series and the time of its last
observed step.
"""

import numbers
import warnings

import numpy as np
import pandas as pd

from ._known_ahead import _check_known_finite, _refuse_known_targets
from ._panel_input import (
    PanelSource,
    check_times,
    check_values,
    read_panel,
    time_keys,
    time_kind,
)
from ._param_validation import StrOptions, validate_params
from ._series_input import _check_columns, _Columns, _read_only
from ._windows import (
    _STEPS,
    SequenceWindows,
    _base_state,
    _compact,
    _gather_targets,
    _regular_geometry,
)

__all__ = ["PanelWindows", "ShortSeriesWarning", "make_panel_windows"]


class ShortSeriesWarning(UserWarning):
    """Series of a panel too short for one window and its targets were skipped.

    The message counts them and names a few.  Pass ``short_series="raise"``
    to `make_panel_windows` to get an error instead, or ``"skip"`` to skip
    them without a warning.
    """


# Rows per block where per-row temporaries would otherwise be the size of
# the panel.
_BLOCK = 1 << 18


class _PanelLayout:
    """Where each series of a panel lies in the stacked array, and its times.

    Shared, unchanged, by every subset and transformed copy of the windows.
    Times of evenly spaced series are kept as a first time and a step per
    series, so they cost nothing per row; others (calendar steps such as
    month starts, float times) as one label per row.

    Parameters
    ----------
    series : pandas.Index
        Id of each series, in the order of the stacked array (a MultiIndex
        for hierarchical ids).
    starts : ndarray of int, shape (n_series + 1,)
        First row of each series in the stacked array, then its length.
    times : pandas.Index or None
        Time of every row of the stacked array; None when the series had no
        times, and the time of a row is its step number in its series.
    time_name : hashable
        Name of the time level of `PanelWindows.index`.
    horizon : int
        Target steps per window.
    """

    def __init__(self, series, starts, times, time_name, horizon):
        self.series = series
        self.starts = starts
        self.time_name = time_name
        self.horizon = horizon
        self.kind = time_kind(times)
        self.times = times
        if times is None:
            first = np.zeros(len(series), dtype=np.int64)
            self.clock = (first, first + 1, pd.Index([], dtype=np.int64))
        else:
            self.clock = _clock(times, starts)
        if self.clock is not None:
            self.times = None

    def series_codes(self, rows):
        """Position in `series` of the series holding each row."""
        return np.searchsorted(self.starts, rows, side="right") - 1

    def keys_at(self, rows):
        """Times of ``rows`` as sortable numbers (nanoseconds for dates)."""
        if self.clock is None:
            return time_keys(self.times[rows])
        first, step, _ = self.clock
        keys = np.empty(len(rows), dtype=first.dtype)
        # In blocks: the temporaries stay small next to the windows.
        for start in range(0, len(rows), _BLOCK):
            block = rows[start : start + _BLOCK]
            codes = self.series_codes(block)
            local = block - self.starts[codes]
            keys[start : start + _BLOCK] = first[codes] + local * step[codes]
        return keys

    def times_at(self, rows):
        """Times of the stacked rows ``rows`` as a pandas Index."""
        if self.clock is None:
            return self.times[rows]
        index = _index_of_keys(self.keys_at(rows), self.clock[2])
        return index.rename(self.time_name)

    @property
    def nbytes(self):
        times = self.times.nbytes if self.clock is None else 16 * len(self.series)
        return self.starts.nbytes + times + self.series.memory_usage()


def _clock(times, starts):
    """(first time, step) of each series as numbers, when all are regular."""
    keys = time_keys(times)
    if keys is None or keys.dtype.kind == "f":
        return None
    first_rows = starts[:-1]
    first = keys[first_rows]
    step = keys[np.minimum(first_rows + 1, len(keys) - 1)] - first
    step[np.diff(starts) < 2] = 0
    for start in range(0, len(keys), _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, len(keys)))
        codes = np.searchsorted(starts, rows, side="right") - 1
        expected = first[codes] + (rows - first_rows[codes]) * step[codes]
        if not np.array_equal(keys[rows], expected):
            return None
    return first, step, times[:0]


def _index_of_keys(keys, template):
    """Labels like those of ``template`` from `time_keys` numbers."""
    if isinstance(template, pd.DatetimeIndex):
        index = pd.DatetimeIndex(keys.view("M8[ns]"))
        if template.tz is not None:
            index = index.tz_localize("UTC").tz_convert(template.tz)
        return index.as_unit(template.unit)
    if isinstance(template, pd.TimedeltaIndex):
        return pd.TimedeltaIndex(keys.view("m8[ns]")).as_unit(template.unit)
    if isinstance(template, pd.PeriodIndex):
        return pd.PeriodIndex.from_ordinals(keys, freq=template.freq)
    return pd.Index(keys.astype(template.dtype, copy=False))


class PanelWindows(SequenceWindows):
    """Lazy windows over a panel of series, each window inside one series.

    A `SequenceWindows` over the series stacked into one array, so scaling,
    differencing, the forecasters and scikit-learn's tools take it as they
    are.  It also records, for every window, its series and the time of its
    last observed step, through every subset ``X[rows]`` and every window
    transformer.  Windows are in time order (by the time of their last
    observed step, then in the order of `series`), so that the estimators
    that hold out the newest windows (``validation_fraction``, conformal
    calibration) hold out the newest of every series.

    Build it with `make_panel_windows`.

    Attributes
    ----------
    shape : tuple of int
        ``(n_windows, window_length, n_features)`` after the operations.
    series : pandas.Index
        Id of every series that has windows: sorted for a long DataFrame or
        a MultiIndex (in the order first seen when the ids do not sort), in
        the order given for a list or dict of series.  Windows ending at the
        same time come in this order.
    series_ids : pandas.Index of shape (n_windows,)
        Id of the series of each window.
    end_times : pandas.Index of shape (n_windows,)
        Time of the last observed step of each window: a label of the time
        column or index, or the step number in the series when the series
        had no times.
    index : pandas.MultiIndex of shape (n_windows,)
        ``(series id, end time)`` of each window, with the level names of
        the input (sktime's panel layout; several id levels for
        hierarchical ids).
    horizon : int
        Target steps per window.
    geometry, operations
        As for `SequenceWindows`.

    See Also
    --------
    make_panel_windows : Build panel windows and their targets.
    skseq.model_selection.PanelTimeSeriesSplit : Folds that cut every series
        at the same dates.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_panel_windows
    >>> X, y = make_panel_windows({"a": np.arange(5.0), "b": np.arange(4.0)},
    ...                           window_length=3)
    >>> X
    PanelWindows(shape=(3, 3, 1), n_series=2, dtype=float64, operations: none)
    >>> list(X.index)
    [('a', 2), ('b', 2), ('a', 3)]
    >>> y
    array([3., 3., 4.])
    >>> X[X.series_ids == "a"].end_times.tolist()
    [2, 3]
    """

    def __init__(self, base, positions, raw_geometry, *, layout, operations=()):
        super().__init__(base, positions, raw_geometry, operations=operations)
        self._layout = layout

    def _derive(self, positions, operations, index):
        return PanelWindows(
            self._base,
            positions,
            self._raw_geometry,
            layout=self._layout,
            operations=operations,
        )

    def __repr__(self):
        ops = ", ".join(type(op).__name__ for op in self._operations) or "none"
        return (
            f"PanelWindows(shape={self.shape}, n_series={len(self.series)}, "
            f"dtype={self.dtype}, operations: {ops})"
        )

    def __reduce__(self):
        positions = _compact(self._positions)
        if not isinstance(positions, range) and len(self._base) < 2**31:
            positions = positions.astype(np.int32)
        return (
            _rebuild_panel,
            (
                _base_state(self._base),
                positions,
                self._raw_geometry,
                self._operations,
                self._layout,
            ),
        )

    def __sizeof__(self):
        return super().__sizeof__() + self._layout.nbytes

    # -- what each window is -------------------------------------------------
    @property
    def series(self):
        return self._layout.series

    @property
    def horizon(self):
        return self._layout.horizon

    def _end_rows(self):
        offsets = self._raw_geometry.offsets
        return self._positions + (offsets[-1] - offsets[0])

    @property
    def series_ids(self):
        codes = self._layout.series_codes(self._end_rows())
        return self._layout.series.take(codes)

    @property
    def end_times(self):
        return self._layout.times_at(self._end_rows())

    @property
    def index(self):
        rows = self._end_rows()
        series = self._layout.series
        codes = self._layout.series_codes(rows)
        time_codes, time_level = pd.factorize(self._layout.times_at(rows), sort=True)
        if isinstance(series, pd.MultiIndex):
            levels = list(series.levels)
            level_codes = [np.asarray(c)[codes] for c in series.codes]
        else:
            levels, level_codes = [series], [codes]
        return pd.MultiIndex(
            levels=[*levels, time_level],
            codes=[*level_codes, time_codes],
            names=[*series.names, self._layout.time_name],
            verify_integrity=False,
        )

    def target_time_keys(self):
        """Times of the first and the last target of each window, as numbers.

        Dates and durations are in nanoseconds, periods in periods, series
        without times in steps; `skseq.model_selection.PanelTimeSeriesSplit`
        compares these.

        Returns
        -------
        first, last : ndarray of shape (n_windows,)
        """
        rows = self._end_rows() + self._raw_geometry.delay
        first = self._layout.keys_at(rows)
        if self._layout.horizon == 1:
            return first, first
        rows += self._layout.horizon - 1
        return first, self._layout.keys_at(rows)


def _rebuild_panel(base_state, positions, raw_geometry, operations, layout):
    if isinstance(positions, range):
        positions = np.arange(positions.start, positions.stop, positions.step)
    return PanelWindows(
        _read_only(base_state[1]),
        positions,
        raw_geometry,
        layout=layout,
        operations=operations,
    )


def _check_target(target, n_features, names, id_column, time_column):
    if target is None:
        if n_features != 1:
            listing = "" if names is None else f" {names}"
            raise ValueError(
                f"`target` is required for series with {n_features} "
                f"columns{listing}; name the column(s) to forecast."
            )
        return (0,)
    requested = [target] if isinstance(target, str | numbers.Integral) else target
    for column in requested:
        for argument, other in (("id_column", id_column), ("time_column", time_column)):
            others = other if isinstance(other, list | tuple) else [other]
            if isinstance(column, str) and column in others:
                raise ValueError(
                    f"`target` {column!r} is the `{argument}`; the target must "
                    f"be one of the value columns {names}."
                )
    return _check_columns(target, n_features, names)


def _skip_short(source, need, short_series):
    """Drop the series shorter than ``need`` rows, saying so as asked."""
    lengths = source.lengths
    short = np.flatnonzero(lengths < need)
    if short.size == len(lengths):
        raise ValueError(
            f"Every series is shorter than one window with its targets "
            f"({need} steps); the longest has {lengths.max()}."
        )
    if not short.size:
        return source
    listing = ", ".join(
        f"{source.series[k]!r} ({lengths[k]} steps)" for k in short[:5]
    ) + (", ..." if short.size > 5 else "")
    message = (
        f"{short.size} of {len(lengths)} series are shorter than one window with "
        f"its targets ({need} steps) and have no windows: {listing}."
    )
    if short_series == "raise":
        raise ValueError(
            message + " Pass short_series='warn' or 'skip' to leave them out."
        )
    if short_series == "warn":
        # Past make_panel_windows and its parameter check, to the caller.
        warnings.warn(message, ShortSeriesWarning, stacklevel=4)
    keep = lengths >= need
    rows = np.repeat(keep, lengths)
    times = None if source.times is None else source.times[rows]
    starts = np.concatenate([[0], np.cumsum(lengths[keep])])
    return PanelSource(
        source.values[rows],
        source.names,
        source.series[keep],
        starts,
        times,
        source.time_name,
        source.where,
    )


# -- windows -------------------------------------------------------------------
def _window_ends(source, first_end, back, stride):
    """Rows of the stacked array where windows end, series by series."""
    starts, lengths = source.starts[:-1], source.lengths
    counts = (lengths - 1 - back - first_end) // stride + 1
    code = np.repeat(np.arange(len(lengths)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return starts[code] + first_end + k * stride


@validate_params(
    {
        "data": "no_validation",
        "window_length": [_STEPS],
        "horizon": [_STEPS],
        "delay": [_STEPS],
        "sampling_rate": [_STEPS],
        "stride": [_STEPS],
        "target": [_Columns(names=True)],
        "id_column": "no_validation",
        "time_column": "no_validation",
        "short_series": [StrOptions({"warn", "raise", "skip"})],
        "known_ahead": [_Columns(names=True)],
    },
    prefer_skip_nested_validation=True,
)
def make_panel_windows(
    data,
    *,
    window_length,
    horizon=1,
    delay=1,
    sampling_rate=1,
    stride=1,
    target=None,
    id_column=None,
    time_column=None,
    short_series="warn",
    known_ahead=None,
):
    """Cut every series of a panel into lazy windows and their targets.

    The panel counterpart of `make_windows`, with the same geometry inside
    each series: window ``i`` ends at step ``t_i`` of its series, and its
    targets are the target column(s) at ``t_i + delay, ...,
    t_i + delay + horizon - 1`` of the same series.  No window or target
    crosses from one series into another, and series may have different
    lengths.  It is a separate function because a list of arrays is also an
    array to `make_windows`, which keeps meaning exactly one series.

    Parameters
    ----------
    data : list or dict of series, or DataFrame
        The panel, in one of three layouts:

        * a list of series, or a dict ``{id: series}``; each an array
          ``(n_steps,)`` or ``(n_steps, n_features)``, a pandas Series or a
          DataFrame, oldest first.  The ids are the list positions or the
          dict keys; a pandas index gives the times, an array has none (its
          times are step numbers from 0);
        * a long DataFrame with one row per series and time, with
          ``id_column`` (and ``time_column``); every other column is a value
          column.  Rows of different series may be interleaved;
        * sktime's panel layout: a DataFrame (or Series) whose index is a
          MultiIndex ``(instance, time)``, or ``(level_0, ..., time)`` for a
          hierarchy, where the id is the tuple of all levels but the last.

        Times are checked within each series: they must be present,
        increasing, without repeats and evenly spaced (calendar steps such
        as month starts count as even, float times up to rounding); dates
        of all series need one time zone.  Values must be finite numbers; a
        string or categorical value column is refused by name.
    window_length : int
        Steps per window (after sampling).
    horizon : int, default=1
        Number of consecutive target steps per window.
    delay : int, default=1
        Steps from the last observed step to the first target.
    sampling_rate : int, default=1
        Keep every ``sampling_rate``-th step inside a window.
    stride : int, default=1
        Steps between the ends of consecutive windows of a series.
    target : int, str, list of them, or None, default=None
        Target column(s) by position or name among the value columns.  None
        means the only value column.
    id_column : hashable or list of them, default=None
        Column(s) of a long DataFrame that identify the series; several
        columns give tuple ids.
    time_column : hashable, default=None
        Column of a long DataFrame with the time of each row.  None takes the
        rows of each series in the order given, with step numbers as times.
    short_series : {"warn", "raise", "skip"}, default="warn"
        What to do with series shorter than one window with its targets
        (``(window_length - 1) * sampling_rate + delay + horizon`` steps):
        leave them out with a `ShortSeriesWarning` that counts and names
        them, raise a ValueError, or leave them out without a warning.
    known_ahead : int, str, list of them, or None, default=None
        Value column(s) known in advance (calendar features, holidays,
        planned prices, weather forecasts), by position or name.  Every
        window also carries their values at its ``horizon`` target steps in
        its own series (its future block, `SequenceWindows.take_future`),
        as `make_windows` does; their past values stay in the window.  A
        target column cannot be known ahead.  Add calendar features as
        columns first, e.g. ``data.join(CalendarFeatures().fit_transform(
        data[time_column]))`` for a long DataFrame.

    Returns
    -------
    X : PanelWindows of shape (n_windows, window_length, n_features)
        Lazy windows over the series stacked into one array, in time order
        (by the time of their last observed step, then in the order of
        ``X.series``).  Series
        given without times are taken to start together.
    y : ndarray
        The targets, shaped as by `make_windows`: ``(n_windows,)`` for one
        target and ``horizon=1``, else ``(n_windows, horizon * n_targets)``,
        step-major.

    See Also
    --------
    make_windows : The same for one series.
    skseq.model_selection.PanelTimeSeriesSplit : Cross-validation folds that
        cut all series at the same dates.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq import make_panel_windows
    >>> sales = pd.DataFrame({
    ...     "store": ["a"] * 5 + ["b"] * 4,
    ...     "day": list(pd.date_range("2024-01-01", periods=5))
    ...            + list(pd.date_range("2024-01-02", periods=4)),
    ...     "units": [1.0, 2, 3, 4, 5, 10, 20, 30, 40]})
    >>> X, y = make_panel_windows(sales, window_length=2, horizon=2,
    ...                           id_column="store", time_column="day")
    >>> X.shape, y.tolist()
    ((3, 2, 1), [[3.0, 4.0], [4.0, 5.0], [30.0, 40.0]])
    >>> [(store, str(day.date())) for store, day in X.index]
    [('a', '2024-01-02'), ('a', '2024-01-03'), ('b', '2024-01-03')]
    """
    window_length, horizon, delay = int(window_length), int(horizon), int(delay)
    sampling_rate, stride = int(sampling_rate), int(stride)
    source = read_panel(data, id_column, time_column)
    check_times(source)
    names, n_features = source.names, source.values.shape[1]
    columns = _check_target(target, n_features, names, id_column, time_column)
    known = ()
    if known_ahead is not None:
        known = _check_columns(known_ahead, n_features, names, "known_ahead")
        _refuse_known_targets(known, columns, names)
        _check_known_finite(source.values, known, names, source.describe)
    check_values(source, names)
    span = (window_length - 1) * sampling_rate + 1
    source = _skip_short(source, span + delay + horizon - 1, short_series)
    ends = _window_ends(source, span - 1, delay + horizon - 1, stride)
    layout = _PanelLayout(
        source.series, source.starts, source.times, source.time_name, horizon
    )
    # Time order, series order within a time: the newest windows come last.
    ends = ends[np.argsort(layout.keys_at(ends), kind="stable")]
    y = _gather_targets(source.values, ends, columns, delay, horizon)
    geometry = _regular_geometry(
        window_length, sampling_rate, delay, horizon, columns, n_features, known
    )
    base = _read_only(source.values)
    return PanelWindows(base, ends - (span - 1), geometry, layout=layout), y
