"""skseq: Keras 3 sequence models as scikit-learn estimators."""

from ._geometry import WindowGeometry
from ._windows import (
    SequenceWindows,
    TargetTransformWarning,
    WindowOperation,
    make_windows,
)

__version__ = "0.1.0"

__all__ = [
    "SequenceWindows",
    "TargetTransformWarning",
    "WindowGeometry",
    "WindowOperation",
    "make_windows",
]
