"""skseq estimators as sktime forecasters (sktime is an optional dependency).

`SkseqForecaster` windows a series with `make_windows`, fits a clone of a
skseq estimator (or of a whole scikit-learn pipeline of window transformers
ending in one) on the windows, and forecasts from the last window.  This is
all sktime needs to evaluate, tune and compare skseq models with its own
forecasters.

As with sktime's own soft dependencies, the module imports without sktime;
creating a `SkseqForecaster` then raises an ImportError that says what to
install.
"""

import inspect
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._param_validation import Interval, Options, validate_parameter_constraints
from ._windows import SequenceWindows, make_windows

__all__ = ["SkseqForecaster"]

_INSTALL_HINT = (
    "SkseqForecaster needs sktime; install it with `pip install skseq[sktime]` "
    "(or `pip install sktime`)."
)

try:
    from sktime.forecasting.base import BaseForecaster
except ImportError as _error:  # pragma: no cover - exercised without sktime
    _SKTIME_IMPORT_ERROR = _error

    class BaseForecaster:
        """Stand-in base class that explains how to get sktime."""

        _tags = {}

        def __init__(self):
            raise ImportError(_INSTALL_HINT) from _SKTIME_IMPORT_ERROR


class _FittableEstimator(Options):
    """An estimator instance with ``fit`` and ``predict`` (not a class).

    An `Options` only so that scikit-learn's ``make_constraint`` accepts it.
    """

    def __init__(self):
        super().__init__(object, set())

    def is_satisfied_by(self, val):
        return not isinstance(val, type) and all(
            callable(getattr(val, name, None)) for name in ("fit", "predict")
        )

    def __str__(self):
        return "an estimator instance with fit and predict methods"


