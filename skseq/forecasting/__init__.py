"""Forecasters: baselines and (with keras installed) recurrent networks."""

from ._linear import LinearWindowRegressor
from ._naive import NaiveForecaster

__all__ = ["LinearWindowRegressor", "NaiveForecaster"]
