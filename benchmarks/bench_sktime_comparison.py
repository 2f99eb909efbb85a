"""skseq forecasters next to sktime's statistical forecasters, on sktime's terms.

Every model is scored by sktime's ``evaluate`` on the same expanding-window
splits (refit at every cutoff); skseq models enter through
``skseq.sktime.SkseqForecaster``.  Data:

* ``airline``: sktime's monthly airline passengers (144 months, season 12);
* ``sunspots``: monthly mean sunspot numbers 1749-1983 (a cycle of about 11
  years that is too irregular for a seasonal model: season 1);
* ``taylor``: half-hourly electricity demand, June-August 2000, averaged to
  hourly (2,016 hours; daily season 24, weekly 168);
* ``newark``: daily mean temperature at Newark airport in 2013, from the
  hourly ``weather_ewr_2013_hourly.csv`` (missing hours are skipped in the
  mean; no day is empty).

Reported: MAE and MASE (mean absolute error scaled by the in-sample MAE of
the seasonal naive one-step forecast, season as listed) averaged over the
splits, and the total fit + predict time over the splits.

Run: ``python benchmarks/bench_sktime_comparison.py`` from the repository
root (needs sktime and statsmodels; the neural rows need Keras and are
skipped with a note without it).
``--datasets airline,taylor`` runs a subset, ``--no-neural`` skips networks.
"""

import argparse
import os
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from _common import neural_forecasters, peak_rss_mb, print_table
from sklearn.pipeline import make_pipeline
from sktime.datasets import load_airline
from sktime.forecasting.arima import StatsModelsARIMA
from sktime.forecasting.ets import AutoETS
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive
from sktime.forecasting.theta import ThetaForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    MeanAbsoluteScaledError,
)
from sktime.split import ExpandingWindowSplitter

from skseq.forecasting import LinearWindowRegressor, NaiveForecaster
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler
from skseq.sktime import SkseqForecaster

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")


class Settings(NamedTuple):
    """How one data set is split and modelled."""

    season: int  # of the seasonal naive, Theta, ETS, MASE and the differencer
    horizon: int  # each split forecasts 1..horizon steps ahead
    window: int  # steps each skseq model sees
    folds: int  # expanding-window splits, their cutoffs `step` steps apart
    step: int
    order: tuple  # ARIMA (p, d, q)
    seasonal_order: tuple  # ARIMA (P, D, Q, s)
    weekly: int | None = None  # a second season, for the seasonal naive forecasts
    neural_window: int | None = None  # window of the networks, if shorter


SETTINGS = {
    "airline": Settings(12, 12, 24, 4, 12, (0, 1, 1), (0, 1, 1, 12)),
    "sunspots": Settings(1, 12, 60, 5, 120, (2, 1, 2), (0, 0, 0, 0)),
    # A shorter window for the networks keeps their training time modest.
    "taylor": Settings(24, 24, 168, 5, 168, (2, 0, 1), (0, 1, 0, 24), 168, 72),
    "newark": Settings(1, 7, 28, 5, 28, (1, 1, 1), (0, 0, 0, 0)),
}


