"""The IMDB movie reviews (Maas et al., 2011), downloaded once and cached."""

import gzip
import os
import re
import tarfile
import tempfile
import zlib

import joblib
import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..classification._tokenizer import TextTokenizer
from ._base import RemoteFile, fetch_remote, get_data_home

__all__ = ["fetch_imdb"]

ARCHIVE = RemoteFile(
    filename="aclImdb_v1.tar.gz",
    url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
)
TARGET_NAMES = ("neg", "pos")
_FOLDER = "imdb"
_CACHE = "aclImdb_v1.joblib"
_MEMBER = re.compile(r"^aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
_SUBSETS = {"train": ("train",), "test": ("test",), "all": ("train", "test")}

DESCR = """\
Large Movie Review Dataset v1.0 (IMDB)
--------------------------------------
50,000 highly polar movie reviews from IMDB, 25,000 for training and 25,000
for testing, half positive (rating >= 7 of 10) and half negative (<= 4).

Maas, A. L., Daly, R. E., Pham, P. T., Huang, D., Ng, A. Y. and Potts, C.
(2011). Learning Word Vectors for Sentiment Analysis. ACL 2011.
https://ai.stanford.edu/~amaas/data/sentiment/
"""


def fetch_imdb(
    *,
    data_home=None,
    subset="train",
    return_raw_text=True,
    max_features=None,
    shuffle=False,
    random_state=None,
    download_if_missing=True,
    return_X_y=False,
):
    """Load the IMDB movie reviews, downloading them on first use.

    The first call downloads ``aclImdb_v1.tar.gz`` (84 MB) into
    ``data_home/imdb``, checks its SHA-256 checksum, reads the labelled
    reviews once and caches them next to it (``aclImdb_v1.joblib``); later
    calls read only the cache.  To work offline, copy the archive into
    ``data_home/imdb`` yourself.  The unlabelled ``unsup`` reviews are not
    loaded.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; None means ``$SKSEQ_DATA`` if set, else ``~/skseq_data``.
    subset : {"train", "test", "all"}, default="train"
        Which reviews: 25,000, 25,000, or all 50,000 (train first).
    return_raw_text : bool, default=True
        Return the reviews as str (the ``<br />`` line breaks of the files
        become newlines).  False returns them as int32 token id sequences of
        varying length, as ``keras.datasets.imdb`` does, from a
        `~skseq.classification.TextTokenizer` fitted on the training reviews
        only (id 0 padding, 1 out-of-vocabulary, 2 the most frequent token).
    max_features : int or None, default=None
        Number of token ids with ``return_raw_text=False`` (see
        `~skseq.classification.TextTokenizer`); None keeps every token.
    shuffle : bool, default=False
        Shuffle the reviews; otherwise they are ordered by subset, label
        (negative first) and review id.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    download_if_missing : bool, default=True
        Download the archive if it is not in the cache; if False, raise
        ``OSError`` instead.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    dataset : Bunch
        ``data`` (list of str, or list of int32 arrays), ``target`` (ndarray
        of 0 = negative, 1 = positive), ``target_names`` (``["neg", "pos"]``),
        ``rating`` (the 1-10 star rating from the file name), ``filenames``
        (paths inside the archive), ``vocabulary`` (token to id, or None for
        raw text) and ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    OSError
        When the data is not cached and ``download_if_missing=False``, or
        when the cached archive or its parsed copy cannot be read; the
        message names the file to delete (and the review, for text that is
        not UTF-8).

    Examples
    --------
    >>> from skseq.datasets import fetch_imdb
    >>> reviews = fetch_imdb(subset="train")  # doctest: +SKIP
    >>> len(reviews.data), reviews.target_names  # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    parts = _check_subset(subset)
    if return_raw_text and max_features is not None:
        raise ValueError(
            f"`max_features`={max_features!r} only applies to token ids; pass "
            "return_raw_text=False, or leave max_features=None."
        )
    corpus = _load_corpus(data_home, download_if_missing)
    columns = {
        key: _concatenate([corpus[part][key] for part in parts])
        for key in ("text", "target", "rating", "filenames")
    }
    if shuffle:
        order = check_random_state(random_state).permutation(len(columns["target"]))
        columns = {key: value[order] for key, value in columns.items()}
    data, vocabulary = list(columns["text"]), None
    if not return_raw_text:
        tokenizer = TextTokenizer(max_features=max_features)
        tokenizer.fit(list(corpus["train"]["text"]))
        data, vocabulary = tokenizer._sequences(data), tokenizer.vocabulary_
    if return_X_y:
        return data, columns["target"]
    return Bunch(
        data=data,
        target=columns["target"],
        target_names=list(TARGET_NAMES),
        rating=columns["rating"],
        filenames=list(columns["filenames"]),
        vocabulary=vocabulary,
        DESCR=DESCR,
    )


def _check_subset(subset):
    if subset not in _SUBSETS:
        raise ValueError(f"`subset` must be one of {sorted(_SUBSETS)}, got {subset!r}.")
    return _SUBSETS[subset]


def _concatenate(arrays):
    return np.concatenate(arrays) if len(arrays) > 1 else arrays[0]


def _load_corpus(data_home, download_if_missing):
    """The parsed reviews from the cache, building the cache if needed."""
    folder = get_data_home(data_home) / _FOLDER
    cache = folder / _CACHE
    if cache.exists():
        return _load_cache(cache)
    archive = folder / ARCHIVE.filename
    if not archive.exists():
        if not download_if_missing:
            raise OSError(
                f"The IMDB reviews are not in the cache {folder} and "
                "download_if_missing=False; download them once with "
                f"download_if_missing=True, or copy {ARCHIVE.url} there."
            )
        archive = fetch_remote(ARCHIVE, folder)
    corpus = _read_archive(archive)
    _dump_atomically(corpus, cache)
    return corpus


def _load_cache(path):
    try:
        return joblib.load(path)
    except Exception as error:
        # Whatever broke the file (truncation, another joblib or numpy), the
        # remedy is the same: it is only a parsed copy of the archive.
        raise OSError(
            f"{path} cannot be read ({type(error).__name__}: {error}); delete it: "
            "the next call rebuilds it from the archive, downloading that again "
            "if it is not there."
        ) from error


def _read_archive(path):
    """Labelled reviews of ``path`` as {subset: {column: ndarray}}."""
    rows = {"train": [], "test": []}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                match = _MEMBER.match(member.name)
                if match is None or not member.isfile():
                    continue
                part, label, review_id, rating = match.groups()
                text = _review(archive, member, path)
                key = (TARGET_NAMES.index(label), int(review_id))
                rows[part].append((key, text, int(rating), member.name))
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise OSError(
            f"{path} is not a readable IMDB archive ({type(error).__name__}: "
            f"{error}); delete it so that it is downloaded again, or copy the "
            f"original from {ARCHIVE.url} there."
        ) from error
    if not rows["train"] and not rows["test"]:
        raise OSError(
            f"{path} holds no reviews named aclImdb/<train|test>/<neg|pos>/"
            "<id>_<rating>.txt; delete it so that it is downloaded again."
        )
    return {part: _columns(part_rows) for part, part_rows in rows.items()}


def _review(archive, member, path):
    """The text of one review, with the ``<br />`` line breaks as newlines."""
    data = archive.extractfile(member).read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise OSError(
            f"{path}: the review {member.name} is not UTF-8 text ({error}), so "
            "the archive is damaged or not the original one; delete it so that "
            "it is downloaded again."
        ) from error
    return text.replace("<br />", "\n")


def _columns(rows):
    rows.sort(key=lambda row: row[0])
    texts = np.empty(len(rows), dtype=object)
    texts[:] = [row[1] for row in rows]
    filenames = np.empty(len(rows), dtype=object)
    filenames[:] = [row[3] for row in rows]
    return {
        "text": texts,
        "target": np.array([row[0][0] for row in rows], dtype=np.int64),
        "rating": np.array([row[2] for row in rows], dtype=np.int64),
        "filenames": filenames,
    }


def _dump_atomically(value, path):
    """Write with joblib under a temporary name, then rename into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        joblib.dump(value, temporary, compress=3)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
