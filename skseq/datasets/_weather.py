"""The hourly weather at Newark airport in 2013, shipped with skseq."""

from importlib import resources

import pandas as pd

__all__ = ["load_newark_weather"]

_FILE = "newark_weather_2013.csv.gz"
COLUMNS = ("temp", "dewp", "humid", "pressure", "wind_speed")
# The source has one wind speed of 1048 mph (2013-02-12 08:00 UTC); the next
# highest is 43 mph.  Anything above this is a recording error.
_MAX_WIND_SPEED = 200.0


def load_newark_weather(*, raw=False):
    """Load the hourly weather at Newark airport (EWR) in 2013.

    A small real series shipped with skseq, a stand-in for the Jena climate
    data of Chollet's book: five variables recorded every hour from
    2013-01-01 06:00 to 2013-12-30 23:00 UTC.  It comes from the ``weather``
    table of the R package nycflights13 (licence CC0), which took it from
    the ASOS stations of the Iowa Environmental Mesonet.

    ======================  ==========================================
    column                  what
    ======================  ==========================================
    ``temp``                air temperature, °F
    ``dewp``                dew point, °F
    ``humid``               relative humidity, %
    ``pressure``            sea-level pressure, mbar
    ``wind_speed``          wind speed, mph
    ======================  ==========================================

    The recorded data has 8,703 rows: 27 hours have no row at all, one row
    has no temperature, dew point, humidity or wind speed, 935 rows have no
    pressure, and one wind speed reads 1048 mph (a recording error).  By
    default the loader makes a series that `~skseq.make_windows` can cut
    into windows of equally spaced steps:

    1. the impossible wind speed (above 200 mph) becomes missing;
    2. the rows are reindexed to every hour of the period, adding the 27
       missing hours (8,730 rows);
    3. every missing value is interpolated linearly in time from its
       neighbours: 28 values of ``temp``, ``dewp`` and ``humid``, 29 of
       ``wind_speed`` and 962 of ``pressure``.  No gap is longer than 5
       hours, except pressure gaps of up to 11 hours.

    Parameters
    ----------
    raw : bool, default=False
        Return the rows as recorded (8,703 rows, with gaps in time and
        missing values) instead.

    Returns
    -------
    weather : pandas.DataFrame of shape (8730, 5)
        float64 columns ``temp, dewp, humid, pressure, wind_speed``, indexed
        by the UTC hour of the observation (``time_hour``); with
        ``raw=False`` the index has the frequency ``"h"`` and no value is
        missing.

    See Also
    --------
    fetch_jena_climate : The 10-minute Jena climate series (downloaded).

    Examples
    --------
    >>> from skseq import make_windows
    >>> from skseq.datasets import load_newark_weather
    >>> weather = load_newark_weather()
    >>> weather.shape, weather.index.freqstr
    ((8730, 5), 'h')
    >>> weather.iloc[0]
    temp            39.02000
    dewp            26.06000
    humid           59.37000
    pressure      1012.00000
    wind_speed      10.35702
    Name: 2013-01-01 06:00:00+00:00, dtype: float64
    >>> X, y = make_windows(weather, window_length=72, horizon=24,
    ...                     target="temp")
    >>> X.shape, y.shape
    ((8635, 72, 5), (8635, 24))
    """
    source = resources.files(__package__).joinpath("data", _FILE)
    with source.open("rb") as file:
        weather = pd.read_csv(file, compression="gzip", index_col="time_hour")
    weather.index = pd.to_datetime(weather.index, utc=True)
    weather = weather.astype("float64")[list(COLUMNS)]
    if raw:
        return weather
    weather["wind_speed"] = weather["wind_speed"].mask(
        weather["wind_speed"] > _MAX_WIND_SPEED
    )
    hours = pd.date_range(
        weather.index[0], weather.index[-1], freq="h", name="time_hour"
    )
    return weather.reindex(hours).interpolate(method="time")
