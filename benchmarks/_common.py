"""Small helpers shared by the benchmark scripts.

Only the standard library is imported here: ``bench_peers.py`` imports this
module in the peers' own Python, where skseq is not installed.
"""

import json
import os
import resource
import subprocess
import sys
import time

# The size of the Jena climate data, cut into windows as in Deep Learning with
# Python, chapter 6: 240 steps taken every 6th step, the target (column 1)
# 144 steps after a window's last step.
JENA_SHAPE = (420_551, 14)
JENA_GEOMETRY = {"window_length": 240, "sampling_rate": 6, "delay": 144, "target": 1}


# The network of the books: no baseline to correct, no scaling inside (a
# SequenceScaler goes in front where the books scale), every epoch trained.
# The forecasters' defaults differ (see docs/neural.rst); benchmarks that
# reproduce the books or measure the training loop itself use this.
PLAIN_NETWORK = {"scaling": None, "baseline": None, "early_stopping": False}


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def print_table(headers, rows):
    """Print rows as an aligned Markdown table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines), flush=True)


def timed(function, *args):
    """Call ``function(*args)``; return its result and the seconds it took."""
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def run_in_fresh_process(script, *args):
    """Run ``script`` with ``args`` in a new Python process; return its result.

    A fresh process has a peak RSS of its own.  The script must print its
    result as JSON on its last line of output.
    """
    out = subprocess.run(
        [sys.executable, script, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_keras():
    """Import Keras as a user would: with ``KERAS_BACKEND`` if set, else JAX.

    JAX is skseq's default backend, and skseq keeps a backend the user chose.
    """
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return keras


def keras_epoch_timer(log):
    """A Keras callback appending each epoch's seconds to the list ``log``.

    skseq trains a deep copy of each callback; the copy appends to the same
    ``log``.
    """
    keras = load_keras()

    class EpochTimer(keras.callbacks.Callback):
        def __deepcopy__(self, memo):
            return keras_epoch_timer(log)

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            log.append(time.perf_counter() - self.start)

    return EpochTimer()


def raw_keras_gru(X, y, *, units, epochs, batch_size, learning_rate=0.001, **fit):
    """The plain Keras program for ``GRUForecaster(units=(units,))``.

    ``Input -> GRU(units) -> Dense(1)``, Adam, MSE, seeded with 0; ``fit``
    goes to ``model.fit`` (e.g. ``callbacks``).  Returns the fitted model.
    """
    keras = load_keras()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=X.shape[1:])
    hidden = keras.layers.GRU(units)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, **fit)
    return model


def raw_keras_gru_corrects_ridge(X, y, *, units, epochs, batch_size, **fit):
    """The plain Keras program for ``GRUForecaster(units=(units,))``'s defaults.

    Standardised windows and target, a ridge forecast in a frozen ``Dense``
    on the flattened window plus a ``GRU -> Dense`` correction that starts
    at zero, the last 10 % of the windows for validation and early stopping
    with the best weights restored.  Returns the fitted model.
    """
    keras = load_keras()
    import numpy as np

    keras.utils.set_random_seed(0)
    X = (X - X.mean()) / X.std()
    y = ((y - y.mean()) / y.std()).reshape(len(y), -1)
    n_train = len(X) - round(0.1 * len(X))
    flat = X[:n_train].reshape(n_train, -1)
    design = np.column_stack([flat, np.ones(n_train)])
    penalty = 0.1 * n_train * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0
    ridge = np.linalg.solve(design.T @ design + penalty, design.T @ y[:n_train])
    inputs = keras.Input(shape=X.shape[1:])
    baseline = keras.layers.Dense(y.shape[1], trainable=False)
    base = baseline(keras.layers.Flatten()(inputs))
    baseline.set_weights([ridge[:-1].astype("float32"), ridge[-1].astype("float32")])
    hidden = keras.layers.GRU(units)(inputs)
    correction = keras.layers.Dense(y.shape[1], kernel_initializer="zeros")(hidden)
    model = keras.Model(inputs, keras.layers.Add()([base, correction]))
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
    stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
    model.fit(
        X[:n_train],
        y[:n_train],
        validation_data=(X[n_train:], y[n_train:]),
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[stop, *fit.pop("callbacks", [])],
        **fit,
    )
    return model


def neural_forecasters():
    """``(GRUForecaster, ConvGRUForecaster)`` and None, or None and the reason.

    skseq's recurrent forecasters import Keras only when they fit: without
    it, the networks' rows are skipped rather than failing half-way.
    """
    from importlib.util import find_spec

    if find_spec("keras") is None:
        return None, "Keras is not installed"
    try:
        from skseq.forecasting import ConvGRUForecaster, GRUForecaster
    except ImportError as error:
        return None, f"skseq's recurrent forecasters are not importable ({error})"
    return (GRUForecaster, ConvGRUForecaster), None
