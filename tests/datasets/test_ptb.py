import hashlib
import os
import re

import pytest

from skseq.datasets import _ptb, fetch_ptb

LINES = {
    "train": " aer banknote berlitz \n pierre <unk> N years old \n",
    "valid": " consumers may want to move \n",
    "test": " no it was n't black monday \n but while \n",
}


@pytest.fixture
def remote_files(tmp_path, monkeypatch):
    """Point the downloads at local file:// copies and count them."""
    source = tmp_path / "remote"
    source.mkdir()
    checksums = {}
    for split, text in LINES.items():
        path = source / f"ptb.{split}.txt"
        path.write_text(text, encoding="utf-8")
        checksums[split] = hashlib.md5(path.read_bytes()).hexdigest()
    monkeypatch.setattr(_ptb, "URL", source.as_uri() + "/ptb.{}.txt")
    monkeypatch.setattr(_ptb, "MD5", checksums)
    calls = []

    def counting_fetch(remote, folder):
        calls.append(remote.url)
        return fetch_remote(remote, folder)

    fetch_remote = _ptb.fetch_remote
    monkeypatch.setattr(_ptb, "fetch_remote", counting_fetch)
    return calls


def test_downloads_each_split_once_and_reads_lines(tmp_path, remote_files):
    home = tmp_path / "home"
    first = fetch_ptb(data_home=home)
    second = fetch_ptb(data_home=home, download_if_missing=False)
    assert len(remote_files) == 3
    assert first.train == ["aer banknote berlitz", "pierre <unk> N years old"]
    assert first.valid == ["consumers may want to move"]
    assert first.test == second.test == ["no it was n't black monday", "but while"]
    assert "Mikolov" in first.DESCR
    assert sorted(os.listdir(home / "ptb")) == [
        "ptb.test.txt",
        "ptb.train.txt",
        "ptb.valid.txt",
    ]


def test_reads_files_copied_into_the_cache(tmp_path):
    folder = tmp_path / "ptb"
    folder.mkdir()
    for split, text in LINES.items():
        (folder / f"ptb.{split}.txt").write_text(text, encoding="utf-8")
    ptb = fetch_ptb(data_home=tmp_path, download_if_missing=False)
    assert ptb.valid == ["consumers may want to move"]


def test_corrupted_download_is_rejected_and_not_kept(
    tmp_path, remote_files, monkeypatch
):
    monkeypatch.setitem(_ptb.MD5, "train", "0" * 32)
    with pytest.raises(OSError, match=r"has MD5 [0-9a-f]{32}, expected 0{32}"):
        fetch_ptb(data_home=tmp_path / "home")
    assert os.listdir(tmp_path / "home" / "ptb") == []


def test_missing_data_without_download(tmp_path):
    match = r"ptb\.train\.txt is not in the cache .*download_if_missing=False"
    with pytest.raises(OSError, match=match):
        fetch_ptb(data_home=tmp_path, download_if_missing=False)


def test_data_home_defaults_to_environment_variable(
    tmp_path, remote_files, monkeypatch
):
    monkeypatch.setenv("SKSEQ_DATA", str(tmp_path / "env"))
    assert fetch_ptb().valid == ["consumers may want to move"]
    assert (tmp_path / "env" / "ptb" / "ptb.valid.txt").exists()


def test_file_that_is_not_text_names_the_file(tmp_path):
    folder = tmp_path / "ptb"
    folder.mkdir()
    for split in LINES:
        (folder / f"ptb.{split}.txt").write_bytes(b"caf\xe9 \xff")
    path = folder / "ptb.train.txt"
    match = re.escape(str(path)) + r" is not UTF-8 text .*delete it"
    with pytest.raises(OSError, match=match):
        fetch_ptb(data_home=tmp_path, download_if_missing=False)
