import importlib.util
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import (
    ConformalForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler

sktime = pytest.importorskip("sktime")

from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.base import ForecastingHorizon  # noqa: E402
from sktime.forecasting.compose import make_reduction  # noqa: E402
from sktime.forecasting.model_evaluation import evaluate  # noqa: E402
from sktime.forecasting.model_selection import ForecastingGridSearchCV  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive  # noqa: E402
from sktime.performance_metrics.forecasting import (  # noqa: E402
    MeanAbsoluteError,
)
from sktime.split import (  # noqa: E402
    ExpandingWindowSplitter,
    SlidingWindowSplitter,
)
from sktime.utils.warnings import _SuppressWarningPattern  # noqa: E402

from skseq.sktime import SkseqForecaster  # noqa: E402

# sktime 1.2 announces, on constructing or cloning any of its own forecasters
# (not SkseqForecaster, which sets the config), that the default of its
# remember_data config changes in 1.3.
sktime_own_forecasters = pytest.mark.filterwarnings(
    "ignore:The default of config ``remember_data``:FutureWarning"
)
_SKTIME_ENTER = _SuppressWarningPattern.__enter__
_SKTIME_EXIT = _SuppressWarningPattern.__exit__


def _series(n=60, freq="D"):
    index = pd.date_range("2020-01-01", periods=n, freq=freq)
    values = np.sin(np.arange(n) / 3.0) + np.arange(n) / 10.0
    return pd.Series(values, index=index, name="demand")


def test_predict_is_the_estimator_forecast_from_the_last_window():
    y = _series()
    forecaster = SkseqForecaster(LinearWindowRegressor(alpha=0.1), window_length=8)
    y_pred = forecaster.fit(y, fh=[1, 2, 3]).predict()

    X, targets = make_windows(y.to_numpy(), window_length=8, horizon=3)
    model = LinearWindowRegressor(alpha=0.1).fit(X, targets)
    expected = model.predict(y.to_numpy()[-8:][np.newaxis])[0]
    np.testing.assert_allclose(y_pred.to_numpy(), expected)
    pd.testing.assert_index_equal(
        y_pred.index, pd.date_range(y.index[-1], periods=4, freq="D")[1:]
    )
    assert y_pred.name == "demand"
    assert forecaster.horizon_ == 3
    assert forecaster.estimator.__dict__ == LinearWindowRegressor(alpha=0.1).__dict__


def test_non_contiguous_relative_fh_picks_those_steps():
    y = pd.Series(2.0 * np.arange(30.0) + 1)
    forecaster = SkseqForecaster(NaiveForecaster(strategy="drift"), window_length=5)
    y_pred = forecaster.fit(y, fh=[2, 5]).predict()
    np.testing.assert_allclose(y_pred.to_numpy(), [2.0 * 31 + 1, 2.0 * 34 + 1])
    assert list(y_pred.index) == [31, 34]


def test_absolute_fh_on_a_period_index():
    y = load_airline()
    fh = ForecastingHorizon(
        pd.period_range("1961-01", periods=3, freq="M"), is_relative=False
    )
    y_pred = SkseqForecaster(NaiveForecaster(), window_length=12).fit(y, fh=fh)
    y_pred = y_pred.predict()
    pd.testing.assert_index_equal(y_pred.index, fh.to_pandas())
    np.testing.assert_array_equal(y_pred.to_numpy(), [y.iloc[-1]] * 3)


def test_in_sample_fh_is_refused():
    y = _series()
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=4)
    with pytest.raises(NotImplementedError, match="in-sample"):
        forecaster.fit(y, fh=[0, 1])


def test_too_short_series_says_how_many_observations_are_needed():
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=10)
    with pytest.raises(ValueError, match=r"10 \+ 5 = 15 observations.*y has 12"):
        forecaster.fit(_series(12), fh=[1, 5])


def test_past_exogenous_values_become_window_features():
    rng = np.random.default_rng(0)
    index = pd.RangeIndex(80)
    X = pd.DataFrame({"price": rng.normal(size=80)}, index=index)
    y = pd.Series(np.r_[0.0, 3.0 * X["price"].to_numpy()[:-1]], index=index)
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=2)
    forecaster.fit(y[:70], X=X[:70], fh=[1])
    y_pred = forecaster.predict(X=X[70:71])
    np.testing.assert_allclose(y_pred.to_numpy(), y.iloc[70:71].to_numpy())


