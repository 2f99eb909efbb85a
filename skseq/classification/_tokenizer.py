"""Documents to padded integer sequences, with the vocabulary learned in ``fit``."""

import collections
import functools
import html
import itertools
import numbers
import re
from collections.abc import Mapping

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._param_validation import Interval, StrOptions, fit_context, invalid_parameter

__all__ = [
    "OOV_ID",
    "PAD_ID",
    "SENTIMENT_TOKEN_PATTERN",
    "TextTokenizer",
    "normalize_text",
]

#: Id of the padding token, at the start of every short sequence.
PAD_ID = 0
#: Id of every token outside the vocabulary.
OOV_ID = 1
_N_RESERVED = 2
#: Number of ids the int32 output can hold: token ids kept must be below it.
_ID_LIMIT = 2**31

#: A ``token_pattern`` for the sentiment of short English texts: words of any
#: length (``"a"`` and ``"i"`` too), the clitics ``n't``, ``'s``, ``'re``,
#: ``'ve``, ``'d``, ``'ll`` and ``'m`` as tokens of their own (``"isn't"`` is
#: ``"is"``, ``"n't"``, as in Kim's 2014 preprocessing), ``!`` and ``?``, and
#: Western emoticons (``:)``, ``:-(``, ``;p``, ``:D``, ``<3``; not after a digit,
#: so that ``10:30`` stays two numbers, nor ``://`` of a URL).
SENTIMENT_TOKEN_PATTERN = (
    r"(?u)(?<!\d)[:;=][-'^]?(?:[()\[\]\\|*]|/(?!/)|[dDpPoO3](?!\w))|<3"
    r"|\w+(?=n't\b)|n't\b|'(?:s|re|ve|d|ll|m)\b|\w+|[!?]"
)

# What ``normalize="social"`` rewrites, in this order (see `normalize_text`).
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
#: The tokens that replace URLs and user mentions with ``normalize="social"``.
URL_TOKEN = "_url_"
USER_TOKEN = "_user_"


