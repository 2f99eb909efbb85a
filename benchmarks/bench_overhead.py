"""What skseq's training contract costs over a plain Keras program.

1. Training speed: seconds per epoch (median of the epochs after the first,
   so compilation is left out) of ``GRUForecaster`` against the Keras program
   a user would write for the same network (``Input -> GRU(32) -> Dense(1)``,
   Adam, MSE), on the same data, batch size and backend; also the whole first
   fit, compilation included.  The two alternate in one process (each going
   first every other time).  Goal: ratio at most 1.05.
2. Fixed cost per fit: one tiny ``fit`` + ``predict`` (64 windows, one
   epoch), which is nearly all network construction and JIT compilation.
   "before" compiles every fit afresh (as the raw program does); "after"
   repeats an architecture, whose compiled steps skseq shares on JAX.
   Goal: at most 0.3 s.
3. Small predictions: one ``predict`` of a single window on a fitted model.

Run: ``python benchmarks/bench_overhead.py [repeats]``
"""

import contextlib
import functools
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import print_table  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    TimeSeriesSplit,
)

from skseq._keras import _compiled, import_keras  # noqa: E402
from skseq.datasets import generate_time_series  # noqa: E402
from skseq.forecasting import GRUForecaster  # noqa: E402

# Epoch durations by run name.  The estimator trains a deep copy of each
# callback, so the copies report here rather than on themselves.
EPOCH_SECONDS = {}


def epoch_timer(keras, name):
    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            EPOCH_SECONDS.setdefault(name, []).append(time.perf_counter() - self.start)

    return EpochTimer()


