"""Reading a panel from its three layouts, and checking its times and values.

Lists or dicts of series, long DataFrames with id and time columns, and
sktime's MultiIndex frames all become one `PanelSource`: the rows of each series
together in one array, with their ids and times, checked so that windows cut
by row are windows in time.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._series_input import _series_to_array

__all__ = [
    "PanelSource",
    "check_times",
    "check_values",
    "read_panel",
    "time_keys",
    "time_kind",
]


# -- times -------------------------------------------------------------------
def time_keys(times):
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


class PanelSource:
    """A panel read from any layout: the rows of each series together.

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
    return PanelSource(values, names, series, starts, times, time_name, where)


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
    return PanelSource(array, names, series, starts, times, time_name, where)


# -- checks --------------------------------------------------------------------
def check_times(source):
    """Refuse times that are missing, out of order, repeated or unevenly spaced."""
    times = source.times
    if times is None:
        return
    keys = time_keys(times)
    if keys is None:
        _refuse_mixed_zones(source)
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
    _check_spacing(source, keys, steps, same)


def _refuse_mixed_zones(source):
    """Raise when the dates of the series are in different time zones."""
    zones = {
        str(time.tz) if time.tz is not None else "no time zone"
        for time in source.times
        if isinstance(time, pd.Timestamp)
    }
    if len(zones) > 1:
        raise ValueError(
            f"{source.where['time']} holds dates in different time zones "
            f"({', '.join(sorted(zones))}); the series of a panel are cut at "
            "the same dates, so their times need one zone. Convert them to one "
            "first, e.g. with tz_convert('UTC') (tz_localize(zone) for dates "
            "without a zone)."
        )


def _same_step(steps, usual, inexact):
    """Whether ``steps`` equal the ``usual`` step; float times up to rounding."""
    if inexact:
        return np.isclose(steps, usual, rtol=1e-6, atol=0)
    return steps == usual


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
    inexact = keys.dtype.kind == "f"
    first = source.starts[:-1]
    # Each step against the first step of its series.
    reference = steps[np.minimum(first, len(steps) - 1)][source.row_series()[:-1]]
    uneven = np.flatnonzero(same & ~_same_step(steps, reference, inexact))
    if not uneven.size:
        return
    codes = np.unique(np.searchsorted(source.starts, uneven + 1, side="right") - 1)
    for code in codes:
        rows = slice(source.starts[code], source.starts[code + 1])
        times = source.times[rows]
        if isinstance(times, pd.DatetimeIndex) and pd.infer_freq(times) is not None:
            continue  # months, business days: calendar steps of unequal length
        local = np.diff(keys[rows])
        if inexact:
            usual = np.median(local)
        else:
            values, counts = np.unique(local, return_counts=True)
            usual = values[np.argmax(counts)]
        regular = _same_step(local, usual, inexact)
        if regular.all():
            continue  # the first step was a little off, within rounding
        k = int(np.flatnonzero(~regular)[0]) + 1
        j = int(np.flatnonzero(regular)[0])
        usual_step = times[j + 1] - times[j]
        raise ValueError(
            f"{source.where['time']} is unevenly spaced in series "
            f"{source.series[code]!r}: most steps are {usual_step} but "
            f"{times[k]} is {times[k] - times[k - 1]} after the time before it "
            f"({times[k - 1]}). Windows count rows, not time, so a gap would "
            f"silently join distant steps: {source.where['fill']} first."
        )


def check_values(source, names, chunk_rows=1 << 16):
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


def read_panel(data, id_column, time_column):
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
