"""scikit-learn's estimator checks for every skseq estimator and transformer.

2-D input means windows of one feature, so the checks' generic data works.
Window transformers output lazy windows; the checks materialise them, which
warns for operations that also change targets: that warning is expected here.
"""

import pytest
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_param_validation,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
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
from skseq.text import RNNLanguageModel

ESTIMATORS = [
    NaiveForecaster(),
    NaiveForecaster(strategy="drift"),
    LinearWindowRegressor(),
    LinearWindowRegressor(alpha=1.0),
    ConformalForecaster(LinearWindowRegressor(alpha=1.0)),
    LookbackWindow(length=1),
    SequenceScaler(),
    WindowNormalizer(),
    WindowNormalizer(method="zscore"),
    SeasonalDifferencer(period=1),
    # Tiny networks: every check fits several times and JAX compiles per fit.
    # The checks' windows can be 2 steps long, hence kernel_size=2.
    RNNForecaster(units=(4,), epochs=2, random_state=0),
    GRUForecaster(units=(4,), epochs=2, random_state=0),
    GRUForecaster(units=(4,), epochs=2, scaling="window", random_state=0),
    ConvGRUForecaster(
        filters=4, kernel_size=2, strides=1, units=(4,), epochs=2, random_state=0
    ),
]

# Window transformers return lazy SequenceWindows, which are not arrays of
# any array-API namespace (np.asarray materialises them).
_LAZY_OUTPUT = {
    "check_array_api_input": "transform returns lazy SequenceWindows, not an "
    "array of an array-API namespace"
}
EXPECTED_FAILED_CHECKS = {
    name: _LAZY_OUTPUT
    for name in (
        "LookbackWindow",
        "SequenceScaler",
        "WindowNormalizer",
        "SeasonalDifferencer",
    )
}


@pytest.mark.filterwarnings("ignore::skseq.TargetTransformWarning")
@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# scikit-learn's checks generate numeric 2-D data only, and skip estimators
# whose input tag is text (SkipTestWarning "Can't test estimator ... string").
# The text estimators run the checks that need no data here; their fit,
# predict, cloning and pickling on text are tested in tests/classification.
TEXT_ESTIMATORS = [
    TextTokenizer(),
    SentimentRNNClassifier(units=2, embedding_dim=2, epochs=1, random_state=0),
    RNNLanguageModel(units=2, embedding_dim=2, epochs=1, random_state=0),
]
DATA_FREE_CHECKS = [
    check_get_params_invariance,
    check_set_params,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_param_validation,
]


@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_text_estimators_pass_data_free_checks(estimator, check):
    check(type(estimator).__name__, estimator)
