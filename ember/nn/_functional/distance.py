"""Distances and normalisation: pairwise_distance, cosine_similarity, normalize."""

import numpy as np

from ember._backend import array_module
from ember._tensor import make_tensor
from ember.ops._inplace import write_out

__all__ = ["pairwise_distance", "cosine_similarity", "normalize", "pdist"]


def _clamped_below(x, eps):
    """``max(x, eps)`` in value, with the gradient of ``x`` passed through unchanged (PyTorch
    clamps these norms under no_grad)."""
    return x + make_tensor(array_module(x._data).maximum(x._data, eps) - x._data)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of ``x1 - x2 + eps`` over the last dim."""
    ndim = max(x1.ndim, x2.ndim)
    dim = ndim - 1 if ndim else 0
    diff = x1 - x2 + eps
    if ndim == 0:
        return diff.abs()
    return diff.norm(p, dim, keepdim=keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``x1 . x2 / (max(|x1|, eps) * max(|x2|, eps))`` over ``dim``."""
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    if tuple(x1.shape) != shape:
        x1 = x1.expand(shape)
    if tuple(x2.shape) != shape:
        x2 = x2.expand(shape)
    n1 = _clamped_below(x1.norm(2, dim, keepdim=True), eps)
    n2 = _clamped_below(x2.norm(2, dim, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(|input|_p, eps)`` over ``dim``."""
    norm = input.norm(p, dim, keepdim=True)
    # A differentiable clamp: where the norm is below eps, it is replaced by the constant eps.
    keep = make_tensor((norm._data > eps).astype(norm._data.dtype))
    denom = norm * keep + (1 - keep) * eps
    return write_out(input / denom, out, "normalize")


def pdist(input, p=2):
    """Distances between all pairs of rows (the upper triangle, row by row)."""
    n = input.shape[0]
    rows, cols = array_module(input._data).triu_indices(n, 1)
    diff = input[make_tensor(rows)] - input[make_tensor(cols)]
    return diff.norm(p, 1)
