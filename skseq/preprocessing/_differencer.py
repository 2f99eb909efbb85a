"""Seasonal differences inside each window, and of the targets after it."""

from numbers import Integral

import numpy as np

from .._param_validation import Interval
from .._windows import WindowOperation
from ._base import WindowTransformer

__all__ = ["SeasonalDifferencer"]


class SeasonalDifferencer(WindowTransformer):
    """Replace every value by its change over one period: ``x[t] - x[t - period]``.

    Differencing happens inside each window, so a window loses the steps
    whose value one period earlier lies before it.  The target at time ``t``
    becomes ``y[t] - x[t - period]``; the value one period earlier is read
    from the window, or, for a horizon longer than the period, from an
    earlier target.  A skseq estimator ending the pipeline undoes this
    recursively, adding back the targets it has already reconstructed, so
    its predictions are in original units.

    Parameters
    ----------
    period : int, default=1
        Season length in steps of the underlying series (1 gives plain first
        differences).  For windows that keep every k-th step
        (``make_windows(..., sampling_rate=k)``) it must be a multiple of k,
        and it must be shorter than the span of a window.

    Attributes
    ----------
    n_features_in_ : int
        Window length seen in ``fit`` (``X.shape[1]``, scikit-learn's
        convention for 2-D input).
    n_channels_ : int
        Features per step.
    window_length_ : int
        Steps per input window.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a 2-D DataFrame with string columns.

    See Also
    --------
    WindowNormalizer : Each window relative to its own level.
    LookbackWindow : Keep the last steps of each window.

    Notes
    -----
    A target ``delay + h`` steps after the last window step (``h`` counts
    from 0) needs the value ``delay + h - period`` steps after that step.
    When this falls between the window and the first target (possible only
    with ``delay > 1``) it was never observed, so the targets cannot be
    mapped back: the estimator refuses to fit, explaining why.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import make_windows
    >>> from skseq.preprocessing import SeasonalDifferencer
    >>> series = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0])
    >>> X, y = make_windows(series, window_length=4, horizon=3)
    >>> Xt = SeasonalDifferencer(period=2).fit_transform(X)
    >>> Xt.take()[:, :, 0]
    array([[1., 1.],
           [1., 1.]])
    >>> batch = Xt.batch()
    >>> batch.forward_targets(y)
    array([[1., 1., 1.],
           [1., 1., 1.]])
    >>> batch.inverse_targets(batch.forward_targets(y))
    array([[3., 7., 4.],
           [7., 4., 8.]])
    """

    _parameter_constraints = {"period": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, *, period=1):
        self.period = period

    def _fit(self, windows):
        SeasonalDifferencing(self.period).check_geometry(windows.geometry)

    def _make_operation(self, windows):
        operation = SeasonalDifferencing(self.period)
        operation.check_geometry(windows.geometry)
        return operation


