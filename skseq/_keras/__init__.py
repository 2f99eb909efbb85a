"""The only place in skseq that imports Keras: base estimator, training, networks.

Importing this package does not import Keras: the backend is chosen and
Keras imported on the first ``fit`` (or unpickling) of a neural estimator.
The estimators themselves live in `skseq.forecasting` and
`skseq.classification`.
"""

from ._backend import KerasBackendWarning, import_keras

__all__ = ["KerasBackendWarning", "import_keras"]