def test_update_without_refit_moves_the_last_window_only():
    y = _series(80)
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=6)
    forecaster.fit(y[:60], fh=[1, 2])
    fitted = forecaster.estimator_
    forecaster.update(y[60:70], update_params=False)
    assert forecaster.estimator_ is fitted
    expected = fitted.predict(y.to_numpy()[64:70][np.newaxis])[0]
    np.testing.assert_allclose(forecaster.predict().to_numpy(), expected)
    assert forecaster.predict().index[0] == y.index[70]

    forecaster.update(y[70:], update_params=True)
    assert forecaster.estimator_ is not fitted
    assert forecaster.predict().index[0] == y.index[-1] + pd.Timedelta("1D")


@pytest.mark.parametrize(
    "cv",
    [
        ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=24, step_length=6),
        SlidingWindowSplitter(fh=[1, 2, 3], window_length=24, step_length=6),
    ],
    ids=["expanding", "sliding"],
)
@sktime_own_forecasters
def test_evaluate_matches_sktime_naive_on_the_same_splits(cv):
    y = load_airline()[:72]
    metric = MeanAbsoluteError()
    ours = evaluate(
        SkseqForecaster(NaiveForecaster(), window_length=3), cv=cv, y=y, scoring=metric
    )
    theirs = evaluate(SktimeNaive(strategy="last"), cv=cv, y=y, scoring=metric)
    assert len(ours) == cv.get_n_splits(y) == 8
    np.testing.assert_allclose(
        ours["test_MeanAbsoluteError"], theirs["test_MeanAbsoluteError"]
    )


@sktime_own_forecasters
def test_grid_search_tunes_window_and_nested_estimator_parameters():
    y = load_airline()[:96]
    forecaster = SkseqForecaster(
        make_pipeline(SequenceScaler(), LinearWindowRegressor()), window_length=6
    )
    grid = {
        "window_length": [6, 12],
        "estimator__linearwindowregressor__alpha": [0.1, 10.0],
    }
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=60, step_length=12)
    # backend=None runs in this process: loky workers take seconds to start.
    search = ForecastingGridSearchCV(forecaster, cv=cv, param_grid=grid, backend=None)
    search.fit(y, fh=[1, 2, 3])
    assert set(search.best_params_) == set(grid)
    assert len(search.cv_results_) == 4
    assert search.predict().index[0] == y.index[-1] + 1


def test_seasonal_differencing_pipeline_forecasts_in_original_units():
    t = np.arange(48.0)
    y = pd.Series(0.5 * t + np.tile([3.0, -1.0, 4.0, 0.0], 12))
    model = make_pipeline(SeasonalDifferencer(period=4), NaiveForecaster())
    forecaster = SkseqForecaster(model, window_length=8).fit(y, fh=range(1, 7))
    future = 0.5 * np.arange(48.0, 54.0) + np.tile([3.0, -1.0, 4.0, 0.0], 2)[:6]
    np.testing.assert_allclose(forecaster.predict().to_numpy(), future)


@sktime_own_forecasters
def test_make_reduction_feeds_lag_matrices_as_one_feature_windows():
    y = load_airline()[:80]
    fh = [1, 2, 3]
    reduced = make_reduction(NaiveForecaster(), strategy="multioutput", window_length=5)
    y_pred = reduced.fit(y, fh=fh).predict()
    np.testing.assert_array_equal(y_pred.to_numpy(), [y.iloc[-1]] * 3)

    linear = make_reduction(
        LinearWindowRegressor(alpha=1.0), strategy="multioutput", window_length=5
    )
    adapter = SkseqForecaster(LinearWindowRegressor(alpha=1.0), window_length=5)
    np.testing.assert_allclose(
        linear.fit(y, fh=fh).predict().to_numpy(),
        adapter.fit(y, fh=fh).predict().to_numpy(),
    )


def test_fitted_forecaster_pickles_to_identical_predictions():
    y = _series()
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=5)
    forecaster.fit(y, fh=[1, 2])
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_series_equal(restored.predict(), forecaster.predict())


