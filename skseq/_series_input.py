"""Reading one series into a float array, and naming its columns.

`_series_to_array` turns an array, pandas Series or DataFrame into the 2-D
float array that windows are cut from, refusing non-numeric columns and an
index whose rows are not evenly spaced steps; `_check_columns` resolves
column arguments (``target``, ``known_ahead``) by position or name.
"""

import numbers

import numpy as np

from ._param_validation import Options


def _as_float_array(values, name):
    # A memmap stays a memmap so that pickling can refer to its file.
    array = values if isinstance(values, np.memmap) else np.asarray(values)
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: `{name}` is {array.dtype}.")
    if array.dtype.kind == "O":
        array = array.astype(np.float64)
    if array.dtype.kind not in "fiub":
        raise ValueError(
            f"`{name}` must hold numbers, got an array of dtype {array.dtype}."
        )
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def _read_only(array):
    view = array.view()
    view.flags.writeable = False
    return view


def _is_column(value, names):
    # bool is an int, but target=True is a mistake, not column 1.
    if isinstance(value, bool):
        return False
    return isinstance(value, numbers.Integral) or (names and isinstance(value, str))


class _Columns(Options):
    """Columns: None, an int index, a str name, or a non-empty list of them.

    An `Options` only so that scikit-learn's ``make_constraint`` accepts it.
    """

    def __init__(self, *, names):
        super().__init__(object, set())
        self.names = names

    def is_satisfied_by(self, val):
        if val is None or _is_column(val, self.names):
            return True
        if not isinstance(val, (list, tuple, np.ndarray)) and not hasattr(
            val, "to_list"
        ):
            return False
        columns = list(val)
        return len(columns) > 0 and all(_is_column(c, self.names) for c in columns)

    def __str__(self):
        if self.names:
            return "None, a column index (int), a column name (str) or a list of them"
        return "None, a column index (int) or a list of them"


def _check_columns(columns, n_features, names=None, argument="target"):
    single = isinstance(columns, (str, numbers.Integral))
    requested = [columns] if single else list(columns)
    if not requested:
        raise ValueError(f"`{argument}` must name at least one column, got [].")
    indices = []
    for column in requested:
        if names is not None and isinstance(column, str):
            if column not in names:
                raise ValueError(
                    f"`{argument}` column {column!r} does not exist; available "
                    f"columns: {list(names)}."
                )
            indices.append(names.index(column))
        elif (
            isinstance(column, numbers.Integral) and -n_features <= column < n_features
        ):
            indices.append(int(column) % n_features)
        else:
            raise ValueError(
                f"`{argument}` column {column!r} does not exist; the series has "
                f"{n_features} column(s): use an index in [0, {n_features})"
                + (" or a column name." if names is not None else ".")
            )
    return tuple(indices)


# Object columns of these kinds convert to floats; "empty" (all missing)
# becomes NaN, which the finite check then reports by row.
_NUMERIC_OBJECTS = {
    "integer",
    "floating",
    "mixed-integer-float",
    "decimal",
    "boolean",
    "empty",
}


def _is_numeric(column, dtype):
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        # Labels, even when they look like numbers: their codes carry no order.
        return False
    if dtype.kind == "O":
        return pd.api.types.infer_dtype(column, skipna=True) in _NUMERIC_OBJECTS
    return dtype.kind in "biufc"


def _check_numeric_columns(data):
    """Raise a ValueError naming the DataFrame columns (or Series) of non-numbers."""
    if hasattr(data, "columns"):
        bad = [
            (name, dtype)
            for (name, dtype), (_, column) in zip(data.dtypes.items(), data.items())
            if not _is_numeric(column, dtype)
        ]
        if not bad:
            return
        listing = ", ".join(f"{name!r} ({dtype})" for name, dtype in bad)
        names = [name for name, _ in bad]
        raise ValueError(
            f"`data` has {'column' if len(bad) == 1 else 'columns'} {listing} "
            "that do not hold numbers, and windows are made of numbers: drop "
            f"them (data.drop(columns={names!r})) or encode them as numbers "
            f"first, e.g. pd.get_dummies(data, columns={names!r}, dtype=float)."
        )
    if not _is_numeric(data, data.dtype):
        name = "" if data.name is None else f" {data.name!r}"
        raise ValueError(
            f"`data` is the series{name} ({data.dtype}), which does not hold "
            "numbers, and windows are made of numbers: drop or encode it as "
            "numbers first, e.g. pd.get_dummies(data, dtype=float)."
        )


def _label(index, position):
    return f"position {position} ({index[position]})"


_OR_AS_ROWS = (
    " If the rows are consecutive steps whatever their labels, pass "
    "data.to_numpy() instead."
)


