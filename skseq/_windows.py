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


def _read_only(array):
    view = array.view()
    view.flags.writeable = False
    return view


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

    def __init__(self, base, positions, raw_geometry, *, operations=(), index=None):
        self._base = base
        self._positions = np.asarray(positions, dtype=np.intp)
        self._raw_geometry = raw_geometry
        self._operations = tuple(operations)
        self._index = index
        self._geometries = self._chain_geometries()

    @classmethod
    def from_array(cls, X, *, target_columns=None, delay=1, name="X"):
        """Wrap a 3-D array of windows (or 2-D, meaning one feature).

        Parameters
        ----------
        X : array-like of shape (n_windows, window_length[, n_features])
            Windows that were already built.
        target_columns : int, sequence of int or None
            Feature columns that the targets are values of; defaults to 0 for
            single-feature windows and unknown otherwise.
        delay : int, default=1
            Steps from the last window step to the first target.
        name : str, default="X"
            Name used in error messages.
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
            target_columns = _check_columns(target_columns, n_features)
        geometry = WindowGeometry.regular(
            array.shape[1],
            delay=delay,
            target_columns=target_columns,
            n_features=n_features,
        )
        return cls(_read_only(array), np.arange(array.shape[0]), geometry)

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
        rows = np.arange(len(self))[key]
        index = None if self._index is None else self._index[rows]
        return SequenceWindows(
            self._base,
            self._positions[rows],
            self._raw_geometry,
            operations=self._operations,
            index=index,
        )

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
        return object.__sizeof__(self) + series + positions

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
            ),
        )

    # -- the chain ----------------------------------------------------------
    def with_operation(self, operation):
        """Return the same windows with ``operation`` appended to the chain."""
        return SequenceWindows(
            self._base,
            self._positions,
            self._raw_geometry,
            operations=self._operations + (operation,),
            index=self._index,
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

    def batch(self, rows=slice(None)):
        """Gather the windows at ``rows`` through the whole chain.

        Returns a `WindowBatch`: the transformed windows plus what is needed
        to map targets of those windows forward and back.
        """
        stages = [self._raw_windows(rows)]
        for operation, geometry in zip(self._operations, self._geometries):
            stages.append(operation.transform(stages[-1], geometry))
        return WindowBatch(stages, self._geometries, self._operations)

    def take(self, rows=slice(None)):
        """Transformed windows at ``rows`` as a new ndarray."""
        return self.batch(rows).windows

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
    the windows that entered each operation.
    """

    def __init__(self, stages, geometries, operations):
        self.stages = stages
        self.geometries = geometries
        self.operations = operations

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


def _rebuild(base_state, positions, raw_geometry, operations, index):
    if isinstance(positions, range):
        positions = np.arange(positions.start, positions.stop, positions.step)
    if base_state[0] == "memmap":
        _, filename, dtype, shape, offset = base_state
        base = np.memmap(filename, dtype=dtype, mode="r", shape=shape, offset=offset)
    else:
        base = _read_only(base_state[1])
    return SequenceWindows(
        base, positions, raw_geometry, operations=operations, index=index
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


def _check_columns(columns, n_features, names=None):
    single = isinstance(columns, (str, numbers.Integral))
    requested = [columns] if single else list(columns)
    if not requested:
        raise ValueError("`target` must name at least one column, got [].")
    indices = []
    for column in requested:
        if names is not None and not isinstance(column, numbers.Integral):
            if column not in names:
                raise ValueError(
                    f"`target` column {column!r} does not exist; available "
                    f"columns: {list(names)}."
                )
            indices.append(names.index(column))
        elif (
            isinstance(column, numbers.Integral) and -n_features <= column < n_features
        ):
            indices.append(int(column) % n_features)
        else:
            raise ValueError(
                f"`target` column {column!r} does not exist; the series has "
                f"{n_features} column(s): use an index in [0, {n_features})"
                + (" or a column name." if names is not None else ".")
            )
    return tuple(indices)


def _series_to_array(data):
    """Return (2-D float array, column names or None, index or None)."""
    names = index = None
    if hasattr(data, "columns") and hasattr(data, "to_numpy"):
        names, index = [c for c in data.columns], data.index
        array = data.to_numpy()
    elif hasattr(data, "to_numpy") and hasattr(data, "index"):
        names = None if data.name is None else [data.name]
        index = data.index
        array = data.to_numpy()[:, np.newaxis]
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


def make_windows(
    data, *, window_length, horizon=1, delay=1, sampling_rate=1, stride=1, target=None
):
    """Cut a series into lazy windows and the targets that follow them.

    Window ``i`` ends at step ``t_i``; its targets are the target column(s) at
    ``t_i + delay, ..., t_i + delay + horizon - 1``.  Only windows whose
    targets all lie inside the series are made.

    Parameters
    ----------
    data : array-like of shape (n_steps,) or (n_steps, n_features)
        The series, oldest first: an array (a `numpy.memmap` too), pandas
        Series or DataFrame.  Must be finite.
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
    target : int, str, sequence of them, or None, default=None
        Target column(s) by index or DataFrame column name.  None means the
        only column of a univariate series.

    Returns
    -------
    X : SequenceWindows of shape (n_windows, window_length, n_features)
        Lazy windows over ``data``.
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
    window_length = _check_positive_int(window_length, "window_length")
    horizon = _check_positive_int(horizon, "horizon")
    delay = _check_positive_int(delay, "delay")
    sampling_rate = _check_positive_int(sampling_rate, "sampling_rate")
    stride = _check_positive_int(stride, "stride")
    array, names, index = _series_to_array(data)
    n_steps, n_features = array.shape
    if target is None:
        if n_features != 1:
            raise ValueError(
                f"`target` is required for a series with {n_features} columns; "
                "name the column(s) to forecast."
            )
        target = 0
    columns = _check_columns(target, n_features, names)
    span = (window_length - 1) * sampling_rate + 1
    first_end = span - 1
    last_end = n_steps - 1 - (delay + horizon - 1)
    if last_end < first_end:
        raise ValueError(
            f"The series has {n_steps} steps but one window with its targets needs "
            f"{span + delay + horizon - 1} (window_length={window_length}, "
            f"sampling_rate={sampling_rate}, delay={delay}, horizon={horizon})."
        )
    _check_finite(array, "data")
    ends = np.arange(first_end, last_end + 1, stride)
    target_rows = ends[:, np.newaxis] + delay + np.arange(horizon)
    y = array[target_rows][:, :, columns].astype(np.float64)
    y = y.reshape(len(ends), horizon * len(columns))
    if y.shape[1] == 1:
        y = y[:, 0]
    geometry = WindowGeometry.regular(
        window_length,
        sampling_rate=sampling_rate,
        delay=delay,
        target_columns=columns,
        n_features=n_features,
    )
    base = _read_only(array)
    window_index = None if index is None else index[ends]
    return SequenceWindows(base, ends - first_end, geometry, index=window_index), y
