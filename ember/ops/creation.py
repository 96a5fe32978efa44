"""Tensor creation: from data (tensor, as_tensor, from_numpy) and by shape (zeros, ones...)."""

import numpy as np

from ember import _dtype
from ember._device import as_device
from ember._tensor import Tensor, make_tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty"]

TENSOR_METHODS = ()


def _infer_dtype(data):
    """PyTorch's dtype for nested Python data: bool < int64 < default float."""
    kind = 0
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            return x.dtype if kind == 0 else _dtype.promote_types(x.dtype, _KIND_DTYPE[kind]())
        if isinstance(x, np.ndarray):
            return _dtype.from_numpy_dtype(x.dtype)
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, (bool, np.bool_)):
            pass
        elif isinstance(x, (int, np.integer)):
            kind = max(kind, 1)
        elif isinstance(x, (float, np.floating)):
            kind = 2
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    return _KIND_DTYPE[kind]()


_KIND_DTYPE = {0: lambda: _dtype.bool, 1: lambda: _dtype.int64, 2: _dtype.get_default_dtype}


def _check_ragged(data):
    """Raise PyTorch's ValueError for ragged nested sequences."""
    if not isinstance(data, (list, tuple)):
        return
    level = [data]
    depth = 0
    while level:
        lengths = {len(x) if isinstance(x, (list, tuple)) else None for x in level}
        if len(lengths) > 1:
            n = next(iter(lengths - {None}), None)
            raise ValueError(
                f"expected sequence of length {n} at dim {depth} (got {(lengths - {n}).pop()})"
            )
        if lengths == {None}:
            return
        level = [y for x in level for y in x]
        depth += 1


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        return data._data.astype(dtype.np, copy=True)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [_to_array(x, dtype) for x in data]
    _check_ragged(data)
    return np.array(data, dtype=dtype.np)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor that copies ``data``, inferring the dtype as PyTorch does."""
    as_device(device)
    dtype = _dtype.as_dtype(dtype) or _infer_dtype(data)
    t = make_tensor(_to_array(data, dtype))
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory with a NumPy array or tensor when possible."""
    as_device(device)
    dtype = _dtype.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None or t.dtype is dtype else t.to(dtype)
    return tensor(data, dtype=dtype)


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return make_tensor(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:
        if not isinstance(s, (int, np.integer)) and not (isinstance(s, Tensor) and s.numel() == 1):
            raise TypeError(
                f"expected a sequence of integers or a single integer, got {type(s).__name__}"
            )
        if int(s) < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {int(s)}: {[int(x) for x in size]}"
            )
    return tuple(int(s) for s in size)


def _factory(fill):
    def factory(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False, memory_format=None):
        as_device(device)
        dt = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
        t = make_tensor(fill(_size(size), dt.np))
        if requires_grad:
            t.requires_grad_(True)
        return t

    return factory


zeros = _factory(np.zeros)
zeros.__name__ = "zeros"
zeros.__doc__ = "A tensor of zeros of the given size."
ones = _factory(np.ones)
ones.__name__ = "ones"
ones.__doc__ = "A tensor of ones of the given size."
empty = _factory(np.empty)
empty.__name__ = "empty"
empty.__doc__ = "An uninitialised tensor of the given size."


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value's type."""
    as_device(device)
    dt = _dtype.as_dtype(dtype) or _dtype.scalar_dtype(
        fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    )
    t = make_tensor(np.full(_size((size,)), fill_value, dtype=dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t
