"""Data sets: a shipped weather series and tweets, synthetic series, fetchers."""

from ._imdb import fetch_imdb
from ._jena import fetch_jena_climate
from ._ptb import fetch_ptb
from ._synthetic import generate_time_series
from ._tweets import load_vader_tweets
from ._weather import load_newark_weather

__all__ = [
    "fetch_imdb",
    "fetch_jena_climate",
    "fetch_ptb",
    "generate_time_series",
    "load_newark_weather",
    "load_vader_tweets",
]
