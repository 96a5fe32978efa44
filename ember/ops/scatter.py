"""Indexing along one dim: gather/scatter and index_select/index_add/index_copy/index_fill.

Each builds a NumPy key and reduces to the primitives of ember/ops/_index_ops.py: gather and
index_select are ``Index`` (their gradients accumulate repeated indices), scatter, index_add
and friends are ``IndexPut``. So every gradient here is itself differentiable.
"""

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import add_at, extreme_at, multiply_at
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.ops._common import wrap_dim
from ember.ops._index_ops import Index, IndexPut
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import where

__all__ = [
    "gather",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "index_select",
    "index_add",
    "index_copy",
    "index_fill",
]

TENSOR_METHODS = tuple(__all__)


def _name(dtype):
    return SCALAR_NAMES.get(dtype, str(dtype))


def _check_index(index, name, kinds="iu"):
    if not isinstance(index, Tensor) or index._data.dtype.kind not in kinds:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return index._data


def _check_bounds(idx, size, dim, error=RuntimeError, prefix=""):
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = idx[(idx < 0) | (idx >= size)].ravel()[0]
        raise error(
            f"{prefix}index {int(bad)} is out of bounds for dimension {dim} with size {size}"
        )


def _along_key(idx, dim):
    """The NumPy key that reads ``x[..., idx[i, j, k], ...]`` at every position of ``idx``."""
    n = idx.ndim
    xp = array_module(idx)
    key = []
    for k in range(n):
        if k == dim:
            key.append(idx.astype(np.int64, copy=False))
        else:
            shape = [1] * n
            shape[k] = idx.shape[k]
            key.append(xp.arange(idx.shape[k]).reshape(shape))
    return tuple(key)


def _prepare(input, dim, index, name, src=None):
    """(input, index array, dim, squeeze) with 0-d operands read as 1-d, shapes checked."""
    idx = _check_index(index, name)
    x = input
    n = input._data.ndim
    if idx.ndim != max(n, 1) and not (n == 0 and idx.ndim == 0) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    d = wrap_dim(dim, n)
    squeeze = n == 0
    if squeeze:
        x = input.reshape(1)
        idx = idx.reshape(-1)
    if idx.size == 0:
        return x, idx, d, squeeze
    shape = x._data.shape
    too_big = any(idx.shape[k] > shape[k] for k in range(len(shape)) if k != d)
    src_small = src is not None and any(a > b for a, b in zip(idx.shape, src._data.shape))
    if too_big or src_small:
        msg = (
            f"index {list(index.shape)} to be no larger than self {list(input.shape)} "
            f"apart from dimension {d}"
        )
        if src is not None:
            msg += f" and to be no larger size than src {list(src.shape)}"
        if name == "gather":
            bad = next(k for k in range(len(shape)) if k != d and idx.shape[k] > shape[k])
            raise RuntimeError(f"Size does not match at dimension {bad} expected {msg}")
        raise RuntimeError("Expected " + msg)
    _check_bounds(idx, shape[d], d)
    return x, idx, d, squeeze


