"""One declarative way to check parameters: scikit-learn's constraints.

Every skseq estimator and transformer declares ``_parameter_constraints`` and
checks them at the start of ``fit`` (`_fit_context`), and public functions
use `validate_params`, exactly as scikit-learn does, so a bad value gets the
message scikit-learn users know::

    The 'units' parameter of GRUForecaster must be an int in the range
    [1, inf) or a non-empty sequence of ints >= 1. Got 0 instead.

That machinery is private to scikit-learn, so this module is the only place
that imports it (as Keras's scikit-learn wrapper does in ``fixes.py``); a
change of scikit-learn's internals is mended here alone.  It adds the few
constraints skseq needs, and one helper for rules that tie two parameters.
"""

import numbers

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    InvalidParameterError,
    Options,
    StrOptions,
    generate_invalid_param_val,
    make_constraint,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils._param_validation import Interval as _SklearnInterval

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "LayerSizes",
    "Options",
    "StrOptions",
    "fit_context",
    "generate_invalid_param_val",
    "invalid_parameter",
    "make_constraint",
    "meta_fit_context",
    "validate_parameter_constraints",
    "validate_params",
]


def fit_context(fit_method):
    """Decorate ``fit``: check ``_parameter_constraints`` before anything else."""
    return _fit_context(prefer_skip_nested_validation=True)(fit_method)


def meta_fit_context(fit_method):
    """`fit_context` of a meta-estimator, whose inner estimator checks its own."""
    return _fit_context(prefer_skip_nested_validation=False)(fit_method)


class Interval(_SklearnInterval):
    """scikit-learn's `Interval`, except that True and False are not numbers.

    ``bool`` is a subclass of ``int``, so ``epochs=True`` would otherwise be
    one epoch and ``delay=False`` zero steps.
    """

    def is_satisfied_by(self, val):
        if isinstance(val, (bool, np.bool_)):
            return False
        return super().is_satisfied_by(val)


def _is_positive_int(value):
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, (bool, np.bool_))
        and value >= 1
    )


class LayerSizes(Options):
    """Units of stacked layers: a positive int, or a non-empty sequence of them.

    An `Options` only so that scikit-learn's ``make_constraint`` accepts it.
    """

    def __init__(self):
        super().__init__(object, set())

    def is_satisfied_by(self, val):
        if _is_positive_int(val):
            return True
        if isinstance(val, (str, bytes)) or not isinstance(val, (list, tuple)):
            return False
        return len(val) > 0 and all(_is_positive_int(units) for units in val)

    def __str__(self):
        return "an int >= 1 or a non-empty list or tuple of ints >= 1"


def layer_sizes(units):
    """Units per layer as a tuple of ints; an int means one layer."""
    return (int(units),) if _is_positive_int(units) else tuple(map(int, units))


def invalid_parameter(owner, name, allowed, value):
    """The error for a value that is valid alone but not with other settings.

    Worded like the constraint errors, so that every bad parameter reads the
    same whichever check found it.

    Parameters
    ----------
    owner : estimator instance or str
        The estimator (its class name is used) or a function name.
    name : str
        The parameter.
    allowed : str
        What would be valid, e.g. ``"an int >= 1 with strategy='seasonal_last'"``.
    value : object
        The value received.

    Returns
    -------
    error : InvalidParameterError
    """
    owner = owner if isinstance(owner, str) else type(owner).__name__
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {allowed}. Got {value!r} instead."
    )
