"""Backend choice, lazy import and seeding without side effects."""

import concurrent.futures
import json
import os
import random
import subprocess
import sys
import types

import numpy as np
import pytest

from skseq._keras import _backend
from skseq._keras._backend import KerasBackendWarning, choose_backend, import_keras


def seed_globals(seed):
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002


def draw_globals():
    return random.random(), np.random.random()  # noqa: NPY002


def run_python(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout.strip()


def test_importing_skseq_does_not_import_keras():
    code = (
        "import sys, skseq, skseq.forecasting, skseq._keras, skseq.preprocessing\n"
        "print('keras' in sys.modules, 'jax' in sys.modules)"
    )
    assert run_python(code) == "False False"


def test_keras_json_naming_a_missing_backend_falls_back_to_jax(tmp_path):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "no-such-backend"}))
    code = (
        "import os\n"
        "from skseq._keras import import_keras\n"
        "keras = import_keras()\n"
        "print(keras.backend.backend(), 'KERAS_BACKEND' in os.environ)"
    )
    assert run_python(code, KERAS_HOME=str(tmp_path)) == "jax False"


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(
        _backend, "_installed", lambda backend: backend in ("jax", "torch")
    )

    def write(content):
        (tmp_path / "keras.json").write_text(content)

    return write


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "jax"),
        ('{"backend": "tensorflow"}', "jax"),
        ('{"backend": "torch"}', "torch"),
        ('{"backend": "jax"}', "jax"),
        ("not json", "jax"),
        ('["tensorflow"]', "jax"),
    ],
)
def test_choose_backend_respects_an_installed_keras_json_backend(
    keras_home, content, expected
):
    if content is not None:
        keras_home(content)
    assert choose_backend() == expected


def test_choose_backend_respects_keras_backend_variable(keras_home, monkeypatch):
    keras_home('{"backend": "jax"}')
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert choose_backend() == "tensorflow"


def test_choose_backend_without_any_backend_says_what_to_install(
    keras_home, monkeypatch
):
    monkeypatch.setattr(_backend, "_installed", lambda backend: False)
    with pytest.raises(ImportError, match=r"skseq\[keras\]"):
        choose_backend()


def test_imported_keras_with_unusable_backend_warns(monkeypatch):
    fake = types.ModuleType("keras")
    fake.backend = types.SimpleNamespace(backend=lambda: "numpy")
    monkeypatch.setitem(sys.modules, "keras", fake)
    with pytest.warns(KerasBackendWarning, match="'numpy' backend"):
        assert import_keras() is fake


def test_imported_keras_is_reused_silently():
    keras = import_keras()
    assert import_keras() is keras
    assert keras.backend.backend() in ("jax", "tensorflow", "torch")


def test_seeded_restores_python_numpy_and_keras_state():
    keras = import_keras()
    seed_globals(7)
    expected = draw_globals()
    seed_globals(7)
    with _backend.seeded(keras, 123):
        inside = draw_globals()
    assert draw_globals() == expected
    with _backend.seeded(keras, 123):
        assert draw_globals() == inside


def test_seeded_leaves_keras_seed_module_as_it_found_it():
    keras = import_keras()
    from keras.src.random import seed_generator

    before = seed_generator.python_random
    with _backend.seeded(keras, 1):
        assert seed_generator.python_random is not before
    assert seed_generator.python_random is before


def test_fits_in_threads_equal_fits_one_by_one():
    from skseq import make_windows
    from skseq.forecasting import GRUForecaster

    series = np.sin(np.arange(300) / 5) + np.random.default_rng(0).normal(size=300)
    X, y = make_windows(series, window_length=8)

    def fit(seed):
        model = GRUForecaster(units=3, epochs=2, dropout=0.2, random_state=seed)
        return model.fit(X, y).predict(X[-10:])

    serial = [fit(seed) for seed in range(4)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fit, range(4)))
    for one, other in zip(serial, threaded):
        np.testing.assert_array_equal(one, other)


def test_threading_grid_search_picks_what_a_serial_one_picks():
    import joblib
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from skseq import make_windows
    from skseq.forecasting import GRUForecaster

    series = np.sin(np.arange(200) / 4) + 0.3 * np.random.default_rng(1).normal(
        size=200
    )
    X, y = make_windows(series, window_length=6)
    grid = {"units": [2, 3], "learning_rate": [0.003, 0.03]}
    search = GridSearchCV(
        GRUForecaster(epochs=2, random_state=0), grid, cv=TimeSeriesSplit(2)
    )
    serial = search.fit(X, y).cv_results_["mean_test_score"]
    with joblib.parallel_backend("threading", n_jobs=2):
        threaded = search.fit(X, y).cv_results_["mean_test_score"]
    np.testing.assert_array_equal(serial, threaded)
