import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq.classification import SENTIMENT_TOKEN_PATTERN, TextTokenizer

DOCS = ["A great, great film", "a dull film", "Great acting!", "dull dull plot"]


def test_vocabulary_ranks_by_frequency_then_alphabetically():
    tokenizer = TextTokenizer().fit(DOCS)
    assert tokenizer.vocabulary_ == {
        "dull": 2,
        "great": 3,
        "film": 4,
        "acting": 5,
        "plot": 6,
    }
    assert tokenizer.vocabulary_size_ == 7
    assert tokenizer.input_kind_ == "text"


def test_vocabulary_does_not_depend_on_document_order():
    forward = TextTokenizer(max_features=5).fit(DOCS).vocabulary_
    backward = TextTokenizer(max_features=5).fit(DOCS[::-1]).vocabulary_
    assert forward == backward


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("It isn't a ''great'' film!", "it is n't a great film !"),
        ("I'd say it's 2 hours, why?", "i 'd say it 's 2 hours why ?"),
        ("Can't. Won't? O'Brien's", "ca n't wo n't ? o brien 's"),
    ],
)
def test_sentiment_token_pattern_keeps_negations_and_marks(text, tokens):
    tokenizer = TextTokenizer(token_pattern=SENTIMENT_TOKEN_PATTERN)
    ids = tokenizer.fit_transform([text])[0]
    vocabulary = {i: token for token, i in tokenizer.vocabulary_.items()}
    assert " ".join(vocabulary[i] for i in ids) == tokens


def test_max_features_counts_reserved_ids():
    tokenizer = TextTokenizer(max_features=4).fit(DOCS)
    assert tokenizer.vocabulary_ == {"dull": 2, "great": 3}
    assert tokenizer.vocabulary_size_ == 4
    assert tokenizer.transform(DOCS).max() == 3


def test_pads_and_truncates_at_the_front():
    tokenizer = TextTokenizer(max_length=3).fit(DOCS)
    Xt = tokenizer.transform(["great dull film acting", "plot"])
    np.testing.assert_array_equal(Xt, [[2, 4, 5], [0, 0, 6]])
    assert Xt.dtype == np.int32


def test_max_length_none_learns_longest_document():
    tokenizer = TextTokenizer().fit(DOCS)
    assert tokenizer.max_length_ == 3
    assert tokenizer.transform(["great " * 10]).shape == (1, 3)


def test_unseen_tokens_and_empty_documents_at_transform():
    tokenizer = TextTokenizer(max_length=4).fit(DOCS)
    Xt = tokenizer.transform(["", "!!!", "unheard of film"])
    np.testing.assert_array_equal(Xt, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 4]])


def test_lowercase_and_token_pattern():
    tokenizer = TextTokenizer(lowercase=False, token_pattern=r"\S+").fit(["Hi hi !"])
    assert set(tokenizer.vocabulary_) == {"Hi", "hi", "!"}
    pattern = TextTokenizer(token_pattern=r"(\w+)!").fit(["wow! ok! no"])
    assert set(pattern.vocabulary_) == {"wow", "ok"}


def test_fit_transform_equals_fit_then_transform():
    tokenizer = TextTokenizer(max_features=5, max_length=4)
    np.testing.assert_array_equal(
        tokenizer.fit_transform(DOCS), clone(tokenizer).fit(DOCS).transform(DOCS)
    )


@pytest.mark.parametrize(
    "container",
    [list, tuple, np.array, pd.Series, lambda docs: pd.DataFrame({"text": docs})],
)
def test_accepts_common_containers(container):
    expected = TextTokenizer().fit_transform(DOCS)
    np.testing.assert_array_equal(
        TextTokenizer().fit_transform(container(DOCS)), expected
    )


def test_integer_sequences_are_clipped_to_max_features():
    sequences = [[1, 14, 22, 16], [1, 5], []]
    tokenizer = TextTokenizer(max_features=20, max_length=3).fit(sequences)
    assert tokenizer.input_kind_ == "ids"
    assert tokenizer.vocabulary_size_ == 20
    np.testing.assert_array_equal(
        tokenizer.transform(sequences + [np.array([30, 2])]),
        [[14, 1, 16], [0, 1, 5], [0, 0, 0], [0, 1, 2]],
    )


