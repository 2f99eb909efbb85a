"""skseq demo: a day-ahead temperature forecast on the shipped Newark weather.

Shows what the README leads with, on real data that ships with skseq
(`skseq.datasets.load_newark_weather`, hourly, 2013):

1. lazy windows: `make_windows` stores the series once, not every window;
2. a plain scikit-learn `Pipeline` of window transformers that also
   transform the targets, so its forecasts come back in °F;
3. a table: seasonal naive, ridge and a GRU on the same time-ordered split
   (train on the first three quarters of the year, test on the rest);
4. a plot of forecasts against the truth, in °F, saved as a PNG.

Run: ``make demo`` (or ``python benchmarks/demo.py [--out DIR]``); about
half a minute on 2 CPU cores.
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import make_pipeline

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402

from skseq import make_windows  # noqa: E402
from skseq.datasets import load_newark_weather  # noqa: E402
from skseq.forecasting import (  # noqa: E402
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
)
from skseq.preprocessing import SeasonalDifferencer, SequenceScaler  # noqa: E402

WINDOW, HORIZON = 72, 24  # three days in, the next 24 hours out


def models():
    """The models of the table, by the name printed in it."""
    yield (
        "seasonal naive (same hour yesterday)",
        NaiveForecaster(strategy="seasonal_last", period=24),
    )
    yield "ridge", make_pipeline(SequenceScaler(), LinearWindowRegressor(alpha=1.0))
    yield (
        "ridge on day-on-day changes",
        make_pipeline(
            SeasonalDifferencer(period=24),
            SequenceScaler(),
            LinearWindowRegressor(alpha=1.0),
        ),
    )
    # Its defaults scale the windows, correct a ridge forecast and keep the
    # ridge if the network does not beat it on the last training windows.
    yield "GRU(16), defaults", GRUForecaster(units=(16,), random_state=0)


def show_data(weather):
    raw = load_newark_weather(raw=True)
    added = len(weather) - len(raw)
    filled = int((raw.reindex(weather.index) != weather).sum().sum())
    print(
        f"Newark airport (EWR), hourly weather {weather.index[0]:%Y-%m-%d} to "
        f"{weather.index[-1]:%Y-%m-%d}: {len(weather):,} hours x "
        f"{weather.shape[1]} variables ({', '.join(weather.columns)})."
    )
    print(
        f"load_newark_weather added the {added} hours without a record and "
        f"interpolated {filled:,} missing (or impossible) values in time.\n"
    )


def show_windows(weather):
    X, y = make_windows(weather, window_length=WINDOW, horizon=HORIZON, target="temp")
    held = sys.getsizeof(X)
    materialised = np.prod(X.shape) * X.dtype.itemsize
    print(
        f"1. Lazy windows: make_windows(weather, window_length={WINDOW}, "
        f'horizon={HORIZON}, target="temp")'
    )
    print(f"   X = {X!r}")
    print(f"   y: {y.shape}, the next {HORIZON} temperatures (°F) of each window")
    print(
        f"   X holds {held / 1e6:.2f} MB (the series once plus window positions); "
        f"np.asarray(X) would take {materialised / 1e6:.1f} MB "
        f"({materialised / held:.0f}x).\n"
    )
    return X, y


def show_pipeline(model, X_test, y_test):
    print("2. A plain sklearn Pipeline; its forecasts come back in °F:")
    steps = " -> ".join(type(step).__name__ for _, step in model.steps)
    print(f"   {type(model).__module__}.{type(model).__name__}: {steps}")
    forecast = model.predict(X_test[:1])[0]
    start = X_test.index[0]
    print(f"   window ending {start:%Y-%m-%d %H:%M} UTC, next 6 hours:")
    print("   truth    (°F): " + " ".join(f"{v:5.1f}" for v in y_test[0, :6]))
    print("   forecast (°F): " + " ".join(f"{v:5.1f}" for v in forecast[:6]) + "\n")


def write_plot(out_dir, X, y, y_pred, name):
    """The last two weeks of day-ahead forecasts against the truth."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'skseq[plot]').")
        return None
    from skseq.plotting import plot_forecast

    last = slice(-14 * 24, None)
    fig, ax = plt.subplots(figsize=(11, 4))
    plot_forecast(X[last], y[last], y_pred[last], ax=ax)
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel("temperature (°F)")
    ax.set_title(f"Newark, last two weeks: 24-hour forecasts, one a day ({name})")
    fig.autofmt_xdate()
    fig.tight_layout()
    path = os.path.join(out_dir, "demo_forecast.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the plot")
    args = parser.parse_args(argv)

    weather = load_newark_weather()
    show_data(weather)
    X, y = show_windows(weather)
    split = int(0.75 * len(X))
    # The last 23 training windows' targets reach into the test period.
    X_train, y_train = X[:split], y[:split]
    X_test, y_test = X[split + HORIZON - 1 :], y[split + HORIZON - 1 :]

    rows, predictions = [], {}
    for name, model in models():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        y_pred = model.predict(X_test)
        predictions[name] = model, y_pred
        errors = np.abs(y_pred - y_test).mean(axis=0)
        rows.append(
            [
                name,
                f"{mean_absolute_error(y_test, y_pred):.2f}",
                f"{errors[0]:.2f}",
                f"{errors[-1]:.2f}",
                f"{seconds:.1f}",
            ]
        )

    show_pipeline(predictions["ridge on day-on-day changes"][0], X_test, y_test)
    print(
        f"3. Train on {len(X_train):,} windows (to "
        f"{X_train.index[-1]:%Y-%m-%d}), test on {len(X_test):,} later windows "
        f"({X_test.index[0]:%Y-%m-%d} to {X_test.index[-1]:%Y-%m-%d}):\n"
    )
    print_table(["model", "MAE (°F)", "MAE +1 h", "MAE +24 h", "fit time (s)"], rows)
    best = min(rows, key=lambda row: float(row[1]))[0]
    os.makedirs(args.out, exist_ok=True)
    path = write_plot(args.out, X_test, y_test, predictions[best][1], best)
    if path:
        print(f"\n4. Forecasts of the best model ({best}) against the truth: {path}")


if __name__ == "__main__":
    main()
