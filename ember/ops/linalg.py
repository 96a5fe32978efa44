"""Matrix products: matmul (``@``) and its named cases (mm, bmm, mv, dot...), the add-and-multiply
fusions (addmm, baddbmm...), outer products and tensordot.

One primitive, ``MatMul``, computes every product with a single ``xp.matmul`` call (one BLAS
GEMM for floating dtypes, no copies, no dtype changes); the named ops check their arguments
with PyTorch's messages and call it. Like PyTorch, the products do not promote dtypes: mixed
dtypes are an error.
"""

import numpy as np

from ember import _dtype
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.ops._inplace import make_inplace, write_out

__all__ = [
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "vdot",
    "inner",
    "outer",
    "ger",
    "addmm",
    "addmv",
    "addbmm",
    "baddbmm",
    "addr",
    "tensordot",
    "kron",
]

TENSOR_METHODS = (
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "vdot",
    "inner",
    "outer",
    "ger",
    "addmm",
    "addmv",
    "addbmm",
    "baddbmm",
    "addr",
    "kron",
)

INPLACE_METHODS = ("addmm_", "addmv_", "addbmm_", "baddbmm_", "addr_")

# PyTorch names dtypes two ways in these messages: C++ type names and ScalarType names.
_CPP_NAME = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _name(x):
    return x.dtype.name


def _shape_str(shape):
    return "x".join(str(s) for s in shape)


# ---- the primitive --------------------------------------------------------------------------


class MatMul(Op):
    """``matmul`` semantics (1-D operands, broadcast batch dims); inputs share one dtype."""

    save_inputs = True

    def forward(ctx, a, b):
        xp = ctx.xp
        if a.dtype == _dtype.bfloat16.np:
            # NumPy has no bfloat16 GEMM: multiply in float32 and round once.
            return xp.matmul(a.astype(np.float32), b.astype(np.float32)).astype(a.dtype)
        if a.ndim > 2 and b.ndim <= 2 and a.flags.c_contiguous:
            # (..., n, k) @ (k, m) is one GEMM on the folded (... * n, k) matrix (GEMV for b 1-D).
            # The rows are counted because reshape cannot infer -1 when k is 0.
            rows = a.size // a.shape[-1] if a.shape[-1] else int(np.prod(a.shape[:-1]))
            return xp.matmul(a.reshape(rows, a.shape[-1]), b).reshape(a.shape[:-1] + b.shape[1:])
        return xp.matmul(a, b)

    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # Restore the dims that matmul inserted for 1-D operands and then removed.
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(1) if b.ndim == 1 else b
        g = grad.unsqueeze(-1) if b.ndim == 1 else grad
        g = g.unsqueeze(-2) if a.ndim == 1 else g
        grad_a = grad_b = None
        if need_a:
            grad_a = _product(g, b2.mT)
            if a.ndim == 1:
                grad_a = grad_a.squeeze(-2)
        if need_b:
            if b2.ndim == 2 and a2.ndim > 2:
                # sum over the batch of a_i^T g_i is one GEMM on the folded matrices.
                k, m = a2.shape[-1], g.shape[-1]
                rows = int(np.prod(a2.shape[:-1]))  # not -1: k or m may be 0
                grad_b = _product(a2.reshape(rows, k).mT, g.reshape(rows, m))
            else:
                grad_b = _product(a2.mT, g)
            if b.ndim == 1:
                grad_b = grad_b.squeeze(-1)
        # The engine sums broadcast batch dims back to each input's shape.
        return grad_a, grad_b


def _product(a, b):
    return MatMul.apply(a, b)


# ---- argument checks ------------------------------------------------------------------------


def _check_matrix(x, what):
    if x._data.ndim != 2:
        raise RuntimeError(f"{what} must be a matrix")


def _check_no_bool(dtype, name="addmm_impl_cpu_"):
    if dtype == np.bool_:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")


def _dtype_names(table, *dtypes):
    return [table[_dtype.from_numpy_dtype(d).name] for d in dtypes]


