"""``ember.save`` / ``ember.load``: PyTorch's checkpoint format (zip + pickle), both ways.

Files written by ember load in PyTorch with ``torch.load(weights_only=True)`` and vice versa.
``load`` is safe by default: ``weights_only=True`` resolves globals only through an allowlist
of tensors, containers and dtypes (see ember/serialization/_pickling.py).
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
from ember.serialization._location import restore_location
from ember.serialization._pickling import (
    CheckpointPickler,
    LoadedStorage,
    RestrictedUnpickler,
    _Storages,
)
from ember.serialization._zipfile import ArchiveWriter, read_archive, record_bytes

__all__ = ["save", "load"]

_LEGACY_MAGIC = bytes.fromhex("80028a0a6cfc9c46f9206aa85019")


def _prefix(f):
    if isinstance(f, (str, os.PathLike)):
        name = os.path.basename(os.fspath(f))
        stem = name.rsplit(".", 1)[0] if "." in name else name
        if stem and stem.isascii():
            return stem
    return "archive"


def _write_checkpoint(obj, out, prefix):
    storages = _Storages()
    data = io.BytesIO()
    CheckpointPickler(data, storages).dump(obj)
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

    A path is written atomically: to a temporary file beside it, then renamed into place.
    """
    if pickle_protocol != 2:
        raise ValueError("ember.save writes pickle protocol 2, as torch.save does")
    if not _use_new_zipfile_serialization:
        raise ValueError(
            "ember.save writes only the zip format (the legacy format is not supported)"
        )
    prefix = _prefix(f)
    if not isinstance(f, (str, os.PathLike)):
        _write_checkpoint(obj, f, prefix)
        return
    path = os.fspath(f)
    tmp = f"{path}.tmp-{secrets.token_hex(4)}"
    try:
        with open(tmp, "wb") as out:
            _write_checkpoint(obj, out, prefix)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


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

    ``weights_only=True`` (the default) refuses any pickled global outside the allowlist;
    ``weights_only=False`` can run arbitrary code from the file: use it only on trusted files.
    ``mmap=True`` maps the file copy-on-write instead of reading it. ``map_location`` is
    PyTorch's: None, a string, a device, a dict of locations or a callable.
    Every error names the file being read.
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


def _load_checkpoint(buf, restore, weights_only, mmap):
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
    if data[:2] != b"\x80\x02":
        raise RuntimeError("ember.load: data.pkl is not a protocol-2 pickle")
    return RestrictedUnpickler(io.BytesIO(data), load_storage, weights_only).load()
