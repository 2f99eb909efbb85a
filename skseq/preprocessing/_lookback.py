"""Shorter (and sparser) windows cut from the end of longer ones."""

from numbers import Integral

from .._param_validation import Interval
from .._windows import WindowOperation
from ._base import WindowTransformer

__all__ = ["LookbackWindow"]


class LookbackWindow(WindowTransformer):
    """Keep the last ``length`` steps of every window.

    This makes the window length a hyper-parameter of a pipeline: build the
    windows once, as long as the longest candidate, and let a grid search
    tune ``lookbackwindow__length``.  With ``sampling_rate=k`` only every
    k-th of the kept steps is used, counted back from the last step, which
    is always kept.  Targets are unchanged.

    Parameters
    ----------
    length : int or None, default=None
        Number of steps kept.  None keeps as many as the window holds at
        this sampling rate.
    sampling_rate : int, default=1
        Keep every ``sampling_rate``-th step, so the kept steps span
        ``(length - 1) * sampling_rate + 1`` steps of the input windows.

    Attributes
    ----------
    length_ : int
        Number of steps kept (``length``, or the resolved value for None).
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``, scikit-learn's
        convention for 2-D input).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per input window.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a 2-D DataFrame with string columns.

    See Also
    --------
    skseq.make_windows : Cut a series into windows.
    SeasonalDifferencer : Seasonal differences inside each window.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.preprocessing import LookbackWindow
    >>> X, y = make_windows(np.arange(10.0), window_length=6)
    >>> Xt = LookbackWindow(length=3, sampling_rate=2).fit_transform(X)
    >>> Xt.shape
    (4, 3, 1)
    >>> Xt.take()[0, :, 0]
    array([1., 3., 5.])
    >>> Xt.geometry.offsets
    (-4, -2, 0)
    """

    _parameter_constraints = {
        "length": [None, Interval(Integral, 1, None, closed="left")],
        "sampling_rate": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, length=None, sampling_rate=1):
        self.length = length
        self.sampling_rate = sampling_rate

    def _fit(self, windows):
        sampling_rate = self.sampling_rate
        window_length = windows.shape[1]
        available = (window_length - 1) // sampling_rate + 1
        if self.length is None:
            self.length_ = available
            return
        length = self.length
        if length > available:
            raise ValueError(
                f"LookbackWindow(length={length}, sampling_rate={sampling_rate}) "
                f"needs windows of at least {(length - 1) * sampling_rate + 1} "
                f"steps, but X has windows of {window_length} steps; use "
                f"length <= {available} at this sampling rate."
            )
        self.length_ = length

    def _make_operation(self, windows):
        return Lookback(self.length_, self.sampling_rate)


class Lookback(WindowOperation):
    """Keep ``length`` steps every ``sampling_rate`` steps, ending at the last."""

    def __init__(self, length, sampling_rate):
        self.length = int(length)
        self.sampling_rate = int(sampling_rate)

    def __repr__(self):
        return f"Lookback(length={self.length}, sampling_rate={self.sampling_rate})"

    def _steps(self, window_length):
        first = window_length - 1 - (self.length - 1) * self.sampling_rate
        return slice(first, window_length, self.sampling_rate)

    def output_geometry(self, geometry):
        return geometry.with_offsets(
            geometry.offsets[self._steps(geometry.window_length)]
        )

    def transform(self, windows, geometry):
        return windows[:, self._steps(windows.shape[1])]
