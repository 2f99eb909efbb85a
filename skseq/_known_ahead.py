"""Known-ahead inputs: columns whose values over the horizon are known.

Resolving the ``known_ahead`` argument of the window makers, and checking the
future blocks given to `SequenceWindows.from_array`: which columns they are,
that none is a target, and that every known value is finite.
"""

import numpy as np

from ._series_input import (
    _as_float_array,
    _check_columns,
    _Columns,
    _read_only,
    _series_to_array,
)


def _check_future_array(future, known_columns, windows, target_columns, name):
    """Known columns and the read-only future blocks given to `from_array`."""
    if future is None:
        if known_columns is not None:
            raise ValueError(
                "`known_columns` names the columns whose future values "
                "`future` holds, but `future` is None; pass both or neither."
            )
        return (), None
    if known_columns is None:
        raise ValueError(
            "`future` holds future values of known-ahead columns: name them "
            "with `known_columns` (their positions among X's features)."
        )
    known = _check_columns(known_columns, windows.shape[2], argument="known_columns")
    _refuse_known_targets(known, target_columns, None)
    future = _as_float_array(future, "future")
    if future.ndim == 2:
        future = future[:, :, np.newaxis]
    expected = (len(windows), "horizon", len(known))
    if (
        future.ndim != 3
        or len(future) != len(windows)
        or future.shape[2] != len(known)
        or future.shape[1] == 0
    ):
        raise ValueError(
            f"`future` must have shape {expected} (windows of `{name}`, target "
            f"steps, known columns); got {future.shape}."
        )
    bad = np.argwhere(~np.isfinite(future))
    if bad.size:
        window, step, column = bad[0]
        raise ValueError(
            f"`future` is missing (NaN or infinite) known-ahead column "
            f"{known[column]} at target step {step} of window {window}; every "
            "window needs the values of its whole horizon."
        )
    return known, _read_only(future)


def _refuse_known_targets(known, targets, names):
    """Raise when a known-ahead column is also a target column."""
    both = [c for c in known if targets is not None and c in targets]
    if both:
        label = names[both[0]] if names is not None else both[0]
        raise ValueError(
            f"Column {label!r} is both a target and `known_ahead`: a target's "
            "future values are what is forecast, so they cannot be inputs. "
            "Drop it from `known_ahead` (its past values are in the window "
            "anyway)."
        )


def _append_known(known_ahead, array, names, index):
    """Resolve ``known_ahead`` of `make_windows`.

    Returns the series with any given known-ahead columns appended, its
    column names, and the positions of the known-ahead columns.
    """
    if known_ahead is None:
        return array, names, ()
    if not (hasattr(known_ahead, "to_numpy") and hasattr(known_ahead, "index")):
        if not _Columns(names=True).is_satisfied_by(known_ahead):
            raise ValueError(
                "`known_ahead` must be column(s) of `data` (an int, a str or a "
                "list of them) or a pandas DataFrame or Series of values with "
                f"one row per row of `data`; got {known_ahead!r}."
            )
        known = _check_columns(known_ahead, array.shape[1], names, "known_ahead")
        return array, names, known
    extra, extra_names, extra_index = _series_to_array(known_ahead)
    if len(extra) != len(array):
        raise ValueError(
            f"`known_ahead` has {len(extra)} rows but `data` has {len(array)}: "
            "it needs the known values at every step of the series, aligned "
            "row by row."
        )
    if index is not None and not extra_index.equals(index):
        position = int(np.flatnonzero(extra_index != index)[0])
        raise ValueError(
            f"`known_ahead` is not aligned with `data`: at position {position} "
            f"its index is {extra_index[position]} but that of `data` is "
            f"{index[position]}. Reindex it first, e.g. "
            "known_ahead.reindex(data.index), and fill the missing values."
        )
    n_data = array.shape[1]
    extra_names = extra_names or [f"known_ahead[{k}]" for k in range(extra.shape[1])]
    base_names = names if names is not None else list(range(n_data))
    clash = sorted(set(map(str, base_names)) & set(map(str, extra_names)))
    if clash:
        raise ValueError(
            f"`known_ahead` column(s) {clash} are also columns of `data`; name "
            "them differently, or pass their names as known_ahead=[...] instead."
        )
    array = np.concatenate([array, extra.astype(array.dtype, copy=False)], axis=1)
    names = list(base_names) + list(extra_names)
    return array, names, tuple(range(n_data, n_data + extra.shape[1]))


def _check_known_finite(array, known, names, describe):
    """Raise, naming the column and the time, when a known value is missing.

    ``describe(row)`` says which step (and series) a row of ``array`` is.
    """
    for column in known:
        missing = np.flatnonzero(~np.isfinite(array[:, column]))
        if missing.size:
            label = names[column] if names is not None else column
            raise ValueError(
                f"Known-ahead column {label!r} is missing (NaN or infinite) at "
                f"{describe(int(missing[0]))}: each window reads its values over "
                "the whole horizon, so every step needs one. Fill it from the "
                "source it comes from (a calendar, a forecast) before making "
                "windows."
            )
