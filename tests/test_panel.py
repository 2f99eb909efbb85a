import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from skseq import (
    PanelWindows,
    SequenceWindows,
    ShortSeriesWarning,
    make_panel_windows,
    make_windows,
)
from skseq._geometry import WindowGeometry
from skseq.forecasting import LinearWindowRegressor
from skseq.model_selection import PanelTimeSeriesSplit
from skseq.preprocessing import LookbackWindow, SeasonalDifferencer, SequenceScaler

LENGTHS = {"a": 40, "b": 23, "c": 31, "d": 12}
FIRST_DAY = {"a": "2024-01-01", "b": "2024-01-10", "c": "2024-01-05", "d": "2024-01-20"}


def _series(key, n_features=2):
    rng = np.random.default_rng(ord(key))
    days = pd.date_range(FIRST_DAY[key], periods=LENGTHS[key], freq="D", name="day")
    values = rng.normal(size=(LENGTHS[key], n_features))
    return pd.DataFrame(values, index=days, columns=["load", "temp"][:n_features])


def _long_frame():
    frames = [_series(key).rename_axis("day").reset_index() for key in LENGTHS]
    long = pd.concat([f.assign(store=key) for key, f in zip(LENGTHS, frames)])
    # Interleaved series, as a frame sorted by time gives them.
    return long.sort_values("day", kind="stable").reset_index(drop=True)


def _loop_over_series(panel, **geometry):
    """Windows, targets, ids and end steps series by series, in time order."""
    rows = []
    for key, series in panel.items():
        if len(series) < _needed(**geometry):
            continue
        X, y = make_windows(series, **geometry)
        offsets = X.geometry.offsets
        ends = X._positions + offsets[-1] - offsets[0]
        for k, end in enumerate(ends):
            rows.append((end, key, np.asarray(X[k]), y[k]))
    rows.sort(key=lambda row: row[0])  # stable: series order within a step
    ends, keys, windows, targets = zip(*rows)
    return np.stack(windows), np.stack(targets), list(keys), list(ends)


def _needed(window_length, horizon=1, delay=1, sampling_rate=1, **_):
    return (window_length - 1) * sampling_rate + delay + horizon


@pytest.mark.parametrize(
    "geometry",
    [
        {"window_length": 5},
        {"window_length": 4, "horizon": 3, "delay": 2, "stride": 2},
        {"window_length": 3, "sampling_rate": 3, "horizon": 2},
    ],
)
def test_windows_match_a_loop_over_series(geometry):
    rng = np.random.default_rng(0)
    panel = {k: rng.normal(size=(n, 2)) for k, n in zip("pqrs", (30, 17, 9, 24))}
    X, y = make_panel_windows(panel, target=1, **geometry)
    windows, targets, keys, ends = _loop_over_series(panel, target=1, **geometry)
    assert isinstance(X, PanelWindows)
    np.testing.assert_array_equal(np.asarray(X), windows)
    np.testing.assert_array_equal(y, targets)
    assert X.series_ids.tolist() == keys
    assert X.end_times.tolist() == ends
    assert X.index.tolist() == list(zip(keys, ends))
    # No window reads a step of another series.
    for key, series in panel.items():
        mine = np.asarray(X[X.series_ids == key])
        assert np.isin(mine, series).all()


def test_dates_unequal_lengths_and_time_order():
    panel = {key: _series(key) for key in LENGTHS}
    X, y = make_panel_windows(panel, window_length=7, horizon=2, target="load")
    assert X.index.names == [None, "day"]
    assert X.end_times.is_monotonic_increasing
    counts = X.series_ids.value_counts()
    assert counts.to_dict() == {k: n - 8 for k, n in LENGTHS.items()}
    first = X.index[0]
    assert first == ("a", pd.Timestamp("2024-01-07"))
    np.testing.assert_array_equal(y[0], panel["a"]["load"].iloc[7:9])
    assert X.series.tolist() == list(LENGTHS)


def test_layouts_give_the_same_windows():
    long = _long_frame()
    expected = make_panel_windows(
        long,
        window_length=6,
        horizon=2,
        target="load",
        id_column="store",
        time_column="day",
    )
    multi = long.set_index(["store", "day"]).sort_index()
    as_dict = {key: _series(key) for key in sorted(LENGTHS)}
    for data in (multi, as_dict):
        X, y = make_panel_windows(data, window_length=6, horizon=2, target="load")
        np.testing.assert_array_equal(np.asarray(X), np.asarray(expected[0]))
        np.testing.assert_array_equal(y, expected[1])
        assert X.index.equals(expected[0].index)
    assert expected[0].index.names == ["store", "day"]


