import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skseq import make_windows
from skseq.datasets import load_newark_weather

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["temp", "dewp", "humid", "pressure", "wind_speed"]


@pytest.fixture(scope="module")
def weather():
    return load_newark_weather()


def test_every_hour_of_the_period_once_in_order(weather):
    assert weather.shape == (8730, 5)
    assert list(weather.columns) == COLUMNS
    assert (weather.dtypes == np.float64).all()
    index = weather.index
    assert isinstance(index, pd.DatetimeIndex)
    assert str(index.tz) == "UTC"
    assert index.name == "time_hour"
    assert index.freqstr == "h"
    assert index.is_monotonic_increasing
    assert index.is_unique
    assert (np.diff(index.asi8) == np.diff(index.asi8)[0]).all()
    assert index[0] == pd.Timestamp("2013-01-01 06:00", tz="UTC")
    assert index[-1] == pd.Timestamp("2013-12-30 23:00", tz="UTC")


def test_no_missing_values_and_plausible_ranges(weather):
    assert not weather.isna().any().any()
    assert weather["temp"].between(0, 105).all()
    assert weather["humid"].between(0, 100).all()
    assert weather["pressure"].between(980, 1050).all()
    assert weather["wind_speed"].between(0, 50).all()


def test_recorded_values_are_kept(weather):
    raw = load_newark_weather(raw=True)
    first = weather.loc[pd.Timestamp("2013-01-01 06:00", tz="UTC")]
    np.testing.assert_array_equal(first, [39.02, 26.06, 59.37, 1012.0, 10.35702])
    recorded = raw.dropna().index.intersection(weather.index)
    np.testing.assert_array_equal(
        weather.loc[recorded, "temp"], raw.loc[recorded, "temp"]
    )


def test_raw_rows_have_the_documented_gaps():
    raw = load_newark_weather(raw=True)
    assert raw.shape == (8703, 5)
    assert raw.isna().sum().to_dict() == {
        "temp": 1,
        "dewp": 1,
        "humid": 1,
        "pressure": 935,
        "wind_speed": 1,
    }
    assert raw["wind_speed"].max() > 1000  # the recording error


def test_the_documented_number_of_values_is_filled_in(weather):
    recorded = load_newark_weather(raw=True).reindex(weather.index)
    assert (recorded != weather).sum().to_dict() == {
        "temp": 28,
        "dewp": 28,
        "humid": 28,
        "pressure": 962,
        "wind_speed": 29,
    }


def test_missing_hours_and_values_are_interpolated_in_time(weather):
    # 2013-01-01 17:00 UTC has no row; 16:00 and 18:00 read 41.0 and 39.2 °F.
    missing_hour = pd.Timestamp("2013-01-01 17:00", tz="UTC")
    assert missing_hour not in load_newark_weather(raw=True).index
    assert weather.loc[missing_hour, "temp"] == pytest.approx((41.0 + 39.2) / 2)
    # The 1048 mph reading is replaced by the mean of its neighbours.
    error = pd.Timestamp("2013-02-12 08:00", tz="UTC")
    neighbours = weather["wind_speed"].loc[
        error - pd.Timedelta("1h") : error + pd.Timedelta("1h")
    ]
    assert neighbours.iloc[1] == pytest.approx(neighbours.iloc[[0, 2]].mean())


def test_cut_into_windows_with_the_column_names(weather):
    X, y = make_windows(weather, window_length=72, horizon=24, target="temp")
    assert X.shape == (8635, 72, 5)
    assert y.shape == (8635, 24)
    np.testing.assert_array_equal(y[0], weather["temp"].iloc[72:96])


def test_loads_from_an_installed_wheel(tmp_path):
    """The data file is in the wheel and read through importlib.resources."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(
        ROOT / "skseq", source / "skseq", ignore=shutil.ignore_patterns("__pycache__")
    )
    pip = [sys.executable, "-m", "pip", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--wheel-dir", tmp_path / "dist", source],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("skseq-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", site, wheel],
        check=True,
        capture_output=True,
    )
    code = (
        "import json, skseq\n"
        "from skseq.datasets import load_newark_weather\n"
        "w = load_newark_weather()\n"
        "print(json.dumps([skseq.__file__, list(w.shape), w.isna().sum().sum().item(),"
        " w['temp'].iloc[0]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    module_file, shape, n_missing, first_temp = json.loads(result.stdout)
    assert Path(module_file).is_relative_to(site)
    assert shape == [8730, 5]
    assert n_missing == 0
    assert first_temp == 39.02
