"""Compositions over the factorizations (pinv, matrix_rank, lstsq), the cross product and
multi_dot."""

import numpy as np

from ember._backend import array_module
from ember._dtype import is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.linalg._matrix import check_float, check_matrix, scalar_name
from ember.linalg._results import linalg_lstsq
from ember.linalg.decompositions import eigh, svd
from ember.ops._common import wrap_dim
from ember.ops._inplace import write_out
from ember.ops.linalg import _broadcast_batch, matmul

__all__ = ["pinv", "matrix_rank", "lstsq", "cross", "multi_dot", "vecdot"]


def _tolerance(values, atol, rtol, m, n, dtype):
    """PyTorch's cut-off ``max(atol, rtol * largest value)``, per matrix; rtol defaults to
    eps * max(m, n) when neither tolerance is given, and to 0 when only atol is."""
    xp = array_module(values)
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(m, n) if atol is None else 0.0
    atol = xp.asarray(0.0 if atol is None else getattr(atol, "_data", atol))[..., None]
    rtol = xp.asarray(getattr(rtol, "_data", rtol))[..., None]
    # The largest value of an empty set is 0 (no cut-off beyond atol).
    largest = values.max(axis=-1, keepdims=True) if values.shape[-1] else xp.zeros_like(atol)
    return xp.maximum(atol, rtol * largest)


def _lapack_dtype(A):
    """Whether ``A`` is float32 or float64, the dtypes PyTorch's pinv and matrix_rank take."""
    return is_floating_np(A._data.dtype) and A._data.dtype.itemsize >= 4


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Moore-Penrose pseudo-inverse, cutting singular values below the tolerance."""
    if A._data.ndim < 2 or not _lapack_dtype(A):
        raise RuntimeError(
            f"linalg.pinv({scalar_name(A)}{{{list(A.shape)}}}): expected a tensor with 2 or more "
            "dimensions of float, double, cfloat or cdouble types"
        )
    m, n = A._data.shape[-2:]
    dtype = A._data.dtype
    if hermitian:
        w, v = eigh(A)
        xp = array_module(w._data)
        keep = xp.abs(w._data) > _tolerance(xp.abs(w._data), atol, rtol, m, n, dtype)
        inv_w = _masked_reciprocal(w, keep)
        return write_out((v * inv_w.unsqueeze(-2)) @ v.mT, out, "linalg.pinv")
    u, s, vh = svd(A, full_matrices=False)
    keep = s._data > _tolerance(s._data, atol, rtol, m, n, dtype)
    inv_s = _masked_reciprocal(s, keep)
    return write_out((vh.mT * inv_s.unsqueeze(-2)) @ u.mT, out, "linalg.pinv")


def _masked_reciprocal(values, keep):
    """1 / values where ``keep``, else 0, without dividing by the dropped values."""
    from ember.ops.elementwise import where

    cond = make_tensor(keep)
    xp = array_module(values._data)
    one = make_tensor(xp.ones((), values._data.dtype))
    return make_tensor(keep.astype(values._data.dtype)) / where(cond, values, one)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Number of singular values above the tolerance (int64)."""
    check_matrix(A, "torch.linalg.matrix_rank", "input")
    if not _lapack_dtype(A):
        raise RuntimeError("This function doesn't handle types other than float and double")
    m, n = A._data.shape[-2:]
    a = A._data
    xp = array_module(a)
    values = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
    tol = _tolerance(values, atol, rtol, m, n, a.dtype)
    rank = xp.sum(values > tol, axis=-1).astype(np.int64)
    return write_out(make_tensor(xp.asarray(rank)), out, "linalg.matrix_rank")


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` (via the pseudo-inverse; full-rank A assumed for
    gradients). Returns (solution, residuals, rank, singular_values) as PyTorch's CPU drivers."""
    check_float(A, "linalg.lstsq")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {A.dtype} and other's dtype {B.dtype}"
        )
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    vector = B._data.ndim == A._data.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    m, n = A._data.shape[-2:]
    eps_rtol = np.finfo(A._data.dtype).eps * max(m, n) if rcond is None else rcond
    solution = pinv(A, rtol=eps_rtol) @ b
    a = A._data
    xp = array_module(a)
    values = xp.linalg.svd(a, compute_uv=False)
    tol = _tolerance(values, None, eps_rtol, m, n, a.dtype)
    rank_arr = xp.sum(values > tol, axis=-1).astype(np.int64)
    empty = make_tensor(xp.zeros((0,), a.dtype))
    rank = (
        make_tensor(xp.asarray(rank_arr))
        if driver != "gels"
        else make_tensor(xp.zeros((0,), np.int64))
    )
    singular_values = make_tensor(values) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if m > n and driver != "gelsy" and bool((rank_arr == n).all()):
        r = matmul(A, solution) - b
        residuals = (r * r).sum(-2)
    if vector:
        solution = solution.squeeze(-1)
    return linalg_lstsq(solution, residuals, rank, singular_values)


# ---- cross ----------------------------------------------------------------------------------


class Cross(Op):
    promote = True
    save_inputs = True

    def forward(ctx, a, b, dim):
        xp = ctx.xp
        ctx.dim = dim
        return xp.cross(a, b, axis=dim)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = Cross.apply(b, grad, dim=ctx.dim) if need_a else None
        grad_b = Cross.apply(grad, a, dim=ctx.dim) if need_b else None
        # In the broadcast shape; the engine sums to each input's shape.
        return grad_a, grad_b


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    na, nb = input._data.ndim, other._data.ndim
    if na != nb:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = _broadcast_batch(input._data.shape, other._data.shape)
    d = wrap_dim(dim, len(shape))
    sa, sb = input._data.shape[d], other._data.shape[d]
    if sa != 3 or sb != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {sa} and {sb}"
        )
    return write_out(Cross.apply(input, other, dim=d), out, "linalg.cross")


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (inputs broadcast)."""
    return write_out((x * y).sum(dim), out, "linalg.vecdot")


# ---- multi_dot ------------------------------------------------------------------------------


def _chain_order(dims):
    """Optimal parenthesisation of a matrix chain (dims[i] x dims[i+1] matrices), by DP."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices in the cheapest order (first/last may be 1-D)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0]._data.ndim, tensors[-1]._data.ndim
    if first not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first}D")
    if last not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last}D")
    for i, t in enumerate(tensors[1:-1], 1):
        if t._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D")
    dtype = tensors[0]._data.dtype
    for t in tensors[1:]:
        if t._data.dtype != dtype:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{tensors[0].dtype} and tensor {tensors.index(t)} {t.dtype}"
            )
    mats = list(tensors)
    if first == 1:
        mats[0] = mats[0].unsqueeze(0)
    if last == 1:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i in range(len(mats) - 1):
        a, b = mats[i]._data.shape, mats[i + 1]._data.shape
        if a[1] != b[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                f"{list(tensors[i + 1].shape)} cannot be multiplied"
            )
    dims = [m._data.shape[0] for m in mats] + [mats[-1]._data.shape[1]]
    split = _chain_order(dims)

    def product(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))

    result = product(0, len(mats) - 1)
    if first == 1 and last == 1:
        result = result.reshape(())
    elif first == 1:
        result = result.squeeze(0)
    elif last == 1:
        result = result.squeeze(-1)
    return write_out(result, out, "linalg.multi_dot")
