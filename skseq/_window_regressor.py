"""What every window regressor shares: target layout, batches, original units.

A window regressor learns in the space of the transformed windows: targets go
forward through the windows' chain before learning, and predictions come back
through its inverse, so users always see original units.  `BaseWindowRegressor`
records in ``fit`` where the targets sit (their feature columns and delay) and
refuses, in ``predict``, windows whose targets sit elsewhere: a model of
column 1 would otherwise forecast column 0 in column 1's units.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from ._validation import horizon_of, validate_targets, validate_windows

__all__ = ["BaseWindowRegressor", "flat_inputs"]


class BaseWindowRegressor(RegressorMixin, BaseEstimator):
    """Base class of the regressors from windows to the targets that follow.

    A subclass calls `_validate_fit_data` in its ``fit`` and implements
    ``_predict_batch(batch)``: the forecasts of a `WindowBatch`, mapped to
    original units with ``batch.inverse_targets``, of shape
    ``(n_windows, n_outputs_)``.
    """

    # Windows per prediction batch at most (None: sized by bytes alone).
    _predict_rows_per_batch = None

    # Whether the regressor reads the windows' future blocks of known-ahead
    # values: fit records their layout and predict requires the same.
    _reads_known_future = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags

    def _validate_fit_data(self, X, y, *, horizon_of_windows=True):
        """Check ``X, y`` in ``fit`` and record the windows' and targets' layout.

        Sets ``n_features_in_``, ``n_channels_``, ``window_length_``,
        ``horizon_``, ``n_outputs_``, ``target_columns_`` and ``delay_``.
        ``horizon_of_windows=False`` leaves the check that the windows' chain
        can map targets of ``horizon_`` steps to the caller.

        Returns
        -------
        windows : SequenceWindows
        y : ndarray of float64 of shape (n_windows, n_outputs)
        """
        windows = validate_windows(self, X, reset=True)
        y = validate_targets(y, windows)
        self.horizon_ = horizon_of(y, windows)
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self._y_ndim = y.ndim
        geometry = windows.geometry
        self.target_columns_ = geometry.target_columns
        self.delay_ = geometry.delay
        if self._reads_known_future:
            self.known_columns_ = geometry.known_columns
            self.future_length_ = geometry.future_length
        if horizon_of_windows:
            windows.check_horizon(self.horizon_)
        return windows, y.reshape(len(y), -1)

    def predict(self, X):
        """Forecast the targets of each window, in the units of ``y``.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows with the length, features and target layout seen in
            ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_windows,) or (n_windows, n_outputs)
            Forecasts, shaped like the ``y`` given to ``fit``.
        """
        predictions = self._predict_values(X, self._predict_batch)
        return predictions[:, 0] if self._y_ndim == 1 else predictions

    def _predict_values(self, X, predict_batch, n_levels=None):
        """``predict_batch`` of every batch of ``X``'s windows, gathered.

        Returns an array of shape ``(n_windows, n_outputs_)``, or
        ``(n_windows, n_outputs_, n_levels)`` for quantile forecasts.
        """
        windows = validate_windows(self, X, reset=False)
        self._check_target_layout(windows)
        windows = self._own_operations(windows)
        levels = () if n_levels is None else (n_levels,)
        predictions = np.empty((len(windows), self.n_outputs_, *levels))
        size = windows.rows_per_batch()
        if self._predict_rows_per_batch is not None:
            size = min(size, self._predict_rows_per_batch)
        # Overflow shows up as non-finite forecasts, which get a clear error
        # below instead of NumPy's warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            for rows, batch in windows.iter_batches(size):
                predictions[rows] = predict_batch(batch)
        _check_finite_forecasts(self, predictions)
        return predictions

    def _predict_batch(self, batch):
        raise NotImplementedError

    def _own_operations(self, windows):
        """``windows`` with the operations the regressor fitted for itself."""
        return windows

    def _check_target_layout(self, windows):
        geometry = windows.geometry
        if self._reads_known_future:
            _check_known_layout(self, geometry)
        fitted = (self.target_columns_, self.delay_)
        if (geometry.target_columns, geometry.delay) == fitted:
            return
        raise ValueError(
            f"X's targets are column(s) {_columns(geometry.target_columns)} at "
            f"delay={geometry.delay}, but {type(self).__name__} was fitted on "
            f"windows whose targets are column(s) {_columns(self.target_columns_)} "
            f"at delay={self.delay_}: its forecasts would be in another "
            "variable's units or at another time. Build the windows as for fit, "
            "e.g. make_windows(..., target=..., delay=...) or "
            "SequenceWindows.from_array(X, target_columns=..., delay=...)."
        )


def _check_known_layout(estimator, geometry):
    """Raise unless ``geometry`` has the known-ahead inputs seen in ``fit``."""
    # Estimators pickled before known-ahead inputs existed read none.
    fitted = (
        tuple(getattr(estimator, "known_columns_", ())),
        getattr(estimator, "future_length_", 0),
    )
    if (geometry.known_columns, geometry.future_length) == fitted:
        return

    def describe(columns, length):
        if not columns:
            return "no known-ahead columns"
        return f"known-ahead column(s) {_columns(columns)} over {length} step(s)"

    raise ValueError(
        f"X has {describe(geometry.known_columns, geometry.future_length)}, but "
        f"{type(estimator).__name__} was fitted on windows with "
        f"{describe(*fitted)}. Build the windows as for fit: "
        "make_windows(..., known_ahead=...) with the same columns and horizon, "
        "or SequenceWindows.from_array(X, future=..., known_columns=...) for "
        "windows that end at the last observation."
    )


def flat_inputs(batch):
    """A batch's windows flattened, followed by its flattened future block.

    Returns
    -------
    features : ndarray of shape (n_windows, n_inputs)
    """
    flat = batch.windows.reshape(len(batch.windows), -1)
    if batch.future is None:
        return flat
    future = batch.future.reshape(len(batch.future), -1).astype(flat.dtype)
    return np.concatenate([flat, future], axis=1)


def _check_finite_forecasts(estimator, predictions):
    """Raise when some forecasts are NaN or infinite."""
    finite = np.isfinite(predictions).reshape(len(predictions), -1).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ValueError(
            f"{type(estimator).__name__} produced NaN or infinite forecasts for "
            f"{len(bad)} of {len(predictions)} windows (first: window "
            f"{bad[0]}). The windows or the fitted model hold values too large "
            "for float arithmetic; scale the series (e.g. SequenceScaler in "
            "front) or check it for huge values."
        )


def _columns(columns):
    return "unknown" if columns is None else ", ".join(map(str, columns))
