"""Forecasters: baselines and (with keras installed) recurrent networks."""

from ._conformal import ConformalForecaster
from ._linear import LinearWindowRegressor
from ._naive import NaiveForecaster
from ._recurrent import ConvGRUForecaster, GRUForecaster, RNNForecaster

__all__ = [
    "ConformalForecaster",
    "ConvGRUForecaster",
    "GRUForecaster",
    "LinearWindowRegressor",
    "NaiveForecaster",
    "RNNForecaster",
]
