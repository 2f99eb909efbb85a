"""Lazy, zero-copy windows over a series, and the chain of window operations.

`SequenceWindows` stores a series once plus the start row of every window;
windows are gathered only a batch at a time.  Window transformers append
operations to the chain it carries; an estimator at the end of a pipeline uses
the chain to map targets into the transformed space before training and back
to original units after predicting.
"""

import mmap
import numbers
import warnings

import numpy as np
from sklearn.utils import check_array

from ._geometry import WindowGeometry
from ._known_ahead import (
    _append_known,
    _check_future_array,
    _check_known_finite,
    _refuse_known_targets,
)
from ._param_validation import Interval, validate_params
from ._series_input import (
    _check_columns,
    _Columns,
    _read_only,
    _series_to_array,
)

__all__ = [
    "SequenceWindows",
    "TargetTransformWarning",
    "WindowOperation",
    "as_windows",
    "make_windows",
]


class TargetTransformWarning(UserWarning):
    """Windows whose operations change targets were turned into a plain array.

    The array holds transformed inputs, but targets passed next to it are left
    in original units; only skseq estimators map them through the chain.
    """


class WindowOperation:
    """One fitted step of a window chain (the protocol transformers implement).

    Subclasses override `transform` and, when ``changes_targets`` is true,
    `forward_targets` and `inverse_targets`.  Targets travel as arrays of shape
    ``(n_windows, horizon, n_targets)`` in the same space as the windows that
    enter the operation.
    """

    changes_targets = False

    def output_geometry(self, geometry):
        """Geometry of the windows this operation produces."""
        return geometry

    def check_horizon(self, geometry, horizon):
        """Raise ValueError when targets of this horizon cannot be mapped."""

    def transform(self, windows, geometry):
        raise NotImplementedError

    def forward_targets(self, y, windows, geometry):
        return y

    def inverse_targets(self, y, windows, geometry):
        return y


def _check_positive_int(value, name, minimum=1):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or (value < minimum)
    ):
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_finite(array, name, chunk_rows=1 << 16):
    # Chunked so that a memory-mapped series is checked without loading it.
    for start in range(0, len(array), chunk_rows):
        block = array[start : start + chunk_rows]
        if not np.isfinite(block).all():
            bad = start + int(np.argwhere(~np.isfinite(block))[0][0])
            raise ValueError(
                f"`{name}` contains NaN or infinity (first at row {bad}); fill or "
                "interpolate missing values before making windows."
            )


