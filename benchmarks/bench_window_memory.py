"""Memory of lazy windows at Jena scale: build, split, pickle, stream.

A 420,551 x 14 float32 series (the size of the Jena climate data) cut into
windows of 240 steps taken every 6th step with a delay of 144 steps, as in
Deep Learning with Python, chapter 6.  Every stage runs in a fresh process so
that its peak RSS is its own.

A second table does the same for a panel: 10,000 series x 1,000 hourly
steps in a long DataFrame (id, time, value), windowed by
``make_panel_windows`` and split by ``PanelTimeSeriesSplit``; peaks are
measured with tracemalloc (from after the frame is made) against the size of
the data.

Run: ``python benchmarks/bench_window_memory.py`` (``--panel`` for the panel
table only)
"""

import json
import os
import pickle
import sys
import tempfile
import time
import tracemalloc

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


PANEL_SERIES = (1_000, 10_000)  # a tenth of the panel, then the panel
PANEL_STEPS = 1_000
PANEL_GEOMETRY = {"window_length": 48, "id_column": "id", "time_column": "time"}


def _panel_frame(n_series):
    import pandas as pd

    n_steps = PANEL_STEPS
    rng = np.random.default_rng(0)
    hours = pd.date_range("2024-01-01", periods=n_steps, freq="h").to_numpy()
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n_series), n_steps),
            "time": np.tile(hours, n_series),
            "value": rng.normal(size=n_series * n_steps).astype(np.float32),
        }
    )


def run_panel_stage(stage, n_series):
    """Window (and split, or pickle) the panel; tracemalloc peak from the frame."""
    from sklearn.utils import _safe_indexing

    from skseq import make_panel_windows
    from skseq.model_selection import PanelTimeSeriesSplit

    frame = _panel_frame(int(n_series))
    result = {"frame (MB)": frame.memory_usage().sum() / 1e6}
    tracemalloc.start()
    start = time.perf_counter()
    X, y = make_panel_windows(frame, **PANEL_GEOMETRY)
    result["n_windows"] = len(X)
    result["held: X, y (MB)"] = tracemalloc.get_traced_memory()[0] / 1e6
    if stage == "split":
        cv = PanelTimeSeriesSplit(n_splits=5, test_size=24, gap=0)
        for train, test in cv.split(X, y):
            X_train, _ = _safe_indexing(X, train), _safe_indexing(X, test)
            X_train.take(slice(0, 256))
    elif stage == "pickle":
        result["pickle of all windows (bytes)"] = len(pickle.dumps(X))
        train = next(PanelTimeSeriesSplit(n_splits=5, test_size=24).split(X))[0]
        result["pickle of a CV split (bytes)"] = len(pickle.dumps(X[train]))
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["peak (MB)"] = tracemalloc.get_traced_memory()[1] / 1e6
    result["peak RSS (MB)"] = round(peak_rss_mb(), 1)
    return result


def panel_table():
    n_steps = PANEL_STEPS
    rows = []
    for n_series in PANEL_SERIES:
        for stage in ("build", "split", "pickle"):
            r = run_in_fresh_process(__file__, "--panel-stage", stage, n_series)
            rows.append(_panel_row(stage, n_series, r))
    n_series, n_windows = PANEL_SERIES[-1], rows[-1][2]
    values = n_series * n_steps * 4
    dense = n_windows * PANEL_GEOMETRY["window_length"] * 4
    print(
        f"\npanel: up to {n_series:,} series x {n_steps:,} hourly steps; values "
        f"{values / 1e6:.0f} MB float32, long frame (id int64, time, value) "
        f"{values / 1e6 * 5:.0f} MB; materialised windows would be "
        f"{dense / 1e9:.2f} GB ({n_windows:,} x 48 float32)\n"
    )
    print_table(
        [
            "series",
            "stage",
            "windows",
            "held: X, y (MB)",
            "peak (MB)",
            "peak / values",
            "peak / frame",
            "peak RSS (MB)",
            "stage time (s)",
            "pickle, all (B)",
            "pickle, CV split (B)",
        ],
        rows,
    )


def _panel_row(stage, n_series, r):
    values = n_series * PANEL_STEPS * 4
    return [
        f"{n_series:,}",
        stage,
        r["n_windows"],
        f"{r['held: X, y (MB)']:.0f}",
        f"{r['peak (MB)']:.0f}",
        f"{r['peak (MB)'] / (values / 1e6):.1f}",
        f"{r['peak (MB)'] / r['frame (MB)']:.2f}",
        r["peak RSS (MB)"],
        r["seconds"],
        r.get("pickle of all windows (bytes)", ""),
        r.get("pickle of a CV split (bytes)", ""),
    ]


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--stage":
        print(json.dumps(run_stage(*sys.argv[2:])))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--panel-stage":
        print(json.dumps(run_panel_stage(*sys.argv[2:])))
        return
    if sys.argv[1:] == ["--panel"]:
        panel_table()
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
    panel_table()


if __name__ == "__main__":
    main()