def _check_mm(sa, sb, da, db):
    """mm's checks on matrix shapes ``sa``, ``sb`` and numpy dtypes ``da``, ``db``."""
    if da != db:
        x, y = _dtype_names(_CPP_NAME, da, db)
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {x} != {y}")
    if sa[-1] != sb[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(sa)} and {_shape_str(sb)})"
        )
    _check_no_bool(da)


def _check_mv(sm, sv, dm, dv):
    """mv's checks on a matrix shape ``sm`` and a vector shape ``sv``."""
    if dm != dv:
        m, v = _dtype_names(SCALAR_NAMES, dm, dv)
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}"
        )
    n, k = sm
    if k != sv[0]:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({sv[0]})")
    _check_no_bool(dm, "addmv_impl_cpu")


def _folds(a, b):
    """Whether PyTorch's matmul folds the batch dims into one mm/mv (its ``should_fold``).

    It decides which of PyTorch's messages an error carries; ember computes the same way
    either case."""
    larger = a._data.ndim >= b._data.ndim
    big = a._data if larger else b._data.swapaxes(-1, -2)
    small_ndim = b._data.ndim if larger else a._data.ndim
    if not (big.ndim >= 3 and small_ndim <= 2):
        return False
    if (b if larger else a)._requires_grad:
        return True
    if a._data.ndim == 2:
        return False
    if big.size == 0:
        return True
    shape, strides = big.shape, big.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _check_dot(a, b):
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
        )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{SCALAR_NAMES[_name(a)]} and {SCALAR_NAMES[_name(b)]}"
        )
    n, m = a._data.shape[0], b._data.shape[0]
    if n != m:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    _check_no_bool(a._data.dtype, "dot")


def _check_bmm(a, b, batch, k, b_batch, b_rows=None):
    """bmm's checks on (batch, n, k) @ (b_batch, b_rows, m)."""
    got = (b_batch, b._data.shape[-2] if b_rows is None else b_rows)
    if got != (batch, k):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{batch}, {k}] but got: [{got[0]}, {got[1]}]."
        )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected scalar type {SCALAR_NAMES[_name(a)]} but found {SCALAR_NAMES[_name(b)]}"
        )
    _check_no_bool(a._data.dtype, "bmm")


def _broadcast_batch(sa, sb):
    """The broadcast of two batch shapes, with PyTorch's message on a mismatch."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    out = []
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}"
            )
        out.append(max(x, y) if x and y else 0)
    return tuple(out)


# ---- matmul and its named cases ---------------------------------------------------------------


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D operands and broadcast batch dims."""
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    sa, sb, ta, tb = input._data.shape, other._data.shape, input._data.dtype, other._data.dtype
    if da == 1 and db == 1:
        _check_dot(input, other)
    elif da == 2 and db == 1:
        _check_mv(sa, sb, ta, tb)
    elif da == 1 and db == 2:
        _check_mm((1,) + sa, sb, ta, tb)
    elif da == 2 and db == 2:
        _check_mm(sa, sb, ta, tb)
    elif _folds(input, other):
        # PyTorch multiplies the folded (..., n, k) -> (rows, k) matrix; its messages show it.
        if da >= db:
            folded = (int(np.prod(sa[:-1])), sa[-1])
            check = _check_mv if db == 1 else _check_mm
            check(folded, sb, ta, tb)
        else:
            # other.mT folded, times input.mT (or input, when 1-D).
            folded = (int(np.prod(sb[:-2])) * sb[-1], sb[-2])
            if da == 1:
                _check_mv(folded, sa, tb, ta)
            else:
                _check_mm(folded, sa[::-1], tb, ta)
    else:
        # The batched product: a 1-D operand becomes a row (input) or a column (other).
        sa = sa if da > 1 else (1,) + sa
        sb = sb if db > 1 else sb + (1,)
        batch = int(np.prod(_broadcast_batch(sa[:-2], sb[:-2])))
        _check_bmm(input, other, batch, sa[-1], batch, sb[-2])
    return write_out(MatMul.apply(input, other), out, "matmul")


def mm(input, mat2, *, out=None):
    """Product of two matrices."""
    _check_matrix(input, "self")
    _check_matrix(mat2, "mat2")
    _check_mm(input._data.shape, mat2._data.shape, input._data.dtype, mat2._data.dtype)
    return write_out(MatMul.apply(input, mat2), out, "mm")


