"""The Jena climate series (Chollet's weather data), downloaded once and cached."""

import zipfile
import zlib

import pandas as pd
from sklearn.utils import Bunch

from ._base import RemoteFile, fetch_remote, get_data_home

__all__ = ["fetch_jena_climate"]

# No checksum is published for this file; its content is checked instead
# (the CSV header must list exactly the columns below).
ARCHIVE = RemoteFile(
    filename="jena_climate_2009_2016.csv.zip",
    url=(
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        "jena_climate_2009_2016.csv.zip"
    ),
    sha256=None,
)
FEATURE_NAMES = (
    "p (mbar)",
    "T (degC)",
    "Tpot (K)",
    "Tdew (degC)",
    "rh (%)",
    "VPmax (mbar)",
    "VPact (mbar)",
    "VPdef (mbar)",
    "sh (g/kg)",
    "H2OC (mmol/mol)",
    "rho (g/m**3)",
    "wv (m/s)",
    "max. wv (m/s)",
    "wd (deg)",
)
_FOLDER = "jena_climate"
_MEMBER = "jena_climate_2009_2016.csv"
_TIME = "Date Time"
_TIME_FORMAT = "%d.%m.%Y %H:%M:%S"

DESCR = """\
Jena climate, 2009-2016
-----------------------
14 weather quantities (pressure, temperatures, humidity, vapour pressures,
air density, wind speed and direction) recorded every 10 minutes at the
weather station of the Max Planck Institute for Biogeochemistry in Jena,
Germany, from January 2009 to December 2016: 420,551 rows.  The file is the
one prepared by François Chollet for *Deep Learning with Python* and used by
the Keras and TensorFlow time-series tutorials.

The rows are returned as recorded: a few time stamps are duplicated or
missing, and -9999 in the wind speed columns marks a missing value.

https://www.bgc-jena.mpg.de/wetter/
"""


def fetch_jena_climate(*, data_home=None, download_if_missing=True, as_frame=True):
    """Load the Jena climate series, downloading it on first use.

    The first call downloads ``jena_climate_2009_2016.csv.zip`` (13.6 MB)
    into ``data_home/jena_climate``; later calls read it from there.  To work
    offline, copy the archive into that folder yourself.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; None means ``$SKSEQ_DATA`` if set, else ``~/skseq_data``.
    download_if_missing : bool, default=True
        Download the archive if it is not in the cache; if False, raise
        ``OSError`` instead.
    as_frame : bool, default=True
        Return the data as a DataFrame indexed by time; otherwise as a
        float64 array, with the times in ``index``.

    Returns
    -------
    dataset : Bunch
        ``data`` (DataFrame of shape (n_steps, 14), or ndarray with
        ``as_frame=False``), ``frame`` (the DataFrame, or None),
        ``feature_names`` (the 14 column names), ``index`` (the
        ``DatetimeIndex`` named "Date Time") and ``DESCR``.

    Raises
    ------
    OSError
        When the data is not cached and ``download_if_missing=False``, or
        when the cached archive cannot be read as the Jena climate CSV; the
        message names the file to delete.

    See Also
    --------
    skseq.make_windows : Cut the series into windows and targets.

    Examples
    --------
    >>> from skseq import make_windows
    >>> from skseq.datasets import fetch_jena_climate
    >>> jena = fetch_jena_climate()  # doctest: +SKIP
    >>> jena.frame.shape  # doctest: +SKIP
    (420551, 14)

    A few time stamps are repeated or missing, and `~skseq.make_windows`
    refuses such an index (windows count rows, not time): keep one row per
    time stamp and fill the gaps first.

    >>> frame = jena.frame[~jena.frame.index.duplicated()]  # doctest: +SKIP
    >>> frame = frame.sort_index().asfreq("10min").interpolate()  # doctest: +SKIP
    >>> X, y = make_windows(frame, window_length=120, sampling_rate=6,
    ...                     delay=144, target="T (degC)")  # doctest: +SKIP
    """
    frame = _load_frame(data_home, download_if_missing)
    return Bunch(
        data=frame if as_frame else frame.to_numpy(dtype=float),
        frame=frame if as_frame else None,
        feature_names=list(FEATURE_NAMES),
        index=frame.index,
        DESCR=DESCR,
    )


def _load_frame(data_home, download_if_missing):
    """The series from the cached archive, downloading it if needed."""
    folder = get_data_home(data_home) / _FOLDER
    archive = folder / ARCHIVE.filename
    if archive.exists():
        return _read_archive(archive)
    if not download_if_missing:
        raise OSError(
            f"The Jena climate data is not in the cache {folder} and "
            "download_if_missing=False; download it once with "
            f"download_if_missing=True, or copy {ARCHIVE.url} there."
        )
    archive = fetch_remote(ARCHIVE, folder)
    try:
        return _read_archive(archive)
    except OSError:
        # A download that is not the expected file must not stay cached.
        archive.unlink()
        raise


def _read_archive(path):
    """The CSV inside the zip ``path`` as a DataFrame indexed by time."""
    member = None
    try:
        with zipfile.ZipFile(path) as archive:
            member = _csv_member(archive, path)
            with archive.open(member) as csv:
                frame = pd.read_csv(csv, index_col=_TIME)
        _check_columns(frame, path)
        frame.index = pd.to_datetime(frame.index, format=_TIME_FORMAT)
        frame = frame.astype(float)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        where = "" if member is None else f"{member}: "
        raise OSError(
            f"{path} is not a readable Jena climate archive ({where}"
            f"{type(error).__name__}: {error}); delete it so that it is "
            "downloaded again."
        ) from error
    frame.index.name = _TIME
    return frame


def _check_columns(frame, path):
    if tuple(frame.columns) != FEATURE_NAMES:
        raise OSError(
            f"{path} does not hold the Jena climate columns: expected "
            f"{list(FEATURE_NAMES)}, found {list(frame.columns)}; delete it so "
            "that it is downloaded again."
        )


def _csv_member(archive, path):
    for name in archive.namelist():
        if name.rsplit("/", 1)[-1] == _MEMBER and not name.startswith("__MACOSX"):
            return name
    raise OSError(
        f"{path} holds no {_MEMBER} (members: {archive.namelist()}); delete it "
        "so that it is downloaded again."
    )
