"""Activation functions: the primitives from ember.ops.activation plus compositions."""

import math
import warnings

from ember import ops
from ember._backend import array_module
from ember._tensor import make_tensor
from ember.ops import activation as _act
from ember.ops._common import float_input
from ember.ops._inplace import inplace as _inplace

__all__ = [
    "relu",
    "relu_",
    "relu6",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "gelu",
    "silu",
    "mish",
    "hardswish",
    "hardsigmoid",
    "hardtanh",
    "hardtanh_",
    "sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "tanhshrink",
    "threshold",
    "threshold_",
    "glu",
    "logsigmoid",
    "softmax",
    "log_softmax",
    "softmin",
    "hardshrink",
    "softshrink",
    "leaky_relu",
    "leaky_relu_",
    "prelu",
    "rrelu",
]


def _maybe_inplace(fn, input, inplace, *args):
    return _inplace(fn, input, *args) if inplace else fn(input, *args)


def _neg_mask(x):
    """1 where ``x <= 0``, else 0, as a constant tensor of ``x``'s dtype."""
    return make_tensor((x._data <= 0).astype(x._data.dtype))


def relu(input, inplace=False):
    """``max(x, 0)``."""
    return ops.relu_(input) if inplace else ops.relu(input)


def relu_(input):
    """In-place relu."""
    return ops.relu_(input)


def _relu6(input):
    return _act.hardtanh(input, 0.0, 6.0)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)``."""
    return _maybe_inplace(_relu6, input, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to ``[min_val, max_val]``."""
    return _maybe_inplace(_act.hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place hardtanh."""
    return _inplace(_act.hardtanh, input, min_val, max_val)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` above 0, ``negative_slope * x`` below."""
    return _maybe_inplace(_act.leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place leaky_relu."""
    return _inplace(_act.leaky_relu, input, negative_slope)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``."""
    return _maybe_inplace(_act.threshold, input, inplace, threshold, value)


def threshold_(input, threshold, value):
    """In-place threshold."""
    return _inplace(_act.threshold, input, threshold, value)


hardshrink = _act.hardshrink
softshrink = _act.softshrink
prelu = _act.prelu
logsigmoid = _act.logsigmoid


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``."""
    return _maybe_inplace(_act.hardsigmoid, input, inplace)


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``."""
    return _maybe_inplace(_act.hardswish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``."""
    return _act.softplus(input, beta, threshold)


def _elu(input, alpha=1.0, scale=1.0, input_scale=1.0):
    # Note [elu without overflow]: the exponential sees only the non-positive part of x, so
    # large positive inputs never overflow (an unused inf branch would make the gradient NaN).
    x = float_input(input)
    neg = _neg_mask(x)
    exp_part = ((x * neg) * input_scale).exp() - 1
    return (
        (ops.relu(x) + (alpha * exp_part)) * scale if scale != 1 else ops.relu(x) + alpha * exp_part
    )


def elu(input, alpha=1.0, inplace=False):
    """``x`` above 0, ``alpha * (exp(x) - 1)`` below."""
    return _maybe_inplace(_elu, input, inplace, alpha)


def elu_(input, alpha=1.0):
    """In-place elu."""
    return _inplace(_elu, input, alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _selu(input):
    return _elu(input, _SELU_ALPHA, _SELU_SCALE)


def selu(input, inplace=False):
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    return _maybe_inplace(_selu, input, inplace)


def selu_(input):
    """In-place selu."""
    return _inplace(_selu, input)


def _celu(input, alpha=1.0):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _elu(input, alpha, 1.0, 1.0 / alpha)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return _maybe_inplace(_celu, input, inplace, alpha)


def celu_(input, alpha=1.0):
    """In-place celu."""
    return _inplace(_celu, input, alpha)


def gelu(input, approximate="none"):
    """``x * Phi(x)``; ``approximate='tanh'`` uses the tanh formula."""
    x = float_input(input)
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + inner.tanh())
    if approximate != "none":
        raise RuntimeError("approximate argument must be either none or tanh.")
    return 0.5 * x * (1 + ops.erf(x * (1 / math.sqrt(2.0))))


def silu(input, inplace=False):
    """``x * sigmoid(x)``."""
    return _maybe_inplace(lambda x: x * x.sigmoid(), input, inplace)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``."""
    return _maybe_inplace(lambda x: x * _act.softplus(x).tanh(), input, inplace)


def sigmoid(input):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent."""
    return ops.tanh(input)


def softsign(input):
    """``x / (1 + |x|)``."""
    return input / (1 + ops.abs(input))


def tanhshrink(input):
    """``x - tanh(x)``."""
    return input - ops.tanh(input)


def glu(input, dim=-1):
    """First half of ``dim`` times sigmoid of the second half."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {dim % input.ndim} is size {size}"
        )
    a, b = ops.split(input, size // 2, dim)
    return a * b.sigmoid()


def _softmax_dim(name, ndim):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / exp(x).sum(dim)``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return _act.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x))``, computed stably."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return _act.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-x)``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return _act.softmax(-input, dim)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomised leaky relu; in evaluation the slope is ``(lower + upper) / 2``."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    x = float_input(input)
    noise = ops.empty(tuple(x.shape), dtype=x.dtype, device=x.device).uniform_(lower, upper)
    slope = array_module(x._data).where(x._data >= 0, 1.0, noise._data).astype(x._data.dtype)
    out = x * make_tensor(slope)
    if inplace:
        return _inplace(lambda t: out, input)
    return out
