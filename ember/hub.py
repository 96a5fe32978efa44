"""``ember.hub``: the checkpoint cache and downloads, as ``torch.hub``.

Checkpoints live under ``get_dir()/checkpoints`` (``$EMBER_HOME/hub/checkpoints``, by default
``~/.cache/ember/hub/checkpoints``). ``load_state_dict_from_url`` reads the cached file and
downloads it only when it is missing; without a network it says which file to place where.

Differences from PyTorch: ``load``, ``list`` and ``help`` (models from GitHub repositories) are
not provided; the cache root is ``$EMBER_HOME`` (PyTorch's ``$TORCH_HOME``), and
``$XDG_CACHE_HOME`` is not consulted.
"""

import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.request
from urllib.parse import urlparse

from ember._config import ember_home
from ember.serialization import load

__all__ = ["download_url_to_file", "get_dir", "load_state_dict_from_url", "set_dir"]

# The hash prefix that PyTorch's check_hash reads from a file name: ``resnet18-f37072fd.pth``.
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_READ_DATA_CHUNK = 128 * 1024

_hub_dir = None


def get_dir() -> str:
    """The hub cache directory: the one given to ``set_dir``, else ``$EMBER_HOME/hub``."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(ember_home(), "hub")


def set_dir(d) -> None:
    """Use ``d`` as the hub cache directory from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def download_url_to_file(url, dst, hash_prefix=None, progress=True) -> None:
    """Download ``url`` to ``dst`` through a temporary file in the same folder, renamed into
    place only when complete; with ``hash_prefix``, the file's sha256 must start with it."""
    dst = os.path.expanduser(os.fspath(dst))
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "ember.hub"})
    # The temp file sits beside dst so the final rename never crosses file systems.
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(dst) + ".", suffix=".partial", dir=folder)
    try:
        # The temp file is opened first, so it is closed even when the request fails.
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request) as response:
            total = response.headers.get("Content-Length")
            digest = _copy_with_progress(response, out, int(total) if total else None, progress)
        if hash_prefix is not None and not digest.startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _copy_with_progress(response, out, total, progress):
    """Stream ``response`` into ``out``; return the sha256 hex digest of what was written."""
    from tqdm import tqdm  # only a download needs it

    sha256 = hashlib.sha256()
    with tqdm(
        total=total, disable=not progress, unit="B", unit_scale=True, unit_divisor=1024
    ) as bar:
        while chunk := response.read(_READ_DATA_CHUNK):
            out.write(chunk)
            sha256.update(chunk)
            bar.update(len(chunk))
    return sha256.hexdigest()


def load_state_dict_from_url(
    url,
    model_dir=None,
    map_location=None,
    progress=True,
    check_hash=False,
    file_name=None,
    weights_only=False,
):
    """Load the checkpoint at ``url`` from the cache, downloading it first if it is absent.

    The file is ``<model_dir>/<file_name>``: by default ``get_dir()/checkpoints`` and the last
    part of the URL. With ``check_hash``, a download must match the sha256 prefix in the file
    name (``name-<prefix>.ext``). When the file is absent and cannot be downloaded, the
    RuntimeError names the URL and the full path where the file should be placed.
    """
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    model_dir = os.path.expanduser(os.fspath(model_dir))
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        try:
            download_url_to_file(url, cached_file, hash_prefix, progress=progress)
        except (OSError, urllib.error.URLError, ValueError) as e:
            raise RuntimeError(
                f"ember.hub: the checkpoint {filename!r} is not in the cache and could not be "
                f"downloaded ({type(e).__name__}: {e}). Download {url} and place it at "
                f"{os.path.abspath(cached_file)}"
            ) from e
    return load(cached_file, map_location=map_location, weights_only=weights_only)
