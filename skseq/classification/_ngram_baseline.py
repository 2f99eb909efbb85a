"""The linear part of the sentiment classifier: TF-IDF n-grams, logistic regression.

`SentimentRNNClassifier` adds its recurrent network's logits, weighted, to
those of this model, which scikit-learn fits exactly (to the solver's
tolerance) on the training documents.
"""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from ._tokenizer import text_preprocessor

__all__ = ["baseline_documents", "logits", "make_ngram_baseline"]

# lbfgs on ~200,000 TF-IDF columns of ~10,000 sentences converges in a few
# dozen iterations at C=10; the cap only stops a pathological run.
_MAX_ITER = 1000


def make_ngram_baseline(
    *,
    kind,
    lowercase,
    normalize,
    token_pattern,
    ngram_range,
    char_ngram_range,
    C,
    class_weight,
):
    """An unfitted TF-IDF + logistic regression pipeline.

    Parameters
    ----------
    kind : {"text", "ids"}
        For token id sequences, the documents are the ids written as
        space-separated numbers: word n-grams of ids, no character n-grams.
    lowercase, normalize, token_pattern
        The tokenisation of the classifier's `TextTokenizer`.
    ngram_range : tuple of int
        Word n-grams, as in ``TfidfVectorizer``.
    char_ngram_range : tuple of int or None
        Character n-grams inside word boundaries (``analyzer="char_wb"``);
        None for none.
    C : float
        Inverse penalty of the logistic regression.
    class_weight : dict or None
        Weight of each class code.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"features"`` (a ``FeatureUnion``) and ``"logistic"``.
    """
    words = {"ngram_range": tuple(ngram_range), "sublinear_tf": True}
    if kind == "ids":
        features = [
            ("words", TfidfVectorizer(token_pattern=r"\d+", lowercase=False, **words))
        ]
    else:
        preprocessor = text_preprocessor(lowercase, normalize)
        features = [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=preprocessor, token_pattern=token_pattern, **words
                ),
            )
        ]
        if char_ngram_range is not None:
            features.append(
                (
                    "characters",
                    TfidfVectorizer(
                        preprocessor=preprocessor,
                        analyzer="char_wb",
                        ngram_range=tuple(char_ngram_range),
                        sublinear_tf=True,
                    ),
                )
            )
    logistic = LogisticRegression(C=C, class_weight=class_weight, max_iter=_MAX_ITER)
    return Pipeline([("features", FeatureUnion(features)), ("logistic", logistic)])


def baseline_documents(kind, docs):
    """The documents as the baseline reads them (ids as space-separated numbers)."""
    if kind == "ids":
        return [" ".join(map(str, np.asarray(doc).tolist())) for doc in docs]
    return list(docs)


def logits(pipeline, docs):
    """The logistic regression's logits, shape (n_documents, 1 or n_classes)."""
    scores = pipeline.decision_function(docs)
    return scores.reshape(len(docs), -1)
