"""What skseq's training contract costs over a plain Keras program.

1. Training speed: seconds per epoch (median of the epochs after the first,
   so compilation is left out) of ``GRUForecaster`` against the Keras program
   a user would write for the same network, on the same data, batch size and
   backend; also the whole first fit, compilation included.  Twice: the
   plain network of the books (``Input -> GRU(32) -> Dense(1)``, Adam, MSE;
   ``scaling=None, baseline=None, early_stopping=False``), and the defaults
   (standardised data, a frozen ridge ``Dense`` on the flattened window plus
   a zero-initialised ``GRU -> Dense`` correction, the last 10 % of windows
   for validation with early stopping).  The two programs alternate in one
   process (each going first every other time).  Goal: ratio at most 1.05.
2. Fixed cost per fit: one tiny ``fit`` + ``predict`` (64 windows, one
   epoch), which is nearly all network construction and JIT compilation.
   "before" compiles every fit afresh (as the raw program does, and as skseq
   does under ``skseq.config_context(share_compiled_steps=False)``); "after"
   repeats an architecture, whose compiled steps skseq shares on JAX.
   Goal: at most 0.3 s.
3. Small predictions: one ``predict`` of a single window on a fitted model.

Run: ``python benchmarks/bench_overhead.py [repeats]``
"""

import contextlib
import os
import statistics
import sys

from _common import (
    PLAIN_NETWORK,
    keras_epoch_timer,
    load_keras,
    print_table,
    raw_keras_gru,
    raw_keras_gru_corrects_ridge,
    timed,
)
from _handson import hands_on_split
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit

import skseq
from skseq.forecasting import GRUForecaster


def seconds_of(function, *args):
    """Seconds that ``function(*args)`` took."""
    return timed(function, *args)[1]


def alternate(runs, repeats):
    """Seconds of each named run, ``repeats`` times, rotating the order."""
    seconds = {name: [] for name in runs}
    names = list(runs)
    for repeat in range(repeats):
        # Rotate who goes first, so that drifts in machine load and caches
        # warmed by the previous run do not favour anyone.
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(seconds_of(runs[name]))
    return seconds


# The network of the books, and the forecasters' defaults (scaling, a ridge
# corrected by the network, validation on the last windows): each against
# the plain Keras program of the same network.
VARIANTS = {
    "plain network": (PLAIN_NETWORK, raw_keras_gru),
    "defaults": ({}, raw_keras_gru_corrects_ridge),
}


def training_speed(X, y, repeats, *, units=32, epochs=5, batch_size=32):
    X32, y32 = X.astype("float32"), y.astype("float32")
    rows = []
    for variant, (params, raw_program) in VARIANTS.items():
        epoch_seconds = {"raw": [], "skseq": []}

        def run_raw(program=raw_program, log=epoch_seconds["raw"]):
            program(
                X32,
                y32,
                units=units,
                epochs=epochs,
                batch_size=batch_size,
                callbacks=[keras_epoch_timer(log)],
            )

        def run_ours(params=params, log=epoch_seconds["skseq"]):
            # Compile afresh, like the raw program, so whole fits compare too.
            with skseq.config_context(share_compiled_steps=False):
                GRUForecaster(
                    units=(units,),
                    epochs=epochs,
                    batch_size=batch_size,
                    learning_rate=0.003,
                    random_state=0,
                    callbacks=[keras_epoch_timer(log)],
                    **params,
                ).fit(X, y)

        whole = alternate({"raw": run_raw, "skseq": run_ours}, repeats)
        # Every fit's epochs after the first (which compiles).
        per_epoch = {
            name: [s for i, s in enumerate(times) if i % epochs]
            for name, times in epoch_seconds.items()
        }
        for label, values in [("seconds per epoch", per_epoch), ("first fit", whole)]:
            raw = statistics.median(values["raw"])
            ours = statistics.median(values["skseq"])
            ratio = f"{ours / raw:.3f}"
            rows.append([f"{variant}: {label}", f"{raw:.3f}", f"{ours:.3f}", ratio])
    return rows


