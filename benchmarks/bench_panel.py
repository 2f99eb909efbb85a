"""Global models over panels of series, and calendar inputs known ahead.

Three tables:

(a) Hands-On ML-style many short series (``generate_time_series``, 1,000
    series of 50 steps): one global GRU trained on the windows of every
    series (``make_panel_windows``) against one GRU per series and a ridge
    on all series.  Every series is cut at the same step: windows whose
    target is in steps 40-49 are the test set.  The per-series GRUs are
    fitted on 20 series and their fit time is extrapolated to all series.
(b) Half-hourly electricity demand (``../shared/data/taylor_halfhourly.csv``,
    June-August 2000, no holidays in the period) forecast a day (48 steps)
    ahead from two days (96 steps), with and without calendar features known
    ahead (hour of day and day of week as sine/cosine pairs, a weekend
    indicator: ``CalendarFeatures``), for `LinearWindowRegressor` and
    `GRUForecaster` with their defaults.  MAE in MW over the weeks of three
    time-ordered folds (`PanelTimeSeriesSplit`, one week each); the GRU with
    seeds 0, 1 and 2 (mean and spread, max - min).
(c) Newark weather (``load_newark_weather``): temperature, dew point,
    humidity and pressure, each standardised with its training mean and
    standard deviation, as a panel of four univariate series; a day (24
    hours) forecast from two days (48 hours).  One global model over the
    four series against one model per series, for the ridge and the GRU;
    MAE in each variable's units on the last 60 days.

Run: ``python benchmarks/bench_panel.py`` from the repository root (about
eight minutes on 2 cores); ``--parts a,c`` runs some tables, ``--seeds 0`` one
seed.
"""

import argparse
import os
import time
from functools import partial

import numpy as np
import pandas as pd
from _common import load_keras, print_table

from skseq import make_panel_windows
from skseq.datasets import generate_time_series, load_newark_weather
from skseq.forecasting import GRUForecaster, LinearWindowRegressor, NaiveForecaster
from skseq.model_selection import PanelTimeSeriesSplit
from skseq.preprocessing import CalendarFeatures

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


# -- (a) many short series -----------------------------------------------------
def many_short_series(n_series=1000, n_per_series=20, seed=0):
    series = generate_time_series(n_series, 50, random_state=42)[:, :, 0]
    X, y = make_panel_windows(list(series), window_length=20)
    test = np.asarray(X.end_times) + 1 >= 40
    train = np.flatnonzero(~test)
    test = np.flatnonzero(test)
    print(
        f"\n### (a) {n_series} series of 50 steps: {len(train)} training windows "
        f"(targets in steps 20-39), {len(test)} test windows (steps 40-49)"
    )
    rows = []
    for label, model in [
        ("naive (last value)", NaiveForecaster()),
        ("ridge, global", LinearWindowRegressor()),
        ("GRU, global", GRUForecaster(random_state=seed)),
    ]:
        model, seconds = timed_fit(model, X[train], y[train])
        mse = np.mean((model.predict(X[test]) - y[test]) ** 2)
        rows.append([label, mse, seconds])
    ids = np.asarray(X.series_ids)
    errors, seconds = [], 0.0
    for k in range(n_per_series):
        mine_train = train[ids[train] == k]
        mine_test = test[ids[test] == k]
        model, fit_seconds = timed_fit(
            GRUForecaster(random_state=seed), X[mine_train], y[mine_train]
        )
        seconds += fit_seconds
        errors.append((model.predict(X[mine_test]) - y[mine_test]) ** 2)
    label = (
        f"GRU per series ({n_per_series} of them; time x {n_series // n_per_series})"
    )
    rows.append([label, np.mean(errors), seconds * n_series / n_per_series])
    print_table(
        ["model", "test MSE", "fit time (s)"],
        [[label, f"{mse:.4f}", f"{s:.1f}"] for label, mse, s in rows],
    )


# -- (b) demand with calendar features known ahead -----------------------------
def load_demand():
    demand = pd.read_csv(os.path.join(DATA, "taylor_halfhourly.csv"))["demand_mw"]
    # The file has no times: 4,032 half-hours from Monday 5 June 2000.
    times = pd.date_range("2000-06-05", periods=len(demand), freq="30min")
    return pd.DataFrame({"demand": demand.astype(float).to_numpy()}, index=times)


def demand_windows(with_calendar):
    frame = load_demand()
    known = None
    if with_calendar:
        calendar = CalendarFeatures(features=("hour", "weekday", "weekend"))
        frame = frame.join(calendar.fit_transform(frame))
        known = list(calendar.get_feature_names_out())
    return make_panel_windows(
        {"demand": frame},
        window_length=96,
        horizon=48,
        target="demand",
        known_ahead=known,
    )


