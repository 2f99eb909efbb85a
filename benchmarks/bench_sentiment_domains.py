"""SentimentRNNClassifier defaults against TF-IDF + logistic regression, across domains.

In-domain: 10-fold stratified CV on the 10,568 movie-review sentences (the
data README).  Across domains: trained on all the sentences, tested on the
1,000 tweets shipped with skseq (`skseq.datasets.load_vader_tweets`) and on
the 25,000 IMDB test reviews when `fetch_imdb` finds them in its cache (they
are not downloaded here).  Nothing is tuned on the other domains: they are
a check of defaults chosen in-domain.

The networks run with ``random_state`` 0 .. SEEDS-1; TF-IDF + logistic
regression is deterministic.  Run from the repository root (about 40
minutes on 2 busy cores; ``--folds 3 --seeds 1`` is a quick check)::

    python benchmarks/bench_sentiment_domains.py [DATA] [--folds 10] [--seeds 3]
"""

import argparse
import os
import time

import numpy as np
from _common import print_table
from bench_sentiment import DEFAULT_DATA, keras_device, load_sentences
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from skseq.classification import SentimentRNNClassifier
from skseq.datasets import fetch_imdb, load_vader_tweets

MODELS = {
    "TfidfVectorizer() + LogisticRegression()": make_pipeline(
        TfidfVectorizer(), LogisticRegression(max_iter=1000)
    ),
    "TF-IDF 1-2 grams, sublinear tf + LogisticRegression(C=10)": make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=1000),
    ),
    "SentimentRNNClassifier() (defaults)": SentimentRNNClassifier(),
}


def domains():
    """Test sets of other domains: name -> (texts, "pos"/"neg" labels)."""
    tweets = load_vader_tweets()
    names = np.array(tweets.target_names)
    sets = {"tweets (1,000)": (tweets.data, names[tweets.target])}
    try:
        imdb = fetch_imdb(subset="test", download_if_missing=False)
    except OSError as error:
        print(f"IMDB skipped: {error}\n", flush=True)
    else:
        target_names = np.array(imdb.target_names)
        sets["IMDB test (25,000)"] = (imdb.data, target_names[imdb.target])
    return sets


def seeds_of(model, n_seeds):
    """Seeds to run: only a model with a ``random_state`` needs several."""
    return range(n_seeds) if "random_state" in model.get_params() else [0]


def fit_and_score(model, seed, X, y, tests):
    """Fit a clone with ``seed``; return its accuracy on each test set, time."""
    model = clone(model)
    if "random_state" in model.get_params():
        model.set_params(random_state=seed)
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    scores = [model.score(texts, labels) for texts, labels in tests]
    return scores, seconds, getattr(model, "network_weight_", np.nan)


def spread(values):
    """Mean ± half the range, with the values when there are several."""
    values = np.asarray(values)
    if len(values) == 1:
        return f"{values[0]:.3f}"
    each = " / ".join(f"{v:.3f}" for v in values)
    return f"{values.mean():.3f} ± {np.ptp(values) / 2:.3f} ({each})"


def in_domain(texts, labels, folds, n_seeds, n_jobs):
    rows = []
    for name, model in MODELS.items():
        seeds = seeds_of(model, n_seeds)
        tasks = [(seed, train, test) for seed in seeds for train, test in folds]
        results = Parallel(n_jobs=n_jobs)(
            delayed(fit_and_score)(
                model, seed, texts[train], labels[train], [(texts[test], labels[test])]
            )
            for seed, train, test in tasks
        )
        scores = np.array([r[0][0] for r in results]).reshape(len(seeds), -1)
        for seed, per_fold in zip(seeds, scores, strict=True):
            print(
                f"{name}, seed {seed}: {per_fold.mean():.4f} "
                f"{np.round(per_fold, 3).tolist()}",
                flush=True,
            )
        weights = np.array([r[2] for r in results])
        weight = "-" if np.isnan(weights).all() else f"{np.nanmean(weights):.2f}"
        seconds = np.mean([r[1] for r in results])
        rows.append([name, spread(scores.mean(axis=1)), f"{seconds:.1f}", weight])
    return rows


def across_domains(texts, labels, tests, n_seeds, n_jobs):
    rows = []
    for name, model in MODELS.items():
        seeds = seeds_of(model, n_seeds)
        results = Parallel(n_jobs=n_jobs)(
            delayed(fit_and_score)(model, seed, texts, labels, list(tests.values()))
            for seed in seeds
        )
        scores = np.array([r[0] for r in results])
        print(f"{name}: {np.round(scores, 4).tolist()}", flush=True)
        seconds = np.mean([r[1] for r in results])
        rows.append([name, *map(spread, scores.T), f"{seconds:.1f}"])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--only", choices=["in", "across"], help="run one of the two tables"
    )
    parser.add_argument("--jobs", type=int, default=1, help="fits run in parallel")
    args = parser.parse_args()
    texts, labels = load_sentences(args.data)
    print(
        f"{len(texts)} sentences, {args.folds}-fold stratified CV, "
        f"{keras_device()}, {os.cpu_count()} CPUs\n",
        flush=True,
    )
    if args.only != "across":
        cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
        folds = list(cv.split(texts, labels))
        rows = in_domain(texts, labels, folds, args.seeds, args.jobs)
        print(f"\nIn-domain: movie-review sentences, {args.folds}-fold accuracy\n")
        print_table(
            ["model", "accuracy", "fit time per fold (s)", "mean network weight"],
            rows,
        )
    if args.only != "in":
        tests = domains()
        rows = across_domains(texts, labels, tests, args.seeds, args.jobs)
        print("\nAcross domains: trained on all the movie-review sentences\n")
        print_table(["model", *tests, "fit time (s)"], rows)


if __name__ == "__main__":
    main()
