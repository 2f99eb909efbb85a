import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skseq import make_panel_windows, make_windows
from skseq.forecasting import (
    ConformalForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.preprocessing import SequenceScaler

pytest.importorskip("sktime")

from sktime.datatypes import check_is_mtype  # noqa: E402
from sktime.forecasting.base import ForecastingHorizon  # noqa: E402

from skseq.sktime import SkseqForecaster  # noqa: E402

# Different lengths and different last days.
LENGTHS = {"north": 40, "south": 27, "west": 33}
LAST_DAY = {"north": "2024-03-01", "south": "2024-03-01", "west": "2024-02-27"}


def _panel(lengths=LENGTHS, last_day=LAST_DAY):
    """A sktime pd-multiindex panel: one column, (store, day) rows."""
    frames = {}
    for k, (key, n) in enumerate(lengths.items()):
        days = pd.date_range(end=last_day[key], periods=n, freq="D")
        t = np.arange(n)
        values = 10 * (k + 1) + np.sin(t / 2.0 + k) + t / 20.0
        frames[key] = pd.DataFrame({"sales": values}, index=days)
    return pd.concat(frames, names=["store", "day"])


def _by_hand(estimator, y, window_length, horizon):
    """The estimator fitted on make_panel_windows, and each series' last window."""
    X, targets = make_panel_windows(y, window_length=window_length, horizon=horizon)
    estimator.fit(X, targets)
    last = np.stack(
        [y.loc[key].to_numpy()[-window_length:] for key in y.index.unique(0)]
    )
    return estimator, last


def test_panel_of_unequal_lengths_is_one_global_model():
    y = _panel()
    forecaster = SkseqForecaster(LinearWindowRegressor(alpha=0.1), window_length=5)
    y_pred = forecaster.fit(y, fh=[1, 2, 3]).predict()

    model, last = _by_hand(LinearWindowRegressor(alpha=0.1), y, 5, 3)
    np.testing.assert_allclose(forecaster.estimator_.coef_, model.coef_)
    expected = model.predict(last)
    np.testing.assert_allclose(y_pred.to_numpy().reshape(3, 3), expected)
    assert check_is_mtype(y_pred, "pd-multiindex")
    assert list(y_pred.columns) == ["sales"]
    assert y_pred.index.names == ["store", "day"]
    # Each series forecast from its own last day.
    for key, last_day in LAST_DAY.items():
        days = y_pred.loc[key].index
        pd.testing.assert_index_equal(
            days, pd.date_range(last_day, periods=4, freq="D")[1:], check_names=False
        )


def test_hierarchy_of_three_levels_keeps_its_index():
    y = _panel()
    y.index = pd.MultiIndex.from_tuples(
        [
            ("east" if store == "north" else "coast", store, day)
            for store, day in y.index
        ],
        names=["region", "store", "day"],
    )
    y = y.sort_index()
    forecaster = SkseqForecaster(LinearWindowRegressor(alpha=0.1), window_length=4)
    y_pred = forecaster.fit(y, fh=[1, 2]).predict()

    assert check_is_mtype(y_pred, "pd_multiindex_hier")
    assert y_pred.index.names == ["region", "store", "day"]
    assert list(y_pred.index.droplevel(-1).unique()) == [
        ("coast", "south"),
        ("coast", "west"),
        ("east", "north"),
    ]
    X, targets = make_panel_windows(y, window_length=4, horizon=2)
    model = LinearWindowRegressor(alpha=0.1).fit(X, targets)
    for region, store in y_pred.index.droplevel(-1).unique():
        window = y.loc[(region, store)].to_numpy()[-4:][np.newaxis]
        np.testing.assert_allclose(
            y_pred.loc[(region, store)].to_numpy()[:, 0], model.predict(window)[0]
        )


def test_intervals_of_every_series_from_a_conformal_forecaster():
    y = _panel()
    conformal = ConformalForecaster(
        LinearWindowRegressor(alpha=0.1), calibration_fraction=0.3
    )
    forecaster = SkseqForecaster(conformal, window_length=5).fit(y, fh=[1, 3])
    interval = forecaster.predict_interval(coverage=0.8)

    assert check_is_mtype(interval, "pd-multiindex")
    assert list(interval.columns) == [("sales", 0.8, "lower"), ("sales", 0.8, "upper")]
    pd.testing.assert_index_equal(interval.index, forecaster.predict().index)
    model, last = _by_hand(
        ConformalForecaster(LinearWindowRegressor(alpha=0.1), calibration_fraction=0.3),
        y,
        5,
        3,
    )
    expected = model.predict(last, quantiles=[0.1, 0.9])[:, [0, 2]]
    np.testing.assert_allclose(interval.to_numpy(), expected.reshape(-1, 2))
    lower, upper = interval.to_numpy().T
    assert (lower < upper).all()


def test_series_too_short_for_a_training_window_is_named():
    y = _panel(
        {"north": 40, "south": 6, "west": 7},
        {"north": "2024-03-01", "south": "2024-03-01", "west": "2024-03-01"},
    )
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=5)
    with pytest.raises(
        ValueError,
        match=r"window_length \+ max\(fh\) = 5 \+ 3 = 8 observations of every "
        r"series to make a training window; 2 of 3 series have fewer: "
        r"'south' \(6\), 'west' \(7\)\.",
    ):
        forecaster.fit(y, fh=[1, 2, 3])


