"""Convolution: conv1d/2d/3d and conv_transpose1d/2d/3d.

Note [convolution as three bilinear ops]
A convolution ``y = B(x, w)`` is bilinear in the input and the weight. Its gradients are the
two adjoints: ``gx = Bt_x(gy, w)`` (the transposed convolution) and ``gw = Bt_w(x, gy)`` (the
weight gradient). The three ops ``_Conv``, ``_ConvTranspose`` and ``_ConvWeight`` share one
geometry and each one's gradients are the other two, so every order of derivative stays inside
this set. The forward is im2col (a strided view copied once into ``(N, groups, C/g * K, L)``)
and one batched GEMM with the weight; the transposed convolution is a GEMM followed by col2im
(``scatter_windows``).
"""

import numpy as np

from ember._backend import array_module
from ember.autograd.function import Op
from ember.ops._conv_args import conv_geometry, conv_transpose_geometry, squeeze0, unbatched
from ember.ops._windows import padded, scatter_windows, windows

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
]

TENSOR_METHODS = ()


def _cols(x, geom, groups):
    """im2col: ``x`` (N, C, *in) -> (N, groups, C/g * K, L), one copy."""
    n, c = x.shape[:2]
    win = windows(padded(x, geom), geom)  # (N, C, *kernel, *out)
    k = c // groups * int(np.prod(geom.kernel))
    return win.reshape(n, groups, k, int(np.prod(geom.out_size)))


