"""Normalization: batch_norm, instance_norm, layer_norm, group_norm, rms_norm,
local_response_norm.

Note [one normalization op]
Batch, instance, layer and group norm all standardise ``x`` over some axes, then scale and shift.
``_Normalize`` does this in one op: the functional computes the statistics in NumPy, the
forward applies them (as one multiply-add when the affine parameters are constant along the
reduced axes, as in batch norm), and the backward is the closed-form gradient written with
ember ops. Under ``create_graph`` the backward recomputes mean and inverse std from ``x`` with
ember ops, so second derivatives see their dependence on ``x``.
"""

import numpy as np

from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD, no_grad

__all__ = [
    "batch_norm",
    "instance_norm",
    "layer_norm",
    "group_norm",
    "rms_norm",
    "local_response_norm",
]

TENSOR_METHODS = ()


class _Normalize(Op):
    save_inputs = True

    def forward(ctx, x, w, b, *, axes, mean, invstd, eps):
        ctx.axes, ctx.mean, ctx.invstd, ctx.eps = axes, mean, invstd, eps
        scale = invstd if w is None else invstd * w
        if scale.size < x.size:
            # Affine constant along the reduced axes: y = x * scale + shift, two passes.
            shift = -mean * scale if b is None else b - mean * scale
            y = x * scale.astype(x.dtype, copy=False)
            y += shift.astype(x.dtype, copy=False)
            return y
        y = x - mean
        y *= invstd
        if w is not None:
            y *= w
        if b is not None:
            y += b
        return y

    def backward(ctx, grad):
        x, w, b = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        axes = ctx.axes
        if GRAD.enabled:
            mean = x.mean(axes, keepdim=True)
            invstd = (x.var(axes, keepdim=True, correction=0) + ctx.eps).rsqrt()
        else:
            mean, invstd = make_tensor(ctx.mean), make_tensor(ctx.invstd)
        xhat = (x - mean) * invstd
        gx = gw = None
        if need_x:
            g = grad if w is None else grad * w
            gx = invstd * (
                g - g.mean(axes, keepdim=True) - xhat * (g * xhat).mean(axes, keepdim=True)
            )
        if need_w:
            gw = grad * xhat  # the engine sums it down to the weight's shape
        return gx, gw, (grad if need_b else None)


def _stats(x, axes, eps):
    """(mean, biased var, inverse std) of array ``x`` over ``axes``, kept dims."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    invstd = 1.0 / np.sqrt(var + eps)
    return mean, var, invstd.astype(x.dtype, copy=False)


def _normalize(x, w, b, axes, eps):
    mean, var, invstd = _stats(x._data, axes, eps)
    out = _Normalize.apply(x, w, b, axes=axes, mean=mean, invstd=invstd, eps=eps)
    return out, mean, var


def _channel_view(t, ndim):
    """A per-channel (C,) tensor viewed as (C, 1, ..., 1) to broadcast over (N, C, *)."""
    return None if t is None else t.reshape((t.shape[0],) + (1,) * (ndim - 2))


def _update_running(running, value, momentum):
    """running = (1 - momentum) * running + momentum * value, in place (no graph)."""
    data = running._data
    data *= 1 - momentum
    data += (momentum * value).astype(data.dtype, copy=False)
    running._version.value += 1


def _check_channels(name, t, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _affine_with_stats(input, mean, var, weight, bias, eps):
    """Normalisation by given (running) statistics: an affine map, composed of ember ops."""
    ndim = input.dim()
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    return input * _channel_view(scale, ndim) + _channel_view(shift, ndim)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):  # fmt: skip
    """Batch normalization over (N, C, *): batch statistics in training (updating the running
    statistics in place), running statistics otherwise."""
    c = input.shape[1] if input.dim() > 1 else 1
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        _check_channels(name, t, c)
    _check_channels("weight", weight, c)
    _check_channels("bias", bias, c)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        return _affine_with_stats(input, running_mean, running_var, weight, bias, eps)
    count = input.numel() // max(c, 1)
    if count <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"torch.Size({list(input.shape)})"
        )
    ndim = input.dim()
    axes = (0,) + tuple(range(2, ndim))
    w, b = _channel_view(weight, ndim), _channel_view(bias, ndim)
    out, mean, var = _normalize(input, w, b, axes, eps)
    if running_mean is not None:
        _update_running(running_mean, mean.reshape(-1), momentum)
    if running_var is not None:
        _update_running(running_var, var.reshape(-1) * (count / (count - 1)), momentum)
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):  # fmt: skip
    """Instance normalization: each (n, c) plane standardised over its spatial dims."""
    ndim = input.dim()
    c = input.shape[1]
    if not use_input_stats:
        return _affine_with_stats(input, running_mean, running_var, weight, bias, eps)
    count = int(np.prod(input.shape[2:]))
    if count <= 1:
        raise ValueError(
            "Expected more than 1 spatial element when training, got input size "
            f"torch.Size({list(input.shape)})"
        )
    _check_channels("weight", weight, c)
    axes = tuple(range(2, ndim))
    w, b = _channel_view(weight, ndim), _channel_view(bias, ndim)
    out, mean, var = _normalize(input, w, b, axes, eps)
    # Running statistics are the batch average of the per-instance statistics.
    if running_mean is not None:
        _update_running(running_mean, mean.reshape(input.shape[:2]).mean(0), momentum)
    if running_var is not None:
        unbiased = var.reshape(input.shape[:2]) * (count / (count - 1))
        _update_running(running_var, unbiased.mean(0), momentum)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the trailing ``normalized_shape`` dims."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.dim() - k :]) != shape or input.dim() < k:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}"
        )
    axes = tuple(range(input.dim() - k, input.dim()))
    return _normalize(input, weight, bias, axes, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: channels split into ``num_groups`` groups, each standardised."""
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    n, c = input.shape[:2]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    _check_channels("weight", weight, c)
    x = input.reshape(n, num_groups, c // num_groups, -1)  # (N, G, C/G, S)
    w = None if weight is None else weight.reshape(num_groups, c // num_groups, 1)
    b = None if bias is None else bias.reshape(num_groups, c // num_groups, 1)
    return _normalize(x, w, b, (2, 3), eps)[0].reshape(input.shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dims."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}"
        )
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels, as PyTorch composes it."""
    from ember.ops.padding import pad
    from ember.ops.pooling import avg_pool2d, avg_pool3d

    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input * input
    if dim == 3:
        div = pad(div.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).reshape(sizes)
    div = (div * alpha + k).pow(beta)
    return input / div


_ = no_grad
