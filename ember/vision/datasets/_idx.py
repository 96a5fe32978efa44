"""Reading the IDX ("SN3 Pascal Vincent") files of MNIST and its relatives into tensors."""

import bz2
import gzip
import lzma
import os

import numpy as np

from ember.ops.creation import from_numpy

__all__ = ["read_sn3_pascalvincent_tensor", "read_image_file", "read_label_file"]

# IDX type code -> element type; IDX stores big-endian numbers.
_IDX_TYPES = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def _read_bytes(path):
    opener = _OPENERS.get(os.path.splitext(os.fspath(path))[1], open)
    with opener(path, "rb") as f:
        return f.read()


def read_sn3_pascalvincent_tensor(path, strict: bool = True):
    """Read an IDX file (plain, or compressed as .gz/.bz2/.xz) into a tensor of its type."""
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path} is not an IDX file: bad magic number {data[:4].hex()}")
    code, nd = data[2], data[3]
    if code not in _IDX_TYPES or not 1 <= nd <= 4:
        raise ValueError(f"{path}: unsupported IDX type code {code} with {nd} dimensions")
    header = 4 * (nd + 1)
    shape = [int(s) for s in np.frombuffer(data, dtype=">u4", count=nd, offset=4)]
    parsed = np.frombuffer(data, dtype=_IDX_TYPES[code], offset=header)
    count = int(np.prod(shape))
    if parsed.size != count and (strict or parsed.size < count):
        raise ValueError(
            f"{path}: the header gives shape {tuple(shape)} ({count} elements) but the file "
            f"holds {parsed.size}"
        )
    # Native byte order, in a writable array that the tensor owns.
    array = parsed[:count].astype(parsed.dtype.newbyteorder("="), copy=True)
    return from_numpy(array.reshape(shape))


def read_label_file(path):
    """Read an IDX label file: a 1-d uint8 file, returned as an int64 tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.numpy().dtype != np.uint8:
        raise TypeError(f"x should be of dtype ember.uint8 instead of {x.dtype}")
    if x.dim() != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.dim()}")
    return from_numpy(x.numpy().astype(np.int64))


def read_image_file(path):
    """Read an IDX image file: a 3-d uint8 tensor (N, H, W)."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.numpy().dtype != np.uint8:
        raise TypeError(f"x should be of dtype ember.uint8 instead of {x.dtype}")
    if x.dim() != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.dim()}")
    return x