def test_hierarchical_ids_are_tuples_of_the_levels():
    long = _long_frame().assign(region=lambda f: f.store.map({"a": "n", "b": "n"}))
    long["region"] = long["region"].fillna("s")
    X, _ = make_panel_windows(
        long.set_index(["region", "store", "day"]).sort_index(),
        window_length=4,
        target="load",
    )
    assert X.index.names == ["region", "store", "day"]
    assert set(X.series_ids) == {("n", "a"), ("n", "b"), ("s", "c"), ("s", "d")}
    from_columns, _ = make_panel_windows(
        long,
        window_length=4,
        target="load",
        id_column=["region", "store"],
        time_column="day",
    )
    assert from_columns.index.equals(X.index)


def test_short_series_are_counted_named_or_refused():
    panel = {
        k: np.arange(n, dtype=float) for k, n in zip("abcdefg", (9, 3, 9, 2, 4, 9, 1))
    }
    with pytest.warns(
        ShortSeriesWarning,
        match=r"4 of 7 series .*\(5 steps\).* 'b' \(3 steps\), 'd' \(2 steps\), 'e'",
    ) as caught:
        X, _ = make_panel_windows(panel, window_length=4)
    # The warning points at the call, not into skseq or its parameter check.
    assert [w.filename for w in caught] == [__file__]
    assert sorted(set(X.series_ids)) == ["a", "c", "f"]
    assert X.series.tolist() == ["a", "c", "f"]
    with pytest.raises(ValueError, match="4 of 7 series are shorter"):
        make_panel_windows(panel, window_length=4, short_series="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (
            len(make_panel_windows(panel, window_length=4, short_series="skip")[0])
            == 15
        )
    with pytest.raises(ValueError, match="Every series is shorter"):
        make_panel_windows(panel, window_length=20)


def test_metadata_survives_subsets_transformers_and_pickling():
    X, y = make_panel_windows(
        {key: _series(key) for key in LENGTHS}, window_length=8, target="load"
    )
    subset = X[X.end_times >= "2024-01-25"]
    steps = [SequenceScaler(), SeasonalDifferencer(period=2), LookbackWindow(length=4)]
    transformed = subset
    for step in steps:
        transformed = step.fit_transform(transformed)
        assert isinstance(transformed, PanelWindows)
        assert transformed.index.equals(subset.index)
    again = pickle.loads(pickle.dumps(transformed[::3]))
    assert isinstance(again, PanelWindows)
    assert again.index.equals(subset.index[::3])
    np.testing.assert_array_equal(again.take(), transformed.take()[::3])


def test_pickle_holds_the_data_once():
    rng = np.random.default_rng(0)
    panel = [rng.normal(size=(n, 3)) for n in rng.integers(200, 400, size=50)]
    X, _ = make_panel_windows(panel, window_length=48, target=0)
    data_bytes = X._base.nbytes
    assert len(pickle.dumps(X)) < 1.6 * data_bytes
    dense = X.shape[0] * X.shape[1] * X.shape[2] * 8
    assert dense > 30 * data_bytes
    train = next(PanelTimeSeriesSplit(n_splits=3).split(X))[0]
    assert len(pickle.dumps(X[train])) < 1.6 * data_bytes


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda f: f.assign(store=f.store.where(f.index != 5)),
            r"`id_column` 'store' is missing \(NaN\) at row 5",
        ),
        (
            lambda f: pd.concat([f, f.iloc[[3]]]).sort_index(kind="stable"),
            r"`time_column` 'day' repeats .*series 'a' at time 2024-01-04",
        ),
        (
            lambda f: f.iloc[::-1],
            r"`time_column` 'day' is not increasing .*series 'a' at time "
            r"2024-02-08.* data.sort_values\(\['store', 'day'\]\)",
        ),
        (
            lambda f: f.drop(index=f.index[(f.store == "c") & (f.day == "2024-01-09")]),
            r"unevenly spaced in series 'c'.*2024-01-10.* 2 days",
        ),
        (
            lambda f: f.assign(temp=f.temp.where(f.index != 7)),
            r"NaN or infinity in column 'temp' of series 'c' at time 2024-01-06",
        ),
        (
            lambda f: f.assign(kind="x"),
            r"column 'kind' \(.*\) that do not hold numbers",
        ),
    ],
)
def test_bad_long_frames_name_the_column_and_where(change, match):
    with pytest.raises(ValueError, match=match):
        make_panel_windows(
            change(_long_frame()),
            window_length=3,
            target="load",
            id_column="store",
            time_column="day",
        )


