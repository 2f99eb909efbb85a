import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import _safe_indexing

from skseq import SequenceWindows, make_windows


def _dense_windows(series, window_length, sampling_rate=1):
    span = (window_length - 1) * sampling_rate + 1
    return np.stack(
        [
            series[end - span + 1 : end + 1 : sampling_rate]
            for end in range(span - 1, len(series))
        ]
    )


@pytest.mark.parametrize("sampling_rate", [1, 3])
@pytest.mark.parametrize("delay", [1, 4])
@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("stride", [1, 2])
def test_make_windows_matches_explicit_loops(sampling_rate, delay, horizon, stride):
    rng = np.random.default_rng(0)
    series = rng.normal(size=(60, 2))
    X, y = make_windows(
        series,
        window_length=5,
        horizon=horizon,
        delay=delay,
        sampling_rate=sampling_rate,
        stride=stride,
        target=1,
    )
    span = 4 * sampling_rate + 1
    ends = np.arange(span - 1, 60 - delay - horizon + 1, stride)
    expected_X = _dense_windows(series, 5, sampling_rate)[ends - span + 1]
    expected_y = np.stack([series[e + delay : e + delay + horizon, 1] for e in ends])
    np.testing.assert_array_equal(np.asarray(X), expected_X)
    np.testing.assert_array_equal(y.reshape(len(ends), -1), expected_y)
    assert X.shape == expected_X.shape


def test_several_targets_are_step_major():
    frame = pd.DataFrame({"a": np.arange(10.0), "b": 100 + np.arange(10.0)})
    X, y = make_windows(frame, window_length=3, horizon=2, target=["b", "a"])
    np.testing.assert_array_equal(y[0], [103.0, 3.0, 104.0, 4.0])
    assert X.geometry.target_columns == (1, 0)


def test_pandas_index_labels_last_observed_step():
    index = pd.date_range("2024-01-01", periods=10, freq="h")
    series = pd.Series(np.arange(10.0), index=index, name="load")
    X, _ = make_windows(series, window_length=4, stride=2)
    assert X.index[0] == index[3]
    assert X[1:].index[0] == index[5]


@pytest.mark.parametrize(
    "key",
    [slice(2, 9, 3), np.array([5, 0, 3]), np.arange(26) % 3 == 0, [1, 2]],
)
def test_indexing_returns_windows_over_same_base(key):
    series = np.arange(30.0)
    X, _ = make_windows(series, window_length=4, delay=1)
    subset = X[key]
    assert isinstance(subset, SequenceWindows)
    assert subset._base is X._base
    np.testing.assert_array_equal(np.asarray(subset), np.asarray(X)[key])


def test_integer_index_gives_one_window_and_tuple_keys_work():
    X, _ = make_windows(np.arange(10.0), window_length=3)
    np.testing.assert_array_equal(X[-1][:, 0], [6.0, 7.0, 8.0])
    np.testing.assert_array_equal(np.asarray(X[[0, 1], ...]), np.asarray(X)[:2])
    with pytest.raises(IndexError, match="first axis"):
        X[:, 1:]


def test_windows_are_read_only_views_of_the_series():
    series = np.arange(20.0)
    X, _ = make_windows(series, window_length=5)
    assert np.shares_memory(X._base, series)
    assert not X._base.flags.writeable
    assert series.flags.writeable


def test_sklearn_safe_indexing_and_splitter_keep_windows_lazy():
    X, y = make_windows(np.arange(100.0), window_length=10)
    for train, _ in TimeSeriesSplit(n_splits=3).split(X, y):
        part = _safe_indexing(X, train)
        assert isinstance(part, SequenceWindows)
        assert part._base is X._base
        np.testing.assert_array_equal(np.asarray(part)[:, -1, 0], y[train] - 1)


def test_pickle_carries_series_and_positions_not_windows():
    series = np.random.default_rng(0).normal(size=(5000, 3))
    X, _ = make_windows(series, window_length=200, target=0)
    payload = pickle.dumps(X[100:3000])
    assert len(payload) < series.nbytes + 10_000
    assert len(payload) < np.asarray(X[100:3000]).nbytes / 100
    # The size Dask (and joblib's dask backend) weighs is what is sent.
    assert series.nbytes <= sys.getsizeof(X[100:3000]) < series.nbytes + 10_000
    restored = pickle.loads(payload)
    np.testing.assert_array_equal(np.asarray(restored), np.asarray(X[100:3000]))


