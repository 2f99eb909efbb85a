"""10-fold CV accuracy of SentimentRNNClassifier variants on movie-review sentences.

The data are the 10,568 Rotten Tomatoes sentences of the sentence-polarity
("MR") task, labelled by the sign of a human rating (see the data README).
Each variant is scored with the same stratified folds, next to TF-IDF +
logistic regression pipelines run in the same process, and to published
10-fold results on MR.

Run from the repository root (10 folds of every variant take about 15
minutes on 2 cores; ``--folds 3`` is a quick check, ``--seeds 3`` repeats
each network with three seeds)::

    python benchmarks/bench_sentiment.py [DATA] [--folds 10] [--seeds 1]
        [--variants NAME ...]
"""

import argparse
import csv
import os
import time

import numpy as np
import pandas as pd
from _common import load_keras, print_table
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from skseq.classification import SENTIMENT_TOKEN_PATTERN, SentimentRNNClassifier

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data", "movie_review_snippets.tsv")

# Published 10-fold accuracies on MR (Kim 2014, Table 2).
PUBLISHED = [
    ("CNN, random embeddings (Kim 2014)", "0.761"),
    ("NBSVM (Wang & Manning 2012)", "0.794"),
]


# The network alone as the defaults were before the linear part: Chollet's
# LSTM(32) reading the last state, scikit-learn's tokens, 10 epochs with early
# stopping.  The variants below change this.  (The defaults of today, with the
# linear part, are measured by bench_sentiment_domains.py.)
CHOLLET = dict(
    baseline=None,
    token_pattern=r"(?u)\b\w\w+\b",
    normalize=None,
    cell="lstm",
    units=32,
    bidirectional=False,
    pooling=None,
    embedding_dropout=0.0,
    output_dropout=0.0,
    epochs=10,
    early_stopping=True,
    use_ema=False,
)

# The regularised network: a max-pooled bidirectional GRU with dropout on the
# embeddings and before the output, early stopping on a held-out 10 %.
REGULARISED = dict(
    cell="gru",
    bidirectional=True,
    units=64,
    pooling="max",
    embedding_dropout=0.3,
    output_dropout=0.5,
)


def best_params():
    """The recommended configuration for short texts such as these sentences.

    The regularised network with negations and ``!``/``?`` as tokens, trained
    for three epochs on the whole training fold with an exponential moving
    average of the weights (used at the end of training).
    """
    keras = load_keras()
    return dict(
        REGULARISED,
        token_pattern=SENTIMENT_TOKEN_PATTERN,
        early_stopping=False,
        epochs=3,
        optimizer=keras.optimizers.Adam(use_ema=True, ema_momentum=0.995),
    )


def rnn(**params):
    return SentimentRNNClassifier(random_state=0, **{**CHOLLET, **params})


VARIANTS = {
    "tfidf-lr": lambda: make_pipeline(
        TfidfVectorizer(), LogisticRegression(max_iter=1000)
    ),
    "tfidf-bigram-lr": lambda: make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=1000),
    ),
    "lstm": lambda: rnn(),
    "gru": lambda: rnn(cell="gru"),
    "bilstm": lambda: rnn(bidirectional=True),
    "conv-lstm": lambda: rnn(filters=64, kernel_size=3, dropout=0.3),
    "lstm-reversed": lambda: rnn(reverse=True),
    "conv-max": lambda: rnn(
        cell=None,
        filters=128,
        kernel_size=3,
        pool_size=1,
        pooling="max",
        embedding_dropout=0.3,
        output_dropout=0.5,
    ),
    "bilstm-max": lambda: rnn(**dict(REGULARISED, cell="lstm")),
    "bigru-max": lambda: rnn(**REGULARISED),
    "best": lambda: rnn(**best_params()),
}

DESCRIPTIONS = {
    "tfidf-lr": "TF-IDF + LogisticRegression",
    "tfidf-bigram-lr": "TF-IDF 1-2 grams, sublinear tf + LogisticRegression(C=10)",
    "lstm": "Chollet's LSTM 32 (the network alone)",
    "gru": "SentimentRNNClassifier(cell='gru')",
    "bilstm": "SentimentRNNClassifier(bidirectional=True)",
    "conv-lstm": "SentimentRNNClassifier(filters=64, kernel_size=3, dropout=0.3)",
    "lstm-reversed": "SentimentRNNClassifier(reverse=True)",
    "conv-max": "Conv1D(128, 3), no RNN, max pooling, dropout 0.3/0.5",
    "bilstm-max": "bidirectional LSTM(64), max pooling, dropout 0.3/0.5",
    "bigru-max": "bidirectional GRU(64), max pooling, dropout 0.3/0.5",
    "best": "same + SENTIMENT_TOKEN_PATTERN, Adam EMA 0.995, 3 epochs, no early "
    "stopping (recommended)",
}


def load_sentences(path):
    """Texts and ``pos``/``neg`` labels of the movie-review snippets."""
    frame = pd.read_csv(
        path,
        sep="\t",
        escapechar="\\",
        quoting=csv.QUOTE_NONE,
        keep_default_na=False,
    )
    return frame["text"].to_numpy(dtype=object), frame["label"].to_numpy()


def keras_device():
    """The Keras backend and the device it computes on."""
    keras = load_keras()
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return f"Keras {backend} on {jax.devices()[0].platform.upper()}"
    return f"Keras {backend}"


def evaluate(name, texts, labels, cv, seeds):
    """Accuracy over the folds, fit seconds per fold, epochs, seed means."""
    seeded = "random_state" in VARIANTS[name]().get_params()
    results = []
    for seed in range(seeds if seeded else 1):
        start = time.perf_counter()
        estimator = VARIANTS[name]()
        if seeded:
            estimator.set_params(random_state=seed)
        result = cross_validate(estimator, texts, labels, cv=cv, return_estimator=True)
        results.append(result)
        scores = result["test_score"]
        print(
            f"{name} (seed {seed if seeded else '-'}): {scores.mean():.4f} per fold "
            f"{np.round(scores, 3).tolist()} ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    scores = results[0]["test_score"]
    epochs = [getattr(est, "n_iter_", None) for est in results[0]["estimator"]]
    row = [
        DESCRIPTIONS[name],
        f"{scores.mean():.3f} ± {scores.std():.3f}",
        f"{results[0]['fit_time'].mean():.1f}",
        "-" if epochs[0] is None else f"{np.mean(epochs):.1f}",
    ]
    if seeds > 1:
        row.append(" ".join(f"{r['test_score'].mean():.3f}" for r in results))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="repeat each network with random_state 0 .. SEEDS-1",
    )
    parser.add_argument(
        "--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS)
    )
    args = parser.parse_args()
    texts, labels = load_sentences(args.data)
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    print(
        f"{len(texts)} sentences, {args.folds}-fold stratified CV, {keras_device()}\n",
        flush=True,
    )
    rows = [evaluate(name, texts, labels, cv, args.seeds) for name in args.variants]
    headers = ["model", "accuracy (mean ± std)", "fit time per fold (s)", "epochs"]
    if args.seeds > 1:
        headers.append(f"mean for random_state 0 to {args.seeds - 1}")
    rows += [
        [name, accuracy] + ["-"] * (len(headers) - 2) for name, accuracy in PUBLISHED
    ]
    print()
    print_table(headers, rows)


if __name__ == "__main__":
    main()
