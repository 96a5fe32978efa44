"""Moving a batch from a worker to the main process through one POSIX shared-memory segment.

Note [batches through shared memory]
A worker packs every array of a batch (tensors and NumPy arrays, at any depth of lists, tuples,
dicts and named tuples) into one segment, each at a 64-byte aligned offset, and sends through
its queue only the structure with small placeholders and the segment's name. The main process
maps the segment, unlinks its name at once, and wraps views of the mapping as the batch's
arrays: no pickled copy of the data, and no name left in /dev/shm once the batch is received.
The mapping lives as long as any array that views it (each holds a reference to the ``mmap``),
and the kernel frees the memory when the last one goes.

Segments are created with ``_posixshmem`` (what ``multiprocessing.shared_memory`` is built on)
rather than ``SharedMemory``, whose resource tracker would claim the segment for the worker
that created it and whose ``close`` refuses to run while arrays still view the buffer. Every
name starts with a prefix of the main process and the iterator, so the iterator's shutdown can
unlink what a killed worker left behind. Where ``_posixshmem`` is missing (Windows), batches
travel pickled.
"""

import mmap
import os

import numpy as np

from ember._tensor import Tensor, make_tensor

try:
    import _posixshmem
except ImportError:  # not POSIX: batches are pickled instead
    _posixshmem = None

__all__ = ["AVAILABLE", "pack", "unpack", "discard", "sweep"]

AVAILABLE = _posixshmem is not None
_ALIGN = 64
_SHM_DIR = "/dev/shm"  # where Linux shows POSIX segments, for the sweep at shutdown


class _ArrayRef:
    """A placeholder for array ``index`` of a packed batch."""

    __slots__ = ("index", "is_tensor", "requires_grad")

    def __init__(self, index, is_tensor, requires_grad):
        self.index = index
        self.is_tensor = is_tensor
        self.requires_grad = requires_grad

    def __reduce__(self):
        return (_ArrayRef, (self.index, self.is_tensor, self.requires_grad))


class Packed:
    """A batch as sent through a queue: its structure, the segment's name and the layout
    (offset, shape, dtype) of each array in it."""

    __slots__ = ("structure", "name", "size", "layout")

    def __init__(self, structure, name, size, layout):
        self.structure = structure
        self.name = name
        self.size = size
        self.layout = layout

    def __reduce__(self):
        return (Packed, (self.structure, self.name, self.size, self.layout))


def _shareable(array):
    return array.dtype.kind != "O"


def _strip(obj, arrays):
    """``obj`` with its arrays replaced by placeholders, the arrays appended to ``arrays``."""
    if isinstance(obj, Tensor):
        if not _shareable(obj._data):
            return obj
        arrays.append(obj._data)
        return _ArrayRef(len(arrays) - 1, True, obj._requires_grad)
    if isinstance(obj, np.ndarray):
        if not _shareable(obj):
            return obj
        arrays.append(obj)
        return _ArrayRef(len(arrays) - 1, False, False)
    if type(obj) in (list, tuple):
        return type(obj)(_strip(x, arrays) for x in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_strip(x, arrays) for x in obj))
    if type(obj) is dict:
        return {k: _strip(v, arrays) for k, v in obj.items()}
    return obj  # anything else travels pickled, tensors inside it included


def _fill(obj, arrays):
    if isinstance(obj, _ArrayRef):
        array = arrays[obj.index]
        return make_tensor(array, obj.requires_grad) if obj.is_tensor else array
    if type(obj) in (list, tuple):
        return type(obj)(_fill(x, arrays) for x in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_fill(x, arrays) for x in obj))
    if type(obj) is dict:
        return {k: _fill(v, arrays) for k, v in obj.items()}
    return obj


def pack(batch, prefix, counter):
    """``batch`` as a ``Packed`` whose arrays are copied into a new segment named from
    ``prefix`` and ``counter``; the batch itself when it holds no array to share."""
    if not AVAILABLE:
        return batch
    arrays = []
    structure = _strip(batch, arrays)
    if not arrays:
        return batch
    layout, size = [], 0
    for a in arrays:
        layout.append((size, a.shape, a.dtype))
        size += -(-a.nbytes // _ALIGN) * _ALIGN
    name = f"{prefix}_{counter}"
    fd = _posixshmem.shm_open("/" + name, os.O_CREAT | os.O_EXCL | os.O_RDWR, mode=0o600)
    try:
        os.ftruncate(fd, max(size, 1))
        with mmap.mmap(fd, max(size, 1)) as buf:
            for a, (offset, shape, dtype) in zip(arrays, layout):
                np.copyto(np.ndarray(shape, dtype, buffer=buf, offset=offset), a)
    except BaseException:
        _unlink(name)
        raise
    finally:
        os.close(fd)
    return Packed(structure, name, size, layout)


def unpack(packed):
    """The batch of a ``Packed``: arrays view the mapped segment, whose name is unlinked."""
    if not isinstance(packed, Packed):
        return packed
    fd = _posixshmem.shm_open("/" + packed.name, os.O_RDWR, mode=0o600)
    try:
        buf = mmap.mmap(fd, max(packed.size, 1))
    finally:
        os.close(fd)
        _unlink(packed.name)
    arrays = [
        np.ndarray(shape, dtype, buffer=buf, offset=offset)
        for offset, shape, dtype in packed.layout
    ]
    return _fill(packed.structure, arrays)


def discard(item):
    """Free the segment of a ``Packed`` batch that will never be unpacked."""
    if isinstance(item, Packed):
        _unlink(item.name)


def _unlink(name):
    try:
        _posixshmem.shm_unlink("/" + name)
    except FileNotFoundError:
        pass


def sweep(prefix):
    """Unlink every segment whose name starts with ``prefix`` (what a killed worker left)."""
    if not AVAILABLE or not os.path.isdir(_SHM_DIR):
        return
    for name in os.listdir(_SHM_DIR):
        if name.startswith(prefix):
            _unlink(name)
