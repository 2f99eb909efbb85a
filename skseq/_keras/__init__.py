"""Keras 3 estimators; the only place in skseq that imports Keras.

Importing this package does not import Keras: the backend is chosen and
Keras imported on the first ``fit`` (or unpickling) of a neural estimator.
"""

from ._backend import KerasBackendWarning, import_keras
from ._forecasters import ConvGRUForecaster, GRUForecaster, RNNForecaster

__all__ = [
    "ConvGRUForecaster",
    "GRUForecaster",
    "KerasBackendWarning",
    "RNNForecaster",
    "import_keras",
]
