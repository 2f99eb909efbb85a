"""The neural forecasters' defaults on real series, next to the baselines.

Every model is scored by sktime's ``evaluate`` on the same expanding-window
splits (refit at every cutoff), entering through
``skseq.sktime.SkseqForecaster``.  The neural forecasters are given only
``window_length`` (and ``stride`` on long series) and a seed: everything else
is their default.  Each runs with seeds 0, 1 and 2 and is reported as the
mean MAE over the splits, averaged over the seeds, with the spread
(max - min) of the seeds' MAEs.

Series (from ``../shared/data`` next to the repository, sktime, or skseq):

* ``airline``: sktime's monthly airline passengers (144 months, season 12);
* ``sunspots``: monthly mean sunspot numbers 1749-1983 (an irregular cycle
  of about 11 years: no fixed season);
* ``taylor``: half-hourly electricity demand, June-August 2000 (4,032 steps,
  daily season 48, weekly 336), a week of lookback;
* ``newark``: hourly air temperature at Newark airport in 2013, shipped with
  skseq (``load_newark_weather``; 8,730 hours, daily season 24).

The Hands-On ML synthetic set (10,000 short series, not one long one) is
reported in its own table: the defaults' 1-step and 10-step MSE on the
book's validation split.

A third table times one epoch of each default network on 336-step windows
(a week of half-hours), the longest lookback used here.

Run: ``python benchmarks/bench_real_series.py`` from the repository root
(needs the ``sktime`` extra, statsmodels and Keras; about 40 minutes on 2
cores).  ``--datasets airline,taylor`` runs a subset, ``--seeds 0`` one
seed, ``--no-stats`` skips sktime's statistical models, ``--set key=value``
overrides a parameter of every network (e.g. ``--set scaling=standard``).
"""

import argparse
import ast
import os
import time
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from _common import load_keras, peak_rss_mb, print_table
from _handson import validation_mse
from bench_sktime_comparison import Settings, load_series, sktime_models
from sklearn.pipeline import make_pipeline
from sktime.forecasting.model_evaluation import evaluate
from sktime.performance_metrics.forecasting import MeanAbsoluteError
from sktime.split import ExpandingWindowSplitter

from skseq import make_windows
from skseq.datasets import load_newark_weather
from skseq.forecasting import (
    ConvGRUForecaster,
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
    RNNForecaster,
)
from skseq.preprocessing import SeasonalDifferencer
from skseq.sktime import SkseqForecaster

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")

NETWORKS = {"RNN": RNNForecaster, "GRU": GRUForecaster, "ConvGRU": ConvGRUForecaster}


class Series(NamedTuple):
    """How one series is split and modelled."""

    settings: Settings  # season, horizon, window, folds, step, ARIMA orders
    stride: int = 1  # every stride-th training window


# Folds are as many as a 40-minute run allows: the test periods of a few
# folds are a few days of demand or weather, and one holiday moves a mean.
SERIES = {
    "airline": Series(Settings(12, 12, 24, 3, 12, (0, 1, 1), (0, 1, 1, 12))),
    "sunspots": Series(Settings(1, 12, 60, 5, 120, (2, 1, 2), (0, 0, 0, 0))),
    "taylor": Series(
        Settings(48, 48, 336, 6, 168, (2, 0, 1), (0, 1, 0, 48), weekly=336), stride=4
    ),
    "newark": Series(Settings(24, 24, 168, 5, 168, (2, 0, 1), (0, 1, 0, 24)), stride=2),
}


def load(name):
    """The series ``name``."""
    if name == "taylor":
        demand = pd.read_csv(os.path.join(DATA, "taylor_halfhourly.csv"))
        return demand["demand_mw"].astype(float).reset_index(drop=True)
    if name == "newark":
        temperature = load_newark_weather()["temp"]
        # sktime wants a regular index with a frequency.
        return temperature.tz_localize(None).asfreq("h")
    return load_series(name)


def splitter(y, settings):
    horizon, folds, step = settings.horizon, settings.folds, settings.step
    initial = len(y) - horizon - (folds - 1) * step
    return ExpandingWindowSplitter(
        fh=list(range(1, horizon + 1)), initial_window=initial, step_length=step
    )


def mean_mae(forecaster, y, cv):
    """Mean MAE over the splits and the total fit + predict seconds."""
    results = evaluate(forecaster, cv=cv, y=y, scoring=[MeanAbsoluteError()])
    seconds = results["fit_time"].sum() + results["pred_time"].sum()
    return results["test_MeanAbsoluteError"].mean(), seconds


