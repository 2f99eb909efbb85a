"""SentimentRNNClassifier: tiny networks and corpora, so every fit is quick."""

import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

from skseq._keras._backend import import_keras
from skseq.classification import (
    SENTIMENT_TOKEN_PATTERN,
    SentimentRNNClassifier,
    _sentiment,
    normalize_text,
)
from skseq.classification._sentiment import reverse_tokens, stratified_order

# The moving average of the weights (use_ema) spans a few hundred steps, far
# more than a tiny corpus gives: off here, and tested on its own.
TINY = dict(
    units=4,
    embedding_dim=8,
    epochs=3,
    batch_size=16,
    learning_rate=0.02,
    use_ema=False,
    random_state=0,
)
CUES = {
    "neg": ["awful", "dull", "boring", "hated"],
    "pos": ["great", "superb", "loved", "wonderful"],
    "mixed": ["uneven", "mixed", "patchy", "okay"],
}
FILLER = ["the", "film", "plot", "actor", "scene", "story", "was", "its"]


def make_corpus(n_documents, classes=("neg", "pos"), seed=0):
    """Documents of filler words where two cue words decide the label."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(classes, n_documents)
    texts = []
    for label in labels:
        words = [*rng.choice(FILLER, 6), *rng.choice(CUES[label], 2)]
        rng.shuffle(words)
        texts.append(" ".join(words))
    return texts, labels


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(160)


@pytest.fixture(scope="module")
def fitted(corpus):
    return SentimentRNNClassifier(**TINY).fit(*corpus)


def test_learns_which_words_carry_the_label(fitted):
    texts, labels = make_corpus(100, seed=1)
    assert fitted.score(texts, labels) >= 0.9
    assert fitted.n_iter_ == len(fitted.history_["val_loss"]) <= 3


def test_predict_proba_follows_classes(fitted):
    texts, _ = make_corpus(20, seed=2)
    proba = fitted.predict_proba(texts)
    assert proba.shape == (20, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(fitted.classes_, ["neg", "pos"])
    np.testing.assert_array_equal(
        fitted.predict(texts), fitted.classes_[proba.argmax(axis=1)]
    )
    assert fitted.predict_proba(["superb great loved"])[0, 1] > 0.5


def test_empty_and_unseen_documents_are_predicted(fitted):
    proba = fitted.predict_proba(["", "zebra quantum", "   "])
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba[0], proba[2])
    assert set(fitted.predict([""])) <= {"neg", "pos"}


@pytest.mark.parametrize(
    ("classes", "to_labels"),
    [
        (("neg", "pos", "mixed"), {"neg": 0, "pos": 2, "mixed": 1}.get),
        (("neg", "pos"), {"neg": False, "pos": True}.get),
    ],
    ids=["three-int-classes-softmax", "bool-labels-sigmoid"],
)
def test_any_label_type(classes, to_labels):
    texts, names = make_corpus(180, classes=classes)
    labels = np.array([to_labels(name) for name in names])
    clf = SentimentRNNClassifier(**dict(TINY, epochs=4)).fit(texts, labels)
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert clf.predict(texts).dtype == labels.dtype
    assert clf.predict_proba(texts).shape == (180, len(classes))
    test_texts, test_names = make_corpus(60, classes=classes, seed=3)
    test_labels = np.array([to_labels(name) for name in test_names])
    assert clf.score(test_texts, test_labels) >= 0.8


def test_token_sequences_with_conv_gru_reverse_bidirectional():
    texts, labels = make_corpus(160)
    vocabulary = {
        word: i + 2 for i, word in enumerate(sorted(set(" ".join(texts).split())))
    }
    sequences = [[vocabulary[word] for word in text.split()] for text in texts]
    clf = SentimentRNNClassifier(
        **TINY, cell="gru", filters=4, kernel_size=3, bidirectional=True, reverse=True
    ).fit(sequences, labels)
    assert clf.tokenizer_.input_kind_ == "ids"
    assert clf.score(sequences, labels) >= 0.9
    assert clf.model_.count_params() > 0


def layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize(
    ("pooling", "pooling_layer"),
    [("max", "GlobalMaxPooling1D"), ("mean", "GlobalAveragePooling1D")],
)
def test_pooling_over_time_with_dropout(corpus, pooling, pooling_layer):
    texts, labels = corpus
    clf = SentimentRNNClassifier(
        **TINY,
        baseline=None,
        bidirectional=True,
        pooling=pooling,
        embedding_dropout=0.2,
        output_dropout=0.3,
    ).fit(texts, labels)
    types = layer_types(clf.model_)
    assert types[1:3] == ["Embedding", "Dropout"]
    assert types[-3:] == [pooling_layer, "Dropout", "Dense"]
    recurrent = clf.model_.layers[3]
    assert recurrent.output.shape[1:] == (clf.tokenizer_.max_length_, 8)
    assert [clf.model_.layers[i].rate for i in (2, -2)] == [0.2, 0.3]
    test_texts, test_labels = make_corpus(100, seed=1)
    assert clf.score(test_texts, test_labels) >= 0.9
    # Dropout is off in predict: the same documents give the same output.
    np.testing.assert_array_equal(
        clf.predict_proba(test_texts), clf.predict_proba(test_texts)
    )
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.predict_proba(test_texts), clf.predict_proba(test_texts)
    )


def test_without_recurrent_layer_the_convolutions_are_pooled(corpus):
    texts, labels = corpus
    clf = SentimentRNNClassifier(
        **TINY,
        baseline=None,
        cell=None,
        filters=8,
        kernel_size=3,
        pool_size=1,
        pooling="max",
    ).fit(texts, labels)
    assert layer_types(clf.model_)[1:] == [
        "Embedding",
        "Dropout",
        "Conv1D",
        "GlobalMaxPooling1D",
        "Dropout",
        "Dense",
    ]
    test_texts, test_labels = make_corpus(100, seed=1)
    assert clf.score(test_texts, test_labels) >= 0.9


def test_an_optimizer_template_keeps_its_settings(corpus):
    keras = import_keras()
    template = keras.optimizers.Adam(use_ema=True, ema_momentum=0.9)
    params = dict(TINY, baseline=None, use_ema=False, learning_rate=0.01)
    clf = SentimentRNNClassifier(**params, optimizer=template)
    clf.fit(*corpus)
    assert clf.model_.optimizer.use_ema
    assert not template.built
    assert clf.n_iter_ == 3
    assert "val_loss" not in clf.history_
    test_texts, test_labels = make_corpus(100, seed=1)
    assert clf.score(test_texts, test_labels) >= 0.9
    # The moving average, not the last step's weights, is kept.
    plain = SentimentRNNClassifier(**params).fit(*corpus)
    assert not np.allclose(
        clf.predict_proba(test_texts), plain.predict_proba(test_texts)
    )
    again = clone(clf).fit(*corpus)
    np.testing.assert_array_equal(
        again.predict_proba(test_texts), clf.predict_proba(test_texts)
    )


def test_default_network_is_a_max_pooled_bigru_added_to_the_baseline(fitted):
    assert layer_types(fitted.model_) == [
        "InputLayer",
        "Embedding",
        "Dropout",
        "Bidirectional",
        "GlobalMaxPooling1D",
        "Dropout",
        "Dense",
        "InputLayer",
        "Dense",
        "Add",
        "Activation",
    ]
    # Found by type: Keras numbers default layer names per process.
    (recurrent,) = [
        layer
        for layer in fitted.model_.layers
        if type(layer).__name__ == "Bidirectional"
    ]
    assert recurrent.forward_layer.units == 4
    assert not fitted.model_.get_layer("network_weight").trainable
    defaults = SentimentRNNClassifier()
    # The moving average of the weights is on without an optimizer object.
    optimizer = defaults._make_optimizer(import_keras())
    assert optimizer.use_ema
    assert optimizer.ema_momentum == pytest.approx(0.995)
    assert (defaults.token_pattern, defaults.normalize) == (
        SENTIMENT_TOKEN_PATTERN,
        "social",
    )


def hand_made_baseline(C=10.0):
    """TF-IDF word 1-2 grams and char_wb 2-5 grams + logistic regression."""

    def preprocessor(text):
        return normalize_text(text).lower()

    words = TfidfVectorizer(
        preprocessor=preprocessor,
        token_pattern=SENTIMENT_TOKEN_PATTERN,
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    characters = TfidfVectorizer(
        preprocessor=preprocessor,
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
    )
    return make_pipeline(
        make_union(words, characters), LogisticRegression(C=C, max_iter=1000)
    )


def test_linear_part_is_tfidf_logistic_regression_on_every_document(fitted, corpus):
    texts, labels = corpus
    by_hand = hand_made_baseline().fit(texts, labels)
    test_texts, _ = make_corpus(30, seed=4)
    test_texts += ["#superb @someone :) http://x.org/y", "gooood", ""]
    np.testing.assert_allclose(
        fitted.baseline_.predict_proba(test_texts),
        by_hand.predict_proba(test_texts),
        atol=1e-4,
    )
    assert 0 <= fitted.network_weight_ <= 2
    assert fitted.baseline_loss_ > 0


def test_falls_back_to_the_linear_part_when_the_network_does_not_help(
    corpus, monkeypatch
):
    # An untrained network's logits weighed 50 times only add noise.
    monkeypatch.setattr(_sentiment, "NETWORK_WEIGHTS", (0.0, 50.0))
    texts, labels = corpus
    clf = SentimentRNNClassifier(**dict(TINY, epochs=1, learning_rate=1e-5, C=3.0)).fit(
        texts, labels
    )
    assert clf.network_weight_ == 0.0
    assert not clf.uses_network_
    test_texts, _ = make_corpus(30, seed=5)
    by_hand = hand_made_baseline(C=3.0).fit(texts, labels)
    np.testing.assert_allclose(
        clf.predict_proba(test_texts), by_hand.predict_proba(test_texts), atol=1e-4
    )
    np.testing.assert_array_equal(clf.predict(test_texts), by_hand.predict(test_texts))


def test_a_chosen_network_adds_its_weighted_logits(corpus, monkeypatch):
    monkeypatch.setattr(_sentiment, "NETWORK_WEIGHTS", (0.75,))
    clf = SentimentRNNClassifier(**TINY).fit(*corpus)
    assert clf.uses_network_
    kernel = np.asarray(clf.model_.get_layer("network_weight").kernel)
    np.testing.assert_allclose(kernel, [[0.75]])
    test_texts, _ = make_corpus(20, seed=6)
    network = clone(clf).set_params(baseline=None)
    assert network.get_params()["baseline"] is None
    linear = clf.baseline_.decision_function(test_texts)
    proba = clf.predict_proba(test_texts)[:, 1]
    # The weighted network moves the baseline's logits, not replaces them.
    assert not np.allclose(np.log(proba / (1 - proba)), linear, atol=1e-3)
    assert np.mean((proba > 0.5) == (linear > 0)) >= 0.9


def test_averaged_weights_pickle_and_warm_start(corpus, tmp_path):
    texts, labels = corpus
    clf = SentimentRNNClassifier(**dict(TINY, use_ema=True, epochs=2)).fit(*corpus)
    assert clf.model_.optimizer.use_ema
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.predict_proba(texts), clf.predict_proba(texts)
    )
    clf.set_params(warm_start=True).fit(texts[:40], labels[:40])
    assert clf.n_iter_ == 4


def test_without_a_baseline_the_network_is_alone(corpus):
    clf = SentimentRNNClassifier(**TINY, baseline=None).fit(*corpus)
    assert clf.baseline_ is None
    assert clf.uses_network_
    assert "val_loss" not in clf.history_
    assert len(clf.model_.inputs) == 1


def test_grid_search_with_stratified_folds_on_raw_strings(corpus):
    texts, labels = corpus
    # Two candidates that differ in all three parameters keep this quick.
    grid = [
        {"max_features": [8], "units": [4], "bidirectional": [False]},
        {"max_features": [None], "units": [6], "bidirectional": [True]},
    ]
    search = GridSearchCV(
        SentimentRNNClassifier(**TINY, baseline=None), grid, cv=StratifiedKFold(2)
    ).fit(texts, labels)
    # With 8 ids only 6 tokens survive, too few for the network alone to keep
    # the cue words.
    assert search.best_params_["max_features"] is None
    assert search.best_score_ >= 0.9
    assert search.best_estimator_.tokenizer_.vocabulary_size_ > 8
    assert search.predict(["great superb"])[0] == "pos"


def test_each_fit_learns_its_own_vocabulary(corpus):
    texts, labels = corpus
    clf = SentimentRNNClassifier(**TINY)
    clf._training_data(texts[:10], labels[:10])
    small = dict(clf.tokenizer_.vocabulary_)
    clf._training_data(texts, labels)
    assert clf.tokenizer_.vocabulary_ != small


def test_same_random_state_gives_identical_fits(fitted, corpus):
    again = clone(fitted).fit(*corpus)
    np.testing.assert_array_equal(
        again.predict_proba(corpus[0]), fitted.predict_proba(corpus[0])
    )
    assert again.history_ == fitted.history_


def test_pickle_and_joblib_round_trip(fitted, corpus, tmp_path):
    texts = corpus[0][:20] + ["", "never seen words"]
    expected = fitted.predict_proba(texts)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(texts), expected)
    path = tmp_path / "clf.joblib"
    joblib.dump(fitted, path)
    np.save(tmp_path / "texts.npy", np.array(texts))
    code = (
        "import sys, joblib, numpy as np\n"
        "clf = joblib.load(sys.argv[1])\n"
        "texts = list(np.load(sys.argv[2]))\n"
        "np.save(sys.argv[3], clf.predict_proba(texts))\n"
    )
    output = tmp_path / "proba.npy"
    subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(path),
            str(tmp_path / "texts.npy"),
            str(output),
        ],
        check=True,
    )
    np.testing.assert_array_equal(np.load(output), expected)


def test_class_weight_changes_the_loss(fitted, corpus):
    weighted = clone(fitted).set_params(class_weight={"neg": 0.2, "pos": 5.0})
    weighted.fit(*corpus)
    assert weighted.history_["loss"][0] != pytest.approx(fitted.history_["loss"][0])


@pytest.mark.parametrize(
    ("class_weight", "match"),
    [
        ("often", r"'class_weight' parameter .* Got 'often' instead"),
        (
            {"neg": 1.0, "meh": 2.0},
            r"'class_weight' parameter .* dict .* \['neg', 'pos'\].* Got \{'neg'",
        ),
    ],
)
def test_bad_class_weight(corpus, class_weight, match):
    clf = SentimentRNNClassifier(**TINY, class_weight=class_weight)
    with pytest.raises(ValueError, match=match):
        clf.fit(*corpus)


def test_warm_start_keeps_vocabulary_and_classes(corpus):
    texts, labels = corpus
    clf = SentimentRNNClassifier(**dict(TINY, epochs=1, warm_start=True))
    clf.fit(texts, labels)
    vocabulary = dict(clf.tokenizer_.vocabulary_)
    clf.fit(texts[:50] + ["brand new words"], list(labels[:50]) + ["neg"])
    assert clf.tokenizer_.vocabulary_ == vocabulary
    assert clf.n_iter_ == 2
    with pytest.raises(ValueError, match=r"labels \['meh'\] not among the classes"):
        clf.fit(texts[:2], ["neg", "meh"])


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        (
            ["", " ", "..."],
            ["neg", "pos", "neg"],
            ValueError,
            r"All 3 documents .* empty",
        ),
        ([], [], ValueError, r"`X` is empty"),
        (
            ["good", "bad", "fine"],
            ["pos"] * 3,
            ValueError,
            r"at least 2 classes.*'pos'",
        ),
        (["good", None], ["pos", "neg"], TypeError, r"X\[1\] is missing \(None\)"),
        (["good", 4.5], ["pos", "neg"], TypeError, r"X\[1\] is a float \(4.5\)"),
        (["good", [3, 4]], ["pos", "neg"], ValueError, r"mixes str documents"),
        (["good", "bad"], ["pos"], ValueError, r"2 documents but 1 labels"),
        (["good", "bad"], None, ValueError, r"requires y to be passed.*None"),
        (["good", "bad"], [1.0, np.nan], ValueError, r"Input y contains NaN"),
        (["good", "bad"], [0.5, 1.5], ValueError, r"Unknown label type"),
        ("good bad", ["pos", "neg"], TypeError, r"single str"),
    ],
)
def test_bad_training_data_is_rejected_clearly(X, y, error, match):
    with pytest.raises(error, match=match):
        SentimentRNNClassifier(**TINY).fit(X, y)


def test_predict_rejects_a_different_kind_of_document(fitted):
    with pytest.raises(ValueError, match=r"fitted on str documents"):
        fitted.predict([[2, 3, 4]])
    with pytest.raises(TypeError, match=r"X\[0\] is missing"):
        fitted.predict([None])


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"cell": "rnn"}, r"'cell' parameter .* str among .*'lstm'.* Got 'rnn'"),
        ({"pooling": "sum"}, r"'pooling' parameter .* str among .* Got 'sum'"),
        ({"cell": None, "pooling": None}, r"'pooling' .* with cell=None .* Got None"),
        ({"embedding_dropout": 1.0}, r"'embedding_dropout' .* Got 1\.0 instead"),
        ({"output_dropout": -0.1}, r"'output_dropout' .* Got -0\.1 instead"),
        ({"units": 0}, r"'units' parameter .* Got 0 instead"),
        ({"dropout": 1.0}, r"'dropout' .* range \[0\.0, 1\.0\)\. Got 1\.0"),
        ({"filters": 0}, r"'filters' parameter .* Got 0 instead"),
        ({"embedding_dim": 2.5}, r"'embedding_dim' parameter .* Got 2\.5 instead"),
        ({"epochs": 0}, r"'epochs' parameter .* Got 0 instead"),
        ({"max_features": 1}, r"'max_features' .* range \[3, inf\) or None\. Got 1 "),
        ({"baseline": "bow"}, r"'baseline' .* among \{'tfidf'\}\. Got 'bow' instead"),
        ({"C": 0.0}, r"'C' parameter .* range \(0\.0, inf\)\. Got 0\.0 instead"),
        (
            {"ngram_range": (2, 1)},
            r"'ngram_range' .* 1 <= min_n <= max_n\. Got \(2, 1\)",
        ),
        ({"ngram_range": [1, 2]}, r"'ngram_range' parameter .*'tuple'\. Got \[1, 2\]"),
        ({"char_ngram_range": (0, 3)}, r"'char_ngram_range' .* Got \(0, 3\)"),
        ({"char_ngram_range": (3,)}, r"'char_ngram_range' .* Got \(3,\) instead"),
        ({"normalize": "tweets"}, r"'normalize' .*'social'\}\. Got 'tweets'"),
        ({"use_ema": "yes"}, r"'use_ema' parameter .* 'bool'.* Got 'yes' instead"),
    ],
)
def test_bad_parameters_name_the_argument(corpus, params, match):
    with pytest.raises(ValueError, match=match):
        SentimentRNNClassifier(**{**TINY, **params}).fit(*corpus)


def test_not_fitted_clone_and_params():
    clf = SentimentRNNClassifier(units=(8, 4), bidirectional=True)
    with pytest.raises(NotFittedError, match="This SentimentRNNClassifier instance"):
        clf.predict(["good"])
    params = clone(clf).get_params()
    assert params["units"] == (8, 4)
    assert "loss" not in params
    clf.set_params(cell="gru", max_features=100)
    assert (clf.cell, clf.max_features) == ("gru", 100)


def test_text_has_no_n_features_in(fitted):
    assert not hasattr(fitted, "n_features_in_")
    tags = fitted.__sklearn_tags__()
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array


def test_early_stopping_holds_out_a_stratified_tail(corpus):
    texts, labels = corpus
    clf = SentimentRNNClassifier(**TINY)
    data = clf._training_data(texts, labels)
    _, codes = data.get(slice(None))
    tail = codes[-16:, 0]
    assert abs(tail.mean() - codes.mean()) <= 1 / 16


def test_stratified_order_interleaves_classes():
    codes = np.array([0] * 30 + [1] * 10)
    order = stratified_order(codes, np.random.RandomState(0))
    np.testing.assert_array_equal(np.sort(order), np.arange(40))
    for size in (4, 8, 20):
        assert abs(codes[order[-size:]].sum() - size / 4) <= 1


def test_reverse_tokens_keeps_padding_in_front():
    ids = np.array([[0, 0, 5, 6, 7], [1, 2, 3, 4, 9], [0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(
        reverse_tokens(ids), [[0, 0, 7, 6, 5], [9, 4, 3, 2, 1], [0, 0, 0, 0, 0]]
    )


def test_importing_the_classifier_does_not_import_keras():
    code = (
        "import sys\n"
        "from skseq.classification import SentimentRNNClassifier, TextTokenizer\n"
        "SentimentRNNClassifier().get_params()\n"
        "assert 'keras' not in sys.modules and 'jax' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sparse_huge_token_ids_without_max_features_are_refused():
    clf = SentimentRNNClassifier(max_features=None, units=2, epochs=1)
    ids = [[5, 2**30], [7, 9]] * 4
    with pytest.raises(ValueError, match=r"embedding would have 1073741825 rows"):
        clf.fit(ids, ["a", "b"] * 4)
