"""RNNLanguageModel: tiny networks on tiny corpora, one fitted model shared."""

import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV

from skseq import config_context
from skseq._keras._backend import import_keras
from skseq._param_validation import InvalidParameterError
from skseq.text import RNNLanguageModel

TINY = dict(
    units=8,
    embedding_dim=8,
    batch_size=4,
    bptt_length=5,
    epochs=2,
    learning_rate=0.01,
    random_state=0,
)
CORPUS = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "a cat saw a dog",
    "the dog saw the cat .",
] * 15


@pytest.fixture(scope="module", autouse=True)
def shared_compiled_steps():
    """Keep every network's compiled steps for the fits that follow.

    A fit builds three networks (training, carried state, prediction), so
    the default of one architecture would clear JAX's caches twice a fit.
    """
    with config_context(max_compiled_architectures=8):
        yield


@pytest.fixture(scope="module")
def fitted():
    return RNNLanguageModel(**TINY).fit(CORPUS)


def test_vocabulary_reserves_eos_and_unk(fitted):
    assert fitted.vocabulary_["<eos>"] == 0
    assert fitted.vocabulary_["<unk>"] == 1
    assert fitted.vocabulary_size_ == len(fitted.vocabulary_) == 12
    assert fitted.tokens_[fitted.vocabulary_["cat"]] == "cat"
    # One <eos> per document, and one in front.
    assert fitted.n_tokens_ == sum(len(doc.split()) + 1 for doc in CORPUS) + 1
    assert fitted.n_iter_ == len(fitted.history_["val_loss"]) == 2


def test_score_is_the_mean_log_likelihood_of_predict_proba(fitted):
    tokens = "the dog sat on a mat".split()
    contexts = [" ".join(tokens[:i]) for i in range(len(tokens) + 1)]
    proba = fitted.predict_proba(contexts)
    ids = [fitted.vocabulary_[token] for token in tokens] + [0]
    expected = np.mean(np.log(proba[np.arange(len(ids)), ids]))
    assert fitted.score([" ".join(tokens)]) == pytest.approx(expected, rel=1e-5)


def test_perplexity_is_exp_of_minus_score_and_learning_lowers_it(fitted):
    score = fitted.score(CORPUS[:8])
    assert fitted.perplexity(CORPUS[:8]) == pytest.approx(math.exp(-score))
    # Uniform guessing over the vocabulary has perplexity vocabulary_size_.
    assert fitted.perplexity(CORPUS[:8]) < 0.8 * fitted.vocabulary_size_


def test_predict_proba_rows_are_distributions(fitted):
    proba = fitted.predict_proba(["the", "", "a cat saw"])
    assert proba.shape == (3, fitted.vocabulary_size_)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert fitted.predict(["the", ""]).tolist() == [
        fitted.tokens_[np.argmax(row)] for row in proba[:2]
    ]
    assert fitted.predict_proba([]).shape == (0, fitted.vocabulary_size_)


def test_unseen_tokens_count_as_unk(fitted):
    np.testing.assert_array_equal(
        fitted.predict_proba(["the zebra"]), fitted.predict_proba(["the <unk>"])
    )
    assert fitted.score(["a zebra sat"]) == fitted.score(["a <unk> sat"])


def test_generate_is_reproducible_with_a_seed(fitted):
    first = fitted.generate("the", 30, random_state=0)
    assert fitted.generate("the", 30, random_state=0) == first
    assert fitted.generate("the", 30, random_state=1) != first
    words = first.split()
    assert len(words) + first.count("\n") == 30
    assert "<unk>" not in words
    assert set(words) <= set(fitted.vocabulary_)
    greedy = fitted.generate("the dog", 1, temperature=0)
    assert greedy in (fitted.predict(["the dog"])[0], "\n")


def test_pickle_round_trip_predicts_identically(fitted):
    restored = pickle.loads(pickle.dumps(fitted))
    contexts = ["the cat", "a dog saw"]
    np.testing.assert_array_equal(
        restored.predict_proba(contexts), fitted.predict_proba(contexts)
    )
    assert restored.score(CORPUS[:4]) == fitted.score(CORPUS[:4])


def test_clone_refits_identically_with_the_same_seed(fitted):
    again = clone(fitted).fit(CORPUS)
    assert again.history_["loss"] == fitted.history_["loss"]
    np.testing.assert_array_equal(
        again.predict_proba(["the"]), fitted.predict_proba(["the"])
    )


