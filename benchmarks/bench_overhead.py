"""What skseq's training contract costs over a plain Keras program.

1. ``GRUForecaster.fit`` against the Keras program a user would write for the
   same network (``Input -> GRU(32) -> Dense(1)``, Adam, MSE), on the same
   data, epochs, batch size and backend.  The two alternate in one process
   (each going first every other time) and the ratio of median times is
   reported (goal: at most 1.05).
2. The fixed cost of one tiny ``fit`` + ``predict`` (64 windows, one epoch),
   mostly JIT compilation, for both.

Run: ``python benchmarks/bench_overhead.py [repeats]``
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402

from skseq._keras import import_keras  # noqa: E402
from skseq.datasets import generate_time_series  # noqa: E402
from skseq.forecasting import GRUForecaster  # noqa: E402


def keras_program(keras, X, y, *, units, epochs, batch_size):
    """The plain Keras equivalent of ``GRUForecaster(units=(units,))``."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=X.shape[1:])
    hidden = keras.layers.GRU(units)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def compare(keras, X, y, *, units, epochs, batch_size, repeats, predict_rows):
    """Median seconds of the raw Keras program and of skseq, alternating."""
    raw, ours = [], []
    X32, y32 = X.astype("float32"), y.astype("float32")

    def run_raw():
        model = keras_program(
            keras, X32, y32, units=units, epochs=epochs, batch_size=batch_size
        )
        model.predict_on_batch(X32[:predict_rows])

    def run_ours():
        model = GRUForecaster(
            units=(units,), epochs=epochs, batch_size=batch_size, random_state=0
        )
        model.fit(X, y).predict(X[:predict_rows])

    for repeat in range(repeats):
        # Alternate which goes first, so that drifts in machine load and
        # caches warmed by the previous run do not favour either.
        pair = [(raw, run_raw), (ours, run_ours)]
        for times, run in pair if repeat % 2 == 0 else pair[::-1]:
            times.append(timed(run))
    return statistics.median(raw), statistics.median(ours)


def main(repeats):
    keras = import_keras()
    series = generate_time_series(10_000, 51, random_state=42)
    X, y = series[:7000, :50], series[:7000, -1, 0]
    print(
        f"backend: {keras.backend.backend()}, load average before: "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # Warm-up: the first fit of a process also initialises the backend.
    compare(
        keras,
        X[:64],
        y[:64],
        units=4,
        epochs=1,
        batch_size=32,
        repeats=1,
        predict_rows=1,
    )
    rows = []
    cases = [
        ("GRU(32), 7000 windows x 50 steps, 5 epochs", X, y, 32, 5),
        ("tiny fit+predict: GRU(4), 64 windows, 1 epoch", X[:64], y[:64], 4, 1),
    ]
    for name, X_case, y_case, units, epochs in cases:
        raw, ours = compare(
            keras,
            X_case,
            y_case,
            units=units,
            epochs=epochs,
            batch_size=32,
            repeats=repeats,
            predict_rows=1,
        )
        rows.append([name, f"{raw:.2f}", f"{ours:.2f}", f"{ours / raw:.3f}"])
        print(" | ".join(rows[-1]), flush=True)
    print_table(
        [f"case (median of {repeats})", "Keras (s)", "skseq (s)", "ratio"], rows
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
