"""Training speed and accuracy of ``GRUForecaster`` against raw Keras and peers.

One task for every row: the Hands-On ML series
(``generate_time_series(10_000, 51, random_state=42)``), 50 steps in, the
next value out; the first 7000 series train and series 7000-8999 (the book's
validation set) are the test set.  One network: a GRU of 32 units whose last
state feeds a linear output, Adam with learning rate 0.001, MSE loss, batch
size 32, the same number of epochs, no validation, no early stopping.

Rows
----
- raw Keras: the program a user would write (``Input -> GRU(32) -> Dense(1)``).
- skseq ``GRUForecaster(units=(32,))``.  These two run in this process,
  alternating (each going first every other repeat) so that drifts in load
  favour neither; their ratio is printed (goal: at most 1.05).
- darts ``RNNModel(model="GRU")``, darts ``BlockRNNModel(model="GRU")``,
  neuralforecast ``GRU`` and skforecast ``ForecasterRnn``, each run once in a
  subprocess of another Python (``--peers-python``), so that their packages
  (torch, Lightning, ...) never enter the project's environment.  A peer that
  does not import there gets a "not installed" row.

How the same data reach the peers
---------------------------------
- darts and neuralforecast are global models over many series: each of the
  7000 training series (51 values) is one series of a multi-series dataset,
  which yields exactly one training sample per series, hence the same 7000
  samples and 219 steps of 32 per epoch.  They are scored on the same 2000
  test windows (each test series' first 50 values; predict the 51st).
- darts ``RNNModel`` is not the same training objective: it is trained
  sequence-to-sequence with teacher forcing (input values 1-50, targets
  2-51, loss on all 50 one-step predictions), then forecasts one step from
  the 50 values.  ``BlockRNNModel`` (window -> last state -> linear -> next
  value) is the darts model with the same objective as the Keras rows, and
  is shown as well.
- neuralforecast trains by steps, not epochs: ``max_steps`` is set to
  ``epochs * 219`` and ``windows_batch_size=32``, so that each step uses the
  32 windows of its 32 series (the last batch of an epoch has 24 series, from
  which 32 windows are drawn with replacement).  Scaler off, MSE loss,
  ``decoder_layers=1`` (a linear output instead of its default MLP).
- skforecast ``ForecasterRnn`` models one (possibly multivariate) series: it
  has no way to train on 7000 independent short series (7000 columns would
  be one 7000-feature input).  It gets one long series of 9050 steps with the
  same formula and time step (one draw of frequencies and offsets): its first
  7050 values give 7000 windows of 50 (the same count, shape and network), and
  the next 2000 one-step forecasts from the true previous 50 values are its
  test set.  Its MSE is therefore *not* comparable with the other rows; the
  raw Keras program trained on the same long-series windows is printed next
  to it for reference.  skforecast scales with its default ``MinMaxScaler``.

Times are from epoch-begin/end callbacks (Keras or Lightning), so setup and
data preparation are excluded from the per-epoch numbers; "fit" is the wall
time of the whole ``fit`` call.  The first epoch includes JIT compilation
for JAX; later epochs are reported as their median.

Run::

    python benchmarks/bench_peers.py --peers-python PATH

where ``PATH`` is the Python of a separate environment that has the peers
installed, e.g. ``python -m venv ~/peers && ~/peers/bin/pip install darts
neuralforecast skforecast``; the environment variable ``BENCH_PEERS_PYTHON``
can name it instead.  Without either, the peers' rows say "not installed";
``--peers`` with no names runs the raw Keras and skseq rows only.
(``--epochs 5 --repeats 5 --torch-threads 1`` by default; a few minutes on
2 CPU cores).  torch runs on ``--torch-threads`` threads: its default of one
per core collapses when other processes share the cores.
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from _common import (
    PLAIN_NETWORK,
    keras_epoch_timer,
    load_keras,
    print_table,
    raw_keras_gru,
)

N_STEPS = 50
UNITS = 32
BATCH_SIZE = 32
LEARNING_RATE = 0.001
N_TRAIN = 7000
N_TEST = 2000
STEPS_PER_EPOCH = math.ceil(N_TRAIN / BATCH_SIZE)
WINDOW_TO_NEXT = f"windows of {N_STEPS} -> next value"
PEERS = ("darts-RNNModel", "darts-BlockRNNModel", "neuralforecast-GRU", "skforecast")


# -- data (made in the project's environment, shared with the peers) ----------
def long_series(n_values, random_state=42):
    """One Hands-On ML series with the time step of the 51-step series."""
    rng = np.random.RandomState(random_state)
    freq1, freq2, offset1, offset2 = rng.rand(4)
    time_ = np.arange(n_values) / N_STEPS
    values = 0.5 * np.sin((time_ - offset1) * (freq1 * 10 + 10))
    values += 0.2 * np.sin((time_ - offset2) * (freq2 * 20 + 20))
    values += 0.1 * (rng.rand(n_values) - 0.5)
    return values.astype(np.float32)


def make_data(path):
    """Write the shared data to ``path`` (npz) and return them."""
    from skseq.datasets import generate_time_series

    series = generate_time_series(10_000, N_STEPS + 1, random_state=42)[..., 0]
    data = {
        "train": series[:N_TRAIN],
        "test": series[N_TRAIN : N_TRAIN + N_TEST],
        "long": long_series(N_TRAIN + N_STEPS + N_TEST),
    }
    np.savez(path, **data)
    return data


def windows_of_long(long):
    """Training and test windows of the long series, as skforecast sees them."""
    view = np.lib.stride_tricks.sliding_window_view(long, N_STEPS + 1)
    train, test = view[:N_TRAIN], view[N_TRAIN : N_TRAIN + N_TEST]
    return (train[:, :-1, None], train[:, -1]), (test[:, :-1, None], test[:, -1])


def mse(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    return float(np.mean((y_true - np.asarray(y_pred, dtype=np.float64).ravel()) ** 2))


# -- Keras programs (raw Keras here; skforecast's reference in its subprocess) --
def raw_keras_fit(X, y, epochs, log):
    """The plain Keras equivalent of ``GRUForecaster(units=(32,))``."""
    return raw_keras_gru(
        X,
        y,
        units=UNITS,
        epochs=epochs,
        batch_size=BATCH_SIZE,
        learning_rate=LEARNING_RATE,
        callbacks=[keras_epoch_timer(log)],
    )


def timed_run(fit_and_predict):
    """Run ``fit_and_predict(log)``; return its epoch times, fit time, output."""
    log = []
    start = time.perf_counter()
    predict = fit_and_predict(log)
    fit_seconds = time.perf_counter() - start
    return {"epoch_times": log, "fit_seconds": fit_seconds, "y_pred": predict()}


def keras_rows(data, epochs, repeats):
    """Raw Keras and skseq, alternating; per-run results for each."""
    from skseq.forecasting import GRUForecaster

    keras = load_keras()
    X, y = data["train"][:, :N_STEPS, None], data["train"][:, N_STEPS]
    X_test = data["test"][:, :N_STEPS, None]

    def run_raw(log):
        model = raw_keras_fit(X, y, epochs, log)
        return lambda: model.predict(X_test, batch_size=1024, verbose=0)

    def run_skseq(log):
        model = GRUForecaster(
            units=(UNITS,),
            epochs=epochs,
            batch_size=BATCH_SIZE,
            learning_rate=LEARNING_RATE,
            callbacks=[keras_epoch_timer(log)],
            random_state=0,
            **PLAIN_NETWORK,  # the same network as the peers'
        ).fit(X, y)
        return lambda: model.predict(X_test)

    # Initialise the backend, so that neither row pays for it.
    raw_keras_fit(X[:64], y[:64], 1, [])
    runs = {"raw": [], "skseq": []}
    pair = [("raw", run_raw), ("skseq", run_skseq)]
    for repeat in range(repeats):
        for name, run in pair if repeat % 2 == 0 else pair[::-1]:
            result = timed_run(run)
            result["test_mse"] = mse(data["test"][:, N_STEPS], result.pop("y_pred"))
            runs[name].append(result)
            print(f"  {name} repeat {repeat}: {summary(result)}", flush=True)
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    versions[versions["backend"]] = _version(versions["backend"])
    return runs, versions


# -- peers (run with --peers-python) ---------------------------------------
def lightning_epoch_timer(log, counts):
    """A Lightning callback appending each training epoch's seconds to ``log``."""
    import pytorch_lightning as pl

    class EpochTimer(pl.Callback):
        def on_train_epoch_start(self, trainer, pl_module):
            self.start = time.perf_counter()

        def on_train_epoch_end(self, trainer, pl_module):
            log.append(time.perf_counter() - self.start)
            counts["steps_per_epoch"] = trainer.num_training_batches

    return EpochTimer()


