"""Synthetic series for examples, tests and benchmarks."""

import numpy as np
from sklearn.utils import check_random_state

from .._windows import _check_positive_int

__all__ = ["generate_time_series"]


def generate_time_series(n_series, n_steps, random_state=None):
    """Noisy sums of two sine waves, as in Hands-On ML, chapter 15.

    Each series is ``0.5 sin((t - o1)(10 f1 + 10)) + 0.2 sin((t - o2)(20 f2 +
    20))`` plus uniform noise in ``[-0.05, 0.05)``, for ``t`` evenly spaced in
    ``[0, 1]`` and random frequencies ``f`` and offsets ``o``.  With an int
    ``random_state`` the draws are those of ``np.random.seed(random_state)``
    followed by the book's code, so its numbers can be reproduced.

    Parameters
    ----------
    n_series : int
        Number of independent series (the book's ``batch_size``).
    n_steps : int
        Steps per series.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the draws.

    Returns
    -------
    series : ndarray of shape (n_series, n_steps, 1), dtype float32

    Examples
    --------
    >>> from skseq.datasets import generate_time_series
    >>> series = generate_time_series(10_000, 51, random_state=42)
    >>> series.shape, series.dtype
    ((10000, 51, 1), dtype('float32'))
    >>> X_train, y_train = series[:7000, :50], series[:7000, -1, 0]
    """
    n_series = _check_positive_int(n_series, "n_series")
    n_steps = _check_positive_int(n_steps, "n_steps")
    rng = check_random_state(random_state)
    freq1, freq2, offsets1, offsets2 = rng.rand(4, n_series, 1)
    time = np.linspace(0, 1, n_steps)
    series = 0.5 * np.sin((time - offsets1) * (freq1 * 10 + 10))
    series += 0.2 * np.sin((time - offsets2) * (freq2 * 20 + 20))
    series += 0.1 * (rng.rand(n_series, n_steps) - 0.5)
    return series[..., np.newaxis].astype(np.float32)
