"""Backend choice, lazy import and seeding without side effects."""

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
