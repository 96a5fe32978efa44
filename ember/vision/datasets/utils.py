"""Downloading, verifying and extracting dataset files, with torchvision's names.

Note [safe downloads]
A download goes to ``<file>.part`` beside its destination and is renamed into place only after
its MD5 matches, so a half-written or corrupted file never carries the final name. An
interrupted transfer leaves the ``.part`` file; the next attempt (in the same call, or a later
one) asks the server for the rest with an HTTP ``Range`` header and appends, falling back to a
fresh download when the server ignores the range.
"""

import bz2
import gzip
import hashlib
import http.client
import lzma
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

__all__ = [
    "calculate_md5",
    "check_md5",
    "check_integrity",
    "download_url",
    "extract_archive",
    "download_and_extract_archive",
    "verify_str_arg",
    "iterable_to_str",
]

USER_AGENT = "ember-vision"
_CHUNK = 1024 * 1024
_ATTEMPTS = 3  # tries per URL; each retry resumes from the bytes already received


class ChecksumError(RuntimeError):
    """A downloaded file whose MD5 differs from the expected one."""


def calculate_md5(fpath: str | Path, chunk_size: int = _CHUNK) -> str:
    """The hex MD5 digest of the file at ``fpath``."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str | Path, md5: str, **kwargs) -> bool:
    """Whether the file at ``fpath`` has the MD5 ``md5``."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath: str | Path, md5: str | None = None) -> bool:
    """Whether ``fpath`` is a file and, when ``md5`` is given, has that MD5."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


class _RedirectLimit(urllib.request.HTTPRedirectHandler):
    def __init__(self, max_hops):
        super().__init__()
        self.max_redirections = max_hops


def _open(url, start, max_redirect_hops):
    """The response to a GET of ``url``, asking for the bytes from ``start`` on when > 0."""
    headers = {"User-Agent": USER_AGENT}
    if start > 0:
        headers["Range"] = f"bytes={start}-"
    opener = urllib.request.build_opener(_RedirectLimit(max_redirect_hops))
    return opener.open(urllib.request.Request(url, headers=headers), timeout=60)


def _fetch(url, part, max_redirect_hops):
    """Write ``url`` into ``part``, appending to what an earlier attempt left there."""
    start = os.path.getsize(part) if os.path.isfile(part) else 0
    try:
        response = _open(url, start, max_redirect_hops)
    except urllib.error.HTTPError as error:
        if error.code != 416 or start == 0:
            raise
        # 416: nothing left past ``start``: the part file is already whole (or longer than the
        # file); the checksum decides, and a bad one starts over on the next attempt.
        return
    with response:
        resumed = start > 0 and response.status == 206
        length = response.headers.get("Content-Length")
        total = int(length) + (start if resumed else 0) if length is not None else None
        with (
            open(part, "ab" if resumed else "wb") as f,
            tqdm(
                total=total,
                initial=start if resumed else 0,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=os.path.basename(part[: -len(".part")]),
                disable=None,  # no bar off a terminal
            ) as bar,
        ):
            while chunk := response.read(_CHUNK):
                f.write(chunk)
                bar.update(len(chunk))
    if total is not None and os.path.getsize(part) < total:
        raise http.client.IncompleteRead(b"", total - os.path.getsize(part))


def download_url(
    url: str,
    root: str | Path,
    filename: str | Path | None = None,
    md5: str | None = None,
    max_redirect_hops: int = 3,
) -> None:
    """Download ``url`` into ``root/filename``, verified against ``md5`` when given.

    Nothing is downloaded when the file is already there with the right checksum. The transfer
    is resumable and written under a temporary name (see Note [safe downloads]); a checksum
    mismatch removes the partial file and raises ``RuntimeError``.
    """
    root = os.path.expanduser(root)
    filename = os.fspath(filename) if filename else os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    part = fpath + ".part"
    for attempt in range(_ATTEMPTS):
        try:
            _fetch(url, part, max_redirect_hops)
            break
        except (http.client.IncompleteRead, ConnectionError, TimeoutError):
            # The transfer broke off: the next attempt resumes from the bytes on disk.
            if attempt == _ATTEMPTS - 1:
                raise
    if md5 is not None and not check_md5(part, md5):
        actual = calculate_md5(part)
        os.remove(part)
        raise ChecksumError(
            f"File not found or corrupted. The MD5 of {url} is {actual}, expected {md5}."
        )
    os.replace(part, fpath)


_ARCHIVES = {".tar": "", ".tar.gz": "gz", ".tgz": "gz", ".tar.bz2": "bz2", ".tbz": "bz2"}
_ARCHIVES.update({".tbz2": "bz2", ".tar.xz": "xz", ".txz": "xz", ".zip": "zip"})
_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def _suffix(path):
    """The archive or compression suffix of ``path`` (``.tar.gz`` before ``.gz``)."""
    name = os.path.basename(path).lower()
    for suffix in sorted([*_ARCHIVES, *_COMPRESSED], key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    known = "', '".join([*_ARCHIVES, *_COMPRESSED])
    raise RuntimeError(
        f"Unknown compression or archive type of '{path}'.\nKnown suffixes are: '{known}'."
    )


def _move_tree(src, dst):
    """Move every file under ``src`` to the same place under ``dst``, replacing old ones."""
    for folder, _, files in os.walk(src):
        target = os.path.join(dst, os.path.relpath(folder, src))
        os.makedirs(target, exist_ok=True)
        for name in files:
            os.replace(os.path.join(folder, name), os.path.join(target, name))


def _unpack(from_path, to_path, suffix):
    """Unpack a tar or zip archive into a temporary folder, then move it into ``to_path``."""
    with tempfile.TemporaryDirectory(dir=to_path, prefix=".extract-") as tmp:
        if suffix == ".zip":
            with zipfile.ZipFile(from_path) as z:
                z.extractall(tmp)  # zipfile drops absolute paths and '..' components
        else:
            with tarfile.open(from_path, f"r:{_ARCHIVES[suffix]}") as tar:
                # The "data" filter refuses members that escape the folder or are devices.
                tar.extractall(tmp, filter="data")
        _move_tree(tmp, to_path)


def extract_archive(
    from_path: str | Path, to_path: str | Path | None = None, remove_finished: bool = False
) -> str:
    """Extract a tar/zip archive, or decompress a .gz/.bz2/.xz file, into ``to_path``.

    ``to_path`` defaults to the archive's folder. Returns ``to_path`` (for a single compressed
    file, the path of the decompressed file), as torchvision does.
    """
    from_path = os.fspath(from_path)
    to_path = os.path.dirname(from_path) if to_path is None else os.fspath(to_path)
    suffix = _suffix(from_path)
    os.makedirs(to_path, exist_ok=True)
    if suffix in _ARCHIVES:
        _unpack(from_path, to_path, suffix)
        result = to_path
    else:
        result = os.path.join(to_path, os.path.basename(from_path)[: -len(suffix)])
        with _COMPRESSED[suffix](from_path, "rb") as src, open(result + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        os.replace(result + ".part", result)
    if remove_finished:
        os.remove(from_path)
    return result


def download_and_extract_archive(
    url: str,
    download_root: str | Path,
    extract_root: str | Path | None = None,
    filename: str | Path | None = None,
    md5: str | None = None,
    remove_finished: bool = False,
) -> None:
    """``download_url`` then ``extract_archive`` (into ``download_root`` by default)."""
    download_root = os.path.expanduser(download_root)
    extract_root = download_root if extract_root is None else extract_root
    filename = os.fspath(filename) if filename else os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    print(f"Extracting {archive} to {extract_root}")
    extract_archive(archive, extract_root, remove_finished)


def iterable_to_str(iterable: Iterable) -> str:
    """``'a', 'b', 'c'``: the items quoted and comma-separated, for error messages."""
    return "'" + "', '".join([str(item) for item in iterable]) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is a string among ``valid_values``, else ``ValueError`` as torchvision."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    raise ValueError(
        f"Unknown value '{value}' for argument {arg}. "
        f"Valid values are {{{iterable_to_str(valid_values)}}}."
    )
