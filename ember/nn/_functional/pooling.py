"""Pooling compositions: power-average (Lp) pooling and the ``*_with_indices`` spellings.

The pooling primitives (max, average, adaptive, max_unpool) live in ember/ops/pooling.py.
"""

import math

from ember.nn._functional.activation import relu
from ember.ops import pooling as _pool
from ember.ops._pool_args import pool_tuple

__all__ = [
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
]

_MAX_POOLS = (_pool.max_pool1d, _pool.max_pool2d, _pool.max_pool3d)
_AVG_POOLS = (_pool.avg_pool1d, _pool.avg_pool2d, _pool.avg_pool3d)


def _lp_pool(nsp, name, input, norm_type, kernel_size, stride, ceil_mode):
    """``(sum over the window of x^p)^(1/p)``, as PyTorch computes it: the average of ``x^p``
    times the window size, with negative sums clamped to 0."""
    if norm_type == math.inf:
        return _MAX_POOLS[nsp - 1](input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -_MAX_POOLS[nsp - 1](-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    numel = math.prod(pool_tuple(kernel_size, nsp, name, "kernel_size"))
    out = _AVG_POOLS[nsp - 1](input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(numel).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-D power-average pooling over (N, C, L) or (C, L)."""
    return _lp_pool(1, "lp_pool1d", input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling over (N, C, H, W) or (C, H, W)."""
    return _lp_pool(2, "lp_pool2d", input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-D power-average pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _lp_pool(3, "lp_pool3d", input, norm_type, kernel_size, stride, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    """max_pool1d returning (values, indices)."""
    return _pool.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    """max_pool2d returning (values, indices)."""
    return _pool.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    """max_pool3d returning (values, indices)."""
    return _pool.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool1d returning (values, indices)."""
    return _pool.adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool2d returning (values, indices)."""
    return _pool.adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool3d returning (values, indices)."""
    return _pool.adaptive_max_pool3d(input, output_size, True)