def keras_program(keras, X, y, *, units, epochs, batch_size, callbacks=()):
    """The plain Keras equivalent of ``GRUForecaster(units=(units,))``."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=X.shape[1:])
    hidden = keras.layers.GRU(units)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
    model.fit(
        X, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=callbacks
    )
    return model


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def alternate(runs, repeats):
    """Seconds of each named run, ``repeats`` times, rotating the order."""
    seconds = {name: [] for name in runs}
    names = list(runs)
    for repeat in range(repeats):
        # Rotate who goes first, so that drifts in machine load and caches
        # warmed by the previous run do not favour anyone.
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(timed(runs[name]))
    return seconds


def training_speed(keras, X, y, repeats, *, units=32, epochs=5, batch_size=32):
    X32, y32 = X.astype("float32"), y.astype("float32")

    def run_raw():
        callback = epoch_timer(keras, "raw")
        keras_program(
            keras,
            X32,
            y32,
            units=units,
            epochs=epochs,
            batch_size=batch_size,
            callbacks=[callback],
        )

    def run_ours():
        # Compile afresh, like the raw program, so whole fits compare too.
        _compiled.clear_compiled_functions()
        GRUForecaster(
            units=(units,),
            epochs=epochs,
            batch_size=batch_size,
            random_state=0,
            callbacks=[epoch_timer(keras, "skseq")],
        ).fit(X, y)

    EPOCH_SECONDS.clear()
    whole = alternate({"raw": run_raw, "skseq": run_ours}, repeats)
    # Every fit's epochs after the first (which compiles).
    per_epoch = {
        name: [s for i, s in enumerate(times) if i % epochs]
        for name, times in EPOCH_SECONDS.items()
    }
    rows = []
    for label, values in [("seconds per epoch", per_epoch), ("first fit", whole)]:
        raw, ours = statistics.median(values["raw"]), statistics.median(values["skseq"])
        rows.append([label, f"{raw:.3f}", f"{ours:.3f}", f"{ours / raw:.3f}"])
    return rows


def fixed_cost(keras, X, y, repeats):
    X32, y32 = X.astype("float32"), y.astype("float32")

    def run_raw():
        model = keras_program(keras, X32, y32, units=4, epochs=1, batch_size=32)
        model.predict_on_batch(X32[:1])

    def make():
        return GRUForecaster(units=(4,), epochs=1, random_state=0)

    def run_before():
        _compiled.clear_compiled_functions()
        make().fit(X, y).predict(X[:1])

    def run_after():
        make().fit(X, y).predict(X[:1])

    seconds = alternate({"raw": run_raw, "before": run_before}, repeats)
    run_after()  # the architecture's first fit compiles and shares its steps
    after = [timed(run_after) for _ in range(repeats)]
    return {
        "raw Keras (compiles every fit)": statistics.median(seconds["raw"]),
        "skseq, before (compiles every fit)": statistics.median(seconds["before"]),
        "skseq, after (repeated architecture)": statistics.median(after),
    }


@contextlib.contextmanager
def compiled_sharing(enabled):
    """Share compiled steps between fits (skseq's default) or not (before)."""
    cache = _compiled._CACHE
    kept = cache.max_architectures
    cache.max_architectures = kept if enabled else 0
    _compiled.clear_compiled_functions()
    try:
        yield
    finally:
        cache.max_architectures = kept
        _compiled.clear_compiled_functions()


def grid_search_cost(X, y):
    """Seconds per fit of a small grid search, without and with sharing."""
    grid = {"epochs": [1, 2], "random_state": [0, 1]}
    rows = []
    # TimeSeriesSplit's training sets grow: each new size leaves a last batch
    # of a new shape, which compiles once, unless test_size is a multiple of
    # the batch size (32).
    for name, cv in (
        ("KFold(3)", KFold(3)),
        ("TimeSeriesSplit(3)", TimeSeriesSplit(3)),
        ("TimeSeriesSplit(2, test_size=32)", TimeSeriesSplit(2, test_size=32)),
    ):
        search = GridSearchCV(
            GRUForecaster(units=(4,)), grid, cv=cv, scoring="neg_mean_squared_error"
        )
        n_fits = 4 * cv.get_n_splits() + 1  # and the refit
        seconds = {}
        for label, enabled in (("before", False), ("after", True)):
            with compiled_sharing(enabled):
                seconds[label] = timed(functools.partial(search.fit, X, y)) / n_fits
        rows.append(
            [
                f"GridSearchCV, 4 candidates x {name}, per fit",
                f"{seconds['before']:.3f}",
                f"{seconds['after']:.3f}",
            ]
        )
    return rows


def small_predict(keras, X, y, calls=200):
    X32 = X.astype("float32")
    raw = keras_program(
        keras, X32, y.astype("float32"), units=4, epochs=1, batch_size=32
    )
    ours = GRUForecaster(units=(4,), epochs=1, random_state=0).fit(X, y)
    runs = {
        "raw Keras model.predict": lambda: raw.predict(X32[:1], verbose=0),
        "raw Keras model.predict_on_batch": lambda: raw.predict_on_batch(X32[:1]),
        "skseq predict": lambda: ours.predict(X[:1]),
    }
    for run in runs.values():  # compile outside the timing
        run()
    return {
        name: statistics.median(timed(run) for _ in range(calls))
        for name, run in runs.items()
    }


def main(repeats):
    keras = import_keras()
    series = generate_time_series(10_000, 51, random_state=42)
    X, y = series[:7000, :50], series[:7000, -1, 0]
    print(
        f"backend: {keras.backend.backend()}, cores: {os.cpu_count()}, "
        f"load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # Warm-up: the first fit of a process also initialises the backend.
    keras_program(
        keras,
        X[:64].astype("float32"),
        y[:64].astype("float32"),
        units=4,
        epochs=1,
        batch_size=32,
    )
    GRUForecaster(units=(4,), epochs=1, random_state=0).fit(X[:64], y[:64])

    rows = training_speed(keras, X, y, repeats)
    print_table(
        [
            f"GRU(32), 7000 x 50, 5 epochs (median of {repeats})",
            "Keras (s)",
            "skseq (s)",
            "ratio",
        ],
        rows,
    )
    costs = fixed_cost(keras, X[:64], y[:64], max(3 * repeats, 6))
    print_table(
        ["tiny fit+predict: GRU(4), 64 windows, 1 epoch", "seconds"],
        [[name, f"{value:.3f}"] for name, value in costs.items()],
    )
    print_table(
        ["GRU(4) on 96 windows", "before (s)", "after (s)"],
        grid_search_cost(X[:96], y[:96]),
    )
    predictions = small_predict(keras, X[:64], y[:64])
    print_table(
        ["predict one window (median of 200 calls)", "milliseconds"],
        [[name, f"{1000 * value:.2f}"] for name, value in predictions.items()],
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