def test_grid_search_over_units_maximises_the_score():
    search = GridSearchCV(
        RNNLanguageModel(**dict(TINY, epochs=1, early_stopping=False)),
        {"units": [4, 8]},
        cv=2,
        refit=False,
    ).fit(CORPUS)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["units"] == [4, 8][int(np.argmax(scores))]
    assert np.all(scores < 0)


@pytest.mark.parametrize("carry_state", [True, False])
def test_each_segment_starts_where_the_previous_one_ended(monkeypatch, carry_state):
    """The state fed to segment k + 1 is the state after reading the stream
    part up to the end of segment k, from zeros; or zeros with reset."""
    keras = import_keras()
    segments = []
    train_on_batch = keras.Model.train_on_batch

    def recording(model, x, y=None, **kwargs):
        segments.append([np.array(part) for part in x])
        return train_on_batch(model, x, y, **kwargs)

    monkeypatch.setattr(keras.Model, "train_on_batch", recording)
    # Training barely moves the weights, so the trained network recomputes
    # the states the segments were given.
    lm = RNNLanguageModel(
        **dict(TINY, epochs=1, dropout=0.0, learning_rate=1e-9),
        early_stopping=False,
        carry_state=carry_state,
    ).fit(CORPUS)
    assert len(segments) == (lm.n_tokens_ - 1) // 4 // 5
    assert not any(state.any() for state in segments[0][1:])
    given = segments[-1][1:]
    if not carry_state:
        assert not any(state.any() for _, *states in segments for state in states)
        return
    # The last segment's state comes through every carry before it.
    prefix = np.concatenate([tokens for tokens, *_ in segments[:-1]], axis=1)
    zeros = [np.zeros_like(state) for state in given]
    _, *expected = lm.model_.predict_on_batch([prefix, *zeros])
    for state, want in zip(given, expected):
        np.testing.assert_allclose(state, want, atol=1e-5)
    # Row i of the segments, end to end, is the i-th quarter of the stream.
    stream = [0] + [
        lm.vocabulary_[token] for doc in CORPUS for token in [*doc.split(), "<eos>"]
    ]
    steps = (len(stream) - 1) // 4
    read = np.concatenate([tokens for tokens, *_ in segments], axis=1)
    for row in range(4):
        np.testing.assert_array_equal(
            read[row], stream[row * steps : row * steps + read.shape[1]]
        )


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ([], ValueError, r"`X` is empty"),
        ("the cat sat", TypeError, r"got a single str .*wrap it in a list"),
        (None, TypeError, r"`X` must be an iterable of str documents, got NoneType"),
        (["the cat", None], TypeError, r"`X\[1\]` is NoneType \(None\)"),
        (["the cat", 3], TypeError, r"`X\[1\]` is int \(3\)"),
        (["", "  ", "\n"], ValueError, r"no word to learn a vocabulary from"),
        (
            ["the cat sat"] * 5,
            ValueError,
            r"gives 20 predictions .*holds out 2 .*batch_size=4 parallel parts "
            r"of bptt_length=5 steps need at least 20",
        ),
    ],
)
def test_bad_corpus_is_refused_with_the_reason(X, error, match):
    with pytest.raises(error, match=match):
        RNNLanguageModel(**TINY).fit(X)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"units": 0}, r"'units' parameter of RNNLanguageModel must be"),
        ({"cell": "rnn"}, r"'cell' parameter of RNNLanguageModel .* Got 'rnn'"),
        ({"token_pattern": "("}, r"'token_pattern' parameter .*valid regular"),
    ],
)
def test_bad_parameters_name_the_parameter(params, match):
    with pytest.raises(InvalidParameterError, match=match):
        RNNLanguageModel(**params).fit(CORPUS)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"prompt": None}, TypeError, r"`prompt` must be a str, got NoneType"),
        ({"n_tokens": -1}, ValueError, r"`n_tokens` must be an int >= 0, got -1"),
        ({"temperature": -0.5}, ValueError, r"`temperature` must be .*got -0.5"),
    ],
)
def test_bad_generate_arguments(fitted, kwargs, error, match):
    with pytest.raises(error, match=match):
        fitted.generate(**{"prompt": "the", **kwargs})


def test_methods_need_a_fitted_model():
    with pytest.raises(NotFittedError):
        RNNLanguageModel().score(CORPUS)
