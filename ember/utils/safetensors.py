"""safetensors, the pickle-free weights format, with ``safetensors.torch``'s API.

A file is an 8-byte little-endian header length, a JSON header (``{name: {"dtype", "shape",
"data_offsets"}, "__metadata__": {str: str}}``, space-padded to a multiple of 8 bytes) and the
tensors' little-endian bytes back to back. Files written here are byte-identical to the
``safetensors`` package's and each reads the other's.
"""

import json
import os
import secrets
import struct
from collections import defaultdict

import ml_dtypes
import numpy as np

from ember import _dtype
from ember._backend import to_host
from ember._tensor import Tensor, make_tensor
from ember.serialization._pickling import address, storage_root

__all__ = ["SafetensorError", "load", "load_file", "load_model", "save", "save_file", "save_model"]

_CODES = {
    "bool": "BOOL",
    "uint8": "U8",
    "int8": "I8",
    "int16": "I16",
    "int32": "I32",
    "int64": "I64",
    "float16": "F16",
    "bfloat16": "BF16",
    "float32": "F32",
    "float64": "F64",
}
_NAMES = {code: name for name, code in _CODES.items()}
# The writer orders tensors by this rank (highest first), then by name, as the package does.
_RANK = {
    code: i
    for i, code in enumerate(
        "BOOL F4 F6_E2M3 F6_E3M2 U8 I8 F8_E5M2 F8_E4M3 F8_E8M0 I16 U16 F16 BF16 I32 U32 F32 "
        "C64 F64 I64 U64".split()
    )
}
_MAX_HEADER = 100_000_000


class SafetensorError(Exception):
    """A malformed safetensors file or buffer (the package's exception of the same name)."""


# ---- writing ---------------------------------------------------------------------------------


def _storage(array):
    """(root array, start address, end address) of ``array``'s memory."""
    root = storage_root(array)
    start = address(array)
    if array.size == 0:
        return root, start, start
    span = sum((n - 1) * s for n, s in zip(array.shape, array.strides) if s > 0)
    return root, start, start + span + array.itemsize


def _shared_groups(tensors):
    """Sets of names whose tensors overlap in memory (singletons for the rest)."""
    by_root = defaultdict(list)
    for name, t in tensors.items():
        root, start, end = _storage(t._data)
        if root.nbytes:
            key = (str(t.device), address(root), root.nbytes)
            by_root[key].append((start, end, name))
    groups = []
    for areas in by_root.values():
        areas.sort()
        groups.append({areas[0][2]})
        last_end = areas[0][1]
        for start, end, name in areas[1:]:
            if start >= last_end:
                groups.append({name})
            else:
                groups[-1].add(name)
            last_end = end
    return groups


