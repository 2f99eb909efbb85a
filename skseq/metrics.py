"""Scores of probabilistic forecasts: coverage, width, pinball loss, CRPS.

Quantile forecasts are arrays with the levels on the last axis,
``y_true.shape + (n_levels,)``; intervals are a lower and an upper array
shaped like ``y_true``.  Every function averages over all windows, steps
and targets.
"""

import numpy as np

from ._param_validation import validate_params

__all__ = [
    "crps_from_quantiles",
    "empirical_coverage",
    "make_coverage_scorer",
    "make_pinball_scorer",
    "make_width_scorer",
    "mean_interval_width",
    "mean_pinball_loss",
]


def check_levels(levels, name="quantiles", *, ordered=True):
    """``levels`` as a float array: distinct, each in (0, 1).

    With ``ordered`` they must also be strictly increasing; otherwise they
    are returned sorted.  Raises a ValueError naming ``name`` and the
    offending value.
    """
    array = np.asarray(levels, dtype=float).reshape(-1)
    if array.size == 0:
        raise ValueError(f"`{name}` must hold at least one level, got {levels!r}.")
    bad = array[~((array > 0) & (array < 1))]
    if bad.size:
        raise ValueError(
            f"Every level of `{name}` must be strictly between 0 and 1, got "
            f"{bad[0]:g} in {levels!r}."
        )
    if not ordered:
        array = np.sort(array)
    if np.any(np.diff(array) <= 0):
        rule = "sorted and distinct" if ordered else "distinct"
        raise ValueError(f"The levels of `{name}` must be {rule}, got {levels!r}.")
    return array


# Arguments of the scores of quantile forecasts.
_QUANTILE_ARGUMENTS = {
    "y_true": ["array-like"],
    "y_quantiles": ["array-like"],
    "quantiles": ["array-like"],
}


def _as_arrays(y_true, *others):
    y_true = np.asarray(y_true, dtype=float)
    arrays = [np.asarray(other, dtype=float) for other in others]
    return y_true, arrays


def _check_interval(y_true, y_lower, y_upper):
    y_true, (y_lower, y_upper) = _as_arrays(y_true, y_lower, y_upper)
    for name, array in (("y_lower", y_lower), ("y_upper", y_upper)):
        if array.shape != y_true.shape:
            raise ValueError(
                f"`{name}` must have the shape of y_true {y_true.shape}, got "
                f"{array.shape}."
            )
    if np.any(y_lower > y_upper):
        first = np.flatnonzero((y_lower > y_upper).ravel())[0]
        raise ValueError(
            "`y_lower` must not exceed `y_upper`; at flat position "
            f"{first} the interval is [{y_lower.ravel()[first]:g}, "
            f"{y_upper.ravel()[first]:g}]."
        )
    return y_true, y_lower, y_upper


def _check_quantiles(y_true, y_quantiles, quantiles):
    levels = check_levels(quantiles)
    y_true, (y_quantiles,) = _as_arrays(y_true, y_quantiles)
    expected = y_true.shape + (len(levels),)
    if y_quantiles.shape != expected:
        raise ValueError(
            f"`y_quantiles` must have shape y_true.shape + (n_levels,) = "
            f"{expected}, got {y_quantiles.shape}."
        )
    return y_true, y_quantiles, levels