class TextTokenizer(TransformerMixin, BaseEstimator):
    """Turn documents into padded integer sequences for an embedding layer.

    ``fit`` learns a vocabulary of the most frequent tokens; ``transform``
    maps each document to the ids of its tokens and pads or truncates the
    result to ``max_length``.  Id ``0`` is padding and id ``1`` stands for any
    token outside the vocabulary, so the ids fit an embedding layer with
    ``input_dim=vocabulary_size_``.

    Sequences are padded and truncated at the front, as Keras'
    ``pad_sequences`` does by default: a long document keeps its **last**
    ``max_length`` tokens, a short one is preceded by padding, so that a
    recurrent network reads the real tokens last.

    Parameters
    ----------
    max_features : int or None, default=20000
        Number of ids, including the two reserved ones (padding and
        out-of-vocabulary), so at most ``max_features - 2`` tokens get their
        own id: the most frequent ones in the training documents, ties broken
        alphabetically.  None keeps every token.  For integer token sequences,
        ids ``>= max_features`` become out-of-vocabulary (ids ``0`` and ``1``
        keep their reserved meaning); the other ids are kept as they are, as
        ``keras.datasets.imdb`` ranks them, so ``vocabulary_size_`` is the
        largest id kept plus one.  The output is int32, so ``fit`` refuses
        an id of ``2**31`` or more that would be kept (with None, any such
        id): set ``max_features``, or renumber sparse ids such as hashes
        densely first, e.g. with ``np.unique(..., return_inverse=True)``.
    max_length : int or None, default=None
        Length of every output sequence.  None learns it in ``fit`` as the
        length of the longest training document, like ``pad_sequences``; for
        long documents such as IMDB reviews set it (Chollet uses 500).
    lowercase : bool, default=True
        Lowercase text before tokenising.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression a token must match, as in scikit-learn's
        ``CountVectorizer`` (the default keeps words of two or more
        characters).  With one capturing group, the group is the token.
        `~skseq.classification.SENTIMENT_TOKEN_PATTERN` also keeps one-letter
        words, negations (``n't``), ``!``, ``?`` and emoticons.
    normalize : {"social"} or None, default=None
        Rewrite text before tokenising.  ``"social"`` undoes the conventions
        of social-media text, so that its words are those of other text:
        HTML entities are decoded (``&amp;`` is ``&``), URLs become the token
        ``_url_`` and user mentions (``@name``) ``_user_``, a hashtag is its
        word (``#happy`` is ``happy``), and a letter repeated three or more
        times is kept twice (``soooo good`` is ``soo good``, ``goooood`` is
        ``good``).  See `~skseq.classification.normalize_text`.

    Attributes
    ----------
    vocabulary_ : dict or Mapping
        Token to id.  For integer token sequences, a read-only mapping of each
        id kept to itself (``2 .. vocabulary_size_ - 1``), which holds no
        table, so it costs nothing however large the ids.
    vocabulary_size_ : int
        Number of ids, reserved ones included: the ``input_dim`` of an
        embedding layer.
    max_length_ : int
        Length of the output sequences.
    input_kind_ : {"text", "ids"}
        Whether ``fit`` saw strings or integer token sequences; ``transform``
        requires the same kind.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.
    skseq.classification.SentimentRNNClassifier : Uses this in ``fit``.

    Notes
    -----
    ``n_features_in_`` is not set.  A corpus is a 1-D collection of documents
    with no columns to count, and scikit-learn's text vectorizers do not set
    it either.

    An empty document is fine in ``transform`` (its row is all padding), but
    ``fit`` needs at least one token in the whole corpus.

    Examples
    --------
    >>> from skseq.classification import TextTokenizer
    >>> docs = ["A great film", "a dull, dull film", "great!"]
    >>> tokenizer = TextTokenizer(max_features=4, max_length=5).fit(docs)
    >>> tokenizer.vocabulary_
    {'dull': 2, 'film': 3}
    >>> tokenizer.transform(["dull film, great cast"])
    array([[0, 2, 3, 1, 1]], dtype=int32)
    >>> TextTokenizer(max_length=2).fit_transform([[5, 8, 2], [7]])
    array([[8, 2],
           [0, 7]], dtype=int32)
    """

    _parameter_constraints = {
        "max_features": [
            Interval(numbers.Integral, _N_RESERVED + 1, None, closed="left"),
            None,
        ],
        "max_length": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "normalize": [None, StrOptions({"social"})],
    }

    def __init__(
        self,
        *,
        max_features=20000,
        max_length=None,
        lowercase=True,
        token_pattern=r"(?u)\b\w\w+\b",
        normalize=None,
    ):
        self.max_features = max_features
        self.max_length = max_length
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.normalize = normalize

    @fit_context
    def fit(self, X, y=None):
        """Learn the vocabulary and the sequence length from documents.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of int
            Documents (list, ndarray, pandas Series), or token id sequences of
            varying length such as ``keras.datasets.imdb`` returns.
        y : None
            Ignored.

        Returns
        -------
        self : TextTokenizer
        """
        self._fit_sequences(X)
        return self

    @fit_context
    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return its padded sequences, tokenising once.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of int
            Documents, as in ``fit``.
        y : None
            Ignored.

        Returns
        -------
        Xt : ndarray of shape (n_documents, max_length_), dtype int32
        """
        return _pad(*self._fit_sequences(X), self.max_length_)

    def transform(self, X):
        """Map documents to padded id sequences.

        Parameters
        ----------
        X : iterable of str, or iterable of sequences of int
            Documents of the kind seen in ``fit``.  Unseen tokens get id ``1``.

        Returns
        -------
        Xt : ndarray of shape (n_documents, max_length_), dtype int32
        """
        return _pad(*self._encode(X), self.max_length_)

    def _fit_sequences(self, X):
        """Fit, returning the training documents as (flat ids, lengths)."""
        check_token_pattern(self, self.token_pattern)
        kind, docs = _as_documents(X)
        if not docs:
            raise ValueError("`X` is empty: fit needs at least one document.")
        if kind == "text":
            tokens, lengths = self._tokenize(docs)
            self.vocabulary_ = _build_vocabulary(tokens, self.max_features)
            self.vocabulary_size_ = len(self.vocabulary_) + _N_RESERVED
            ids = _lookup(tokens, self.vocabulary_)
        else:
            ids, lengths = _concat_ids(docs)
            size = int(ids.max(initial=OOV_ID)) + 1
            if self.max_features is not None:
                size = min(size, self.max_features)
            if size > _ID_LIMIT:
                raise _too_large(docs, ids, lengths, self.max_features)
            self.vocabulary_size_ = size
            ids = _clip_ids(ids, self.vocabulary_size_)
            self.vocabulary_ = _IdentityVocabulary(self.vocabulary_size_)
        if not len(ids):
            how = f" after tokenising with token_pattern={self.token_pattern!r}"
            raise ValueError(
                f"All {len(docs)} documents of `X` are empty"
                f"{how if kind == 'text' else ''}: there is no token to learn a "
                "vocabulary from."
            )
        self.input_kind_ = kind
        self.max_length_ = (
            int(lengths.max()) if self.max_length is None else int(self.max_length)
        )
        return ids, lengths

    def _encode(self, X):
        """Documents as (flat ids, lengths) with the fitted vocabulary."""
        check_is_fitted(self)
        kind, docs = _as_documents(X)
        if kind != self.input_kind_ and docs:
            raise ValueError(
                f"{type(self).__name__} was fitted on "
                f"{_KIND_NAMES[self.input_kind_]}, but `X` holds "
                f"{_KIND_NAMES[kind]}; pass the same kind to fit and transform."
            )
        if kind == "ids":
            ids, lengths = _concat_ids(docs)
            return _clip_ids(ids, self.vocabulary_size_), lengths
        tokens, lengths = self._tokenize(docs)
        return _lookup(tokens, self.vocabulary_), lengths

    def _sequences(self, X):
        """Unpadded id sequences of ``X``, one int32 array per document."""
        ids, lengths = self._encode(X)
        if not len(lengths):
            return []
        return np.split(ids, np.cumsum(lengths)[:-1])

    def _tokenize(self, docs):
        """All tokens of ``docs`` in one flat list, and the count per document."""
        findall = re.compile(self.token_pattern).findall
        preprocess = text_preprocessor(self.lowercase, self.normalize)
        per_doc = [findall(preprocess(doc)) for doc in docs]
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        return list(itertools.chain.from_iterable(per_doc)), lengths

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


_KIND_NAMES = {"text": "str documents", "ids": "integer token sequences"}


def normalize_text(text):
    """Rewrite social-media conventions as plain words (``normalize="social"``).

    In this order: HTML entities are decoded, URLs become ``_url_``, user
    mentions ``_user_``, a hashtag its word, and a letter repeated three or
    more times is kept twice.  Case is kept.

    Parameters
    ----------
    text : str

    Returns
    -------
    text : str

    Examples
    --------
    >>> from skseq.classification import normalize_text
    >>> normalize_text("@bob Soooo happy &amp; #blessed :) http://t.co/x")
    '_user_ Soo happy & blessed :) _url_'
    """
    text = html.unescape(text)
    text = _URL.sub(URL_TOKEN, text)
    text = _MENTION.sub(USER_TOKEN, text)
    text = _HASHTAG.sub(r"\1", text)
    return _ELONGATED.sub(r"\1\1", text)


def _preprocess(text, lowercase, normalize):
    if normalize == "social":
        text = normalize_text(text)
    return text.lower() if lowercase else text


def text_preprocessor(lowercase, normalize):
    """The function applied to each document before its tokens are found.

    A picklable callable of one ``str``, usable as the ``preprocessor`` of a
    scikit-learn vectorizer.
    """
    return functools.partial(_preprocess, lowercase=lowercase, normalize=normalize)


def _as_documents(X):
    """Return ``("text" | "ids", list of documents)`` after checking ``X``."""
    if isinstance(X, str | bytes):
        raise TypeError(
            "`X` must be an iterable of documents, got a single "
            f"{type(X).__name__}; wrap it in a list: [text]."
        )
    if hasattr(X, "tocsr"):
        raise TypeError("`X` must be documents, got a sparse matrix.")
    if hasattr(X, "columns"):
        if len(X.columns) != 1:
            raise ValueError(
                f"`X` is a DataFrame with {len(X.columns)} columns; pass the "
                "one text column, e.g. df['text']."
            )
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "iu":
        return "ids", list(X)
    try:
        docs = list(X)
    except TypeError:
        raise TypeError(
            "`X` must be an iterable of str documents or of integer token "
            f"sequences, got {type(X).__name__}."
        ) from None
    return _document_kind(docs), docs


def _document_kind(docs):
    kind = None
    for index, doc in enumerate(docs):
        doc_kind = _kind_of(doc, index)
        if kind is None:
            kind, first = doc_kind, index
        elif doc_kind != kind:
            raise ValueError(
                f"`X` mixes {_KIND_NAMES[kind]} (X[{first}]) and "
                f"{_KIND_NAMES[doc_kind]} (X[{index}]); use one kind of document."
            )
    return kind or "text"


def _kind_of(doc, index):
    if isinstance(doc, str):
        return "text"
    if isinstance(doc, list | tuple | np.ndarray):
        return "ids"
    if doc is None or (isinstance(doc, float) and np.isnan(doc)):
        problem = f"missing ({doc!r})"
    else:
        problem = f"a {type(doc).__name__} ({doc!r:.40})"
    raise TypeError(
        f"X[{index}] is {problem}; every document must be a str, or a sequence "
        "of integer token ids.  Replace missing documents, e.g. by ''."
    )


def _concat_ids(docs):
    """Token id sequences as one int64 array, and the length of each.

    uint64 ids of ``_ID_LIMIT`` or more are capped at it, since past the
    int64 range they would wrap to negative numbers: the output cannot hold
    them, so they are out-of-vocabulary or refused whatever their value.
    """
    arrays = [np.asarray(doc) for doc in docs]
    for index, array in enumerate(arrays):
        if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
            raise TypeError(
                f"X[{index}] must be a 1-D sequence of integer token ids, got "
                f"shape {array.shape} and dtype {array.dtype}."
            )
    lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    ids = np.concatenate(
        [np.zeros(0, np.int64)]
        + [
            np.minimum(array, _ID_LIMIT).astype(np.int64)
            if array.dtype == np.uint64
            else array.astype(np.int64, copy=False)
            for array in arrays
        ]
    )
    if ids.size and ids.min() < 0:
        position = int(np.argmin(ids))
        document = int(np.searchsorted(np.cumsum(lengths), position, side="right"))
        raise ValueError(
            f"`X` holds a negative token id ({ids[position]}) in X[{document}]; "
            "ids must be >= 0."
        )
    return ids, lengths


def _too_large(docs, ids, lengths, max_features):
    """The error for a token id that would be kept but cannot be output."""
    position = int(np.argmax(ids >= _ID_LIMIT))
    document = int(np.searchsorted(np.cumsum(lengths), position, side="right"))
    start = int(lengths[:document].sum())
    token = int(np.asarray(docs[document])[position - start])
    return ValueError(
        f"X[{document}] holds token id {token}, but ids are kept as they are "
        f"and returned as int32, so with max_features={max_features!r} every "
        f"id must be below {_ID_LIMIT} (2**31). Set max_features (ids from it "
        "on become out-of-vocabulary), or renumber the ids densely first, e.g. "
        "np.unique(all_ids, return_inverse=True)."
    )


class _IdentityVocabulary(Mapping):
    """The token ids ``2 .. size - 1``, each mapped to itself, without a table."""

    def __init__(self, size):
        self._ids = range(_N_RESERVED, size)

    def __getitem__(self, token):
        if isinstance(token, numbers.Integral) and not isinstance(token, bool):
            if token in self._ids:
                return int(token)
        raise KeyError(token)

    def __iter__(self):
        return iter(self._ids)

    def __len__(self):
        return len(self._ids)

    def __repr__(self):
        if len(self) <= 10:
            return repr(dict(self))
        first, last = self._ids[0], self._ids[-1]
        return f"{{{first}: {first}, ..., {last}: {last}}}"


def _clip_ids(ids, vocabulary_size):
    return np.where(ids < vocabulary_size, ids, OOV_ID).astype(np.int32)


def _build_vocabulary(tokens, max_features):
    counts = collections.Counter(tokens)
    # Ties are broken by the token itself so that the vocabulary does not
    # depend on the order of the documents (e.g. across CV folds).
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if max_features is not None:
        ranked = ranked[: max_features - _N_RESERVED]
    return {token: rank + _N_RESERVED for rank, (token, _) in enumerate(ranked)}


def _lookup(tokens, vocabulary):
    ids = map(vocabulary.get, tokens, itertools.repeat(OOV_ID))
    return np.fromiter(ids, dtype=np.int32, count=len(tokens))


def _pad(ids, lengths, max_length):
    """Pad and truncate at the front: keep each document's last tokens."""
    kept = np.minimum(lengths, max_length)
    ends = np.cumsum(lengths)
    starts_out = np.cumsum(kept) - kept
    # Position of every kept token inside its document's kept tail.
    offsets = np.arange(kept.sum()) - np.repeat(starts_out, kept)
    rows = np.repeat(np.arange(len(lengths)), kept)
    source = np.repeat(ends - kept, kept) + offsets
    columns = np.repeat(max_length - kept, kept) + offsets
    padded = np.full((len(lengths), max_length), PAD_ID, dtype=np.int32)
    padded[rows, columns] = ids[source]
    return padded


def check_token_pattern(owner, token_pattern):
    """Raise unless ``token_pattern`` compiles, with at most one group.

    What a ``str`` constraint cannot see; ``owner`` is the estimator whose
    parameter it is (the tokenizer, or a classifier that makes one).
    """
    try:
        groups = re.compile(token_pattern).groups
    except re.error as error:
        allowed = f"a valid regular expression (re.compile says: {error})"
        raise invalid_parameter(
            owner, "token_pattern", allowed, token_pattern
        ) from None
    if groups > 1:
        allowed = (
            "a regular expression with at most one capturing group, the "
            f"token (this one has {groups})"
        )
        raise invalid_parameter(owner, "token_pattern", allowed, token_pattern)