def baseline_models(series):
    settings = series.settings
    season, window = settings.season, settings.window
    models = [("skseq naive (last)", NaiveForecaster())]
    for period in sorted({season, settings.weekly or 1} - {1}):
        seasonal = NaiveForecaster(strategy="seasonal_last", period=period)
        models.append((f"skseq naive (seasonal {period})", seasonal))
    models.append(("skseq ridge", LinearWindowRegressor(alpha=1.0)))
    if season > 1:
        differenced = make_pipeline(
            SeasonalDifferencer(period=season), LinearWindowRegressor(alpha=1.0)
        )
        models.append((f"skseq diff({season}) + ridge", differenced))
    return [
        (name, SkseqForecaster(model, window_length=window, stride=series.stride))
        for name, model in models
    ]


def run_series(name, seeds, overrides, stats):
    series = SERIES[name]
    settings = series.settings
    y = load(name)
    cv = splitter(y, settings)
    print(
        f"\n### {name}: {len(y)} steps, {cv.get_n_splits(y)} expanding-window "
        f"splits {settings.step} steps apart, forecasts 1..{settings.horizon} "
        f"steps ahead, window {settings.window}, training stride {series.stride}",
        flush=True,
    )
    rows = []
    models = baseline_models(series)
    if stats:
        models += sktime_models(settings)
    for label, forecaster in models:
        mae, seconds = mean_mae(forecaster, y, cv)
        rows.append([label, mae, "", seconds])
    ridge = next(row[1] for row in rows if row[0] == "skseq ridge")
    for label, network in NETWORKS.items():
        maes, seconds = [], 0.0
        for seed in seeds:
            model = network(random_state=seed, **overrides)
            forecaster = SkseqForecaster(
                model, window_length=settings.window, stride=series.stride
            )
            mae, fit_seconds = mean_mae(forecaster, y, cv)
            maes.append(mae)
            seconds += fit_seconds / len(seeds)
        spread = f"{max(maes) - min(maes):.2f}" if len(maes) > 1 else ""
        name = f"skseq {label}Forecaster (defaults)"
        rows.append([name, np.mean(maes), spread, seconds])
    rows.sort(key=lambda row: (np.isnan(row[1]), row[1]))
    print_table(
        ["model", "MAE", "seed spread", "MAE / ridge", "fit+predict (s)"],
        [
            [label, f"{mae:.2f}", spread, f"{mae / ridge:.3f}", f"{seconds:.1f}"]
            for label, mae, spread, seconds in rows
        ],
    )


def run_handson(seeds, overrides):
    """Defaults on Hands-On ML's synthetic set: 1-step GRU, 10-step ConvGRU."""
    print("\n### Hands-On ML synthetic series: validation MSE of the defaults")
    rows = []
    for label, horizon, make in (
        ("GRUForecaster()", 1, lambda seed: GRUForecaster(random_state=seed)),
        (
            'ConvGRUForecaster(strategy="seq2seq")',
            10,
            lambda seed: ConvGRUForecaster(strategy="seq2seq", random_state=seed),
        ),
    ):
        mses = [
            validation_mse(make(seed).set_params(**overrides), horizon)[0]
            for seed in seeds
        ]
        rows.append(
            [
                label,
                horizon,
                f"{np.mean(mses):.4f}",
                f"{min(mses):.4f}..{max(mses):.4f}",
            ]
        )
    print_table(["model", "horizon", "MSE (mean)", "MSE (seeds)"], rows)


def run_epoch_times(overrides):
    """Seconds per epoch of each default network on 336-step windows."""
    keras = load_keras()
    demand = pd.read_csv(os.path.join(DATA, "taylor_halfhourly.csv"))["demand_mw"]
    X, y = make_windows(demand.to_numpy(float), window_length=336, horizon=48)
    X, y = X[::4], y[::4]
    print(
        f"\n### One epoch on {len(y)} windows of 336 half-hours (horizon 48), "
        f"Keras backend {keras.backend.backend()}"
    )
    rows = []
    for label, network in NETWORKS.items():
        model = network(epochs=3, random_state=0, **overrides)
        start = time.perf_counter()
        model.fit(X, y)
        total = time.perf_counter() - start
        rows.append([f"{label}Forecaster", f"{total / 3:.2f}", f"{total:.1f}"])
    print_table(["model", "s / epoch (incl. compile)", "3 epochs (s)"], rows)


def parse_overrides(pairs):
    overrides = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(SERIES))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--no-stats", action="store_true")
    parser.add_argument("--no-handson", action="store_true")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    # Statistical fits warn about convergence on some folds, and sktime's
    # evaluate re-enables warnings while it runs: they are not shown at all.
    warnings.showwarning = lambda *args, **kwargs: None
    seeds = [int(seed) for seed in args.seeds.split(",")]
    overrides = parse_overrides(args.set)
    if overrides:
        print(f"Network parameters changed from the defaults: {overrides}")
    for name in filter(None, args.datasets.split(",")):
        run_series(name, seeds, overrides, stats=not args.no_stats)
    if not args.no_handson:
        run_handson(seeds, overrides)
    if not args.no_timing:
        run_epoch_times(overrides)
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