def fold_mae(make_model, X, y, stride=2):
    """Mean absolute error over the test windows of every fold."""
    errors, seconds = [], 0.0
    for train, test in PanelTimeSeriesSplit(n_splits=3, test_size="7D").split(X):
        train = train[::-1][::stride][::-1]  # every stride-th, newest kept
        model, fit_seconds = timed_fit(make_model(), X[train], y[train])
        seconds += fit_seconds
        errors.append(np.abs(model.predict(X[test]) - y[test]))
    return np.mean(np.concatenate(errors)), seconds


def demand_with_calendar(seeds):
    print(
        "\n### (b) half-hourly demand, 48 steps ahead from 96; 3 folds of one "
        "week; MAE in MW"
    )
    rows = []
    for with_calendar in (False, True):
        X, y = demand_windows(with_calendar)
        inputs = "window + calendar ahead" if with_calendar else "window only"
        mae, seconds = fold_mae(LinearWindowRegressor, X, y)
        rows.append(["LinearWindowRegressor", inputs, f"{mae:.1f}", "", seconds])
        maes, seconds = [], 0.0
        for seed in seeds:
            mae, fit_seconds = fold_mae(partial(GRUForecaster, random_state=seed), X, y)
            maes.append(mae)
            seconds += fit_seconds / len(seeds)
        spread = f"{max(maes) - min(maes):.1f}" if len(maes) > 1 else ""
        rows.append(["GRUForecaster", inputs, f"{np.mean(maes):.1f}", spread, seconds])
    print_table(
        ["model", "inputs", "MAE (MW)", "seed spread", "fit time (s)"],
        [[*row[:4], f"{row[4]:.1f}"] for row in rows],
    )


# -- (c) weather columns as a panel --------------------------------------------
WEATHER = ("temp", "dewp", "humid", "pressure")


def weather_panel(test_days=60):
    weather = load_newark_weather()[list(WEATHER)]
    cut = weather.index[-1] - pd.Timedelta(days=test_days)
    train_part = weather[weather.index <= cut]
    mean, std = train_part.mean(), train_part.std()
    panel = {name: (weather[name] - mean[name]) / std[name] for name in WEATHER}
    X, y = make_panel_windows(panel, window_length=48, horizon=24)
    first_target = X.end_times + pd.Timedelta(hours=1)
    test = np.flatnonzero(first_target > cut)
    # Training windows whose targets all end by the cut.
    train = np.flatnonzero(first_target + pd.Timedelta(hours=23) <= cut)
    return X, y, train, test, std


def weather_as_panel(seed=0, stride=3):
    X, y, train, test, std = weather_panel()
    ids = np.asarray(X.series_ids)
    train = train[::-1][::stride][::-1]
    print(
        f"\n### (c) Newark weather, 4 series: 24 hours ahead from 48; "
        f"{len(train)} training windows (stride {stride}), {len(test)} test "
        "windows in the last 60 days; MAE in each variable's units"
    )
    makers = {
        "ridge": LinearWindowRegressor,
        "GRU": lambda: GRUForecaster(random_state=seed),
    }
    rows = []
    for label, make_model in makers.items():
        global_model, global_seconds = timed_fit(make_model(), X[train], y[train])
        errors = {"global": {}, "per series": {}}
        seconds = {"global": global_seconds, "per series": 0.0}
        for name in WEATHER:
            mine_test = test[ids[test] == name]
            scale = std[name]
            predicted = global_model.predict(X[mine_test])
            errors["global"][name] = np.mean(np.abs(predicted - y[mine_test])) * scale
            mine_train = train[ids[train] == name]
            own, own_seconds = timed_fit(make_model(), X[mine_train], y[mine_train])
            seconds["per series"] += own_seconds
            predicted = own.predict(X[mine_test])
            errors["per series"][name] = (
                np.mean(np.abs(predicted - y[mine_test])) * scale
            )
        for kind in ("global", "per series"):
            maes = [f"{errors[kind][name]:.2f}" for name in WEATHER]
            rows.append([f"{label}, {kind}", *maes, f"{seconds[kind]:.1f}"])
    print_table(["model", *WEATHER, "fit time (s)"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="a,b,c")
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    load_keras()
    parts = args.parts.split(",")
    if "a" in parts:
        many_short_series()
    if "b" in parts:
        demand_with_calendar(seeds)
    if "c" in parts:
        weather_as_panel(seed=seeds[0])


if __name__ == "__main__":
    main()
