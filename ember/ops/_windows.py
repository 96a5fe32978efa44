"""Sliding windows on NumPy arrays, shared by convolution, pooling and fold/unfold.

Arrays are laid out ``(*lead, *spatial)``; a geometry names, per spatial dim, the kernel size,
stride, dilation, the padding before the input (``lo``) and the number of output positions.
Windows are strided views (no copy); ``scatter_windows`` is their adjoint (col2im).
"""

import itertools
from dataclasses import dataclass

import numpy as np

from ember._backend import array_module
from ember._backend._arrays import as_strided

__all__ = ["Geometry", "padded", "windows", "scatter_windows", "out_size", "tuple_arg"]


@dataclass(frozen=True)
class Geometry:
    """One sliding-window layout: all fields are tuples with one entry per spatial dim."""

    kernel: tuple
    stride: tuple
    dilation: tuple
    lo: tuple  # padding before the input
    in_size: tuple  # spatial size of the (unpadded) input
    out_size: tuple  # number of window positions

    @property
    def span(self):
        """The padded extent the windows reach: ``(out - 1) * stride + dilation * (k - 1) + 1``."""
        return tuple(
            (o - 1) * s + d * (k - 1) + 1 if o > 0 else 0
            for o, s, d, k in zip(self.out_size, self.stride, self.dilation, self.kernel)
        )


def tuple_arg(value, n, name="argument"):
    """``value`` as an n-tuple of ints (an int is repeated, a 1-sequence broadcast)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values")
    return value


def out_size(size, kernel, stride, dilation, pad_total, ceil_mode=False):
    """Number of window positions along one dim (PyTorch's formula, ``ceil_mode`` for pools)."""
    extent = size + pad_total - dilation * (kernel - 1) - 1
    if ceil_mode:
        n = -(-extent // stride) + 1
        # The last window must start inside the input or the left padding.
        if (n - 1) * stride >= size + pad_total // 2:
            n -= 1
        return n
    return extent // stride + 1


def padded(x, geom, value=0):
    """``x`` placed at offset ``geom.lo`` in an array of the windows' span, ``value`` around it.

    Input past the span is cropped; when nothing needs padding, ``x`` itself is returned.
    """
    nsp = len(geom.kernel)
    span = geom.span
    if all(lo == 0 for lo in geom.lo) and tuple(x.shape[-nsp:]) == span:
        return x
    lead = x.shape[:-nsp]
    out = array_module(x).full(lead + span, value, dtype=x.dtype)
    dst, src = [], []
    for lo, n, sp in zip(geom.lo, x.shape[-nsp:], span):
        stop = min(lo + n, sp)
        dst.append(slice(lo, max(stop, lo)))
        src.append(slice(0, max(stop - lo, 0)))
    out[(Ellipsis, *dst)] = x[(Ellipsis, *src)]
    return out


def windows(xpad, geom, kernel_first=True):
    """A strided view of the windows of ``xpad`` (already padded to ``geom.span``).

    Shape ``(*lead, *kernel, *out)`` when ``kernel_first``, else ``(*lead, *out, *kernel)``.
    """
    nsp = len(geom.kernel)
    lead_shape = xpad.shape[:-nsp]
    lead_strides = xpad.strides[:-nsp]
    sp_strides = xpad.strides[-nsp:]
    k_strides = tuple(st * d for st, d in zip(sp_strides, geom.dilation))
    o_strides = tuple(st * s for st, s in zip(sp_strides, geom.stride))
    if kernel_first:
        shape = lead_shape + geom.kernel + geom.out_size
        strides = lead_strides + k_strides + o_strides
    else:
        shape = lead_shape + geom.out_size + geom.kernel
        strides = lead_strides + o_strides + k_strides
    return as_strided(xpad, shape, strides, writeable=False)


def scatter_windows(cols, geom, dtype=None):
    """The adjoint of ``windows`` (col2im): add ``cols`` of shape ``(*lead, *kernel, *out)``
    back into an array of the input's shape ``(*lead, *in_size)``, dropping the padding."""
    nsp = len(geom.kernel)
    lead = cols.shape[: cols.ndim - 2 * nsp]
    span = geom.span
    size = tuple(max(s, lo + n) for s, lo, n in zip(span, geom.lo, geom.in_size))
    out = array_module(cols).zeros(lead + size, dtype=dtype or cols.dtype)
    for k in itertools.product(*(range(n) for n in geom.kernel)):
        dst = tuple(
            slice(ki * d, ki * d + (o - 1) * s + 1, s)
            for ki, d, o, s in zip(k, geom.dilation, geom.out_size, geom.stride)
        )
        out[(Ellipsis, *dst)] += cols[(Ellipsis, *k) + (slice(None),) * nsp]
    crop = tuple(slice(lo, lo + n) for lo, n in zip(geom.lo, geom.in_size))
    return out[(Ellipsis, *crop)]