def test_stride_keeps_every_kth_window_of_each_series_ending_with_its_newest():
    y = _panel()
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=4, stride=3)
    forecaster.fit(y, fh=[1, 2])
    X, targets = make_panel_windows(y, window_length=4, horizon=2)
    keep = []
    for key in LENGTHS:
        rows = np.flatnonzero(X.series_ids == key)
        keep.extend(rows[::-1][::3])
    keep = np.sort(keep)
    expected = LinearWindowRegressor().fit(X[keep], targets[keep])
    np.testing.assert_allclose(forecaster.estimator_.coef_, expected.coef_)


def test_update_appends_to_each_series():
    y = _panel()
    train = y.groupby(level="store").head(20)
    new = y.drop(train.index).groupby(level="store").head(3)
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=4)
    forecaster.fit(train, fh=[1, 2])
    fitted = forecaster.estimator_
    # New observations of two of the three series only.
    forecaster.update(new.drop("west", level="store"), update_params=False)
    assert forecaster.estimator_ is fitted

    y_pred = forecaster.predict()
    for key in LENGTHS:
        seen = pd.concat([train, new]).loc[key] if key != "west" else train.loc[key]
        expected = fitted.predict(seen.to_numpy()[-4:][np.newaxis])[0]
        np.testing.assert_allclose(y_pred.loc[key].to_numpy()[:, 0], expected)
        assert y_pred.loc[key].index[0] == seen.index[-1] + pd.Timedelta("1D")

    forecaster.update(new.loc[["west"]], update_params=True)
    assert forecaster.estimator_ is not fitted
    X, targets = make_panel_windows(pd.concat([train, new]), window_length=4, horizon=2)
    expected = LinearWindowRegressor().fit(X, targets)
    np.testing.assert_allclose(forecaster.estimator_.coef_, expected.coef_)


def test_pipeline_on_a_panel_with_integer_times():
    y = _panel()
    y.index = y.index.set_levels(range(3), level="store")
    y.index = pd.MultiIndex.from_arrays(
        [
            y.index.get_level_values("store"),
            y.groupby(level="store").cumcount().to_numpy(),
        ],
        names=["store", "step"],
    )
    model = make_pipeline(SequenceScaler(), NaiveForecaster())
    y_pred = SkseqForecaster(model, window_length=3).fit(y, fh=[2]).predict()
    for store, n in enumerate(LENGTHS.values()):
        assert y_pred.loc[store].index.tolist() == [n + 1]
        np.testing.assert_allclose(
            y_pred.loc[store].iloc[0, 0], y.loc[store].iloc[-1, 0]
        )


