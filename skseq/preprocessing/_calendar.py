"""Calendar features of a series' times: inputs known ahead by construction."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._param_validation import fit_context

__all__ = ["CalendarFeatures"]

# Cyclic features: the position in the cycle (from 0 to 1) of every time.
_CYCLES = {
    "hour": lambda t: (t.hour + t.minute / 60 + t.second / 3600) / 24,
    "weekday": lambda t: t.dayofweek / 7,
    "yearday": lambda t: (
        (t.dayofyear - 1 + t.hour / 24 + t.minute / 1440)
        / np.where(t.is_leap_year, 366, 365)
    ),
    "month": lambda t: (t.month - 1) / 12,
}

# Indicator features (0 or 1).
_INDICATORS = {"weekend": lambda t: t.dayofweek >= 5}

_FEATURES = (*_CYCLES, *_INDICATORS)


class CalendarFeatures(TransformerMixin, BaseEstimator):
    """Calendar features of times: cycles as sine/cosine pairs, holidays.

    The calendar of a time is known for any time in the future, so these
    columns are the simplest *known-ahead* inputs: build them from the
    series' times, then pass them to ``make_windows(..., known_ahead=...)``
    (or join them to a panel and name them in ``make_panel_windows``), and
    every window carries their values over its horizon.

    Each cyclic feature becomes two columns, ``<name>_sin`` and
    ``<name>_cos``, the sine and cosine of its position in the cycle, so
    that 23:30 lies next to 00:00 and December next to January.  Indicator
    features and ``holiday`` are one column of 0.0 and 1.0.  Times with a
    time zone are read in their local (wall-clock) time.

    Parameters
    ----------
    features : tuple of str, default=("hour", "weekday")
        Features to compute, in this order:

        * ``"hour"``: time of day (minutes and seconds included), a cycle of
          24 hours;
        * ``"weekday"``: day of the week, a cycle of 7 days from Monday;
        * ``"yearday"``: time of year (day of the year and time of day), a
          cycle of the year's 365 or 366 days;
        * ``"month"``: month of the year, a cycle of 12 months;
        * ``"weekend"``: 1.0 on Saturdays and Sundays.
    holidays : array-like of dates or None, default=None
        Dates (anything `pandas.to_datetime` reads) whose times get 1.0 in a
        last column ``holiday``; only the calendar date counts.  None: no
        such column.

    Attributes
    ----------
    holidays_ : pandas.DatetimeIndex or None
        The holiday dates, at midnight, sorted and without repeats.
    feature_names_out_ : ndarray of str
        Names of the output columns.

    See Also
    --------
    skseq.make_windows : ``known_ahead`` takes the frame this returns.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.preprocessing import CalendarFeatures
    >>> times = pd.date_range("2024-12-24 16:00", periods=3, freq="8h")
    >>> calendar = CalendarFeatures(features=("hour",), holidays=["2024-12-25"])
    >>> calendar.fit_transform(times).round(3) + 0.0
                         hour_sin  hour_cos  holiday
    2024-12-24 16:00:00    -0.866      -0.5      0.0
    2024-12-25 00:00:00     0.000       1.0      1.0
    2024-12-25 08:00:00     0.866      -0.5      1.0
    """

    _parameter_constraints = {
        "features": [list, tuple],
        "holidays": ["array-like", None],
    }

    def __init__(self, *, features=("hour", "weekday"), holidays=None):
        self.features = features
        self.holidays = holidays

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags

    @fit_context
    def fit(self, X, y=None):
        """Check the parameters and the times; learn nothing from them.

        Parameters
        ----------
        X : pandas.DatetimeIndex, Series or DataFrame
            The times: a DatetimeIndex (or PeriodIndex), a Series of dates,
            or a Series or DataFrame indexed by dates.
        y : None
            Ignored.

        Returns
        -------
        self : CalendarFeatures
        """
        _times_of(X)
        features = list(self.features)
        unknown = [f for f in features if f not in _FEATURES]
        if unknown or not features or len(set(features)) != len(features):
            problem = (
                f"unknown feature(s) {unknown}"
                if unknown
                else "each feature at most once, and at least one"
            )
            raise ValueError(
                f"The `features` parameter of CalendarFeatures: {problem}; got "
                f"{tuple(features)!r}. Choose among {_FEATURES}."
            )
        self.holidays_ = None
        if self.holidays is not None:
            try:
                dates = pd.DatetimeIndex(pd.to_datetime(list(self.holidays)))
            except (TypeError, ValueError) as error:
                raise ValueError(
                    "The `holidays` parameter of CalendarFeatures must hold "
                    f"dates; {error}"
                ) from None
            if dates.tz is not None:
                dates = dates.tz_localize(None)
            self.holidays_ = dates.normalize().unique().sort_values()
        names = []
        for feature in features:
            if feature in _CYCLES:
                names += [f"{feature}_sin", f"{feature}_cos"]
            else:
                names.append(feature)
        if self.holidays_ is not None:
            names.append("holiday")
        self.feature_names_out_ = np.asarray(names, dtype=object)
        return self

    def transform(self, X):
        """Calendar features of the times of ``X``.

        Parameters
        ----------
        X : pandas.DatetimeIndex, Series or DataFrame
            As for `fit`.

        Returns
        -------
        features : pandas.DataFrame of shape (n_times, n_features_out)
            One row per time, float64 columns named as in
            ``feature_names_out_``, with the index of ``X`` (the times, or
            the index of a Series of dates), so that it joins to ``X``.
        """
        check_is_fitted(self)
        times, index = _times_of(X)
        columns = {}
        for feature in self.features:
            if feature in _CYCLES:
                angle = 2 * np.pi * np.asarray(_CYCLES[feature](times), np.float64)
                columns[f"{feature}_sin"] = np.sin(angle)
                columns[f"{feature}_cos"] = np.cos(angle)
            else:
                columns[feature] = np.asarray(_INDICATORS[feature](times), np.float64)
        if self.holidays_ is not None:
            days = times.tz_localize(None) if times.tz is not None else times
            columns["holiday"] = days.normalize().isin(self.holidays_).astype(float)
        return pd.DataFrame(columns, index=index)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored (the features come from the times, not from columns).

        Returns
        -------
        names : ndarray of str
        """
        check_is_fitted(self)
        return self.feature_names_out_.copy()


def _times_of(X):
    """``(DatetimeIndex of the times, index of the output)`` of ``X``."""
    if isinstance(X, pd.Series) and _is_datetime(X.dtype):
        return pd.DatetimeIndex(X), X.index
    index = X if isinstance(X, pd.Index) else getattr(X, "index", None)
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp(), index
    if isinstance(index, pd.DatetimeIndex):
        return index, index
    if index is None and _is_datetime(getattr(X, "dtype", None)):
        times = pd.DatetimeIndex(np.asarray(X).ravel())
        return times, times
    got = type(X).__name__
    if index is not None:
        got += f" with a {type(index).__name__} ({index.dtype})"
    raise ValueError(
        "CalendarFeatures needs times: a DatetimeIndex or PeriodIndex, a Series "
        f"of dates, or a Series or DataFrame indexed by dates; got {got}. Give "
        "the series its times first, e.g. series.index = pd.date_range(start, "
        "periods=len(series), freq=...)."
    )


def _is_datetime(dtype):
    return dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype)
