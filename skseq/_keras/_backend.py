"""Import Keras with a usable backend and seed it without lasting side effects.

Keras reads its backend once, when it is first imported.  skseq never imports
it before a neural estimator is fitted or unpickled, and then picks the
backend the user chose (``KERAS_BACKEND``, or the ``keras.json`` backend when
that backend is installed), falling back to JAX.  The environment is restored
right after the import, so the choice does not leak into the process.
"""

import contextlib
import importlib
import importlib.util
import json
import os
import random
import sys
import threading
import warnings

import numpy as np

__all__ = [
    "KerasBackendWarning",
    "choose_backend",
    "import_keras",
    "quiet_keras_numpy_deprecation",
    "seeded",
]

DEFAULT_BACKEND = "jax"

# Backends that can train, in the order tried when neither the environment nor
# keras.json names an installed one.
_TRAINING_BACKENDS = ("jax", "tensorflow", "torch")

_BACKEND_PACKAGES = {
    "jax": "jax",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "numpy": "numpy",
    "openvino": "openvino",
}

_INSTALL_HINT = "pip install 'skseq[keras]' (Keras 3 and JAX)"


class KerasBackendWarning(UserWarning):
    """Keras was imported before skseq with a backend that cannot train."""


def _installed(backend):
    package = _BACKEND_PACKAGES.get(backend)
    return package is not None and importlib.util.find_spec(package) is not None


def _keras_config_path():
    # Same lookup as Keras: $KERAS_HOME, else ~/.keras, else /tmp/.keras when
    # the home directory is not writable.
    if "KERAS_HOME" in os.environ:
        return os.path.join(os.environ["KERAS_HOME"], "keras.json")
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras", "keras.json")


def _configured_backend():
    """Backend named in keras.json, or None when absent or unreadable."""
    try:
        with open(_keras_config_path(), encoding="utf-8") as file:
            config = json.load(file)
    except (OSError, ValueError):
        return None
    backend = config.get("backend") if isinstance(config, dict) else None
    return backend if isinstance(backend, str) else None


def choose_backend():
    """Name of the Keras backend skseq would import Keras with.

    ``KERAS_BACKEND`` wins when set.  Otherwise the ``keras.json`` backend is
    used when its package is installed: Keras writes that file with
    ``"tensorflow"`` on its first import, so the file alone is no evidence of
    a choice.  Otherwise JAX, or the first installed training backend.

    Returns
    -------
    backend : str
    """
    requested = os.environ.get("KERAS_BACKEND")
    if requested:
        return requested
    configured = _configured_backend()
    if configured is not None and _installed(configured):
        return configured
    for backend in (DEFAULT_BACKEND, *_TRAINING_BACKENDS):
        if _installed(backend):
            return backend
    raise ImportError(
        "skseq's neural estimators need Keras 3 with a backend such as JAX, "
        f"TensorFlow or PyTorch, and none is installed: {_INSTALL_HINT}."
    )


@contextlib.contextmanager
def _environment_variable(name, value):
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def _check_imported_backend(keras):
    backend = keras.backend.backend()
    if backend not in _TRAINING_BACKENDS or not _installed(backend):
        warnings.warn(
            f"Keras was already imported with the {backend!r} backend, which "
            "cannot train skseq's networks. Keras cannot switch backends once "
            "imported: set KERAS_BACKEND (e.g. to 'jax') before anything "
            "imports keras.",
            KerasBackendWarning,
            stacklevel=3,
        )


