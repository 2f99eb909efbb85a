"""skseq estimators as sktime forecasters (sktime is an optional dependency).

`SkseqForecaster` windows a series with `make_windows` (a panel or a
hierarchy of series with `make_panel_windows`), fits a clone of a skseq
estimator (or of a whole scikit-learn pipeline of window transformers ending
in one) on the windows, and forecasts from the last window of each series.
This is all sktime needs to evaluate, tune and compare skseq models with its
own forecasters.

As with sktime's own soft dependencies, the module imports without sktime;
creating a `SkseqForecaster` then raises an ImportError that says what to
install.
"""

import inspect
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._panel import make_panel_windows
from ._panel_input import check_times, read_panel
from ._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from ._windows import SequenceWindows, make_windows

__all__ = ["SkseqForecaster"]

_INSTALL_HINT = (
    "SkseqForecaster needs sktime; install it with `pip install skseq[sktime]` "
    "(or `pip install sktime`)."
)

try:
    from sktime.forecasting.base import BaseForecaster, ForecastingHorizon
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

    A panel or a hierarchy of series (sktime's ``pd-multiindex`` and
    ``pd_multiindex_hier`` layouts: a DataFrame indexed by ``(instance,
    time)`` or ``(level_0, ..., time)``) trains one global model on the
    windows of all series (`make_panel_windows`: no window crosses from one
    series into the next, and series may differ in length).  ``predict``
    then forecasts every series from its own last window, each ``fh`` step
    counted from that series' last time, and returns the same layout.

    Exogenous ``X`` is used through its past: its columns become extra
    features of every window, next to ``y``.  Columns named in
    ``known_ahead`` are also used over the horizon: ``predict`` then reads
    their future values from the ``X`` it is given.

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
        newest (of each series), which is always kept.  With long windows
        of a long series (a week of half-hours) consecutive windows overlap
        almost entirely; thinning them divides the cost of every training
        epoch by ``stride``.
    known_ahead : "all", list of column names of X, or None, default=None
        Columns of ``X`` known in advance over the horizon (calendar
        features, holidays, planned prices, forecasts of the weather).
        Every training window also carries their values at its target
        steps (``make_windows(..., known_ahead=...)``), and ``predict``
        takes them from its ``X``, which must then cover steps ``1`` to
        ``horizon_`` after the last observation of every series.  Read by
        `~skseq.forecasting.LinearWindowRegressor` and the neural
        forecasters (``strategy="multioutput"``); naive baselines ignore
        them.  None uses only the past
        of ``X``, and ``predict`` needs no ``X``.

    Attributes
    ----------
    estimator_ : estimator instance
        The clone of ``estimator`` fitted on the windows of the training
        series (of all series of a panel).
    horizon_ : int
        Steps ahead the estimator was trained for (the largest step of the
        ``fh`` given to ``fit``).

    See Also
    --------
    skseq.make_windows : How the series is cut into windows.
    skseq.make_panel_windows : How the series of a panel are cut into
        windows.
    sktime.forecasting.compose.ForecastByLevel : With ``groupby="local"``,
        one `SkseqForecaster` per series of a panel instead of a global one.
    sktime.forecasting.compose.make_reduction : sktime's reduction, which
        also accepts skseq estimators (its lag matrices are one-feature
        windows).

    Notes
    -----
    ``fh`` is required in ``fit`` because the estimator learns one output
    per step ahead.  Only out-of-sample steps can be forecast, up to
    ``horizon_``.  ``update`` with ``update_params=True`` refits the
    estimator on all data seen so far; with ``update_params=False`` it only
    moves the last window forward (of each series given, for a panel).

    Every series of a panel needs ``window_length + max(fh)`` observations
    for a training window; a shorter one is refused by name rather than
    left out, since it would still be forecast.

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
        # Single series as a Series, panels and hierarchies as they come:
        # one global model, not one per series (sktime's default).
        "y_inner_mtype": ["pd.Series", "pd-multiindex", "pd_multiindex_hier"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "capability:unequal_length": True,
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
        "known_ahead": [None, StrOptions({"all"}), list],
    }

    def __init__(self, estimator, *, window_length, stride=1, known_ahead=None):
        self.estimator = estimator
        self.window_length = window_length
        self.stride = stride
        self.known_ahead = known_ahead
        super().__init__()
        # BaseForecaster creates its data store only when remember_data is on
        # at construction; set_config may switch it on later.
        self._y = self._X = None
        # Quantiles and intervals when the estimator's predict gives them
        # (a ConformalForecaster, a neural forecaster with loss="pinball",
        # or a pipeline ending in one).
        self.set_tags(**{"capability:pred_int": _predicts_quantiles(estimator)})
        # Known-ahead columns need X at every step up to the last one of fh.
        self.set_tags(**{"capability:non_contiguous_X": known_ahead is None})

    def _fit(self, y, X=None, fh=None):
        """Fit a clone of the estimator on the windows of ``y`` (and ``X``).

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame
            The training series, or a panel or hierarchy of series (a
            one-column DataFrame with an ``(instance..., time)`` MultiIndex).
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
        self._uses_X = X is not None
        self._known = self._known_columns(X)
        self._y_name = y.name if isinstance(y, pd.Series) else None
        self._y_columns = y.columns if isinstance(y, pd.DataFrame) else None
        self._history = _stack(y, X)
        self.horizon_ = int(self._steps_ahead(fh).max())
        self._fit_estimator()
        return self

    def _predict(self, fh, X=None):
        """Forecast the steps of ``fh`` from the last window of each series.

        Parameters
        ----------
        fh : ForecastingHorizon
            The steps given to ``fit``, relative to the current cutoff.
        X : pandas.DataFrame or None
            Values of the ``known_ahead`` columns over the horizon; ignored
            without them (only past values of ``X`` are used).

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            Point forecasts indexed by the absolute time of each step (and,
            for a panel, by the series first).
        """
        windows, steps, index = self._forecast_origins(fh, X)
        forecast = np.asarray(self.estimator_.predict(windows), dtype=float)
        values = _pick_steps(forecast, steps)[:, 0]
        if self._y_columns is None:
            return pd.Series(values, index=index, name=self._y_name)
        return pd.DataFrame(values, index=index, columns=self._y_columns)

    def _predict_quantiles(self, fh, X=None, alpha=None):
        """Quantile forecasts of the steps of ``fh`` from the last windows.

        sktime derives ``predict_interval`` from these (coverage ``c`` is
        the quantiles ``(1 - c) / 2`` and ``(1 + c) / 2``).

        Parameters
        ----------
        fh : ForecastingHorizon
            The steps given to ``fit``, relative to the current cutoff.
        X : pandas.DataFrame or None
            Values of the ``known_ahead`` columns over the horizon, as for
            ``predict``.
        alpha : list of float
            Quantile levels, each in (0, 1).

        Returns
        -------
        quantiles : pandas.DataFrame
            Columns ``(variable, level)``, rows indexed like ``predict``'s.
        """
        windows, steps, index = self._forecast_origins(fh, X)
        # sktime asks for an interval of coverage c as the levels 0.5 - c / 2
        # and 0.5 + c / 2, which float arithmetic puts a hair off the round
        # levels (0.09999999999999998 for 0.1); conformal quantiles, which
        # count calibration errors, can tell the two apart.
        rounded = np.round(alpha, 12)
        levels = np.unique(rounded)
        forecast = self.estimator_.predict(windows, quantiles=levels)
        forecast = _pick_steps(np.asarray(forecast, dtype=float), steps, len(levels))
        # sktime's order of alpha, from the sorted distinct levels.
        values = forecast[:, np.searchsorted(levels, rounded)]
        columns = self._get_columns(method="predict_quantiles", alpha=alpha)
        return pd.DataFrame(values, index=index, columns=columns)

    def _update(self, y, X=None, update_params=True):
        """Append new observations; refit on everything if ``update_params``.

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame
            Observations after (or replacing) those seen so far; for a
            panel, of any of its series (or of new ones).
        X : pandas.DataFrame or None
            Exogenous values at the same times, required if ``fit`` had them.
        update_params : bool, default=True
            Refit the estimator on all observations; otherwise only the last
            windows move forward.

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
        history = pd.concat([old[~old.index.isin(new.index)], new]).sort_index()
        if isinstance(history.index, pd.MultiIndex):
            # As a refit would: a gap before the new rows would silently
            # join distant steps in the last windows.
            _check_recent_times(history, new, self.window_length)
        self._history = history
        if update_params:
            self._fit_estimator()
        return self

    # -- where each forecast starts ----------------------------------------------
    @property
    def _is_panel(self):
        return isinstance(self._history.index, pd.MultiIndex)

    def _steps_ahead(self, fh):
        """Steps of ``fh`` counted from the last time of each series.

        One row per series of a panel (their last times may differ), a 1-D
        array for a single series.
        """
        if self._is_panel and fh.is_relative:
            # The same steps after every series' end: no need for its dates.
            steps = np.asarray(fh.to_numpy(), dtype=int)
            return np.tile(steps, (len(self._series_ends()), 1))
        if self._is_panel:
            return self._panel_steps(fh, self._series_ends())[0]
        # sktime has already refused in-sample steps (capability:insample),
        # and requires-fh-in-fit keeps predict within the fitted horizon.
        return np.asarray(fh.to_relative(self.cutoff).to_numpy(), dtype=int)

    def _forecast_origins(self, fh, X=None):
        """Last windows, the steps of ``fh`` for each, and the forecasts' index.

        The windows carry the known-ahead values of ``X`` over the horizon
        when the forecaster reads any.
        """
        whole = None
        if self._known:
            # Every step up to horizon_, for the future blocks.
            whole = ForecastingHorizon(np.arange(1, self.horizon_ + 1), freq=fh.freq)
        if not self._is_panel:
            last = self._history.to_numpy()[np.newaxis, -self.window_length :]
            steps = self._steps_ahead(fh)[np.newaxis]
            index = fh.to_absolute_index(self.cutoff)
            times = whole.to_absolute_index(self.cutoff) if self._known else None
            return self._as_windows(last, X, times), steps, index
        ends = self._series_ends()
        # Too short a series is refused by name before its dates are read.
        last = self._last_rows(ends)
        steps, index = self._panel_steps(fh, ends)
        beyond = np.flatnonzero((steps > self.horizon_).any(axis=1))
        if beyond.size:
            k = beyond[0]
            raise ValueError(
                f"Series {ends.droplevel(-1)[k]!r} ends at {ends[k][-1]}, so fh "
                f"asks for {steps[k].max()} steps ahead of it; the estimator "
                f"was fitted for up to horizon_={self.horizon_}. Update the "
                "series first, or fit with a longer fh."
            )
        times = self._panel_steps(whole, ends)[1] if self._known else None
        return self._as_windows(last, X, times), steps, index

    def _as_windows(self, last, X, times):
        """Windows of the ``last`` rows, with the future of ``X`` at ``times``."""
        if not self._known:
            return SequenceWindows.from_array(last, target_columns=0)
        future = self._future_values(X, times).reshape(len(last), self.horizon_, -1)
        return SequenceWindows.from_array(
            last,
            target_columns=0,
            future=future,
            known_columns=list(self._known.values()),
        )

    def _future_values(self, X, times):
        """Known-ahead columns of ``X`` at ``times``, refusing any gap."""
        names = list(self._known)
        each = " of every series" if self._is_panel else ""
        needs = (
            f"the values of known-ahead column(s) {names} at the {self.horizon_} "
            f"step(s) after the last observation{each}"
        )
        if X is None:
            raise ValueError(f"predict needs X: {needs}.")
        absent = [name for name in names if name not in X.columns]
        if absent:
            raise ValueError(
                f"X given to predict lacks column(s) {absent}; it needs {needs}."
            )
        values = X[names].reindex(times)
        gaps = np.flatnonzero(values.isna().any(axis=1).to_numpy())
        if gaps.size:
            raise ValueError(
                f"X given to predict has no value at {times[gaps[0]]} "
                f"({gaps.size} of {len(times)} rows missing); it needs {needs}, "
                "including steps that fh skips."
            )
        return values.to_numpy(dtype=float)

    def _known_columns(self, X):
        """``{column of X: its position in the history}`` for known_ahead."""
        if self.known_ahead is None or (X is None and self.known_ahead == "all"):
            return {}
        if X is None:
            raise ValueError(
                f"known_ahead={self.known_ahead!r} names columns of X, but fit "
                "was given no X."
            )
        columns = list(X.columns)
        names = columns if self.known_ahead == "all" else self.known_ahead
        absent = [name for name in names if name not in columns]
        if absent:
            raise ValueError(
                f"known_ahead names {absent}, which are not columns of X; X has "
                f"columns {columns}."
            )
        return {name: 1 + columns.index(name) for name in names}

    def _series_ends(self):
        """(id..., time) of the last observation of each series of a panel."""
        index = self._history.index
        return index[~index.droplevel(-1).duplicated(keep="last")]

    def _panel_steps(self, fh, ends):
        """Steps of ``fh`` after each series' last time, and their index.

        Each series counts ``fh`` from its own last time, as sktime does when
        it forecasts a panel series by series, in the frequency of ``fh``
        or, without one, in the frequency of its own dates; series ending at
        the same time in the same frequency share the work.
        """
        end_times = ends.get_level_values(-1)
        freqs = self._series_freqs(fh, ends)
        groups, codes = {}, np.empty(len(ends), dtype=np.intp)
        for k, key in enumerate(zip(end_times, map(str, freqs))):
            codes[k] = groups.setdefault(key, len(groups))
        steps = np.empty((len(ends), len(fh)), dtype=int)
        absolute = []
        for code in range(len(groups)):
            k = int(np.argmax(codes == code))
            cutoff = end_times[[k]]
            if freqs[k] is not None:
                cutoff.freq = freqs[k]
            # A copy: sktime's horizons take the frequency of every cutoff
            # they meet, and would then refuse the next series' frequency.
            series_fh = ForecastingHorizon(
                fh.to_pandas(), is_relative=fh.is_relative, freq=freqs[k]
            )
            steps[codes == code] = series_fh.to_relative(cutoff).to_numpy()
            absolute.append(series_fh.to_absolute_index(cutoff))
        absolute = absolute[0].append(absolute[1:])
        rows = (codes[:, np.newaxis] * len(fh) + np.arange(len(fh))).ravel()
        ids = ends.droplevel(-1).repeat(len(fh))
        levels = [ids.get_level_values(k) for k in range(ids.nlevels)]
        index = pd.MultiIndex.from_arrays(
            [*levels, absolute.take(rows)], names=ends.names
        )
        return steps, index

    def _series_freqs(self, fh, ends):
        """Frequency of the dates of each series: that of ``fh`` if it has one.

        Otherwise inferred from the series' own dates; None for times that
        are not dates.
        """
        times = self._history.index.get_level_values(-1)
        if not isinstance(times, pd.DatetimeIndex):
            return [None] * len(ends)
        if fh.freq is not None:
            return [fh.freq] * len(ends)
        last = self._history.index.get_indexer(ends)
        first = np.concatenate([[0], last[:-1] + 1])
        return [
            _infer_freq(times[a : b + 1], ends.droplevel(-1)[k])
            for k, (a, b) in enumerate(zip(first, last))
        ]

    def _last_rows(self, ends):
        """The last ``window_length`` rows of every series, one window each."""
        history = self._history
        by_series = history.groupby(
            level=list(range(history.index.nlevels - 1)), sort=False
        )
        lengths = by_series.size().to_numpy()
        _refuse_short(
            lengths, ends.droplevel(-1), self.window_length, "to forecast from"
        )
        last = by_series.tail(self.window_length).to_numpy()
        return last.reshape(len(ends), self.window_length, history.shape[1])

    def _fit_estimator(self):
        if self._is_panel:
            self._fit_panel()
            return
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
            known_ahead=list(self._known.values()) or None,
        )
        # Every stride-th window, ending with the newest.
        keep = slice((len(targets) - 1) % self.stride, None, self.stride)
        self.estimator_ = clone(self.estimator).fit(windows[keep], targets[keep])

    def _fit_panel(self):
        """One model on the windows of all series of the panel."""
        ends = self._series_ends()
        levels = list(range(ends.nlevels - 1))
        lengths = self._history.groupby(level=levels, sort=False).size()
        _refuse_short(
            lengths.to_numpy(),
            ends.droplevel(-1),
            self.window_length + self.horizon_,
            "to make a training window",
            horizon=self.horizon_,
        )
        windows, targets = make_panel_windows(
            self._history,
            window_length=self.window_length,
            horizon=self.horizon_,
            target=0,
            short_series="raise",
            known_ahead=list(self._known.values()) or None,
        )
        if self.stride > 1:
            # Every stride-th window of each series, ending with its newest.
            codes = pd.factorize(windows.series_ids)[0]
            from_newest = pd.Series(codes).groupby(codes).cumcount(ascending=False)
            keep = np.flatnonzero(from_newest.to_numpy() % self.stride == 0)
            windows, targets = windows[keep], targets[keep]
        self.estimator_ = clone(self.estimator).fit(windows, targets)

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
            Keyword arguments of three test instances: a naive forecaster, a
            scaled ridge pipeline on every other window, and a ridge reading
            all columns of X over the horizon.  Each fits one global model
            in sktime's panel and hierarchical scenarios.
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
            {
                "estimator": LinearWindowRegressor(alpha=1.0),
                "window_length": 3,
                "known_ahead": "all",
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
    """``y`` and the columns of ``X`` side by side, ``y`` first, as floats.

    A panel comes back sorted by series, then time, as sktime's layout
    asks and `SkseqForecaster` relies on.
    """
    if isinstance(y, pd.Series):
        frame = y.to_frame(name=0).astype(float)
    else:
        frame = y.set_axis([0], axis=1).astype(float)
    if X is not None:
        # X may start earlier than y (sktime asks only that it cover y).
        exogenous = X.reindex(frame.index).astype(float)
        exogenous.columns = range(1, exogenous.shape[1] + 1)
        frame = pd.concat([frame, exogenous], axis=1)
    if isinstance(frame.index, pd.MultiIndex):
        frame = frame.sort_index()
    return frame


def _check_recent_times(history, new, window_length):
    """Refuse uneven times in the newest rows of the series that ``new`` updates.

    The rows checked are each updated series' last ``window_length`` rows
    before its new ones, and those.
    """
    ids = new.index.droplevel(-1)
    updated = history[history.index.droplevel(-1).isin(ids.unique())]
    levels = list(range(history.index.nlevels - 1))
    n_new = pd.Series(0, index=ids).groupby(level=levels).size().max()
    recent = updated.groupby(level=levels, sort=False).tail(n_new + window_length)
    check_times(read_panel(recent, None, None))


def _infer_freq(times, series):
    """The frequency of the dates ``times`` of one series, or raise."""
    try:
        freq = pd.infer_freq(times)
    except ValueError:  # fewer than three dates
        freq = None
    if freq is None:
        raise ValueError(
            f"Cannot tell the frequency of series {series!r} from its "
            f"{len(times)} date(s) ending {times[-1]}, so fh cannot count steps "
            "after it. Give fh a frequency, e.g. ForecastingHorizon([1, 2], "
            "freq='D'), or give the series at least three evenly spaced dates."
        )
    return freq


def _pick_steps(forecast, steps, n_levels=1):
    """The 1-based ``steps`` (one row per window) of each window's forecast.

    Returns one row per (window, step), window-major, and one column per
    quantile level.
    """
    forecast = forecast.reshape(len(steps), -1, n_levels)
    picked = forecast[np.arange(len(steps))[:, np.newaxis], steps - 1]
    return picked.reshape(-1, n_levels)


def _refuse_short(lengths, series, needed, purpose, horizon=None):
    """Raise, naming them, if some series have fewer than ``needed`` rows."""
    short = np.flatnonzero(lengths < needed)
    if not short.size:
        return
    listing = ", ".join(f"{series[k]!r} ({lengths[k]})" for k in short[:5])
    more = f" and {short.size - 5} more" if short.size > 5 else ""
    count = "window_length"
    if horizon is not None:
        count = f"window_length + max(fh) = {needed - horizon} + {horizon}"
    raise ValueError(
        f"SkseqForecaster needs at least {count} = {needed} observations of "
        f"every series {purpose}; {short.size} of {len(lengths)} series have "
        f"fewer: {listing}{more}. Use a shorter window_length or fh, or leave "
        "those series out."
    )
