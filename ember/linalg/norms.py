"""Norms: ``vector_norm`` (a primitive with its own gradient), ``matrix_norm`` and ``norm``
(compositions of vector norms, sums and singular values)."""

import math

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._dtype import is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.linalg._matrix import check_matrix, scalar_name
from ember.linalg.decompositions import svdvals
from ember.ops._common import wrap_dim, wrap_dims
from ember.ops._inplace import write_out
from ember.ops.cumulative import accumulation_dtype

__all__ = ["vector_norm", "matrix_norm", "norm"]

_INF = math.inf


class VectorNorm(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, x, ord, dims, keepdim):
        xp = ctx.xp
        ctx.ord, ctx.dims = ord, dims
        ctx.kept = tuple(1 if i in dims else s for i, s in enumerate(x.shape))
        dtype = x.dtype
        # Half precision sums in float32 (a float16 sum of squares overflows at 65504).
        x = x.astype(accumulation_dtype(dtype), copy=False)
        if ord == 0:
            out = xp.count_nonzero(x, axis=dims, keepdims=keepdim).astype(x.dtype)
        elif ord in (_INF, -_INF):
            reduce = xp.max if ord > 0 else xp.min
            out = reduce(xp.abs(x), axis=dims, keepdims=keepdim)
        elif ord == 1:
            out = xp.sum(xp.abs(x), axis=dims, keepdims=keepdim)
        elif ord == 2:
            out = xp.sqrt(xp.sum(x * x, axis=dims, keepdims=keepdim))
        else:
            with errstate(xp, divide="ignore"):
                powered = xp.sum(xp.abs(x) ** ord, axis=dims, keepdims=keepdim)
                out = powered ** (1.0 / ord)
        return xp.asarray(out, dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.ord
        if p == 0:
            return grad.reshape(ctx.kept) * 0 * x  # the count is piecewise constant
        g = grad.reshape(ctx.kept)
        norm = ctx.output.reshape(ctx.kept)
        xd = x._data
        xp = array_module(xd)
        sign = make_tensor(xp.sign(xd))  # constant: d sign(x)/dx is 0 almost everywhere
        if p in (_INF, -_INF):
            # The gradient is shared equally among the entries that attain the max (min).
            hits = (xp.abs(xd) == norm._data).astype(xd.dtype)
            count = xp.sum(hits, axis=ctx.dims, keepdims=True)
            return g * sign * make_tensor(hits / xp.maximum(count, 1))
        if p == 1:
            return g * sign
        zero_norm = make_tensor(xp.asarray(norm._data == 0))
        safe_norm = _where(zero_norm, 1.0, norm)
        if p == 2:
            # 0 where the norm is 0, as in PyTorch.
            return g * x / safe_norm
        zero_x = make_tensor(xp.asarray(xd == 0))
        safe_abs = _where(zero_x, 1.0, x * sign)
        # |x|^(p-1) / norm^(p-1) as exp((p-1) log(...)): both sides are positive where used.
        scale = ((safe_abs / safe_norm).log() * (p - 1)).exp()
        mask = make_tensor(((xd != 0) & (norm._data != 0)).astype(xd.dtype))
        return g * sign * scale * mask


def abs_(x):
    """``|x|`` as ``x * sign(x)`` with the sign a constant (its derivative is 0 a.e.; at 0 the
    gradient is 0, as PyTorch's abs)."""
    return x * make_tensor(array_module(x._data).sign(x._data))


def _where(cond, value, x):
    from ember.ops.elementwise import where

    return where(cond, make_tensor(array_module(x._data).asarray(value, x._data.dtype)), x)


def _norm_dtype(x, dtype, name):
    if dtype is None:
        return x
    dtype = _dtype.as_dtype(dtype)
    if not dtype.is_floating_point:
        raise RuntimeError(
            f"{name}: dtype should be floating point or complex, but got {scalar_name(dtype)}"
        )
    if _dtype.promote_types(x.dtype, dtype) is not dtype:
        raise RuntimeError(
            f"{name}: the dtype of the input ({scalar_name(x)}) should be convertible without "
            f"narrowing to the specified dtype ({scalar_name(dtype)})"
        )
    return x.to(dtype)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The ``ord``-norm of ``x`` over ``dim`` (all dims when None), as a vector norm."""
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not str")
    if not is_floating_np(x._data.dtype):
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{scalar_name(x)}"
        )
    x = _norm_dtype(x, dtype, "linalg.vector_norm")
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        dim = None
    dims = wrap_dims(dim, x._data.ndim)
    ord = float(ord)
    if ord in (_INF, -_INF) and any(x._data.shape[d] == 0 for d in dims):
        raise RuntimeError(
            "linalg.vector_norm cannot compute the "
            f"{'inf' if ord > 0 else '-inf'} norm on an empty tensor because the operation "
            "does not have an identity"
        )
    return write_out(
        VectorNorm.apply(x, ord=ord, dims=dims, keepdim=keepdim), out, "linalg.vector_norm"
    )


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """A matrix norm over the two dims ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    if not is_floating_np(A._data.dtype):
        raise RuntimeError(
            "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
            f"{scalar_name(A)}"
        )
    check_matrix(A, "linalg.matrix_norm")
    A = _norm_dtype(A, dtype, "linalg.matrix_norm")
    if len(dim) != 2:
        raise RuntimeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}"
        )
    n = A._data.ndim
    d0, d1 = wrap_dim(dim[0], n), wrap_dim(dim[1], n)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return write_out(vector_norm(A, 2, (d0, d1), keepdim), out, "linalg.matrix_norm")
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(n) if d not in (d0, d1)]
        s = svdvals(A.permute(rest + [d0, d1]))
        if ord == "nuc":
            result = s.sum(-1)
        else:
            # Singular values are non-negative: their max (min) is their inf (-inf) norm.
            result = vector_norm(s, _INF if ord == 2 else -_INF, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                result = result.unsqueeze(d)
        return write_out(result, out, "linalg.matrix_norm")
    if ord in (1, -1, _INF, -_INF):
        # 1: max over columns of the column sums of |A|; inf: max over rows of the row sums.
        summed, reduced = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = abs_(A).sum(summed, keepdim=True)
        result = vector_norm(sums, _INF if ord > 0 else -_INF, reduced, keepdim=True)
        if not keepdim:
            result = result.squeeze((d0, d1))
        return write_out(result, out, "linalg.matrix_norm")
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector or matrix norm, chosen from ``ord`` and ``dim`` as PyTorch does."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    nd = A._data.ndim
    if nd == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
    if nd == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    raise RuntimeError(
        f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {nd}D."
    )
