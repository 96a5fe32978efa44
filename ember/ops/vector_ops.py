"""Differences and distances along dims: ``diff``, ``cross``, ``dist``, ``cdist`` and
``renorm``. All are compositions of ember ops, so their gradients (and double backward)
come from the ops they are built of."""

from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor
from ember.ops._common import check_broadcast, is_floating, wrap_dim
from ember.ops._inplace import make_inplace, write_out
from ember.ops.elementwise import where
from ember.ops.joining import broadcast_tensors, cat, stack
from ember.ops.logical import logical_xor
from ember.ops.reduction import norm
from ember.ops.shape import narrow
from ember.ops.slicing import select

__all__ = ["diff", "cross", "dist", "cdist", "renorm"]

TENSOR_METHODS = ("diff", "cross", "dist", "renorm")


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The ``n``-th forward difference along ``dim`` (bool tensors: logical xor)."""
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, input._data.ndim)
    pieces = [input]
    for extra, at_start in ((prepend, True), (append, False)):
        if extra is None:
            continue
        if not isinstance(extra, Tensor) or extra._data.ndim != input._data.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        pieces.insert(0 if at_start else len(pieces), extra)
    x = cat(pieces, d) if len(pieces) > 1 else input
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        a, b = narrow(x, d, 1, length - 1), narrow(x, d, 0, length - 1)
        x = logical_xor(a, b) if x._data.dtype.kind == "b" else a - b
    return write_out(x, out, "diff")


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along ``dim`` (None: the first dim of size 3)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"expected scalar type {SCALAR_NAMES[input.dtype]} but found "
            f"{SCALAR_NAMES[other.dtype]}"
        )
    n = input._data.ndim
    if n != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        # PyTorch's deprecated default: the first dim of length 3.
        d = next((i for i, s in enumerate(input.shape) if s == 3), -1)
        if d == -1:
            raise RuntimeError("no dimension of size 3 in input")
    else:
        d = wrap_dim(dim, n)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {d} must have length 3. Got {input.shape[d]} and "
            f"{other.shape[d]}"
        )
    try:
        a, b = broadcast_tensors(input, other)
    except (RuntimeError, ValueError):
        check_broadcast(input, other)
        raise
    a0, a1, a2 = (select(a, d, i) for i in range(3))
    b0, b1, b2 = (select(b, d, i) for i in range(3))
    result = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)
    return write_out(result, out, "cross")


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (broadcast)."""
    return norm(input - other, p=p)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise ``p``-norm distances between the rows of ``x1`` (..., P, M) and ``x2``
    (..., R, M): shape (..., P, R).

    Differences from PyTorch: distances are always computed from the differences, never
    through the matrix-product shortcut, so they agree with ``dist`` to the last bit.
    """
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(
                f"cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D"
            )
        if not is_floating(x):
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {SCALAR_NAMES[x.dtype]}"
            )
    if x1.dtype is not x2.dtype:
        raise RuntimeError(
            f"expected scalar type {SCALAR_NAMES[x1.dtype]} but found {SCALAR_NAMES[x2.dtype]}"
        )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (..., P, R, M)
    return norm(differences, p=p, dim=-1)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to it."""
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {n} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if not is_floating(input):
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{SCALAR_NAMES[input.dtype]}"
        )
    d = wrap_dim(dim, n)
    others = [i for i in range(n) if i != d]
    norms = norm(input, p=p, dim=others, keepdim=True)
    # PyTorch's factor, with its 1e-7 guard: maxnorm / (norm + 1e-7) where norm > maxnorm.
    factor = where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return write_out(input * factor.to(input.dtype), out, "renorm")


renorm_ = make_inplace(renorm)
INPLACE_METHODS = ("renorm_",)
