"""Activation primitives with hand-written gradients: softmax, log_softmax, the piecewise-linear
activations (one masked-slope op), prelu, softplus, log_sigmoid and hardswish.

Smooth activations that are plain functions of other ops (silu, gelu, elu...) live in
ember/nn/_functional/activation.py.
"""

from ember._backend._arrays import errstate
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.ops._common import float_input, wrap_dim
from ember.ops.cumulative import accumulation_dtype
from ember.ops.reduction import sum as _sum

__all__ = ["softmax", "log_softmax"]

TENSOR_METHODS = ("softmax", "log_softmax")


# ---- softmax family -------------------------------------------------------------------------


class Softmax(Op):
    save_output = True

    def forward(ctx, x, dim):
        xp = ctx.xp
        ctx.dim = dim
        if x.ndim == 0:
            return xp.ones_like(x)
        a = x.astype(accumulation_dtype(x.dtype), copy=False)  # half precision sums in float32
        e = xp.exp(a - xp.max(a, axis=dim, keepdims=True))
        return (e / xp.sum(e, axis=dim, keepdims=True)).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        y = ctx.output
        return y * (grad - _sum(grad * y, ctx.dim, keepdim=True))


class LogSoftmax(Op):
    save_output = True

    def forward(ctx, x, dim):
        xp = ctx.xp
        ctx.dim = dim
        if x.ndim == 0:
            return xp.zeros_like(x)
        a = x.astype(accumulation_dtype(x.dtype), copy=False)  # half precision sums in float32
        shifted = a - xp.max(a, axis=dim, keepdims=True)
        with errstate(xp, divide="ignore"):
            out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))
        return out.astype(x.dtype, copy=False)

    def backward(ctx, grad):
        y = ctx.output
        return grad - y.exp() * _sum(grad, ctx.dim, keepdim=True)


def _softmax_input(input, dim, dtype, name):
    if dtype is not None:
        input = input.to(dtype)
    elif not input.is_floating_point():
        raise RuntimeError(f"\"{name}_lastdim_kernel_impl\" not implemented for '{input.dtype}'")
    return input, wrap_dim(dim, input.ndim)


def softmax(input, dim, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably."""
    input, dim = _softmax_input(input, dim, dtype, "softmax")
    return Softmax.apply(input, dim=dim)


def log_softmax(input, dim, dtype=None):
    """``log(softmax(x))``, computed stably."""
    input, dim = _softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, dim=dim)


# ---- piecewise-linear activations ----------------------------------------------------------


class MaskedSlope(Op):
    """``out = f(x)`` for a piecewise-linear ``f`` whose slope per element is a constant array;
    ``fn(xp, x)`` returns both, computed with the array module ``xp``.

    The gradient is ``grad * slope``; the second derivative is zero, so the constant slope
    keeps double backward exact.
    """

    def forward(ctx, x, fn):
        out, slope = fn(ctx.xp, x)
        ctx.slope = slope
        return out

    def backward(ctx, grad):
        return grad * make_tensor(ctx.slope)


def _piecewise(input, fn):
    return MaskedSlope.apply(float_input(input), fn=fn)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """Clamp to ``[min_val, max_val]``; the gradient is 1 strictly inside, as in PyTorch."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")

    def fn(xp, x):
        slope = ((x > min_val) & (x < max_val)).astype(x.dtype)
        return xp.clip(x, min_val, max_val).astype(x.dtype), slope

    return _piecewise(input, fn)


def leaky_relu(input, negative_slope=0.01):
    """``x`` for ``x > 0``, else ``negative_slope * x``."""

    def fn(xp, x):
        slope = xp.where(x > 0, 1.0, negative_slope).astype(x.dtype)
        return x * slope, slope

    return _piecewise(input, fn)


def threshold(input, threshold, value):
    """``x`` where ``x > threshold``, else ``value``."""

    def fn(xp, x):
        keep = x > threshold
        return xp.where(keep, x, value).astype(x.dtype), keep.astype(x.dtype)

    return _piecewise(input, fn)


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0."""

    def fn(xp, x):
        keep = (x > lambd) | (x < -lambd)
        return xp.where(keep, x, 0).astype(x.dtype), keep.astype(x.dtype)

    return _piecewise(input, fn)


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")

    def fn(xp, x):
        out = xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, 0)).astype(x.dtype)
        return out, ((x > lambd) | (x < -lambd)).astype(x.dtype)

    return _piecewise(input, fn)


def hardsigmoid(input):
    """``relu6(x + 3) / 6``; the gradient is 1/6 strictly inside (-3, 3)."""

    def fn(xp, x):
        slope = ((x > -3) & (x < 3)).astype(x.dtype) / 6
        return (xp.clip(x + 3, 0, 6) / 6).astype(x.dtype), slope

    return _piecewise(input, fn)


# ---- prelu, hardswish, softplus, log_sigmoid ------------------------------------------------


class Prelu(Op):
    save_inputs = True

    def forward(ctx, x, w):
        xp = ctx.xp
        ctx.pos = x > 0
        return xp.where(ctx.pos, x, w * x)

    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        pos = make_tensor(ctx.pos.astype(x._data.dtype))
        neg = 1 - pos
        need_x, need_w = ctx.needs_input_grad
        grad_x = grad * (pos + neg * w) if need_x else None
        grad_w = grad * x * neg if need_w else None
        return grad_x, grad_w


def prelu(input, weight):
    """``x`` for ``x > 0``, else ``weight * x`` (weight per channel, dim 1)."""
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim >= 2 else input.shape[0] if input.ndim else 1
        if weight.ndim != 1 or weight.numel() != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {weight.numel()} and channel size = {channels}."
            )
        if input.ndim >= 2:
            weight = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    elif weight.ndim > 0:
        weight = weight.reshape(())
    return Prelu.apply(input, weight)


class Hardswish(Op):
    save_inputs = True

    def forward(ctx, x):
        return x * ctx.xp.clip(x + 3, 0, 6) / 6

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        data = x._data
        # PyTorch's convention: slope 0 up to -3, (2x + 3) / 6 strictly inside, 1 from 3 on.
        mid = make_tensor(((data > -3) & (data < 3)).astype(data.dtype))
        high = make_tensor((data >= 3).astype(data.dtype))
        return grad * (mid * (x / 3 + 0.5) + high)


def hardswish(input):
    """``x * relu6(x + 3) / 6``."""
    return Hardswish.apply(float_input(input))


class Softplus(Op):
    save_inputs = True

    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        ctx.beta = beta
        bx = x * beta
        ctx.linear = bx > threshold
        soft = xp.logaddexp(0, bx) / beta
        return xp.where(ctx.linear, x, soft).astype(x.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        linear = make_tensor(ctx.linear.astype(x._data.dtype))
        beta = ctx.beta
        return grad * (linear + (1 - linear) * (x * beta).sigmoid())


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    return Softplus.apply(float_input(input), beta=beta, threshold=threshold)


class LogSigmoid(Op):
    save_inputs = True

    def forward(ctx, x):
        # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), stable for any x.
        xp = ctx.xp
        return (xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))).astype(x.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-x).sigmoid()


def logsigmoid(input):
    """``log(sigmoid(x))``, stable for large ``|x|``."""
    return LogSigmoid.apply(float_input(input))