def _with_prices(n=80):
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-01", periods=n, freq="D")
    X = pd.DataFrame(
        {"price": rng.normal(size=n), "weather": rng.normal(size=n)}, index=index
    )
    # Sales answer today's price: only its known future value predicts them.
    y = pd.Series(5.0 - 2.0 * X["price"].to_numpy(), index=index, name="sales")
    return y, X


def test_known_ahead_columns_of_X_are_read_over_the_horizon():
    y, X = _with_prices()
    fh = [1, 2, 3]
    known = SkseqForecaster(
        LinearWindowRegressor(alpha=1e-6), window_length=3, known_ahead=["price"]
    ).fit(y[:70], X=X[:70], fh=fh)
    y_pred = known.predict(X=X[70:73])
    np.testing.assert_allclose(y_pred.to_numpy(), y[70:73].to_numpy(), atol=1e-5)

    windows, targets = make_windows(
        pd.concat([y, X], axis=1)[:70],
        window_length=3,
        horizon=3,
        target=0,
        known_ahead=["price"],
    )
    model = LinearWindowRegressor(alpha=1e-6).fit(windows, targets)
    np.testing.assert_allclose(known.estimator_.coef_, model.coef_)

    past_only = SkseqForecaster(LinearWindowRegressor(alpha=1e-6), window_length=3)
    past_only.fit(y[:70], X=X[:70], fh=fh)
    assert np.abs(past_only.predict(X=X[70:73]) - y[70:73]).max() > 0.5
    assert known.get_tag("capability:non_contiguous_X") is False
    assert past_only.get_tag("capability:non_contiguous_X") is True


def test_known_ahead_on_a_panel_reads_each_series_future():
    y, X = _with_prices()
    ys = pd.concat({"a": y, "b": y + 3.0}, names=["store", "day"]).to_frame()
    Xs = pd.concat({"a": X, "b": X}, names=["store", "day"])
    # Store b ends two days earlier.
    train = ys[
        ys.index.get_level_values("day")
        < np.where(ys.index.get_level_values("store") == "a", y.index[60], y.index[58])
    ]
    forecaster = SkseqForecaster(
        LinearWindowRegressor(alpha=1e-6), window_length=3, known_ahead="all"
    ).fit(train, X=Xs.loc[train.index], fh=[1, 2])
    y_pred = forecaster.predict(X=Xs)
    np.testing.assert_allclose(
        y_pred.to_numpy()[:, 0], ys.loc[y_pred.index].to_numpy()[:, 0], atol=1e-4
    )
    assert y_pred.loc["b"].index[0] == y.index[58]


@pytest.mark.parametrize(
    ("predict_X", "message"),
    [
        (
            None,
            r"predict needs X: the values of known-ahead column\(s\) \['price'\] "
            r"at the 3 step\(s\) after the last observation\.",
        ),
        (
            "gap",
            r"X given to predict has no value at 2020-03-12 00:00:00 \(1 of 3 "
            r"rows missing\); it needs .* including steps that fh skips",
        ),
        ("no price", r"X given to predict lacks column\(s\) \['price'\]"),
    ],
    ids=["no-X", "gap", "no-column"],
)
def test_predict_without_the_known_future_says_what_it_needs(predict_X, message):
    y, X = _with_prices()
    forecaster = SkseqForecaster(
        LinearWindowRegressor(), window_length=3, known_ahead=["price"]
    ).fit(y[:70], X=X[:70], fh=[1, 3])
    future = {None: None, "gap": X.iloc[[70, 72]], "no price": X[70:73][["weather"]]}
    with pytest.raises(ValueError, match=message):
        forecaster.predict(X=future[predict_X])