class SequenceWindows:
    """Lazy, read-only windows over one series, shaped like a 3-D array.

    Behaves like an array of shape ``(n_windows, window_length, n_features)``
    without ever holding that tensor: it keeps the series (or an existing
    3-D array) once and the position of each window.  Indexing the first axis
    with a slice, an integer array or a boolean mask gives windows over the
    same base, which is how scikit-learn's splitters see it.

    Build it with `make_windows` or `SequenceWindows.from_array`.

    Attributes
    ----------
    shape : tuple of int
        ``(n_windows, window_length, n_features)`` after the operations.
    geometry : WindowGeometry
        Time offsets of the steps, delay and target columns of the windows
        after the operations.
    operations : tuple of WindowOperation
        The chain appended by window transformers, oldest first.
    index : pandas.Index or None
        Label of the last observed step of each window, when the series had
        an index.

    Notes
    -----
    Windows made with ``known_ahead`` columns (see `make_windows`) also
    carry a *future block* per window: the values of those columns at the
    window's target steps, gathered from the same stored series by
    `take_future` and `WindowBatch.future`.  Known columns stay in the
    window as well (their past values), like any other feature.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> X, y = make_windows(np.arange(10.0), window_length=3)
    >>> X.shape
    (7, 3, 1)
    >>> X[2:4].shape
    (2, 3, 1)
    >>> np.asarray(X[:2])[..., 0]
    array([[0., 1., 2.],
           [1., 2., 3.]])
    >>> y[:2]
    array([3., 4.])
    """

    def __init__(
        self, base, positions, raw_geometry, *, operations=(), index=None, future=None
    ):
        self._base = base
        self._positions = np.asarray(positions, dtype=np.intp)
        self._raw_geometry = raw_geometry
        self._operations = tuple(operations)
        self._index = index
        # The future blocks of windows given as a 3-D array, one per base
        # row; windows over a series gather them from the series instead.
        self._future = future
        self._geometries = self._chain_geometries()

    @classmethod
    @validate_params(
        {
            # X is left to check_array, whose messages use `name`.
            "target_columns": [_Columns(names=False)],
            "delay": [Interval(numbers.Integral, 1, None, closed="left")],
            "name": [str],
            "future": [None, "array-like"],
            "known_columns": [_Columns(names=False)],
        },
        prefer_skip_nested_validation=True,
    )
    def from_array(
        cls,
        X,
        *,
        target_columns=None,
        delay=1,
        name="X",
        future=None,
        known_columns=None,
    ):
        """Wrap a 3-D array of windows (or 2-D, meaning one feature).

        Parameters
        ----------
        X : array-like of shape (n_windows, window_length[, n_features])
            Windows that were already built.
        target_columns : int, list of int or None, default=None
            Feature columns that the targets are values of; None means 0 for
            single-feature windows and unknown otherwise.
        delay : int >= 1, default=1
            Steps from the last window step to the first target.
        name : str, default="X"
            Name used in error messages.
        future : array-like of shape (n_windows, horizon, n_known), optional
            Values of the ``known_columns`` at each window's ``horizon``
            target steps (its future block, as `make_windows` gathers with
            ``known_ahead``): how to give a forecaster fitted with
            known-future inputs the windows that end at the last observation.
        known_columns : int, list of int or None, default=None
            Feature columns of ``X`` whose future values ``future`` holds;
            required with ``future``.

        Returns
        -------
        windows : SequenceWindows
            One window per row of ``X``, over a read-only view of it.
        """
        # check_array gives scikit-learn's usual messages (1-D input, empty
        # input, complex or non-numeric data, NaN/inf) for plain arrays.
        array = check_array(
            X, allow_nd=True, dtype=[np.float64, np.float32], input_name=name
        )
        if array.ndim == 2:
            array = array[:, :, np.newaxis]
        if array.ndim != 3:
            raise ValueError(
                f"`{name}` must be 2-D (n_windows, window_length) or 3-D "
                f"(n_windows, window_length, n_features); got shape {array.shape}."
            )
        if array.shape[2] == 0:
            raise ValueError(
                f"`{name}` has shape {array.shape}; need at least one feature."
            )
        n_features = array.shape[2]
        if target_columns is None and n_features == 1:
            target_columns = (0,)
        elif target_columns is not None:
            target_columns = _check_columns(
                target_columns, n_features, argument="target_columns"
            )
        known, future = _check_future_array(
            future, known_columns, array, target_columns, name
        )
        geometry = WindowGeometry.regular(
            array.shape[1],
            delay=delay,
            target_columns=target_columns,
            n_features=n_features,
            known_columns=known,
            future_length=0 if future is None else future.shape[1],
        )
        return cls(
            _read_only(array), np.arange(array.shape[0]), geometry, future=future
        )

    # -- array-like protocol ------------------------------------------------
    @property
    def geometry(self):
        return self._geometries[-1]

    @property
    def operations(self):
        return self._operations

    @property
    def index(self):
        return self._index

    @property
    def shape(self):
        geometry = self.geometry
        return (len(self._positions), geometry.window_length, geometry.n_features)

    @property
    def ndim(self):
        return 3

    @property
    def dtype(self):
        return self._base.dtype

    @property
    def changes_targets(self):
        """True when some operation of the chain maps targets."""
        return any(op.changes_targets for op in self._operations)

    def __len__(self):
        return len(self._positions)

    def __repr__(self):
        ops = ", ".join(type(op).__name__ for op in self._operations) or "none"
        return (
            f"SequenceWindows(shape={self.shape}, dtype={self.dtype}, "
            f"operations: {ops})"
        )

    def __getitem__(self, key):
        if isinstance(key, tuple):
            if len(key) == 2 and key[1] is Ellipsis or len(key) == 1:
                key = key[0]
            else:
                raise IndexError(
                    "SequenceWindows can only be indexed on the first axis (got "
                    f"{key!r}); use LookbackWindow to shorten windows or "
                    "np.asarray(windows) to materialise them."
                )
        if isinstance(key, numbers.Integral) and not isinstance(key, bool):
            position = np.arange(len(self))[key]
            return self.take(np.array([position]))[0]
        if isinstance(key, np.ndarray) and key.dtype.kind in "iub":
            # The splitters' index arrays: no arange as long as the windows.
            rows = key
        else:
            rows = np.arange(len(self))[key]
        index = None if self._index is None else self._index[rows]
        return self._derive(self._positions[rows], self._operations, index)

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("SequenceWindows cannot be converted without a copy.")
        if self.changes_targets:
            ops = ", ".join(
                type(op).__name__ for op in self._operations if op.changes_targets
            )
            warnings.warn(
                f"Materialising windows transformed by {ops}, which also change "
                "targets: the array is in transformed units but targets given "
                "with it are not. Only skseq estimators map targets through the "
                "chain.",
                TargetTransformWarning,
                stacklevel=2,
            )
        windows = self.take(slice(None))
        return windows if dtype is None else windows.astype(dtype, copy=False)

    def __sizeof__(self):
        # What pickling sends: the series once (or a memory-mapped file's
        # name) and the positions.  Dask measures objects with sys.getsizeof,
        # and joblib's dask backend sends arguments above 1 kB to each worker
        # once instead of inside every task.
        base = _base_state(self._base)
        series = base[1].nbytes if base[0] == "array" else len(str(base[1]))
        positions = _compact(self._positions)
        positions = 0 if isinstance(positions, range) else positions.nbytes
        future = 0 if self._future is None else self._future.nbytes
        return object.__sizeof__(self) + series + positions + future

    def __reduce__(self):
        # Rebuild from the base and positions: pickling a strided view would
        # copy every window.
        return (
            _rebuild,
            (
                _base_state(self._base),
                _compact(self._positions),
                self._raw_geometry,
                self._operations,
                self._index,
                self._future,
            ),
        )

    # -- the chain ----------------------------------------------------------
    def with_operation(self, operation):
        """Return the same windows with ``operation`` appended to the chain."""
        return self._derive(
            self._positions, self._operations + (operation,), self._index
        )

    def _derive(self, positions, operations, index):
        # Every subset and every transformed copy is made here, so that a
        # subclass (panel windows) carries its own state along.
        return SequenceWindows(
            self._base,
            positions,
            self._raw_geometry,
            operations=operations,
            index=index,
            future=self._future,
        )

    def _chain_geometries(self):
        geometries = [self._raw_geometry]
        for operation in self._operations:
            geometries.append(operation.output_geometry(geometries[-1]))
        return tuple(geometries)

    def _raw_windows(self, rows):
        positions = self._positions[rows]
        if self._base.ndim == 3:
            return np.asarray(self._base[positions])
        # A strided view of every possible window lets one fancy index on the
        # first axis copy exactly the batch, without a (batch, steps) index.
        offsets = self._raw_geometry.offsets
        sampling = offsets[1] - offsets[0] if len(offsets) > 1 else 1
        row_stride, column_stride = self._base.strides
        every_window = np.lib.stride_tricks.as_strided(
            self._base,
            shape=(
                len(self._base) - offsets[-1] + offsets[0],
                len(offsets),
                self._base.shape[1],
            ),
            strides=(row_stride, sampling * row_stride, column_stride),
            writeable=False,
        )
        return every_window[positions]

    def _raw_future(self, rows):
        geometry = self._raw_geometry
        if not geometry.known_columns:
            return None
        positions = self._positions[rows]
        if self._future is not None:
            return np.asarray(self._future[positions])
        ends = positions + (geometry.offsets[-1] - geometry.offsets[0])
        steps = ends[:, np.newaxis] + geometry.future_offsets
        return self._base[steps[:, :, np.newaxis], list(geometry.known_columns)]

    def batch(self, rows=slice(None)):
        """Gather the windows at ``rows`` through the whole chain.

        Returns a `WindowBatch`: the transformed windows plus what is needed
        to map targets of those windows forward and back, and the windows'
        future blocks of known-ahead values (never transformed).
        """
        return WindowBatch.from_raw(
            self._raw_windows(rows),
            self._geometries,
            self._operations,
            future=self._raw_future(rows),
        )

    def take(self, rows=slice(None)):
        """Transformed windows at ``rows`` as a new ndarray."""
        return self.batch(rows).windows

    def take_future(self, rows=slice(None)):
        """Future blocks of the windows at ``rows``, or None without any.

        Entry ``[i, h, k]`` is known-ahead column ``geometry.known_columns[k]``
        at target step ``h`` of window ``i`` (``delay + h`` steps after its
        last observed step), as in the series: window transformers do not
        change it.

        Returns
        -------
        future : ndarray of shape (n_windows, horizon, n_known) or None
        """
        return self._raw_future(rows)

    def rows_per_batch(self, max_bytes=1 << 25):
        """Windows per batch so that one float64 batch takes about ``max_bytes``.

        Every consumer that streams windows sizes its batches with this, so
        memory stays O(series + batch) whatever the number of windows.
        """
        per_window = max(1, self.shape[1] * self.shape[2] * 8)
        return max(1, int(max_bytes) // per_window)

    def iter_batches(self, batch_size):
        """Yield ``(rows, WindowBatch)`` for consecutive slices of windows."""
        batch_size = _check_positive_int(batch_size, "batch_size")
        for start in range(0, len(self), batch_size):
            rows = slice(start, min(start + batch_size, len(self)))
            yield rows, self.batch(rows)

    def check_horizon(self, horizon):
        """Raise ValueError when targets of this horizon cannot be mapped."""
        for operation, geometry in zip(self._operations, self._geometries):
            operation.check_horizon(geometry, horizon)


class WindowBatch:
    """Windows of one batch at every stage of the chain.

    ``windows`` is the input of the estimator; `forward_targets` and
    `inverse_targets` map targets of these windows through the chain using
    the windows that entered each operation.  ``future`` holds the windows'
    future blocks of known-ahead values, ``(n_windows, horizon, n_known)``,
    as gathered from the series (None for windows without known-ahead
    columns): window operations change the past window only.
    """

    def __init__(self, stages, geometries, operations, future=None):
        self.stages = stages
        self.geometries = geometries
        self.operations = operations
        self.future = future

    @classmethod
    def from_raw(cls, raw, geometries, operations, future=None):
        """Run raw windows through ``operations`` (one geometry each)."""
        stages = [raw]
        for operation, geometry in zip(operations, geometries):
            stages.append(operation.transform(stages[-1], geometry))
        return cls(stages, geometries, operations, future)

    def with_raw_windows(self, raw):
        """The batch that other raw windows give through the same chain."""
        return self.from_raw(raw, self.geometries, self.operations, self.future)

    @property
    def windows(self):
        return self.stages[-1]

    def _target_shape(self, y):
        n_targets = len(self.geometries[0].target_columns or (0,))
        y = np.asarray(y, dtype=np.float64)
        return y.reshape(len(y), -1, n_targets)

    def forward_targets(self, y):
        """Map targets in original units into the estimator's space."""
        if not any(op.changes_targets for op in self.operations):
            return np.asarray(y, dtype=np.float64)
        shape = np.shape(y)
        y3 = self._target_shape(y)
        for op, stage, geometry in zip(self.operations, self.stages, self.geometries):
            if op.changes_targets:
                y3 = op.forward_targets(y3, stage, geometry)
        return y3.reshape(shape)

    def inverse_targets(self, y):
        """Map targets in the estimator's space back to original units."""
        if not any(op.changes_targets for op in self.operations):
            return np.asarray(y, dtype=np.float64)
        shape = np.shape(y)
        y3 = self._target_shape(y)
        steps = zip(self.operations, self.stages, self.geometries)
        for op, stage, geometry in reversed(list(steps)):
            if op.changes_targets:
                y3 = op.inverse_targets(y3, stage, geometry)
        return y3.reshape(shape)


def _base_state(base):
    # A read-only view (or a reshaped 1-D series) of a whole memory-mapped
    # file is sent as the file's name, not as its contents.
    mapped = base
    while isinstance(mapped.base, np.ndarray):
        mapped = mapped.base
    if (
        isinstance(mapped, np.memmap)
        and isinstance(mapped.base, mmap.mmap)
        and mapped.size == base.size
        and mapped.ctypes.data == base.ctypes.data
        and base.flags.c_contiguous
    ):
        return ("memmap", mapped.filename, mapped.dtype.str, base.shape, mapped.offset)
    return ("array", np.asarray(base))


def _compact(positions):
    """Positions as a range when evenly spaced (as every split of a series is)."""
    if len(positions) > 2:
        step = positions[1] - positions[0]
        if step > 0 and np.all(np.diff(positions) == step):
            return range(positions[0], positions[-1] + 1, step)
    return positions


def _rebuild(base_state, positions, raw_geometry, operations, index, future=None):
    if isinstance(positions, range):
        positions = np.arange(positions.start, positions.stop, positions.step)
    if base_state[0] == "memmap":
        _, filename, dtype, shape, offset = base_state
        base = np.memmap(filename, dtype=dtype, mode="r", shape=shape, offset=offset)
    else:
        base = _read_only(base_state[1])
    return SequenceWindows(
        base, positions, raw_geometry, operations=operations, index=index, future=future
    )


def as_windows(X, name="X"):
    """Return ``X`` as `SequenceWindows`, wrapping plain arrays.

    Parameters
    ----------
    X : SequenceWindows or array-like of shape (n_windows, window_length[, n_features])
        Windows; a 2-D array means one feature.
    name : str, default="X"
        Name used in error messages.
    """
    if isinstance(X, SequenceWindows):
        return X
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):
        raise TypeError(
            f"`{name}` is a sparse matrix; skseq needs dense windows, e.g. X.toarray()."
        )
    return SequenceWindows.from_array(X, name=name)


