"""Checks of hyper-parameters, with errors that name argument and value."""

import numbers

__all__ = [
    "check_bool",
    "check_choice",
    "check_fraction",
    "check_positive_float",
    "check_positive_int",
    "check_units",
    "invalid_value",
]


def invalid_value(name, expected, value):
    """The ValueError for a bad hyper-parameter, worded like Keras."""
    return ValueError(
        f"Received an invalid value for argument `{name}`, expected {expected}, "
        f"got {value!r}"
    )


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(value, name):
    if not _is_int(value) or value < 1:
        raise invalid_value(name, "a positive integer", value)
    return int(value)


def check_positive_float(value, name):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not value > 0
        or value == float("inf")
    ):
        raise invalid_value(name, "a positive finite number", value)
    return float(value)


def check_fraction(value, name):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not (0 < value < 1)
    ):
        raise invalid_value(name, "a number strictly between 0 and 1", value)
    return float(value)


def check_bool(value, name):
    if not isinstance(value, (bool, numbers.Integral)) or value not in (0, 1):
        raise invalid_value(name, "True or False", value)
    return bool(value)


def check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise invalid_value(name, f"one of {allowed}", value)
    return value


def check_units(value, name="units"):
    """Units per layer as a tuple; an int means one layer."""
    expected = "a positive integer or a non-empty sequence of positive integers"
    layers = (value,) if _is_int(value) else value
    try:
        layers = tuple(layers)
    except TypeError:
        raise invalid_value(name, expected, value) from None
    if not layers or not all(_is_int(units) and units > 0 for units in layers):
        raise invalid_value(name, expected, value)
    return tuple(int(units) for units in layers)