def _check_index(index):
    """Refuse an index whose rows are not sorted, distinct, evenly spaced steps.

    Windows are cut by row, so such an index would silently give windows
    that mix the order of time or skip over gaps.  Only indexes of times and
    numbers are checked: other labels (names, categories) carry no order.
    """
    import pandas as pd

    if isinstance(index, pd.RangeIndex) and index.step > 0:
        return
    if isinstance(index, pd.MultiIndex):
        # sktime's panel format: cutting its rows in order would run windows
        # from one series into the next.
        raise ValueError(
            f"The index of `data` is a MultiIndex with levels {list(index.names)}, "
            "as in sktime's panels of several series (instance, time); windows "
            "of one series would run into the next. Use "
            "skseq.make_panel_windows(data, ...) for a panel, or select one "
            "series first, e.g. data.xs(key, level=0)."
        )
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex | pd.TimedeltaIndex):
        key, spaced = index.asi8, True
    elif index.dtype.kind not in "iuf":
        return
    else:
        key, spaced = index.to_numpy(), index.dtype.kind in "iu"
    if index.hasnans:
        position = int(np.flatnonzero(index.isna())[0])
        raise ValueError(
            f"The index of `data` has a missing label ({index[position]}) at "
            f"position {position}: every row needs its time. Drop or label "
            "those rows first, e.g. data[data.index.notna()]." + _OR_AS_ROWS
        )
    later, earlier = key[1:], key[:-1]
    backwards = np.flatnonzero(later < earlier)
    if backwards.size:
        position = int(backwards[0]) + 1
        raise ValueError(
            "The index of `data` is not in increasing order: "
            f"{_label(index, position)} comes after {index[position - 1]}. "
            "Windows are cut in row order, so sort the rows first: "
            "data.sort_index()." + _OR_AS_ROWS
        )
    repeated = np.flatnonzero(later == earlier)
    if repeated.size:
        position = int(repeated[0]) + 1
        raise ValueError(
            f"The index of `data` has duplicate labels: {_label(index, position)} "
            "repeats the label before it. Keep one row per label, e.g. "
            "data[~data.index.duplicated()], or average them: "
            "data.groupby(level=0).mean()." + _OR_AS_ROWS
        )
    if spaced and len(key) > 2:
        _check_spacing(index, later - earlier)


def _check_spacing(index, steps):
    """Raise when the steps of a sorted index without repeats are uneven."""
    import pandas as pd

    if np.all(steps == steps[0]):
        return
    step = None
    if isinstance(index, pd.DatetimeIndex):
        # Months, business days and days across a DST change are regular
        # steps of unequal length.
        if index.freq is not None or pd.infer_freq(index) is not None:
            return
        # The frequency of the first labels tells such steps from gaps.
        step = pd.infer_freq(index[:3])
    if step is not None:
        regular = pd.date_range(index[0], periods=len(index), freq=step)
        off = np.flatnonzero(index != regular)
        if not off.size:
            return
        position, pattern = int(off[0]), f"it starts in steps of {step!r}"
    else:
        values, counts = np.unique(steps, return_counts=True)
        usual = values[np.argmax(counts)]
        position = int(np.flatnonzero(steps != usual)[0]) + 1
        step = _step(index, int(np.flatnonzero(steps == usual)[0]) + 1)
        pattern = f"most steps are {step}"
    raise ValueError(
        f"The index of `data` is unevenly spaced: {pattern} but "
        f"{_label(index, position)} is {_step(index, position)} after the one "
        f"before ({index[position - 1]}). Windows count rows, not time, so a gap "
        "would silently join distant steps: fill the gaps first, e.g. "
        f"{_fill_gaps(index, step)}." + _OR_AS_ROWS
    )


def _fill_gaps(index, step):
    """Code that reindexes ``data`` to regular ``step``s and interpolates."""
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        freq = step if isinstance(step, str) else _alias(step)
        return f"data.asfreq({freq!r}).interpolate()"
    ends = "data.index[0], data.index[-1]"
    if isinstance(index, pd.PeriodIndex):
        labels = f"pd.period_range({ends}, freq={index.freqstr!r})"
    elif isinstance(index, pd.TimedeltaIndex):
        labels = f"pd.timedelta_range({ends}, freq={_alias(step)!r})"
    else:
        labels = f"range({index[0]}, {index[-1] + step}, {step})"
    return f"data.reindex({labels}).interpolate()"


def _step(index, position):
    """The step from the label before ``position`` to it, as a user reads it."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        count = (index.asi8[position] - index.asi8[position - 1]) // index.freq.n
        return f"{count} period{'' if count == 1 else 's'}"
    return index[position] - index[position - 1]


def _alias(step):
    """A pandas frequency alias for a `pandas.Timedelta` step."""
    import pandas as pd

    for unit, alias in (("1D", "D"), ("1h", "h"), ("1min", "min"), ("1s", "s")):
        count, rest = divmod(step, pd.Timedelta(unit))
        if not rest:
            return alias if count == 1 else f"{count}{alias}"
    return pd.tseries.frequencies.to_offset(step).freqstr


def _series_to_array(data):
    """Return (2-D float array, column names or None, index or None)."""
    names = index = None
    if hasattr(data, "to_numpy") and hasattr(data, "index"):
        _check_numeric_columns(data)
        _check_index(data.index)
        index = data.index
        if hasattr(data, "columns"):
            names = list(data.columns)
        else:
            names = None if data.name is None else [data.name]
        dtypes = data.dtypes if hasattr(data, "columns") else [data.dtype]
        if all(isinstance(dtype, np.dtype) for dtype in dtypes):
            array = data.to_numpy()
        else:
            # Nullable columns: missing values as NaN, reported below by row.
            array = data.to_numpy(dtype=np.float64, na_value=np.nan)
        if array.ndim == 1:
            array = array[:, np.newaxis]
    else:
        array = data if isinstance(data, np.memmap) else np.asarray(data)
        if array.ndim == 1:
            array = array[:, np.newaxis]
    array = _as_float_array(array, "data")
    if array.ndim != 2:
        raise ValueError(
            "`data` must be a series: 1-D (n_steps,) or 2-D (n_steps, n_features); "
            f"got shape {array.shape}."
        )
    return array, names, index