def bmm(input, mat2, *, out=None):
    """Batched product of (b, n, k) and (b, k, m) tensors."""
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    b, _, k = input._data.shape
    _check_bmm(input, mat2, b, k, mat2._data.shape[0])
    return write_out(MatMul.apply(input, mat2), out, "bmm")


def mv(input, vec, *, out=None):
    """Matrix-vector product."""
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}"
        )
    _check_mv(input._data.shape, vec._data.shape, input._data.dtype, vec._data.dtype)
    return write_out(MatMul.apply(input, vec), out, "mv")


def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors."""
    _check_dot(input, tensor)
    return write_out(MatMul.apply(input, tensor), out, "dot")


def vdot(input, other, *, out=None):
    """Dot product conjugating the first argument (the same as dot for real tensors)."""
    _check_dot(input, other)
    return write_out(MatMul.apply(input, other), out, "vdot")


def inner(input, other, *, out=None):
    """Sum product over the last dims (a scalar operand multiplies)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return write_out(input * other, out, "inner")
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(sa)} and {list(sb)}"
        )
    if input._data.dtype != other._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return write_out(tensordot(input, other, dims=([-1], [-1])), out, "inner")


def outer(input, vec2, *, out=None):
    """Outer product of two vectors (promotes dtypes, as PyTorch's does)."""
    for x, name in ((input, "self"), (vec2, "vec2")):
        if x._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x._data.ndim}-D")
    return write_out(input.reshape(-1, 1) * vec2, out, "outer")


def ger(input, vec2, *, out=None):
    """Alias of outer."""
    return outer(input, vec2, out=out)


def kron(input, other, *, out=None):
    """Kronecker product (promotes dtypes, as PyTorch's does)."""
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    # a[i] * b[j] laid out as (a0, b0, a1, b1, ...), then each pair merged into one dim.
    a = input.reshape(tuple(s for d in sa for s in (d, 1)))
    b = other.reshape(tuple(s for d in sb for s in (1, d)))
    return write_out((a * b).reshape(tuple(x * y for x, y in zip(sa, sb))), out, "kron")


# ---- add-and-multiply -------------------------------------------------------------------------


def _scaled_sum(input, product, beta, alpha):
    """``beta * input + alpha * product``; beta=0 ignores input (nan and inf included)."""
    dtype = product.dtype
    if alpha != 1:
        product = product * alpha
    if beta != 0:
        product = (input if beta == 1 else input * beta) + product
    elif input._requires_grad:
        product = _IgnoreInput.apply(product, input)
    # Integer products keep their dtype under float alpha/beta, as in PyTorch.
    return product if product.dtype is dtype else product.to(dtype)