def test_integer_sequences_without_max_features():
    tokenizer = TextTokenizer(max_features=None).fit([(3, 9), (4,)])
    assert tokenizer.vocabulary_size_ == 10
    assert tokenizer.vocabulary_ == {i: i for i in range(2, 10)}
    np.testing.assert_array_equal(tokenizer.transform([[12, 9]]), [[1, 9]])


def test_padded_integer_matrix_is_sequences():
    X = np.array([[0, 3, 4], [5, 6, 7]])
    np.testing.assert_array_equal(TextTokenizer().fit_transform(X), X)


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ("one document", TypeError, r"single str; wrap it in a list"),
        (["good", None], TypeError, r"X\[1\] is missing \(None\)"),
        (pd.Series(["good", np.nan]), TypeError, r"X\[1\] is missing \(nan\)"),
        (["good", 3], TypeError, r"X\[1\] is a int \(3\)"),
        ([b"bytes"], TypeError, r"X\[0\] is a bytes"),
        (["good", [2, 3]], ValueError, r"mixes str documents \(X\[0\]\) and int"),
        ([[2, 3], "good"], ValueError, r"mixes integer token sequences"),
        ([[2.5, 3.0]], TypeError, r"X\[0\] must be a 1-D sequence of integer"),
        ([[[2, 3]]], TypeError, r"X\[0\] must be a 1-D sequence"),
        ([[2, -3]], ValueError, r"negative token id \(-3\)"),
        (42, TypeError, r"iterable of str documents .* got int"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, r"2 columns"),
    ],
)
def test_bad_documents_are_rejected_clearly(X, error, match):
    with pytest.raises(error, match=match):
        TextTokenizer().fit(X)


@pytest.mark.parametrize("X", [[], ["", "  ", "!?"], [[], []]])
def test_fit_needs_at_least_one_token(X):
    with pytest.raises(ValueError, match=r"empty"):
        TextTokenizer().fit(X)


def test_transform_requires_the_kind_seen_in_fit():
    tokenizer = TextTokenizer().fit(DOCS)
    with pytest.raises(ValueError, match=r"fitted on str documents, but `X` holds"):
        tokenizer.transform([[2, 3]])
    np.testing.assert_array_equal(tokenizer.transform([]), np.empty((0, 3)))


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"max_features": 2}, ValueError, r"`max_features` .* int >= 3"),
        ({"max_features": 1.5}, TypeError, r"`max_features` must be None or an int"),
        ({"max_length": 0}, ValueError, r"`max_length` must be None or an int >= 1"),
        ({"max_length": True}, TypeError, r"`max_length`"),
        ({"token_pattern": "("}, ValueError, r"not a valid regular expression"),
        ({"token_pattern": r"(a)(b)"}, ValueError, r"at most one"),
        ({"token_pattern": None}, TypeError, r"`token_pattern` must be"),
    ],
)
def test_bad_parameters_name_the_argument(params, error, match):
    with pytest.raises(error, match=match):
        TextTokenizer(**params).fit(DOCS)


def test_not_fitted_and_no_n_features_in():
    with pytest.raises(NotFittedError):
        TextTokenizer().transform(DOCS)
    tokenizer = TextTokenizer().fit(DOCS)
    assert not hasattr(tokenizer, "n_features_in_")


def test_clone_params_and_pickle():
    tokenizer = TextTokenizer(max_features=5, max_length=2)
    assert clone(tokenizer).get_params() == tokenizer.get_params()
    fitted = tokenizer.fit(DOCS)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(DOCS), fitted.transform(DOCS))


def test_works_in_a_pipeline():
    pipeline = make_pipeline(
        FunctionTransformer(lambda docs: [doc.replace("!", " ") for doc in docs]),
        TextTokenizer(max_length=2),
    )
    assert pipeline.fit_transform(DOCS).shape == (4, 2)


def test_tags_describe_text_input():
    tags = TextTokenizer().__sklearn_tags__()
    assert tags.input_tags.string
    assert tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array