class SeasonalDifferencing(WindowOperation):
    """``x[t] - x[t - period]`` for the steps whose reference is in the window."""

    changes_targets = True

    def __init__(self, period):
        self.period = int(period)

    def __repr__(self):
        return f"SeasonalDifferencing(period={self.period})"

    def _references(self, geometry):
        """Steps that have a value one period earlier, and those earlier steps."""
        offsets = np.asarray(geometry.offsets)
        wanted = offsets - self.period
        found = np.searchsorted(offsets, wanted).clip(max=len(offsets) - 1)
        kept = np.flatnonzero(offsets[found] == wanted)
        return kept, found[kept]

    def check_geometry(self, geometry):
        """Raise ValueError unless some window step has a reference step."""
        offsets = np.asarray(geometry.offsets)
        span = int(offsets[-1] - offsets[0]) + 1
        spacings = np.unique(np.diff(offsets))
        if len(spacings) == 1 and self.period % spacings[0]:
            spacing = int(spacings[0])
            raise ValueError(
                f"`period`={self.period} is not a multiple of the spacing of the "
                f"window steps: they are {spacing} series steps apart, so no step "
                f"has a value one period before it; use a multiple of {spacing}."
            )
        if self.period >= span:
            raise ValueError(
                f"`period`={self.period} leaves nothing to difference: the windows "
                f"span {span} series step(s) (window_length="
                f"{geometry.window_length}, n_features={geometry.window_length} "
                "for 2-D input); the period must be shorter than that span."
            )
        if len(self._references(geometry)[0]) == 0:
            raise ValueError(
                f"`period`={self.period}: no window step has a step one period "
                f"before it (step offsets {geometry.offsets})."
            )

    def output_geometry(self, geometry):
        kept, _ = self._references(geometry)
        return geometry.with_offsets(np.asarray(geometry.offsets)[kept])

    def transform(self, windows, geometry):
        kept, references = self._references(geometry)
        return windows[:, _as_slice(kept)] - windows[:, _as_slice(references)]

    def _target_references(self, geometry, horizon):
        """For each target step, ``(True, window step)`` or ``(False, target)``.

        The target ``delay + h`` steps after the window's last step is
        differenced against the value ``period`` steps earlier: a window step
        or an earlier target.
        """
        references = []
        for h, offset in enumerate(geometry.target_offsets(horizon)):
            earlier = int(offset) - self.period
            if earlier >= geometry.delay:
                references.append((False, earlier - geometry.delay))
            elif earlier > 0:
                raise ValueError(self._gap_message(geometry, h, earlier, horizon))
            elif (step := geometry.step_of_offset(earlier)) >= 0:
                references.append((True, step))
            else:
                raise ValueError(
                    f"SeasonalDifferencer(period={self.period}) cannot map target "
                    f"{h + 1} of the horizon: it needs the value {-earlier} step(s) "
                    "before the last window step, which is not a step of the "
                    f"windows (step offsets {geometry.offsets})."
                )
        return references

    def _gap_message(self, geometry, h, earlier, horizon):
        return (
            f"SeasonalDifferencer(period={self.period}) cannot map target {h + 1} "
            f"of the horizon ({int(geometry.delay + h)} steps after the last window "
            f"step, delay={geometry.delay}): its value one period earlier, "
            f"{earlier} step(s) after the window, falls in the gap of "
            f"{geometry.delay - 1} unobserved step(s) between the window and the "
            "first target, so differenced targets could not be turned back into "
            "values. Use delay=1, or a period >= delay + horizon - 1 (here "
            f"{geometry.delay + horizon - 1}) so that every reference lies in the "
            "window."
        )

    def check_horizon(self, geometry, horizon):
        geometry.require_target_columns("SeasonalDifferencer")
        self._target_references(geometry, horizon)

    def forward_targets(self, y, windows, geometry):
        columns = list(geometry.require_target_columns("SeasonalDifferencer"))
        differenced = np.empty_like(y)
        references = self._target_references(geometry, y.shape[1])
        for h, (in_window, source) in enumerate(references):
            earlier = windows[:, source, columns] if in_window else y[:, source]
            differenced[:, h] = y[:, h] - earlier
        return differenced

    def inverse_targets(self, y, windows, geometry):
        columns = list(geometry.require_target_columns("SeasonalDifferencer"))
        values = np.empty_like(y)
        references = self._target_references(geometry, y.shape[1])
        # Increasing h: a target one period after another adds the value
        # already reconstructed for that one.
        for h, (in_window, source) in enumerate(references):
            earlier = windows[:, source, columns] if in_window else values[:, source]
            values[:, h] = y[:, h] + earlier
        return values


def _as_slice(indices):
    """Evenly spaced indices as a slice, so that indexing gives a view."""
    steps = np.unique(np.diff(indices))
    if len(steps) == 1 and steps[0] > 0:
        return slice(int(indices[0]), int(indices[-1]) + 1, int(steps[0]))
    if len(indices) == 1:
        return slice(int(indices[0]), int(indices[0]) + 1)
    return indices
