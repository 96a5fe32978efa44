"""Matrix helpers shared by ember.linalg: argument checks with PyTorch's messages, the diagonal
view and its adjoint, constant masks, and the result tuples."""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import as_strided
from ember._dtype import SCALAR_NAMES, is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim

__all__ = [
    "LinAlgError",
    "check_float",
    "check_matrix",
    "check_square",
    "diagonal",
    "diag_embed",
    "eye_like",
    "tril",
    "scalar_name",
]


class LinAlgError(RuntimeError):
    """A numerical failure of a linear-algebra routine (singular or not positive-definite)."""


def scalar_name(x):
    """PyTorch's ScalarType name ("Float", "Long"...) of a tensor or a dtype."""
    return SCALAR_NAMES[getattr(x, "dtype", x)]


def check_float(x, name):
    """A floating input that LAPACK takes: float32 or float64 (half precision is refused, as
    PyTorch's CPU kernels refuse it)."""
    if not is_floating_np(x._data.dtype):
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {scalar_name(x)}"
        )
    if x._data.dtype.itemsize < 4:
        raise NotImplementedError(
            f"{name}: Low precision dtypes not supported. Got {scalar_name(x)}"
        )


def check_matrix(x, name, arg="A"):
    if x._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")


def check_square(x, name, arg="A"):
    """At least 2-D, square, floating: the checks of the square-matrix routines, in order."""
    check_matrix(x, name, arg)
    m, n = x._data.shape[-2:]
    if m != n:
        raise RuntimeError(
            f"{name}: {arg} must be batches of square matrices, but they are {m} by {n} matrices"
        )
    check_float(x, name)


# ---- numerical failures ---------------------------------------------------------------------


def batch_prefix(a, index):
    """PyTorch's "(Batch element i): " prefix, for batched inputs only."""
    return f"(Batch element {index}): " if a.ndim > 2 else ""


def first_failing(a, fails):
    """(batch index, value) of the first matrix in ``a`` where ``fails(matrix)`` is truthy."""
    for i, mat in enumerate(a.reshape((-1,) + a.shape[-2:])):
        value = fails(mat)
        if value:
            return i, value
    return 0, None


def zero_pivot(mat):
    """1-based index of the first zero pivot of LU with partial pivoting (LAPACK's getrf
    info), or None; used only to word the error for a singular matrix."""
    xp = array_module(mat)
    u = xp.array(mat, dtype=np.float64)
    n = u.shape[0]
    for k in range(n):
        p = k + int(xp.argmax(xp.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        u[[k, p]] = u[[p, k]]
        u[k + 1 :, k:] -= xp.outer(u[k + 1 :, k] / u[k, k], u[k, k:])
    return None


# ---- the diagonal view ----------------------------------------------------------------------


class Diagonal(Op):
    is_view = True

    def forward(ctx, x, *, offset, dim1, dim2):
        ctx.shape, ctx.offset, ctx.dim1, ctx.dim2 = x.shape, offset, dim1, dim2
        return _strided_diagonal(x, offset, dim1, dim2)

    def backward(ctx, grad):
        return DiagonalScatter.apply(
            grad, shape=ctx.shape, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2
        )


class DiagonalScatter(Op):
    """Zeros of ``shape`` with ``grad`` written on a diagonal (the adjoint of Diagonal)."""

    def forward(ctx, g, shape, offset, dim1, dim2):
        xp = ctx.xp
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        out = xp.zeros(shape, g.dtype)
        _strided_diagonal(out, offset, dim1, dim2)[...] = g
        return out

    def backward(ctx, grad):
        return Diagonal.apply(grad, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2)


def _strided_diagonal(x, offset, dim1, dim2):
    xp = array_module(x)
    shape, strides = x.shape, x.strides
    rest = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    if offset >= 0:
        length = max(0, min(shape[dim1], shape[dim2] - offset))
        index = {dim2: offset}
    else:
        length = max(0, min(shape[dim1] + offset, shape[dim2]))
        index = {dim1: -offset}
    out_shape = tuple(shape[d] for d in rest) + (length,)
    if length == 0 or x.size == 0:
        return xp.zeros(out_shape, x.dtype)
    first = x[tuple(slice(index.get(d, 0), None) for d in range(x.ndim))]
    return as_strided(
        first,
        shape=out_shape,
        strides=tuple(strides[d] for d in rest) + (strides[dim1] + strides[dim2],),
    )


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """A view of the diagonals of ``A`` with respect to ``dim1`` and ``dim2``."""
    n = A._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(A, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(v):
    """(..., n) -> (..., n, n) with ``v`` on the diagonal (a differentiable composition)."""
    return v.unsqueeze(-1) * eye_like(v, v._data.shape[-1])


def eye_like(x, n):
    """A constant identity matrix in ``x``'s dtype."""
    xp = array_module(x._data)
    return make_tensor(xp.eye(n, dtype=x._data.dtype))


def tril(x, k=0):
    """The lower triangle of the last two dims (times a constant 0/1 mask, so differentiable)."""
    xp = array_module(x._data)
    m, n = x._data.shape[-2:]
    return x * make_tensor(xp.tri(m, n, k, dtype=x._data.dtype))
