"""``ember.save`` / ``ember.load``: PyTorch's checkpoint format (zip + pickle), both ways.

Files written by ember load in PyTorch with ``torch.load(weights_only=True)`` and vice versa.
``load`` is safe by default: ``weights_only=True`` resolves globals only through an allowlist
of tensors, containers and dtypes (see ember/serialization/_pickling.py), which
``add_safe_globals`` and ``safe_globals`` extend as in ``torch.serialization``.
"""

import io
import mmap as _mmap
import os
import pickle
import secrets
import struct
import zlib

import numpy as np

from ember._backend import to_host
from ember.serialization._atomic import write_atomically
from ember.serialization._location import restore_location
from ember.serialization._pickle_globals import globals_in_pickle
from ember.serialization._pickling import (
    CheckpointPickler,
    LoadedStorage,
    RestrictedUnpickler,
    _Storages,
    is_safe_global,
)
from ember.serialization._safe_globals import (
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    safe_globals,
)
from ember.serialization._zipfile import ArchiveWriter, read_archive, record_bytes

__all__ = [
    "save",
    "load",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "get_unsafe_globals_in_checkpoint",
    "safe_globals",
]

_LEGACY_MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa85019")


def _prefix(f):
    if isinstance(f, (str, os.PathLike)):
        name = os.path.basename(os.fspath(f))
        stem = name.rsplit(".", 1)[0] if "." in name else name
        if stem and stem.isascii():
            return stem
    return "archive"


def _write_checkpoint(obj, out, prefix, protocol):
    storages = _Storages()
    data = io.BytesIO()
    CheckpointPickler(data, storages, protocol).dump(obj)
    writer = ArchiveWriter(out)
    writer.add(f"{prefix}/data.pkl", data.getvalue())
    writer.add(f"{prefix}/.format_version", b"1")
    writer.add(f"{prefix}/.storage_alignment", b"64")
    writer.add(f"{prefix}/byteorder", b"little")
    for key, root, _ in storages.records:
        host = to_host(root)  # a device storage is copied to host memory here, once
        writer.add(f"{prefix}/data/{key}", host.reshape(-1).view(np.uint8).data)
    writer.add(f"{prefix}/version", b"3\n")
    serial = "".join(secrets.choice("0123456789") for _ in range(40))
    writer.add(f"{prefix}/.data/serialization_id", serial.encode("ascii"))
    writer.close()


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol=2,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
):
    """Save ``obj`` (tensors, state_dicts, modules...) in PyTorch's zip checkpoint format.

    A path is written atomically: to a temporary file beside it, then renamed into place,
    keeping the file's permission bits and writing through a symlink to its target; temporary
    files of earlier saves that were killed midway are removed.

    Example::

        >>> import io
        >>> import ember
        >>> buffer = io.BytesIO()
        >>> ember.save({"w": ember.ones(2)}, buffer)
        >>> _ = buffer.seek(0)
        >>> ember.load(buffer)
        {'w': tensor([1., 1.])}

    Differences from PyTorch: ``pickle_protocol`` 0 and 1 are refused (2 to 5 are written). A
    whole Module pickles ``ember.*`` classes, which ``torch.load`` refuses by default and can
    rebuild only where ember is installed; save the ``state_dict`` to exchange models.
    """
    if not isinstance(pickle_protocol, int) or not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(
            f"ember.save: pickle_protocol must be 2 to {pickle.HIGHEST_PROTOCOL}, got "
            f"{pickle_protocol!r}"
        )
    if not _use_new_zipfile_serialization:
        raise ValueError(
            "ember.save writes only the zip format (the legacy format is not supported)"
        )
    prefix = _prefix(f)
    if not isinstance(f, (str, os.PathLike)):
        _write_checkpoint(obj, f, prefix, pickle_protocol)
        return
    write_atomically(f, lambda out: _write_checkpoint(obj, out, prefix, pickle_protocol))


def _read_source(f, mmap):
    """The file's bytes as a memoryview: read eagerly, or mapped copy-on-write (as torch's
    MAP_PRIVATE: writes to loaded tensors never reach the file)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            if mmap:
                return memoryview(_mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY))
            return memoryview(fh.read())
    return memoryview(f.read())


def _source_name(f):
    """How errors name what ``load`` was reading: the path, or the file object's name."""
    if isinstance(f, (str, os.PathLike)):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    if isinstance(name, (str, bytes, os.PathLike)):
        return repr(os.fspath(name))
    return f"<{type(f).__name__} object>"