def test_memmap_series_pickles_by_reference(tmp_path):
    path = tmp_path / "series.dat"
    data = np.memmap(path, dtype="float32", mode="w+", shape=(2000, 2))
    data[:] = np.random.default_rng(1).normal(size=(2000, 2))
    data.flush()
    series = np.memmap(path, dtype="float32", mode="r", shape=(2000, 2))
    X, _ = make_windows(series, window_length=50, target=1)
    payload = pickle.dumps(X)
    assert len(payload) < 5_000
    assert sys.getsizeof(X) < 5_000
    np.testing.assert_array_equal(np.asarray(pickle.loads(payload)), np.asarray(X))


def test_iter_batches_cover_all_windows_in_order():
    X, _ = make_windows(np.arange(50.0), window_length=5)
    pieces = [batch.windows for _, batch in X.iter_batches(7)]
    assert [len(p) for p in pieces] == [7] * 6 + [3]
    np.testing.assert_array_equal(np.concatenate(pieces), np.asarray(X))


def test_integer_series_becomes_float():
    X, y = make_windows(np.arange(10), window_length=3)
    assert X.dtype == np.float64
    assert y.dtype == np.float64


def test_float32_series_stays_float32():
    X, _ = make_windows(np.arange(10, dtype=np.float32), window_length=3)
    assert X.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"window_length": 0},
            r"'window_length' parameter of make_windows must be an int in the "
            r"range \[1, inf\)\. Got 0 instead",
        ),
        ({"window_length": 2.5}, r"'window_length' .* Got 2\.5 instead"),
        ({"window_length": True}, r"'window_length' .* Got True instead"),
        ({"window_length": 3, "horizon": 0}, r"'horizon' .* \[1, inf\)"),
        ({"window_length": 3, "delay": -1}, r"'delay' .* Got -1 instead"),
        ({"window_length": 3, "sampling_rate": 0}, r"'sampling_rate' parameter"),
        ({"window_length": 3, "stride": 0}, r"'stride' .* Got 0 instead"),
        ({"window_length": 20}, r"has 10 steps but one window .* needs 21"),
        ({"window_length": 3, "target": 2}, r"`target` column 2 does not exist"),
    ],
)
def test_make_windows_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_windows(np.arange(10.0), **kwargs)


def test_make_windows_rejects_unknown_column_name():
    frame = pd.DataFrame({"temp": np.arange(10.0), "wind": np.arange(10.0)})
    with pytest.raises(ValueError, match=r"'pressure' does not exist.*'temp'"):
        make_windows(frame, window_length=3, target="pressure")


def test_make_windows_requires_target_for_multivariate_series():
    with pytest.raises(ValueError, match="`target` is required .* 2 columns"):
        make_windows(np.zeros((10, 2)), window_length=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_make_windows_rejects_non_finite_series(bad):
    series = np.arange(10.0)
    series[6] = bad
    with pytest.raises(ValueError, match="NaN or infinity .* row 6"):
        make_windows(series, window_length=3)


def test_make_windows_rejects_3d_data():
    with pytest.raises(ValueError, match=r"`data` must be a series.*\(2, 3, 4\)"):
        make_windows(np.zeros((2, 3, 4)), window_length=2)


def test_from_array_rejects_4d_and_wraps_2d():
    with pytest.raises(ValueError, match=r"must be 2-D .* or 3-D .*\(2, 3, 4, 5\)"):
        SequenceWindows.from_array(np.zeros((2, 3, 4, 5)))
    windows = SequenceWindows.from_array(np.ones((4, 6)))
    assert windows.shape == (4, 6, 1)
    assert windows.geometry.target_columns == (0,)


@pytest.mark.parametrize(
    "target", [True, False, 1.0, np.float64(0.0), [True], [0, 1.5]]
)
def test_make_windows_rejects_target_that_names_no_column(target):
    series = np.zeros((10, 2))
    match = (
        r"'target' parameter of make_windows must be None, a column index \(int\), "
        r"a column name \(str\) or a list of them\. Got .* instead"
    )
    with pytest.raises(ValueError, match=match):
        make_windows(series, window_length=3, target=target)


def test_make_windows_target_may_be_a_pandas_index_of_names():
    frame = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) * 2})
    _, y = make_windows(frame, window_length=3, target=frame.columns[1:])
    np.testing.assert_array_equal(y[:2], [6.0, 8.0])


