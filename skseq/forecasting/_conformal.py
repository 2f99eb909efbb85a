"""Prediction intervals and quantiles for any forecaster, by split conformal."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.validation import check_is_fitted

from .._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    invalid_parameter,
    meta_fit_context,
)
from .._quantiles import LevelRequest, interpolate_levels
from .._validation import validate_targets
from .._windows import as_windows

__all__ = ["ConformalForecaster"]


class ConformalForecaster(RegressorMixin, BaseEstimator):
    """Quantiles and intervals around any forecaster's forecasts (split conformal).

    ``fit`` trains a clone of ``estimator`` on the older windows, holds out
    the last ``calibration_fraction`` of them (in time order, never seen by
    that clone) and records the forecast errors there, in the units of
    ``y``, for every output (every step ahead and target).  The forecaster
    used for predictions is then refitted on all windows (``refit=True``)
    or is the clone that was calibrated (``refit=False``).

    ``predict(X)`` returns the point forecasts; ``predict(X, quantiles=...)``
    adds to them the matching quantiles of the calibration errors, with the
    finite-sample correction of split conformal prediction (the
    ``ceil((n + 1) q)``-th of ``n`` sorted errors for ``q >= 0.5``, the
    ``floor((n + 1) q)``-th below); ``predict(X, coverage=...)`` returns the
    central interval of each coverage.  Both keywords pass through a
    scikit-learn `~sklearn.pipeline.Pipeline`, whose ``predict`` hands keyword
    arguments to its last step, so this forecaster can end a pipeline of
    window transformers: its errors are then those of the pipeline's
    forecasts in original units, after differencing and scaling are undone.

    With ``method="quantile"`` the forecaster must itself forecast
    quantiles (a neural forecaster with ``loss="pinball"``) and its
    quantiles are conformalised instead (conformalized quantile regression,
    one-sided for every level): the ``q``-quantile is the forecaster's own
    ``q``-quantile plus the conformal ``q``-quantile of ``y`` minus it on
    the calibration windows.  Intervals then keep the forecaster's sense of
    which windows are harder, and their coverage the guarantee below.

    Coverage is guaranteed when the calibration errors and the errors of
    future windows are exchangeable: with a stationary error process and
    ``refit=False``, an interval of coverage ``c`` holds the truth with
    probability at least ``c`` (and at most ``c + 1 / (n + 1)``) on average.
    Neighbouring windows overlap, so their errors are correlated, and
    refitting on all windows makes forecasts slightly better than those the
    errors were measured on: both make the guarantee approximate on real
    series, which drift.

    Parameters
    ----------
    estimator : estimator
        A forecaster or a pipeline ending in one; cloned, never fitted itself.
    calibration_fraction : float, default=0.1
        Fraction of the (newest) training windows held out for calibration
        (when ``cv`` is None).  Real series drift, and the newest errors are
        the most like those to come: on the hourly Newark temperatures of
        ``benchmarks/bench_intervals.py`` the ridge's 80 % intervals covered
        0.769 when calibrated on the newest fifth and 0.825 on the newest
        tenth (sunspots: 0.790 and 0.806).  A tenth holds the 39 windows a
        95 % interval needs once there are 390 windows.
    cv : int, cross-validation splitter or None, default=None
        Calibrate on the errors of every test fold instead of one held-out
        part: an int ``k`` means ``TimeSeriesSplit(k)`` (each fold forecast
        by a clone fitted on the windows before it), so that about
        ``k / (k + 1)`` of the windows calibrate, at the cost of ``k`` more
        fits.  Short series need it for wide intervals (a 95 % interval
        needs at least 39 calibration windows).  Requires ``refit=True``.
    refit : bool, default=True
        Refit ``estimator`` on all windows after calibration.  With
        ``method="quantile"`` prefer False: the shifts calibrate the
        quantiles of the network they were measured on, and a network
        refitted on all windows learns other ones.
    method : {"residual", "scaled", "quantile"}, default="residual"
        ``"residual"``: quantiles of the errors of the point forecasts,
        added to the point forecast (one width for every window).
        ``"scaled"``: the same with every error divided by its window's
        local scale, the mean absolute change between consecutive steps of
        the target (normalised conformal prediction): an interval is then
        as many such scales wide, so it widens with the series' volatility
        (a growing seasonal amplitude, an active solar cycle).
        ``"quantile"``: the forecaster's own quantiles, each shifted by the
        conformal quantile of its calibration errors (the forecaster must
        have learned quantiles, e.g. ``GRUForecaster(loss="pinball")``).

    Attributes
    ----------
    estimator_ : estimator
        The forecaster used for predictions.
    calibration_errors_ : ndarray of shape (n_calibration, n_outputs)
        ``y - forecast`` of the calibration windows, sorted in every column
        (``method="residual"``; None otherwise).
    calibration_quantiles_ : ndarray of shape (n_calibration, n_outputs, n_levels)
        The forecaster's quantiles of the calibration windows at its levels
        ``quantile_levels_`` (``method="quantile"``; None otherwise).
    calibration_targets_ : ndarray of shape (n_calibration, n_outputs)
        ``y`` of the calibration windows (``method="quantile"``; None
        otherwise).
    quantile_levels_ : ndarray or None
        Levels the forecaster learned (``method="quantile"``).
    n_calibration_ : int
        Calibration windows.
    n_features_in_ : int
        Window length seen in ``fit``.

    See Also
    --------
    skseq.metrics.empirical_coverage : The share of values an interval holds.
    skseq.metrics.mean_pinball_loss : The score of a quantile forecast.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.forecasting import ConformalForecaster, LinearWindowRegressor
    >>> rng = np.random.default_rng(0)
    >>> series = np.sin(np.arange(600) / 8) + 0.1 * rng.standard_normal(600)
    >>> X, y = make_windows(series, window_length=24, horizon=2)
    >>> model = ConformalForecaster(LinearWindowRegressor()).fit(X[:500], y[:500])
    >>> model.predict(X[500:], coverage=0.9).shape  # (windows, steps, lower/upper)
    (75, 2, 2)
    >>> model.predict(X[500:], quantiles=[0.1, 0.5, 0.9]).shape
    (75, 2, 3)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither")],
        "cv": [None, Interval(Integral, 2, None, closed="left"), HasMethods(["split"])],
        "refit": ["boolean"],
        "method": [StrOptions({"residual", "scaled", "quantile"})],
    }

    def __init__(
        self,
        estimator,
        *,
        calibration_fraction=0.1,
        cv=None,
        refit=True,
        method="residual",
    ):
        self.estimator = estimator
        self.calibration_fraction = calibration_fraction
        self.cv = cv
        self.refit = refit
        self.method = method

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.input_tags = inner.input_tags
        tags.target_tags.multi_output = inner.target_tags.multi_output
        tags.regressor_tags.poor_score = inner.regressor_tags.poor_score
        tags.non_deterministic = inner.non_deterministic
        return tags

    @meta_fit_context
    def fit(self, X, y):
        """Calibrate on the newest windows, then fit the forecaster.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows, oldest first.
        y : array-like of shape (n_windows,) or (n_windows, n_outputs)
            Targets following each window, in original units.

        Returns
        -------
        self : ConformalForecaster
        """
        windows = as_windows(X)
        y = validate_targets(y, windows, who=type(self).__name__)
        self.quantile_levels_ = None
        if self.cv is None:
            calibration, calibrated = self._split_calibration(windows, y)
        else:
            if not self.refit:
                raise invalid_parameter(
                    self, "refit", "True when cv is given", self.refit
                )
            calibration, calibrated = self._cv_calibration(windows, y), None
        forecasts, targets, rows = calibration
        self.n_calibration_ = len(targets)
        self.calibration_errors_ = None
        self.calibration_quantiles_ = self.calibration_targets_ = None
        self.scale_floor_ = None
        if self.method == "quantile":
            self.calibration_quantiles_ = forecasts
            self.calibration_targets_ = targets
        elif self.method == "scaled":
            scales = window_scale(windows[rows])
            # A flat window would get an interval of width zero.
            self.scale_floor_ = max(0.01 * float(np.median(scales)), 1e-12)
            errors = (targets - forecasts) / np.maximum(scales, self.scale_floor_)[
                :, np.newaxis
            ]
            self.calibration_errors_ = np.sort(errors, axis=0)
        else:
            self.calibration_errors_ = np.sort(targets - forecasts, axis=0)
        if self.refit:
            self.estimator_ = clone(self.estimator).fit(windows, y)
        else:
            self.estimator_ = calibrated
        self.n_features_in_ = windows.shape[1]
        return self

    def predict(self, X, *, quantiles=None, coverage=None):
        """Forecasts, or their quantiles, or central intervals.

        Parameters
        ----------
        X : SequenceWindows or ndarray of shape (n_windows, window_length, n_channels)
            Windows laid out as in ``fit``.
        quantiles : array-like of float, optional
            Levels, strictly increasing, each in (0, 1).
        coverage : float or array-like of float, optional
            Coverage of central intervals, each in (0, 1): coverage ``c`` is
            the interval between the quantiles ``(1 - c) / 2`` and
            ``(1 + c) / 2``.  Not together with ``quantiles``.

        Returns
        -------
        y_pred : ndarray
            Point forecasts shaped like ``y`` in ``fit``; with ``quantiles``,
            ``y_pred.shape + (n_levels,)``; with a float ``coverage``,
            ``y_pred.shape + (2,)`` (lower, upper), with several,
            ``y_pred.shape + (n_coverages, 2)``.
        """
        check_is_fitted(self)
        if quantiles is None and coverage is None:
            return np.asarray(self.estimator_.predict(X), dtype=float)
        request = LevelRequest(quantiles, coverage)
        if self.method == "quantile":
            values = self._conformal_quantiles(X, request.levels)
        else:
            point = np.asarray(self.estimator_.predict(X), dtype=float)
            offsets = _conformal_quantile(self.calibration_errors_, request.levels)
            flat = point.reshape(len(point), -1)
            offsets = np.broadcast_to(offsets, (len(point), *offsets.shape))
            if self.method == "scaled":
                scales = np.maximum(window_scale(as_windows(X)), self.scale_floor_)
                offsets = offsets * scales[:, np.newaxis, np.newaxis]
            values = (flat[:, :, np.newaxis] + offsets).reshape(
                point.shape + (len(request.levels),)
            )
        return request.arrange(values)

    def _conformal_quantiles(self, X, levels):
        """The forecaster's quantiles at ``levels``, each shifted by the
        conformal quantile of its calibration errors."""
        learned = self.quantile_levels_
        owner = type(self.estimator_).__name__
        calibration = interpolate_levels(
            self.calibration_quantiles_, learned, levels, owner
        )
        errors = np.sort(self.calibration_targets_[..., np.newaxis] - calibration, 0)
        # Each level's shift from the errors of the forecaster's own
        # quantile at that level: column k of level k.
        shifts = np.stack(
            [
                _conformal_quantile(errors[..., k], levels[k : k + 1])[:, 0]
                for k in range(len(levels))
            ],
            axis=-1,
        )
        forecast = np.asarray(
            self.estimator_.predict(X, quantiles=learned), dtype=float
        )
        shape = forecast.shape[:-1]
        forecast = forecast.reshape(len(forecast), -1, len(learned))
        values = interpolate_levels(forecast, learned, levels, owner) + shifts
        # Shifts differ by level, so sort (a rearrangement, which keeps every
        # quantile's coverage) to keep the levels from crossing; the levels
        # of several coverages come unsorted, hence the detour.
        order = np.argsort(levels, kind="stable")
        values[..., order] = np.sort(values[..., order], axis=-1)
        return values.reshape(shape + (len(levels),))

    def _split_calibration(self, windows, y):
        """Forecasts and targets of the newest windows, and the clone fitted
        on the others."""
        n_windows = len(windows)
        n_calibration = int(round(self.calibration_fraction * n_windows))
        if not 1 <= n_calibration < n_windows:
            raise ValueError(
                f"calibration_fraction={self.calibration_fraction} of "
                f"n_samples = {n_windows} windows leaves {n_calibration} for "
                "calibration and "
                f"{n_windows - n_calibration} to fit on; both need at least one."
            )
        n_fit = n_windows - n_calibration
        calibrated = clone(self.estimator).fit(windows[:n_fit], y[:n_fit])
        rows = np.arange(n_fit, n_windows)
        forecasts = self._forecasts(calibrated, windows[n_fit:], y[n_fit:])
        return (*forecasts, rows), calibrated

    def _cv_calibration(self, windows, y):
        """Forecasts, targets and rows of every test fold of ``cv``, each
        forecast by a clone fitted on its training fold."""
        cv = TimeSeriesSplit(self.cv) if isinstance(self.cv, Integral) else self.cv
        forecasts, targets, rows = [], [], []
        for train, test in cv.split(np.zeros(len(windows))):
            fitted = clone(self.estimator).fit(windows[train], y[train])
            forecast, target = self._forecasts(fitted, windows[test], y[test])
            forecasts.append(forecast)
            targets.append(target)
            rows.append(test)
        return np.concatenate(forecasts), np.concatenate(targets), np.concatenate(rows)

    def _forecasts(self, estimator, windows, y):
        """Forecasts of ``windows`` (at every learned level with
        ``method="quantile"``) and their targets, one row per window."""
        targets = y.reshape(len(y), -1)
        if self.method != "quantile":
            forecast = np.asarray(estimator.predict(windows), dtype=float)
            return forecast.reshape(targets.shape), targets
        levels = _learned_levels(estimator)
        if levels is None:
            raise ValueError(
                "ConformalForecaster(method='quantile') conformalises the "
                "quantiles of its estimator, but the fitted "
                f"{type(estimator).__name__} learned none: use a neural "
                "forecaster with loss='pinball' (or a pipeline ending in one), "
                "or method='residual'."
            )
        if self.quantile_levels_ is None:
            self.quantile_levels_ = levels
        forecast = np.asarray(estimator.predict(windows, quantiles=levels), float)
        return forecast.reshape(*targets.shape, len(levels)), targets


