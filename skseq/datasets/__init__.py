"""Data sets: a shipped weather series, synthetic series, and fetchers."""

from ._imdb import fetch_imdb
from ._jena import fetch_jena_climate
from ._ptb import fetch_ptb
from ._synthetic import generate_time_series
from ._weather import load_newark_weather

__all__ = [
    "fetch_imdb",
    "fetch_jena_climate",
    "fetch_ptb",
    "generate_time_series",
    "load_newark_weather",
]
