"""Windows over a panel of many series, never crossing from one into the next.

`make_panel_windows` stacks the series of a panel into one array and places
windows inside each series only.  It returns a `PanelWindows`: a
`SequenceWindows` (so every transformer and estimator takes it as it is)
that also knows, for every window, its series and the time of its last
observed step.
"""

import numbers
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._geometry import WindowGeometry
from ._param_validation import StrOptions, validate_params
from ._windows import (
    _STEPS,
    SequenceWindows,
    _base_state,
    _check_columns,
    _Columns,
    _compact,
    _read_only,
    _series_to_array,
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
            return _time_keys(self.times[rows])
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
    keys = _time_keys(times)
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
    """Labels like those of ``template`` from `_time_keys` numbers."""
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
    observed step, then by series), so that the estimators that hold out the
    newest windows (``validation_fraction``, conformal calibration) hold out
    the newest of every series.

    Build it with `make_panel_windows`.

    Attributes
    ----------
    shape : tuple of int
        ``(n_windows, window_length, n_features)`` after the operations.
    series : pandas.Index
        Id of every series that has windows, in the order they were given.
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


# -- times -------------------------------------------------------------------
def _time_keys(times):
    """Sortable numbers for a pandas Index of times; None for other labels."""
    if isinstance(times, pd.DatetimeIndex | pd.TimedeltaIndex):
        return times.as_unit("ns").asi8
    if isinstance(times, pd.PeriodIndex):
        return times.asi8
    if times.dtype.kind in "iuf":
        return times.to_numpy()
    return None


def time_kind(times):
    """ "datetime", "timedelta", "period", "number" or "step" (no times)."""
    if times is None:
        return "step"
    if isinstance(times, pd.DatetimeIndex):
        return "datetime"
    if isinstance(times, pd.TimedeltaIndex):
        return "timedelta"
    if isinstance(times, pd.PeriodIndex):
        return "period"
    return "number"


class _Source:
    """A panel in one layout: every series' rows together, in time order.

    ``values`` stacks the rows of the series in the order of ``series``;
    ``starts[k]:starts[k + 1]`` are the rows of series ``k``.  ``where``
    holds the words and code that error messages use for this input.
    """

    def __init__(self, values, names, series, starts, times, time_name, where):
        self.values = values
        self.names = names
        self.series = series
        self.starts = starts
        self.times = times
        self.time_name = time_name
        self.where = where

    @property
    def lengths(self):
        return np.diff(self.starts)

    def row_series(self):
        return np.repeat(np.arange(len(self.series)), self.lengths)

    def describe(self, row):
        """'series <id> at <time>' for a row of the stacked array."""
        code = int(np.searchsorted(self.starts, row, side="right") - 1)
        if self.times is None:
            when = f"step {row - self.starts[code]}"
        else:
            when = f"time {self.times[row]}"
        return f"series {self.series[code]!r} at {when}"


# -- reading the three input layouts -------------------------------------------
def _from_series(data):
    """A list (or dict by id) of arrays, Series or DataFrames."""
    if isinstance(data, Mapping):
        series, items = pd.Index(list(data.keys())), list(data.values())
    else:
        items = list(data)
        series = pd.RangeIndex(len(items))
    if not items:
        raise ValueError("`data` holds no series; pass at least one.")
    arrays, times, names = [], [], None
    for key, item in zip(series, items):
        arrays.append(_series_values(key, item))
        item_names = None
        if hasattr(item, "index") and hasattr(item, "to_numpy"):
            times.append(item.index)
            item_names = list(item.columns) if hasattr(item, "columns") else [item.name]
        else:
            times.append(None)
        names = _same_columns(names, item_names, key, arrays)
    if all(t is None for t in times):
        times = None
    else:
        times = [
            pd.RangeIndex(len(a)) if t is None else t for t, a in zip(times, arrays)
        ]
        times = times[0].append(times[1:])
    starts = np.concatenate([[0], np.cumsum([len(a) for a in arrays])])
    values = np.concatenate(arrays)
    where = {
        "id": "the series",
        "time": "the index of the series",
        "sort": "series.sort_index()",
        "dedupe": "series[~series.index.duplicated()]",
        "fill": "series.asfreq(step).interpolate()",
    }
    time_name = None if times is None else times.name
    return _Source(values, names, series, starts, times, time_name, where)