def lightning_kwargs(callback):
    import torch

    # torch's default of one thread per core collapses when the cores are
    # shared (spinning OpenMP threads): 0.5 s a step instead of 12 ms here.
    torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", "1")))
    return {
        "accelerator": "cpu",
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "enable_checkpointing": False,
        "logger": False,
        "callbacks": [callback],
    }


def peer_darts(data, epochs, block):
    import darts
    import torch
    from darts import TimeSeries
    from darts.models import BlockRNNModel, RNNModel

    train = [TimeSeries.from_values(row[:, None]) for row in data["train"]]
    test = [TimeSeries.from_values(row[:N_STEPS, None]) for row in data["test"]]
    log, counts = [], {}
    common = {
        "model": "GRU",
        "hidden_dim": UNITS,
        "n_rnn_layers": 1,
        "input_chunk_length": N_STEPS,
        "batch_size": BATCH_SIZE,
        "n_epochs": epochs,
        "optimizer_kwargs": {"lr": LEARNING_RATE},
        "random_state": 0,
        "pl_trainer_kwargs": lightning_kwargs(lightning_epoch_timer(log, counts)),
    }
    if block:
        model = BlockRNNModel(output_chunk_length=1, **common)
        does = WINDOW_TO_NEXT
    else:
        model = RNNModel(training_length=N_STEPS, **common)
        does = "sequences of 50, loss on 50 shifted steps"

    def fit_and_predict(_):
        model.fit(train, verbose=False)
        return lambda: [s.values()[0, 0] for s in model.predict(1, test, verbose=False)]

    result = timed_run(fit_and_predict)
    result["epoch_times"] = log
    versions = {"darts": darts.__version__, "torch": torch.__version__}
    return result, counts, does, versions