def _check_tensors(tensors):
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise ValueError(f"Key `{name!r}` is invalid, expected str but received {type(name)}")
        if not isinstance(t, Tensor):
            raise ValueError(
                f"Key `{name}` is invalid, expected torch.Tensor but received {type(t)}"
            )
    failing = [names for names in _shared_groups(tensors) if len(names) > 1]
    if failing:
        raise RuntimeError(
            "Some tensors share memory, this will lead to duplicate memory on disk and potential "
            f"differences when loading them again: {failing}.\nA potential way to correctly save "
            "your model is to use `save_model`.\nMore information at "
            "https://huggingface.co/docs/safetensors/torch_shared_tensors"
        )
    for name, t in tensors.items():
        if not t.is_contiguous():
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{name}` which is not allowed. "
                "It either means you are trying to save tensors which are reference of each other "
                "in which case it's recommended to save only the full tensors, and reslice at "
                "load time, or simply call `.contiguous()` on your tensor to pack it before saving."
            )


def _check_metadata(metadata):
    if metadata is None:
        return
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise TypeError(f"metadata must be a dict of str to str, got {metadata!r}")


def _serialize(tensors, metadata):
    """The header bytes and the tensors' byte buffers, in file order."""
    _check_tensors(tensors)
    _check_metadata(metadata)
    entries = sorted(
        ((_CODES[t.dtype.name], name, t) for name, t in tensors.items()),
        key=lambda e: (-_RANK[e[0]], e[1]),
    )
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for code, name, t in entries:
        # Contiguous (checked); np.ascontiguousarray would make a 0-d array 1-d.
        data = to_host(t._data)
        if data.dtype.byteorder == ">":
            data = data.astype(data.dtype.newbyteorder("<"))
        header[name] = {"dtype": code, "shape": list(data.shape), "data_offsets": [offset, 0]}
        offset += data.nbytes
        header[name]["data_offsets"][1] = offset
        chunks.append(data.reshape(-1).view(np.uint8))
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, chunks


def save(tensors, metadata=None):
    """The safetensors bytes of ``tensors`` (a dict of name to Tensor)."""
    head, chunks = _serialize(tensors, metadata)
    return b"".join([head, *(c.tobytes() for c in chunks)])


def save_file(tensors, filename, metadata=None):
    """Write ``tensors`` to ``filename`` in the safetensors format (temporary file + rename)."""
    head, chunks = _serialize(tensors, metadata)
    path = os.fspath(filename)
    tmp = f"{path}.tmp-{secrets.token_hex(4)}"
    try:
        with open(tmp, "wb") as out:
            out.write(head)
            for chunk in chunks:
                out.write(chunk.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ---- reading ---------------------------------------------------------------------------------


def _header(buf):
    if len(buf) < 8:
        raise SafetensorError("Error while deserializing header: HeaderTooSmall")
    (n,) = struct.unpack_from("<Q", buf, 0)
    if n > _MAX_HEADER:
        raise SafetensorError("Error while deserializing header: HeaderTooLarge")
    if 8 + n > len(buf):
        raise SafetensorError("Error while deserializing header: InvalidHeaderLength")
    try:
        header = json.loads(bytes(buf[8 : 8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorError(f"Error while deserializing header: InvalidHeader ({e})") from e
    if not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: the header is not a JSON object")
    return 8 + n, header


def _read(buf):
    """(metadata, {name: numpy array viewing ``buf``}) of a safetensors buffer, validated."""
    start, header = _header(buf)
    metadata = header.pop("__metadata__", None)
    size = len(buf) - start
    entries = []
    for name, info in header.items():
        try:
            code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        except (TypeError, KeyError, ValueError) as e:
            raise SafetensorError(f"Error while deserializing header: tensor {name!r}") from e
        shape_ok = isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)
        if not shape_ok or type(begin) is not int or type(end) is not int:
            raise SafetensorError(f"Error while deserializing header: tensor {name!r}: {info}")
        if code not in _NAMES:
            raise SafetensorError(f"tensor {name!r} has dtype {code}, which ember does not support")
        entries.append((begin, end, name, _dtype._BY_NAME[_NAMES[code]].np, tuple(shape)))
    entries.sort(key=lambda e: (e[0], e[1]))
    position = 0
    arrays = {}
    for begin, end, name, np_dtype, shape in entries:
        if begin != position or end < begin:
            raise SafetensorError(f"Error while deserializing header: InvalidOffset({name})")
        if end - begin != int(np.prod(shape, dtype=np.int64)) * np_dtype.itemsize:
            raise SafetensorError(f"Error while deserializing header: TensorInvalidInfo ({name})")
        if end > size:
            raise SafetensorError("Error while deserializing header: MetadataIncompleteBuffer")
        position = end
        le = np_dtype if np_dtype == ml_dtypes.bfloat16 else np_dtype.newbyteorder("<")
        count = (end - begin) // np_dtype.itemsize
        arrays[name] = np.frombuffer(buf, le, count, start + begin).reshape(shape)
    if position != size:
        raise SafetensorError("Error while deserializing header: MetadataIncompleteBuffer")
    return metadata, arrays


def _to_tensors(arrays, device):
    out = {}
    for name, array in arrays.items():  # file order, as the package's load_file
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        t = make_tensor(array)
        out[name] = t if str(device) == "cpu" else t.to(device)
    return out


def load(data):
    """The tensors stored in ``data`` (safetensors bytes), as a dict of name to Tensor."""
    # The tensors own a writable copy, as the package's do.
    _, arrays = _read(bytearray(data))
    return _to_tensors(arrays, "cpu")


def load_file(filename, device="cpu"):
    """The tensors stored in the safetensors file ``filename``, placed on ``device``."""
    with open(filename, "rb") as fh:
        raw = bytearray(fh.read())
    try:
        _, arrays = _read(raw)
    except SafetensorError as e:
        raise SafetensorError(f"{e} (reading {os.fspath(filename)!r})") from None
    device = f"cuda:{device}" if isinstance(device, int) else device
    return _to_tensors(arrays, device)


def load_metadata(filename):
    """The ``__metadata__`` dict of a safetensors file (None when it has none)."""
    with open(filename, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise SafetensorError("Error while deserializing header: HeaderTooSmall")
        (n,) = struct.unpack("<Q", head)
        _, header = _header(head + fh.read(min(n, _MAX_HEADER + 1)))
    return header.get("__metadata__")


# ---- models: shared (tied) tensors ------------------------------------------------------------


def _is_complete(t):
    """Whether ``t`` covers its whole storage (only such a tensor can stand for the others)."""
    root, start, _ = _storage(t._data)
    return start == address(root) and t._data.nbytes == root.nbytes


def _remove_duplicate_names(state_dict, preferred_names=()):
    """For each group of tensors sharing memory: {name kept: [names dropped]}."""
    preferred_names = set(preferred_names)
    to_remove = defaultdict(list)
    for shared in _shared_groups(state_dict):
        if len(shared) < 2:
            continue
        complete = {name for name in shared if _is_complete(state_dict[name])}
        if not complete:
            raise RuntimeError(
                "Error while trying to find names to remove to save state dict, but found no "
                f"suitable name to keep for saving amongst: {shared}. None is covering the entire "
                "storage.Refusing to save/load the model since you could be storing much more "
                "memory than needed. Please refer to "
                "https://huggingface.co/docs/safetensors/torch_shared_tensors for more "
                "information. Or open an issue."
            )
        keep = sorted(complete)[0]
        preferred = preferred_names & complete
        if preferred:
            keep = sorted(preferred)[0]
        for name in sorted(shared):
            if name != keep:
                to_remove[keep].append(name)
    return to_remove


def save_model(model, filename, metadata=None, force_contiguous=True):
    """Save ``model.state_dict()``, keeping one name per group of shared (tied) tensors; each
    dropped name is recorded in the metadata as ``{dropped: kept}``.

    Differences from the safetensors package: none; ``force_contiguous`` defaults to True as in
    safetensors 0.8.
    """
    state_dict = dict(model.state_dict())
    for kept, dropped in _remove_duplicate_names(state_dict).items():
        for name in dropped:
            metadata = {} if metadata is None else metadata
            metadata.setdefault(name, kept)  # never override the caller's entries
            del state_dict[name]
    if force_contiguous:
        state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    try:
        save_file(state_dict, filename, metadata=metadata)
    except ValueError as e:
        raise ValueError(
            f"{e} Or use save_model(..., force_contiguous=True), read the docs for potential "
            "caveats."
        ) from None


def load_model(model, filename, strict=True, device="cpu"):
    """Load a safetensors file into ``model``; returns ``(missing, unexpected)`` names, where
    names dropped from the file because they share memory with a loaded tensor count as loaded.
    """
    state_dict = load_file(filename, device=device)
    to_remove = _remove_duplicate_names(model.state_dict(), preferred_names=state_dict.keys())
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    missing = set(missing)
    unexpected = list(unexpected)
    for dropped in to_remove.values():
        for name in dropped:
            if name in missing:
                missing.remove(name)
            else:
                unexpected.append(name)
    if strict and (missing or unexpected):
        error = f"Error(s) in loading state_dict for {type(model).__name__}:"
        if missing:
            keys = ", ".join(f'"{k}"' for k in sorted(missing))
            error += f"\n    Missing key(s) in state_dict: {keys}"
        if unexpected:
            keys = ", ".join(f'"{k}"' for k in sorted(unexpected))
            error += f"\n    Unexpected key(s) in state_dict: {keys}"
        raise RuntimeError(error)
    return missing, unexpected