def _series_values(key, item):
    if isinstance(getattr(item, "index", None), pd.MultiIndex):
        raise ValueError(
            f"Series {key!r} of `data` has a MultiIndex; pass such a panel "
            "itself (not in a list), with (instance, time) levels."
        )
    try:
        if hasattr(item, "index") and hasattr(item, "to_numpy"):
            # Its index is checked with the other series' times.
            item = item.reset_index(drop=True)
        return _series_to_array(item)[0]
    except ValueError as error:
        raise ValueError(f"Series {key!r} of `data`: {error}") from None


def _same_columns(names, item_names, key, arrays):
    """The column names shared by all series so far; raise when they differ."""
    if len(arrays) > 1 and arrays[-1].shape[1] != arrays[0].shape[1]:
        raise ValueError(
            f"Every series of a panel needs the same columns: series {key!r} has "
            f"{arrays[-1].shape[1]} column(s) but the first has "
            f"{arrays[0].shape[1]}."
        )
    if len(arrays) == 1 or names is None:
        return item_names if len(arrays) == 1 else names
    if item_names is None or item_names == names:
        return names
    if len(names) == 1:
        # Series named after what they measure (one per store, say).
        return None
    raise ValueError(
        f"Every series of a panel needs the same columns: series {key!r} has "
        f"columns {item_names} but the first has {names}."
    )


def _from_long(data, id_column, time_column):
    """A long DataFrame: one row per (series, time), id and time in columns."""
    columns = list(data.columns)
    id_columns = list(id_column) if isinstance(id_column, list | tuple) else [id_column]
    wanted = [("id_column", c) for c in id_columns]
    if time_column is not None:
        wanted.append(("time_column", time_column))
    for argument, column in wanted:
        if column not in data.columns:
            raise ValueError(
                f"`{argument}` {column!r} is not a column of `data`; its columns "
                f"are {columns}."
            )
    if time_column in id_columns:
        raise ValueError(
            f"`time_column` {time_column!r} is also the `id_column`; name the "
            "column that holds each row's time."
        )
    used = set(id_columns) | {time_column}
    value_columns = [c for c in columns if c not in used]
    if not value_columns:
        raise ValueError(
            "`data` has no value columns besides the id and time columns "
            f"{sorted(map(str, used - {None}))}."
        )
    id_name = id_columns[0] if len(id_columns) == 1 else id_columns
    keys = [id_name, time_column] if time_column is not None else [id_name]
    keys = [k for key in keys for k in (key if isinstance(key, list) else [key])]
    where = {
        "id": f"`id_column` {id_name!r}",
        "time": f"`time_column` {time_column!r}",
        "sort": f"data.sort_values({keys!r})",
        "dedupe": f"data.drop_duplicates({keys!r})",
        "fill": "reindex each series to a regular step and interpolate",
    }
    ids = data[id_columns[0]] if len(id_columns) == 1 else data[id_columns]
    times = None if time_column is None else pd.Index(data[time_column])
    return _group(ids, times, data[value_columns], time_column, where)


def _from_multiindex(data):
    """sktime's panel (instance, time) or hierarchy (levels..., time) layout."""
    index = data.index
    names = list(index.names)
    levels = [f"level {k}" if n is None else repr(n) for k, n in enumerate(names)]
    where = {
        "id": f"index level {levels[0]}"
        if index.nlevels == 2
        else f"index levels {', '.join(levels[:-1])}",
        "time": f"index level {levels[-1]}",
        "sort": "data.sort_index()",
        "dedupe": "data[~data.index.duplicated()]",
        "fill": "reindex each series to a regular step and interpolate",
    }
    ids = index.droplevel(-1).to_frame(index=False)
    if index.nlevels == 2:
        ids = ids.iloc[:, 0]
    times = index.get_level_values(-1)
    values = data.reset_index(drop=True)
    source = _group(ids, times, values, names[-1], where)
    source.series.names = names[:-1]
    return source


