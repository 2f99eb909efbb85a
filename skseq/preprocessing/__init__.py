"""Window transformers: they change windows, and the targets that follow them.

`CalendarFeatures` is the exception: it turns a series' times into calendar
columns, known ahead, to window next to the series.

Each transformer returns the same lazy `SequenceWindows` with one more
operation on its chain.  A skseq estimator at the end of a pipeline maps the
targets through that chain before learning and maps its predictions back, so
they are in original units.
"""

from ._calendar import CalendarFeatures
from ._differencer import SeasonalDifferencer
from ._lookback import LookbackWindow
from ._normalizer import WindowNormalizer
from ._scaler import SequenceScaler

__all__ = [
    "CalendarFeatures",
    "LookbackWindow",
    "SeasonalDifferencer",
    "SequenceScaler",
    "WindowNormalizer",
]
