"""Per-feature standardisation learned from the training windows."""

import numpy as np

from .._windows import WindowOperation
from ._base import WindowTransformer, safe_scale

__all__ = ["SequenceScaler"]


class SequenceScaler(WindowTransformer):
    """Standardise every feature with the mean and std of the training windows.

    The statistics are learned in ``fit`` from the windows given to it only
    (Chollet's "training mean and std"), streamed batch by batch in float64,
    so the windows are never all materialised.  Every value of every window
    counts, so a series step shared by overlapping windows counts once per
    window.  The targets are scaled with the statistics of their feature
    column, and a skseq estimator ending the pipeline maps its predictions
    back to original units.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of each feature.
    with_std : bool, default=True
        Divide by the standard deviation of each feature.  A constant feature
        is divided by 1.

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels_,)
        Mean of each feature over all steps of the training windows.
    var_ : ndarray of shape (n_channels_,)
        Variance of each feature over the same values.
    scale_ : ndarray of shape (n_channels_,)
        Divisor of each feature: the standard deviation, 1 for a constant
        feature, or all ones when ``with_std=False``.
    n_samples_seen_ : int
        Values per feature used for the statistics (windows × steps).
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
    WindowNormalizer : Per-window normalisation, without learned state.
    sklearn.preprocessing.StandardScaler : The same on 2-D feature matrices.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.preprocessing import SequenceScaler
    >>> X, y = make_windows(np.array([1.0, 3.0, 1.0, 3.0, 5.0, 7.0]),
    ...                     window_length=2)
    >>> scaler = SequenceScaler().fit(X[:2])  # statistics of these windows only
    >>> scaler.mean_, scaler.scale_
    (array([2.]), array([1.]))
    >>> Xt = scaler.transform(X)
    >>> Xt.take()[:, :, 0]
    array([[-1.,  1.],
           [ 1., -1.],
           [-1.,  1.],
           [ 1.,  3.]])
    >>> y, Xt.batch().forward_targets(y)
    (array([1., 3., 5., 7.]), array([-1.,  1.,  3.,  5.]))
    """

    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def _fit(self, windows):
        count, mean, var = _streaming_moments(windows)
        if not (np.isfinite(mean).all() and np.isfinite(var).all()):
            channels = np.flatnonzero(~(np.isfinite(mean) & np.isfinite(var)))
            raise ValueError(
                f"SequenceScaler cannot standardise feature(s) {channels.tolist()}: "
                "their mean or variance overflows float64. Divide the series by a "
                "large constant (or take its logarithm) before windowing."
            )
        self.n_samples_seen_ = count
        self.mean_ = mean
        self.var_ = var
        if self.with_std:
            self.scale_ = safe_scale(var, mean, count)
        else:
            self.scale_ = np.ones_like(var)

    def _make_operation(self, windows):
        center = self.mean_ if self.with_mean else np.zeros_like(self.mean_)
        return SequenceScaling(center, self.scale_)


def _streaming_moments(windows):
    """Count, mean and variance of each channel over all window values.

    Batches are merged with Chan et al.'s pairwise update, which stays
    accurate in float64 however many batches there are.
    """
    n_channels = windows.shape[2]
    count, mean, m2 = 0, np.zeros(n_channels), np.zeros(n_channels)
    for _, batch in windows.iter_batches(windows.rows_per_batch()):
        values = batch.windows.reshape(-1, n_channels).astype(np.float64, copy=False)
        n = len(values)
        batch_mean = values.mean(axis=0)
        centered = values - batch_mean
        batch_m2 = np.einsum("ij,ij->j", centered, centered)
        delta = batch_mean - mean
        total = count + n
        mean = mean + delta * (n / total)
        m2 = m2 + batch_m2 + np.square(delta) * (count * n / total)
        count = total
    return count, mean, m2 / count


class SequenceScaling(WindowOperation):
    """``(x - center) / scale`` per feature; targets use their column's values."""

    changes_targets = True

    def __init__(self, center, scale):
        self.center = np.asarray(center, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)

    def __repr__(self):
        return f"SequenceScaling(center={self.center}, scale={self.scale})"

    def transform(self, windows, geometry):
        # Computed in float64, returned in the windows' dtype (float32 stays).
        scaled = windows - self.center
        scaled /= self.scale
        return scaled.astype(windows.dtype, copy=False)

    def _target_statistics(self, geometry):
        columns = list(geometry.require_target_columns("SequenceScaler"))
        return self.center[columns], self.scale[columns]

    def check_horizon(self, geometry, horizon):
        self._target_statistics(geometry)

    def forward_targets(self, y, windows, geometry):
        center, scale = self._target_statistics(geometry)
        return (y - center) / scale

    def inverse_targets(self, y, windows, geometry):
        center, scale = self._target_statistics(geometry)
        return y * scale + center