def peer_neuralforecast(data, epochs):
    import neuralforecast
    import pandas as pd
    import torch
    from neuralforecast import NeuralForecast
    from neuralforecast.losses.pytorch import MSE
    from neuralforecast.models import GRU

    def long_format(rows):
        n_series, n_values = rows.shape
        return pd.DataFrame(
            {
                "unique_id": np.repeat(np.arange(n_series), n_values),
                "ds": np.tile(np.arange(n_values), n_series),
                "y": rows.ravel().astype(np.float64),
            }
        )

    log, counts = [], {}
    model = GRU(
        h=1,
        input_size=N_STEPS,
        encoder_n_layers=1,
        encoder_hidden_size=UNITS,
        decoder_layers=1,
        loss=MSE(),
        max_steps=epochs * STEPS_PER_EPOCH,
        learning_rate=LEARNING_RATE,
        batch_size=BATCH_SIZE,
        windows_batch_size=BATCH_SIZE,
        scaler_type="identity",
        random_seed=0,
        **lightning_kwargs(lightning_epoch_timer(log, counts)),
    )
    forecaster = NeuralForecast(models=[model], freq=1)
    train, test = long_format(data["train"]), long_format(data["test"][:, :N_STEPS])

    def fit_and_predict(_):
        forecaster.fit(df=train)

        def predict():
            out = forecaster.predict(df=test).reset_index()
            return out.sort_values("unique_id")["GRU"].to_numpy()

        return predict

    result = timed_run(fit_and_predict)
    result["epoch_times"] = log
    versions = {
        "neuralforecast": neuralforecast.__version__,
        "torch": torch.__version__,
    }
    return result, counts, WINDOW_TO_NEXT, versions