def test_float_times_are_checked_for_gaps_up_to_rounding():
    def panel(times):
        return {
            "a": pd.Series(np.arange(4.0), index=[0.0, 0.5, 1.0, 1.5]),
            "b": pd.Series(np.arange(len(times), dtype=float), index=times),
        }

    with pytest.raises(
        ValueError, match=r"unevenly spaced in series 'b': most steps are 0.5 but 50.0"
    ):
        make_panel_windows(panel([0, 0.5, 1, 1.5, 50, 50.5]), window_length=2)
    # Steps of 0.1 are not exact in binary, nor far from zero.
    X, _ = make_panel_windows(panel(1e6 + 0.1 * np.arange(30)), window_length=2)
    assert len(X) == 2 + 28


@pytest.mark.parametrize("other", ["UTC", None])
def test_series_in_different_time_zones_are_refused_by_zone(other):
    days = pd.date_range("2024-01-01", periods=5, tz="Europe/Berlin")
    panel = {
        "a": pd.Series(np.arange(5.0), index=days),
        "b": pd.Series(np.arange(5.0), index=days.tz_convert(other)),
    }
    zone = "UTC" if other else "no time zone"
    with pytest.raises(
        ValueError,
        match=rf"different time zones \((Europe/Berlin, {zone}|{zone}, "
        rf"Europe/Berlin)\).*tz_convert\('UTC'\)",
    ):
        make_panel_windows(panel, window_length=2)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        (
            {"target": "price"},
            r"`target` column 'price' does not exist.*'load', 'temp'",
        ),
        ({"target": "store"}, r"`target` 'store' is the `id_column`"),
        ({"target": "day"}, r"`target` 'day' is the `time_column`"),
        ({"target": None}, r"`target` is required .* 2 columns"),
        ({"id_column": "shop"}, r"`id_column` 'shop' is not a column"),
        ({"time_column": "store"}, r"`time_column` 'store' is also the `id_column`"),
    ],
)
def test_bad_columns_are_named(arguments, match):
    kwargs = {"target": "load", "id_column": "store", "time_column": "day"}
    with pytest.raises(ValueError, match=match):
        make_panel_windows(_long_frame(), window_length=3, **{**kwargs, **arguments})


def test_bad_layouts_are_explained():
    frame = _series("a")
    with pytest.raises(ValueError, match="not a panel.*make_windows"):
        make_panel_windows(frame, window_length=3, target="load")
    with pytest.raises(ValueError, match="`time_column` needs `id_column`"):
        make_panel_windows(frame, window_length=3, time_column="day")
    with pytest.raises(ValueError, match="series 'b' has 1 column"):
        make_panel_windows({"a": frame, "b": frame[["load"]]}, window_length=3)
    with pytest.raises(ValueError, match="times of a panel must be dates"):
        make_panel_windows(
            [frame, frame.set_axis(frame.index.astype(str))],
            window_length=3,
            target="load",
        )
    multi = _long_frame().set_index(["store", "day"])
    with pytest.raises(ValueError, match="make_panel_windows"):
        make_windows(multi, window_length=3, target="load")
    with pytest.raises(ValueError, match="index level 'day' is not increasing"):
        make_panel_windows(multi.iloc[::-1], window_length=3, target="load")


