"""Every parameter of every public estimator and transformer is validated.

Each class declares ``_parameter_constraints`` for all of its parameters; a
wrong type and a wrong value of each parameter must fail ``fit`` with an
`InvalidParameterError` (a ValueError and TypeError) whose message names the
parameter, the class and the value received, in scikit-learn's wording.
"""

import re

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_param_validation

from skseq import make_windows
from skseq._param_validation import (
    InvalidParameterError,
    generate_invalid_param_val,
    make_constraint,
)
from skseq.classification import SentimentRNNClassifier, TextTokenizer
from skseq.forecasting import (
    ConformalForecaster,
    ConvGRUForecaster,
    GRUForecaster,
    LinearWindowRegressor,
    NaiveForecaster,
    RNNForecaster,
)
from skseq.preprocessing import (
    LookbackWindow,
    SeasonalDifferencer,
    SequenceScaler,
    WindowNormalizer,
)

TEXTS = ["a fine film", "dull and slow", "fine fun", "slow dull plot"] * 3
LABELS = ["pos", "neg", "pos", "neg"] * 3
WINDOWS = make_windows(np.sin(np.arange(40) / 3), window_length=6)

# Small settings so that a wrong value caught while building the network
# costs little; each test changes one parameter of these.
TINY = {"units": 2, "epochs": 1, "random_state": 0}
CLASSES = {
    NaiveForecaster: ({}, WINDOWS),
    LinearWindowRegressor: ({}, WINDOWS),
    ConformalForecaster: ({"estimator": NaiveForecaster()}, WINDOWS),
    RNNForecaster: (TINY, WINDOWS),
    GRUForecaster: (TINY, WINDOWS),
    ConvGRUForecaster: ({**TINY, "filters": 2, "kernel_size": 2}, WINDOWS),
    SentimentRNNClassifier: ({**TINY, "embedding_dim": 2}, (TEXTS, LABELS)),
    TextTokenizer: ({}, (TEXTS,)),
    LookbackWindow: ({}, WINDOWS[:1]),
    SequenceScaler: ({}, WINDOWS[:1]),
    WindowNormalizer: ({}, WINDOWS[:1]),
    SeasonalDifferencer: ({}, WINDOWS[:1]),
}

# Values of the right type that no constraint can reject by type alone
# (names, patterns, layer lists), or where the generated value would be of
# the wrong type anyway.
WRONG_VALUES = {
    "units": [2, 0],
    "loss": "no-such-loss",
    "optimizer": "no-such-optimizer",
    "callbacks": ["not a callback"],
    "class_weight": {"unknown label": 2.0},
    "token_pattern": "(unclosed",
    "fit_intercept": "yes",
}


class BadType:
    """A value that is of no parameter's type."""

    def __repr__(self):
        return "BadType()"


def wrong_value(name, constraints):
    """A value of the right kind that the constraints (or fit) reject."""
    if name in WRONG_VALUES:
        return WRONG_VALUES[name]
    constraints = [make_constraint(c) for c in constraints]
    for constraint in constraints:
        try:
            value = generate_invalid_param_val(constraint)
        except NotImplementedError:
            continue
        if not any(other.is_satisfied_by(value) for other in constraints):
            return value
    return "yes"  # booleans: the string a user might try


def cases():
    for cls in CLASSES:
        for name, constraints in cls._parameter_constraints.items():
            yield pytest.param(cls, name, BadType(), id=f"{cls.__name__}-{name}-type")
            value = wrong_value(name, constraints)
            yield pytest.param(cls, name, value, id=f"{cls.__name__}-{name}-value")


@pytest.mark.parametrize("cls", list(CLASSES), ids=lambda cls: cls.__name__)
def test_every_parameter_has_constraints(cls):
    params, _ = CLASSES[cls]
    # A meta-estimator's get_params also lists its estimator's, as
    # estimator__<name>; those are the estimator's to check.
    own = cls(**params).get_params(deep=False)
    assert set(cls._parameter_constraints) == set(own)


@pytest.mark.parametrize(("cls", "name", "value"), list(cases()))
def test_bad_parameter_error_names_parameter_and_value(cls, name, value):
    params, data = CLASSES[cls]
    estimator = cls(**{**params, name: value})
    pattern = (
        rf"The '{name}' parameter of {cls.__name__} must be .+\. "
        rf"Got {re.escape(repr(value))} instead\."
    )
    with pytest.raises(InvalidParameterError, match=pattern):
        estimator.fit(*data)


@pytest.mark.parametrize("cls", list(CLASSES), ids=lambda cls: cls.__name__)
def test_scikit_learn_parameter_validation_check(cls):
    params, _ = CLASSES[cls]
    check_param_validation(cls.__name__, cls(**params))
