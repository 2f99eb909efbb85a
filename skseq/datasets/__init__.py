"""Data sets: synthetic series and fetchers for public corpora."""

from ._imdb import fetch_imdb
from ._jena import fetch_jena_climate
from ._synthetic import generate_time_series

__all__ = ["fetch_imdb", "fetch_jena_climate", "generate_time_series"]
