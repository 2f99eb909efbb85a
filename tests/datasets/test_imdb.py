import hashlib
import io
import os
import re
import tarfile

import numpy as np
import pytest

from skseq.datasets import _imdb, fetch_imdb
from skseq.datasets._base import RemoteFile, get_data_home

REVIEWS = {
    "aclImdb/train/pos/3_9.txt": "A great film.<br /><br />Loved it.",
    "aclImdb/train/pos/12_10.txt": "Great great acting",
    "aclImdb/train/neg/7_2.txt": "A dull film",
    "aclImdb/test/pos/0_8.txt": "great fun",
    "aclImdb/test/neg/4_1.txt": "dull, boring",
    "aclImdb/train/unsup/0_0.txt": "not labelled",
    "aclImdb/imdb.vocab": "great\nfilm\n",
}


def make_archive(path, members=REVIEWS):
    """A small tar.gz with the layout of aclImdb_v1.tar.gz; returns its SHA-256."""
    with tarfile.open(path, "w:gz") as archive:
        for name, text in members.items():
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cached_archive(tmp_path):
    """A data home whose imdb folder already holds the archive."""
    folder = tmp_path / "imdb"
    folder.mkdir()
    make_archive(folder / _imdb.ARCHIVE.filename)
    return tmp_path


@pytest.fixture
def remote_archive(tmp_path, monkeypatch):
    """Point the download at a local file:// archive and count downloads."""
    source = tmp_path / "remote" / "aclImdb_v1.tar.gz"
    source.parent.mkdir()
    checksum = make_archive(source)
    remote = RemoteFile(_imdb.ARCHIVE.filename, source.as_uri(), checksum)
    monkeypatch.setattr(_imdb, "ARCHIVE", remote)
    calls = []

    def counting_fetch(remote, folder):
        calls.append(remote.url)
        return fetch_remote(remote, folder)

    fetch_remote = _imdb.fetch_remote
    monkeypatch.setattr(_imdb, "fetch_remote", counting_fetch)
    return calls


def test_loads_labelled_reviews_from_a_cached_archive(cached_archive):
    reviews = fetch_imdb(data_home=cached_archive, download_if_missing=False)
    assert reviews.data == [
        "A dull film",
        "A great film.\n\nLoved it.",
        "Great great acting",
    ]
    np.testing.assert_array_equal(reviews.target, [0, 1, 1])
    np.testing.assert_array_equal(reviews.rating, [2, 9, 10])
    assert reviews.target_names == ["neg", "pos"]
    assert reviews.filenames[0] == "aclImdb/train/neg/7_2.txt"
    assert reviews.vocabulary is None
    assert "Maas" in reviews.DESCR


def test_later_calls_read_only_the_cache(cached_archive):
    first = fetch_imdb(data_home=cached_archive, subset="all")
    os.remove(cached_archive / "imdb" / _imdb.ARCHIVE.filename)
    second = fetch_imdb(
        data_home=cached_archive, subset="all", download_if_missing=False
    )
    assert second.data == first.data
    assert (cached_archive / "imdb" / "aclImdb_v1.joblib").exists()


def test_downloads_once(tmp_path, remote_archive):
    home = tmp_path / "home"
    first = fetch_imdb(data_home=home, subset="test")
    second = fetch_imdb(data_home=home, subset="test")
    assert len(remote_archive) == 1
    assert first.data == second.data == ["dull, boring", "great fun"]
    assert sorted(os.listdir(home / "imdb")) == [
        "aclImdb_v1.joblib",
        "aclImdb_v1.tar.gz",
    ]


def test_corrupted_download_is_rejected_and_not_kept(
    tmp_path, remote_archive, monkeypatch
):
    corrupted = RemoteFile(_imdb.ARCHIVE.filename, _imdb.ARCHIVE.url, "0" * 64)
    monkeypatch.setattr(_imdb, "ARCHIVE", corrupted)
    with pytest.raises(OSError, match=r"expected 0000.* download is corrupted"):
        fetch_imdb(data_home=tmp_path / "home")
    assert os.listdir(tmp_path / "home" / "imdb") == []


def test_missing_data_without_download(tmp_path):
    with pytest.raises(OSError, match=r"not in the cache .*download_if_missing=False"):
        fetch_imdb(data_home=tmp_path, download_if_missing=False)


