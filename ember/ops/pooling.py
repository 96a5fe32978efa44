"""Pooling: max (with PyTorch's per-plane indices), average, adaptive pools and max_unpool.

Max pooling reads each window's values through a strided view of the input padded with the
lowest value (adaptive pools gather them by index), takes the first maximum as PyTorch does,
and maps it to its flat position in the plane. Its gradient scatters into those positions (see
ember/ops/_planes.py). Average pooling is a linear op whose adjoint is col2im; adaptive average
pooling is a product of per-dim averaging matrices.
"""

import itertools

import numpy as np

from ember._backend import array_module
from ember._dtype import is_floating_np
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._planes import scatter_planes
from ember.ops._pool_args import check_dtype, check_input, pool_geometry, unpool_size
from ember.ops._windows import padded, scatter_windows, windows
from ember.ops.linalg import matmul

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]

TENSOR_METHODS = ()


def _lowest(dtype):
    return -np.inf if is_floating_np(dtype) else np.iinfo(dtype).min


class _MaxByCandidates(Op):
    """Max over candidate positions ``cand`` (*out, K) of each plane; returns (values, indices).

    With ``geom`` the candidates are a pool's sliding windows and their values are read through
    a strided view of the padded input (one copy); otherwise (adaptive pools) they are gathered
    by index. Ties and NaNs follow PyTorch (see ``_running_max``).
    """

    non_differentiable = (1,)

    def forward(ctx, x, *, cand, nsp, geom=None):
        lead = x.shape[: x.ndim - nsp]
        out_size = cand.shape[:-1]
        ctx.nlead, ctx.size = len(lead), x.shape[x.ndim - nsp :]
        n_out, k = int(np.prod(out_size, dtype=np.int64)), cand.shape[-1]
        xp = ctx.xp
        if x.size == 0 or n_out == 0:
            ctx.idx = xp.zeros(lead + out_size, dtype=np.int64)
            return xp.zeros(lead + out_size, dtype=x.dtype), ctx.idx
        flat_cand = cand.reshape(n_out, k)
        if geom is not None:
            win = windows(padded(x, geom, value=_lowest(x.dtype)), geom)  # (*lead, *kernel, *out)
            kernel_pos = list(itertools.product(*map(range, geom.kernel)))
            column = lambda j: win[(Ellipsis, *kernel_pos[j]) + (slice(None),) * nsp]  # noqa: E731
        else:
            flat = x.reshape(lead + (-1,))
            column = lambda j: xp.take(flat, cand[..., j], axis=-1)  # noqa: E731
        out, arg = _running_max(column, k, xp)
        out, arg = out.reshape(lead + (n_out,)), arg.reshape(lead + (n_out,))
        # The chosen candidate's flat plane index: cand[l, arg[..., l]].
        idx = flat_cand.reshape(-1)[xp.arange(n_out, dtype=np.int64) * k + arg]
        plane = int(np.prod(x.shape[x.ndim - nsp :], dtype=np.int64))
        if geom is not None and (idx == plane).any():
            # A window whose maximum is the lowest value may pick the padding; PyTorch gives
            # the window's first input position then (the smallest valid flat index).
            first = xp.where(flat_cand < plane, flat_cand, plane).min(-1)
            idx = xp.where(idx == plane, xp.broadcast_to(first, idx.shape), idx)
        ctx.idx = idx = idx.reshape(lead + out_size)
        return out.reshape(lead + out_size), idx

    def backward(ctx, grad, _):
        return scatter_planes(grad, ctx.idx, ctx.nlead, ctx.size)


