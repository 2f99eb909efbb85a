import hashlib
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from skseq.datasets import _jena, fetch_jena_climate
from skseq.datasets._base import RemoteFile

HEADER = '"Date Time",' + ",".join(f'"{name}"' for name in _jena.FEATURE_NAMES)
ROWS = [
    "01.01.2009 00:10:00,996.52,-8.02,265.40,-8.90,93.30,3.33,3.11,0.22,1.94,"
    "3.12,1307.75,1.03,1.75,152.30",
    "01.01.2009 00:20:00,996.57,-8.41,265.01,-9.28,93.40,3.23,3.02,0.21,1.89,"
    "3.03,1309.80,0.72,1.50,136.10",
    "02.01.2009 00:00:00,996.53,-8.51,264.91,-9.31,93.90,3.21,3.01,0.20,1.88,"
    "3.02,1310.24,0.19,0.63,171.60",
]


def make_archive(path, header=HEADER, rows=ROWS, compression=zipfile.ZIP_STORED):
    """A small zip laid out like jena_climate_2009_2016.csv.zip; its SHA-256."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr(_jena._MEMBER, "\n".join([header, *rows]) + "\n")
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def downloads(tmp_path, monkeypatch):
    """Serve the archive from a local file:// address and record downloads."""
    source = tmp_path / "remote" / _jena.ARCHIVE.filename
    source.parent.mkdir()
    checksum = make_archive(source)
    remote = RemoteFile(_jena.ARCHIVE.filename, source.as_uri(), checksum)
    monkeypatch.setattr(_jena, "ARCHIVE", remote)
    calls = []
    fetch_remote = _jena.fetch_remote

    def recording_fetch(remote, folder):
        calls.append((remote.url, folder))
        return fetch_remote(remote, folder)

    monkeypatch.setattr(_jena, "fetch_remote", recording_fetch)
    return calls


def test_downloads_once_then_reads_the_cache(tmp_path, downloads):
    home = tmp_path / "home"
    first = fetch_jena_climate(data_home=home)
    assert len(downloads) == 1
    assert downloads[0][1] == home / "jena_climate"
    second = fetch_jena_climate(data_home=home)
    assert len(downloads) == 1
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert (home / "jena_climate" / _jena.ARCHIVE.filename).exists()


def test_frame_has_14_float_columns_indexed_by_day_first_times(tmp_path, downloads):
    jena = fetch_jena_climate(data_home=tmp_path)
    frame = jena.frame
    assert frame.shape == (3, 14)
    assert list(frame.columns) == jena.feature_names == list(_jena.FEATURE_NAMES)
    assert (frame.dtypes == np.float64).all()
    assert frame.index.name == "Date Time"
    assert frame.index[2] == pd.Timestamp("2009-01-02 00:00:00")
    assert frame.loc["2009-01-01 00:10:00", "T (degC)"] == -8.02
    assert jena.data is frame
    assert "Jena" in jena.DESCR


def test_data_home_defaults_to_skseq_data(tmp_path, downloads, monkeypatch):
    monkeypatch.setenv("SKSEQ_DATA", str(tmp_path / "env"))
    fetch_jena_climate()
    assert downloads[0][1] == tmp_path / "env" / "jena_climate"


def test_as_frame_false_gives_an_array_and_the_times(tmp_path, downloads):
    jena = fetch_jena_climate(data_home=tmp_path, as_frame=False)
    assert isinstance(jena.data, np.ndarray)
    assert jena.data.shape == (3, 14)
    assert jena.frame is None
    np.testing.assert_array_equal(jena.data[:, 1], [-8.02, -8.41, -8.51])
    assert jena.index[0] == pd.Timestamp("2009-01-01 00:10:00")


def test_missing_archive_without_download_says_what_to_do(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(_jena, "fetch_remote", lambda *args: calls.append(args))
    with pytest.raises(
        OSError, match=r"download_if_missing=False.*copy https://storage\."
    ):
        fetch_jena_climate(data_home=tmp_path, download_if_missing=False)
    assert calls == []


def test_archive_copied_by_hand_is_used_offline(tmp_path, downloads):
    folder = tmp_path / "jena_climate"
    folder.mkdir()
    make_archive(folder / _jena.ARCHIVE.filename)
    jena = fetch_jena_climate(data_home=tmp_path, download_if_missing=False)
    assert jena.frame.shape == (3, 14)
    assert downloads == []


def test_cached_file_with_other_columns_is_refused(tmp_path):
    folder = tmp_path / "jena_climate"
    folder.mkdir()
    make_archive(
        folder / _jena.ARCHIVE.filename,
        header='"Date Time","x"',
        rows=["01.01.2009 00:10:00,1.0"],
    )
    with pytest.raises(OSError, match="does not hold the Jena climate columns"):
        fetch_jena_climate(data_home=tmp_path)


def test_download_that_is_not_the_archive_is_not_cached(tmp_path, monkeypatch):
    source = tmp_path / "page.html"
    source.write_text("<html>not found</html>")
    checksum = hashlib.sha256(source.read_bytes()).hexdigest()
    remote = RemoteFile(_jena.ARCHIVE.filename, source.as_uri(), checksum)
    monkeypatch.setattr(_jena, "ARCHIVE", remote)
    with pytest.raises(OSError, match="not a readable Jena climate archive"):
        fetch_jena_climate(data_home=tmp_path / "home")
    assert not (tmp_path / "home" / "jena_climate" / remote.filename).exists()


def test_archive_without_published_checksum_downloads(tmp_path, monkeypatch):
    source = tmp_path / _jena.ARCHIVE.filename
    make_archive(source)
    unchecked = RemoteFile(_jena.ARCHIVE.filename, source.as_uri(), None)
    monkeypatch.setattr(_jena, "ARCHIVE", unchecked)
    assert fetch_jena_climate(data_home=tmp_path / "home").frame.shape == (3, 14)


def _cached(tmp_path):
    folder = tmp_path / "jena_climate"
    folder.mkdir()
    return folder / _jena.ARCHIVE.filename


def test_cached_archive_with_damaged_data_names_the_file(tmp_path):
    path = _cached(tmp_path)
    make_archive(path, rows=ROWS * 200, compression=zipfile.ZIP_DEFLATED)
    content = bytearray(path.read_bytes())
    start = 30 + len(_jena._MEMBER)
    content[start + 10 : start + 30] = bytes(
        b ^ 0x55 for b in content[start + 10 : start + 30]
    )
    path.write_bytes(bytes(content))
    match = (
        re.escape(str(path)) + r" is not a readable Jena climate archive .*delete it"
    )
    with pytest.raises(OSError, match=match):
        fetch_jena_climate(data_home=tmp_path, download_if_missing=False)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([ROWS[0], ROWS[1].replace("996.57", "high")], r"could not convert string"),
        (
            [ROWS[0].replace("-8.02", "-8\xe9")],
            r"(codec can't decode|could not convert string)",
        ),
        ([ROWS[0].replace("01.01.2009", "2009-01-01")], r"time data"),
    ],
    ids=["not-a-number", "not-utf8", "time-format"],
)
def test_cached_csv_that_cannot_be_parsed_names_the_file_and_member(
    tmp_path, rows, problem
):
    path = _cached(tmp_path)
    make_archive(path, rows=rows)
    match = (
        r"(?s)" + re.escape(str(path)) + r" is not a readable Jena climate archive "
        rf"\(jena_climate_2009_2016\.csv: .*{problem}.*\); delete it"
    )
    with pytest.raises(OSError, match=match):
        fetch_jena_climate(data_home=tmp_path, download_if_missing=False)
