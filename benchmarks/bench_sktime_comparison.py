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
root (needs sktime and statsmodels; the neural rows need keras and are
skipped with a note when skseq's recurrent forecasters are not importable).
``--datasets airline,taylor`` runs a subset, ``--no-neural`` skips networks.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import peak_rss_mb, print_table  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.arima import StatsModelsARIMA  # noqa: E402
from sktime.forecasting.ets import AutoETS  # noqa: E402
from sktime.forecasting.model_evaluation import evaluate  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive  # noqa: E402
from sktime.forecasting.theta import ThetaForecaster  # noqa: E402
from sktime.performance_metrics.forecasting import (  # noqa: E402
    MeanAbsoluteError,
    MeanAbsoluteScaledError,
)
from sktime.split import ExpandingWindowSplitter  # noqa: E402

from skseq.forecasting import LinearWindowRegressor, NaiveForecaster  # noqa: E402
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler  # noqa: E402
from skseq.sktime import SkseqForecaster  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")


def neural_forecasters():
    """(GRUForecaster, ConvGRUForecaster), or None with the reason."""
    try:
        from skseq.forecasting import ConvGRUForecaster, GRUForecaster
    except ImportError:
        try:
            from skseq.forecasting import ConvGRUForecaster, GRUForecaster
        except ImportError as error:
            return None, f"skseq's recurrent forecasters are not importable ({error})"
    return (GRUForecaster, ConvGRUForecaster), None


def load_datasets():
    """name -> (series, settings) for every benchmark data set."""
    airline = load_airline()
    sunspots = pd.read_csv(os.path.join(DATA, "sunspots_monthly.csv"))["sunspots"]
    sunspots.index = pd.period_range("1749-01", periods=len(sunspots), freq="M")
    demand = pd.read_csv(os.path.join(DATA, "taylor_halfhourly.csv"))["demand_mw"]
    hourly = demand.groupby(np.arange(len(demand)) // 2).mean().astype(float)
    weather = pd.read_csv(
        os.path.join(DATA, "weather_ewr_2013_hourly.csv"),
        parse_dates=["time_hour"],
        index_col="time_hour",
    )
    daily = weather["temp"].resample("D").mean()
    return {
        # season: seasonal naive, Theta, ETS, MASE and the differencer;
        # window: steps each skseq model sees (networks: neural_window, when
        # given, to keep training time modest); folds of `horizon` steps,
        # the cutoffs `step` apart.
        "airline": (
            airline,
            dict(
                season=12,
                horizon=12,
                window=24,
                folds=4,
                step=12,
                arima=((0, 1, 1), (0, 1, 1, 12)),
            ),
        ),
        "sunspots": (
            sunspots,
            dict(
                season=1,
                horizon=12,
                window=60,
                folds=5,
                step=120,
                arima=((2, 1, 2), (0, 0, 0, 0)),
            ),
        ),
        "taylor": (
            hourly,
            dict(
                season=24,
                horizon=24,
                window=168,
                folds=5,
                step=168,
                weekly=168,
                neural_window=72,
                arima=((2, 0, 1), (0, 1, 0, 24)),
            ),
        ),
        "newark": (
            daily,
            dict(
                season=1,
                horizon=7,
                window=28,
                folds=5,
                step=28,
                arima=((1, 1, 1), (0, 0, 0, 0)),
            ),
        ),
    }


def splitter(y, settings):
    horizon, folds, step = settings["horizon"], settings["folds"], settings["step"]
    initial = len(y) - horizon - (folds - 1) * step
    return ExpandingWindowSplitter(
        fh=list(range(1, horizon + 1)), initial_window=initial, step_length=step
    )


def sktime_models(settings):
    season = settings["season"]
    order, seasonal_order = settings["arima"]
    models = [("sktime naive (last)", SktimeNaive(strategy="last"))]
    for sp in sorted({season, settings.get("weekly", 1)} - {1}):
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
            f"sktime ARIMA {order}{seasonal_order[:3]}",
            StatsModelsARIMA(order=order, seasonal_order=seasonal_order),
        ),
    ]
    return models


def skseq_models(settings, neural, epochs):
    season, window = settings["season"], settings["window"]
    naive_period = settings.get("weekly", season)
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
        neural_window = settings.get("neural_window", window)
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
    scoring = [MeanAbsoluteError(), MeanAbsoluteScaledError(sp=season)]
    start = time.perf_counter()
    results = evaluate(forecaster, cv=cv, y=y, scoring=scoring)
    seconds = time.perf_counter() - start
    return (
        results["test_MeanAbsoluteError"].mean(),
        results["test_MeanAbsoluteScaledError"].mean(),
        results["fit_time"].sum() + results["pred_time"].sum(),
        seconds,
    )


def run_dataset(name, y, settings, neural, epochs):
    cv = splitter(y, settings)
    print(
        f"\n### {name}: {len(y)} steps, {cv.get_n_splits(y)} expanding-window "
        f"splits, forecasts 1..{settings['horizon']} steps ahead, MASE season "
        f"{settings['season']}, skseq window {settings['window']} (networks "
        f"{settings.get('neural_window', settings['window'])})",
        flush=True,
    )
    rows = []
    models = sktime_models(settings) + skseq_models(settings, neural, epochs)
    for label, forecaster in models:
        mae, mase, fit_predict, _ = score(forecaster, y, cv, settings["season"])
        rows.append([label, f"{mae:.2f}", f"{mase:.3f}", f"{fit_predict:.2f}"])
    # A model that failed on some split (evaluate's error_score) shows nan.
    rows.sort(key=lambda row: (np.isnan(float(row[1])), float(row[1])))
    best = rows[0]
    print_table(["model", "MAE", "MASE", "fit+predict (s)"], rows)
    print(f"best MAE: {best[0]}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="airline,sunspots,taylor,newark")
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
    datasets = load_datasets()
    for name in args.datasets.split(","):
        y, settings = datasets[name]
        run_dataset(name, y, settings, neural, args.epochs)
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
