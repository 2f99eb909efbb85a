"""Exact (ridge) least squares on flattened windows, streamed in batches."""

import warnings
from numbers import Real

import numpy as np
import scipy.linalg

from .._param_validation import Interval, fit_context
from .._window_regressor import BaseWindowRegressor, flat_inputs

__all__ = ["LinearWindowRegressor", "ridge_regression"]


class LinearWindowRegressor(BaseWindowRegressor):
    """Linear (ridge) regression from a flattened window to its targets.

    The model is ``y = W · vec(window) + b``, solved in closed form from the
    normal equations.  The Gram matrix is accumulated batch by batch, so the
    windows are never all materialised: memory is O(window size²), whatever
    the number of windows.  This is the exact solution of the ``Flatten +
    Dense`` network that Hands-On ML trains with Adam.

    Windows made with ``known_ahead`` columns (`skseq.make_windows`) add
    their future blocks, flattened, to the features: the model is then
    ``y = W · vec(window) + V · vec(future) + b``.

    Parameters
    ----------
    alpha : float, default=0.0
        L2 penalty on the weights (not on the intercept).  With 0 and a
        singular Gram matrix the minimum-norm least-squares solution is used.
    fit_intercept : bool, default=True
        Whether to learn the intercept ``b``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_outputs, window_length, n_channels)
        Weight of every step and channel for every output.
    future_coef_ : ndarray of shape (n_outputs, horizon, n_known) or None
        Weight of every step and column of the future block of known-ahead
        values for every output (None for windows without one).
    intercept_ : ndarray of shape (n_outputs,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per window.
    horizon_ : int
        Target steps per window.
    n_outputs_ : int
        Columns of ``y``.
    known_columns_ : tuple of int
        Feature columns known ahead (empty when there are none).
    future_length_ : int
        Steps of the future block (0 without one).

    See Also
    --------
    NaiveForecaster : Forecasts without learning.
    sklearn.linear_model.Ridge : The same model on 2-D feature matrices.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import LinearWindowRegressor
    >>> X, y = make_windows(np.sin(np.arange(200) / 5), window_length=10,
    ...                     horizon=3)
    >>> model = LinearWindowRegressor().fit(X, y)
    >>> np.allclose(model.predict(X), y)
    True
    """

    _reads_known_future = True

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
    }

    def __init__(self, *, alpha=0.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    @fit_context
    def fit(self, X, y):
        """Solve the least-squares problem on the (transformed) windows.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows; 2-D means one feature.
        y : array-like of shape (n_windows,) or (n_windows, n_outputs)
            Targets following each window.

        Returns
        -------
        self : LinearWindowRegressor
        """
        windows, y = self._validate_fit_data(X, y)
        batches = (
            (
                flat_inputs(batch),
                batch.forward_targets(y[rows]).reshape(len(batch.windows), -1),
            )
            for rows, batch in windows.iter_batches(windows.rows_per_batch())
        )
        coef, self.intercept_ = ridge_regression(
            batches, alpha=self.alpha, fit_intercept=self.fit_intercept
        )
        n_window = int(np.prod(windows.shape[1:]))
        self.coef_ = coef[:n_window].T.reshape(self.n_outputs_, *windows.shape[1:])
        self.future_coef_ = None
        if windows.geometry.known_columns:
            shape = windows.geometry.future_shape
            self.future_coef_ = coef[n_window:].T.reshape(self.n_outputs_, *shape)
        return self

    def _predict_batch(self, batch):
        flat = flat_inputs(batch).astype(np.float64)
        coef = self.coef_.reshape(self.n_outputs_, -1)
        future_coef = getattr(self, "future_coef_", None)  # older pickles
        if future_coef is not None:
            future = future_coef.reshape(self.n_outputs_, -1)
            coef = np.concatenate([coef, future], axis=1)
        forecast = flat @ coef.T + self.intercept_
        return batch.inverse_targets(forecast)


def ridge_regression(batches, *, alpha, fit_intercept=True):
    """Ridge solution of ``y = x · coef + intercept`` from batches of rows.

    The centred Gram matrix is accumulated batch by batch, so memory is
    O(n_inputs²) whatever the number of rows.

    Parameters
    ----------
    batches : iterable of (ndarray, ndarray)
        Inputs of shape ``(n_rows, n_inputs)`` and targets of shape
        ``(n_rows, n_outputs)``.
    alpha : float
        L2 penalty on ``coef`` (not on the intercept).
    fit_intercept : bool, default=True

    Returns
    -------
    coef : ndarray of shape (n_inputs, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    """
    return NormalEquations.accumulate(batches, fit_intercept).solve(alpha)


class NormalEquations:
    """Centred normal equations of a linear least-squares problem.

    Build them once with `accumulate`, then `solve` for any penalty.
    """

    def __init__(self, gram, cross, x_mean, y_mean):
        self.gram, self.cross = gram, cross
        self.x_mean, self.y_mean = x_mean, y_mean

    @classmethod
    def accumulate(cls, batches, fit_intercept=True):
        """Sum ``XᵀX`` and ``Xᵀy`` over batches of rows, in one pass."""
        gram = cross = x_sum = y_sum = x_shift = y_shift = None
        n_rows = 0
        for xb, yb in batches:
            xb, yb = np.asarray(xb, np.float64), np.asarray(yb, np.float64)
            if gram is None:
                n_inputs, n_outputs = xb.shape[1], yb.shape[1]
                gram = np.zeros((n_inputs, n_inputs))
                cross = np.zeros((n_inputs, n_outputs))
                x_sum, y_sum = np.zeros(n_inputs), np.zeros(n_outputs)
                # Shifting by the first batch's mean keeps the one-pass
                # accumulation accurate for series far from zero.
                x_shift = xb.mean(axis=0) if fit_intercept else np.zeros(n_inputs)
                y_shift = yb.mean(axis=0) if fit_intercept else np.zeros(n_outputs)
            xb, yb = xb - x_shift, yb - y_shift
            gram += xb.T @ xb
            cross += xb.T @ yb
            x_sum += xb.sum(axis=0)
            y_sum += yb.sum(axis=0)
            n_rows += len(xb)
        if gram is None:
            raise ValueError("The least-squares problem has no rows to fit.")
        x_mean = x_sum / n_rows if fit_intercept else x_sum * 0
        y_mean = y_sum / n_rows if fit_intercept else y_sum * 0
        gram -= n_rows * np.outer(x_mean, x_mean)
        cross -= n_rows * np.outer(x_mean, y_mean)
        return cls(gram, cross, x_mean + x_shift, y_mean + y_shift)

    def solve(self, alpha):
        """``coef, intercept`` of the ridge with penalty ``alpha``."""
        coef = _solve(self.gram + alpha * np.eye(len(self.gram)), self.cross)
        return coef, self.y_mean - self.x_mean @ coef


def _solve(gram, cross):
    """Solve the normal equations; minimum-norm least squares if singular."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
        try:
            return scipy.linalg.solve(gram, cross, assume_a="pos")
        except (scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning):
            pass
    return scipy.linalg.lstsq(gram, cross, cond=1e-10)[0]