@validate_params(
    {"y_true": ["array-like"], "y_lower": ["array-like"], "y_upper": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def empirical_coverage(y_true, y_lower, y_upper):
    """Fraction of true values inside their intervals (ends included).

    Parameters
    ----------
    y_true : array-like
        Observed values.
    y_lower, y_upper : array-like of the shape of ``y_true``
        Interval ends.

    Returns
    -------
    coverage : float
        Between 0 and 1; a calibrated 80 % interval gives about 0.8.

    Examples
    --------
    >>> from skseq.metrics import empirical_coverage
    >>> empirical_coverage([1.0, 2.0, 5.0], [0.0, 2.5, 4.0], [2.0, 3.0, 6.0])
    0.6666666666666666
    """
    y_true, y_lower, y_upper = _check_interval(y_true, y_lower, y_upper)
    return float(np.mean((y_lower <= y_true) & (y_true <= y_upper)))


@validate_params(
    {"y_lower": ["array-like"], "y_upper": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def mean_interval_width(y_lower, y_upper):
    """Mean of ``y_upper - y_lower``, in the units of the forecasts.

    Parameters
    ----------
    y_lower, y_upper : array-like of one shape
        Interval ends.

    Returns
    -------
    width : float

    Examples
    --------
    >>> from skseq.metrics import mean_interval_width
    >>> mean_interval_width([0.0, 2.5], [2.0, 3.0])
    1.25
    """
    _, y_lower, y_upper = _check_interval(y_lower, y_lower, y_upper)
    return float(np.mean(y_upper - y_lower))


@validate_params(_QUANTILE_ARGUMENTS, prefer_skip_nested_validation=True)
def mean_pinball_loss(y_true, y_quantiles, quantiles):
    """Pinball (quantile) loss averaged over the levels and the values.

    For level ``q`` and forecast ``f`` of ``y``, the loss is
    ``q * (y - f)`` when ``y >= f`` and ``(1 - q) * (f - y)`` otherwise;
    `sklearn.metrics.mean_pinball_loss` scores one level, this one all
    levels of a quantile forecast at once.

    Parameters
    ----------
    y_true : array-like
        Observed values.
    y_quantiles : array-like of shape ``y_true.shape + (n_levels,)``
        Forecast quantiles, the levels on the last axis.
    quantiles : array-like of float
        The levels, strictly increasing, each in (0, 1).

    Returns
    -------
    loss : float
        Lower is better; in the units of ``y``.

    Examples
    --------
    >>> from skseq.metrics import mean_pinball_loss
    >>> loss = mean_pinball_loss([1.0, 3.0], [[0.0, 2.0], [2.0, 4.0]], [0.1, 0.9])
    >>> round(loss, 6)
    0.1
    """
    y_true, y_quantiles, levels = _check_quantiles(y_true, y_quantiles, quantiles)
    error = y_true[..., np.newaxis] - y_quantiles
    loss = np.maximum(levels * error, (levels - 1) * error)
    return float(np.mean(loss))


@validate_params(_QUANTILE_ARGUMENTS, prefer_skip_nested_validation=True)
def crps_from_quantiles(y_true, y_quantiles, quantiles):
    """Continuous ranked probability score approximated from quantiles.

    The CRPS is twice the pinball loss integrated over all levels; with
    ``K`` levels spread evenly over (0, 1) it is approximated by twice their
    mean pinball loss (the more levels, the closer).  For a point forecast it
    reduces to the absolute error.

    Parameters
    ----------
    y_true : array-like
        Observed values.
    y_quantiles : array-like of shape ``y_true.shape + (n_levels,)``
        Forecast quantiles, the levels on the last axis.
    quantiles : array-like of float
        The levels, strictly increasing, each in (0, 1).

    Returns
    -------
    crps : float
        Lower is better; in the units of ``y``.

    Examples
    --------
    >>> from skseq.metrics import crps_from_quantiles
    >>> crps_from_quantiles([1.0], [[1.0, 1.0, 1.0]], [0.25, 0.5, 0.75])
    0.0
    """
    return 2.0 * mean_pinball_loss(y_true, y_quantiles, quantiles)


class _ProbabilisticScorer:
    """A scorer ``(estimator, X, y) -> float`` of quantile or interval forecasts.

    Greater is better, as for every scikit-learn scorer, so losses are
    negated.  A class rather than a closure, so that it pickles.
    """

    def __init__(self, kind, levels):
        self.kind = kind
        self.levels = levels

    def __call__(self, estimator, X, y):
        y = np.asarray(y, dtype=float)
        if self.kind == "pinball":
            forecast = estimator.predict(X, quantiles=self.levels)
            return -mean_pinball_loss(y, forecast, self.levels)
        lower, upper = np.moveaxis(estimator.predict(X, coverage=self.levels), -1, 0)
        if self.kind == "coverage":
            return -abs(empirical_coverage(y, lower, upper) - self.levels)
        return -mean_interval_width(lower, upper)

    def __repr__(self):
        return f"make_{self.kind}_scorer({self.levels!r})"


def make_pinball_scorer(quantiles):
    """Scorer of quantile forecasts: minus `mean_pinball_loss`.

    For ``GridSearchCV(..., scoring=make_pinball_scorer([0.1, 0.5, 0.9]))``
    over a forecaster whose ``predict`` takes ``quantiles`` (e.g.
    `~skseq.forecasting.ConformalForecaster`, or a pipeline ending in one).

    Parameters
    ----------
    quantiles : array-like of float
        Levels, strictly increasing, each in (0, 1).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, greater is better.
    """
    return _ProbabilisticScorer("pinball", check_levels(quantiles).tolist())


def make_coverage_scorer(coverage):
    """Scorer of intervals: minus the distance of their coverage from nominal.

    Parameters
    ----------
    coverage : float
        Nominal coverage of the central interval, in (0, 1).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``: ``-|empirical coverage - coverage|``.
    """
    return _ProbabilisticScorer(
        "coverage", float(check_levels([coverage], "coverage")[0])
    )


def make_width_scorer(coverage):
    """Scorer of intervals: minus their mean width (narrower is better).

    Use it next to `make_coverage_scorer`: a narrow interval is only good
    when it still covers.

    Parameters
    ----------
    coverage : float
        Nominal coverage of the central interval, in (0, 1).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``: ``-mean interval width``.
    """
    return _ProbabilisticScorer("width", float(check_levels([coverage], "coverage")[0]))
