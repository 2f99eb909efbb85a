"""Fit/predict bookkeeping shared by the window regressors.

A window regressor learns in the space of the transformed windows: targets go
forward through the windows' chain before learning, and predictions come back
through its inverse, so users always see original units.
"""

import numpy as np

from ._validation import horizon_of, validate_targets, validate_windows

__all__ = ["fit_windows_and_targets", "predict_in_batches"]


def fit_windows_and_targets(estimator, X, y):
    """Validate ``X, y`` in ``fit`` and record the target layout.

    Sets ``n_features_in_``, ``n_channels_``, ``window_length_``,
    ``horizon_`` and ``n_outputs_`` on ``estimator``.

    Returns
    -------
    windows : SequenceWindows
    y : ndarray of float64, 1-D or 2-D as given
    """
    windows = validate_windows(estimator, X, reset=True)
    y = validate_targets(y, windows, who=type(estimator).__name__)
    estimator.horizon_ = horizon_of(y, windows)
    estimator.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
    estimator._y_is_1d = y.ndim == 1
    windows.check_horizon(estimator.horizon_)
    return windows, y


def predict_in_batches(estimator, X, predict_transformed):
    """Predict ``X`` batch by batch and map predictions to original units.

    ``predict_transformed(windows, geometry)`` returns predictions of shape
    ``(n_windows, n_outputs)`` in the transformed space.
    """
    windows = validate_windows(estimator, X, reset=False)
    predictions = np.empty((len(windows), estimator.n_outputs_))
    for rows, batch in windows.iter_batches(windows.rows_per_batch()):
        transformed = predict_transformed(batch.windows, windows.geometry)
        predictions[rows] = batch.inverse_targets(transformed)
    return predictions[:, 0] if estimator._y_is_1d else predictions