def _running_max(column, k, xp):
    """Max and argmax over ``k`` candidate arrays ``column(j)``, one vectorised pass each.

    A loop over the (few) window positions, never over outputs: NumPy's ``argmax`` along a
    short last axis is several times slower. The first maximum wins; a NaN wins over numbers
    and a later NaN over an earlier one, as in PyTorch's kernel (``val > max || isnan(val)``).
    """
    best = xp.array(column(0), copy=True)
    arg = xp.zeros(best.shape, dtype=np.int16 if k < 2**15 else np.int64)
    mask = xp.empty(best.shape, dtype=bool)
    step = xp.empty_like(arg)
    for j in range(1, k):
        v = column(j)
        xp.greater(v, best, out=mask)
        xp.maximum(best, v, out=best)
        # arg = where(mask, j, arg) without a data-dependent branch: arg += mask * (j - arg).
        xp.subtract(j, arg, out=step)
        xp.multiply(step, mask, out=step)
        arg += step
    if is_floating_np(best.dtype) and xp.isnan(best).any():
        for j in range(k):
            v = column(j)
            nan = xp.isnan(v)
            best[nan] = v[nan]
            arg[nan] = j
    return best, arg.astype(np.int64, copy=False)


def _window_candidates(geom, xp):
    """Flat plane indices of every window element, (*out, K); padding maps to ``plane``."""
    plane = int(np.prod(geom.in_size, dtype=np.int64))
    flat = xp.arange(plane, dtype=np.int64).reshape(geom.in_size)
    return windows(padded(flat, geom, value=plane), geom, kernel_first=False).reshape(
        geom.out_size + (-1,)
    )