def test_archive_without_reviews_is_reported(tmp_path):
    folder = tmp_path / "imdb"
    folder.mkdir()
    make_archive(folder / _imdb.ARCHIVE.filename, {"README": "nothing"})
    with pytest.raises(OSError, match=r"holds no reviews"):
        fetch_imdb(data_home=tmp_path, download_if_missing=False)


def test_data_home_defaults_to_environment_variable(cached_archive, monkeypatch):
    monkeypatch.setenv("SKSEQ_DATA", str(cached_archive))
    assert get_data_home() == cached_archive
    assert len(fetch_imdb(download_if_missing=False).data) == 3


def test_data_home_default_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SKSEQ_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == tmp_path / "skseq_data"
    assert (tmp_path / "skseq_data").is_dir()


@pytest.mark.parametrize(
    ("subset", "n_reviews"), [("train", 3), ("test", 2), ("all", 5)]
)
def test_subsets_and_return_X_y(cached_archive, subset, n_reviews):
    X, y = fetch_imdb(data_home=cached_archive, subset=subset, return_X_y=True)
    assert len(X) == len(y) == n_reviews


def test_shuffle_is_reproducible(cached_archive):
    first = fetch_imdb(
        data_home=cached_archive, subset="all", shuffle=True, random_state=0
    )
    again = fetch_imdb(
        data_home=cached_archive, subset="all", shuffle=True, random_state=0
    )
    assert first.data == again.data
    assert sorted(first.data) == sorted(
        fetch_imdb(data_home=cached_archive, subset="all").data
    )
    pairs = dict(zip(first.filenames, first.target, strict=True))
    assert pairs["aclImdb/test/neg/4_1.txt"] == 0


def test_token_ids_use_the_training_vocabulary(cached_archive):
    reviews = fetch_imdb(
        data_home=cached_archive, subset="test", return_raw_text=False, max_features=4
    )
    assert reviews.vocabulary == {"great": 2, "film": 3}
    np.testing.assert_array_equal(reviews.data[0], [1, 1])
    np.testing.assert_array_equal(reviews.data[1], [2, 1])
    assert reviews.data[0].dtype == np.int32


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"subset": "validation"},
            r"`subset` must be one of \['all', 'test', 'train'\]",
        ),
        ({"max_features": 100}, r"`max_features`=100 only applies to token ids"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fetch_imdb(data_home=tmp_path, **kwargs)


def _gzip_of_a_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"A great film. " * 200
        info = tarfile.TarInfo("aclImdb/train/pos/3_9.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"<html>Not found</html>",
        _gzip_of_a_tar()[:60],
        _gzip_of_a_tar()[:40] + bytes(b ^ 0x55 for b in _gzip_of_a_tar()[40:]),
    ],
    ids=["not-gzip", "truncated", "damaged"],
)
def test_unreadable_archive_names_the_file_and_what_to_do(tmp_path, content):
    folder = tmp_path / "imdb"
    folder.mkdir()
    path = folder / _imdb.ARCHIVE.filename
    path.write_bytes(content)
    match = re.escape(str(path)) + r" is not a readable IMDB archive .*delete it"
    with pytest.raises(OSError, match=match):
        fetch_imdb(data_home=tmp_path, download_if_missing=False)
    assert not (folder / "aclImdb_v1.joblib").exists()


def test_review_that_is_not_utf8_names_the_archive_and_the_member(tmp_path):
    folder = tmp_path / "imdb"
    folder.mkdir()
    path = folder / _imdb.ARCHIVE.filename
    make_archive(path, {**REVIEWS, "aclImdb/train/neg/7_2.txt": b"caf\xe9 \xff"})
    match = (
        re.escape(str(path)) + r": the review aclImdb/train/neg/7_2\.txt is not "
        r"UTF-8 text .*position 3.*delete .* downloaded again"
    )
    with pytest.raises(OSError, match=match):
        fetch_imdb(data_home=tmp_path, download_if_missing=False)


def test_unreadable_cache_names_the_file_and_what_to_do(cached_archive):
    cache = cached_archive / "imdb" / "aclImdb_v1.joblib"
    cache.write_bytes(b"garbage")
    match = (
        re.escape(str(cache))
        + r" cannot be read .*delete it: the next call rebuilds it"
    )
    with pytest.raises(OSError, match=match):
        fetch_imdb(data_home=cached_archive)
