"""Perplexity of RNNLanguageModel against Kneser-Ney n-grams, and the book's PTB table.

1. Held-out movie-review snippets: the snippets are shuffled once, 90 % train
   the models and the other 10 % are scored.  Every model reads the same
   tokens (the language model's tokenisation and its vocabulary of 10,000
   ids, unseen tokens as ``<unk>``, one ``<eos>`` per snippet, the snippets
   as one stream), so the perplexities are comparable.  The baseline is
   ``nltk.lm.KneserNeyInterpolated``, its order and discount chosen on the
   last 10 % of the training stream.
2. The same budget (``--compare-epochs`` epochs, no early stopping) with the
   recurrent state carried between segments (the default) and reset to
   zeros at every segment (``carry_state=False``).
3. The Penn Treebank test perplexities of *Deep Learning from Scratch 2*
   (chapter 6: an LSTM, 136; the improved LSTM, 75.8), when the data is in
   the cache (`skseq.datasets.fetch_ptb`); skipped otherwise.

nltk's ``KneserNeyInterpolated`` counts continuations by scanning every
n-gram of the next order at each call (250 s to score 24k tokens with
bigrams); here those counts are indexed once, the same numbers (checked on
the first test tokens) in seconds.

Run from the repository root (``pip install nltk``; about 30 minutes on 2
cores for 3 seeds, ``--quick`` is a smoke test of a minute)::

    python benchmarks/bench_language_model.py [DATA] [--seeds 3] [--quick]
        [--compare-seeds 3] [--compare-epochs 3] [--sections snippets ptb]
        [--ptb-home DIR]
"""

import argparse
import collections
import csv
import math
import os
import time

import numpy as np
import pandas as pd
from _common import print_table

from skseq.datasets import fetch_ptb
from skseq.text import RNNLanguageModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data", "movie_review_snippets.tsv")
ORDERS = (2, 3, 4, 5)
DISCOUNTS = (0.75, 0.9)

# Deep Learning from Scratch 2, chapter 6: test perplexity on PTB.
BOOK_PTB = {
    "LSTM (ch06/train_rnnlm.py)": (
        dict(
            units=100,
            embedding_dim=100,
            dropout=0.0,
            tie_weights=False,
            epochs=4,
            early_stopping=False,
        ),
        "136",
    ),
    "improved LSTM (ch06/train_better_rnnlm.py)": (
        dict(
            units=(650, 650),
            embedding_dim=650,
            dropout=0.5,
            tie_weights=True,
            epochs=40,
            early_stopping=True,
        ),
        "75.8",
    ),
}
# The PTB files are tokenised, with their own <unk> and 10,000 words.
PTB_TOKENS = dict(token_pattern=r"\S+", max_features=None, lowercase=False)


def load_snippets(path):
    frame = pd.read_csv(
        path,
        sep="\t",
        escapechar="\\",
        quoting=csv.QUOTE_NONE,
        keep_default_na=False,
    )
    return list(frame["text"])


def split(texts, test_fraction=0.1, seed=0):
    order = np.random.RandomState(seed).permutation(len(texts))
    n_test = round(test_fraction * len(texts))
    return [texts[i] for i in order[n_test:]], [texts[i] for i in order[:n_test]]


def token_stream(model, docs):
    """The tokens a fitted RNNLanguageModel scores: <eos>, then each doc + <eos>."""
    tokens, lengths = model._tokenize(docs)
    kept = [token if token in model.vocabulary_ else "<unk>" for token in tokens]
    stream, start = ["<eos>"], 0
    for length in lengths:
        stream += kept[start : start + length] + ["<eos>"]
        start += length
    return stream


def index_continuations(lm):
    """Give an nltk KneserNey model its continuation counts by lookup.

    ``KneserNey._continuation_counts(word, context)`` returns the number of
    distinct words seen before ``context + word`` and the sum of that over
    all words; nltk recomputes both by scanning the n-grams at every call.
    """
    pair, total = collections.Counter(), collections.Counter()
    for order in range(2, lm.order + 1):
        for ngram_context, counts in lm.counts[order].items():
            context = ngram_context[1:]
            for word, count in counts.items():
                if count > 0:
                    pair[context, word] += 1
                    total[context] += 1

    def continuation_counts(word, context=()):
        return pair[context, word], total[context]

    lm.estimator._continuation_counts = continuation_counts
    return lm


def kneser_ney(stream, vocabulary, order, discount):
    from nltk.lm import KneserNeyInterpolated
    from nltk.util import everygrams

    lm = KneserNeyInterpolated(order, discount=discount)
    lm.fit([everygrams(stream, max_len=order)], vocabulary_text=list(vocabulary))
    return lm


def ngram_perplexity(lm, stream, limit=None):
    """Perplexity of every token of ``stream`` after the first (natural base)."""
    n = len(stream) if limit is None else min(limit, len(stream))
    log2 = [
        lm.logscore(stream[i], stream[max(0, i - lm.order + 1) : i])
        for i in range(1, n)
    ]
    return 2 ** (-np.mean(log2)), log2


