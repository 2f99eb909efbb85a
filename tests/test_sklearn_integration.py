"""Windows through scikit-learn's model selection, without materialising."""

import tracemalloc

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline

from skseq import SequenceWindows, make_windows
from skseq.forecasting import LinearWindowRegressor, NaiveForecaster
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler

MAX_BATCH = 256


@pytest.fixture
def spy_on_gathering(monkeypatch):
    """Forbid full materialisation and record the largest batch gathered."""
    largest = []
    gather = SequenceWindows._raw_windows

    def recording_gather(self, rows):
        windows = gather(self, rows)
        largest.append(len(windows))
        return windows

    def forbidden(self, dtype=None, copy=None):
        raise AssertionError("all windows were materialised")

    monkeypatch.setattr(SequenceWindows, "_raw_windows", recording_gather)
    monkeypatch.setattr(SequenceWindows, "__array__", forbidden)
    monkeypatch.setattr(SequenceWindows, "rows_per_batch", lambda self: MAX_BATCH)
    return largest


def _seasonal_series(n_steps=6000, period=24):
    rng = np.random.default_rng(0)
    t = np.arange(n_steps)
    return (
        10
        + 3 * np.sin(2 * np.pi * t / period)
        + 0.01 * t
        + rng.normal(scale=0.3, size=n_steps)
    )


def test_grid_search_streams_windows(spy_on_gathering):
    X, y = make_windows(_seasonal_series(30_000), window_length=128, horizon=2)
    pipeline = Pipeline(
        [
            ("diff", SeasonalDifferencer(period=24)),
            ("scale", SequenceScaler()),
            ("linear", LinearWindowRegressor()),
        ]
    )
    search = GridSearchCV(
        pipeline,
        {"diff__period": [12, 24], "linear__alpha": [0.0, 10.0]},
        cv=TimeSeriesSplit(n_splits=3, gap=11),
        scoring="neg_mean_absolute_error",
    )
    tracemalloc.start()
    search.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense_bytes = len(X) * 128 * 8
    assert max(spy_on_gathering) <= MAX_BATCH
    assert peak < dense_bytes / 8
    # Predictions come back in original units, not differenced or scaled.
    mae = np.mean(np.abs(search.predict(X[-200:]) - y[-200:]))
    assert mae < 0.5


def test_cross_val_score_streams_windows(spy_on_gathering):
    X, y = make_windows(_seasonal_series(), window_length=48, horizon=24)
    cv = TimeSeriesSplit(n_splits=4, gap=23)
    naive = NaiveForecaster(strategy="seasonal_last", period=24)
    differenced = make_pipeline(
        SeasonalDifferencer(period=24), LinearWindowRegressor(alpha=1.0)
    )
    scores = {
        name: cross_val_score(
            model, X, y, cv=cv, scoring="neg_mean_absolute_error"
        ).mean()
        for name, model in [("naive", naive), ("differenced", differenced)]
    }
    assert max(spy_on_gathering) <= MAX_BATCH
    # The differenced linear model uses the trend the seasonal naive misses.
    assert scores["differenced"] > scores["naive"]
    assert -scores["differenced"] < 0.4


def test_grid_search_in_parallel_workers_matches_serial():
    X, y = make_windows(_seasonal_series(2000), window_length=48, horizon=6)
    grid = {"seasonaldifferencer__period": [12, 24]}
    pipeline = make_pipeline(SeasonalDifferencer(period=24), LinearWindowRegressor())
    cv = TimeSeriesSplit(n_splits=3)
    serial = GridSearchCV(pipeline, grid, cv=cv, n_jobs=1).fit(X, y)
    parallel = GridSearchCV(pipeline, grid, cv=cv, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )


def test_differenced_linear_model_predicts_pure_seasonal_series_exactly():
    season = np.array([5.0, 1.0, -2.0, 7.0, 0.5, 3.0])
    X, y = make_windows(np.tile(season, 40), window_length=18, horizon=14)
    model = make_pipeline(SeasonalDifferencer(period=6), LinearWindowRegressor())
    np.testing.assert_allclose(model.fit(X, y).predict(X), y, atol=1e-12)