def load(
    f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args
):
    """Load an object saved by ``ember.save`` or ``torch.save``.

    ``weights_only=True`` (the default) refuses any pickled global outside the allowlist and the
    globals added with ``add_safe_globals`` / ``safe_globals``.

    .. warning:: ``weights_only=False`` unpickles the file with a plain unpickler, as PyTorch
       does: the file can run arbitrary code (``os.system``, ``builtins.exec``...). Use it only
       on files you trust. ``torch.*`` globals it names resolve to ember's counterparts.

    ``mmap=True`` maps the file copy-on-write instead of reading it. ``map_location`` is
    PyTorch's: None, a string, a device, a dict of locations or a callable.

    Differences from PyTorch: every error names the file being read; PyTorch's legacy
    (pre-1.6, non-zip) checkpoints are refused with a message to re-save them.
    """
    restore = restore_location(map_location)
    if mmap and not isinstance(f, (str, os.PathLike)):
        raise ValueError("ember.load: mmap=True needs a file path")
    try:
        return _load_checkpoint(_read_source(f, mmap), restore, weights_only, mmap)
    except (RuntimeError, pickle.UnpicklingError) as e:
        if type(e) not in (RuntimeError, pickle.UnpicklingError):
            e.add_note(f"ember.load: while reading {_source_name(f)}")
            raise
        message = str(e).removeprefix("ember.load: ")
        error = type(e)(f"ember.load: error reading {_source_name(f)}: {message}")
        raise error.with_traceback(e.__traceback__) from None
    except (EOFError, ValueError, struct.error, IndexError, UnicodeDecodeError, zlib.error) as e:
        # Malformed bytes surface as these from the zip and pickle layers; with
        # weights_only=False the file's own classes may raise them too, and are left alone.
        if not weights_only:
            e.add_note(f"ember.load: while reading {_source_name(f)}")
            raise
        raise RuntimeError(
            f"ember.load: error reading {_source_name(f)}: corrupt file ({type(e).__name__}: {e})"
        ) from e
    except Exception as e:
        e.add_note(f"ember.load: while reading {_source_name(f)}")
        raise


def _open_archive(buf):
    """The zip records of a checkpoint and the prefix of its data.pkl, after checking that the
    bytes are a checkpoint (not a legacy file, not TorchScript)."""
    head = bytes(buf[:16])
    if head.startswith(_LEGACY_MAGIC):
        raise RuntimeError(
            "ember.load: this is PyTorch's legacy (pre-1.6) checkpoint format, which ember does "
            "not read; re-save it with torch.save in the default zip format"
        )
    if not head.startswith(b"PK\x03\x04"):
        raise RuntimeError("ember.load: not a PyTorch checkpoint (no zip signature)")
    records = read_archive(buf)
    names = list(records)
    if any(n.endswith("/constants.pkl") or "/code/" in n for n in names):
        raise RuntimeError(
            "ember.load: this is a TorchScript archive (torch.jit.save), not a checkpoint"
        )
    data_name = next((n for n in names if n.endswith("/data.pkl")), None)
    if data_name is None:
        raise RuntimeError("ember.load: archive has no data.pkl record")
    prefix = data_name[: -len("data.pkl")]
    if f"{prefix}version" not in records and f"{prefix}.data/version" not in records:
        raise RuntimeError("ember.load: archive has no version record")
    return records, prefix


def get_unsafe_globals_in_checkpoint(f):
    """Returns the ``module.name`` strings of the globals in a checkpoint that a
    ``weights_only`` load would refuse (neither allowlisted by ember nor added with
    ``add_safe_globals``). The pickle is read without being run, so globals that only
    unpickling would bring in are not listed."""
    buf = _read_source(f, mmap=False)
    try:
        records, prefix = _open_archive(buf)
    except RuntimeError as e:
        raise ValueError(f"Expected input to be a checkpoint returned by torch.save: {e}") from e
    data = bytes(record_bytes(buf, records[f"{prefix}data.pkl"]))
    found = globals_in_pickle(data)
    return sorted(f"{module}.{name}" for module, name in found if not is_safe_global(module, name))


def _load_checkpoint(buf, restore, weights_only, mmap):
    records, prefix = _open_archive(buf)
    data_name = f"{prefix}data.pkl"
    order = records.get(f"{prefix}byteorder")
    swap = order is not None and bytes(record_bytes(buf, order)).strip() == b"big"
    loaded = {}

    def load_storage(key, storage_type, numel, location):
        storage = loaded.get(key)
        if storage is not None:
            return storage
        rec = records.get(f"{prefix}data/{key}")
        if rec is None:
            raise RuntimeError(f"ember.load: storage record data/{key} is missing")
        item = 1 if storage_type.np_dtype is None else storage_type.np_dtype.itemsize
        if numel < 0 or rec.size != numel * item:
            raise RuntimeError(
                f"ember.load: storage data/{key} holds {rec.size} bytes, but {numel} elements of "
                f"{item} bytes were declared"
            )
        raw = record_bytes(buf, rec, allow_deflate=not mmap)
        if not mmap:
            raw = bytearray(raw)  # own the bytes: tensors are writable and outlive the file
        storage = LoadedStorage(raw, storage_type, swap)
        storage.location = restore(storage, location)
        loaded[key] = storage
        return storage

    data = bytes(record_bytes(buf, records[data_name]))
    return RestrictedUnpickler(io.BytesIO(data), load_storage, weights_only).load()