# sktime's update_predict concatenates DatetimeIndex-ed forecasts without
# `sort=`, which pandas 3 deprecates; the warning is about sktime, not skseq.
@pytest.mark.filterwarnings(
    "ignore:Sorting by default when concatenating:pandas.errors.Pandas4Warning"
)
@sktime_own_forecasters
def test_passes_sktime_estimator_checks():
    from sktime.utils.estimator_checks import check_estimator

    # Every instance of get_test_params: a naive forecaster, a scaled ridge
    # pipeline with a stride, and a ridge reading X known ahead; each on
    # single series, panels and hierarchies.
    results = check_estimator(SkseqForecaster, raise_exceptions=False, verbose=False)
    failed = {name: result for name, result in results.items() if result != "PASSED"}
    assert len(results) > 1000
    assert any("hierarchical_with_exogenous" in name for name in results)
    assert not failed


# sktime's check of exogenous X forecasts from a single series of 20 to 40
# steps, which leaves fewer than the 20 calibration windows that split
# conformal needs for its default 5 % and 95 % quantiles: ConformalForecaster
# refuses.  (Its hierarchical check pools eight series: enough windows.)
_TOO_SHORT_TO_CALIBRATE = ["test_predict_time_index_with_X"]


@pytest.mark.filterwarnings(
    "ignore:Sorting by default when concatenating:pandas.errors.Pandas4Warning"
)
# sktime's predict_proba (from the intervals) wants skpro, and says so.
@pytest.mark.filterwarnings("ignore:.*skpro is installed:UserWarning")
@sktime_own_forecasters
def test_quantiles_pass_sktime_estimator_checks():
    from sktime.utils.estimator_checks import check_estimator

    instance = SkseqForecaster(
        ConformalForecaster(NaiveForecaster(), calibration_fraction=0.5),
        window_length=3,
    )
    assert instance.get_tag("capability:pred_int")
    results = check_estimator(
        instance,
        raise_exceptions=False,
        verbose=False,
        tests_to_exclude=_TOO_SHORT_TO_CALIBRATE,
    )
    failed = {name: result for name, result in results.items() if result != "PASSED"}
    assert any("predict_interval" in name for name in results)
    assert len(results) > 300
    assert not failed


def test_quantiles_and_intervals_in_sktimes_formats():
    y = pd.Series(np.sin(np.arange(200) / 4) + 10, name="level")
    forecaster = SkseqForecaster(
        ConformalForecaster(LinearWindowRegressor(alpha=1.0)), window_length=12
    ).fit(y, fh=[1, 2, 3])
    quantiles = forecaster.predict_quantiles(alpha=[0.9, 0.1, 0.5])
    assert list(quantiles.columns) == [("level", 0.9), ("level", 0.1), ("level", 0.5)]
    assert (quantiles[("level", 0.1)] <= quantiles[("level", 0.9)]).all()
    interval = forecaster.predict_interval(coverage=0.8)
    assert list(interval.columns) == [("level", 0.8, "lower"), ("level", 0.8, "upper")]
    np.testing.assert_allclose(
        interval.to_numpy(), quantiles[[("level", 0.1), ("level", 0.9)]].to_numpy()
    )
    # The conformal forecaster's own quantiles of the last window.
    window = y.to_numpy()[-12:][np.newaxis, :]
    own = forecaster.estimator_.predict(window, quantiles=[0.1, 0.9])[0]
    np.testing.assert_allclose(interval.to_numpy(), own)
    assert not SkseqForecaster(NaiveForecaster(), window_length=3).get_tag(
        "capability:pred_int"
    )


@sktime_own_forecasters
def test_evaluated_next_to_theta_in_a_few_lines():
    from sktime.forecasting.theta import ThetaForecaster

    y = load_airline()
    cv = ExpandingWindowSplitter(fh=range(1, 13), initial_window=96, step_length=12)
    linear = SkseqForecaster(LinearWindowRegressor(alpha=1.0), window_length=24)
    mape = {}
    for forecaster in (ThetaForecaster(sp=12), linear):
        scores = evaluate(forecaster, cv=cv, y=y)
        mape[type(forecaster).__name__] = scores.filter(like="test_").mean().item()
    assert 0 < mape["SkseqForecaster"] < mape["ThetaForecaster"] < 0.1


def _gru_forecaster():
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed")
    try:
        from skseq.forecasting import GRUForecaster
    except ImportError:
        from skseq.forecasting import GRUForecaster
    return GRUForecaster