def _adaptive_bounds(n_in, n_out, xp):
    starts = (xp.arange(n_out) * n_in) // n_out
    ends = -((-(xp.arange(n_out) + 1) * n_in) // n_out)
    return starts, ends


def _adaptive_candidates(in_size, out_size, xp):
    """Candidate flat indices (*out, K) of adaptive windows; short windows repeat their last
    element, which changes neither the max nor the first index of the max."""
    per_dim = []
    for n_in, n_out in zip(in_size, out_size):
        starts, ends = _adaptive_bounds(n_in, n_out, xp)
        k = int((ends - starts).max()) if n_out else 0
        idx = xp.minimum(starts[:, None] + xp.arange(k)[None, :], ends[:, None] - 1)
        per_dim.append(idx)  # (out_d, k_d)
    nsp = len(in_size)
    flat = xp.zeros((1,) * (2 * nsp), dtype=np.int64)
    for d, idx in enumerate(per_dim):
        stride = int(np.prod(in_size[d + 1 :], dtype=np.int64))
        shape = [1] * (2 * nsp)
        shape[d], shape[nsp + d] = idx.shape
        flat = flat + idx.reshape(shape) * stride
    return flat.reshape(tuple(out_size) + (-1,))


def _max_pool(nsp, name, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):  # fmt: skip
    check_input(input, nsp, name, kind="max")
    check_dtype(input, name if nsp > 1 else "max_pool1d_impl", floating_only=nsp == 1)
    geom = pool_geometry(input, nsp, name, kernel_size, stride, padding, dilation, ceil_mode)
    cand = _window_candidates(geom, array_module(input._data))
    out, idx = _MaxByCandidates.apply(input, cand=cand, nsp=nsp, geom=geom)
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """1-D max pooling over (N, C, L) or (C, L); ``return_indices`` gives flat positions."""
    args = (kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return _max_pool(1, "max_pool1d", input, *args)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """2-D max pooling over (N, C, H, W) or (C, H, W); indices are flat per (H, W) plane."""
    args = (kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return _max_pool(2, "max_pool2d", input, *args)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W)."""
    args = (kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return _max_pool(3, "max_pool3d", input, *args)


def _window_sum(x, geom):
    """Sum of each window of ``x`` (zero padding), over a strided view of the windows."""
    win = windows(padded(x, geom), geom)  # (*lead, *kernel, *out)
    nsp = len(geom.kernel)
    lead = x.ndim - nsp
    return win.sum(axis=tuple(range(lead, lead + nsp)))


class _AvgPool(Op):
    """Window sums divided by ``divisor`` (an array over output positions); linear."""

    def forward(ctx, x, *, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        out = _window_sum(x, geom)
        return (out / divisor).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        return _AvgPoolAdjoint.apply(grad, geom=ctx.geom, divisor=ctx.divisor)


class _AvgPoolAdjoint(Op):
    def forward(ctx, g, *, geom, divisor):
        ctx.geom, ctx.divisor = geom, divisor
        nsp = len(geom.kernel)
        lead = g.shape[: g.ndim - nsp]
        scaled = (g / divisor).astype(g.dtype, copy=False)
        cols = ctx.xp.broadcast_to(
            scaled.reshape(lead + (1,) * nsp + geom.out_size), lead + geom.kernel + geom.out_size
        )
        return ctx.xp.ascontiguousarray(scatter_windows(cols, geom))

    def backward(ctx, grad):
        return _AvgPool.apply(grad, geom=ctx.geom, divisor=ctx.divisor)


def _avg_divisor(geom, pad, count_include_pad, divisor_override, xp):
    """The float64 divisor of each output position (a 0-d array for ``divisor_override``)."""
    if divisor_override is not None:
        return xp.asarray(divisor_override, dtype=np.float64)
    divisor = xp.ones((), dtype=np.float64)
    for d, (k, s, p, n, o) in enumerate(
        zip(geom.kernel, geom.stride, pad, geom.in_size, geom.out_size)
    ):
        start = xp.arange(o) * s - p
        end = xp.minimum(start + k, n + p)
        pool = end - start
        count = xp.minimum(end, n) - xp.maximum(start, 0)
        per_dim = pool if count_include_pad else count
        shape = [1] * len(geom.kernel)
        shape[d] = o
        divisor = divisor * per_dim.reshape(shape)
    return divisor


def _avg_pool(nsp, name, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):  # fmt: skip
    check_input(input, nsp, name, kind="avg")
    check_dtype(input, name, floating_only=False)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    geom = pool_geometry(input, nsp, name, kernel_size, stride, padding, 1, ceil_mode)
    xp = array_module(input._data)
    divisor = _avg_divisor(geom, geom.lo, count_include_pad, divisor_override, xp)
    return _AvgPool.apply(input, geom=geom, divisor=divisor)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):  # fmt: skip
    """1-D average pooling over (N, C, L) or (C, L)."""
    args = (kernel_size, stride, padding, ceil_mode, count_include_pad, None)
    return _avg_pool(1, "avg_pool1d", input, *args)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):  # fmt: skip
    """2-D average pooling over (N, C, H, W) or (C, H, W)."""
    args = (kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    return _avg_pool(2, "avg_pool2d", input, *args)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):  # fmt: skip
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W)."""
    args = (kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    return _avg_pool(3, "avg_pool3d", input, *args)


def _adaptive_size(input, nsp, name, output_size):
    """(output size, input size) over the last ``nsp`` dims; None keeps an input size."""
    sizes = (output_size,) * nsp if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != nsp:
        if nsp == 1:
            raise RuntimeError(
                f"{name}() argument 'output_size' should contain one int (got {len(sizes)})"
            )
        raise ValueError(f"{name}: output_size must have {nsp} elements, but got {len(sizes)}")
    in_size = tuple(input.shape[-nsp:])
    out = tuple(i if o is None else int(o) for i, o in zip(in_size, sizes))
    if any(o < 0 for o in out):
        raise RuntimeError(
            f"{name}: elements of output_size must be greater than or equal to 0 but received "
            "{" + ", ".join(str(o) for o in out) + "}"
        )
    return out, in_size


def _averaging_matrix(n_in, n_out, xp):
    starts, ends = _adaptive_bounds(n_in, n_out, xp)
    cols = xp.arange(n_in)
    inside = (cols[None, :] >= starts[:, None]) & (cols[None, :] < ends[:, None])
    return inside / (ends - starts)[:, None].astype(np.float64)


def _adaptive_avg(nsp, name, input, output_size):
    if nsp > 1 and output_size in (1, (1,) * nsp, [1] * nsp):
        # PyTorch takes a plain mean here before any other check.
        return input.mean(tuple(range(-nsp, 0)), keepdim=True)
    check_input(input, nsp, name, kind="adaptive_avg")
    out_size, in_size = _adaptive_size(input, nsp, name, output_size)
    # PyTorch runs the 1-d pool as a 2-d one, and names the 3-d kernel with a suffix.
    check_dtype(
        input, {1: "adaptive_avg_pool2d", 3: "adaptive_avg_pool3d_cpu"}.get(nsp, name), True
    )
    # Adaptive windows are products of per-dim intervals: average one dim at a time.
    x = input
    for d in range(nsp):
        if out_size[d] == in_size[d]:
            continue
        m = _averaging_matrix(in_size[d], out_size[d], array_module(input._data))
        m = make_tensor(m.astype(input._data.dtype))
        axis = input.dim() - nsp + d
        x = matmul(x.transpose(axis, -1), m.transpose(0, 1)).transpose(axis, -1)
    return x


def adaptive_avg_pool1d(input, output_size):
    """Average pooling to a fixed output length."""
    return _adaptive_avg(1, "adaptive_avg_pool1d", input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (H, W) output size (None keeps that dim)."""
    return _adaptive_avg(2, "adaptive_avg_pool2d", input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling to a fixed (D, H, W) output size (None keeps that dim)."""
    return _adaptive_avg(3, "adaptive_avg_pool3d", input, output_size)


def _adaptive_max(nsp, name, input, output_size, return_indices):
    check_input(input, nsp, name, kind="adaptive_max")
    out_size, in_size = _adaptive_size(input, nsp, name, output_size)
    check_dtype(input, name.replace("1d", "2d"), floating_only=True)
    cand = _adaptive_candidates(in_size, out_size, array_module(input._data))
    out, idx = _MaxByCandidates.apply(input, cand=cand, nsp=nsp)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling to a fixed output length."""
    return _adaptive_max(1, "adaptive_max_pool1d", input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed (H, W) output size."""
    return _adaptive_max(2, "adaptive_max_pool2d", input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling to a fixed (D, H, W) output size."""
    return _adaptive_max(3, "adaptive_max_pool3d", input, output_size, return_indices)


def _max_unpool(nsp, name, input, indices, kernel_size, stride, padding, output_size):
    size = unpool_size(input, indices, nsp, name, kernel_size, stride, padding, output_size)
    check_dtype(input, name.replace("1d", "2d"), floating_only=True)
    plane = int(np.prod(size))
    idx = indices._data
    bad = (idx < 0) | (idx >= plane)
    if bad.any():
        # PyTorch runs max_unpool1d as a 2-d unpool of width-1 planes.
        shown = size + (1,) if nsp == 1 else size
        raise RuntimeError(
            f"Found an invalid max index: {int(idx[bad][0])} (output volumes are of size "
            f"{'x'.join(str(s) for s in shown)})"
        )
    nlead = input.dim() - nsp
    return scatter_planes(input, idx, nlead, size, accumulate=False)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: values placed at their indices, zeros elsewhere.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order.
    """
    args = (kernel_size, stride, padding, output_size)
    return _max_unpool(1, "max_unpool1d", input, indices, *args)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: values placed at their indices, zeros elsewhere.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order.
    """
    args = (kernel_size, stride, padding, output_size)
    return _max_unpool(2, "max_unpool2d", input, indices, *args)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d: values placed at their indices, zeros elsewhere.

    Differences from PyTorch: with several indices outside the output, the error names the first
    in memory order.
    """
    args = (kernel_size, stride, padding, output_size)
    return _max_unpool(3, "max_unpool3d", input, indices, *args)
