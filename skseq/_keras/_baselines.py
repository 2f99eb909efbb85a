"""Baselines a forecaster's network corrects: fixed linear maps of a window.

Every baseline is linear in the window the network reads, so it is one
kernel of shape ``(window_length, channels, outputs)`` and a bias, in the
space the network learns in (after the window chain and the forecaster's
own scaling):

* ``"linear"``: the ridge regression of the encoded targets on the
  flattened window (`LinearWindowRegressor`'s closed form), fitted on the
  training rows only, so that validation stays held out;
* ``"last"``: the last value of each target column, for every target step;
* ``"seasonal_last"``: the value one ``period`` before each target step
  (`NaiveForecaster(strategy="seasonal_last")`).

Windows with a future block of known-ahead values add a second kernel of
shape ``(horizon, n_known, outputs)`` for it: the ridge's weights of the
flattened block, fitted with the window's (zero for the naive baselines).
"""

import numpy as np

from ..forecasting._linear import NormalEquations, ridge_regression
from ..forecasting._naive import _seasonal_steps

__all__ = [
    "BASELINE_RIDGE_ALPHA",
    "baseline_kernel",
    "residual_scale",
    "validated_ridge_alpha",
]

# Ridge penalty of ``baseline="linear"`` per training row: the penalty is
# this fraction of the rows (a prior worth a tenth of the data), in the
# network's scaled units.  An unpenalised least-squares fit leaves residuals
# uncorrelated with every linear function of the window, and a freshly
# initialised recurrent network is nearly linear, so its correction would
# get almost no gradient: on Hands-On ML's series a GRU correcting the plain
# ridge ends at a 1-step MSE of 0.0030, correcting this one at 0.0021.
BASELINE_RIDGE_ALPHA = 0.1

# Penalties tried, per training row, for the ridge a network must beat on
# its validation windows (and is replaced by when it does not).  The best
# penalty depends on the series: on half-hourly demand with week windows
# (336 steps, ~800 windows) least squares forecasts best (MAE 385 MW, 489 with
# a penalty of 1 in scaled units), while shorter, noisier series want more.
# From nearly least squares to a prior worth all the data.
RIDGE_ALPHAS_PER_ROW = 10.0 ** np.arange(-6, 1)

# Rows (values times steps) gathered at a time while the ridge is summed.
_RIDGE_VALUES = 2**22


def baseline_kernel(
    kind, data, n_train, geometry, *, horizon, period=None, steps=None, alpha=None
):
    """Kernel and bias of a baseline in the network's input and target space.

    Parameters
    ----------
    kind : {"linear", "last", "seasonal_last"}
    data : WindowTrainingData
        The network's inputs and encoded targets.
    n_train : int
        Leading rows of ``data`` the ridge is fitted on.
    geometry : WindowGeometry
        Layout of the network's input windows (where the targets sit).
    horizon : int
        Target steps the network forecasts (1 for a recursive one).
    period : int or None
        Season length of ``"seasonal_last"``.
    alpha : float or None
        Ridge penalty of ``"linear"``; None: ``BASELINE_RIDGE_ALPHA *
        n_train``.
    steps : ndarray of int or None
        For seq2seq targets: the window step each target row belongs to.
        The ridge is then fitted on the window ending at every such step
        (its first value repeated before its start), as `WindowBaseline`
        applies it.

    Returns
    -------
    weights : list of ndarray
        The `WindowBaseline` layer's: ``kernel`` of shape ``(window_length,
        channels, n_outputs)``, ``bias`` of shape ``(n_outputs,)`` and, for
        windows with a future block, ``future_kernel`` of shape
        ``(horizon, n_known, n_outputs)``.
    """
    length, channels = data.window_shape
    n_outputs = data.sample_shapes[1][-1]
    future_shape = data.future_shape
    if kind == "linear":
        coef, bias = ridge_regression(
            _flat_batches(data, 0, n_train, steps),
            alpha=BASELINE_RIDGE_ALPHA * n_train if alpha is None else alpha,
            fit_intercept=True,
        )
        n_window = length * channels
        weights = [coef[:n_window].reshape(length, channels, n_outputs), bias]
        if future_shape is not None:
            weights.append(coef[n_window:].reshape(*future_shape, n_outputs))
        return weights
    columns = geometry.require_target_columns(f"baseline={kind!r}")
    if kind == "last":
        steps = np.full(horizon, length - 1)
    else:
        steps = _seasonal_steps(
            geometry, horizon, period, owner="baseline='seasonal_last'"
        )
    kernel = np.zeros((length, channels, n_outputs))
    for k, step in enumerate(steps):
        for c, column in enumerate(columns):
            kernel[step, column, k * len(columns) + c] = 1.0
    weights = [kernel, np.zeros(n_outputs)]
    if future_shape is not None:
        weights.append(np.zeros((*future_shape, n_outputs)))
    return weights