def _conv(x, w, b, geom, groups, cols=None):
    """B(x, w): (N, C, *in) x (O, C/g, *k) -> (N, O, *out); ``cols``: x's im2col, if made."""
    n = x.shape[0]
    o = w.shape[0]
    cols = _cols(x, geom, groups) if cols is None else cols
    y = array_module(x, w).matmul(w.reshape(groups, o // groups, -1), cols)
    y = y.reshape((n, o) + geom.out_size)
    if b is not None:
        y += b.reshape((o,) + (1,) * len(geom.kernel))
    return y


def _conv_transpose(u, w, b, geom, groups):
    """Bt_x(u, w): (N, O, *out) x (O, C/g, *k) -> (N, C, *in)."""
    n, o = u.shape[:2]
    wg = w.reshape(groups, o // groups, -1)
    n_out = int(np.prod(geom.out_size))
    xp = array_module(u, w)
    cols = xp.matmul(wg.transpose(0, 2, 1), u.reshape(n, groups, o // groups, n_out))
    c = w.shape[1] * groups
    cols = cols.reshape((n, c) + geom.kernel + geom.out_size)
    z = xp.ascontiguousarray(scatter_windows(cols, geom))
    if b is not None:
        z += b.reshape((c,) + (1,) * len(geom.kernel))
    return z


def _conv_weight(x, u, geom, groups, w_shape, cols=None):
    """Bt_w(x, u): (N, C, *in) x (N, O, *out) -> (O, C/g, *k); ``cols``: x's im2col, if made."""
    n, o = u.shape[:2]
    cols = _cols(x, geom, groups) if cols is None else cols  # (N, g, CgK, L)
    n_out = int(np.prod(geom.out_size))
    ug = u.reshape(n, groups, o // groups, n_out)
    xp = array_module(x, u)
    if o // groups >= n_out:
        # Deep layers (few positions, many channels): one GEMM over (N * L). The batched GEMM
        # below makes an (N, O, C*K) intermediate, larger than the columns when O > L
        # (b32 512->512 @4: 85 -> 20 ms and 302 MB less; 256->256 @8: 33 -> 22 ms).
        u2 = ug.transpose(1, 2, 0, 3).reshape(groups, o // groups, n * n_out)
        c2 = cols.transpose(1, 0, 3, 2).reshape(groups, n * n_out, cols.shape[2])
        return xp.matmul(u2, c2).reshape(w_shape)
    # Early layers (L > O): a batched GEMM then a sum over the batch, measured faster than one
    # GEMM over (N * L), which needs the columns copied into a batch-inner layout (b32 64->64
    # @32: 19 vs 166 ms; 128->128 @16: 20 vs 38 ms).
    gw = xp.matmul(ug, cols.transpose(0, 1, 3, 2)).sum(0)
    return gw.reshape(w_shape)


def _bias_grad(grad, nsp):
    dims = (0,) + tuple(range(2, 2 + nsp))
    return grad.sum(dims)


class _Conv(Op):
    save_inputs = True

    def forward(ctx, x, w, b, *, geom, groups):
        ctx.geom, ctx.groups = geom, groups
        # The im2col copy is kept for the weight gradient, which needs the same columns: one
        # copy per step instead of two (the largest cost of a small conv net's step).
        ctx.cols = _cols(x, geom, groups)
        return _conv(x, w, b, geom, groups, ctx.cols)

    def backward(ctx, grad):
        x, w, b = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        geom, groups = ctx.geom, ctx.groups
        # The weight gradient first, so the saved columns are released before the transposed
        # convolution makes its own: the peak holds one set of columns, not two (64->64 @32,
        # b32: 162 MB -> see docs/performance.md). A second backward (retain_graph) makes the
        # columns again.
        cols, ctx.cols = ctx.cols, None
        gw = _ConvWeight.apply(x, grad, geom=geom, groups=groups, cols=cols) if need_w else None
        del cols
        gx = _ConvTranspose.apply(grad, w, None, geom=geom, groups=groups) if need_x else None
        gb = _bias_grad(grad, len(geom.kernel)) if need_b else None
        return gx, gw, gb


class _ConvTranspose(Op):
    save_inputs = True

    def forward(ctx, u, w, b, *, geom, groups):
        ctx.geom, ctx.groups = geom, groups
        return _conv_transpose(u, w, b, geom, groups)

    def backward(ctx, grad):
        u, w, b = ctx.saved_tensors
        need_u, need_w, need_b = ctx.needs_input_grad
        geom, groups = ctx.geom, ctx.groups
        gu = _Conv.apply(grad, w, None, geom=geom, groups=groups) if need_u else None
        gw = _ConvWeight.apply(grad, u, geom=geom, groups=groups) if need_w else None
        gb = _bias_grad(grad, len(geom.kernel)) if need_b else None
        return gu, gw, gb


class _ConvWeight(Op):
    save_inputs = True

    def forward(ctx, x, u, *, geom, groups, cols=None):
        ctx.geom, ctx.groups = geom, groups
        n_o = u.shape[1]
        ctx.w_shape = (n_o, x.shape[1] // groups) + geom.kernel
        return _conv_weight(x, u, geom, groups, ctx.w_shape, cols)

    def backward(ctx, grad):
        x, u = ctx.saved_tensors
        need_x, need_u = ctx.needs_input_grad
        geom, groups = ctx.geom, ctx.groups
        gx = _ConvTranspose.apply(u, grad, None, geom=geom, groups=groups) if need_x else None
        gu = _Conv.apply(x, grad, None, geom=geom, groups=groups) if need_u else None
        return gx, gu


def _convnd(nsp, name, input, weight, bias, stride, padding, dilation, groups):
    batched = unbatched(input, nsp, name)
    x = input if batched else input.unsqueeze(0)
    geom, x = conv_geometry(x, weight, bias, stride, padding, dilation, groups, nsp)
    out = _Conv.apply(x, weight, bias, geom=geom, groups=groups)
    return out if batched else squeeze0(out)


def _conv_transposend(nsp, name, input, weight, bias, stride, padding, output_padding, groups,
                      dilation):  # fmt: skip
    batched = unbatched(input, nsp, name)
    x = input if batched else input.unsqueeze(0)
    geom = conv_transpose_geometry(
        x, weight, bias, stride, padding, output_padding, groups, dilation, nsp
    )
    out = _ConvTranspose.apply(x, weight, bias, geom=geom, groups=groups)
    return out if batched else squeeze0(out)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) over (N, C, L) or unbatched (C, L) input.

    Differences from PyTorch: an input with zero channels gives zeros with the weight's output
    channels (PyTorch returns a tensor with zero channels).
    """
    return _convnd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) over (N, C, H, W) or unbatched (C, H, W) input.

    Differences from PyTorch: an input with zero channels gives zeros with the weight's output
    channels (PyTorch returns a tensor with zero channels).
    """
    return _convnd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (cross-correlation) over (N, C, D, H, W) or unbatched input.

    Differences from PyTorch: an input with zero channels gives zeros with the weight's output
    channels (PyTorch returns a tensor with zero channels).
    """
    return _convnd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """1-D transposed convolution (the gradient of conv1d with respect to its input)."""
    args = (input, weight, bias, stride, padding, output_padding, groups, dilation)
    return _conv_transposend(1, "conv_transpose1d", *args)


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2-D transposed convolution (the gradient of conv2d with respect to its input)."""
    args = (input, weight, bias, stride, padding, output_padding, groups, dilation)
    return _conv_transposend(2, "conv_transpose2d", *args)


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """3-D transposed convolution (the gradient of conv3d with respect to its input)."""
    args = (input, weight, bias, stride, padding, output_padding, groups, dilation)
    return _conv_transposend(3, "conv_transpose3d", *args)
