"""What ``predict(X, quantiles=..., coverage=...)`` asks for, and its layout.

Every forecaster that predicts quantiles (`ConformalForecaster`, a neural
forecaster trained with ``loss="pinball"``) takes the same two keywords:
``quantiles``, strictly increasing levels, and ``coverage``, one or more
central-interval coverages.  `LevelRequest` turns either into the flat list
of levels to compute and lays the computed values out as documented.
"""

import numpy as np

from .metrics import check_levels

__all__ = ["LevelRequest", "interpolate_levels"]


class LevelRequest:
    """The levels a ``predict`` call asks for.

    Parameters
    ----------
    quantiles : array-like of float or None
        Strictly increasing levels in (0, 1).
    coverage : float, array-like of float or None
        Coverages in (0, 1) of central intervals: coverage ``c`` is the
        interval between the levels ``(1 - c) / 2`` and ``(1 + c) / 2``.

    Attributes
    ----------
    levels : ndarray of shape (n_levels,)
        Every level to compute, in the order `arrange` expects them.
    """

    def __init__(self, quantiles, coverage):
        if quantiles is not None and coverage is not None:
            raise ValueError(
                "Pass `quantiles` or `coverage` to predict, not both; got "
                f"quantiles={quantiles!r} and coverage={coverage!r}."
            )
        self.coverage = coverage
        if quantiles is not None:
            self._shape = None
            self.levels = check_levels(quantiles, "quantiles")
        else:
            coverages = check_levels(coverage, "coverage", ordered=False)
            pairs = np.column_stack([(1 - coverages) / 2, (1 + coverages) / 2])
            # (1 - 0.8) / 2 is 0.09999999999999998: round, so that coverage
            # 0.8 gives exactly the quantiles 0.1 and 0.9.
            pairs = np.round(pairs, 12)
            self._shape = pairs.shape
            self.levels = pairs.ravel()

    def arrange(self, values):
        """``values`` (levels on the last axis, in ``levels`` order) laid out.

        Quantiles keep the levels on the last axis; a float coverage gives
        a last axis of (lower, upper); several give ``(n_coverages, 2)``,
        in the order the coverages were given.
        """
        if self._shape is None:
            return values
        values = values.reshape(values.shape[:-1] + self._shape)
        # check_levels sorted the coverages: back to the order given.
        order = np.argsort(np.argsort(np.atleast_1d(self.coverage)))
        values = values[..., order, :]
        return values[..., 0, :] if np.ndim(self.coverage) == 0 else values


def interpolate_levels(values, trained, wanted, owner):
    """Quantiles at ``wanted`` levels from those at ``trained`` levels.

    Linear in the level between neighbouring trained levels (so quantiles
    stay monotone); a level outside the trained range is refused.

    Parameters
    ----------
    values : ndarray of shape (..., len(trained))
    trained : ndarray, strictly increasing
    wanted : ndarray
    owner : str
        Who asks, for the error message.

    Returns
    -------
    ndarray of shape (..., len(wanted))
    """
    outside = wanted[(wanted < trained[0] - 1e-12) | (wanted > trained[-1] + 1e-12)]
    if outside.size:
        raise ValueError(
            f"{owner} learned the quantile levels {_format(trained)} and "
            f"interpolates between them, so it cannot give the level "
            f"{outside[0]:g}: ask for levels in [{trained[0]:g}, {trained[-1]:g}], "
            "fit it with `quantiles` that include the level, or wrap it in "
            "ConformalForecaster."
        )
    position = np.interp(wanted, trained, np.arange(len(trained)))
    lower = np.clip(np.floor(position).astype(int), 0, len(trained) - 1)
    upper = np.minimum(lower + 1, len(trained) - 1)
    weight = position - lower
    return values[..., lower] * (1 - weight) + values[..., upper] * weight


def _format(levels):
    return "[" + ", ".join(f"{level:g}" for level in levels) + "]"
