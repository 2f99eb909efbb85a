"""Coverage and width of 80 % and 95 % prediction intervals on real series.

Every model is fitted at each cutoff of the expanding-window splits of
``bench_real_series.py`` and then, without refitting, forecasts from every
``origin_step``-th step of the following test period (sktime's
``update(update_params=False)`` feeds it the new observations): many
forecast origins per fit, so that coverage is measured on thousands of
values rather than a few dozen.  A value is covered when it lies inside its
interval; coverage and width are averaged over all origins and steps ahead.

skseq's forecasters enter through ``SkseqForecaster``:

* ``ConformalForecaster`` with its defaults (split conformal on the newest
  tenth of the training windows; ``cv=5`` time-ordered folds on airline,
  too short for that) around the naive, ridge and GRU forecasters;
* ``GRUForecaster(loss="pinball")``: quantiles learned by the network and
  calibrated on its validation windows;
* the same, conformalised on held-out windows:
  ``ConformalForecaster(..., method="quantile", refit=False)``.

Next to them, sktime's AutoETS and ARIMA (model-based intervals) and its
``ConformalIntervals`` around its naive forecaster.

Run: ``python benchmarks/bench_intervals.py`` from the repository root
(needs the ``sktime`` extra, statsmodels and Keras).  ``--datasets
airline,taylor`` runs a subset, ``--no-neural`` skips the GRU,
``--no-stats`` sktime's models, ``--only pinball`` the models whose name
holds the text, ``--cv 5`` calibrates on 5 folds on every series,
``--method scaled`` scales the conformal errors by each window's changes.
"""

import argparse
import time
import warnings

import numpy as np
from _common import peak_rss_mb, print_table
from bench_real_series import SERIES, load, splitter
from sklearn.base import clone
from sktime.forecasting.arima import StatsModelsARIMA
from sktime.forecasting.conformal import ConformalIntervals
from sktime.forecasting.ets import AutoETS
from sktime.forecasting.naive import NaiveForecaster as SktimeNaive

from skseq.forecasting import (
    ConformalForecaster,
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.sktime import SkseqForecaster

COVERAGES = (0.8, 0.95)

# Steps between forecast origins inside a test period, and the split
# conformal calibration of each series: airline's training part has too few
# windows for the 39 calibration windows a 95 % interval needs.
ORIGIN_STEP = {"airline": 1, "sunspots": 2, "taylor": 4, "newark": 4}
CALIBRATION_CV = {"airline": 5}


def skseq_models(series, neural, cv, method):
    settings = series.settings
    season = settings.weekly or settings.season
    naive = (
        NaiveForecaster(strategy="seasonal_last", period=season)
        if season > 1
        else NaiveForecaster()
    )
    calibration = "split" if cv is None else f"cv={cv}"
    models = [
        (
            f"conformal naive ({'seasonal' if season > 1 else 'last'}), "
            f"{calibration}, {method}",
            ConformalForecaster(naive, cv=cv, method=method),
        ),
        (
            f"conformal ridge, {calibration}, {method}",
            ConformalForecaster(LinearWindowRegressor(), cv=cv, method=method),
        ),
    ]
    if neural:
        quantile_gru = GRUForecaster(loss="pinball", random_state=0)
        models += [
            (
                f"conformal GRU (defaults), {calibration}, {method}",
                ConformalForecaster(
                    GRUForecaster(random_state=0), cv=cv, method=method
                ),
            ),
            ("GRU, loss='pinball'", quantile_gru),
        ]
        if cv is None:
            # The shifts calibrate the quantiles of the network they were
            # measured on; a refitted network's quantiles differ, so the
            # calibrated network forecasts (cv needs refitting: skipped).
            models.append(
                (
                    "conformalised GRU, loss='pinball', split, refit=False",
                    ConformalForecaster(quantile_gru, method="quantile", refit=False),
                )
            )
    return [
        (
            f"skseq {name}",
            SkseqForecaster(model, window_length=settings.window, stride=series.stride),
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


def rolling_intervals(forecaster, y, settings, origin_step):
    """Coverage and width of every coverage, and the seconds taken.

    Fitted at each cutoff of the splits, the forecaster then forecasts from
    every ``origin_step``-th step up to the next cutoff (the last split: up
    to the end of the series less the horizon), updated with the values
    observed so far but not refitted.

    Returns
    -------
    coverage, width : ndarray of shape (len(COVERAGES),)
    seconds : float
    """
    horizon = settings.horizon
    fh = list(range(1, horizon + 1))
    cutoffs = list(splitter(y, settings).get_cutoffs(y)) + [len(y) - 1 - horizon + 1]
    covered = np.zeros(len(COVERAGES))
    width = np.zeros(len(COVERAGES))
    count = 0
    start = time.perf_counter()
    for cutoff, next_cutoff in zip(cutoffs[:-1], cutoffs[1:]):
        model = clone(forecaster).fit(y.iloc[: cutoff + 1], fh=fh)
        seen = cutoff
        for origin in range(cutoff, next_cutoff, origin_step):
            if origin > seen:
                model.update(y.iloc[seen + 1 : origin + 1], update_params=False)
                seen = origin
            intervals = model.predict_interval(coverage=list(COVERAGES))
            truth = y.iloc[origin + 1 : origin + 1 + horizon].to_numpy()
            for i, coverage in enumerate(COVERAGES):
                lower = intervals.xs(coverage, axis=1, level=1).iloc[:, 0].to_numpy()
                upper = intervals.xs(coverage, axis=1, level=1).iloc[:, 1].to_numpy()
                covered[i] += np.sum((lower <= truth) & (truth <= upper))
                width[i] += np.sum(upper - lower)
            count += horizon
    return covered / count, width / count, time.perf_counter() - start


def run_series(name, neural, conformal_cv, method, stats=True, only=None):
    series = SERIES[name]
    settings = series.settings
    y = load(name)
    cv = splitter(y, settings)
    step = ORIGIN_STEP[name]
    calibration = conformal_cv or CALIBRATION_CV.get(name)
    n_values = sum(
        len(range(a, b, step)) * settings.horizon
        for a, b in zip(
            cv.get_cutoffs(y), list(cv.get_cutoffs(y)[1:]) + [len(y) - settings.horizon]
        )
    )
    print(
        f"\n### {name}: {cv.get_n_splits(y)} fits (expanding window), forecasts "
        f"1..{settings.horizon} steps ahead from every {step}th step between "
        f"cutoffs ({n_values} values), window {settings.window}",
        flush=True,
    )
    rows = []
    models = skseq_models(series, neural, calibration, method)
    if stats:
        models += sktime_models(series)
    if only:
        models = [(label, model) for label, model in models if only in label]
    for label, forecaster in models:
        try:
            coverage, width, seconds = rolling_intervals(forecaster, y, settings, step)
        except ValueError as error:
            print(f"{label}: {error}", flush=True)
            coverage = width = np.full(len(COVERAGES), np.nan)
            seconds = np.nan
        rows.append(
            [
                label,
                f"{coverage[0]:.3f}",
                f"{width[0]:.2f}",
                f"{coverage[1]:.3f}",
                f"{width[1]:.2f}",
                f"{seconds:.1f}",
            ]
        )
        print(" ".join(rows[-1]), flush=True)
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
    parser.add_argument(
        "--only", default=None, help="run only the models whose name holds this text"
    )
    parser.add_argument(
        "--method",
        default="residual",
        choices=["residual", "scaled"],
        help="ConformalForecaster's method around point forecasters",
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
            method=args.method,
            stats=not args.no_stats,
            only=args.only,
        )
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
