"""Data sets: synthetic series and fetchers for public corpora."""

from ._synthetic import generate_time_series

__all__ = ["generate_time_series"]
