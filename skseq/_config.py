"""Process-wide settings of skseq, and the caches they govern.

skseq keeps one piece of state beyond a single estimator: on the JAX backend,
networks of the same architecture share their compiled training and
prediction steps (see `set_config`), so that a grid search does not spend a
second of XLA compilation on every fit.  These functions make that state
visible and controllable, in the style of `sklearn.set_config`.
"""

import contextlib
import sys
import threading

__all__ = ["clear_keras_caches", "config_context", "get_config", "set_config"]

_DEFAULTS = {"share_compiled_steps": True, "max_compiled_architectures": 1}
_config = dict(_DEFAULTS)
_lock = threading.Lock()


def get_config():
    """Current values of skseq's settings.

    Returns
    -------
    config : dict
        Keys are the parameters of `set_config`.

    See Also
    --------
    set_config : Change a setting.
    config_context : Change settings for a block of code.

    Examples
    --------
    >>> import skseq
    >>> skseq.get_config()["share_compiled_steps"]
    True
    """
    with _lock:
        return dict(_config)


def _check_setting(name, value):
    if name == "share_compiled_steps" and not isinstance(value, bool):
        raise ValueError(
            f"The 'share_compiled_steps' parameter of set_config must be True or "
            f"False. Got {value!r} instead."
        )
    if name == "max_compiled_architectures" and (
        isinstance(value, bool) or not isinstance(value, int) or value < 1
    ):
        raise ValueError(
            "The 'max_compiled_architectures' parameter of set_config must be an "
            f"int in the range [1, inf). Got {value!r} instead."
        )


def set_config(share_compiled_steps=None, max_compiled_architectures=None):
    """Change skseq's process-wide settings; None leaves a setting as it is.

    Parameters
    ----------
    share_compiled_steps : bool, default=None
        On the JAX backend, let a network reuse the compiled training,
        validation and prediction steps of an earlier network with the same
        architecture, compile settings and variable shapes (initially True).
        Results are identical either way (each fit builds and seeds its own
        network); sharing saves about a second of compilation per fit.
    max_compiled_architectures : int, default=None
        How many architectures' compiled steps are kept (initially 1).
        It bounds memory: once this many *new* architectures have been
        compiled since the last clean-up, skseq clears its shared steps and
        JAX's compilation caches (`clear_keras_caches`), which otherwise keep
        some 30 MB per architecture (a grid search over ``units`` reached
        gigabytes).  One suits a grid search, which fits all folds of a
        candidate in a row: 300 fits of 300 architectures grow by 91 MB with
        1, 114 MB with 2 and 503 MB with 16
        (``benchmarks/bench_many_fits.py``).  Raise it when a process keeps
        alternating between a few architectures.

    See Also
    --------
    get_config : The current settings.
    config_context : Change settings for a block of code.
    clear_keras_caches : Free the compiled steps now.

    Examples
    --------
    >>> import skseq
    >>> skseq.set_config(share_compiled_steps=False)
    >>> skseq.get_config()["share_compiled_steps"]
    False
    >>> skseq.set_config(share_compiled_steps=True)
    """
    changes = {
        "share_compiled_steps": share_compiled_steps,
        "max_compiled_architectures": max_compiled_architectures,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    for name, value in changes.items():
        _check_setting(name, value)
    with _lock:
        _config.update(changes)


@contextlib.contextmanager
def config_context(**settings):
    """Change skseq's settings inside a ``with`` block, then put them back.

    The settings are process-wide: other threads see them during the block.

    Parameters
    ----------
    **settings
        Parameters of `set_config`.

    See Also
    --------
    set_config : Change settings for good.

    Examples
    --------
    >>> import skseq
    >>> with skseq.config_context(share_compiled_steps=False):
    ...     skseq.get_config()["share_compiled_steps"]
    False
    >>> skseq.get_config()["share_compiled_steps"]
    True
    """
    unknown = sorted(set(settings) - set(_DEFAULTS))
    if unknown:
        raise TypeError(
            f"config_context got unknown settings {unknown}; the settings are "
            f"{sorted(_DEFAULTS)}."
        )
    previous = get_config()
    set_config(**settings)
    try:
        yield
    finally:
        set_config(**previous)


def clear_keras_caches():
    """Free the compiled steps that skseq and JAX keep between fits.

    Forgets every compiled step that skseq shares between networks and, when
    JAX has been imported, clears JAX's compilation caches
    (``jax.clear_caches()``).  Fitted estimators keep working: their steps
    are compiled again on their next use.  Nothing is imported that was not
    imported already.

    See Also
    --------
    set_config : ``max_compiled_architectures`` bounds these caches.

    Examples
    --------
    >>> import skseq
    >>> skseq.clear_keras_caches()
    """
    compiled = sys.modules.get("skseq._keras._compiled")
    if compiled is not None:
        compiled.clear_compiled_functions()
    jax = sys.modules.get("jax")
    if jax is not None:
        jax.clear_caches()