def test_known_ahead_names_a_column_that_X_lacks():
    y, X = _with_prices()
    forecaster = SkseqForecaster(
        LinearWindowRegressor(), window_length=3, known_ahead=["holiday"]
    )
    with pytest.raises(
        ValueError,
        match=r"known_ahead names \['holiday'\], which are not columns of X; X has "
        r"columns \['price', 'weather'\]",
    ):
        forecaster.fit(y, X=X, fh=[1])
    with pytest.raises(ValueError, match="names columns of X, but fit was given no X"):
        forecaster.fit(y, fh=[1])


def test_absolute_fh_counts_from_each_series_last_day():
    y = _panel()
    fh = ForecastingHorizon(
        pd.date_range("2024-03-02", periods=2, freq="D"), is_relative=False
    )
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=3).fit(y, fh=fh)
    # West ends on Feb 27 (of a leap year): Mar 3 is five days on.
    assert forecaster.horizon_ == 5
    y_pred = forecaster.predict()
    assert set(y_pred.index.get_level_values("day")) == set(fh.to_pandas())
    np.testing.assert_allclose(
        y_pred.loc["west"].to_numpy()[:, 0], y.loc["west"].iloc[-1, 0]
    )


def _frames(**series):
    return pd.concat(
        {
            key: pd.DataFrame({"v": np.arange(len(t), dtype=float)}, index=t)
            for key, t in series.items()
        },
        names=["id", "t"],
    )


def test_business_days_ending_on_a_friday_are_counted_in_business_days():
    days = pd.bdate_range("2024-01-01", periods=20)  # Monday to Friday, Jan 26
    y = _frames(a=days, c=days[:-1])  # c ends on Thursday
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=3)
    y_pred = forecaster.fit(y, fh=[1, 2]).predict()
    friday, monday, tuesday = pd.to_datetime(["2024-01-26", "2024-01-29", "2024-01-30"])
    assert list(y_pred.loc["a"].index) == [monday, tuesday]
    assert list(y_pred.loc["c"].index) == [friday, monday]


def test_each_series_counts_fh_in_the_frequency_of_its_own_dates():
    days = pd.date_range("2024-01-01", periods=20)
    hours = pd.date_range(end=days[-1], periods=3, freq="h")
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=1)
    y_pred = forecaster.fit(_frames(a=days, c=hours), fh=[1]).predict()
    assert y_pred.loc["a"].index[0] == days[-1] + pd.Timedelta("1D")
    assert y_pred.loc["c"].index[0] == days[-1] + pd.Timedelta("1h")
    # Two dates of its own do not tell the step, whatever the other series do.
    forecaster.fit(_frames(a=days, c=hours[1:] + pd.Timedelta("3h")), fh=[1])
    with pytest.raises(
        ValueError, match=r"frequency of series 'c' from its 2 date\(s\) ending "
    ):
        forecaster.predict()


def test_predict_names_a_new_series_too_short_to_forecast_from():
    days = pd.date_range("2024-01-01", periods=30)
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=3)
    forecaster.fit(_frames(a=days), fh=[1])
    forecaster.update(_frames(b=days[-2:]), update_params=False)
    with pytest.raises(
        ValueError, match=r"at least window_length = 3 observations .* 'b' \(2\)"
    ):
        forecaster.predict()


@pytest.mark.parametrize("update_params", [False, True])
def test_update_after_a_gap_is_refused(update_params):
    days = pd.date_range("2024-01-01", periods=30)
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=3)
    forecaster.fit(_frames(a=days, b=days), fh=[1])
    later = _frames(a=pd.date_range("2024-03-01", periods=2))
    with pytest.raises(
        ValueError,
        match=r"unevenly spaced in series 'a': .* 2024-03-01 00:00:00 is 31 days",
    ):
        forecaster.update(later, update_params=update_params)
    # Nothing was added: the forecasts still follow the training data.
    assert forecaster.predict().loc["a"].index[0] == days[-1] + pd.Timedelta("1D")
