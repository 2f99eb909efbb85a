"""Tokenising speed of TextTokenizer on an IMDB-sized synthetic corpus.

25,000 documents of 230 words drawn from a Zipf-like vocabulary of 50,000
words, the size of the IMDB training set.  Prints one line per step.

Run: ``python benchmarks/bench_tokenizer.py [--docs N] [--words N]``.
"""

import argparse

import numpy as np
from _common import timed
from sklearn.feature_extraction.text import CountVectorizer

from skseq.classification import TextTokenizer


def make_corpus(n_docs, n_words, vocabulary_size=50_000, seed=0):
    """Random documents whose word frequencies fall off like 1 / rank."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = np.array(
        ["".join(rng.choice(letters, rng.integers(2, 9))) for _ in range(50_000)]
    )
    weights = 1.0 / np.arange(1, vocabulary_size + 1)
    draws = rng.choice(vocabulary_size, (n_docs, n_words), p=weights / weights.sum())
    return [" ".join(row).capitalize() + "." for row in words[draws]]


def timed_step(label, function, *args):
    """Call ``function(*args)`` and print how long it took."""
    result, seconds = timed(function, *args)
    print(f"{label:<46} {seconds:6.2f} s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=25_000)
    parser.add_argument("--words", type=int, default=230)
    args = parser.parse_args()
    docs = make_corpus(args.docs, args.words)
    print(f"{args.docs} documents x {args.words} words")
    tokenizer = TextTokenizer(max_features=20_000, max_length=500)
    timed_step("TextTokenizer.fit_transform", tokenizer.fit_transform, docs)
    timed_step("TextTokenizer.transform", tokenizer.transform, docs)
    vectorizer = CountVectorizer(max_features=20_000)
    timed_step(
        "CountVectorizer.fit_transform (reference)", vectorizer.fit_transform, docs
    )


if __name__ == "__main__":
    main()
