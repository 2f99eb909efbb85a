"""Base classes and parameter constraints for writing your own estimators.

Subclass `BaseKerasForecaster` to add a neural forecaster: it brings
``fit``, ``predict``, the horizon strategies, window chains, training,
seeding and pickling, and your class only builds the network (see *Adding a
forecaster* in the documentation).  The constraints are those skseq's own
estimators declare in ``_parameter_constraints``, in scikit-learn's form.
"""

from ._keras._forecaster import BaseKerasForecaster
from ._param_validation import Interval, LayerSizes, StrOptions
from ._window_regressor import BaseWindowRegressor

__all__ = [
    "BaseKerasForecaster",
    "BaseWindowRegressor",
    "Interval",
    "LayerSizes",
    "StrOptions",
]
