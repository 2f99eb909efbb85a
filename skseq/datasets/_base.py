"""The cache folder of the fetchers, and a checked download into it."""

import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RemoteFile", "fetch_remote", "get_data_home"]


@dataclass(frozen=True)
class RemoteFile:
    """A file to download: name in the cache, address and SHA-256 checksum."""

    filename: str
    url: str
    sha256: str | None


def get_data_home(data_home=None):
    """Return the folder where fetchers cache data, creating it if needed.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder.  None means ``$SKSEQ_DATA`` if set, else ``~/skseq_data``.
        A leading ``~`` is expanded.

    Returns
    -------
    data_home : pathlib.Path
    """
    if data_home is None:
        data_home = os.environ.get("SKSEQ_DATA", os.path.join("~", "skseq_data"))
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_remote(remote, folder):
    """Download ``remote`` into ``folder`` and check its SHA-256 checksum.

    The file is written under a temporary name and renamed only once its
    checksum matches, so an interrupted or corrupted download never looks
    like a cached file.

    Parameters
    ----------
    remote : RemoteFile
    folder : pathlib.Path

    Returns
    -------
    path : pathlib.Path
        ``folder / remote.filename``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.filename
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(remote.url) as src:
            shutil.copyfileobj(src, out, length=1 << 20)
        checksum = _sha256(temporary)
        if remote.sha256 is not None and checksum != remote.sha256:
            raise OSError(
                f"The file downloaded from {remote.url} has SHA-256 {checksum}, "
                f"expected {remote.sha256}: the download is corrupted or the file "
                "changed; try again."
            )
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target


def _sha256(path, chunk_size=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
