"""Window transformers: they change windows, and the targets that follow them.

Each transformer returns the same lazy `SequenceWindows` with one more
operation on its chain.  A skseq estimator at the end of a pipeline maps the
targets through that chain before learning and maps its predictions back, so
they are in original units.
"""

from ._differencer import SeasonalDifferencer
from ._lookback import LookbackWindow
from ._normalizer import WindowNormalizer
from ._scaler import SequenceScaler

__all__ = [
    "LookbackWindow",
    "SeasonalDifferencer",
    "SequenceScaler",
    "WindowNormalizer",
]