def validated_ridge_alpha(data, n_train, steps=None):
    """The ridge penalty with the least squared error on the validation rows.

    Fitted on the first ``n_train`` rows of ``data`` for every penalty of
    ``RIDGE_ALPHAS_PER_ROW`` (times ``n_train``) and scored on the others.

    Returns
    -------
    alpha : float
    """
    equations = NormalEquations.accumulate(_flat_batches(data, 0, n_train, steps))
    alphas = RIDGE_ALPHAS_PER_ROW * n_train
    solutions = [equations.solve(alpha) for alpha in alphas]
    errors = np.zeros(len(alphas))
    for x, y in _flat_batches(data, n_train, len(data), steps):
        for i, (coef, intercept) in enumerate(solutions):
            errors[i] += np.sum((x @ coef + intercept - y) ** 2)
    return float(alphas[np.argmin(errors)])


def residual_scale(data, n_rows, baseline=None, steps=None):
    """Root mean square error of a baseline on the first ``n_rows`` rows.

    Parameters
    ----------
    data : WindowTrainingData
    n_rows : int
    baseline : list of ndarray or None
        A baseline's weights (as `baseline_kernel` returns them); None: the
        targets' mean (the scale is their standard deviation).
    steps : ndarray of int or None
        Seq2seq steps, as for `baseline_kernel`.

    Returns
    -------
    scale : ndarray of shape (n_outputs,)
        Positive (a tiny floor for a perfect fit).
    """
    total = total_squares = 0.0
    count = 0
    for x, y in _flat_batches(data, 0, n_rows, steps):
        if baseline is not None:
            kernel, bias, *future = baseline
            n_outputs = bias.shape[-1]
            coef = np.concatenate(
                [k.reshape(-1, n_outputs) for k in (kernel, *future)], axis=0
            )
            y = y - (x @ coef + bias)
        total = total + y.sum(axis=0)
        total_squares = total_squares + (y**2).sum(axis=0)
        count += len(y)
    if baseline is None:
        mean = total / count
        variance = total_squares / count - mean**2
    else:
        variance = total_squares / count
    return np.sqrt(np.maximum(variance, 1e-12))


def _flat_batches(data, start, stop, steps):
    """Flattened windows (then future blocks) and targets, over rows ``start:stop``."""
    length, channels = data.window_shape
    per_row = length * channels * (1 if steps is None else len(steps))
    if data.future_shape is not None:
        per_row += int(np.prod(data.future_shape))
    chunk = max(1, _RIDGE_VALUES // per_row)
    for first in range(start, stop, chunk):
        x, y = data.get(slice(first, min(first + chunk, stop)))
        parts = x if isinstance(x, tuple) else (x,)
        parts = [np.asarray(part, np.float64) for part in parts]
        x, y = parts[0], np.asarray(y, np.float64)
        if steps is None:
            flat = [part.reshape(len(part), -1) for part in parts]
            yield np.concatenate(flat, axis=1), y.reshape(len(y), -1)
        else:
            yield _windows_at_steps(x, steps), y.reshape(-1, y.shape[-1])


def _windows_at_steps(x, steps):
    """The window ending at each of ``steps``, flattened: ``(n * len(steps), L * C)``.

    Steps before the window's start repeat its first value.
    """
    n, length, channels = x.shape
    padded = np.concatenate([np.repeat(x[:, :1], length - 1, axis=1), x], axis=1)
    views = np.lib.stride_tricks.sliding_window_view(padded, length, axis=1)
    # views[:, s] is the window ending at step s, shaped (channels, length).
    at_steps = views[:, np.asarray(steps)].transpose(0, 1, 3, 2)
    return at_steps.reshape(n * len(steps), length * channels)
