"""Cross-validation over time for windows of one series or of a panel.

`PanelTimeSeriesSplit` is scikit-learn's `~sklearn.model_selection.TimeSeriesSplit`
for many series at once: every fold tests on the same block of dates in every
series and trains on the windows whose targets all lie before it.
"""

import datetime
import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator

from ._panel import PanelWindows
from ._param_validation import (
    Interval,
    invalid_parameter,
    validate_parameter_constraints,
)
from ._windows import SequenceWindows

__all__ = ["PanelTimeSeriesSplit"]

_DURATION = [str, datetime.timedelta, np.timedelta64]
_DAY = pd.Timedelta("1D").value


class PanelTimeSeriesSplit(BaseCrossValidator):
    """Time-ordered folds that cut every series of a panel at the same dates.

    The last ``n_splits`` blocks of ``test_size`` time steps are the test
    blocks.  Test fold ``k`` holds the windows whose first target falls in
    block ``k``, whatever their series; its training set holds the windows
    whose targets *all* lie before the block starts, less ``gap``.  So no
    training target is a test target, for any horizon, and every series is
    cut at the same date.

    Times come from `~skseq.PanelWindows` (built by
    `~skseq.make_panel_windows`): the time column or index of the series, or
    their step numbers.  Windows of one series from `~skseq.make_windows`
    are split by their steps in the series, with the horizon they were
    made with; any other array is split by row, one time step per row, as
    `~sklearn.model_selection.TimeSeriesSplit` does.  On one series with
    ``horizon=1`` the folds are those of ``TimeSeriesSplit`` with the same
    parameters.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (test blocks), at least 1.
    max_train_size : int, duration or None, default=None
        Longest span of first-target times in a training set, counted back
        from its end; None trains on all the past.
    test_size : int, duration or None, default=None
        Length of each test block: an int counts the distinct first-target
        times of the windows (time steps of the panel), a duration (a
        `pandas.Timedelta`, `datetime.timedelta` or a string such as
        ``"7D"``) is a span of dates; whole days are counted in the local
        dates of zone-aware times, across changes of daylight saving time.  None uses
        ``n_times // (n_splits + 1)`` steps.
    gap : int or duration, default=0
        Time steps (or a span of dates) between the last training target and
        the start of the test block.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same for rows of one series.
    skseq.make_panel_windows : Windows over a panel, with their times.
    skseq.plotting.plot_cv_splits : Draw the folds.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skseq import make_panel_windows
    >>> from skseq.model_selection import PanelTimeSeriesSplit
    >>> days = pd.date_range("2024-01-01", periods=10)
    >>> panel = {"a": pd.Series(np.arange(10.0), index=days),
    ...          "b": pd.Series(np.arange(8.0), index=days[2:])}
    >>> X, y = make_panel_windows(panel, window_length=3)
    >>> cv = PanelTimeSeriesSplit(n_splits=2, test_size=2)
    >>> for train, test in cv.split(X, y):
    ...     print(len(train), sorted({str(d.date()) for d in X[test].end_times}))
    4 ['2024-01-06', '2024-01-07']
    8 ['2024-01-08', '2024-01-09']
    """

    _parameter_constraints = {
        "n_splits": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_train_size": [
            None,
            Interval(numbers.Integral, 1, None, closed="left"),
            *_DURATION,
        ],
        "test_size": [
            None,
            Interval(numbers.Integral, 1, None, closed="left"),
            *_DURATION,
        ],
        "gap": [Interval(numbers.Integral, 0, None, closed="left"), *_DURATION],
    }

    def __init__(self, n_splits=5, *, max_train_size=None, test_size=None, gap=0):
        self.n_splits = n_splits
        self.max_train_size = max_train_size
        self.test_size = test_size
        self.gap = gap

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds: ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Generate indices of the training and test windows of each fold.

        Parameters
        ----------
        X : PanelWindows, SequenceWindows or array-like of shape (n_windows, ...)
            The windows to split.
        y : array-like of shape (n_windows,) or (n_windows, horizon * n_targets)
            Targets; only read for their horizon, for windows of one series
            that do not record it.
        groups : None
            Ignored: the series come from ``X``.

        Yields
        ------
        train : ndarray of int
            Positions of the training windows of the fold.
        test : ndarray of int
            Positions of the test windows of the fold.
        """
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {type(self).__name__}: "
                "the series come from the windows.",
                UserWarning,
                stacklevel=2,
            )
        validate_parameter_constraints(
            self._parameter_constraints,
            {name: getattr(self, name) for name in self._parameter_constraints},
            caller_name=type(self).__name__,
        )
        first, last, kind = _target_times(X, y)
        zone = _time_zone(X)
        axis = np.unique(first)
        starts = self._test_starts(axis, kind, zone)
        for k, start in enumerate(starts):
            test = first >= axis[start]
            if k + 1 < len(starts):
                test &= first < axis[starts[k + 1]]
            train = self._train_mask(axis, start, first, last, kind, zone)
            if not train.any():
                raise ValueError(
                    f"Fold {k + 1} of {self.n_splits} has no training windows: "
                    f"its test block starts at the {_ordinal(start)} of "
                    f"{len(axis)} distinct target times, and with gap="
                    f"{self.gap!r} no window's targets all lie before it. Use "
                    "fewer splits, a smaller test_size or a smaller gap."
                )
            yield np.flatnonzero(train), np.flatnonzero(test)

    def _test_starts(self, axis, kind, zone):
        """Position on ``axis`` of the first time of each test block."""
        n_splits, n_times = self.n_splits, len(axis)
        if self.test_size is None or isinstance(self.test_size, numbers.Integral):
            size = self.test_size or n_times // (n_splits + 1)
            if size < 1 or n_splits * size >= n_times:
                raise ValueError(
                    f"Cannot make n_splits={n_splits} test blocks of "
                    f"test_size={size} time steps with some training time before "
                    f"them: the windows have {n_times} distinct target times."
                )
            return [n_times - (n_splits - k) * size for k in range(n_splits)]
        ends = [
            _back(self, axis[-1], "test_size", n_splits - k, kind, zone)
            for k in range(n_splits)
        ]
        starts = [int(np.searchsorted(axis, end, side="right")) for end in ends]
        empty = [k for k in range(n_splits) if starts[k] >= len(axis)] + [
            k for k in range(n_splits - 1) if starts[k] == starts[k + 1]
        ]
        if empty or starts[0] == 0:
            raise ValueError(
                f"test_size={self.test_size!r} does not fit n_splits={n_splits} "
                "test blocks with some training time before them into the "
                f"target times of the windows ({_show(axis[0], kind)} to "
                f"{_show(axis[-1], kind)})."
            )
        return starts

    def _train_mask(self, axis, start, first, last, kind, zone):
        if isinstance(self.gap, numbers.Integral):
            position = start - self.gap
            if position <= 0:
                return np.zeros(len(first), dtype=bool)
            end = axis[position]
        else:
            end = _back(self, axis[start], "gap", 1, kind, zone)
        train = last < end
        size = self.max_train_size
        if size is None:
            return train
        if isinstance(size, numbers.Integral):
            position = int(np.searchsorted(axis, end, side="left")) - size
            return train & (first >= axis[position]) if position > 0 else train
        earliest = _back(self, end, "max_train_size", 1, kind, zone)
        return train & (first >= earliest)


def _back(splitter, key, name, count, kind, zone):
    """The time ``count`` durations ``name`` before the time ``key``.

    Whole days count in the wall-clock time of dates in a ``zone``, so that
    "7D" spans seven dates across a change of daylight saving time.
    """
    size = _duration(splitter, name, kind)
    if zone is None or size % _DAY:
        return key - count * size
    local = pd.Timestamp(key, tz="UTC").tz_convert(zone).tz_localize(None)
    earlier = local - pd.Timedelta(count * size)
    return earlier.tz_localize(zone, ambiguous=True, nonexistent="shift_forward").value


def _target_times(X, y):
    """First and last target time of each window (as numbers), and their kind."""
    if isinstance(X, PanelWindows):
        first, last = X.target_time_keys()
        return first, last, X._layout.kind
    if isinstance(X, SequenceWindows) and X._base.ndim == 2:
        offsets = X._raw_geometry.offsets
        first = X._positions + (offsets[-1] - offsets[0]) + X._raw_geometry.delay
        return first, first + _horizon(X, y) - 1, "step"
    n_windows = X.shape[0] if hasattr(X, "shape") else len(X)
    rows = np.arange(n_windows)
    return rows, rows, "step"


def _time_zone(X):
    """Time zone of the dates of panel windows; None for any other times."""
    if not isinstance(X, PanelWindows):
        return None
    layout = X._layout
    times = layout.times if layout.clock is None else layout.clock[2]
    return getattr(times, "tz", None)


def _horizon(windows, y):
    """Target steps per window: as recorded by `make_windows`, else from ``y``."""
    if windows._raw_geometry.horizon is not None:
        return windows._raw_geometry.horizon
    if y is None:
        raise ValueError(
            "These windows do not record how many steps their targets span, "
            "so the training targets could overlap the test block: pass y to "
            "split, or build the windows with make_windows."
        )
    if np.ndim(y) < 2:
        return 1
    n_targets = len(windows._raw_geometry.target_columns or (0,))
    return max(1, np.shape(y)[1] // n_targets)


def _duration(splitter, name, kind):
    """A duration parameter in nanoseconds; refused for times without dates."""
    value = getattr(splitter, name)
    if kind not in ("datetime", "timedelta"):
        raise invalid_parameter(
            splitter,
            name,
            f"an int (time steps) for windows whose times are {_KINDS[kind]}",
            value,
        )
    try:
        return pd.Timedelta(value).value
    except ValueError as error:
        raise invalid_parameter(
            splitter, name, f"an int or a duration ({error})", value
        ) from None


_KINDS = {
    "step": "step numbers",
    "number": "numbers",
    "period": "periods",
    "datetime": "dates",
    "timedelta": "durations",
}


def _show(key, kind):
    if kind == "datetime":
        return str(pd.Timestamp(key))
    if kind == "timedelta":
        return str(pd.Timedelta(key))
    return str(key)


def _ordinal(position):
    return f"time number {position + 1}"