def import_keras():
    """Return the `keras` module, importing it with a usable backend if needed.

    When Keras is already imported, its backend is kept (a warning says so
    when that backend cannot train).  Otherwise the backend is picked by
    `choose_backend` and set only for the duration of the import.

    Returns
    -------
    keras : module
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        _check_imported_backend(keras)
        return keras
    if importlib.util.find_spec("keras") is None:
        raise ImportError(f"skseq's neural estimators need Keras 3: {_INSTALL_HINT}.")
    # Importing Keras and its backend draws from the global NumPy generator;
    # the caller's random state must not depend on when skseq imports it.
    numpy_state, python_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        with _environment_variable("KERAS_BACKEND", choose_backend()):
            keras = importlib.import_module("keras")
    finally:
        np.random.set_state(numpy_state)  # noqa: NPY002
        random.setstate(python_state)
    return keras


def _keras_global_state():
    # Keras keeps its global seed and seed generator in a thread-local store
    # that has no public getter; without it they could not be restored.
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # pragma: no cover - layout of another Keras release
        return None
    return global_state


_KERAS_SEED_ATTRIBUTES = ("global_random_seed", "global_seed_generator")


def _save_random_state(keras):
    # The legacy global NumPy state is what Keras seeds and shuffles with.
    numpy_state = np.random.get_state()  # noqa: NPY002
    saved = {"python": random.getstate(), "numpy": numpy_state}
    global_state = _keras_global_state()
    if global_state is not None:
        saved["keras"] = {
            name: global_state.get_global_attribute(name)
            for name in _KERAS_SEED_ATTRIBUTES
        }
    if keras.backend.backend() == "torch":
        import torch

        saved["torch"] = torch.random.get_rng_state()
    return saved


def _restore_random_state(saved):
    random.setstate(saved["python"])
    np.random.set_state(saved["numpy"])  # noqa: NPY002
    global_state = _keras_global_state()
    for name, value in saved.get("keras", {}).items():
        global_state.set_global_attribute(name, value)
    if "torch" in saved:
        import torch

        torch.random.set_rng_state(saved["torch"])


class _ThreadSeededRandom:
    """The ``random`` module, except inside `seeded` blocks of this thread.

    Keras draws the seeds of initializers and layers created without one
    from the ``random`` module, which every thread of the process shares: a
    Dask worker's heartbeat (``dask.sizeof`` samples at random) landing while
    a network is built would change its weights.  During a `seeded` block
    Keras's seed module gets this stand-in instead, which serves the block's
    thread from the block's own generator and every other thread from
    ``random`` as before.
    """

    def __init__(self):
        self._local = threading.local()

    @property
    def generator(self):
        return getattr(self._local, "generator", None)

    @generator.setter
    def generator(self, value):
        self._local.generator = value

    def __getattr__(self, name):
        generator = self.generator
        return getattr(random if generator is None else generator, name)


_SEED_RANDOM = _ThreadSeededRandom()


def _keras_seed_module():
    # Where Keras keeps the generator it draws default seeds from; absent
    # from other Keras releases, where seeds come from the shared module.
    try:
        from keras.src.random import seed_generator
    except ImportError:  # pragma: no cover - layout of another Keras release
        return None
    if not hasattr(seed_generator, "python_random"):  # pragma: no cover
        return None
    return seed_generator


# Keras seeds and shuffles with process-wide generators (NumPy's legacy
# global state, Python's `random`), so two fits running at once in threads
# would draw from each other's streams.  Seeded blocks take turns instead:
# fits in threads give exactly the results of the same fits run one by one.
_SEEDED_BLOCK = threading.RLock()


@contextlib.contextmanager
def seeded(keras, seed):
    """Seed Python, NumPy and Keras for a block, then put their state back.

    Weight initialisation, dropout masks and shuffling inside the block are
    reproducible from ``seed``; code outside sees the random state it had
    before.  Blocks in different threads run one at a time.  For the block
    only, Keras's seed module draws its default seeds from a generator of
    the block's own (`_ThreadSeededRandom`), so other threads drawing from
    ``random`` meanwhile change nothing; the module is put back afterwards.
    (TensorFlow's own op-level seed, which Keras also sets when TensorFlow is
    installed, has no getter and is not restored.)

    Parameters
    ----------
    keras : module
    seed : int
    """
    with _SEEDED_BLOCK:
        saved = _save_random_state(keras)
        seed_module = _keras_seed_module()
        outer_generator = _SEED_RANDOM.generator
        outer_random = seed_module.python_random if seed_module is not None else None
        try:
            keras.utils.set_random_seed(int(seed))
            if seed_module is not None:
                seed_module.python_random = _SEED_RANDOM
                _SEED_RANDOM.generator = random.Random(int(seed))
            yield
        finally:
            _SEED_RANDOM.generator = outer_generator
            if seed_module is not None:
                seed_module.python_random = outer_random
            _restore_random_state(saved)


@contextlib.contextmanager
def quiet_keras_numpy_deprecation():
    """Silence Keras's own NumPy 2 ``__array__`` deprecation for a block.

    Keras variables implement ``__array__`` without NumPy 2's ``copy``
    keyword, so ``Variable.numpy()`` (used by ``model.get_weights()``,
    ``EarlyStopping(restore_best_weights=True)`` and optimizer configs) warns
    on every call.  The warning is about Keras, not about the user's code.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="__array__ implementation doesn't accept a copy",
            category=DeprecationWarning,
        )
        yield
