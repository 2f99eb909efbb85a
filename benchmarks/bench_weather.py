"""Chollet's temperature-forecasting protocol on hourly Newark weather (2013).

*Deep Learning with Python* forecasts the temperature 24 hours ahead from
5 days of 10-minute Jena climate data sampled hourly, with the first 50 % of
the series for training, the next 25 % for validation and the last 25 % for
testing, inputs normalised with training statistics, and a "common-sense"
baseline that predicts the current temperature.  The same protocol here, on
``weather_ewr_2013_hourly.csv`` (hourly already): windows of 120 hours, the
target the temperature 24 hours after the last hour of the window
(``make_windows(..., delay=24)``), MAE in °F.

Missing values are handled before windowing, and counted in the output:

* the hourly grid is made regular (hours absent from the file are added);
* ``wind_gust`` (79 % missing) is dropped;
* one ``wind_speed`` of 1048 mph, a recording error, is set missing;
* wind speed and direction become the wind vector (east and north
  components), as for the Jena data, so that 359° and 1° are close; the
  direction is missing when the wind was variable;
* every other gap is filled by time interpolation.

Models: naive (temperature now), ridge on the flattened window (alpha chosen
on the validation windows), and Keras networks (GRU, GRU with dropout,
stacked GRU, bidirectional GRU, Conv1D + GRU) after a ``SequenceScaler``
fitted on the training windows, trained for up to 30 epochs with early stopping
on the last 10 % of the training windows.  Rows of networks are skipped with
a note if Keras is not installed.

Run: ``python benchmarks/bench_weather.py [--epochs 30]`` from the repository
root.
"""

import argparse
import os

import numpy as np
import pandas as pd
from _common import neural_forecasters, peak_rss_mb, print_table, timed
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import LinearWindowRegressor, NaiveForecaster
from skseq.preprocessing import SequenceScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "weather_ewr_2013_hourly.csv")
WINDOW, DELAY = 120, 24


def load_weather(path=DATA):
    """Hourly weather with every gap filled, and a count of what was filled."""
    raw = pd.read_csv(path, parse_dates=["time_hour"], index_col="time_hour")
    hours = pd.date_range(raw.index[0], raw.index[-1], freq="h")
    frame = raw.reindex(hours)
    notes = {"hours absent from the file, added": len(hours) - len(raw)}
    notes["wind_gust values missing (column dropped)"] = int(
        frame["wind_gust"].isna().sum()
    )
    wrong_speed = frame["wind_speed"] > 200
    notes["wind_speed > 200 mph, set missing"] = int(wrong_speed.sum())
    speed = frame["wind_speed"].mask(wrong_speed)
    radians = np.deg2rad(frame["wind_dir"])
    frame = frame.drop(columns=["wind_gust", "wind_dir", "wind_speed"])
    # The direction a wind comes from, as east and north components.
    frame["wind_east"] = -speed * np.sin(radians)
    frame["wind_north"] = -speed * np.cos(radians)
    for column in frame.columns:
        notes[f"{column} values interpolated"] = int(frame[column].isna().sum())
    frame = frame.interpolate(method="time", limit_direction="both")
    return frame, notes


def chollet_split(frame):
    """Train, validation and test windows from the 50/25/25 % time split."""
    n = len(frame)
    bounds = [0, n // 2, n // 2 + n // 4, n]
    return [
        make_windows(
            frame.iloc[start:stop], window_length=WINDOW, delay=DELAY, target="temp"
        )
        for start, stop in zip(bounds[:-1], bounds[1:])
    ]


def networks(neural, epochs):
    """Chollet's recurrent models (first edition, chapter 6), scaled inputs."""
    gru, conv_gru = neural
    # The book's plain networks (no baseline, scaled in front), with early
    # stopping on the last training windows.
    training = dict(
        epochs=epochs,
        batch_size=128,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
        scaling=None,
        baseline=None,
    )
    models = {
        "GRU(32)": gru(units=(32,), **training),
        "GRU(32), dropout 0.2 + recurrent 0.2": gru(
            units=(32,), dropout=0.2, recurrent_dropout=0.2, **training
        ),
        "stacked GRU(32, 64), dropout 0.1 + recurrent 0.3": gru(
            units=(32, 64), dropout=0.1, recurrent_dropout=0.3, **training
        ),
        "bidirectional GRU(32)": gru(units=(32,), bidirectional=True, **training),
        "Conv1D(32, 5, stride 2) + GRU(32)": conv_gru(
            filters=32, kernel_size=5, strides=2, units=(32,), **training
        ),
    }
    pipelines = {
        name: make_pipeline(SequenceScaler(), model) for name, model in models.items()
    }
    # And the forecaster with its defaults (scaling inside, a ridge to correct).
    pipelines["GRU(32), defaults"] = gru(epochs=epochs, batch_size=128, random_state=0)
    return pipelines


def tuned_ridge(train, valid):
    """Ridge on scaled windows, alpha chosen by validation MAE."""
    best = None
    for alpha in (0.1, 10.0, 1000.0):
        model = make_pipeline(SequenceScaler(), LinearWindowRegressor(alpha=alpha))
        mae = mean_absolute_error(valid[1], model.fit(*train).predict(valid[0]))
        if best is None or mae < best[0]:
            best = (mae, alpha)
    return f"ridge, flattened window (alpha={best[1]:g})", make_pipeline(
        SequenceScaler(), LinearWindowRegressor(alpha=best[1])
    )


def score(model, train, valid, test):
    """Validation and test MAE, fit seconds and epochs of ``model``."""
    _, seconds = timed(model.fit, *train)
    return (
        mean_absolute_error(valid[1], model.predict(valid[0])),
        mean_absolute_error(test[1], model.predict(test[0])),
        seconds,
        _epochs(model),
    )


def _epochs(model):
    """Epochs a network trained for ("-" for models without epochs)."""
    final = model[-1] if hasattr(model, "steps") else model
    return getattr(final, "n_iter_", "-")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    frame, notes = load_weather()
    print(f"{len(frame)} hours x {frame.shape[1]} features: {list(frame.columns)}")
    print_table(["missing values", "count"], list(notes.items()))
    train, valid, test = chollet_split(frame)
    print(
        f"\nwindows: train {len(train[1])}, validation {len(valid[1])}, "
        f"test {len(test[1])}; {WINDOW} hours in, temperature {DELAY} h ahead\n"
    )
    models = {"naive: temperature now": NaiveForecaster()}
    models.update([tuned_ridge(train, valid)])
    neural, reason = neural_forecasters()
    if neural is None:
        print(f"Networks skipped: {reason}.")
    else:
        models.update(networks(neural, args.epochs))
    rows, naive_test = [], None
    for name, model in models.items():
        val_mae, test_mae, seconds, epochs = score(model, train, valid, test)
        naive_test = naive_test or test_mae
        rows.append(
            [
                name,
                f"{val_mae:.2f}",
                f"{test_mae:.2f}",
                f"{test_mae / naive_test:.2f}",
                epochs,
                f"{seconds:.1f}",
            ]
        )
        print(f"  {name}: test MAE {test_mae:.2f} °F ({seconds:.0f} s)", flush=True)
    print()
    print_table(
        ["model", "val MAE (°F)", "test MAE (°F)", "test / naive", "epochs", "fit (s)"],
        rows,
    )
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