def window_scale(windows):
    """Local scale of every window: the mean absolute change between
    consecutive steps of its target columns (all columns when unknown), in
    the units of the raw windows.

    Returns
    -------
    scales : ndarray of shape (n_windows,)
    """
    if windows.shape[1] < 2:
        raise ValueError(
            "method='scaled' divides errors by the mean change between "
            "consecutive steps of each window, so windows need at least 2 "
            f"steps; got window_length={windows.shape[1]}."
        )
    scales = np.empty(len(windows))
    for rows, batch in windows.iter_batches(windows.rows_per_batch()):
        raw = np.asarray(batch.stages[0], dtype=float)
        columns = batch.geometries[0].target_columns or range(raw.shape[2])
        changes = np.abs(np.diff(raw[:, :, list(columns)], axis=1))
        scales[rows] = changes.mean(axis=(1, 2))
    return scales


def _learned_levels(estimator):
    """Quantile levels a fitted forecaster (or a pipeline's last step) learned."""
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    return getattr(final, "quantile_levels_", None)


def _conformal_quantile(sorted_errors, levels):
    """Conformal quantile of sorted errors at every level, per column.

    The ``ceil((n + 1) q)``-th of ``n`` sorted errors for ``q >= 0.5`` and
    the ``floor((n + 1) q)``-th below: split conformal's finite-sample
    correction.

    Returns
    -------
    offsets : ndarray of shape (n_columns, n_levels)
    """
    n = len(sorted_errors)
    ranks = []
    for level in levels:
        # Rounded first, so that a level a hair off a multiple of
        # 1 / (n + 1) keeps its rank.
        position = round((n + 1) * level, 9)
        rank = math.ceil(position) if level >= 0.5 else math.floor(position)
        if not 1 <= rank <= n:
            needed = math.ceil(max(level, 1 - level) / min(level, 1 - level))
            raise ValueError(
                f"The level {level:g} needs at least {needed} calibration "
                f"windows for a finite conformal quantile, but {n} were "
                "held out: give more windows, a larger calibration_fraction, "
                "or levels closer to 0.5."
            )
        ranks.append(rank - 1)
    return sorted_errors[ranks].T
