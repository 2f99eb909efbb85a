"""Compiled step functions shared by networks of one architecture (JAX).

A grid search fits a fresh network for every candidate and fold, and on JAX
each fresh network compiles its own training, validation and prediction
steps: about a second of XLA compilation against milliseconds of work for a
small network.  On JAX those steps are pure functions of the network's state
(weights, optimizer slots, seeds and metrics are passed in and returned), so
two networks with the same architecture, compile settings and variable shapes
can run the very same compiled functions.  Each fit still builds its own
network from its own ``random_state``, so weights, optimizer state and results
are exactly those of a fit that compiles afresh.

Only JAX is shared: TensorFlow's ``tf.function`` steps capture the variables
of the network that traced them, and PyTorch compiles nothing by default.
"""

import ctypes
import functools
import json
import sys
import threading
import warnings
import weakref

from .._config import get_config

__all__ = [
    "attach_compiled_functions",
    "clear_compiled_functions",
    "publish_compiled_functions",
]

_FUNCTION_NAMES = ("train_function", "test_function", "predict_function")


class _CompiledFunctions:
    """Compiled functions by architecture key, cleared in generations.

    Every network that compiles steps of its own (a new architecture, or one
    that cannot be shared) adds XLA executables that JAX keeps in caches of
    its own, even after the network is gone: a grid search over ``units``
    grew by about 30 MB per fit.  So once ``max_compiled_architectures`` new
    compilations have happened since the last clean-up, the next one starts
    a new generation: the shared functions are forgotten and JAX's caches
    cleared.  Networks still alive then compile again on their next use.
    """

    def __init__(self):
        self._functions = {}
        # Networks that compile steps of their own, until they publish them.
        self._compiling = weakref.WeakSet()
        self._new_compilations = 0
        self._lock = threading.Lock()

    def attach(self, keras, model):
        """Give ``model`` the cached functions it has not compiled itself."""
        config = get_config()
        key = None
        if config["share_compiled_steps"]:
            key = _architecture_key(keras, model)
        with self._lock:
            functions = self._functions.get(key) if key is not None else None
            if functions is None:
                self._count_new_compilation(keras, config)
                self._compiling.add(model)
                return
        for name, function in functions.items():
            if getattr(model, name, None) is None:
                setattr(model, name, function)

    def _count_new_compilation(self, keras, config):
        self._new_compilations += 1
        if self._new_compilations > config["max_compiled_architectures"]:
            self._functions.clear()
            self._new_compilations = 1
            if keras.backend.backend() == "jax":
                import jax

                jax.clear_caches()

    def publish(self, keras, model):
        """Keep the functions ``model`` compiled for later networks."""
        with self._lock:
            compiled_here = model in self._compiling
            self._compiling.discard(model)
        if compiled_here:
            # Compiling left temporaries behind, and earlier networks may be gone.
            return_freed_memory()
        if not get_config()["share_compiled_steps"]:
            return
        key = _architecture_key(keras, model)
        if key is None:
            return
        with self._lock:
            functions = self._functions.setdefault(key, {})
            for name in _FUNCTION_NAMES:
                function = getattr(model, name, None)
                if function is not None and name not in functions:
                    functions[name] = function

    def clear(self):
        with self._lock:
            self._functions.clear()
            self._new_compilations = 0


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None on other C libraries."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def return_freed_memory():
    """Give heap memory that networks no longer use back to the OS (glibc).

    Compiling and dropping networks frees many small blocks that glibc keeps
    for reuse rather than returning, so a process's resident memory grew by
    about 30 MB per architecture although the memory was free: a grid search
    over ``units`` reached gigabytes.  ``malloc_trim(0)`` returns it; it is
    called after each fit or predict that compiled steps of its own, where it
    costs milliseconds against the second that compiling took.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _without_names(config, layer_names):
    """``config`` with layer names replaced by positions and ``name`` keys dropped.

    Names are generated per construction (``gru_7``); positions are what
    identify a layer within one architecture.
    """
    if isinstance(config, dict):
        return {
            key: _without_names(value, layer_names)
            for key, value in config.items()
            if key != "name"
        }
    if isinstance(config, (list, tuple)):
        return [_without_names(value, layer_names) for value in config]
    if isinstance(config, str):
        return layer_names.get(config, config)
    return config


def _architecture_key(keras, model):
    with warnings.catch_warnings():
        return _checked_architecture_key(keras, model)


def _checked_architecture_key(keras, model):
    if keras.backend.backend() != "jax" or keras.distribution.distribution():
        return None
    if not model.compiled or model.run_eagerly or not model.jit_compile:
        return None
    layer_names = {layer.name: f"<layer {i}>" for i, layer in enumerate(model.layers)}
    layer_names[model.name] = "<model>"
    try:
        # Keras warns when it serialises a lambda (by its source code, which
        # does not identify a closure): such a network compiles on its own.
        warnings.simplefilter("ignore")
        warnings.filterwarnings("error", message=".*lambda", category=UserWarning)
        description = {
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            "config": model.get_config(),
            "compile": model.get_compile_config(),
            "steps_per_execution": model.steps_per_execution,
            # Paths hold generated names too; order, shapes and dtypes suffice.
            "variables": [
                (variable.shape, variable.dtype) for variable in model.variables
            ],
        }
        return json.dumps(
            _without_names(description, layer_names),
            sort_keys=True,
            default=_not_serialisable,
        )
    except (TypeError, ValueError, NotImplementedError, UserWarning):
        # A custom layer, loss or optimizer without a plain config: compile
        # for this network alone rather than risk sharing a wrong function.
        return None


def _not_serialisable(value):
    raise TypeError(f"{type(value).__name__} has no plain configuration")


_CACHE = _CompiledFunctions()


def attach_compiled_functions(keras, model):
    """Reuse compiled steps of an earlier network of ``model``'s architecture.

    Call before ``fit`` or ``predict``; call `publish_compiled_functions`
    after, so that later networks can reuse what this one compiled.

    Parameters
    ----------
    keras : module
    model : keras.Model
        A compiled network whose variables are built.
    """
    _CACHE.attach(keras, model)


def publish_compiled_functions(keras, model):
    """Make ``model``'s compiled steps available to later networks like it."""
    _CACHE.publish(keras, model)


def clear_compiled_functions():
    """Forget every shared compiled function (public: `skseq.clear_keras_caches`)."""
    _CACHE.clear()
