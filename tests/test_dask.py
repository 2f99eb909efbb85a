"""Grid search on a Dask cluster: the serial results, from compact tasks.

One `distributed.LocalCluster` with two worker processes serves the module:
starting a worker and importing JAX and Keras in it takes seconds.
"""

import re
import sys

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skseq import make_windows
from skseq.forecasting import GRUForecaster
from skseq.preprocessing import LookbackWindow, SequenceScaler

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")


class TaskPayloadLog(distributed.WorkerPlugin):
    """Record, on each worker, the size of every task it is given to run.

    ``run_spec`` is the task as the worker received it: the function and the
    arguments sent inline, re-serialised with distributed's own pickler.
    Arguments joblib scattered beforehand arrive as dependencies instead
    (measured the same way); the worker holds each once, whatever the number
    of tasks that use it.  (``TaskState.nbytes`` would not do: it is Dask's
    ``sizeof`` estimate, which knows nothing of a `SequenceWindows`'s series.)
    """

    name = "skseq-task-payload-log"

    def setup(self, worker):
        self.worker = worker
        self.tasks = {}

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            dumps = distributed.protocol.pickle.dumps
            task = self.worker.state.tasks[key]
            self.tasks[key] = {
                "run_spec": len(dumps(task.run_spec)),
                "dependencies": {
                    dep.key: len(dumps(self.worker.data[dep.key]))
                    for dep in task.dependencies
                },
            }


def _payload_log(dask_worker):
    log = dask_worker.plugins[TaskPayloadLog.name].tasks
    tasks = dict(log)
    log.clear()
    return tasks


@pytest.fixture(scope="module")
def client():
    # The plugin class lives in this test module, which the workers cannot
    # import: send it by value.
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)
    try:
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            client.register_plugin(TaskPayloadLog())
            yield client
    finally:
        cloudpickle.unregister_pickle_by_value(module)


@pytest.fixture(scope="module")
def series():
    t = np.arange(1200)
    values = 50 + 5 * np.sin(2 * np.pi * t / 20)
    return values + 0.2 * np.random.default_rng(0).standard_normal(len(t))


@pytest.fixture(scope="module")
def search():
    return GridSearchCV(
        make_pipeline(
            LookbackWindow(),
            SequenceScaler(),
            GRUForecaster(units=(3,), epochs=2, learning_rate=0.01, random_state=0),
        ),
        {"lookbackwindow__length": [12, 24]},
        cv=TimeSeriesSplit(n_splits=2, test_size=200),
        scoring="neg_mean_absolute_error",
    )


@pytest.fixture(scope="module")
def dask_run(client, series, search):
    """The search fitted on the cluster, and the worker-side task sizes."""
    X, y = make_windows(series, window_length=24)
    client.run(_payload_log)
    with joblib.parallel_backend("dask"):
        fitted = clone(search).set_params(n_jobs=-1).fit(X, y)
    tasks = {}
    for worker_tasks in client.run(_payload_log).values():
        tasks.update(worker_tasks)
    return fitted, tasks


def test_grid_search_on_dask_equals_serial(series, search, dask_run):
    X, y = make_windows(series, window_length=24)
    serial = clone(search).fit(X, y)
    on_dask, _ = dask_run
    # Exact: every fit is seeded by its random_state and runs the same
    # compiled program on the same data, whichever process runs it.
    for split in ("split0_test_score", "split1_test_score", "mean_test_score"):
        assert_array_equal(on_dask.cv_results_[split], serial.cv_results_[split])
    assert on_dask.best_params_ == serial.best_params_
    assert_array_equal(on_dask.predict(X[-5:]), serial.predict(X[-5:]))


def test_tasks_carry_the_series_not_the_windows(series, dask_run):
    X, _ = make_windows(series, window_length=24)
    _, tasks = dask_run
    # joblib names a task "batch_of_<function>_<n>_calls-<uuid>".
    calls = {key: int(re.search(r"_(\d+)_calls", key)[1]) for key in tasks}
    assert sum(calls.values()) == 4  # 2 candidates x 2 splits
    windows_nbytes = np.asarray(X).nbytes  # 23.5 times the series
    for key, task in tasks.items():
        # Inline: the series, the window positions as a range, the estimator,
        # and joblib's and scikit-learn's wrappers (about 10 kB).
        assert task["run_spec"] / calls[key] < series.nbytes + 16_000
        # Scattered once per search: y and the split's row indices.
        assert sum(task["dependencies"].values()) < windows_nbytes / 5