def load_series(name):
    """The series of the data set ``name``."""
    if name == "airline":
        return load_airline()
    if name == "sunspots":
        sunspots = pd.read_csv(os.path.join(DATA, "sunspots_monthly.csv"))
        series = sunspots["sunspots"]
        series.index = pd.period_range("1749-01", periods=len(series), freq="M")
        return series
    if name == "taylor":
        demand = pd.read_csv(os.path.join(DATA, "taylor_halfhourly.csv"))
        halfhourly = demand["demand_mw"]
        return halfhourly.groupby(np.arange(len(halfhourly)) // 2).mean().astype(float)
    weather = pd.read_csv(
        os.path.join(DATA, "weather_ewr_2013_hourly.csv"),
        parse_dates=["time_hour"],
        index_col="time_hour",
    )
    return weather["temp"].resample("D").mean()


def splitter(y, settings):
    horizon, folds, step = settings.horizon, settings.folds, settings.step
    initial = len(y) - horizon - (folds - 1) * step
    return ExpandingWindowSplitter(
        fh=list(range(1, horizon + 1)), initial_window=initial, step_length=step
    )


def sktime_models(settings):
    season, order = settings.season, settings.order
    models = [("sktime naive (last)", SktimeNaive(strategy="last"))]
    for sp in sorted({season, settings.weekly or 1} - {1}):
        models.append((f"sktime naive (seasonal {sp})", SktimeNaive(sp=sp)))
    models += [
        # Theta's deseasonalisation is multiplicative: it fails on the zeros
        # of the sunspot series, and season 1 needs none.
        (
            f"sktime Theta (sp={season})",
            ThetaForecaster(sp=season, deseasonalize=season > 1),
        ),
        (
            f"sktime AutoETS (sp={season})",
            AutoETS(auto=True, sp=season, additive_only=True, n_jobs=1),
        ),
        (
            f"sktime ARIMA {order}{settings.seasonal_order[:3]}",
            StatsModelsARIMA(order=order, seasonal_order=settings.seasonal_order),
        ),
    ]
    return models


def skseq_models(settings, neural, epochs):
    season, window = settings.season, settings.window
    naive_period = settings.weekly or season
    models = [("skseq naive (last)", NaiveForecaster())]
    if naive_period > 1:
        seasonal = NaiveForecaster(strategy="seasonal_last", period=naive_period)
        models.append((f"skseq naive (seasonal {naive_period})", seasonal))
    models.append(("skseq linear (ridge)", LinearWindowRegressor(alpha=1.0)))
    models.append(
        (
            f"skseq diff({season}) + linear",
            make_pipeline(
                SeasonalDifferencer(period=season), LinearWindowRegressor(alpha=1.0)
            ),
        )
    )
    forecasters = [
        (name, SkseqForecaster(model, window_length=window)) for name, model in models
    ]
    if neural is not None:
        neural_window = settings.neural_window or window
        forecasters += [
            (name, SkseqForecaster(model, window_length=neural_window))
            for name, model in neural_models(neural, season, epochs)
        ]
    return forecasters


def neural_models(neural, season, epochs):
    gru_class, conv_class = neural
    training = dict(
        epochs=epochs,
        batch_size=32,
        learning_rate=3e-3,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
        # The plain networks (bench_real_series.py measures the defaults).
        scaling=None,
        baseline=None,
    )
    models = []
    for label, make in (
        ("GRU(32)", lambda: gru_class(units=(32,), **training)),
        ("Conv1D+GRU(20,20)", lambda: conv_class(**training)),
    ):
        models.append((f"skseq {label}", make_pipeline(SequenceScaler(), make())))
        differenced = make_pipeline(
            SeasonalDifferencer(period=season), SequenceScaler(), make()
        )
        models.append((f"skseq diff({season}) + {label}", differenced))
    return models


def score(forecaster, y, cv, season):
    """Mean MAE and MASE over the splits, and the total fit + predict seconds."""
    scoring = [MeanAbsoluteError(), MeanAbsoluteScaledError(sp=season)]
    results = evaluate(forecaster, cv=cv, y=y, scoring=scoring)
    return (
        results["test_MeanAbsoluteError"].mean(),
        results["test_MeanAbsoluteScaledError"].mean(),
        results["fit_time"].sum() + results["pred_time"].sum(),
    )


def run_dataset(name, neural, epochs):
    settings = SETTINGS[name]
    y = load_series(name)
    cv = splitter(y, settings)
    print(
        f"\n### {name}: {len(y)} steps, {cv.get_n_splits(y)} expanding-window "
        f"splits, forecasts 1..{settings.horizon} steps ahead, MASE season "
        f"{settings.season}, skseq window {settings.window} (networks "
        f"{settings.neural_window or settings.window})",
        flush=True,
    )
    rows = []
    models = sktime_models(settings) + skseq_models(settings, neural, epochs)
    for label, forecaster in models:
        mae, mase, fit_predict = score(forecaster, y, cv, settings.season)
        rows.append([label, f"{mae:.2f}", f"{mase:.3f}", f"{fit_predict:.2f}"])
    # A model that failed on some split (evaluate's error_score) shows nan.
    rows.sort(key=lambda row: (np.isnan(float(row[1])), float(row[1])))
    best = rows[0]
    print_table(["model", "MAE", "MASE", "fit+predict (s)"], rows)
    print(f"best MAE: {best[0]}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(SETTINGS))
    parser.add_argument("--no-neural", action="store_true")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    # Statistical fits warn about convergence on some folds and sktime
    # announces config changes; neither changes the numbers reported.
    # Filters are not enough: sktime's evaluate re-enables FutureWarning
    # while it runs, so warnings are not shown at all.
    warnings.showwarning = lambda *args, **kwargs: None
    neural, reason = (None, "--no-neural") if args.no_neural else neural_forecasters()
    if neural is None:
        print(f"Neural forecasters skipped: {reason}.")
    for name in args.datasets.split(","):
        run_dataset(name, neural, args.epochs)
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
