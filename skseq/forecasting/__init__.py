"""Forecasters: baselines and (with keras installed) recurrent networks."""

from .._keras import ConvGRUForecaster, GRUForecaster, RNNForecaster
from ._linear import LinearWindowRegressor
from ._naive import NaiveForecaster

__all__ = [
    "ConvGRUForecaster",
    "GRUForecaster",
    "LinearWindowRegressor",
    "NaiveForecaster",
    "RNNForecaster",
]
