"""Square-matrix helpers: ``trace``, ``matrix_power`` and ``Tensor.fill_diagonal_``."""

import numpy as np

from ember._backend import array_module
from ember._dtype import SCALAR_NAMES
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._common import is_floating, not_implemented
from ember.ops._inplace import make_inplace
from ember.ops.elementwise import where
from ember.ops.reduction import sum
from ember.ops.shape import diagonal

__all__ = ["trace", "matrix_power"]

TENSOR_METHODS = ("trace", "matrix_power")


def trace(input):
    """The sum of the main diagonal of a matrix (integers sum to int64)."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input._data.dtype == np.bool_:
        raise not_implemented("trace", input)
    return sum(diagonal(input))


def matrix_power(input, n, *, out=None):
    """The ``n``-th power of a square matrix (or batch); ``n < 0`` inverts first."""
    from ember.linalg import inv  # ember.linalg builds on the op families, so imported late
    from ember.ops._inplace import write_out

    shape = input.shape
    if input._data.ndim < 2 or shape[-1] != shape[-2]:
        rows, cols = (shape[-2], shape[-1]) if input._data.ndim >= 2 else (1, 1)
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{rows} by {cols} matrices"
        )
    n = int(n)
    if n == 0:
        return write_out(_Identities.apply(input), out, "matrix_power")
    if n < 0:
        if not is_floating(input):
            raise RuntimeError(
                "linalg.inv: Expected a floating point or complex tensor as input. Got "
                f"{_torch_name(input)}"
            )
        input, n = inv(input), -n
    result, base = None, input
    while n:  # binary powering: O(log n) products
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return write_out(result, out, "matrix_power")


class _Identities(Op):
    """Identity matrices shaped like ``x``: ``x ** 0``, whose gradient is zero."""

    def forward(ctx, x):
        xp = ctx.xp
        return xp.array(xp.broadcast_to(xp.eye(x.shape[-1], dtype=x.dtype), x.shape))

    def backward(ctx, grad):
        return grad * 0


def _torch_name(x):
    return SCALAR_NAMES[x.dtype]


def _diagonal_mask(xp, shape, wrap):
    """True on the main diagonal, as ``fill_diagonal_`` writes it (an array of ``xp``)."""
    mask = xp.zeros(shape, np.bool_)
    if len(shape) == 2:
        rows, cols = shape
        limit = rows if wrap and rows > cols else min(rows, cols)
        # Wrapping restarts the diagonal every cols + 1 rows, as NumPy's fill_diagonal does.
        flat = xp.arange(0, limit * cols, cols + 1)
        mask.reshape(-1)[flat[flat < rows * cols]] = True
        return mask
    index = xp.arange(shape[0])
    mask[(index,) * len(shape)] = True
    return mask


def fill_diagonal(input, fill_value, wrap=False):
    """``input`` with its main diagonal set to ``fill_value`` (out of place)."""
    shape = input.shape
    if input._data.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input._data.ndim > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    xp = array_module(input._data)
    mask = make_tensor(_diagonal_mask(xp, tuple(shape), wrap))
    # The value takes the tensor's dtype (2.5 into an int tensor writes 2, as in PyTorch).
    value = make_tensor(xp.asarray(fill_value).astype(input._data.dtype))
    return where(mask, value, input)


fill_diagonal_ = make_inplace(fill_diagonal)
INPLACE_METHODS = ("fill_diagonal_",)