@pytest.mark.parametrize("delay", [0, -5, 1.5, True])
def test_from_array_rejects_bad_delay(delay):
    match = (
        r"'delay' parameter of SequenceWindows\.from_array must be an int in the "
        r"range \[1, inf\)\. Got .* instead"
    )
    with pytest.raises(ValueError, match=match):
        SequenceWindows.from_array(np.zeros((4, 3)), delay=delay)


def test_from_array_rejects_bad_target_columns():
    with pytest.raises(ValueError, match=r"`target_columns` column 3 does not exist"):
        SequenceWindows.from_array(np.zeros((4, 3, 2)), target_columns=3)


@pytest.mark.parametrize(
    ("column", "match"),
    [
        (["x", "y"] * 5, r"column 'city' \((str|object|string)\)"),
        (pd.Categorical(["x", "y"] * 5), r"column 'city' \(category\)"),
        (pd.Categorical([1, 2] * 5), r"column 'city' \(category\)"),
        (pd.date_range("2024", periods=10), r"column 'city' \(datetime64"),
        (np.array(["x", 1.0] * 5, dtype=object), r"column 'city' \(object\)"),
    ],
)
def test_make_windows_names_columns_that_are_not_numbers(column, match):
    frame = pd.DataFrame({"temp": np.arange(10.0), "city": column})
    with pytest.raises(ValueError, match=match + r".*drop .* or encode"):
        make_windows(frame, window_length=3, target="temp")


def test_make_windows_names_every_column_that_is_not_numbers():
    frame = pd.DataFrame(
        {"a": ["x"] * 10, "temp": np.arange(10.0), "b": pd.Categorical(["u"] * 10)}
    )
    with pytest.raises(ValueError, match=r"columns 'a' \(\w+\), 'b' \(category\)"):
        make_windows(frame, window_length=3, target="temp")


def test_make_windows_names_a_series_of_strings():
    with pytest.raises(ValueError, match=r"series 'city' \(\w+\)"):
        make_windows(pd.Series(["x"] * 10, name="city"), window_length=3)


def test_make_windows_accepts_numeric_object_bool_and_nullable_columns():
    frame = pd.DataFrame(
        {
            "temp": np.arange(10.0),
            "flag": [True, False] * 5,
            "count": pd.array(range(10), dtype="Int64"),
            "mixed": np.array([1, 2.5] * 5, dtype=object),
        }
    )
    X, y = make_windows(frame, window_length=3, target="count")
    assert X.dtype == np.float64
    np.testing.assert_array_equal(y[:2], [3.0, 4.0])


def test_make_windows_reports_missing_values_of_nullable_columns():
    frame = pd.DataFrame({"count": pd.array([1, 2, None, 4, 5], dtype="Int64")})
    with pytest.raises(ValueError, match=r"NaN or infinity \(first at row 2\)"):
        make_windows(frame, window_length=2)


HOURS = pd.date_range("2024-01-01", periods=10, freq="h")


@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(10),
        pd.RangeIndex(100, 120, 2),
        pd.Index(np.arange(5, 15)),
        pd.Index(np.arange(0, 100, 10)),
        HOURS,
        HOURS[:5].append(HOURS[5:]),
        pd.date_range("2024-01-01", periods=10, freq="MS")[[0, 1, 2, 3, 4]].append(
            pd.date_range("2024-06-01", periods=5, freq="MS")
        ),
        pd.bdate_range("2024-01-01", periods=10),
        pd.date_range("2024-03-30", periods=10, freq="h", tz="Europe/Berlin"),
        pd.period_range("2024-01", periods=10, freq="M"),
        pd.timedelta_range(0, periods=10, freq="10min"),
        pd.Index(list("abcdefghij")),
        pd.Index(list("jihgfedcba")),
    ],
)
def test_regular_indexes_are_accepted(index):
    index = index[:10]
    X, _ = make_windows(
        pd.Series(np.arange(float(len(index))), index=index), window_length=3
    )
    assert X.index[0] == index[2]


