"""scikit-learn's estimator checks for every skseq estimator and transformer.

2-D input means windows of one feature, so the checks' generic data works.
Window transformers output lazy windows; the checks materialise them, which
warns for operations that also change targets: that warning is expected here.
"""

import numpy as np
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


# scikit-learn's full suite feeds numeric tables only.  The text estimators
# run it through test-only subclasses that read each row of a table as a
# document with one word per column and rounded value ("c0p3 c1m1"), so that
# the suite exercises their fit, predict, transform, cloning and pickling.
# What the checks expect of a table's validation does not apply to
# documents: those checks are expected to fail, each for the reason given.
def _rows_as_documents(X):
    X = np.asarray(X)
    if X.ndim != 2 or X.dtype.kind not in "biuf":
        raise ValueError(f"expected a 2-D numeric table, got {X.dtype} {X.shape}")
    words = np.char.add("c", np.arange(X.shape[1]).astype(str))
    values = np.round(X).astype(np.int64)
    signs = np.where(values < 0, "m", "p")
    tokens = np.char.add(np.char.add(words, signs), np.abs(values).astype(str))
    return [" ".join(row) for row in tokens]


class _ReadsTables:
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        tags.input_tags.one_d_array = False
        return tags

    def fit(self, X, y=None):
        return super().fit(_rows_as_documents(X), y)


class TextTokenizerOnTables(_ReadsTables, TextTokenizer):
    def fit_transform(self, X, y=None):
        return super().fit_transform(_rows_as_documents(X), y)

    def transform(self, X):
        return super().transform(_rows_as_documents(X))


class SentimentRNNClassifierOnTables(_ReadsTables, SentimentRNNClassifier):
    def predict_proba(self, X):
        return super().predict_proba(_rows_as_documents(X))


_NO_COLUMNS = "documents have no columns, so n_features_in_ is not set"
_ANY_LENGTH = "documents have no columns: predicting on more or fewer words is valid"
_WORDS = "the test adaptor writes any value as a word; documents are validated as text"
TABLE_READERS_EXPECTED_FAILURES = {
    "check_n_features_in": _NO_COLUMNS,
    "check_n_features_in_after_fitting": _NO_COLUMNS,
    "check_fit2d_predict1d": _NO_COLUMNS,
    "check_classifiers_train": _ANY_LENGTH,
    "check_transformer_general": _ANY_LENGTH,
    "check_complex_data": _WORDS,
    "check_dtype_object": _WORDS,
    "check_estimators_nan_inf": _WORDS,
    "check_estimators_empty_data_messages": _WORDS,
    "check_estimator_sparse_tag": _WORDS,
    "check_estimator_sparse_array": _WORDS,
    "check_estimator_sparse_matrix": _WORDS,
}


@parametrize_with_checks(
    [
        TextTokenizerOnTables(),
        # Without a recurrent layer (tested in tests/classification) the
        # checks of the estimator's contract take half the time.
        SentimentRNNClassifierOnTables(
            cell=None, embedding_dim=2, epochs=1, use_ema=False, random_state=0
        ),
    ],
    expected_failed_checks=lambda est: TABLE_READERS_EXPECTED_FAILURES,
)
def test_text_estimators_pass_sklearn_checks_on_tables(estimator, check):
    check(estimator)