# -- the splitter --------------------------------------------------------------
def _panel_windows(horizon=1):
    return make_panel_windows(
        {key: _series(key) for key in LENGTHS},
        window_length=4,
        horizon=horizon,
        target="load",
    )


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize(
    "params",
    [
        {"n_splits": 3, "test_size": 2},
        {"n_splits": 2, "test_size": "3D", "gap": 2},
        {"n_splits": 2, "test_size": 4, "gap": pd.Timedelta("1D"), "max_train_size": 5},
    ],
)
def test_folds_cut_every_series_at_the_same_dates(horizon, params):
    X, y = _panel_windows(horizon)
    first = X.end_times + pd.Timedelta("1D")
    last = first + pd.Timedelta(days=horizon - 1)
    gap = (
        pd.Timedelta(days=params.get("gap", 0))
        if isinstance(params.get("gap", 0), int)
        else params["gap"]
    )
    folds = list(PanelTimeSeriesSplit(**params).split(X, y))
    assert len(folds) == params["n_splits"]
    for k, (train, test) in enumerate(folds):
        start = first[test].min()
        end = (
            first[folds[k + 1][1]].min()
            if k + 1 < len(folds)
            else first.max() + pd.Timedelta("1D")
        )
        # The test fold is every window, of any series, with its first target
        # in [start, end).
        in_block = np.flatnonzero((first >= start) & (first < end))
        np.testing.assert_array_equal(test, in_block)
        assert set(X.series_ids[test]) == {
            k for k in LENGTHS if first[X.series_ids == k].max() >= start
        }
        # Training: every window whose targets all end before start - gap.
        expected = last < start - gap
        if "max_train_size" in params:
            expected &= first >= start - gap - pd.Timedelta(
                days=params["max_train_size"]
            )
        np.testing.assert_array_equal(train, np.flatnonzero(expected))


@pytest.mark.parametrize(
    "params",
    [
        {"n_splits": 3},
        {"n_splits": 4, "test_size": 7, "gap": 3},
        {"n_splits": 3, "max_train_size": 20, "gap": 2},
    ],
)
def test_one_series_gives_the_folds_of_timeseriessplit(params):
    X, y = make_windows(np.sin(np.arange(120) / 5), window_length=10)
    expected = list(TimeSeriesSplit(**params).split(X))
    for data in (
        X,
        np.asarray(X),
        make_panel_windows([np.sin(np.arange(120) / 5)], window_length=10)[0],
    ):
        for (train, test), (train_, test_) in zip(
            PanelTimeSeriesSplit(**params).split(data, y), expected
        ):
            np.testing.assert_array_equal(train, train_)
            np.testing.assert_array_equal(test, test_)


def test_windows_of_one_series_keep_targets_out_of_the_past():
    X, y = make_windows(np.arange(60.0), window_length=5, horizon=4)
    cv = PanelTimeSeriesSplit(n_splits=3, test_size=5)
    # Without y the splitter reads the horizon that the windows were made with.
    for given in (y, None):
        for train, test in cv.split(X, given):
            assert y[train].max() < y[test][:, 0].min()
    unknown = SequenceWindows(X._base, X._positions, WindowGeometry.regular(5))
    assert [t.tolist() for f in cv.split(unknown, y) for t in f] == [
        t.tolist() for f in cv.split(X) for t in f
    ]
    with pytest.raises(ValueError, match="do not record how many steps .* pass y"):
        next(cv.split(unknown))


def test_grid_search_and_cross_val_score_on_a_panel():
    rng = np.random.default_rng(0)
    panel = {
        k: np.sin(np.arange(n) / 4 + k) + 0.05 * rng.normal(size=n)
        for k, n in enumerate((200, 150, 180, 90))
    }
    X, y = make_panel_windows(panel, window_length=12, horizon=2)
    cv = PanelTimeSeriesSplit(n_splits=3, test_size=10, gap=1)
    scores = cross_val_score(LinearWindowRegressor(), X, y, cv=cv)
    assert scores.min() > 0.9
    search = GridSearchCV(LinearWindowRegressor(), {"alpha": [0.0, 10.0]}, cv=cv).fit(
        X, y
    )
    assert search.best_params_ == {"alpha": 0.0}
    assert (
        repr(cv)
        == "PanelTimeSeriesSplit(gap=1, max_train_size=None, n_splits=3, test_size=10)"
    )
    assert cv.get_n_splits(X) == 3


@pytest.mark.parametrize(
    ("params", "data", "match"),
    [
        (
            {"n_splits": 8, "test_size": 5},
            "panel",
            "Cannot make n_splits=8 test blocks.* 36 distinct",
        ),
        ({"n_splits": 2, "test_size": "30D"}, "panel", "test_size='30D' does not fit"),
        (
            {"n_splits": 2, "test_size": 3, "gap": 60},
            "panel",
            "Fold 1 of 2 has no training windows",
        ),
        (
            {"n_splits": 2, "test_size": "2D"},
            "steps",
            "'test_size' parameter of PanelTimeSeriesSplit must be an int",
        ),
        ({"n_splits": 0}, "steps", "'n_splits' parameter of PanelTimeSeriesSplit"),
        ({"gap": -1}, "steps", "'gap' parameter"),
    ],
)
def test_bad_splits_are_explained(params, data, match):
    X = _panel_windows()[0] if data == "panel" else np.zeros((30, 4))
    with pytest.raises(ValueError, match=match):
        list(PanelTimeSeriesSplit(**params).split(X))