def best_kneser_ney(train_stream, test_stream, vocabulary):
    """Order and discount chosen on the end of the training stream; test perplexity."""
    cut = round(0.9 * len(train_stream))
    fit_part = train_stream[:cut]
    # nltk gives a word never seen in training probability 0 (its lowest
    # order is not mixed with a uniform distribution): such validation words
    # are out of the fitted part's vocabulary, so <unk>, as in the test.
    seen = set(fit_part)
    validation = [t if t in seen else "<unk>" for t in train_stream[cut - 1 :]]
    scores = {}
    for order in ORDERS:
        for discount in DISCOUNTS:
            lm = index_continuations(kneser_ney(fit_part, vocabulary, order, discount))
            scores[order, discount] = ngram_perplexity(lm, validation)[0]
            print(
                f"KN order {order}, discount {discount}: validation perplexity "
                f"{scores[order, discount]:.1f}",
                flush=True,
            )
    order, discount = min(scores, key=scores.get)
    start = time.perf_counter()
    lm = kneser_ney(train_stream, vocabulary, order, discount)
    _, unindexed = ngram_perplexity(lm, test_stream, limit=30)
    index_continuations(lm)
    perplexity, indexed = ngram_perplexity(lm, test_stream)
    assert np.allclose(unindexed, indexed[: len(unindexed)]), "indexing changed KN"
    return order, discount, perplexity, time.perf_counter() - start


def fit_language_model(train, test, **params):
    start = time.perf_counter()
    lm = RNNLanguageModel(**params).fit(train)
    fit_time = time.perf_counter() - start
    return lm, lm.perplexity(test), fit_time


def spread(values):
    values = np.asarray(values)
    return f"{values.mean():.1f} ± {values.std():.1f}"


def language_model_rows(name, train, test, seeds, **params):
    results = []
    for seed in seeds:
        lm, perplexity, fit_time = fit_language_model(
            train, test, random_state=seed, **params
        )
        epoch_seconds = float(np.median(lm.history_["seconds"][1:] or [math.nan]))
        results.append((lm, perplexity, fit_time, epoch_seconds))
        print(
            f"{name} (seed {seed}): perplexity {perplexity:.1f}, {lm.n_iter_} "
            f"epochs, {fit_time:.0f} s, {epoch_seconds:.1f} s per epoch",
            flush=True,
        )
    perplexities = [r[1] for r in results]
    row = [
        name,
        spread(perplexities),
        " ".join(f"{p:.1f}" for p in perplexities),
        " ".join(str(r[0].n_iter_) for r in results),
        f"{np.mean([r[3] for r in results]):.1f}",
    ]
    return results, row


def snippets_section(path, seeds, compare_seeds, compare_epochs, quick):
    texts = load_snippets(path)
    if quick:
        texts = texts[:1500]
    train, test = split(texts)
    params = dict(epochs=1, units=32, embedding_dim=32, max_features=2000)
    params = params if quick else {}
    print(f"{len(train)} training and {len(test)} held-out snippets\n", flush=True)
    headers = [
        "model",
        "test perplexity (mean ± std)",
        "per seed",
        "epochs",
        "s per epoch",
    ]
    results, default_row = language_model_rows(
        "RNNLanguageModel() (defaults)", train, test, seeds, **params
    )
    lm = results[0][0]
    train_stream, test_stream = token_stream(lm, train), token_stream(lm, test)
    print(
        f"vocabulary {lm.vocabulary_size_} ids; {len(train_stream)} training and "
        f"{len(test_stream)} test tokens\n",
        flush=True,
    )
    order, discount, kn_perplexity, kn_time = best_kneser_ney(
        train_stream, test_stream, lm.vocabulary_
    )
    kn_row = [
        f"Kneser-Ney {order}-gram, discount {discount} (nltk.lm)",
        f"{kn_perplexity:.1f}",
        "-",
        "-",
        f"{kn_time:.0f} (fit + score)",
    ]
    print("\nHeld-out movie-review snippets:\n")
    print_table(headers, [default_row, kn_row])
    if not compare_seeds:
        return
    # The same budget for both: a fixed number of epochs, no early stopping.
    budget = dict(params, epochs=compare_epochs, early_stopping=False)
    rows = [
        language_model_rows(
            f"carry_state={carry}, {compare_epochs} epochs",
            train,
            test,
            compare_seeds,
            carry_state=carry,
            **budget,
        )[1]
        for carry in (True, False)
    ]
    print("\nCarried against reset state, same budget:\n")
    print_table(headers, rows)


def ptb_section(data_home, seeds, quick):
    try:
        ptb = fetch_ptb(data_home=data_home, download_if_missing=False)
    except OSError as error:
        print(
            "\nPenn Treebank: skipped, the data is not in the cache "
            f"({error}). Run skseq.datasets.fetch_ptb() once where the "
            "internet can be reached, or copy ptb.{train,valid,test}.txt into "
            "the cache folder it names."
        )
        return
    rows = []
    for name, (params, book) in BOOK_PTB.items():
        params = dict(params, **PTB_TOKENS)
        if quick:
            params.update(units=16, embedding_dim=16, epochs=1)
        perplexities = []
        for seed in seeds:
            lm = RNNLanguageModel(random_state=seed, **params).fit(ptb.train)
            perplexities.append(lm.perplexity(ptb.test))
            print(f"PTB {name} (seed {seed}): {perplexities[-1]:.1f}", flush=True)
        rows.append([name, book, spread(perplexities)])
    print("\nPenn Treebank test perplexity:\n")
    print_table(["model", "book", "RNNLanguageModel"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the defaults")
    parser.add_argument(
        "--compare-seeds", type=int, default=3, help="seeds of carried vs reset"
    )
    parser.add_argument(
        "--compare-epochs", type=int, default=3, help="epochs of carried vs reset"
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=["snippets", "ptb"],
        default=["snippets", "ptb"],
    )
    parser.add_argument("--ptb-home", default=None, help="fetch_ptb's data_home")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args()
    seeds = range(args.seeds)
    if "snippets" in args.sections:
        snippets_section(
            args.data,
            seeds,
            range(args.compare_seeds),
            1 if args.quick else args.compare_epochs,
            args.quick,
        )
    if "ptb" in args.sections:
        ptb_section(args.ptb_home, seeds, args.quick)


if __name__ == "__main__":
    main()
