"""10-fold CV accuracy of SentimentRNNClassifier variants on movie-review sentences.

The data are the 10,568 Rotten Tomatoes sentences of the sentence-polarity
("MR") task, labelled by the sign of a human rating (see the data README).
Each variant is scored with the same stratified folds, next to TF-IDF +
logistic regression pipelines run in the same process, and to published
10-fold results on MR.

Run from the repository root (10 folds of every variant take a while on
2 cores; ``--folds 3`` is a quick check)::

    python benchmarks/bench_sentiment.py [DATA] [--folds 10] [--variants NAME ...]
"""

import argparse
import csv
import os
import time

import numpy as np
import pandas as pd
from _common import print_table
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from skseq.classification import SentimentRNNClassifier

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data", "movie_review_snippets.tsv")

# Published 10-fold accuracies on MR (Kim 2014, Table 2).
PUBLISHED = [
    ("CNN, random embeddings (Kim 2014)", "0.761"),
    ("NBSVM (Wang & Manning 2012)", "0.794"),
]


def rnn(**params):
    return SentimentRNNClassifier(random_state=0, **params)


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
}

DESCRIPTIONS = {
    "tfidf-lr": "TF-IDF + LogisticRegression",
    "tfidf-bigram-lr": "TF-IDF 1-2 grams, sublinear tf + LogisticRegression(C=10)",
    "lstm": "SentimentRNNClassifier() (LSTM 32)",
    "gru": "SentimentRNNClassifier(cell='gru')",
    "bilstm": "SentimentRNNClassifier(bidirectional=True)",
    "conv-lstm": "SentimentRNNClassifier(filters=64, kernel_size=3, dropout=0.3)",
    "lstm-reversed": "SentimentRNNClassifier(reverse=True)",
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


def evaluate(name, texts, labels, cv):
    """Mean and std of accuracy, fit seconds per fold, epochs per fold."""
    start = time.perf_counter()
    result = cross_validate(
        VARIANTS[name](), texts, labels, cv=cv, return_estimator=True
    )
    epochs = [getattr(est, "n_iter_", None) for est in result["estimator"]]
    scores = result["test_score"]
    print(
        f"{name}: {scores.mean():.4f} per fold {np.round(scores, 3).tolist()} "
        f"({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    return [
        DESCRIPTIONS[name],
        f"{scores.mean():.3f} ± {scores.std():.3f}",
        f"{result['fit_time'].mean():.1f}",
        "-" if epochs[0] is None else f"{np.mean(epochs):.1f}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument(
        "--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS)
    )
    args = parser.parse_args()
    texts, labels = load_sentences(args.data)
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    print(f"{len(texts)} sentences, {args.folds}-fold stratified CV\n", flush=True)
    rows = [evaluate(name, texts, labels, cv) for name in args.variants]
    rows += [[name, accuracy, "-", "-"] for name, accuracy in PUBLISHED]
    print()
    print_table(
        ["model", "accuracy (mean ± std)", "fit time per fold (s)", "epochs"], rows
    )


if __name__ == "__main__":
    main()
