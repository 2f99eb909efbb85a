"""Data sets: synthetic series and fetchers for public corpora."""

from ._imdb import fetch_imdb
from ._synthetic import generate_time_series

__all__ = ["fetch_imdb", "generate_time_series"]
