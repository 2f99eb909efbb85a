"""Grid search of a window pipeline on a Dask cluster, against the serial run.

``LookbackWindow -> SequenceScaler -> GRUForecaster`` over 4 candidates and
3 time-series splits (12 fits), first serially, then through joblib's
``dask`` backend on a ``LocalCluster`` of 2 single-threaded worker processes:
by default (joblib scatters arguments over 1 kB by Dask's ``sizeof``, which
for windows is the series plus positions, so ``X`` goes to each worker
once), with ``X`` and ``y`` named in ``scatter=[X, y]``, and with the series
memory-mapped from a file (the windows pickle as the file name).  The
workers are restarted before each Dask run, so every run pays for importing
JAX and compiling, like the serial one.

Bytes per task are measured on the workers: each task's ``run_spec`` (the
function and its inline arguments, as received) re-serialised with
distributed's pickler, divided by the calls joblib batched into it.  Data
that joblib scattered (``y``, the splits' row indices, and with
``scatter=`` also ``X``) arrives as dependencies, once per worker; it is
measured the same way and reported apart.

Run: ``python benchmarks/bench_dask.py``
"""

import os
import re
import tempfile
import time

import joblib
import numpy as np
from _common import PLAIN_NETWORK, print_table
from distributed import Client, LocalCluster, WorkerPlugin
from distributed.protocol import pickle as dask_pickle
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import GRUForecaster
from skseq.preprocessing import LookbackWindow, SequenceScaler

N_STEPS, WINDOW_LENGTH = 6000, 48


class TaskPayloadLog(WorkerPlugin):
    """Size of every task a worker runs, and of the data it depends on."""

    name = "task-payload-log"

    def setup(self, worker):
        self.worker = worker
        self.tasks = {}

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            task = self.worker.state.tasks[key]
            self.tasks[key] = {
                "run_spec": len(dask_pickle.dumps(task.run_spec)),
                "dependencies": {
                    dep.key: len(dask_pickle.dumps(self.worker.data[dep.key]))
                    for dep in task.dependencies
                },
            }


def _collect_payload_log(dask_worker):
    return dask_worker.plugins[TaskPayloadLog.name].tasks


def _series():
    t = np.arange(N_STEPS)
    noise = 0.2 * np.random.default_rng(0).standard_normal(N_STEPS)
    return 50 + 5 * np.sin(2 * np.pi * t / 24) + noise


def _search():
    return GridSearchCV(
        make_pipeline(
            LookbackWindow(),
            SequenceScaler(),
            GRUForecaster(
                epochs=3, learning_rate=0.01, random_state=0, **PLAIN_NETWORK
            ),
        ),
        {
            "lookbackwindow__length": [24, 48],
            "gruforecaster__units": [(8,), (16,)],
        },
        cv=TimeSeriesSplit(n_splits=3, test_size=1000),
        scoring="neg_mean_absolute_error",
    )


def _payload(client):
    """Per-call bytes sent inline, and bytes scattered per worker."""
    per_call, calls, scattered = [], 0, []
    for tasks in client.run(_collect_payload_log).values():
        dependencies = {}
        for key, task in tasks.items():
            n_calls = int(re.search(r"_(\d+)_calls", key)[1])
            per_call.append(task["run_spec"] / n_calls)
            calls += n_calls
            dependencies.update(task["dependencies"])
        scattered.append(sum(dependencies.values()))
    return calls, np.mean(per_call), max(scattered)


def _run_on_dask(client, X, y, scatter):
    client.restart()
    client.register_plugin(TaskPayloadLog())
    start = time.perf_counter()
    with joblib.parallel_backend("dask", scatter=[X, y] if scatter else None):
        search = clone(_search()).set_params(n_jobs=-1).fit(X, y)
    return search, time.perf_counter() - start, _payload(client)


def _same(search, serial):
    scores = search.cv_results_["mean_test_score"]
    equal = np.array_equal(scores, serial.cv_results_["mean_test_score"])
    return "yes" if equal and search.best_params_ == serial.best_params_ else "no"


def main():
    series = _series()
    X, y = make_windows(series, window_length=WINDOW_LENGTH)
    windows_kb = np.asarray(X).nbytes / 1e3
    start = time.perf_counter()
    serial = _search().fit(X, y)
    serial_s = time.perf_counter() - start
    n_fits = len(serial.cv_results_["params"]) * serial.n_splits_
    rows = [["serial (n_jobs=1)", f"{serial_s:.1f}", n_fits, "-", "-", "-"]]

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "series.f64")
        series.tofile(path)
        mapped = np.memmap(path, dtype=np.float64, mode="r", shape=series.shape)
        X_mapped, y_mapped = make_windows(mapped, window_length=WINDOW_LENGTH)
        start = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            ) as cluster,
            Client(cluster) as client,
        ):
            cluster_s = time.perf_counter() - start
            for label, data, scatter in [
                ("dask, default (windows scattered by size)", (X, y), False),
                ("dask, scatter=[X, y]", (X, y), True),
                ("dask, memmap series", (X_mapped, y_mapped), False),
            ]:
                search, seconds, (calls, per_call, scattered) = _run_on_dask(
                    client, *data, scatter
                )
                rows.append(
                    [
                        label,
                        f"{seconds:.1f}",
                        calls,
                        f"{per_call / 1e3:.1f}",
                        f"{scattered / 1e3:.1f}",
                        _same(search, serial),
                    ]
                )
        del X_mapped, mapped

    print(
        f"{N_STEPS} steps, window_length={WINDOW_LENGTH}: series "
        f"{series.nbytes / 1e3:.1f} kB, materialised windows {windows_kb:.0f} kB; "
        f"LocalCluster of 2 worker processes started in {cluster_s:.1f} s; "
        f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f} "
        "at the end."
    )
    print_table(
        [
            "run",
            "wall (s)",
            "fits",
            "sent per fit (kB)",
            "scattered per worker (kB)",
            "equals serial",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
