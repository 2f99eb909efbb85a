"""CalendarFeatures: exact values, inputs, errors, and windows built with it."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skseq import make_windows
from skseq.preprocessing import CalendarFeatures


def _angle(position):
    return np.sin(2 * np.pi * position), np.cos(2 * np.pi * position)


def test_cycles_and_indicators_have_exact_values():
    times = pd.DatetimeIndex(["2024-03-02 06:30", "2023-12-31 18:00"])
    features = ("hour", "weekday", "yearday", "month", "weekend")
    out = CalendarFeatures(features=features).fit_transform(times)
    assert list(out.columns) == [
        "hour_sin",
        "hour_cos",
        "weekday_sin",
        "weekday_cos",
        "yearday_sin",
        "yearday_cos",
        "month_sin",
        "month_cos",
        "weekend",
    ]
    assert out.index.equals(times)
    # 2024-03-02 is a Saturday, day 62 of a leap year; 2023-12-31 a Sunday.
    expected = np.array(
        [
            [
                *_angle(6.5 / 24),
                *_angle(5 / 7),
                *_angle((61 + 6.5 / 24) / 366),
                *_angle(2 / 12),
                1.0,
            ],
            [
                *_angle(18 / 24),
                *_angle(6 / 7),
                *_angle((364 + 18 / 24) / 365),
                *_angle(11 / 12),
                1.0,
            ],
        ]
    )
    np.testing.assert_allclose(out.to_numpy(), expected, atol=1e-12)


def test_holidays_mark_whole_dates():
    times = pd.date_range("2024-12-24 12:00", periods=5, freq="12h")
    calendar = CalendarFeatures(
        features=("weekend",), holidays=["2024-12-25", "2024-12-25"]
    )
    out = calendar.fit_transform(times)
    assert out["holiday"].tolist() == [0.0, 1.0, 1.0, 0.0, 0.0]
    assert list(calendar.get_feature_names_out()) == ["weekend", "holiday"]
    assert len(calendar.holidays_) == 1


def test_inputs_give_their_times_and_index():
    times = pd.date_range("2024-01-01", periods=4, freq="D", tz="Europe/Paris")
    calendar = CalendarFeatures(features=("hour",))
    by_index = calendar.fit_transform(pd.Series(np.arange(4.0), index=times))
    assert by_index.index.equals(times)
    np.testing.assert_allclose(by_index["hour_cos"], 1.0)  # local midnight
    long = pd.DataFrame({"day": times, "value": 1.0}, index=[10, 11, 12, 13])
    by_values = calendar.transform(long["day"])
    assert list(by_values.index) == [10, 11, 12, 13]
    periods = pd.period_range("2024-01", periods=3, freq="M")
    months = CalendarFeatures(features=("month",)).fit_transform(periods)
    assert months.index.equals(periods)
    np.testing.assert_allclose(
        months["month_sin"], np.sin(2 * np.pi * np.arange(3) / 12)
    )


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (pd.Series([1.0, 2.0]), "needs times: .* got Series with a RangeIndex"),
        (np.arange(3.0), "needs times: .* got ndarray"),
    ],
)
def test_input_without_times_is_refused(X, match):
    with pytest.raises(ValueError, match=match):
        CalendarFeatures().fit(X)


@pytest.mark.parametrize(
    ("features", "match"),
    [
        (("hour", "hours"), r"unknown feature\(s\) \['hours'\].*Choose among"),
        (("hour", "hour"), "each feature at most once"),
        ((), "at least one"),
    ],
)
def test_bad_features_name_the_allowed_ones(features, match):
    times = pd.date_range("2024-01-01", periods=3, freq="h")
    with pytest.raises(ValueError, match=match):
        CalendarFeatures(features=features).fit(times)


def test_bad_holidays_and_parameter_types():
    times = pd.date_range("2024-01-01", periods=3, freq="h")
    with pytest.raises(ValueError, match="`holidays` parameter .* must hold dates"):
        CalendarFeatures(holidays=["not a date"]).fit(times)
    with pytest.raises(ValueError, match="'features' parameter"):
        CalendarFeatures(features="hour").fit(times)


def test_is_a_scikit_learn_transformer():
    calendar = CalendarFeatures(features=("weekday",), holidays=["2024-01-01"])
    copy = clone(calendar)
    assert copy.get_params() == calendar.get_params()
    assert not hasattr(copy, "holidays_")
    with pytest.raises(ValueError, match="not fitted"):
        copy.transform(pd.date_range("2024-01-01", periods=2))


def test_calendar_columns_are_known_ahead_in_windows():
    times = pd.date_range("2024-01-01", periods=60, freq="h")
    demand = pd.Series(np.arange(60.0), index=times, name="demand")
    calendar = CalendarFeatures(features=("hour",)).fit_transform(demand)
    X, y = make_windows(demand, window_length=6, horizon=4, known_ahead=calendar)
    future = X.take_future()
    assert future.shape == (len(X), 4, 2)
    # Window 0 ends at hour 5; its targets are hours 6 to 9.
    np.testing.assert_allclose(future[0], calendar.iloc[6:10].to_numpy())