def peer_skforecast(data, epochs):
    import pandas as pd
    import skforecast
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

    keras = load_keras()

    long = data["long"]
    train = pd.DataFrame({"y": long[: N_TRAIN + N_STEPS]})
    keras.utils.set_random_seed(0)
    network = create_and_compile_model(
        series=train,
        lags=N_STEPS,
        steps=1,
        recurrent_layer="GRU",
        recurrent_units=UNITS,
        dense_units=None,
        compile_kwargs={
            "optimizer": keras.optimizers.Adam(LEARNING_RATE),
            "loss": keras.losses.MeanSquaredError(),
        },
    )
    log = []
    forecaster = ForecasterRnn(
        estimator=network,
        levels="y",
        lags=N_STEPS,
        fit_kwargs={
            "epochs": epochs,
            "batch_size": BATCH_SIZE,
            "verbose": 0,
            "callbacks": [keras_epoch_timer(log)],
        },
    )

    def predict():
        out = []
        for start in range(N_TRAIN, N_TRAIN + N_TEST):
            window = long[start : start + N_STEPS]
            index = pd.RangeIndex(start, start + N_STEPS)
            last = pd.DataFrame({"y": window}, index=index)
            out.append(forecaster.predict(steps=1, last_window=last).iloc[0, -1])
        return out

    def fit_and_predict(_):
        forecaster.fit(train)
        return predict

    result = timed_run(fit_and_predict)
    result["epoch_times"] = log
    # The plain Keras program on the same windows, to read its MSE against.
    (X, y), (X_test, y_test) = windows_of_long(long)
    reference = raw_keras_fit(X, y, epochs, [])
    result["reference_mse"] = mse(y_test, reference.predict(X_test, verbose=0))
    versions = {
        "skforecast": skforecast.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }
    return (
        result,
        {"steps_per_epoch": STEPS_PER_EPOCH},
        f"{WINDOW_TO_NEXT}, from one series",
        versions,
    )


def run_peer(name, data_path, epochs):
    """Body of ``--run-peer``: print one JSON line with the peer's results."""
    data = dict(np.load(data_path))
    try:
        if name.startswith("darts"):
            out = peer_darts(data, epochs, block=name.endswith("BlockRNNModel"))
        elif name == "neuralforecast-GRU":
            out = peer_neuralforecast(data, epochs)
        elif name == "skforecast":
            out = peer_skforecast(data, epochs)
        else:
            raise ValueError(f"unknown peer {name!r}; expected one of {PEERS}")
    except ImportError as error:
        print(json.dumps({"status": "not installed", "error": str(error)}))
        return
    result, counts, does, versions = out
    y_test = data["long"][-N_TEST:] if name == "skforecast" else data["test"][:, -1]
    result["test_mse"] = mse(y_test, result.pop("y_pred"))
    result.update(counts, does=does, versions=versions, status="ok")
    print(json.dumps(result))