class _IgnoreInput(Op):
    """Passes ``product`` through; ``input`` (scaled by beta=0) gets a zero gradient, as in
    PyTorch, without its values (nan or inf) reaching the result."""

    def forward(ctx, product, input):
        return product

    def backward(ctx, grad):
        return grad, grad * 0


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``."""
    _check_matrix(mat1, "mat1")
    _check_matrix(mat2, "mat2")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(
            "self and mat2 must have the same dtype, but got "
            f"{SCALAR_NAMES[_name(input)]} and {SCALAR_NAMES[_name(mat2)]}"
        )
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{SCALAR_NAMES[_name(mat1)]} and {SCALAR_NAMES[_name(mat2)]}"
        )
    _check_mm(mat1._data.shape, mat2._data.shape, mat1._data.dtype, mat2._data.dtype)
    shape = (mat1._data.shape[0], mat2._data.shape[1])
    input.expand(shape)
    return write_out(_scaled_sum(input, MatMul.apply(mat1, mat2), beta, alpha), out, "addmm")


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    if mat._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, "
            f"{vec._data.ndim}"
        )
    names = [SCALAR_NAMES[_name(x)] for x in (input, mat, vec)]
    if len(set(names)) > 1:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{names[0]}, {names[1]}, and {names[2]}"
        )
    n, k = mat._data.shape
    if k != vec._data.shape[0] or input._data.shape not in ((), (1,), (n,)):
        raise RuntimeError(
            f"size mismatch, got input ({_shape_str(input._data.shape)}), mat ({n}x{k}), "
            f"vec ({vec._data.shape[0]})"
        )
    return write_out(_scaled_sum(input, MatMul.apply(mat, vec), beta, alpha), out, "addmv")


def _check_batches(input, batch1, batch2):
    for x, name in ((batch1, "batch1"), (batch2, "batch2")):
        if x._data.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    b, _, k = batch1._data.shape
    _check_bmm(batch1, batch2, b, k, batch2._data.shape[0])


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    dtypes = {input._data.dtype, batch1._data.dtype, batch2._data.dtype}
    if len(dtypes) > 1:
        raise RuntimeError(
            f"Input dtypes must be the same, got: input {_CPP_NAME[_name(input)]}, "
            f"batch1: {_CPP_NAME[_name(batch1)]}, batch2: {_CPP_NAME[_name(batch2)]}"
        )
    _check_batches(input, batch1, batch2)
    shape = batch1._data.shape[:2] + batch2._data.shape[2:]
    input.expand(shape)
    product = MatMul.apply(batch1, batch2)
    return write_out(_scaled_sum(input, product, beta, alpha), out, "baddbmm")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``."""
    _check_batches(input, batch1, batch2)
    if input._data.dtype != batch2._data.dtype:
        raise RuntimeError(
            "self and mat2 must have the same dtype, but got "
            f"{SCALAR_NAMES[_name(input)]} and {SCALAR_NAMES[_name(batch2)]}"
        )
    b, n, k = batch1._data.shape
    m = batch2._data.shape[2]
    shape = (n, m)
    input.expand(shape)
    # sum_i A_i B_i is one GEMM: (n, b*k) @ (b*k, m).
    a = batch1.permute(1, 0, 2).reshape(n, b * k)
    product = MatMul.apply(a, batch2.reshape(b * k, m))
    return write_out(_scaled_sum(input, product, beta, alpha), out, "addbmm")


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    product = outer(vec1, vec2)
    input.expand(product.shape)
    return write_out(_scaled_sum(input, product, beta, alpha), out, "addr")


# ---- tensordot ------------------------------------------------------------------------------


def _tensordot_dims(dims, na, nb):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    da, db = dims
    da = [da] if isinstance(da, int) else list(da)
    db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    return da, db


def tensordot(a, b, dims=2, out=None):
    """Sum products over the dim pairs ``dims`` (an int n: the last n of a, first n of b)."""
    from ember.ops._common import wrap_dim

    na, nb = a._data.ndim, b._data.ndim
    da, db = _tensordot_dims(dims, na, nb)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y in zip(da, db):
        sx, sy = a._data.shape[wrap_dim(x, na)], b._data.shape[wrap_dim(y, nb)]
        if sx != sy:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {sx} in dim {x} and "
                f"second has size {sy} in dim {y}"
            )
    da = [wrap_dim(x, na) for x in da]
    db = [wrap_dim(y, nb) for y in db]
    free_a = [i for i in range(na) if i not in da]
    free_b = [i for i in range(nb) if i not in db]
    size = int(np.prod([a._data.shape[i] for i in da]))
    rows = int(np.prod([a._data.shape[i] for i in free_a]))
    cols = int(np.prod([b._data.shape[i] for i in free_b]))
    out_shape = tuple(a._data.shape[i] for i in free_a) + tuple(b._data.shape[i] for i in free_b)
    # (free_a, contracted) @ (contracted, free_b): one GEMM.
    a2 = a.permute(free_a + da).reshape(rows, size)
    b2 = b.permute(db + free_b).reshape(size, cols)
    return write_out(MatMul.apply(a2, b2).reshape(out_shape), out, "tensordot")


addmm_ = make_inplace(addmm)
addmv_ = make_inplace(addmv)
addbmm_ = make_inplace(addbmm)
baddbmm_ = make_inplace(baddbmm)
addr_ = make_inplace(addr)
