"""Forecasts read straight off the window: last value, mean, drift, season."""

from numbers import Integral

import numpy as np

from .._param_validation import Interval, StrOptions, fit_context, invalid_parameter
from .._window_regressor import BaseWindowRegressor

__all__ = ["NaiveForecaster"]


class NaiveForecaster(BaseWindowRegressor):
    """Baseline forecaster that predicts from each window alone.

    Nothing is learned beyond the shape of the targets; every window's
    targets are predicted from the window's own target column(s):

    * ``"last"``: the last observed value (Hands-On ML's naive forecast);
    * ``"mean"``: the mean of the window;
    * ``"drift"``: the line through the first and last values, extended;
    * ``"seasonal_last"``: the value one season (``period`` steps) before each
      target, taken from the window.

    Parameters
    ----------
    strategy : {"last", "mean", "drift", "seasonal_last"}, default="last"
        How targets are predicted from the window.
    period : int or None, default=None
        Season length in steps of the series, used only by
        ``strategy="seasonal_last"`` (which requires it).

    Attributes
    ----------
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``, scikit-learn's
        convention for the second axis).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per window.
    horizon_ : int
        Target steps per window.
    n_outputs_ : int
        Columns of ``y`` (``horizon_`` times the number of target columns).

    See Also
    --------
    LinearWindowRegressor : Linear model on the flattened window.
    sklearn.dummy.DummyRegressor : Predicts a constant learned from ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import NaiveForecaster
    >>> X, y = make_windows(np.arange(12.0) % 4, window_length=8, horizon=2)
    >>> model = NaiveForecaster(strategy="seasonal_last", period=4).fit(X, y)
    >>> model.predict(X[:2])
    array([[0., 1.],
           [1., 2.]])
    >>> y[:2]
    array([[0., 1.],
           [1., 2.]])
    """

    _parameter_constraints = {
        "strategy": [StrOptions({"last", "mean", "drift", "seasonal_last"})],
        "period": [None, Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, strategy="last", period=None):
        self.strategy = strategy
        self.period = period

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags

    @fit_context
    def fit(self, X, y):
        """Check the windows and record the layout of the targets.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows; 2-D means one feature.
        y : array-like of shape (n_windows,) or (n_windows, n_outputs)
            Targets following each window.

        Returns
        -------
        self : NaiveForecaster
        """
        if self.strategy == "seasonal_last" and self.period is None:
            raise invalid_parameter(
                self, "period", "an int >= 1 with strategy='seasonal_last'", None
            )
        windows, _ = self._validate_fit_data(X, y)
        geometry = windows.geometry
        geometry.require_target_columns(type(self).__name__)
        if self.strategy == "drift" and geometry.window_length < 2:
            raise ValueError(
                "strategy='drift' needs windows of at least 2 steps, got "
                f"window_length={geometry.window_length} (X.shape[1], so n_features = "
                f"{geometry.window_length})."
            )
        if self.strategy == "seasonal_last":
            _seasonal_steps(geometry, self.horizon_, self.period)
        return self

    def _predict_batch(self, batch):
        windows, geometry = batch.windows, batch.geometries[-1]
        values = windows[:, :, list(geometry.target_columns)].astype(np.float64)
        horizon = self.horizon_
        if self.strategy == "last":
            forecast = np.repeat(values[:, -1:], horizon, axis=1)
        elif self.strategy == "mean":
            forecast = np.repeat(values.mean(axis=1, keepdims=True), horizon, axis=1)
        elif self.strategy == "drift":
            span = geometry.offsets[-1] - geometry.offsets[0]
            slope = (values[:, -1:] - values[:, :1]) / span
            ahead = geometry.target_offsets(horizon)[np.newaxis, :, np.newaxis]
            forecast = values[:, -1:] + slope * ahead
        else:
            forecast = values[:, _seasonal_steps(geometry, horizon, self.period)]
        return batch.inverse_targets(forecast.reshape(len(windows), -1))


def _seasonal_steps(geometry, horizon, period, owner="strategy='seasonal_last'"):
    """Window step holding the same season as each target step.

    ``owner`` names the setting that asked, for the error message.
    """
    steps = []
    for offset in geometry.target_offsets(horizon):
        same_season = offset - int(np.ceil(offset / period)) * period
        step = geometry.step_of_offset(same_season)
        if step < 0:
            raise ValueError(
                f"{owner} with period={period} needs the value "
                f"{-same_season} steps before the end of the window, which the "
                f"windows (step offsets {geometry.offsets[0]}..0) do not hold; "
                "use longer windows or a period that is a multiple of the "
                "sampling rate."
            )
        steps.append(step)
    return np.array(steps)
