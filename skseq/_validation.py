"""Input checks shared by every skseq estimator and transformer."""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from ._windows import as_windows

__all__ = ["check_random_seed", "validate_targets", "validate_windows"]


def validate_windows(estimator, X, *, reset):
    """Check windows for ``estimator`` and return them as `SequenceWindows`.

    ``n_features_in_`` follows scikit-learn's convention that it equals
    ``X.shape[1]``: for windows that is the window length.  The number of
    channels (features per step) is recorded separately as ``n_channels_``.

    Parameters
    ----------
    estimator : estimator instance
    X : SequenceWindows or array-like of 2 or 3 dimensions
    reset : bool
        True in ``fit`` (record the geometry), False afterwards (check it).
    """
    if not reset:
        check_is_fitted(estimator)
    _refuse_a_series(estimator, X)
    windows = as_windows(X)
    # skip_check_array: windows are checked by as_windows; this only records
    # or checks n_features_in_ (and feature names of a 2-D DataFrame).
    validate_data(estimator, X, skip_check_array=True, reset=reset)
    n_channels = windows.shape[2]
    if reset:
        estimator.n_channels_ = n_channels
        estimator.window_length_ = windows.shape[1]
    elif n_channels != estimator.n_channels_:
        raise ValueError(
            f"X has {n_channels} features per step, but {type(estimator).__name__} "
            f"was fitted with {estimator.n_channels_}."
        )
    return windows


def _refuse_a_series(estimator, X):
    """Explain that a 1-D series must be cut into windows first."""
    if not (hasattr(X, "shape") or isinstance(X, (list, tuple))):
        return
    try:
        one_dimensional = np.ndim(X) == 1 and len(X) > 0
    except ValueError:  # ragged nested lists: check_array explains those
        return
    if one_dimensional:
        raise ValueError(
            f"{type(estimator).__name__} takes windows of shape (n_windows, "
            "window_length) or (n_windows, window_length, n_features), but X "
            f"is 1-D (a series of {len(X)} values?). Cut a series into windows "
            "and the targets that follow them first: X, y = "
            "skseq.make_windows(series, window_length=..., horizon=...). "
            "Reshape your data with X.reshape(1, -1) if it is one window."
        )


def validate_targets(y, windows, *, name="y", who="This estimator"):
    """Check targets against windows; return float64 ``y`` (1-D or 2-D)."""
    if y is None:
        raise ValueError(
            f"{who} requires y to be passed, but the target y is None: give the "
            "targets that follow each window."
        )
    if hasattr(y, "tocsr"):
        raise TypeError(f"`{name}` must be dense, got a sparse matrix.")
    array = np.asarray(y)
    if array.dtype.kind == "O":
        array = array.astype(np.float64)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"`{name}` must hold numbers, got dtype {array.dtype}.")
    array = array.astype(np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(
            f"`{name}` must be 1-D (n_windows,) or 2-D (n_windows, horizon); got "
            f"shape {array.shape}."
        )
    if len(array) != len(windows):
        raise ValueError(
            f"X and {name} have inconsistent lengths: {len(windows)} windows but "
            f"{len(array)} targets."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"`{name}` contains NaN or infinity.")
    n_targets = len(windows.geometry.target_columns or (0,))
    width = 1 if array.ndim == 1 else array.shape[1]
    if width % n_targets:
        raise ValueError(
            f"`{name}` has {width} columns, which is not a multiple of the "
            f"{n_targets} target columns of X."
        )
    return array


def horizon_of(y, windows):
    """Number of target steps per window given validated ``y``."""
    n_targets = len(windows.geometry.target_columns or (0,))
    return (1 if y.ndim == 1 else y.shape[1]) // n_targets


def check_random_seed(random_state):
    """An int seed from a validated ``random_state`` (None draws one)."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        return int(random_state)
    # A RandomState instance (the parameter constraints allow nothing else).
    return int(random_state.randint(2**31 - 1))