def call_peer(python, name, data_path, epochs, torch_threads):
    """Run one peer in ``python``; its result dict (status says how it went)."""
    if not python:
        error = "no --peers-python given, nor BENCH_PEERS_PYTHON"
        return {"status": "not installed", "error": error}
    if not os.path.exists(python):
        return {"status": "not installed", "error": f"no Python at {python!r}"}
    env = dict(
        os.environ,
        KERAS_BACKEND="jax",
        PYTHONWARNINGS="ignore",
        BENCH_TORCH_THREADS=str(torch_threads),
    )
    with tempfile.TemporaryDirectory() as cwd:  # Lightning may write logs
        completed = subprocess.run(
            [python, os.path.abspath(__file__), "--run-peer", name]
            + ["--data", data_path, "--epochs", str(epochs)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
    lines = completed.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = completed.stderr.strip().splitlines()[-5:]
        return {"status": "failed", "error": " / ".join(tail)}


# -- report -----------------------------------------------------------------
COLUMNS = [
    "row",
    "versions",
    "one epoch",
    "1st epoch (s)",
    "later epochs, median (s)",
    "fit (s)",
    "test MSE",
]


def later_epochs(times):
    """Median seconds of the epochs after the first (nan for a single epoch)."""
    return statistics.median(times[1:]) if len(times) > 1 else float("nan")


def summary(result):
    times = result["epoch_times"]
    return (
        f"first epoch {times[0]:.2f} s, later {later_epochs(times):.2f} s, "
        f"fit {result['fit_seconds']:.1f} s, MSE {result['test_mse']:.4g}"
    )


def medians(runs):
    """Median over runs of the later-epoch median, fit time and MSE."""
    return {
        "later": statistics.median(later_epochs(r["epoch_times"]) for r in runs),
        "fit": statistics.median(r["fit_seconds"] for r in runs),
        "mse": statistics.median(r["test_mse"] for r in runs),
    }


def first_and_later_fits(values):
    """The first fit's value in the process, then the median of the others.

    skseq reuses a compiled training step across fits of the same network,
    raw Keras compiles again for every new model: the two numbers tell apart
    the cost of the first fit and of each fit after it.
    """
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{values[0]:.2f} first fit; {statistics.median(values[1:]):.2f} others"


def _version(module_name):
    try:
        return __import__(module_name).__version__
    except (ImportError, AttributeError):
        return "?"


def keras_row(label, versions, runs):
    """Table row (column -> cell) of raw Keras or skseq, over its runs."""
    stats = medians(runs)
    return {
        "row": label,
        "versions": versions,
        "one epoch": f"{STEPS_PER_EPOCH} steps x {BATCH_SIZE} {WINDOW_TO_NEXT}",
        "1st epoch (s)": first_and_later_fits([r["epoch_times"][0] for r in runs]),
        "later epochs, median (s)": f"{stats['later']:.2f}",
        "fit (s)": first_and_later_fits([r["fit_seconds"] for r in runs]),
        "test MSE": f"{stats['mse']:.4g}",
    }


def peer_row(name, result):
    """Table row (column -> cell) of a peer's single run."""
    if result["status"] != "ok":
        print(f"  {name}: {result['status']} ({result.get('error', '')})")
        return {"row": name, "versions": result["status"]}
    times = result["epoch_times"]
    mse = f"{result['test_mse']:.4g}"
    if "reference_mse" in result:
        mse += f" (raw Keras, same series: {result['reference_mse']:.4g})"
    steps = result.get("steps_per_epoch", "?")
    return {
        "row": name,
        "versions": ", ".join(f"{k} {v}" for k, v in result["versions"].items()),
        "one epoch": f"{steps} steps x {BATCH_SIZE} {result['does']}",
        "1st epoch (s)": f"{times[0]:.2f}",
        "later epochs, median (s)": f"{later_epochs(times):.2f}",
        "fit (s)": f"{result['fit_seconds']:.1f}",
        "test MSE": mse,
    }


def main(args):
    print(
        f"{platform.node()}: {os.cpu_count()} CPUs, load average before: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "data.npz")
        data = make_data(data_path)
        runs, versions = keras_rows(data, args.epochs, args.repeats)
        peers = {}
        for name in args.peers:
            peers[name] = call_peer(
                args.peers_python, name, data_path, args.epochs, args.torch_threads
            )
            if peers[name]["status"] == "ok":
                print(f"  {name}: {summary(peers[name])}", flush=True)
    report(runs, versions, peers, args)


NOTES = """\
Notes: same 7000 training series (51 values), network GRU(32) -> linear,
Adam 0.001, MSE, batch 32, {epochs} epochs, test = 2000 held-out series.
- darts and neuralforecast get the 7000 series as a multi-series dataset (one
  training sample per series); darts RNNModel trains sequence-to-sequence
  (loss on all 50 one-step predictions of a sample), BlockRNNModel and
  neuralforecast on the next value only; neuralforecast runs max_steps =
  {epochs} x 219 with windows_batch_size=32, scaler off, decoder_layers=1.
- skforecast models one series: it trains on one 9050-step series of the same
  formula (7000 windows) and is tested on that series' next 2000 steps, with
  its default MinMaxScaler; its MSE compares only with the raw Keras program
  on the same series (in brackets), not with the other rows.
- torch ran on {torch_threads} thread(s); JAX with its defaults.  Epoch times
  come from epoch callbacks; "fit" is the whole fit call, data set-up
  included."""


def report(runs, versions, peers, args):
    """Print the table, the skseq / raw Keras ratios and the notes."""
    import skseq

    backend = versions["backend"]
    keras_versions = f"keras {versions['keras']}, {backend} {versions[backend]}"
    rows = [
        keras_row("raw Keras", keras_versions, runs["raw"]),
        keras_row("skseq GRUForecaster", f"skseq {skseq.__version__}", runs["skseq"]),
    ]
    rows += [peer_row(name, result) for name, result in peers.items()]
    print()
    print_table(COLUMNS, [[row.get(column, "-") for column in COLUMNS] for row in rows])
    raw, ours = medians(runs["raw"]), medians(runs["skseq"])
    print(
        f"\nskseq / raw Keras, medians of {args.repeats} alternating runs: "
        f"later epochs {ours['later'] / raw['later']:.3f}, "
        f"whole fit {ours['fit'] / raw['fit']:.3f}"
    )
    print(NOTES.format(epochs=args.epochs, torch_threads=args.torch_threads))
    print(
        "load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        flush=True,
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("BENCH_PEERS_PYTHON"),
        help="Python of the peers' environment (default: $BENCH_PEERS_PYTHON)",
    )
    parser.add_argument("--peers", nargs="*", default=list(PEERS), choices=PEERS)
    parser.add_argument("--run-peer", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.run_peer:
        run_peer(arguments.run_peer, arguments.data, arguments.epochs)
    else:
        main(arguments)