def _group(ids, times, values, time_name, where):
    """Rows of one series together (keeping their order), and their values."""
    missing = ids.isna() if ids.ndim == 1 else ids.isna().any(axis=1)
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0])
        raise ValueError(
            f"{where['id']} is missing (NaN) at row {row}: every row needs the "
            "id of its series. Drop those rows or give them an id first."
        )
    # Series in the order of their ids, as groupby and a sorted MultiIndex
    # give them: the same panel gives the same windows in either layout.
    keys = ids if ids.ndim == 1 else pd.MultiIndex.from_frame(ids)
    try:
        codes, series = pd.factorize(keys, sort=True)
    except TypeError:  # ids that do not sort (mixed types): first seen first
        codes, series = pd.factorize(keys)
    if ids.ndim == 1:
        series = pd.Index(series, name=ids.name)
    order = None
    if np.any(codes[1:] < codes[:-1]):
        # Interleaved series (a frame sorted by time, say): gather each
        # series' rows, keeping their order.
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        times = None if times is None else times.take(order)
    array = _series_to_array(values.reset_index(drop=True))[0]
    if order is not None:
        array = array[order]
    names = list(values.columns) if hasattr(values, "columns") else [values.name]
    starts = np.concatenate([[0], np.cumsum(np.bincount(codes))])
    return _Source(array, names, series, starts, times, time_name, where)


# -- checks --------------------------------------------------------------------
def _check_times(source):
    """Refuse times that are missing, out of order, repeated or unevenly spaced."""
    times = source.times
    if times is None:
        return
    keys = _time_keys(times)
    if keys is None:
        raise ValueError(
            f"{source.where['time']} holds {times.dtype} values; the times of "
            "a panel must be dates, durations, periods or numbers, of one kind "
            "for all series (convert them first, e.g. with pd.to_datetime)."
        )
    if times.hasnans:
        row = int(np.flatnonzero(times.isna())[0])
        raise ValueError(
            f"{source.where['time']} is missing for "
            f"{source.describe(row).split(' at ')[0]} (row {row} of the "
            "series' rows): every row needs its time."
        )
    if len(keys) < 2:
        return
    same = np.ones(len(keys) - 1, dtype=bool)
    same[source.starts[1:-1] - 1] = False
    steps = np.diff(keys)
    _check_order(source, same & (steps < 0), "sort")
    _check_order(source, same & (steps == 0), "dedupe")
    if time_kind(times) != "number" or times.dtype.kind in "iu":
        _check_spacing(source, keys, steps, same)


def _check_order(source, bad, problem):
    rows = np.flatnonzero(bad)
    if not rows.size:
        return
    row = int(rows[0]) + 1
    times, where = source.times, source.where
    if problem == "sort":
        message = (
            f"{where['time']} is not increasing within each series: in "
            f"{source.describe(row)}, which comes after {times[row - 1]}. "
            f"Windows are cut in row order, so sort the rows first: "
            f"{where['sort']}."
        )
    else:
        message = (
            f"{where['time']} repeats a time within a series: "
            f"{source.describe(row)} appears twice. Keep one row per time, e.g. "
            f"{where['dedupe']}, or average the repeats."
        )
    raise ValueError(message)


def _check_spacing(source, keys, steps, same):
    first = source.starts[:-1]
    # Each step against the first step of its series.
    reference = steps[np.minimum(first, len(steps) - 1)][source.row_series()[:-1]]
    uneven = np.flatnonzero(same & (steps != reference))
    if not uneven.size:
        return
    codes = np.unique(np.searchsorted(source.starts, uneven + 1, side="right") - 1)
    for code in codes:
        rows = slice(source.starts[code], source.starts[code + 1])
        times = source.times[rows]
        if isinstance(times, pd.DatetimeIndex) and pd.infer_freq(times) is not None:
            continue  # months, business days: calendar steps of unequal length
        local = np.diff(keys[rows])
        values, counts = np.unique(local, return_counts=True)
        usual = values[np.argmax(counts)]
        k = int(np.flatnonzero(local != usual)[0]) + 1
        usual_step = (
            times[int(np.flatnonzero(local == usual)[0]) + 1]
            - times[int(np.flatnonzero(local == usual)[0])]
        )
        raise ValueError(
            f"{source.where['time']} is unevenly spaced in series "
            f"{source.series[code]!r}: most steps are {usual_step} but "
            f"{times[k]} is {times[k] - times[k - 1]} after the time before it "
            f"({times[k - 1]}). Windows count rows, not time, so a gap would "
            f"silently join distant steps: {source.where['fill']} first."
        )


