"""Where the steps of a window and its targets sit in time.

A window's geometry is what a target-aware operation needs to know to map
targets: the time offset of every window step relative to the last observed
step, how far the first target lies after that step, and which feature columns
are the targets.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

__all__ = ["WindowGeometry"]


@dataclass(frozen=True)
class WindowGeometry:
    """Time layout of windows and their targets, in series steps.

    Parameters
    ----------
    offsets : tuple of int
        Offset of each window step relative to the last observed step, in
        steps of the underlying series; increasing, ending with 0. A window of
        5 steps taken every 2nd step has ``(-8, -6, -4, -2, 0)``.
    delay : int
        Steps from the last observed step to the first target.
    target_columns : tuple of int or None
        Feature columns holding the target variables, or None when unknown
        (windows built from a plain multivariate array).
    n_features : int
        Number of feature columns.
    known_columns : tuple of int, default=()
        Feature columns known ahead: besides their values in the window,
        each window carries their values at the ``future_length`` target
        steps (its *future block*).  Empty when there are none.
    future_length : int, default=0
        Steps of the future block: the target steps ``delay, ...,
        delay + future_length - 1`` after the last observed step.
    horizon : int or None, default=None
        Target steps per window, when the windows were cut with their
        targets (`make_windows`); None when unknown.
    """

    offsets: tuple
    delay: int
    target_columns: tuple | None
    n_features: int
    known_columns: tuple = ()
    future_length: int = 0
    horizon: int | None = None

    def __repr__(self):
        # The known-ahead fields only when there are known columns, and the
        # horizon (bookkeeping for the splitters) never.
        shown = ["offsets", "delay", "target_columns", "n_features"]
        if self.known_columns:
            shown += ["known_columns", "future_length"]
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"WindowGeometry({fields})"

    @classmethod
    def regular(
        cls,
        window_length,
        *,
        sampling_rate=1,
        delay=1,
        target_columns=None,
        n_features=1,
        known_columns=(),
        future_length=0,
        horizon=None,
    ):
        """Geometry of evenly spaced windows such as `make_windows` builds."""
        offsets = tuple(
            int(o)
            for o in (np.arange(window_length) - window_length + 1) * sampling_rate
        )
        return cls(
            offsets,
            int(delay),
            target_columns,
            int(n_features),
            tuple(int(c) for c in known_columns),
            int(future_length) if known_columns else 0,
            None if horizon is None else int(horizon),
        )

    @property
    def window_length(self):
        return len(self.offsets)

    @property
    def future_offsets(self):
        """Offsets of the future block's steps relative to the last step."""
        return self.delay + np.arange(self.future_length)

    @property
    def future_shape(self):
        """``(future_length, n_known)`` of one window's future block, or None."""
        if not self.known_columns:
            return None
        return (self.future_length, len(self.known_columns))

    def target_offsets(self, horizon):
        """Offsets of the ``horizon`` targets relative to the last step."""
        return self.delay + np.arange(horizon)

    def step_of_offset(self, offset):
        """Index of the window step at ``offset``, or -1 when there is none."""
        position = int(np.searchsorted(self.offsets, offset))
        if position < len(self.offsets) and self.offsets[position] == offset:
            return position
        return -1

    def require_target_columns(self, who):
        """Return the target columns or explain why they are unknown."""
        if self.target_columns is None:
            raise ValueError(
                f"{who} needs to know which feature is the target, but these "
                f"windows have {self.n_features} features and no target column. "
                "Build them with make_windows(..., target=...) or "
                "SequenceWindows.from_array(X, target_columns=...)."
            )
        return self.target_columns

    def with_offsets(self, offsets):
        return dataclasses.replace(self, offsets=tuple(int(o) for o in offsets))
