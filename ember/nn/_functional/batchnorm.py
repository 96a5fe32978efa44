"""batch_norm and instance_norm: normalization by batch statistics (updating running
statistics in place) or by given running statistics.

Note [running statistics]
In training, ``running = (1 - momentum) * running + momentum * batch_stat`` with the biased
batch mean and the *unbiased* batch variance, written straight into the buffers' arrays (no
graph, version bumped), as PyTorch's kernels do. Instance norm's running statistics are the
batch averages of the per-instance statistics, which is what PyTorch's reshape to one
(1, N*C, *) batch norm over N copies of the buffers amounts to.
"""

import warnings

import numpy as np

from ember.nn._functional.normalization import _check_floating, _check_same_dtype
from ember.ops.normalization import normalize

__all__ = ["batch_norm", "instance_norm"]


def _channel_view(t, ndim):
    """A per-channel (C,) tensor viewed as (C, 1, ..., 1) to broadcast over (N, C, *)."""
    return None if t is None else t.reshape((t.shape[0],) + (1,) * (ndim - 2))


def _update_running(running, value, momentum):
    """``running = (1 - momentum) * running + momentum * value``, in place, outside the graph."""
    data = running._data
    data *= 1 - momentum
    data += (momentum * value).astype(data.dtype, copy=False)
    running._version.value += 1


def _check_numel(name, t, expected, input, repeats=1):
    if t is None:
        return
    if t.numel() * repeats != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {t.numel() * repeats}")
    _check_same_dtype(input, t)


def _check_stats_pair(running_mean, running_var):
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")


def _affine_with_stats(input, mean, var, weight, bias, eps):
    """Normalisation by given (running) statistics: an affine map, composed of ember ops."""
    ndim = input.dim()
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    return input * _channel_view(scale, ndim) + _channel_view(shift, ndim)


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-5,
):
    """Batch normalization over (N, C, *): batch statistics in training (updating the running
    statistics in place, see Note [running statistics]), running statistics otherwise."""
    if training:
        size = tuple(input.shape)
        if int(np.prod(size[2:], dtype=np.int64)) * size[0] == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"torch.Size({list(size)})"
            )
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    _check_floating("batch_norm", input)
    c = input.shape[1] if input.dim() > 1 else 0  # PyTorch reads a 1-d input as 0 channels
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        _check_numel(name, t, c, input)
    _check_numel("weight", weight, c, input)
    _check_numel("bias", bias, c, input)
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
        return _affine_with_stats(input, running_mean, running_var, weight, bias, eps)
    _check_stats_pair(running_mean, running_var)
    ndim = input.dim()
    w, b = _channel_view(weight, ndim), _channel_view(bias, ndim)
    if input.numel() == 0:  # an empty batch leaves the running statistics alone
        return _affine_with_stats(input, input.new_zeros(c), input.new_ones(c), weight, bias, eps)
    axes = (0,) + tuple(range(2, ndim))
    out, mean, var = normalize(input, w, b, axes, eps)
    if running_mean is not None:
        count = input.numel() // c
        _update_running(running_mean, mean.reshape(-1), momentum)
        _update_running(running_var, var.reshape(-1) * (count / (count - 1)), momentum)
    return out


def instance_norm(
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats=True,
    momentum=0.1,
    eps=1e-5,
):
    """Instance normalization: each (n, c) plane standardised over its spatial dims."""
    size = tuple(input.shape)
    if use_input_stats and int(np.prod(size[2:], dtype=np.int64)) == 1:
        raise ValueError(
            "Expected more than 1 spatial element when training, got input size "
            f"torch.Size({list(size)})"
        )
    _check_floating("batch_norm", input)
    n, c = size[:2]
    # PyTorch checks these against the (1, N*C, *) batch norm it reduces instance norm to.
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        _check_numel(name, t, n * c, input, repeats=n)
    _check_numel("weight", weight, n * c, input, repeats=n)
    _check_numel("bias", bias, n * c, input, repeats=n)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "Expected running_mean and running_var to be defined when use_input_stats is false"
            )
        return _affine_with_stats(input, running_mean, running_var, weight, bias, eps)
    _check_stats_pair(running_mean, running_var)
    ndim = input.dim()
    axes = tuple(range(2, ndim))
    w, b = _channel_view(weight, ndim), _channel_view(bias, ndim)
    out, mean, var = normalize(input, w, b, axes, eps)
    if running_mean is not None:
        count = int(np.prod(size[2:], dtype=np.int64))
        with warnings.catch_warnings():  # an empty batch gives NaN statistics, as in PyTorch
            warnings.simplefilter("ignore", RuntimeWarning)
            batch_mean = mean.reshape(n, c).mean(0)
            batch_var = (var.reshape(n, c) * (count / (count - 1))).mean(0)
        _update_running(running_mean, batch_mean, momentum)
        _update_running(running_var, batch_var, momentum)
    return out