def _check_values(source, names, chunk_rows=1 << 16):
    values = source.values
    for start in range(0, len(values), chunk_rows):
        block = values[start : start + chunk_rows]
        finite = np.isfinite(block)
        if finite.all():
            continue
        row, column = np.argwhere(~finite)[0]
        label = names[column] if names is not None else column
        raise ValueError(
            f"`data` has NaN or infinity in column {label!r} of "
            f"{source.describe(start + int(row))}; fill or interpolate missing "
            "values before making windows."
        )


def _check_target(target, n_features, names, source, id_column, time_column):
    if target is None:
        if n_features != 1:
            raise ValueError(
                f"`target` is required for series with {n_features} columns "
                f"{names if names is not None else ''}; name the column(s) to "
                "forecast."
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
        warnings.warn(message, ShortSeriesWarning, stacklevel=3)
    keep = lengths >= need
    rows = np.repeat(keep, lengths)
    times = None if source.times is None else source.times[rows]
    starts = np.concatenate([[0], np.cumsum(lengths[keep])])
    return _Source(
        source.values[rows],
        source.names,
        source.series[keep],
        starts,
        times,
        source.time_name,
        source.where,
    )


def _read(data, id_column, time_column):
    if id_column is not None:
        if not hasattr(data, "columns"):
            raise ValueError(
                "`id_column` is given, so `data` must be a long DataFrame with "
                f"an id column; got {type(data).__name__}."
            )
        return _from_long(data, id_column, time_column)
    if time_column is not None:
        raise ValueError(
            "`time_column` needs `id_column`: a long DataFrame has one row per "
            "(series, time), and the id column says which series."
        )
    if isinstance(getattr(data, "index", None), pd.MultiIndex):
        return _from_multiindex(data)
    if hasattr(data, "columns") or isinstance(data, pd.Series | np.ndarray):
        raise ValueError(
            f"`data` is one {type(data).__name__}, not a panel. Pass a list (or "
            "dict) of series, a long DataFrame with `id_column` (and "
            "`time_column`), or a DataFrame with an (instance, time) MultiIndex; "
            "for a single series use make_windows."
        )
    if isinstance(data, list | tuple | Mapping):
        return _from_series(data)
    raise ValueError(
        "`data` must be a list or dict of series, a long DataFrame with "
        "`id_column`, or a DataFrame with an (instance, time) MultiIndex; got "
        f"{type(data).__name__}."
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
        increasing, without repeats and, for dates, durations, periods and
        integers, evenly spaced (calendar steps such as month starts count
        as even).  Values must be finite numbers; a string or categorical
        value column is refused by name.
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

    Returns
    -------
    X : PanelWindows of shape (n_windows, window_length, n_features)
        Lazy windows over the series stacked into one array, in time order
        (by the time of their last observed step, then by series).  Series
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
    source = _read(data, id_column, time_column)
    _check_times(source)
    names, n_features = source.names, source.values.shape[1]
    columns = _check_target(target, n_features, names, source, id_column, time_column)
    _check_values(source, names)
    span = (window_length - 1) * sampling_rate + 1
    source = _skip_short(source, span + delay + horizon - 1, short_series)
    ends = _window_ends(source, span - 1, delay + horizon - 1, stride)
    layout = _PanelLayout(
        source.series, source.starts, source.times, source.time_name, horizon
    )
    # Time order, series order within a time: the newest windows come last.
    ends = ends[np.argsort(layout.keys_at(ends), kind="stable")]
    target_rows = ends[:, np.newaxis] + delay + np.arange(horizon)
    y = source.values[target_rows[:, :, np.newaxis], np.asarray(columns)]
    y = y.astype(np.float64, copy=False).reshape(len(ends), horizon * len(columns))
    if y.shape[1] == 1:
        y = y[:, 0]
    geometry = WindowGeometry.regular(
        window_length,
        sampling_rate=sampling_rate,
        delay=delay,
        target_columns=columns,
        n_features=n_features,
    )
    base = _read_only(source.values)
    return PanelWindows(base, ends - (span - 1), geometry, layout=layout), y
