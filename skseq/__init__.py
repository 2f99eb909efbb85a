"""skseq: Keras 3 sequence models as scikit-learn estimators.

Importing skseq never imports Keras: the neural estimators import it on their
first ``fit`` (or when unpickled).
"""

from ._config import clear_keras_caches, config_context, get_config, set_config
from ._geometry import WindowGeometry
from ._keras import KerasBackendWarning
from ._panel import PanelWindows, ShortSeriesWarning, make_panel_windows
from ._windows import (
    SequenceWindows,
    TargetTransformWarning,
    WindowOperation,
    make_windows,
)
from .classification import SentimentRNNClassifier, TextTokenizer
from .forecasting import (
    ConvGRUForecaster,
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
    RNNForecaster,
)
from .text import RNNLanguageModel

__version__ = "0.1.0"

__all__ = [
    "ConvGRUForecaster",
    "GRUForecaster",
    "KerasBackendWarning",
    "LinearWindowRegressor",
    "NaiveForecaster",
    "PanelWindows",
    "RNNForecaster",
    "RNNLanguageModel",
    "SentimentRNNClassifier",
    "SequenceWindows",
    "ShortSeriesWarning",
    "TargetTransformWarning",
    "TextTokenizer",
    "WindowGeometry",
    "WindowOperation",
    "clear_keras_caches",
    "config_context",
    "get_config",
    "make_panel_windows",
    "make_windows",
    "set_config",
]