def fixed_cost(X, y, repeats):
    X32, y32 = X.astype("float32"), y.astype("float32")

    def run_raw():
        model = raw_keras_gru(X32, y32, units=4, epochs=1, batch_size=32)
        model.predict_on_batch(X32[:1])

    def run_ours(**params):
        model = GRUForecaster(
            units=(4,), epochs=1, random_state=0, **(params or PLAIN_NETWORK)
        )
        model.fit(X, y).predict(X[:1])

    def run_before():
        with skseq.config_context(share_compiled_steps=False):
            run_ours()

    seconds = alternate({"raw": run_raw, "before": run_before}, repeats)
    run_ours()  # the architecture's first fit compiles and shares its steps
    after = [seconds_of(run_ours) for _ in range(repeats)]

    def run_defaults():
        run_ours(scaling="standard")  # a ridge to correct, early stopping

    run_defaults()
    defaults = [seconds_of(run_defaults) for _ in range(repeats)]
    return {
        "raw Keras (compiles every fit)": statistics.median(seconds["raw"]),
        "skseq, before (compiles every fit)": statistics.median(seconds["before"]),
        "skseq, after (repeated architecture)": statistics.median(after),
        "skseq defaults, after (repeated architecture)": statistics.median(defaults),
    }


@contextlib.contextmanager
def compiled_sharing(enabled):
    """Share compiled steps between fits (skseq's default) or not (before).

    Starts and ends with nothing compiled, so that the first fit compiles.
    """
    skseq.clear_keras_caches()
    try:
        with skseq.config_context(share_compiled_steps=enabled):
            yield
    finally:
        skseq.clear_keras_caches()


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
                seconds[label] = seconds_of(search.fit, X, y) / n_fits
        rows.append(
            [
                f"GridSearchCV, 4 candidates x {name}, per fit",
                f"{seconds['before']:.3f}",
                f"{seconds['after']:.3f}",
            ]
        )
    return rows


def small_predict(X, y, calls=200):
    X32 = X.astype("float32")
    raw = raw_keras_gru(X32, y.astype("float32"), units=4, epochs=1, batch_size=32)
    ours = GRUForecaster(units=(4,), epochs=1, random_state=0, **PLAIN_NETWORK).fit(
        X, y
    )
    runs = {
        "raw Keras model.predict": lambda: raw.predict(X32[:1], verbose=0),
        "raw Keras model.predict_on_batch": lambda: raw.predict_on_batch(X32[:1]),
        "skseq predict": lambda: ours.predict(X[:1]),
    }
    for run in runs.values():  # compile outside the timing
        run()
    return {
        name: statistics.median(seconds_of(run) for _ in range(calls))
        for name, run in runs.items()
    }


def main(repeats):
    keras = load_keras()
    (X, y), _ = hands_on_split(horizon=1)
    print(
        f"backend: {keras.backend.backend()}, cores: {os.cpu_count()}, "
        f"load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # Warm-up: the first fit of a process also initialises the backend.
    X64, y64 = X[:64].astype("float32"), y[:64].astype("float32")
    raw_keras_gru(X64, y64, units=4, epochs=1, batch_size=32)
    GRUForecaster(units=(4,), epochs=1, random_state=0).fit(X[:64], y[:64])

    rows = training_speed(X, y, repeats)
    print_table(
        [
            f"GRU(32), 7000 x 50, 5 epochs (median of {repeats})",
            "Keras (s)",
            "skseq (s)",
            "ratio",
        ],
        rows,
    )
    costs = fixed_cost(X[:64], y[:64], max(3 * repeats, 6))
    print_table(
        ["tiny fit+predict: GRU(4), 64 windows, 1 epoch", "seconds"],
        [[name, f"{value:.3f}"] for name, value in costs.items()],
    )
    print_table(
        ["GRU(4) on 96 windows", "before (s)", "after (s)"],
        grid_search_cost(X[:96], y[:96]),
    )
    predictions = small_predict(X[:64], y[:64])
    print_table(
        ["predict one window (median of 200 calls)", "milliseconds"],
        [[name, f"{1000 * value:.2f}"] for name, value in predictions.items()],
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