class SkseqForecaster(BaseForecaster):
    """Any skseq forecaster, or pipeline ending in one, as an sktime forecaster.

    In ``fit`` the series is cut into windows of ``window_length`` steps whose
    targets are the next ``max(fh)`` steps (``make_windows`` with ``delay=1``),
    and a clone of ``estimator`` is fitted on them.  ``predict`` feeds the
    last ``window_length`` observations to the fitted estimator and returns
    the steps that ``fh`` asks for, indexed like sktime expects (relative or
    absolute horizons, integer, period or datetime indices).

    Exogenous ``X`` is used through its past: its columns become extra
    features of every window, next to ``y``.  Values of ``X`` inside the
    forecasting horizon are not used, so ``predict`` does not need them.

    Parameters
    ----------
    estimator : estimator instance
        A skseq forecaster (such as `~skseq.forecasting.LinearWindowRegressor`
        or a recurrent forecaster) or a `sklearn.pipeline.Pipeline` of skseq
        window transformers ending in one.  It is cloned in ``fit``; its
        parameters can be tuned as ``estimator__<name>``.
    window_length : int
        Observations per window: how far back the estimator looks.
    stride : int, default=1
        Train on every ``stride``-th window only, counted back from the
        newest, which is always kept.  With long windows of a long series
        (a week of half-hours) consecutive windows overlap almost entirely;
        thinning them divides the cost of every training epoch by
        ``stride``.

    Attributes
    ----------
    estimator_ : estimator instance
        The clone of ``estimator`` fitted on the windows of the training
        series.
    horizon_ : int
        Steps ahead the estimator was trained for (the largest step of the
        ``fh`` given to ``fit``).

    See Also
    --------
    skseq.make_windows : How the series is cut into windows.
    sktime.forecasting.compose.make_reduction : sktime's reduction, which
        also accepts skseq estimators (its lag matrices are one-feature
        windows).

    Notes
    -----
    ``fh`` is required in ``fit`` because the estimator learns one output
    per step ahead.  Only out-of-sample steps can be forecast, up to
    ``horizon_``.  ``update`` with ``update_params=True`` refits the
    estimator on all data seen so far; with ``update_params=False`` it only
    moves the last window forward.

    Examples
    --------
    A skseq model evaluated by sktime, on expanding windows of the airline
    series (the user guide puts it next to sktime's Theta forecaster):

    >>> from sktime.datasets import load_airline
    >>> from sktime.forecasting.model_evaluation import evaluate
    >>> from sktime.split import ExpandingWindowSplitter
    >>> from skseq.forecasting import LinearWindowRegressor
    >>> from skseq.sktime import SkseqForecaster
    >>> y = load_airline()
    >>> cv = ExpandingWindowSplitter(fh=range(1, 13), initial_window=96,
    ...                              step_length=12)
    >>> forecaster = SkseqForecaster(LinearWindowRegressor(alpha=1.0),
    ...                              window_length=24)
    >>> scores = evaluate(forecaster, cv=cv, y=y)
    >>> mape = scores["test_MeanAbsolutePercentageError"].mean()
    >>> print(f"MAPE {mape:.3f} over {len(scores)} folds")
    MAPE 0.045 over 4 folds
    """

    _tags = {
        "authors": ["skseq developers"],
        "y_inner_mtype": "pd.Series",
        "X_inner_mtype": "pd.DataFrame",
        "capability:multivariate": False,
        "capability:exogenous": True,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:missing_values": False,
        "capability:categorical_in_X": False,
        "requires-fh-in-fit": True,
        "X-y-must-have-same-index": True,
        "capability:update": True,
    }
    # The series is kept by the forecaster itself (for refits and the last
    # window), so sktime need not store a second copy.  Setting the config
    # also keeps sktime 1.2 from warning, at every construction and clone,
    # that its default will change in 1.3.
    _config = {"remember_data": False}

    # sktime forecasters are not scikit-learn estimators, so there is no
    # ``_fit_context``: ``_fit`` checks these first.
    _parameter_constraints = {
        "estimator": [_FittableEstimator()],
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, estimator, *, window_length, stride=1):
        self.estimator = estimator
        self.window_length = window_length
        self.stride = stride
        super().__init__()
        # BaseForecaster creates its data store only when remember_data is on
        # at construction; set_config may switch it on later.
        self._y = self._X = None
        # Quantiles and intervals when the estimator's predict gives them
        # (a ConformalForecaster, a neural forecaster with loss="pinball",
        # or a pipeline ending in one).
        self.set_tags(**{"capability:pred_int": _predicts_quantiles(estimator)})

    def _fit(self, y, X=None, fh=None):
        """Fit a clone of the estimator on the windows of ``y`` (and ``X``).

        Parameters
        ----------
        y : pandas.Series
            The training series.
        X : pandas.DataFrame or None
            Exogenous series with the index of ``y``.
        fh : ForecastingHorizon
            Steps ahead to learn; only out-of-sample steps.

        Returns
        -------
        self : SkseqForecaster
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        self.horizon_ = int(self._steps_ahead(fh).max())
        self._uses_X = X is not None
        self._y_name = y.name
        self._history = _stack(y, X)
        self._fit_estimator()
        return self

    def _predict(self, fh, X=None):
        """Forecast the steps of ``fh`` from the last window.

        Parameters
        ----------
        fh : ForecastingHorizon
            The steps given to ``fit``, relative to the current cutoff.
        X : pandas.DataFrame or None
            Ignored: only past values of the exogenous series are used.

        Returns
        -------
        y_pred : pandas.Series
            Point forecasts indexed by the absolute time of each step.
        """
        steps = self._steps_ahead(fh)
        forecast = np.asarray(self.estimator_.predict(self._last_window()), float)
        values = forecast.reshape(-1)[steps - 1]
        index = fh.to_absolute_index(self.cutoff)
        return pd.Series(values, index=index, name=self._y_name)

    def _predict_quantiles(self, fh, X=None, alpha=None):
        """Quantile forecasts of the steps of ``fh`` from the last window.

        sktime derives ``predict_interval`` from these (coverage ``c`` is
        the quantiles ``(1 - c) / 2`` and ``(1 + c) / 2``).

        Parameters
        ----------
        fh : ForecastingHorizon
            The steps given to ``fit``, relative to the current cutoff.
        X : pandas.DataFrame or None
            Ignored: only past values of the exogenous series are used.
        alpha : list of float
            Quantile levels, each in (0, 1).

        Returns
        -------
        quantiles : pandas.DataFrame
            Columns ``(variable, level)``, rows indexed by the absolute time
            of each step.
        """
        steps = self._steps_ahead(fh)
        levels = np.unique(alpha)
        forecast = np.asarray(
            self.estimator_.predict(self._last_window(), quantiles=levels),
            dtype=float,
        ).reshape(-1, len(levels))[steps - 1]
        # sktime's order of alpha, from the sorted distinct levels.
        values = forecast[:, np.searchsorted(levels, alpha)]
        columns = self._get_columns(method="predict_quantiles", alpha=alpha)
        index = fh.to_absolute_index(self.cutoff)
        return pd.DataFrame(values, index=index, columns=columns)

    def _last_window(self):
        last = self._history.to_numpy()[-self.window_length :]
        return SequenceWindows.from_array(last[np.newaxis], target_columns=0)

    def _update(self, y, X=None, update_params=True):
        """Append new observations; refit on everything if ``update_params``.

        Parameters
        ----------
        y : pandas.Series
            Observations after (or replacing) those seen so far.
        X : pandas.DataFrame or None
            Exogenous values at the same times, required if ``fit`` had them.
        update_params : bool, default=True
            Refit the estimator on all observations; otherwise only the last
            window moves forward.

        Returns
        -------
        self : SkseqForecaster
        """
        if self._uses_X and X is None:
            raise ValueError(
                "This forecaster was fitted with exogenous X, so update needs "
                "X for the new observations too."
            )
        new = _stack(y, X if self._uses_X else None)
        old = self._history
        self._history = pd.concat([old[~old.index.isin(new.index)], new])
        self._history = self._history.sort_index()
        if update_params:
            self._fit_estimator()
        return self

    def _steps_ahead(self, fh):
        # sktime has already refused in-sample steps (capability:insample),
        # and requires-fh-in-fit keeps predict within the fitted horizon.
        return np.asarray(fh.to_relative(self.cutoff).to_numpy(), dtype=int)

    def _fit_estimator(self):
        needed = self.window_length + self.horizon_
        if len(self._history) < needed:
            raise ValueError(
                f"{type(self).__name__} needs at least window_length + max(fh) "
                f"= {self.window_length} + {self.horizon_} = {needed} "
                f"observations to make one training window; y has "
                f"{len(self._history)}. Use a shorter window_length or fh."
            )
        windows, targets = make_windows(
            self._history.to_numpy(),
            window_length=self.window_length,
            horizon=self.horizon_,
            target=0,
        )
        # Every stride-th window, ending with the newest.
        keep = slice((len(targets) - 1) % self.stride, None, self.stride)
        self.estimator_ = clone(self.estimator).fit(windows[keep], targets[keep])

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small instances for sktime's estimator checks.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the parameter set; only "default" exists.

        Returns
        -------
        params : list of dict
            Keyword arguments of two test instances: a naive forecaster and a
            scaled ridge pipeline.
        """
        from sklearn.pipeline import make_pipeline

        from .forecasting import LinearWindowRegressor, NaiveForecaster
        from .preprocessing import SequenceScaler

        return [
            {"estimator": NaiveForecaster(), "window_length": 3},
            {
                "estimator": make_pipeline(
                    SequenceScaler(), LinearWindowRegressor(alpha=1.0)
                ),
                "window_length": 4,
                "stride": 2,
            },
        ]


def _predicts_quantiles(estimator):
    """Whether ``estimator`` (or a pipeline's last step) predicts quantiles."""
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    predict = getattr(final, "predict", None)
    if predict is None:
        return False
    try:
        takes_levels = "quantiles" in inspect.signature(predict).parameters
    except (TypeError, ValueError):
        return False
    # A neural forecaster takes the keyword but answers it only when it
    # learns quantiles (loss="pinball").
    return takes_levels and getattr(final, "loss", "pinball") == "pinball"


def _stack(y, X):
    """``y`` and the columns of ``X`` side by side, ``y`` first, as floats."""
    frame = y.to_frame(name=0).astype(float)
    if X is not None:
        exogenous = X.astype(float)
        exogenous.columns = range(1, exogenous.shape[1] + 1)
        frame = pd.concat([frame, exogenous], axis=1)
    return frame
