"""Memory of lazy windows at Jena scale: build, split, pickle, stream.

A 420,551 x 14 float32 series (the size of the Jena climate data) cut into
windows of 240 steps taken every 6th step with a delay of 144 steps, as in
Deep Learning with Python, chapter 6.  Every stage runs in a fresh process so
that its peak RSS is its own.

Run: ``python benchmarks/bench_window_memory.py``
"""

import json
import os
import pickle
import sys
import tempfile
import time

import numpy as np
from _common import (
    JENA_GEOMETRY,
    JENA_SHAPE,
    peak_rss_mb,
    print_table,
    run_in_fresh_process,
)

N_STEPS, N_FEATURES = JENA_SHAPE


def _series(kind, directory):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(N_STEPS, N_FEATURES)).astype(np.float32)
    if kind == "array":
        return data
    path = os.path.join(directory, "series.f32")
    data.tofile(path)
    del data
    return np.memmap(path, dtype=np.float32, mode="r", shape=(N_STEPS, N_FEATURES))


def run_stage(stage, kind, directory):
    """Run one stage in this process; return its measurements."""
    from sklearn.model_selection import TimeSeriesSplit
    from sklearn.utils import _safe_indexing

    from skseq import make_windows

    series = _series(kind, directory)
    result = {"after series (MB)": round(peak_rss_mb(), 1)}
    start = time.perf_counter()
    X, y = make_windows(series, **JENA_GEOMETRY)
    result["n_windows"] = len(X)
    if stage == "split":
        for train, test in TimeSeriesSplit(n_splits=5).split(X, y):
            X_train, _ = _safe_indexing(X, train), _safe_indexing(X, test)
            X_train.take(slice(0, 256))
    elif stage == "pickle":
        result["pickle of all windows (bytes)"] = len(pickle.dumps(X))
        train = next(TimeSeriesSplit(n_splits=5).split(X))[0]
        result["pickle of a CV split (bytes)"] = len(pickle.dumps(X[train]))
    elif stage == "stream":
        total = 0.0
        for _, batch in X.iter_batches(1024):
            total += float(batch.windows[:, -1, 1].sum())
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["peak RSS (MB)"] = round(peak_rss_mb(), 1)
    return result


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--stage":
        print(json.dumps(run_stage(*sys.argv[2:])))
        return
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for kind in ("array", "memmap"):
            for stage in ("build", "split", "pickle", "stream"):
                r = run_in_fresh_process(__file__, "--stage", stage, kind, directory)
                rows.append(
                    [
                        kind,
                        stage,
                        r["n_windows"],
                        r["after series (MB)"],
                        r["peak RSS (MB)"],
                        r["seconds"],
                        r.get("pickle of all windows (bytes)", ""),
                        r.get("pickle of a CV split (bytes)", ""),
                    ]
                )
    n_windows = rows[0][2]
    dense = n_windows * JENA_GEOMETRY["window_length"] * N_FEATURES * 4
    print(
        f"series: {N_STEPS:,} x {N_FEATURES} float32 = "
        f"{N_STEPS * N_FEATURES * 4 / 1e6:.1f} MB; materialised windows would be "
        f"{dense / 1e9:.2f} GB ({n_windows:,} x 240 x 14 float32)\n"
    )
    print_table(
        [
            "series",
            "stage",
            "windows",
            "RSS after series (MB)",
            "peak RSS (MB)",
            "stage time (s)",
            "pickle, all (B)",
            "pickle, CV split (B)",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
