"""Per-window normalisation: each window relative to its own level."""

import numpy as np

from .._param_validation import StrOptions
from .._windows import WindowOperation
from ._base import WindowTransformer, safe_scale

__all__ = ["WindowNormalizer"]

_METHODS = ("last", "mean", "zscore")


class WindowNormalizer(WindowTransformer):
    """Express every window relative to its own last value, mean or spread.

    Stateless: each window and feature is normalised by a statistic of that
    window alone, and its targets are shifted (and scaled) by the same
    statistic of the target column, so a model learns changes rather than
    levels.  A skseq estimator ending the pipeline maps its predictions back
    with the statistics of the raw window.

    Parameters
    ----------
    method : {"last", "mean", "zscore"}, default="last"
        ``"last"`` subtracts the window's last value, ``"mean"`` its mean,
        ``"zscore"`` computes ``(x - mean) / std`` (a constant window is
        divided by 1).

    Attributes
    ----------
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``, scikit-learn's
        convention for 2-D input).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per window.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a 2-D DataFrame with string columns.

    See Also
    --------
    SequenceScaler : One mean and std per feature, learned in ``fit``.
    SeasonalDifferencer : Seasonal differences inside each window.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.preprocessing import WindowNormalizer
    >>> X, y = make_windows(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), window_length=3)
    >>> Xt = WindowNormalizer(method="last").fit_transform(X)
    >>> Xt.take()[:, :, 0]
    array([[-3., -2.,  0.],
           [-6., -4.,  0.]])
    >>> y, Xt.batch().forward_targets(y)
    (array([ 8., 16.]), array([4., 8.]))
    """

    _parameter_constraints = {"method": [StrOptions(set(_METHODS))]}

    def __init__(self, *, method="last"):
        self.method = method

    def _fit(self, windows):
        pass

    def _make_operation(self, windows):
        return WindowNormalization(self.method)


class WindowNormalization(WindowOperation):
    """``(x - center) / scale`` with statistics of each window and feature."""

    changes_targets = True

    def __init__(self, method):
        self.method = method

    def __repr__(self):
        return f"WindowNormalization(method={self.method!r})"

    def _statistics(self, windows):
        """Center and scale of shape (n_windows, 1, n_features), in float64."""
        values = windows.astype(np.float64, copy=False)
        if self.method == "last":
            return values[:, -1:], np.ones((1, 1, 1))
        center = values.mean(axis=1, keepdims=True)
        if self.method == "mean":
            return center, np.ones((1, 1, 1))
        variance = values.var(axis=1, keepdims=True)
        return center, safe_scale(variance, center, values.shape[1])

    def transform(self, windows, geometry):
        center, scale = self._statistics(windows)
        normalized = windows - center
        normalized /= scale
        return normalized.astype(windows.dtype, copy=False)

    def _target_statistics(self, windows, geometry):
        columns = list(geometry.require_target_columns("WindowNormalizer"))
        return self._statistics(windows[:, :, columns])

    def check_horizon(self, geometry, horizon):
        geometry.require_target_columns("WindowNormalizer")

    def forward_targets(self, y, windows, geometry):
        center, scale = self._target_statistics(windows, geometry)
        return (y - center) / scale

    def inverse_targets(self, y, windows, geometry):
        center, scale = self._target_statistics(windows, geometry)
        return y * scale + center