def test_gru_forecaster_through_the_adapter():
    gru = _gru_forecaster()(units=(4,), epochs=2, random_state=0)
    model = make_pipeline(SequenceScaler(), gru)
    y = load_airline()[:72]
    forecaster = SkseqForecaster(model, window_length=12).fit(y, fh=[1, 2, 3])
    y_pred = forecaster.predict()
    assert y_pred.shape == (3,)
    assert np.isfinite(y_pred).all()
    assert y_pred.index[0] == y.index[-1] + 1
    assert forecaster.estimator_[-1].history_["loss"]


def test_without_sktime_construction_says_what_to_install():
    code = (
        "import sys\n"
        "sys.modules['sktime'] = None\n"
        "from skseq.forecasting import NaiveForecaster\n"
        "from skseq.sktime import SkseqForecaster\n"
        "try:\n"
        "    SkseqForecaster(NaiveForecaster(), window_length=3)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert "pip install skseq[sktime]" in result.stdout


def _evaluate_on_a_datetime_index():
    y = _series(40)
    cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=20, step_length=10)
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=4)
    return evaluate(forecaster, cv=cv, y=y)


def test_a_warning_after_evaluate_still_fails_the_test():
    _evaluate_on_a_datetime_index()
    assert ("default", None, FutureWarning) not in [f[:3] for f in warnings.filters]
    with pytest.raises(FutureWarning, match="raised after evaluate"):
        warnings.warn("raised after evaluate", FutureWarning, stacklevel=1)


def test_without_the_fixture_sktime_would_leave_a_filter_behind(monkeypatch):
    # If this fails, sktime restores the filters itself: drop the fixture.
    monkeypatch.setattr(_SuppressWarningPattern, "__enter__", _SKTIME_ENTER)
    monkeypatch.setattr(_SuppressWarningPattern, "__exit__", _SKTIME_EXIT)
    with warnings.catch_warnings():
        _evaluate_on_a_datetime_index()
        assert warnings.filters[0][:3] == ("default", None, FutureWarning)


def test_skseq_forecaster_itself_never_warns_about_remember_data():
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=3)
    assert forecaster.get_config()["remember_data"] is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecaster.clone()
        _evaluate_on_a_datetime_index()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"window_length": 2.5},
            r"The 'window_length' parameter of SkseqForecaster must be an int "
            r"in the range \[1, inf\)\. Got 2\.5 instead\.",
        ),
        (
            {"window_length": 0},
            r"The 'window_length' parameter of SkseqForecaster must be an int "
            r"in the range \[1, inf\)\. Got 0 instead\.",
        ),
        (
            {"window_length": True},
            r"'window_length' parameter of SkseqForecaster .* Got True instead",
        ),
        (
            {"estimator": "naive"},
            r"The 'estimator' parameter of SkseqForecaster must be an estimator "
            r"instance with fit and predict methods\. Got 'naive' instead\.",
        ),
        (
            {"estimator": NaiveForecaster},
            r"'estimator' parameter of SkseqForecaster must be an estimator "
            r"instance .* Got <class .*NaiveForecaster'> instead",
        ),
    ],
    ids=["float-window", "zero-window", "bool-window", "str-estimator", "class"],
)
def test_fit_checks_parameters_and_names_them(params, message):
    from skseq._param_validation import InvalidParameterError

    forecaster = SkseqForecaster(
        **{"estimator": NaiveForecaster(), "window_length": 3, **params}
    )
    with pytest.raises(InvalidParameterError, match=message):
        forecaster.fit(_series(), fh=[1])


def test_stride_trains_on_every_kth_window_ending_with_the_newest():
    y = _series(n=40)
    forecaster = SkseqForecaster(LinearWindowRegressor(), window_length=5, stride=3)
    forecaster.fit(y, fh=[1, 2])
    X, targets = make_windows(y.to_numpy(), window_length=5, horizon=2)
    kept = np.arange(len(targets))[(len(targets) - 1) % 3 :: 3]
    assert kept[-1] == len(targets) - 1
    expected = LinearWindowRegressor().fit(X[kept], targets[kept])
    np.testing.assert_allclose(forecaster.estimator_.coef_, expected.coef_)
    assert forecaster.estimator_.n_features_in_ == 5


@pytest.mark.parametrize("stride", [0, 1.5, True])
def test_bad_stride_names_the_parameter(stride):
    forecaster = SkseqForecaster(NaiveForecaster(), window_length=4, stride=stride)
    with pytest.raises(ValueError, match=rf"'stride' parameter .* Got {stride!r} "):
        forecaster.fit(_series(), fh=[1])