def test_groups_are_ignored_with_a_warning():
    X, _ = _panel_windows()
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        list(PanelTimeSeriesSplit(n_splits=2).split(X, groups=np.zeros(len(X))))


@pytest.mark.parametrize("periods", [False, True])
def test_plot_cv_splits_shows_the_panel_folds_by_date(periods):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from skseq.plotting import plot_cv_splits

    panel = {key: _series(key) for key in LENGTHS}
    if periods:
        panel = {key: series.to_period() for key, series in panel.items()}
    X, y = make_panel_windows(panel, window_length=4, target="load")
    ax = plot_cv_splits(PanelTimeSeriesSplit(n_splits=2, test_size=3), X, y)
    lines = ax.get_lines()
    assert len(lines) == 4
    assert ax.get_xlabel() == "day"
    test_dates = pd.DatetimeIndex(lines[3].get_xdata())
    assert list(test_dates.strftime("%m-%d")) == ["02-06", "02-07", "02-08"]


@pytest.mark.parametrize(
    "times",
    [
        pd.date_range("2024-03-30", periods=30, freq="h", tz="Europe/Berlin"),
        pd.date_range("2020-01-01", periods=30, freq="MS"),
        pd.period_range("2020-01", periods=30, freq="M"),
        pd.timedelta_range("1s", periods=30, freq="90s"),
        pd.RangeIndex(100, 160, 2),
        pd.Index(np.arange(30) * 0.5),
    ],
    ids=["tz-hours", "month-starts", "periods", "durations", "ints", "floats"],
)
def test_end_times_are_the_labels_of_every_kind_of_time(times):
    panel = {
        "x": pd.Series(np.arange(30.0), index=times),
        "y": pd.Series(np.arange(20.0), index=times[10:]),
    }
    X, y = make_panel_windows(panel, window_length=4, horizon=2)
    # Each value is its step in the series: the window's first value gives
    # the row of its last observed step.
    firsts = np.asarray(X)[:, 0, 0].astype(int)
    offsets = np.where(X.series_ids == "y", 10, 0)
    assert X.end_times.equals(times[firsts + offsets + 3])
    assert X.end_times.is_monotonic_increasing
    assert pickle.loads(pickle.dumps(X)).index.equals(X.index)
    folds = list(PanelTimeSeriesSplit(n_splits=2, test_size=3).split(X, y))
    assert [len(test) for _, test in folds] == [6, 6]


def _berlin_days(start, end):
    days = pd.date_range(start, end, tz="Europe/Berlin", name="day")
    series = pd.Series(np.arange(len(days), dtype=float), index=days)
    return make_panel_windows({"a": series, "b": series[3:]}, window_length=3)[0]


def _first_target_dates(X, rows):
    return [str(d) for d in pd.Index((X[rows].end_times + pd.Timedelta("1D")).date)]


def test_durations_of_whole_days_count_dates_across_daylight_saving_time():
    # Clocks go forward on March 31: every test block still holds seven dates.
    X = _berlin_days("2024-03-01", "2024-04-03")
    cv = PanelTimeSeriesSplit(n_splits=2, test_size="7D")
    blocks = [sorted(set(_first_target_dates(X, test))) for _, test in cv.split(X)]
    assert [(b[0], len(b)) for b in blocks] == [
        ("2024-03-21", 7),
        ("2024-03-28", 7),
    ]
    # And back on October 27: the gap and the training span count dates too.
    X = _berlin_days("2024-10-01", "2024-11-03")
    cv = PanelTimeSeriesSplit(n_splits=1, test_size="3D", gap="6D", max_train_size="5D")
    train, test = next(cv.split(X))
    assert _first_target_dates(X, test)[0] == "2024-11-01"
    train_dates = sorted(set(_first_target_dates(X, train)))
    assert train_dates == [f"2024-10-{day}" for day in range(21, 26)]
