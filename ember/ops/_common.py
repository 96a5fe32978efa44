"""Small helpers shared by the op families: argument normalisation and dtype coercion."""

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._device import as_device
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor

__all__ = [
    "as_tensor_arg",
    "wrap_dim",
    "wrap_dims",
    "float_input",
    "check_not_bool",
    "check_broadcast",
    "not_implemented",
]


def as_tensor_arg(x, like=None):
    """A Tensor for ``x``; a Python number becomes a 0-d tensor of its PyTorch dtype."""
    if isinstance(x, Tensor):
        return x
    # On ``like``'s device when it is a tensor, else on the default device.
    xp = array_module(like._data) if isinstance(like, Tensor) else as_device(None).xp
    if like is not None and isinstance(x, (int, float, bool)):
        return make_tensor(xp.asarray(x, dtype=_dtype.result_type(like, x).np))
    return make_tensor(xp.asarray(x, dtype=_dtype.scalar_dtype(x).np))


def wrap_dim(dim, ndim, name=None):
    """Normalise a possibly negative ``dim`` for a tensor of ``ndim`` dims (0-d acts as 1-d)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n


def wrap_dims(dim, ndim):
    """Normalise ``dim`` (None, int, or a sequence) into a sorted tuple of distinct dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dims = (wrap_dim(int(dim), ndim),)
    else:
        dims = tuple(wrap_dim(int(d), ndim) for d in dim)
        if len(set(dims)) != len(dims):
            repeated = next(d for i, d in enumerate(dims) if d in dims[:i])
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    return tuple(sorted(d for d in dims if d < ndim or ndim > 0)) if ndim else ()


def float_input(x):
    """``x`` itself when floating, else ``x`` converted to the default float dtype (an integer
    tensor never requires grad, so the conversion needs no graph)."""
    if not isinstance(x, Tensor):
        x = as_tensor_arg(x)
    if _dtype.is_floating_np(x._data.dtype):
        return x
    return make_tensor(x._data.astype(_dtype.get_default_dtype().np))


def is_floating(x):
    return _dtype.is_floating_np(x._data.dtype)


def check_not_bool(x, name):
    if isinstance(x, Tensor) and x._data.dtype == np.bool_:
        raise RuntimeError(f"{name}: is not supported for bool tensors")


def check_broadcast(*operands):
    """Raise PyTorch's RuntimeError when the shapes of the tensor ``operands`` don't broadcast.

    Called only after NumPy has refused to broadcast, so it costs nothing on the hot path.
    """
    shapes = [x._data.shape for x in operands if isinstance(x, Tensor)]
    if not shapes:
        return
    result = shapes[0]
    for shape in shapes[1:]:
        ndim = max(len(result), len(shape))
        a = (1,) * (ndim - len(result)) + tuple(result)
        b = (1,) * (ndim - len(shape)) + tuple(shape)
        for dim in range(ndim - 1, -1, -1):
            if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[dim]}) must match the size of tensor b "
                    f"({b[dim]}) at non-singleton dimension {dim}"
                )
        result = tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))


def not_implemented(kernel, x):
    """PyTorch's error for a kernel without an implementation for ``x``'s dtype."""

    return NotImplementedError(f"\"{kernel}\" not implemented for '{SCALAR_NAMES[x.dtype]}'")