@pytest.mark.parametrize(
    ("index", "match"),
    [
        (
            HOURS[[0, 1, 2, 4, 3, 5, 6, 7, 8, 9]],
            r"not in increasing order: position 4 \(2024-01-01 03:00:00\) comes "
            r"after 2024-01-01 04:00:00.*data\.sort_index\(\)",
        ),
        (
            HOURS[[0, 1, 2, 3, 3, 4, 5, 6, 7, 8]],
            r"duplicate labels: position 4 \(2024-01-01 03:00:00\) repeats.*"
            r"data\[~data\.index\.duplicated\(\)\]",
        ),
        (
            HOURS[[0, 1, 2, 3, 5, 6, 7, 8, 9]].append(HOURS[-1:] + pd.Timedelta("1h")),
            r"unevenly spaced: it starts in steps of 'h' but position 4 "
            r"\(2024-01-01 05:00:00\) is 0 days 02:00:00 after the one before.*"
            r"data\.asfreq\('h'\)\.interpolate\(\)",
        ),
        (
            pd.date_range("2024-01-01", periods=11, freq="MS").delete(5),
            r"it starts in steps of 'MS' but position 5 \(2024-07-01 00:00:00\) is "
            r"61 days 00:00:00 after.*data\.asfreq\('MS'\)\.interpolate\(\)",
        ),
        (
            HOURS.delete(1),
            r"most steps are 0 days 01:00:00 but position 1 \(2024-01-01 02:00:00\)"
            r".*data\.asfreq\('h'\)\.interpolate\(\)",
        ),
        (
            pd.DatetimeIndex(["2024-01-01"] * 2 + [pd.NaT] + ["2024-01-02"] * 7),
            r"missing label \(NaT\) at position 2",
        ),
        (
            pd.period_range("2024-01", periods=11, freq="M").delete(5),
            r"unevenly spaced: .* position 5 \(2024-07\).*"
            r"data\.reindex\(pd\.period_range\(",
        ),
        (
            pd.timedelta_range(0, periods=11, freq="10min").delete(3),
            r"unevenly spaced: .* position 3 \(0 days 00:40:00\).*"
            r"data\.reindex\(pd\.timedelta_range\(data\.index\[0\], data\.index\[-1\], "
            r"freq='10min'\)\)\.interpolate\(\)",
        ),
        (
            pd.Index([0, 1, 2, 3, 4, 5, 6, 8, 9, 10]),
            r"unevenly spaced: most steps are 1 but position 7 \(8\) is 2 after.*"
            r"data\.reindex\(range\(0, 11, 1\)\)\.interpolate\(\)",
        ),
        (pd.Index([0.0, 1.0, 3.0, 2.0] + list(range(4, 10))), r"position 3 \(2\.0\)"),
    ],
)
def test_index_out_of_order_duplicated_or_with_gaps_is_refused(index, match):
    frame = pd.DataFrame({"temp": np.arange(float(len(index)))}, index=index)
    with pytest.raises(ValueError, match=r"The index of `data` .*" + match):
        make_windows(frame, window_length=3)
    with pytest.raises(
        ValueError, match=r"consecutive steps .* pass data\.to_numpy\(\) instead"
    ):
        make_windows(frame["temp"], window_length=3)


def test_boolean_filtered_frame_has_a_gap():
    frame = pd.DataFrame({"temp": np.arange(10.0)})
    with pytest.raises(ValueError, match=r"unevenly spaced.*position 4 \(5\)"):
        make_windows(frame[frame["temp"] != 4], window_length=3)
    X, _ = make_windows(frame[frame["temp"] != 4].to_numpy(), window_length=3)
    assert len(X) == 6
