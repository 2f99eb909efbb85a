"""Training a GRU on Jena-sized windows in bounded memory.

A 420,551 x 14 float32 series (the size of the Jena climate data) cut into
windows of 240 steps taken every 6th step with a delay of 144 steps, as in
Deep Learning with Python, chapter 6: 418,973 windows whose materialised
array would take 5.6 GB.  ``GRUForecaster`` streams shuffled batches gathered
from the lazy windows, so a fit + predict stays near the size of the series.

The series is synthetic (daily and yearly cycles plus noise, per column) so
that the benchmark needs no download; memory and time do not depend on the
values.  The first 80% of the windows train (one epoch), the last 20% are
predicted.  Every case runs in a fresh process so that its peak RSS is its
own.  Goal: peak RSS at most 1.5 GB.

Run: ``python benchmarks/bench_jena_scale.py [epochs]``
"""

import json
import os
import sys
import tempfile
import time

import numpy as np
from _common import (
    JENA_GEOMETRY,
    JENA_SHAPE,
    PLAIN_NETWORK,
    keras_epoch_timer,
    peak_rss_mb,
    print_table,
    run_in_fresh_process,
)

N_STEPS, N_FEATURES = JENA_SHAPE
CASES = {
    "GRUForecaster, array series": ("array", False),
    "SequenceScaler + GRUForecaster, array series": ("array", True),
    "SequenceScaler + GRUForecaster, memmap series": ("memmap", True),
}


def synthetic_series():
    """Ten-minute steps: a daily and a yearly cycle per column, plus noise."""
    rng = np.random.default_rng(0)
    t = np.arange(N_STEPS)[:, None]
    phase = rng.uniform(0, 2 * np.pi, size=(2, N_FEATURES))
    series = (
        10 * np.sin(2 * np.pi * t / 144 + phase[0])
        + 5 * np.sin(2 * np.pi * t / 52_560 + phase[1])
        + rng.normal(size=(N_STEPS, N_FEATURES))
    )
    return (series + rng.uniform(-100, 100, size=N_FEATURES)).astype(np.float32)


def load_series(kind, directory):
    path = os.path.join(directory, "series.f32")
    if not os.path.exists(path):
        synthetic_series().tofile(path)
    if kind == "memmap":
        return np.memmap(path, dtype=np.float32, mode="r", shape=(N_STEPS, N_FEATURES))
    return np.fromfile(path, dtype=np.float32).reshape(N_STEPS, N_FEATURES)


def run_case(name, directory, epochs):
    """Fit and predict one case in this process; return its measurements."""
    from sklearn.pipeline import make_pipeline

    from skseq import make_windows
    from skseq.forecasting import GRUForecaster
    from skseq.preprocessing import SequenceScaler

    kind, scaled = CASES[name]
    series = load_series(kind, directory)
    X, y = make_windows(series, **JENA_GEOMETRY)
    n_train = int(0.8 * len(X))
    epoch_seconds = []
    forecaster = GRUForecaster(
        units=(32,),
        epochs=epochs,
        batch_size=256,
        random_state=0,
        callbacks=[keras_epoch_timer(epoch_seconds)],
        **PLAIN_NETWORK,  # the training loop's streaming is what is measured
    )
    model = make_pipeline(SequenceScaler(), forecaster) if scaled else forecaster
    result = {"windows": len(X), "RSS before fit (MB)": round(peak_rss_mb(), 1)}
    start = time.perf_counter()
    model.fit(X[:n_train], y[:n_train])
    result["fit (s)"] = round(time.perf_counter() - start, 1)
    result["peak RSS of fit (MB)"] = round(peak_rss_mb(), 1)
    start = time.perf_counter()
    predictions = model.predict(X[n_train:])
    result["predict (s)"] = round(time.perf_counter() - start, 1)
    result["peak RSS (MB)"] = round(peak_rss_mb(), 1)
    # The naive forecast (last observed value), gathered batch by batch;
    # copied, since a view would keep each whole batch alive.
    last = np.concatenate(
        [
            batch.windows[:, -1, JENA_GEOMETRY["target"]].copy()
            for _, batch in X[n_train:].iter_batches(4096)
        ]
    )
    y_test = np.asarray(y[n_train:])
    result["test MAE"] = round(float(np.mean(np.abs(predictions - y_test))), 3)
    result["naive MAE"] = round(float(np.mean(np.abs(last - y_test))), 3)
    result["epoch (s)"] = [round(s, 1) for s in epoch_seconds]
    return result


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--case":
        _, _, name, directory, epochs = sys.argv
        print(json.dumps(run_case(name, directory, int(epochs))))
        return
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        load_series("array", directory)  # written once, read by every case
        for name in CASES:
            r = run_in_fresh_process(__file__, "--case", name, directory, epochs)
            rows.append(
                [
                    name,
                    r["windows"],
                    r["RSS before fit (MB)"],
                    r["peak RSS of fit (MB)"],
                    r["peak RSS (MB)"],
                    ", ".join(str(s) for s in r["epoch (s)"]),
                    r["fit (s)"],
                    r["predict (s)"],
                    r["test MAE"],
                    r["naive MAE"],
                ]
            )
            print(" | ".join(str(c) for c in rows[-1]), flush=True)
    dense = rows[0][1] * JENA_GEOMETRY["window_length"] * N_FEATURES * 4
    print(
        f"\nseries: {N_STEPS:,} x {N_FEATURES} float32 "
        f"({N_STEPS * N_FEATURES * 4 / 1e6:.1f} MB); materialised windows: "
        f"{dense / 1e9:.2f} GB; GRU(32), batch 256, {epochs} epoch(s) on 80% of "
        f"the windows, predict the last 20%; {os.cpu_count()} cores\n"
    )
    print_table(
        [
            "case",
            "windows",
            "RSS before fit (MB)",
            "peak RSS, fit (MB)",
            "peak RSS, fit + predict (MB)",
            "seconds per epoch",
            "fit (s)",
            "predict (s)",
            "test MAE",
            "naive MAE",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