def _finish(out, squeeze):
    return out.reshape(()) if squeeze else out


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Values of ``input`` at ``index`` along ``dim``: ``out[i][j] = input[index[i][j]][j]``
    for dim 0."""
    x, idx, d, squeeze = _prepare(input, dim, index, "gather")
    result = Index.apply(x, key=_along_key(idx, d))
    return write_out(_finish(result, squeeze), out, "gather")


def _src_region(src, idx):
    """The part of ``src`` that ``idx`` covers (``src`` may be larger in every dim)."""
    if src._data.shape == idx.shape:
        return src
    return src[tuple(slice(0, s) for s in idx.shape)]


def _scatter_src(input, src, name):
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        return src
    return src


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """``input`` with ``src`` (a tensor) or ``value`` (a number) written at ``index`` along
    ``dim``; ``reduce='add'|'multiply'`` combines instead."""
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    tensor_src = isinstance(src, Tensor)
    src = _scatter_src(input, src, "scatter")
    x, idx, d, squeeze = _prepare(input, dim, index, "scatter", src if tensor_src else None)
    if tensor_src and squeeze:
        src = src.reshape(-1)
    if idx.size == 0:
        return input.clone()
    key = _along_key(idx, d)
    values = _src_region(src, idx) if tensor_src else src
    if reduce == "add":
        result = IndexPut.apply(x, values, key=key, accumulate=True)
    elif reduce == "multiply":
        if not tensor_src:
            values = make_tensor(array_module(idx).full(idx.shape, src, x._data.dtype))
        result = _scatter_prod(x, values, key, include_self=True)
    else:
        result = IndexPut.apply(x, values, key=key, accumulate=False)
    return _finish(result, squeeze)


def scatter_add(input, dim, index, src):
    """``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices sum)."""
    src = _scatter_src(input, src, "scatter")
    x, idx, d, squeeze = _prepare(input, dim, index, "scatter", src)
    if idx.size == 0:
        return input.clone()
    if squeeze:
        src = src.reshape(-1)
    values = _src_region(src, idx)
    return _finish(IndexPut.apply(x, values, key=_along_key(idx, d), accumulate=True), squeeze)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """``input`` with ``src`` reduced into it at ``index`` along ``dim``; ``reduce`` is one of
    sum, prod, mean, amax, amin (``include_self``: whether ``input``'s values take part)."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    src = _scatter_src(input, src, "scatter_reduce")
    x, idx, d, squeeze = _prepare(input, dim, index, "scatter", src)
    if idx.size == 0:
        return input.clone()
    if squeeze:
        src = src.reshape(-1)
    key = _along_key(idx, d)
    values = _src_region(src, idx)
    xp = array_module(x._data)
    if not include_self:
        hit = xp.zeros(x._data.shape, bool)
        hit[key] = True
    if reduce in ("sum", "mean"):
        base = x if include_self else IndexPut.apply(x, 0.0, key=key, accumulate=False)
        result = IndexPut.apply(base, values, key=key, accumulate=True)
        if reduce == "mean":
            count = xp.zeros(x._data.shape, np.int64)
            add_at(count, key, 1)
            count += 1 if include_self else ~hit
            result = _divide(result, count)
    elif reduce == "prod":
        result = _scatter_prod(x, values, key, include_self)
    else:
        result = _scatter_extreme(x, values, key, include_self, reduce)
    return _finish(result, squeeze)


def _divide(result, count):
    if result.is_floating_point():
        return result / make_tensor(count.astype(result._data.dtype))
    return result.div(make_tensor(count), rounding_mode="floor")


def _scatter_extreme(x, values, key, include_self, reduce):
    # The gradient is shared evenly among the elements equal to the result (PyTorch's rule):
    # build the result as the mean of those elements, which is the result itself.
    xd = x._data
    xp = array_module(xd)
    start = xd.copy()
    if not include_self:
        fill = -np.inf if reduce == "amax" else np.inf
        if xd.dtype.kind in "iub":
            info = np.iinfo(xd.dtype) if xd.dtype.kind != "b" else None
            fill = (info.min if reduce == "amax" else info.max) if info else fill
        start[key] = fill
    extreme_at(start, key, values._data, reduce)
    if not (x._requires_grad or values._requires_grad):
        return make_tensor(start)
    x_wins = start == xd
    if not include_self:
        hit = xp.zeros(xd.shape, bool)
        hit[key] = True
        x_wins &= ~hit
    src_wins = values._data == start[key]
    count = x_wins.astype(np.int64)
    add_at(count, key, src_wins)
    zeros = make_tensor(xp.zeros((), xd.dtype))
    kept = where(make_tensor(x_wins), x, zeros)
    picked = where(make_tensor(src_wins), values, zeros)
    total = IndexPut.apply(kept, picked, key=key, accumulate=True)
    return total / make_tensor(count.astype(xd.dtype))


class ScatterProd(Op):
    """``x`` (or ones, without ``include_self``) times the product of ``src`` at ``key``.

    Differences from PyTorch: the gradient divides by the inputs, so it is not defined where an
    input is zero (PyTorch handles zeros separately)."""

    save_inputs = True
    save_output = True

    def forward(ctx, x, src, key, include_self):
        ctx.key, ctx.include_self = key, include_self
        out = x.copy()
        if not include_self:
            out[key] = 1
        multiply_at(out, key, src)
        return out

    def backward(ctx, grad):
        x, src = ctx.saved_tensors
        out = ctx.output
        need_x, need_src = ctx.needs_input_grad
        gx = gs = None
        if need_x:
            if ctx.include_self:
                gx = grad * out / x
            else:
                # Without include_self, x only survives where nothing was scattered.
                gx = IndexPut.apply(grad, 0.0, key=ctx.key, accumulate=False)
        if need_src:
            gs = Index.apply(grad * out, key=ctx.key) / src
        return gx, gs


def _scatter_prod(x, values, key, include_self):
    return ScatterProd.apply(x, values, key=key, include_self=include_self)


# ---- index_* along a dim ----------------------------------------------------------------------


def _dim_index(input, dim, index, name, kinds="iu"):
    """(key, dim, squeeze) for ``index`` (a vector) along ``dim``."""
    if not isinstance(index, Tensor) or index._data.dtype.kind not in kinds:
        got = _name(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        if name == "index_select":
            raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
        if name == "index_fill_":
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: {got}")
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    n = input._data.ndim
    d = wrap_dim(dim, n)
    idx = idx.reshape(-1).astype(np.int64, copy=False)
    size = input._data.shape[d] if n else 1
    return idx, d, size


def _key(idx, d):
    return (slice(None),) * d + (idx,)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` along ``dim`` at the positions in ``index`` (a vector)."""
    idx, d, size = _dim_index(input, dim, index, "index_select")
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise IndexError("index out of range in self")
    if input._data.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
            )
        return write_out(input.clone(), out, "index_select")
    return write_out(Index.apply(input, key=_key(idx, d)), out, "index_select")


def _check_source(input, source, idx, d, name):
    xs, ss = input._data.shape, source._data.shape
    if input._data.ndim == 0:
        ss_ok = source._data.size == 1 and source._data.ndim <= 1
    else:
        ss_ok = len(xs) == len(ss) and all(a == b for k, (a, b) in enumerate(zip(xs, ss)) if k != d)
    if not ss_ok:
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(xs)} source.shape = {list(ss)}"
        )
    count = ss[d] if source._data.ndim else 1
    if count != idx.size:
        raise RuntimeError(
            f"{name}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
            f"({count}), for dim: {d}"
        )


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """``input`` with ``alpha * source`` added at ``index`` along ``dim`` (repeats sum)."""
    idx, d, size = _dim_index(input, dim, index, "index_add_")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_name(input.dtype)}) and source ({_name(source.dtype)}) must "
            "have the same scalar type"
        )
    _check_source(input, source, idx, d, "index_add_")
    _check_bounds(idx, size, d)
    values = source if alpha == 1 else source * alpha
    if input._data.ndim == 0:
        return write_out(input + values.reshape(()), out, "index_add")
    result = IndexPut.apply(input, values, key=_key(idx, d), accumulate=True)
    return write_out(result, out, "index_add")


def index_copy(input, dim, index, source):
    """``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    idx, d, size = _dim_index(input, dim, index, "index_copy_")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{_name(input.dtype)} and (source) {_name(source.dtype)}"
        )
    if input._data.ndim and source._data.ndim and source._data.shape[d] != idx.size:
        raise IndexError(
            f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) "
            f"({source._data.shape[d]})"
        )
    _check_bounds(idx, size, d, IndexError, "index_copy_(): ")
    if input._data.ndim == 0:
        return source.reshape(()).clone()
    return IndexPut.apply(input, source, key=_key(idx, d), accumulate=False)


def index_fill(input, dim, index, value):
    """``input`` with ``value`` (a number or 0-d tensor) at ``index`` along ``dim``."""
    idx, d, size = _dim_index(input, dim, index, "index_fill_", kinds="i")
    if index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    _check_bounds(idx, size, d, IndexError)
    if input._data.ndim == 0:
        return IndexPut.apply(input.reshape(1), value, key=(idx,), accumulate=False).reshape(())
    return IndexPut.apply(input, value, key=_key(idx, d), accumulate=False)


scatter_ = make_inplace(scatter)
scatter_add_ = make_inplace(scatter_add)
scatter_reduce_ = make_inplace(scatter_reduce)
index_add_ = make_inplace(index_add)
index_copy_ = make_inplace(index_copy)
index_fill_ = make_inplace(index_fill)

INPLACE_METHODS = (
    "scatter_",
    "scatter_add_",
    "scatter_reduce_",
    "index_add_",
    "index_copy_",
    "index_fill_",
)