_STEPS = Interval(numbers.Integral, 1, None, closed="left")


def _gather_targets(values, ends, columns, delay, horizon):
    """Targets of the windows ending at rows ``ends``, shaped as `make_windows`'s."""
    rows = ends[:, np.newaxis] + delay + np.arange(horizon)
    y = values[rows[:, :, np.newaxis], np.asarray(columns)]
    y = y.astype(np.float64, copy=False).reshape(len(ends), horizon * len(columns))
    return y[:, 0] if y.shape[1] == 1 else y


def _regular_geometry(
    window_length, sampling_rate, delay, horizon, columns, n_features, known
):
    """Geometry of the evenly spaced windows that the window makers cut."""
    return WindowGeometry.regular(
        window_length,
        sampling_rate=sampling_rate,
        delay=delay,
        target_columns=columns,
        n_features=n_features,
        known_columns=known,
        future_length=horizon,
        horizon=horizon,
    )


@validate_params(
    {
        "data": ["array-like"],
        "window_length": [_STEPS],
        "horizon": [_STEPS],
        "delay": [_STEPS],
        "sampling_rate": [_STEPS],
        "stride": [_STEPS],
        "target": [_Columns(names=True)],
        "known_ahead": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_windows(
    data,
    *,
    window_length,
    horizon=1,
    delay=1,
    sampling_rate=1,
    stride=1,
    target=None,
    known_ahead=None,
):
    """Cut a series into lazy windows and the targets that follow them.

    Window ``i`` ends at step ``t_i``; its targets are the target column(s) at
    ``t_i + delay, ..., t_i + delay + horizon - 1``.  Only windows whose
    targets all lie inside the series are made.

    Parameters
    ----------
    data : array-like of shape (n_steps,) or (n_steps, n_features)
        The series, oldest first: an array (a `numpy.memmap` too), pandas
        Series or DataFrame.  Must be finite numbers: a string, categorical
        or date column is refused by name (drop or encode it).  Rows are
        taken as consecutive steps, so a pandas index of times or numbers
        must be sorted, without repeated labels, and, for times, periods,
        durations and integers, evenly spaced (calendar frequencies such as
        month starts count as even); any `pandas.RangeIndex` with a positive
        step is fine, and other labels (names) are not checked.  Pass
        ``data.to_numpy()`` to window the rows as they are.
    window_length : int
        Steps per window (after sampling).
    horizon : int, default=1
        Number of consecutive target steps per window.
    delay : int, default=1
        Steps from the last observed step to the first target.
    sampling_rate : int, default=1
        Keep every ``sampling_rate``-th step inside a window, so a window
        spans ``(window_length - 1) * sampling_rate + 1`` steps.
    stride : int, default=1
        Steps between the ends of consecutive windows.
    target : int, str, list of them, or None, default=None
        Target column(s) by position or DataFrame column name.  None means
        the only column of a univariate series.
    known_ahead : int, str, list of them, DataFrame, Series or None, default=None
        Inputs known in advance (calendar features, holidays, planned
        prices, forecasts of the weather): column(s) of ``data`` by position
        or name, or a DataFrame or Series of such values with one row per
        row of ``data`` (same index), which are appended to it as its last
        columns.  Every window then also carries their values at its
        ``horizon`` target steps, its *future block*
        (`SequenceWindows.take_future`), which `LinearWindowRegressor` and
        the neural forecasters read.  Their past values stay in the window
        like any other feature's.  A target column cannot be known ahead,
        and every known value must be finite.

    Returns
    -------
    X : SequenceWindows of shape (n_windows, window_length, n_features)
        Lazy windows over ``data``; ``n_features`` counts the appended
        known-ahead columns.
    y : ndarray
        Shape ``(n_windows,)`` for one target and ``horizon=1``,
        ``(n_windows, horizon)`` for one target, and
        ``(n_windows, horizon * n_targets)`` for several targets, step-major
        (all targets of step 1, then of step 2, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> X, y = make_windows(np.arange(20.0), window_length=4, horizon=2,
    ...                     sampling_rate=2, stride=5)
    >>> X.shape, y.shape
    ((3, 4, 1), (3, 2))
    >>> np.asarray(X[0])[:, 0], y[0]
    (array([0., 2., 4., 6.]), array([7., 8.]))
    """
    window_length, horizon, delay = int(window_length), int(horizon), int(delay)
    sampling_rate, stride = int(sampling_rate), int(stride)
    array, names, index = _series_to_array(data)
    if target is None:
        if array.shape[1] != 1:
            raise ValueError(
                f"`target` is required for a series with {array.shape[1]} "
                "columns; name the column(s) to forecast."
            )
        target = 0
    columns = _check_columns(target, array.shape[1], names)
    array, names, known = _append_known(known_ahead, array, names, index)
    _refuse_known_targets(known, columns, names)
    n_steps, n_features = array.shape
    span = (window_length - 1) * sampling_rate + 1
    first_end = span - 1
    last_end = n_steps - 1 - (delay + horizon - 1)
    if last_end < first_end:
        raise ValueError(
            f"The series has {n_steps} steps but one window with its targets needs "
            f"{span + delay + horizon - 1} (window_length={window_length}, "
            f"sampling_rate={sampling_rate}, delay={delay}, horizon={horizon})."
        )
    _check_known_finite(
        array,
        known,
        names,
        lambda row: f"row {row}" if index is None else f"{index[row]} (row {row})",
    )
    _check_finite(array, "data")
    ends = np.arange(first_end, last_end + 1, stride)
    y = _gather_targets(array, ends, columns, delay, horizon)
    geometry = _regular_geometry(
        window_length, sampling_rate, delay, horizon, columns, n_features, known
    )
    base = _read_only(array)
    window_index = None if index is None else index[ends]
    return SequenceWindows(base, ends - first_end, geometry, index=window_index), y
