"""Coverage and width of 80 % and 95 % prediction intervals on real series.

Every model is scored by sktime's ``evaluate`` on the expanding-window
splits of ``bench_real_series.py`` (refit and recalibrated at every cutoff),
with sktime's ``EmpiricalCoverage`` and ``IntervalWidth`` at 80 % and 95 %:
averages over the splits.  skseq's forecasters enter through ``SkseqForecaster`` and
get their intervals from ``ConformalForecaster`` (split conformal on the
newest fifth of the training windows); next to them, sktime's AutoETS and
ARIMA (model-based intervals) and sktime's ``ConformalIntervals`` around
its naive forecaster.

Run: ``python benchmarks/bench_intervals.py`` from the repository root
(needs the ``sktime`` extra, statsmodels and Keras; about 15 minutes on 2
cores).  ``--datasets airline,taylor`` runs a subset, ``--no-neural`` skips
the GRU, ``--no-stats`` sktime's models, ``--cv 5`` calibrates skseq's
forecasters on 5 time-ordered folds instead of one held-out part.
"""

import argparse
import time
import warnings

import numpy as np
from _common import peak_rss_mb, print_table
from bench_real_series import SERIES, load, splitter
from sktime.forecasting.arima import StatsModelsARIMA
from sktime.forecasting.conformal import ConformalIntervals
from sktime.forecasting.ets import AutoETS
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive
from sktime.performance_metrics.forecasting.probabilistic import (
    EmpiricalCoverage,
    IntervalWidth,
)

from skseq.forecasting import (
    ConformalForecaster,
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.sktime import SkseqForecaster

COVERAGES = (0.8, 0.95)
SCORING = [EmpiricalCoverage(coverage=c) for c in COVERAGES] + [
    IntervalWidth(coverage=c) for c in COVERAGES
]


def skseq_models(series, neural, cv):
    settings = series.settings
    season = settings.weekly or settings.season
    naive = (
        NaiveForecaster(strategy="seasonal_last", period=season)
        if season > 1
        else NaiveForecaster()
    )
    models = [
        (f"skseq conformal naive ({'seasonal' if season > 1 else 'last'})", naive),
        ("skseq conformal ridge", LinearWindowRegressor(alpha=1.0)),
    ]
    if neural:
        models.append(("skseq conformal GRU (defaults)", GRUForecaster(random_state=0)))
    method = "split" if cv is None else f"cv={cv}"
    models = [(f"{name}, {method}", model) for name, model in models]
    return [
        (
            name,
            SkseqForecaster(
                ConformalForecaster(model, cv=cv),
                window_length=settings.window,
                stride=series.stride,
            ),
        )
        for name, model in models
    ]


def sktime_models(series):
    settings = series.settings
    season = settings.season
    naive = SktimeNaive(sp=settings.weekly or season)
    return [
        # Its residuals come from a refit at every step of the series: a
        # tenth of the steps keeps long series to minutes.
        (
            "sktime ConformalIntervals(naive)",
            ConformalIntervals(naive, sample_frac=0.1),
        ),
        (
            f"sktime AutoETS (sp={season})",
            AutoETS(auto=True, sp=season, additive_only=True, n_jobs=1),
        ),
        (
            f"sktime ARIMA {settings.order}{settings.seasonal_order[:3]}",
            StatsModelsARIMA(
                order=settings.order, seasonal_order=settings.seasonal_order
            ),
        ),
    ]


def score(forecaster, y, cv):
    start = time.perf_counter()
    results = evaluate(forecaster, cv=cv, y=y, scoring=SCORING, error_score=np.nan)
    seconds = time.perf_counter() - start
    # sktime names the columns "test_<metric>_<coverage>"; a model that
    # failed on every split (error_score) has none.
    columns = [f"test_{type(metric).__name__}_{metric.coverage}" for metric in SCORING]
    values = [
        results[column].mean() if column in results else np.nan for column in columns
    ]
    return values, seconds


def run_series(name, neural, conformal_cv, stats=True):
    series = SERIES[name]
    settings = series.settings
    y = load(name)
    cv = splitter(y, settings)
    print(
        f"\n### {name}: {cv.get_n_splits(y)} expanding-window splits, forecasts "
        f"1..{settings.horizon} steps ahead, window {settings.window}",
        flush=True,
    )
    rows = []
    models = skseq_models(series, neural, conformal_cv)
    if stats:
        models += sktime_models(series)
    for label, forecaster in models:
        (cov80, cov95, width80, width95), seconds = score(forecaster, y, cv)
        rows.append(
            [
                label,
                f"{cov80:.3f}",
                f"{width80:.2f}",
                f"{cov95:.3f}",
                f"{width95:.2f}",
                f"{seconds:.1f}",
            ]
        )
    print_table(
        ["model", "80 % coverage", "80 % width", "95 % coverage", "95 % width", "s"],
        rows,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(SERIES))
    parser.add_argument("--no-neural", action="store_true")
    parser.add_argument("--no-stats", action="store_true")
    parser.add_argument(
        "--cv", type=int, default=None, help="ConformalForecaster's cv (folds)"
    )
    args = parser.parse_args(argv)
    # Statistical fits warn about convergence; sktime's evaluate re-enables
    # warnings while it runs, so they are not shown at all.
    warnings.showwarning = lambda *args, **kwargs: None
    for name in filter(None, args.datasets.split(",")):
        run_series(
            name,
            neural=not args.no_neural,
            conformal_cv=args.cv,
            stats=not args.no_stats,
        )
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
